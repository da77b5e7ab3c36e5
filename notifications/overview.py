"""What is due or overdue, for the dashboards and the menu badge. Every query starts from
``sspf_flow.access`` and uses the Deadline rows (indexed by case) the ladder keeps, so a page costs
the same few queries however many cases there are."""

from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from sspf_flow import access
from sspf_flow.models import Action, Case, Meeting, MeetingStatus, Status

from .models import Deadline, DeadlineKind

EXPIRY_WINDOW_DAYS = 14


def _own_cases(user):
    """A coordinator's dashboard covers the open cases they coordinate."""
    return access.cases_visible_to(user).filter(coordinator=user).exclude(status=Status.CLOSED)


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


def _meetings_between(cases, start, end):
    return (
        Meeting.objects.filter(
            case__in=cases.values("pk"),
            status=MeetingStatus.PLANNED,
            starts_at__gte=timezone.make_aware(datetime.combine(start, time.min)),
            starts_at__lt=timezone.make_aware(datetime.combine(end, time.min)),
        )
        .select_related("case")
        .order_by("starts_at")
    )


def coordinator_overview(user, today=None):
    today = today or timezone.localdate()
    cases = _own_cases(user)
    deadlines = Deadline.objects.filter(case__in=cases.values("pk")).select_related("case")

    follow_ups = [
        (row.case, (today - row.due).days, row.due)
        for row in deadlines.filter(kind=DeadlineKind.FOLLOW_UP, due__lt=today).order_by("due")
    ]
    overdue_actions = list(deadlines.filter(kind=DeadlineKind.ACTION, due__lt=today))
    actions = Action.objects.select_related("agency").in_bulk(
        [row.object_id for row in overdue_actions]
    )
    by_agency = {}
    for row in sorted(overdue_actions, key=lambda r: r.due):
        action = actions.get(row.object_id)
        if action is None:
            continue
        group = str(action.agency) if action.agency else action.responsible
        by_agency.setdefault(group, []).append((row.case, (today - row.due).days, row.due))
    expiring = [
        (row.case, (row.due - today).days, row.due)
        for row in deadlines.filter(
            kind=DeadlineKind.CONSENT_EXPIRY,
            due__gte=today,
            due__lte=today + timedelta(days=EXPIRY_WINDOW_DAYS),
        ).order_by("due")
    ]
    awaiting = list(cases.filter(status=Status.AWAITING_CONSENT).order_by("accepted_at"))
    start, end = week_of(today)
    per_state = dict(cases.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "follow_ups": follow_ups,
        "actions_by_agency": OrderedDict(sorted(by_agency.items())),
        "expiring": expiring,
        "awaiting": [
            (case, (today - timezone.localdate(case.accepted_at)).days)
            for case in awaiting
            if case.accepted_at
        ],
        "meetings": list(_meetings_between(cases, start, end)),
        "per_state": [
            (Status(s).label, per_state.get(s, 0)) for s in Status.values if s != Status.CLOSED
        ],
        "week": (start, end - timedelta(days=1)),
    }


def agency_overview(user, today=None):
    """An agency's open actions in the cases it may see, and the meetings it is invited to."""
    today = today or timezone.localdate()
    agency = access.agency_of(user)
    cases = access.cases_visible_to(user)
    rows = list(
        Deadline.objects.filter(case__in=cases.values("pk"), kind=DeadlineKind.ACTION)
        .select_related("case")
        .order_by("due")
    )
    mine = set(
        Action.objects.filter(pk__in=[row.object_id for row in rows], agency=agency).values_list(
            "pk", flat=True
        )
    )
    return {
        "actions": [
            (row.case, row.due, max(0, (today - row.due).days))
            for row in rows
            if row.object_id in mine
        ],
        "invitations": list(
            Meeting.objects.filter(
                case__in=cases.values("pk"),
                status=MeetingStatus.PLANNED,
                invited_agencies=agency,
                starts_at__gte=timezone.now(),
            )
            .select_related("case")
            .order_by("starts_at")
        ),
    }


def cases_shown(overview):
    """Every case a dashboard shows, for the access log."""
    found = OrderedDict()
    for value in overview.values():
        items = value.values() if isinstance(value, dict) else [value]
        for group in items:
            if not isinstance(group, list):
                continue
            for item in group:
                case = item[0] if isinstance(item, tuple) else getattr(item, "case", None)
                if isinstance(case, Case):
                    found[case.pk] = case
    return list(found.values())
