"""What is due or overdue, for the dashboards and the menu badge. Every query starts from
``sspf_flow.access`` and reads the Deadline rows (indexed by case) that the ladder
(``notifications.deadlines``) keeps, as
plain values rather than full case rows, so a page costs the same few queries however many cases
there are. Each list shows at most ``SHOWN`` rows, the most urgent first, and says how many more
there are."""

from collections import namedtuple
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from notifications import badge
from notifications.models import Deadline, DeadlineKind
from sspf_flow import access, requestcache
from sspf_flow.models import (
    Action,
    ActionStatus,
    Agency,
    Case,
    Meeting,
    MeetingPicture,
    MeetingStatus,
    Party,
    Status,
)

from ..workflow.worklist import CaseLink

EXPIRY_WINDOW_DAYS = 14
SHOWN = 25

# ``case`` is a CaseLink: the case's id, number and young person's id, enough for a link and the
# access log, and nothing to show by mistake.
Row = namedtuple("Row", "case days due")


def _named(links):
    """Fill in the number of each shown case that has none yet: one query for all of them."""
    missing = {}
    for link in links:
        if link.number is None:
            missing.setdefault(link.pk, []).append(link)
    if not missing:
        return
    named = Case.objects.filter(pk__in=missing).values_list("pk", "number", "youth_id")
    for pk, number, youth_id in named:
        for link in missing[pk]:
            link.number, link.youth_id = number, youth_id


class Listing(list):
    """The first SHOWN rows; ``more`` says how many were left out (of ``total``, when the rows
    given are only the first ones)."""

    def __init__(self, rows, total=None):
        rows = list(rows)
        super().__init__(rows[:SHOWN])
        self.more = max(0, (len(rows) if total is None else total) - SHOWN)


_case = CaseLink


def _own_cases(user):
    """A coordinator's dashboard covers the open cases they coordinate."""
    return access.cases_visible_to(user).filter(coordinator=user).exclude(status=Status.CLOSED)


def overdue_count(user):
    """The menu badge: the coordinator's overdue follow-ups and actions, as last counted while
    none of them has changed since (``notifications.badge``; one query), or counted now (none
    when the dashboard counted them already in this request)."""
    if not access.is_coordinator(user):
        return 0
    today = timezone.localdate()

    def counted():
        return Deadline.objects.filter(
            case__in=_own_cases(user).values("pk"),
            kind__in=badge.COUNTED,
            due__lt=today,
        ).count()

    agency = access.agency_of(user)
    return requestcache.cached(
        ("overdue", user.pk),
        lambda: badge.count(user.pk, agency and agency.municipality_id, today, counted),
    )


def week_of(day):
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


def _deadlines(cases, **filters):
    """(object id, Row) pairs of the cases' deadlines matching ``filters``, earliest first."""
    return (
        Deadline.objects.filter(case__in=cases.values("pk"), **filters)
        .order_by("due", "case_id")
        .values_list("object_id", "case_id", "case__number", "case__youth_id", "due")
    )


def _rows(values, today, overdue=True):
    for _object_id, case_id, number, youth_id, due in values:
        days = (today - due).days if overdue else (due - today).days
        yield Row(_case(case_id, number, youth_id), days, due)


def _meetings(cases, start=None, end=None, agency=None):
    meetings = Meeting.objects.filter(status=MeetingStatus.PLANNED, case__in=cases.values("pk"))
    if start is not None:
        meetings = meetings.filter(
            starts_at__gte=timezone.make_aware(datetime.combine(start, time.min))
        )
    if end is not None:
        meetings = meetings.filter(
            starts_at__lt=timezone.make_aware(datetime.combine(end, time.min))
        )
    if agency is not None:
        meetings = meetings.filter(invited_agencies=agency)
    return [
        (_case(case_id, number, youth_id), timezone.localtime(starts_at), place)
        for case_id, number, youth_id, starts_at, place in meetings.order_by(
            "starts_at"
        ).values_list("case_id", "case__number", "case__youth_id", "starts_at", "place")[
            : SHOWN + 1
        ]
    ]


Group = namedtuple("Group", "name count worst cases more_cases")
CASES_PER_GROUP = 3


def _responsible(agency_name, party):
    """Who an action is grouped under: the agency, or the kind of party — never a person's
    name on the dashboard."""
    return agency_name or str(Party(party).label)


