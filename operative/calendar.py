"""The operative group's meetings in iCalendar: a member's feed and the file attached to the
e-mails. One UID per meeting for its whole life (``ics.uid_of(meeting, "group-meeting")``),
SEQUENCE its revision (raised when it moves or is cancelled), STATUS:CANCELLED for a cancelled
one. No personal data: no attendee, no names, only the group's name, the time and the place.
A member's feed also holds the Youngsters talks they take part in: only the kind of meeting and
whether at home or elsewhere (not the place's text, which might point to the family)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from notifications import ics

from .models import ConcernTalk, GroupMeetingStatus, TalkStatus


def _event(meeting, group_name):
    event = Event()
    event.add("uid", ics.uid_of(meeting, "group-meeting"))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + ics.MEETING_LENGTH)
    event.add("summary", _("SSPF operative group: %(group)s") % {"group": group_name})
    event.add("location", meeting.place)
    cancelled = meeting.status == GroupMeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event["organizer"] = _organizer()
    return event


def _organizer():
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("SSPF")
    return organizer


def _talk_event(talk):
    """A Youngsters talk (cancelled: a revision later, so calendars drop it)."""
    event = Event()
    cancelled = talk.status == TalkStatus.CANCELLED
    event.add("uid", ics.uid_of(talk, "youngsters-talk"))
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", talk.starts_at)
    event.add("dtend", talk.starts_at + ics.MEETING_LENGTH)
    event.add("summary", _("Youngsters: %(kind)s") % {"kind": talk.get_kind_display()})
    event.add("location", talk.get_where_display())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event["organizer"] = _organizer()
    return event


def calendar(group, meetings, method="PUBLISH", talks=()):
    """``meetings`` of ``group`` as one calendar (PUBLISH: a feed or the dates of a series;
    CANCEL for one cancelled meeting)."""
    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//SSPF//sspf-flow//SV")
        cal.add("version", "2.0")
        cal.add("method", method)
        cal.add("x-wr-calname", _("SSPF operative group: %(group)s") % {"group": group.name})
        for meeting in meetings:
            cal.add_component(_event(meeting, group.name))
        for talk in talks:
            cal.add_component(_talk_event(talk))
        return cal.to_ical().decode()


def feed(member):
    """A member's feed: the group's meetings from the start of today on, cancelled ones too
    (so that calendars drop them), and the Youngsters talks they take part in."""
    since = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    meetings = member.group.meetings.filter(starts_at__gte=since).order_by("starts_at")
    talks = ConcernTalk.objects.filter(participants=member, starts_at__gte=since)
    return calendar(member.group, meetings, talks=talks.order_by("starts_at"))
