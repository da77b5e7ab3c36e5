"""The one door for changes to an operative group's calendar: plan a series, extend it, move,
cancel or hold one meeting, renew a member's calendar link, remind the day before. Each change
locks its row, asks the guards (``refuse_if``: a refusal writes nothing) and tells the members
through the outbox in the same transaction."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import access, records
from sspf_flow.models import ConsultationOutcome
from sspf_flow.refusals import refuse_if

from . import guards, notices
from .models import (
    AreaPicture,
    GroupItem,
    GroupMeeting,
    GroupMeetingStatus,
    MeetingSeries,
    PossibleReferral,
    new_token,
)


def horizon(today):
    """How far ahead a series' meetings are made (``SSPF_OPERATIVE_HORIZON_DAYS``)."""
    return today + dt.timedelta(days=settings.OPERATIVE_HORIZON_DAYS)


def _at(day, time):
    return timezone.make_aware(dt.datetime.combine(day, time))


def _days(series, start, end):
    """The series' days from ``start`` through ``end`` (and not after its ``until``)."""
    step = dt.timedelta(weeks=series.every_weeks)
    day = series.first_day
    if start > day:
        day += step * -(-(start - day).days // step.days)  # the first series day on or after
    last = min(end, series.until) if series.until else end
    while day <= last:
        yield day
        day += step


def _make(series, end):
    """Make the series' meetings after ``made_until`` up to ``end``; returns them."""
    start = series.made_until + dt.timedelta(days=1)
    rows = [
        GroupMeeting(
            group_id=series.group_id,
            series=series,
            slot=day,
            starts_at=_at(day, series.time),
            place=series.place,
        )
        for day in _days(series, start, end)
    ]
    GroupMeeting.objects.bulk_create(rows)
    series.made_until = end
    series.save(update_fields=["made_until"])
    return list(series.meetings.filter(slot__gte=start).order_by("starts_at"))


@transaction.atomic
def plan_series(group, user, *, first_day, time, every_weeks, place, until=None):
    """Plan the group's recurring meetings and make them up to the horizon; each member gets
    one e-mail with the dates and a calendar file."""
    now = timezone.now()
    refuse_if(
        guards.may_plan(user, group),
        guards.starts_ahead("first_day", _at(first_day, time), now),
        guards.sensible_interval(every_weeks),
        guards.ends_after_start(first_day, until),
    )
    series = MeetingSeries.objects.create(
        group=group,
        first_day=first_day,
        time=time,
        every_weeks=every_weeks,
        place=place,
        until=until,
        made_until=first_day - dt.timedelta(days=1),
        planned_by=user,
        planned_at=now,
    )
    meetings = _make(series, horizon(timezone.localdate(now)))
    notices.series_planned(series, meetings)
    return series


def extend_series(today=None):
    """Beat (and ``manage.py extend_operative_calendar``): make every running series'
    meetings up to the horizon from ``today``. Safe to run twice. Returns how many were made.
    Members find them in their calendar feed; no e-mail is sent for them."""
    end = horizon(today or timezone.localdate())
    running = MeetingSeries.objects.filter(made_until__lt=end).filter(
        Q(until__isnull=True) | Q(until__gt=F("made_until"))
    )
    made = 0
    for pk in running.values_list("pk", flat=True):
        with transaction.atomic():
            series = MeetingSeries.objects.select_for_update().get(pk=pk)
            if series.made_until < end:
                made += len(_make(series, end))
    return made


def _locked(meeting):
    return GroupMeeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)


@transaction.atomic
def move_meeting(meeting, user, *, starts_at, place):
    """Move one meeting (its time or place): its calendar revision rises, the members are told
    and get the day-before reminder for the new day."""
    meeting = _locked(meeting)
    refuse_if(
        guards.may_plan(user, meeting.group),
        guards.still_planned(meeting),
        guards.starts_ahead("starts_at", starts_at, timezone.now()),
    )
    meeting.starts_at, meeting.place = starts_at, place
    meeting.sequence += 1
    meeting.reminded_at = None
    meeting.save(update_fields=["starts_at", "place", "sequence", "reminded_at"])
    notices.meeting_changed(meeting)
    return meeting


@transaction.atomic
def cancel_meeting(meeting, user):
    """Cancel one meeting: STATUS:CANCELLED in the calendars, the members are told."""
    meeting = _locked(meeting)
    refuse_if(guards.may_plan(user, meeting.group), guards.still_planned(meeting))
    meeting.status = GroupMeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    notices.meeting_cancelled(meeting)
    return meeting


