"""The rules that can refuse a step in Youngsters (seed 001: the concern talk, its agreed
measures and the follow-up): each returns ``None`` or the reason, in Swedish on the page.
``operative.youngsters`` refuses with them (``refuse_if``: a refusal writes nothing); the forms
show the same reasons in ``clean``."""

from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.models import AgencyKind
from sspf_flow.refusals import about

from .guards import no_identity_number
from .models import TalkKind, TalkPlace, TalkStatus, YoungstersOutcome


def works_youngsters(user, group):
    """Youngsters is police and social services' work: the group's members from them."""
    if access.works_programmes(user, group):
        return None
    return _("Only the group's members from the police and social services work with Youngsters.")


def not_already_open(group, youth):
    """A young person has one open Youngsters track in a group at a time."""
    if (
        youth is not None
        and group.youngsterstrack_entries.filter(youth=youth, closed_on__isnull=True).exists()
    ):
        return _("This young person already has an open Youngsters track in the group.")
    return None


def track_open(track):
    """Talks are planned and held, and a track closed, only while it is open."""
    if not track.is_open:
        return _("The track is closed.")
    return None


def place_named(where, place):
    """A talk elsewhere than at home says where."""
    if where == TalkPlace.ELSEWHERE and not (place or "").strip():
        return about("place", _("Say where the talk is held."))
    return None


def police_take_part(members):
    """At least one of the group's police members takes part."""
    if not any(m.agency.kind == AgencyKind.POLICE for m in members):
        return about("police", _("Choose at least one of the group's members from the police."))
    return None


def social_services_take_part(members):
    """At least one of the group's social services members takes part."""
    if not any(m.agency.kind == AgencyKind.SOCIAL_SERVICES for m in members):
        return about(
            "social_services",
            _("Choose at least one of the group's members from social services."),
        )
    return None


def members_of_the_group(group, members):
    """Those who take part are the group's own members."""
    if any(m.group_id != group.pk for m in members):
        return _("Choose only the group's members.")
    return None


def none_planned(track):
    """One talk or follow-up is planned at a time: hold or cancel the planned one first."""
    if track.talks.filter(status=TalkStatus.PLANNED).exists():
        return _("A meeting is already planned: hold or cancel it first.")
    return None


def follow_up_after_a_talk(track, kind):
    """A follow-up meeting follows a concern talk that was held."""
    if (
        kind == TalkKind.FOLLOW_UP
        and not track.talks.filter(kind=TalkKind.TALK, status=TalkStatus.HELD).exists()
    ):
        return about("kind", _("A follow-up meeting is planned after a concern talk was held."))
    return None


def still_planned(talk):
    """Only a planned talk is held or cancelled."""
    if talk.status != TalkStatus.PLANNED:
        return _("The meeting is no longer planned: it was held or cancelled.")
    return None


def has_begun(talk, now):
    """A talk is recorded once it has begun."""
    if talk.starts_at > now:
        return _("The meeting has not begun yet: it is recorded once it has.")
    return None


def due_after_the_talk(field, due, day):
    """A measure is due after the day it was agreed."""
    if due is not None and due <= day:
        return about(field, _("Choose a date after the meeting."))
    return None


def outcome_chosen(outcome, text):
    """A track closes with a coded outcome; "other" says what in a few words."""
    if not outcome:
        return about("outcome", _("Choose the outcome."))
    if outcome == YoungstersOutcome.OTHER and not (text or "").strip():
        return about("outcome_text", _("Describe the outcome in a few words."))
    return None


def no_talk_planned(track):
    """A track with a planned talk cannot close: hold or cancel it first."""
    if track.talks.filter(status=TalkStatus.PLANNED).exists():
        return _("A meeting is planned: hold or cancel it before closing the track.")
    return None


def names_no_number(field, text):
    """Free texts carry no personal identity numbers (the person's is in their record)."""
    return no_identity_number(field, text)