def _day(value):
    """A date as the database cursor gives it (SQLite gives text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


# The dashboard's deadlines in one statement over the coordinator's deadlines (read once, as
# ``due``): the first SHOWN of each list with how many there are in all, and the overdue actions
# grouped by who is responsible (the agency, else the kind of party) with how many actions,
# how many cases, the earliest due date and the first CASES_PER_GROUP cases. What travels grows
# with the agencies, not with the cases. Only model table names go into the text.
DEADLINES_SQL = """
WITH due AS ({due})
SELECT kind, NULL, NULL, case_id, due, total, 0, place FROM (
    SELECT kind, case_id, due, COUNT(*) OVER (PARTITION BY kind) AS total,
        ROW_NUMBER() OVER (PARTITION BY kind ORDER BY due, case_id) AS place
    FROM due WHERE kind <> %s
) lists WHERE place <= {shown}
UNION ALL
SELECT %s, agency_name, party, case_id, worst, total, cases, place FROM (
    SELECT agency_name, party, case_id,
        SUM(n) OVER (PARTITION BY agency_name, party) AS total,
        COUNT(*) OVER (PARTITION BY agency_name, party) AS cases,
        MIN(first) OVER (PARTITION BY agency_name, party) AS worst,
        ROW_NUMBER() OVER (PARTITION BY agency_name, party ORDER BY first, case_id) AS place
    FROM (
        SELECT agency.name AS agency_name,
            CASE WHEN action.agency_id IS NULL THEN action.party END AS party,
            due.case_id AS case_id, COUNT(*) AS n, MIN(due.due) AS first
        FROM due JOIN {action} action ON action.id = due.object_id
            LEFT JOIN {agency} agency ON agency.id = action.agency_id
        WHERE due.kind = %s
        GROUP BY agency.name, CASE WHEN action.agency_id IS NULL THEN action.party END,
            due.case_id
    ) per_case
) groups WHERE place <= {per_group}
ORDER BY place
"""


def _deadlines_of(own, today):
    """The ``own`` cases' overdue follow-ups and consents running out within
    EXPIRY_WINDOW_DAYS (Listings of their first SHOWN rows), and their overdue actions grouped
    by who is responsible (``Group``s, the most overdue first); one statement
    (``DEADLINES_SQL``). Returns (follow-ups, expiring, groups, how many overdue actions)."""
    window = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    due, params = (
        Deadline.objects.filter(case__in=own.values("pk"))
        .filter(
            Q(kind__in=[DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION], due__lt=today)
            | Q(kind=DeadlineKind.CONSENT_EXPIRY, due__gte=today, due__lte=window)
        )
        .order_by()
        .values("kind", "object_id", "case_id", "due")
        .query.sql_with_params()
    )
    sql = DEADLINES_SQL.format(
        due=due,
        shown=SHOWN,
        per_group=CASES_PER_GROUP,
        action=_table(Action),
        agency=_table(Agency),
    )
    action = DeadlineKind.ACTION
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, action, action, action])
        found = cursor.fetchall()
    lists = {DeadlineKind.FOLLOW_UP: ([], 0), DeadlineKind.CONSENT_EXPIRY: ([], 0)}
    groups, links = {}, {}  # one CaseLink per case, for _named to fill in
    for kind, agency_name, party, case_id, day, total, cases, _place in found:
        day, link = _day(day), links.setdefault(case_id, CaseLink(case_id))
        if kind != action:
            days = (day - today).days if kind == DeadlineKind.CONSENT_EXPIRY else (today - day).days
            lists[kind] = (lists[kind][0] + [Row(link, days, day)], int(total))
            continue
        name = _responsible(agency_name, party)
        if name not in groups:
            more = max(0, cases - CASES_PER_GROUP)
            groups[name] = Group(name, int(total), (today - day).days, [], more)
        groups[name].cases.append(link)
    follow_ups, expiring = (Listing(rows, total=total) for rows, total in lists.values())
    groups = sorted(groups.values(), key=lambda group: (-group.worst, group.name))
    return follow_ups, expiring, groups, sum(group.count for group in groups)


def coordinator_overview(user, today=None):
    """Five queries, each asking the coordinator's open cases as a subquery (through the index
    ``case_open_by_coordinator``), so that no list of her cases travels: her cases per state,
    the longest waiting for consent, her deadlines (``_deadlines_of``: the first overdue
    follow-ups and running-out consents, and who is responsible for the overdue actions),
    this week's meetings, and the numbers of the cases shown."""
    today = today or timezone.localdate()
    own = _own_cases(user)
    per_state = dict(own.order_by().values_list("status").annotate(n=Count("pk")))
    awaiting = own.filter(status=Status.AWAITING_CONSENT, accepted_at__isnull=False)
    awaiting = awaiting.order_by("accepted_at", "pk").values_list(
        "pk", "number", "youth_id", "accepted_at"
    )[:SHOWN]
    follow_ups, expiring, groups, overdue_actions = _deadlines_of(own, today)
    start, end = week_of(today)
    requestcache.remember(  # the menu badge
        ("overdue", user.pk), overdue_actions + len(follow_ups) + follow_ups.more
    )
    overview = {
        "follow_ups": follow_ups,
        "actions_by_agency": Listing(groups),
        "expiring": expiring,
        "awaiting": Listing(
            (
                Row(_case(pk, number, youth_id), (today - timezone.localdate(accepted)).days, None)
                for pk, number, youth_id, accepted in awaiting
            ),
            total=per_state.get(Status.AWAITING_CONSENT, 0),
        ),
        "meetings": Listing(_meetings(own, start=start, end=end)),
        "per_state": [
            (Status(s).label, per_state.get(s, 0)) for s in Status.values if s != Status.CLOSED
        ],
        "week": (start, end - timedelta(days=1)),
    }
    _named(_links(overview))
    return overview


