"""What the members of an operative group are told, through the outbox (``notifications.mail``):
the dates of a planned series, a moved or cancelled meeting, the reminder the day before. One
e-mail per member and event (the key holds the meeting's revision), never twice. Like every
e-mail of SSPF: no names, no case, only the group, the time, the place and a link."""

from django.urls import reverse

from notifications.mail import Notice, send
from sspf_flow import access

from . import calendar


def _members(group):
    return [
        (member.user, member.user.email)
        for member in group.members.select_related("user").filter(user__is_active=True)
    ]


def _notice(key, template, path, context, ics):
    return Notice(
        key=key,
        template=template,
        case_number="",
        path=path,
        context=context,
        calendar=lambda _address: ics,
    )


def series_planned(series, meetings):
    group = series.group
    notice = _notice(
        ("group-series", series.pk, "planned"),
        "group_series_planned",
        reverse("operative:group", args=[group.pk]),
        {"group": group.name, "days": [m.starts_at for m in meetings], "place": series.place},
        calendar.calendar(group, meetings),
    )
    send([(notice, _members(group))])


def _about_one(meeting, template, method="PUBLISH"):
    group = meeting.group
    notice = _notice(
        ("group-meeting", meeting.pk, meeting.sequence, template),
        template,
        reverse("operative:meeting", args=[meeting.pk]),
        {"group": group.name, "starts_at": meeting.starts_at, "place": meeting.place},
        calendar.calendar(group, [meeting], method),
    )
    send([(notice, _members(group))])


def meeting_changed(meeting):
    _about_one(meeting, "group_meeting_changed")


def meeting_cancelled(meeting):
    _about_one(meeting, "group_meeting_cancelled", "CANCEL")


def reminder(meeting):
    _about_one(meeting, "group_meeting_reminder")


def _agency_members(commitment):
    members = commitment.meeting.group.members.filter(
        agency_id=commitment.agency_id, user__is_active=True
    ).select_related("user")
    return [(member.user, member.user.email) for member in members]


def _about_commitment(commitment, step):
    """The responsible agency's members are told that a joint commitment of their group is
    due (``step`` "due") or overdue ("overdue"): the group's name and a link, nothing more."""
    notice = Notice(
        key=("group-commitment", commitment.pk, step),
        template=f"group_commitment_{step}",
        case_number="",
        path=reverse("operative:commitment", args=[commitment.pk]),
        context={"group": commitment.meeting.group.name},
    )
    send([(notice, _agency_members(commitment))])


def commitment_due(commitment):
    _about_commitment(commitment, "due")


def commitment_overdue(commitment):
    _about_commitment(commitment, "overdue")


def top5_selection_due(selection):
    """Top 5 (seed 001): the group's police and social services members are told that their
    next selection meeting is due: the group's name, the day and a link; no one on the list."""
    group = selection.group
    members = group.members.filter(
        agency__kind__in=access.PROGRAMME_AGENCIES, user__is_active=True
    ).select_related("user")
    notice = Notice(
        key=("top5-selection", selection.pk, "due"),
        template="top5_selection_due",
        case_number="",
        path=reverse("operative:top5_list", args=[group.pk]),
        context={"group": group.name, "due": selection.next_due},
    )
    send([(notice, [(member.user, member.user.email) for member in members])])
