"""The rules that can refuse a change to an operative group's calendar: each returns ``None``
or the reason, in Swedish on the page. The services refuse with them (``refuse_if``); the forms
show the same reasons in ``clean``."""

import re

from django.utils.translation import gettext_lazy as _
from stdnum.se import personnummer

from sspf_flow import access
from sspf_flow.refusals import about

from .models import GroupMeetingStatus

MAX_WEEKS = 8
IDENTITY_NUMBER = re.compile(r"\b\d{6,8}[-+]?\d{4}\b")


def may_plan(user, group):
    """Only the group's chair or secretary, or a coordinator of its municipality, plans,
    moves or cancels its meetings."""
    if access.plans_group_meetings(user, group):
        return None
    return _(
        "Only the group's chair or secretary, or the municipality's coordinator, plans its "
        "meetings."
    )


def starts_ahead(field, moment, now):
    """A meeting is planned for a time still to come."""
    if moment is not None and moment <= now:
        return about(field, _("Choose a time that has not passed."))
    return None


def sensible_interval(every_weeks):
    """The operative group meets at least every eighth week (seed 001: a fixed calendar)."""
    if every_weeks is not None and not 1 <= every_weeks <= MAX_WEEKS:
        return about(
            "every_weeks",
            _("Meet every 1 to %(most)d weeks.") % {"most": MAX_WEEKS},
        )
    return None


def ends_after_start(first_day, until):
    """A series that ends ends after its first meeting."""
    if until is not None and first_day is not None and until < first_day:
        return about("until", _("The last day cannot come before the first meeting."))
    return None


def still_planned(meeting):
    """Only a planned meeting can be moved, cancelled or held."""
    if meeting.status != GroupMeetingStatus.PLANNED:
        return _("The meeting is no longer planned: it was held or cancelled.")
    return None


def has_begun(meeting, now):
    """Minutes are written for a meeting that has begun."""
    if meeting.starts_at > now:
        return _("The meeting has not begun yet: its minutes are written once it has.")
    return None


def no_identity_number(field, text):
    """The minutes name no one: no personal identity number in them (seed 001, the group
    level is de-identified)."""
    for candidate in IDENTITY_NUMBER.findall(text or ""):
        if personnummer.is_valid(candidate):
            return about(field, _("Write no personal identity numbers here."))
    return None


def members_of_the_group(group, members):
    """Attendance is recorded for the group's own members."""
    if any(member.group_id != group.pk for member in members):
        return about("present", _("Mark only the group's members as present."))
    return None


def writes_for_the_group(user, group):
    """The agenda's pictures of the area and its group-level items are written by the group's
    members (any role), each for the agency they represent."""
    if access.in_operative_group(user, group):
        return None
    return _("Only the group's members write on its agenda.")


def before_start(meeting, now):
    """An agency's picture of the area is written before the meeting and kept as it was once
    the meeting has begun."""
    if meeting.starts_at <= now:
        return _("The meeting has begun: the pictures of the area are kept as they were.")
    return None


def says_something(texts):
    """A picture of the area says something in at least one of its fields."""
    if any((text or "").strip() for text in texts):
        return None
    return _("Write at least one of trends, places, times or universal measures.")


def coordinates_the_group(user, group):
    """A possible referral is recorded by a coordinator of the group's municipality, who can
    make it a referral (as from a consultation)."""
    if access.coordinates_group(user, group):
        return None
    return _("Only the municipality's coordinator records a possible referral.")


def no_identity_numbers(texts):
    """No personal identity number in any of ``texts`` ({field: text})."""
    return [no_identity_number(field, text) for field, text in texts.items()]


def names_only_covered_cases(user, group, numbers):
    """A group-level item names a young person only by a case of the group's municipality
    that the writer reads and whose consent, active today, covers the writer's agency (for the
    coordinator: any agency). A number that is no such case and one that is not covered get
    the same words, so that the writer learns nothing of cases they may not read."""
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        return None
    nameable = access.nameable_cases(access.cases_visible_to(user), group)
    known = set(nameable.filter(number__in=numbers).values_list("number", flat=True))
    refused = [number for number in numbers if number not in known]
    if not refused:
        return None
    return about(
        "named",
        _(
            "You cannot name %(numbers)s here: name only cases of the municipality whose "
            "consent covers your agency today."
        )
        % {"numbers": ", ".join(refused)},
    )
