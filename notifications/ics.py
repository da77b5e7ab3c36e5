"""The iCalendar invitation of a meeting. One UID per meeting for its whole life; SEQUENCE is
the meeting's revision, raised when it moves or is cancelled; a cancelled meeting is sent with
METHOD:CANCEL so calendars remove it. The summary holds only the case number."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

MEETING_LENGTH = timedelta(hours=1, minutes=30)


def host():
    """The installation's host name: the right-hand side of every UID it gives."""
    return urlsplit(settings.SITE_URL).hostname or "sspf.invalid"


def uid_of(meeting, kind="meeting"):
    """The meeting's UID for its whole life; ``kind`` keeps a case's meetings and an operative
    group's ("group-meeting") apart."""
    return f"sspf-{kind}-{meeting.pk}@{host()}"


def invitation(meeting, case_number, attendee, cancel=False):
    """The calendar for one recipient: ``attendee`` is their address only (RFC 5546 wants an
    attendee; naming the other invitees would tell each who else was invited)."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//SSPF//sspf-flow//SV")
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancel else "REQUEST")
        event = Event()
        event.add("uid", uid_of(meeting))
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + MEETING_LENGTH)
        event.add("summary", _("SSPF meeting, case %(number)s") % {"number": case_number})
        event.add("location", meeting.place)
        event.add("status", "CANCELLED" if cancel else "CONFIRMED")
        organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        organizer.params["cn"] = vText("SSPF")
        event["organizer"] = organizer
        guest = vCalAddress(f"mailto:{attendee}")
        guest.params["role"] = vText("REQ-PARTICIPANT")
        guest.params["partstat"] = vText("NEEDS-ACTION")
        guest.params["rsvp"] = vText("FALSE")
        event.add("attendee", guest, encode=0)
        calendar.add_component(event)
        return calendar.to_ical().decode()
