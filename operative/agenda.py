"""The operative meeting's agenda as seed 001 prescribes it: the general situation in the area
(each agency's picture), the group level, and the individual level, built from the cases'
state for the group's municipality and narrowed to what the reader may see (``access``).

The individual level lists, for a meeting: the cases whose follow-up is due before the next
meeting (or overdue), the cases referred since the last meeting, and the cases with actions
overdue on the meeting's day, as the deadline ladder keeps them (``notifications.Deadline``).
"The last meeting" and "the next meeting" are the group's meetings before and after this one
(not cancelled); without one, the series' interval (two weeks without a series) stands in.
The joint commitments of earlier meetings are followed up: those still open and those done
(or not done) since the last meeting."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Deadline, DeadlineKind
from sspf_flow import access
from sspf_flow.models import ConcernCategory, Status

from .models import Commitment, CommitmentStatus, GroupItem, GroupMeetingStatus

DEFAULT_INTERVAL = dt.timedelta(weeks=2)


@dataclass
class Entry:
    """One case on a reader's agenda: what brings it there (``reasons``: label and date), the
    young person's name (the reader may read the case page, where it stands) and the concerns
    whose categories the reader's consent covers."""

    case: object
    name: str
    reasons: list = field(default_factory=list)
    concerns: list = field(default_factory=list)


@dataclass
class GroupLevelItem:
    """A group-level item as one reader reads it: the item and the named cases the reader may
    read (``named``; empty for a reader covered for none of them)."""

    item: object
    named: list = field(default_factory=list)


@dataclass
class Agenda:
    meeting: object
    since: dt.datetime
    until: dt.datetime
    pictures: list
    group_items: list
    possible_referrals: list
    entries: list
    commitments: list = field(default_factory=list)

    @property
    def cases(self):
        """Every case whose young person the agenda names to its reader, once each."""
        named = [case for row in self.group_items for case in row.named]
        return list({case.pk: case for case in [*(e.case for e in self.entries), *named]}.values())


def window(meeting):
    """(since, until): the start of the last meeting and of the next one around ``meeting``."""
    around = meeting.group.meetings.exclude(status=GroupMeetingStatus.CANCELLED).exclude(
        pk=meeting.pk
    )
    starts = around.order_by("starts_at").values_list("starts_at", flat=True)
    last = starts.filter(starts_at__lt=meeting.starts_at).order_by("-starts_at").first()
    following = starts.filter(starts_at__gt=meeting.starts_at).first()
    step = dt.timedelta(weeks=meeting.series.every_weeks) if meeting.series_id else DEFAULT_INTERVAL
    return last or meeting.starts_at - step, following or meeting.starts_at + step


def individual_level(user, meeting, since, until):
    """The reader's entries: the municipality's open cases ``access.cases_visible_to(user)``
    (every one for its coordinator; for an agency only those an active consent covers it for),
    each with what its consent lets the reader see. A fixed number of queries however many."""
    visible = (
        access.cases_visible_to(user)
        .filter(municipality_id=meeting.group.municipality_id)
        .exclude(status=Status.CLOSED)
    )
    day = timezone.localdate(meeting.starts_at)
    deadlines = Deadline.objects.filter(case__in=visible.values("pk")).order_by()
    follow_ups = deadlines.filter(
        kind=DeadlineKind.FOLLOW_UP, due__lt=timezone.localdate(until)
    ).values_list("case_id", "due")
    overdue = (
        deadlines.filter(kind=DeadlineKind.ACTION, due__lt=day)
        .values("case_id")
        .annotate(n=Count("pk"), first=Min("due"))
        .values_list("case_id", "n", "first")
    )
    referred = visible.filter(referred_at__gte=since, referred_at__lt=meeting.starts_at)
    reasons = {}
    for case_id, due in follow_ups:
        reasons.setdefault(case_id, []).append((_("Follow-up due"), due))
    for case_id, referred_at in referred.values_list("pk", "referred_at"):
        reasons.setdefault(case_id, []).append((_("New referral"), timezone.localdate(referred_at)))
    for case_id, count, first in overdue:
        label = _("Overdue actions: %(count)d, the first due") % {"count": count}
        reasons.setdefault(case_id, []).append((label, first))
    cases = list(visible.filter(pk__in=reasons).select_related("youth").order_by("number"))
    rows = access.consent_rows_of(cases)
    entries = []
    for case in cases:
        sight = access.sight(user, case, rows[case.pk])
        concerns = [
            ConcernCategory(code).label
            for code in case.concerns
            if code in ConcernCategory.values and sight.concern(code)
        ]
        entries.append(Entry(case, str(case.youth), sorted(reasons[case.pk], key=_day), concerns))
    return entries


def group_level(user, meeting):
    """The meeting's group-level items, each with the named cases ``user`` may read (the
    municipality's coordinator: all; an agency: those an active consent covers it for), as the
    individual level decides: ``access.cases_visible_to``. Two queries however many."""
    items = list(meeting.group_items.select_related("agency"))
    links = (
        GroupItem.cases.through.objects.filter(
            groupitem__in=items, case__in=access.cases_visible_to(user).values("pk")
        )
        .select_related("case__youth")
        .order_by("case__number")
    )
    named = {}
    for link in links:
        named.setdefault(link.groupitem_id, []).append(link.case)
    return [GroupLevelItem(item, named.get(item.pk, [])) for item in items]


def to_follow_up(meeting, since):
    """The joint commitments of the group's earlier meetings to follow up at ``meeting``: those
    still open, and those done (or not done) since the last meeting."""
    earlier = Commitment.objects.filter(
        meeting__group_id=meeting.group_id, meeting__starts_at__lt=meeting.starts_at
    )
    return list(
        earlier.filter(Q(status=CommitmentStatus.OPEN) | Q(updated_at__gte=since))
        .select_related("agency", "meeting")
        .order_by("due", "pk")
    )


def _day(reason):
    return reason[1]


def agenda_for(user, meeting):
    """The whole agenda of ``meeting`` as ``user`` may read it (who may open it at all is the
    page's question: ``access.sees_group``)."""
    since, until = window(meeting)
    return Agenda(
        meeting=meeting,
        since=since,
        until=until,
        pictures=list(meeting.area_pictures.select_related("agency")),
        group_items=group_level(user, meeting),
        possible_referrals=list(
            meeting.possible_referrals.select_related(
                "consultation__asking_agency", "consultation__became_case"
            )
        ),
        entries=individual_level(user, meeting, since, until),
        commitments=to_follow_up(meeting, since),
    )
