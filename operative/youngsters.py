"""The one door for Youngsters (seed 001, Bilaga 1): take a young person up, plan a concern talk
("bekymringssamtal") or its follow-up meeting, record a held one with the measures agreed (and,
at a follow-up, how the earlier ones went), keep a measure's status, cancel a talk and close
the track with a coded outcome. Only the group's police and social services members do any
of it (``access.works_programmes``); a refusal writes nothing."""

from django.db import transaction
from django.utils import timezone

from sspf_flow.models import Case
from sspf_flow.refusals import refuse_if

from . import guards as group_guards
from . import youngsters_guards as guards
from .models import (
    AgreedMeasure,
    ConcernTalk,
    GroupMember,
    MeasureStatus,
    TalkStatus,
    YoungstersOutcome,
    YoungstersTrack,
)


def _track(track):
    return YoungstersTrack.objects.select_for_update().select_related("group").get(pk=track.pk)


def _talk(talk):
    talk = ConcernTalk.objects.select_for_update().get(pk=talk.pk)
    talk.track = _track(talk.track)
    return talk


@transaction.atomic
def take_up(group, user, youth, *, noticed):
    """``youth`` (a ``Youth`` of the group's municipality, ``people.youth_for``) taken up in
    Youngsters: what police and social services noticed. Their SSPF case, if any, is linked."""
    refuse_if(
        guards.works_youngsters(user, group),
        guards.not_already_open(group, youth),
        guards.names_no_number("noticed", noticed),
    )
    return YoungstersTrack.objects.create(
        group=group,
        youth=youth,
        case=Case.objects.filter(youth=youth).order_by("-pk").first(),
        added_by=user,
        added_at=timezone.now(),
        noticed=noticed,
        opened_on=timezone.localdate(),
    )


@transaction.atomic
def plan_talk(track, user, *, kind, starts_at, where, place="", participants=()):
    """A concern talk or a follow-up meeting: when, where (at home or a named place), and who
    of the group's police and social services take part."""
    track = _track(track)
    members = list(
        GroupMember.objects.select_related("agency").filter(pk__in=[m.pk for m in participants])
    )
    refuse_if(
        guards.works_youngsters(user, track.group),
        guards.track_open(track),
        guards.none_planned(track),
        guards.follow_up_after_a_talk(track, kind),
        group_guards.starts_ahead("starts_at", starts_at, timezone.now()),
        guards.place_named(where, place),
        guards.members_of_the_group(track.group, members),
        guards.police_take_part(members),
        guards.social_services_take_part(members),
    )
    talk = ConcernTalk.objects.create(
        track=track, kind=kind, starts_at=starts_at, where=where, place=place, planned_by=user
    )
    talk.participants.set(members)
    return talk


def open_measures(track, before=None):
    """The measures agreed at the track's held talks that are still open (followed up at the
    next follow-up meeting)."""
    measures = AgreedMeasure.objects.filter(talk__track=track, status=MeasureStatus.OPEN)
    if before is not None:
        measures = measures.exclude(talk=before)
    return measures.select_related("talk").order_by("talk__starts_at", "pk")


@transaction.atomic
def hold_talk(talk, user, *, guardians_present, youth_present, record, measures=(), followed=None):
    """The talk was held: who of the family was there, a short record, the measures agreed
    (``[{text, responsible, due}]``) and, at a follow-up, the status of the earlier open
    measures (``{measure pk: status}``)."""
    talk = _talk(talk)
    day = timezone.localdate(talk.starts_at)
    refuse_if(
        guards.works_youngsters(user, talk.track.group),
        guards.track_open(talk.track),
        guards.still_planned(talk),
        guards.has_begun(talk, timezone.now()),
        guards.names_no_number("record", record),
        *[guards.due_after_the_talk("measures", m.get("due"), day) for m in measures],
        *[guards.names_no_number("measures", m["text"]) for m in measures],
    )
    talk.status, talk.record = TalkStatus.HELD, record
    talk.guardians_present, talk.youth_present = guardians_present, youth_present
    talk.recorded_by, talk.recorded_at = user, timezone.now()
    talk.save()
    AgreedMeasure.objects.bulk_create(
        AgreedMeasure(talk=talk, text=m["text"], responsible=m["responsible"], due=m.get("due"))
        for m in measures
    )
    for measure in open_measures(talk.track, before=talk).filter(pk__in=list(followed or {})):
        measure.status, measure.followed_up_at = followed[measure.pk], talk
        measure.save(update_fields=["status", "followed_up_at"])
    return talk


@transaction.atomic
def cancel_talk(talk, user):
    talk = _talk(talk)
    refuse_if(guards.works_youngsters(user, talk.track.group), guards.still_planned(talk))
    talk.status = TalkStatus.CANCELLED
    talk.save(update_fields=["status"])
    return talk


@transaction.atomic
def update_measure(measure, user, *, status, comment=""):
    """A measure's status (open, done, not done) and a comment, between meetings."""
    measure = AgreedMeasure.objects.select_for_update().get(pk=measure.pk)
    track = _track(measure.talk.track)
    refuse_if(
        guards.works_youngsters(user, track.group),
        guards.track_open(track),
        guards.names_no_number("comment", comment),
    )
    measure.status, measure.comment = status, comment
    measure.save(update_fields=["status", "comment"])
    return measure


@transaction.atomic
def close_track(track, user, *, outcome, outcome_text=""):
    """The track ends with a coded outcome. Referred to individual SSPF: the young person's
    case is linked, if there is one by now."""
    track = _track(track)
    refuse_if(
        guards.works_youngsters(user, track.group),
        guards.track_open(track),
        guards.no_talk_planned(track),
        guards.outcome_chosen(outcome, outcome_text),
        guards.names_no_number("outcome_text", outcome_text),
    )
    if outcome == YoungstersOutcome.REFERRED_SSPF and track.case_id is None:
        track.case = Case.objects.filter(youth=track.youth_id).order_by("-pk").first()
    track.outcome, track.outcome_text = outcome, outcome_text
    track.closed_on, track.closed_by = timezone.localdate(), user
    track.save()
    return track
