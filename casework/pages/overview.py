"""What is due or overdue, for the dashboards and the menu badge. Every query starts from
``sspf_flow.access`` and reads the Deadline rows (indexed by case) that the ladder
(``notifications.deadlines``) keeps, as
plain values rather than full case rows, so a page costs the same few queries however many cases
there are. Each list shows at most ``SHOWN`` rows, the most urgent first, and says how many more
there are."""

from collections import namedtuple
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import Deadline, DeadlineKind
from sspf_flow import access, requestcache
from sspf_flow.models import (
    Action,
    ActionStatus,
    Case,
    Meeting,
    MeetingStatus,
    Party,
    Status,
)

EXPIRY_WINDOW_DAYS = 14
SHOWN = 25

# ``case`` is a CaseLink: the case's id, number and young person's id, enough for a link and the
# access log, and nothing to show by mistake.
Row = namedtuple("Row", "case days due")


class CaseLink:
    """A case as an overview names it: its id, and its number and young person once it is
    shown (``_named``). Not a Case: a busy coordinator's overview reads some 2 000 deadline
    rows, and a model instance for each took 175 ms (issue 11)."""

    __slots__ = ("pk", "number", "youth_id")

    def __init__(self, pk, number=None, youth_id=None):
        self.pk, self.number, self.youth_id = pk, number, youth_id

    def get_absolute_url(self):
        return reverse("sspf:case_detail", args=[self.number])


def _named(links):
    """Fill in the number of each shown case that has none yet: one query for all of them."""
    missing = {link.pk: link for link in links if link.number is None}
    if not missing:
        return
    named = Case.objects.filter(pk__in=missing).values_list("pk", "number", "youth_id")
    for pk, number, youth_id in named:
        missing[pk].number, missing[pk].youth_id = number, youth_id


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
    """The menu badge: the coordinator's overdue follow-ups and actions (one query, none when
    the dashboard counted them already in this request)."""
    if not access.is_coordinator(user):
        return 0
    return requestcache.cached(
        ("overdue", user.pk),
        lambda: Deadline.objects.filter(
            case__in=_own_cases(user).values("pk"),
            kind__in=[DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION],
            due__lt=timezone.localdate(),
        ).count(),
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


def _group(name, rows):
    """One responsible's overdue actions: how many, the most days overdue, and the first few
    cases (each case once)."""
    cases = list({row.case.pk: row.case for row in rows}.values())
    return Group(
        name,
        len(rows),
        rows[0].days,
        cases[:CASES_PER_GROUP],
        max(0, len(cases) - CASES_PER_GROUP),
    )


def _responsible(agency_name, party):
    """Who an action is grouped under: the agency, or the kind of party — never a person's
    name on the dashboard."""
    return agency_name or str(Party(party).label)


def coordinator_overview(user, today=None):
    """Six queries, each asking the coordinator's open cases as a subquery (through the index
    ``case_open_by_coordinator``), so that no list of her cases travels: her cases per state,
    the longest waiting for consent, their due and overdue deadlines, who is responsible for the
    overdue actions, this week's meetings, and the numbers of the cases shown."""
    today = today or timezone.localdate()
    own = _own_cases(user)
    per_state = dict(own.order_by().values_list("status").annotate(n=Count("pk")))
    awaiting = own.filter(status=Status.AWAITING_CONSENT, accepted_at__isnull=False)
    awaiting = awaiting.order_by("accepted_at", "pk").values_list(
        "pk", "number", "youth_id", "accepted_at"
    )[:SHOWN]
    window = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    rows = (  # the cases' numbers only for those shown (_named): no join of every case here
        Deadline.objects.filter(case__in=own.values("pk"))
        .filter(
            Q(kind__in=[DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION], due__lt=today)
            | Q(kind=DeadlineKind.CONSENT_EXPIRY, due__gte=today, due__lte=window)
        )
        .order_by("due", "case_id")
        .values_list("kind", "object_id", "case_id", "due")
    )
    by_kind = {kind: [] for kind in DeadlineKind.values}
    links = {}
    for kind, object_id, case_id, due in rows:
        days = (due - today).days if kind == DeadlineKind.CONSENT_EXPIRY else (today - due).days
        link = links.get(case_id) or links.setdefault(case_id, CaseLink(case_id))
        by_kind[kind].append((object_id, Row(link, days, due)))

    overdue = by_kind[DeadlineKind.ACTION]
    responsible = {
        pk: _responsible(agency_name, party)
        for pk, agency_name, party in Action.objects.filter(
            pk__in=[object_id for object_id, _row in overdue]
        ).values_list("pk", "agency__name", "party")
    }
    grouped = {}
    for object_id, row in overdue:  # earliest due first: a group's first row is its worst
        if object_id in responsible:
            grouped.setdefault(responsible[object_id], []).append(row)
    start, end = week_of(today)
    requestcache.remember(  # the menu badge
        ("overdue", user.pk), len(overdue) + len(by_kind[DeadlineKind.FOLLOW_UP])
    )
    overview = {
        "follow_ups": Listing(row for _o, row in by_kind[DeadlineKind.FOLLOW_UP]),
        "actions_by_agency": Listing(
            sorted(
                (_group(name, rows) for name, rows in grouped.items()),
                key=lambda group: (-group.worst, group.name),
            )
        ),
        "expiring": Listing(row for _o, row in by_kind[DeadlineKind.CONSENT_EXPIRY]),
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
    _named(cases_shown(overview))
    return overview


ActionRow = namedtuple("ActionRow", "case days due text status")


def agency_overview(user, today=None):
    """An agency's open actions in the cases it may see (what each is, its case, due date and
    status; an agency always sees its own actions), and the meetings it is invited to."""
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
            ActionRow(row.case, max(0, row.days), row.due, *shown.get(object_id, ("", "")))
            for (object_id, *_rest), row in zip(deadlines, _rows(deadlines, today), strict=True)
        ),
        "invitations": Listing(_meetings(cases, start=today, agency=agency)),
    }


def cases_shown(overview):
    """Every case a dashboard shows, for the access log."""
    found = {}
    groups = overview.get("actions_by_agency", [])
    listings = [value for value in overview.values() if isinstance(value, Listing)]
    listings = [rows for rows in listings if rows is not groups]
    listings += [group.cases for group in groups]
    for rows in listings:
        for row in rows:
            case = row if isinstance(row, CaseLink) else row[0]
            found[case.pk] = case
    return list(found.values())