@transaction.atomic
def hold_meeting(meeting, user, *, minutes, present=()):
    """Record that the meeting was held, with its minutes (no identity numbers in them) and
    which members were present."""
    meeting = _locked(meeting)
    present = list(present)
    refuse_if(
        guards.may_plan(user, meeting.group),
        guards.still_planned(meeting),
        guards.has_begun(meeting, timezone.now()),
        guards.no_identity_number("minutes", minutes),
        guards.members_of_the_group(meeting.group, present),
    )
    meeting.status = GroupMeetingStatus.HELD
    meeting.minutes = minutes
    meeting.save(update_fields=["status", "minutes"])
    meeting.present.set(present)
    return meeting


@transaction.atomic
def renew_calendar_token(member, user):
    """A new secret for the member's calendar feed; the old link stops working at once."""
    refuse_if(
        None if member.user_id == user.pk else _("Only the member renews their calendar link.")
    )
    member.calendar_token = new_token()
    member.save(update_fields=["calendar_token"])
    return member


def send_reminders(now=None):
    """Beat: queue the reminder for each planned meeting of tomorrow not yet reminded, from
    ``SSPF_NOTIFY_HOUR`` on. Each meeting is claimed by a conditional UPDATE of
    ``reminded_at`` in the transaction that queues its e-mails, so it goes once."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < settings.NOTIFY_HOUR:
        return 0
    start = _at(timezone.localdate(now) + dt.timedelta(days=1), dt.time.min)
    due = GroupMeeting.objects.filter(
        status=GroupMeetingStatus.PLANNED,
        reminded_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = GroupMeeting.objects.filter(
                pk=pk, reminded_at__isnull=True, status=GroupMeetingStatus.PLANNED
            ).update(reminded_at=now)
            if claimed:
                notices.reminder(GroupMeeting.objects.select_related("group").get(pk=pk))
                sent += 1
    return sent


# The agenda (seed 001): the general situation in the area, the group level, possible referrals


def _member_agency(meeting, user):
    member = meeting.group.members.filter(user=user).select_related("agency").first()
    return member.agency if member else None


@transaction.atomic
def write_area_picture(meeting, user, **texts):
    """The user's agency's picture of the area before ``meeting`` (trends, places, times,
    universal measures): made or revised until the meeting starts; no personal data."""
    meeting = _locked(meeting)
    now = timezone.now()
    refuse_if(
        guards.writes_for_the_group(user, meeting.group),
        guards.still_planned(meeting),
        guards.before_start(meeting, now),
        guards.says_something(texts.values()),
        *guards.no_identity_numbers(texts),
    )
    picture, _made = AreaPicture.objects.update_or_create(
        meeting=meeting,
        agency=_member_agency(meeting, user),
        defaults={**texts, "written_by": user, "updated_at": now},
    )
    return picture


@transaction.atomic
def add_group_item(meeting, user, named=(), **fields):
    """A group of young people for the meeting's group level, described without names; those
    of its members a consent covers may be named by their case numbers (``named``): readers
    see the names of the cases they may read."""
    meeting = _locked(meeting)
    named = list(named)
    refuse_if(
        guards.writes_for_the_group(user, meeting.group),
        guards.still_planned(meeting),
        *guards.no_identity_numbers(fields),
        guards.names_only_covered_cases(user, meeting.group, named),
    )
    item = GroupItem.objects.create(
        meeting=meeting,
        agency=_member_agency(meeting, user),
        written_by=user,
        written_at=timezone.now(),
        **fields,
    )
    if named:
        nameable = access.nameable_cases(access.cases_visible_to(user), meeting.group)
        item.cases.set(nameable.filter(number__in=named))
    return item


@transaction.atomic
def raise_possible_referral(meeting, user, **fields):
    """A new concern from the area talk, recorded as an anonymous consultation of the
    meeting's day (its outcome "no further action" until the coordinator makes a referral of
    it from the consultations)."""
    meeting = _locked(meeting)
    refuse_if(
        guards.coordinates_the_group(user, meeting.group),
        None if meeting.status != GroupMeetingStatus.CANCELLED else guards.still_planned(meeting),
    )
    consultation = records.record_consultation(
        user,
        asked_on=timezone.localdate(min(meeting.starts_at, timezone.now())),
        outcome=ConsultationOutcome.NOTHING,
        **fields,
    )
    return PossibleReferral.objects.create(meeting=meeting, consultation=consultation)
