"""What other floors ask of the operative group, as plain data."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from .models import GroupMeeting, GroupMeetingStatus


@dataclass(frozen=True)
class NextMeeting:
    group: str
    starts_at: datetime
    place: str
    url: str


def next_meeting_of(user):
    """The next planned meeting of a group ``user`` is a member of, or None."""
    meeting = (
        GroupMeeting.objects.filter(
            group__members__user=user,
            status=GroupMeetingStatus.PLANNED,
            starts_at__gte=timezone.now(),
        )
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return None
    return NextMeeting(
        meeting.group.name,
        meeting.starts_at,
        meeting.place,
        reverse("operative:meeting", args=[meeting.pk]),
    )
