"""What is due or overdue, for the dashboards and the menu badge. Every query starts from
``sspf_flow.access`` and reads the Deadline rows (indexed by case) that the ladder keeps, as
plain values rather than full case rows, so a page costs the same few queries however many cases
there are. Each list shows at most ``SHOWN`` rows, the most urgent first, and says how many more
there are."""

from collections import namedtuple
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from sspf_flow import access
from sspf_flow.models import Action, Case, Meeting, MeetingStatus, Party, Status

from .models import Deadline, DeadlineKind

EXPIRY_WINDOW_DAYS = 14
SHOWN = 25

# ``case`` is a Case holding only its id, number and young person's id: enough for a link and the
# access log, and nothing to show by mistake.
Row = namedtuple("Row", "case days due")


class Listing(list):
    """The first SHOWN rows; ``more`` says how many were left out."""

    def __init__(self, rows):
        rows = list(rows)
        super().__init__(rows[:SHOWN])
        self.more = max(0, len(rows) - SHOWN)


def _case(case_id, number, youth_id):
    return Case(id=case_id, number=number, youth_id=youth_id)


def _own_cases(user):
    """A coordinator's dashboard covers the open cases they coordinate."""
    return access.cases_visible_to(user).filter(coordinator=user).exclude(status=Status.CLOSED)


def case_url_prefix():
    return reverse("sspf:case_detail", args=["-"])[:-2]


def overdue_count(user):
    """The menu badge: the coordinator's overdue follow-ups and actions (one query)."""
    if not access.is_coordinator(user):
        return 0
    return Deadline.objects.filter(
        case__in=_own_cases(user).values("pk"),
        kind__in=[DeadlineKind.FOLLOW_UP, DeadlineKind.ACTION],
        due__lt=timezone.localdate(),
    ).count()


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
    meetings = Meeting.objects.filter(case__in=cases.values("pk"), status=MeetingStatus.PLANNED)
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
    today = today or timezone.localdate()
    cases = _own_cases(user)

    follow_ups = Listing(
        _rows(_deadlines(cases, kind=DeadlineKind.FOLLOW_UP, due__lt=today), today)
    )
    overdue = list(_deadlines(cases, kind=DeadlineKind.ACTION, due__lt=today))
    responsible = {
        pk: _responsible(agency_name, party)
        for pk, agency_name, party in Action.objects.filter(
            pk__in=[values[0] for values in overdue]
        ).values_list("pk", "agency__name", "party")
    }
    grouped = {}
    for values in overdue:  # earliest due first, so the first row of a group is the worst
        if values[0] in responsible:
            grouped.setdefault(responsible[values[0]], []).append(values)
    actions_by_agency = [
        _group(name, list(_rows(rows, today))) for name, rows in sorted(grouped.items())
    ]
    expiring = Listing(
        _rows(
            _deadlines(
                cases,
                kind=DeadlineKind.CONSENT_EXPIRY,
                due__gte=today,
                due__lte=today + timedelta(days=EXPIRY_WINDOW_DAYS),
            ),
            today,
            overdue=False,
        )
    )
    awaiting = Listing(
        Row(_case(case_id, number, youth_id), (today - timezone.localdate(accepted)).days, None)
        for case_id, number, youth_id, accepted in cases.filter(
            status=Status.AWAITING_CONSENT, accepted_at__isnull=False
        )
        .order_by("accepted_at")
        .values_list("pk", "number", "youth_id", "accepted_at")
    )
    start, end = week_of(today)
    per_state = dict(cases.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "follow_ups": follow_ups,
        "actions_by_agency": actions_by_agency,
        "expiring": expiring,
        "awaiting": awaiting,
        "meetings": Listing(_meetings(cases, start, end)),
        "per_state": [
            (Status(s).label, per_state.get(s, 0)) for s in Status.values if s != Status.CLOSED
        ],
        "week": (start, end - timedelta(days=1)),
        "case_url": case_url_prefix(),
    }


def agency_overview(user, today=None):
    """An agency's open actions in the cases it may see, and the meetings it is invited to."""
    today = today or timezone.localdate()
    agency = access.agency_of(user)
    cases = access.cases_visible_to(user)
    actions = _deadlines(
        cases,
        kind=DeadlineKind.ACTION,
        object_id__in=Action.objects.filter(agency=agency).values("pk"),
    )
    return {
        "actions": Listing(
            Row(row.case, max(0, row.days), row.due) for row in _rows(actions, today)
        ),
        "invitations": Listing(_meetings(cases, start=today, agency=agency)),
        "case_url": case_url_prefix(),
    }


def cases_shown(overview):
    """Every case a dashboard shows, for the access log."""
    found = {}
    listings = [value for value in overview.values() if isinstance(value, Listing)]
    listings += [group.cases for group in overview.get("actions_by_agency", [])]
    for rows in listings:
        for row in rows:
            case = row if isinstance(row, Case) else row[0]
            found[case.pk] = case
    return list(found.values())