ActionRow = namedtuple("ActionRow", "case days due text status pk")


def agency_overview(user, today=None):
    """An agency's open actions in the cases it may see (what each is, its case, due date and
    status; an agency always sees its own actions), the meetings it is invited to, and those
    it is to give (or may revise) its picture for."""
    today = today or timezone.localdate()
    agency = access.agency_of(user)
    cases = access.cases_visible_to(user)
    deadlines = list(
        _deadlines(
            cases,
            kind=DeadlineKind.ACTION,
            object_id__in=Action.objects.filter(agency=agency).values("pk"),
        )
    )
    shown = {
        pk: (text, ActionStatus(status).label)
        for pk, text, status in Action.objects.filter(
            pk__in=[object_id for object_id, *_rest in deadlines[:SHOWN]]
        ).values_list("pk", "text", "status")
    }
    return {
        "actions": Listing(
            ActionRow(
                row.case, max(0, row.days), row.due, *shown.get(object_id, ("", "")), object_id
            )
            for (object_id, *_rest), row in zip(deadlines, _rows(deadlines, today), strict=True)
        ),
        "invitations": Listing(_meetings(cases, start=today, agency=agency)),
        "to_prepare": Listing(_to_prepare(cases, agency)),
    }


PrepareRow = namedtuple("PrepareRow", "case meeting starts_at place given")


def _to_prepare(cases, agency):
    """ "Meetings to prepare": the planned meetings ahead that ``agency`` is invited to in the
    cases it may see, each with whether the agency has given its picture (to give, or to
    revise until the meeting); one query."""
    given = MeetingPicture.objects.filter(meeting=OuterRef("pk"), agency=agency)
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            case__in=cases.values("pk"),
            invited_agencies=agency,
            starts_at__gt=timezone.now(),
        )
        .annotate(given=Exists(given))
        .order_by("starts_at", "pk")
        .values_list(
            "pk", "case_id", "case__number", "case__youth_id", "starts_at", "place", "given"
        )
    )
    return [
        PrepareRow(_case(case_id, number, youth_id), pk, timezone.localtime(at), place, done)
        for pk, case_id, number, youth_id, at, place, done in meetings[: SHOWN + 1]
    ]


def _links(overview):
    """Every CaseLink a dashboard shows (a case may be shown in several lists)."""
    groups = overview.get("actions_by_agency", [])
    listings = [value for value in overview.values() if isinstance(value, Listing)]
    listings = [rows for rows in listings if rows is not groups]
    listings += [group.cases for group in groups]
    for rows in listings:
        for row in rows:
            yield row if isinstance(row, CaseLink) else row[0]


def cases_shown(overview):
    """Every case a dashboard shows, once, for the access log."""
    return list({case.pk: case for case in _links(overview)}.values())
