"""The one door for Top 5 (seed 001, Bilaga 1): the group's police and social services members
record their selection meetings, put a person on the list (at most five at once: the count is
checked under a row lock on the group, so two additions at the same moment cannot make six),
take one off with a reason, and keep each person's measures. The ladder: when the next
selection (``SELECTION_WEEKS`` after the latest) is within the municipality's
``reminder_days`` or has passed, the group's police and social services members get one
e-mail, claimed by a conditional UPDATE of the latest selection's ``reminded_at``."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sspf_flow.models import Case
from sspf_flow.refusals import refuse_if

from . import notices
from . import top5_guards as guards
from .models import OperativeGroup, Top5Entry, Top5LegalGround, Top5Measure, Top5Selection


def _locked(group):
    return OperativeGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def record_selection(group, user, *, held_on, note=""):
    """A selection meeting of the police and social services, held on ``held_on``."""
    group = _locked(group)
    refuse_if(
        guards.works_top5(user, group),
        guards.held_not_ahead(held_on, timezone.localdate()),
        *guards.no_numbers_in({"note": note}),
    )
    return Top5Selection.objects.create(
        group=group, held_on=held_on, held_by=user, note=note, recorded_at=timezone.now()
    )


def case_numbered(group, number):
    """The group's municipality's case with ``number``, or None."""
    number = (number or "").strip()
    if not number:
        return None
    return Case.objects.filter(municipality_id=group.municipality_id, number=number).first()


@transaction.atomic
def add_entry(group, user, youth, *, selection, reason, legal_ground, other_ground="", case=None):
    """Put ``youth`` on the group's list, chosen at ``selection`` for ``reason``, on
    ``legal_ground`` (consent: ``case``'s; another: ``other_ground`` named)."""
    group = _locked(group)  # the count of the list is read under this lock
    refuse_if(
        guards.works_top5(user, group),
        guards.a_selection_was_held(selection, group),
        guards.room_on_the_list(group),
        guards.not_on_the_list_already(group, youth),
        guards.ground_named(legal_ground, other_ground),
        guards.consent_covers_both(legal_ground, case, youth, timezone.localdate()),
        *guards.no_numbers_in({"reason": reason, "other_ground": other_ground}),
    )
    return Top5Entry.objects.create(
        group=group,
        youth=youth,
        case=case,
        selection=selection,
        reason=reason,
        legal_ground=legal_ground,
        other_ground=other_ground if legal_ground == Top5LegalGround.OTHER else "",
        added_by=user,
        added_at=timezone.now(),
    )


@transaction.atomic
def end_entry(entry, user, *, ended_on, end_reason):
    """Take the person off the list on ``ended_on`` for the coded ``end_reason``."""
    entry = (
        Top5Entry.objects.select_for_update().select_related("group", "selection").get(pk=entry.pk)
    )
    refuse_if(
        guards.works_top5(user, entry.group),
        guards.still_on_the_list(entry),
        guards.ended_in_time(ended_on, entry, timezone.localdate()),
    )
    entry.ended_on, entry.end_reason, entry.ended_by = ended_on, end_reason, user
    entry.save(update_fields=["ended_on", "end_reason", "ended_by"])
    return entry


@transaction.atomic
def add_measure(entry, user, *, agency, what, started_on, status, comment=""):
    """A measure for the person: the agency responsible, what, since when, its status."""
    entry = Top5Entry.objects.select_related("group").get(pk=entry.pk)
    refuse_if(
        guards.works_top5(user, entry.group),
        guards.agency_of_the_municipality(agency, entry.group),
        guards.not_done_explained(status, comment),
        *guards.no_numbers_in({"what": what, "comment": comment}),
    )
    return Top5Measure.objects.create(
        entry=entry,
        agency=agency,
        what=what,
        started_on=started_on,
        status=status,
        comment=comment,
        added_by=user,
    )


@transaction.atomic
def update_measure(measure, user, *, status, comment=""):
    """How the measure goes (open, ongoing, done, not done) and a comment."""
    measure = (
        Top5Measure.objects.select_for_update().select_related("entry__group").get(pk=measure.pk)
    )
    refuse_if(
        guards.works_top5(user, measure.entry.group),
        guards.not_done_explained(status, comment),
        *guards.no_numbers_in({"comment": comment}),
    )
    measure.status, measure.comment = status, comment
    measure.updated_by, measure.updated_at = user, timezone.now()
    measure.save(update_fields=["status", "comment", "updated_by", "updated_at"])
    return measure


def latest_selections():
    """Each group's latest selection meeting (a later one, or one the same day recorded
    after it, makes it not the latest)."""
    later = Top5Selection.objects.filter(group=OuterRef("group")).filter(
        Q(held_on__gt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__gt=OuterRef("pk"))
    )
    return Top5Selection.objects.filter(~Exists(later))


def send_selection_reminders(now=None):
    """Beat: from ``SSPF_NOTIFY_HOUR``, remind each group whose next selection is due within
    its municipality's ``reminder_days`` (or has passed) once per latest selection. Returns
    how many groups were reminded."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < settings.NOTIFY_HOUR:
        return 0
    today = timezone.localdate(now)
    waiting = latest_selections().filter(reminded_at__isnull=True)
    rows = waiting.values_list("pk", "held_on", "group__municipality__reminder_days")
    due = [
        pk
        for pk, held_on, days in rows
        if Top5Selection(held_on=held_on).next_due - today <= dt.timedelta(days=days)
    ]
    sent = 0
    for pk in due:
        with transaction.atomic():
            if Top5Selection.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                notices.top5_selection_due(Top5Selection.objects.select_related("group").get(pk=pk))
                sent += 1
    return sent
