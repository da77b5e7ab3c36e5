"""The one door for SIG (seed 002): put a young person on the police's priority list, make a
cohort with its coach, record the offer and the answer (declined with a coded reason), take an
accepted person into a cohort with their and their guardians' consent, write their status
notes, close them with a coded reason; and the figures in the style of seed 002's report. Each
change locks its row and asks the guards (``refuse_if``: a refusal writes nothing)."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sspf_flow.refusals import refuse_if

from . import sig_guards as guards
from .models import SigAnswer, SigClosureReason, SigCohort, SigEntry, SigStatus


def _locked(entry):
    return SigEntry.objects.select_for_update().select_related("group").get(pk=entry.pk)


@transaction.atomic
def put_on_list(group, user, *, youth, listed_on):
    """``youth`` on the group's priority list since ``listed_on`` (recorded by the police or
    social services member)."""
    refuse_if(
        guards.works_the_list(user, group),
        guards.not_listed_twice(group, youth),
        guards.not_ahead("listed_on", listed_on, timezone.localdate()),
    )
    return SigEntry.objects.create(
        group=group, youth=youth, listed_on=listed_on, added_by=user, added_at=timezone.now()
    )


@transaction.atomic
def make_cohort(group, user, *, name, started_on, coach):
    """A round of SIG in the group with its coach."""
    refuse_if(
        guards.works_the_list(user, group),
        guards.coach_of_the_municipality(coach, group),
    )
    return SigCohort.objects.create(
        group=group,
        name=name,
        started_on=started_on,
        coach=coach,
        made_by=user,
        made_at=timezone.now(),
    )


@transaction.atomic
def end_cohort(cohort, user, *, ended_on):
    """The round ends: it takes no one in any more (its people keep their coach and notes)."""
    cohort = SigCohort.objects.select_for_update().select_related("group").get(pk=cohort.pk)
    refuse_if(
        guards.works_the_list(user, cohort.group),
        guards.ends_after_it_started(cohort, ended_on),
        guards.not_ahead("ended_on", ended_on, timezone.localdate()),
    )
    cohort.ended_on = ended_on
    cohort.save(update_fields=["ended_on"])
    return cohort


@transaction.atomic
def record_offer(entry, user, *, offered_on):
    entry = _locked(entry)
    refuse_if(
        guards.works_the_list(user, entry.group),
        guards.still_open(entry),
        guards.offered_once_after_listing(entry, offered_on),
        guards.not_ahead("offered_on", offered_on, timezone.localdate()),
    )
    entry.offered_on = offered_on
    entry.save(update_fields=["offered_on"])
    return entry


@transaction.atomic
def record_answer(entry, user, *, answer, answered_on, declined_reason="", declined_text=""):
    """Accepted, or declined with a coded reason."""
    entry = _locked(entry)
    refuse_if(
        guards.works_the_list(user, entry.group),
        guards.still_open(entry),
        guards.answers_an_offer(entry, answer, answered_on),
        guards.not_ahead("answered_on", answered_on, timezone.localdate()),
        guards.decline_explained(answer, declined_reason, declined_text),
        guards.names_no_one("declined_text", declined_text),
    )
    declined = answer == SigAnswer.DECLINED
    entry.answer, entry.answered_on = answer, answered_on
    entry.declined_reason = declined_reason if declined else ""
    entry.declined_text = declined_text if declined else ""
    entry.save(update_fields=["answer", "answered_on", "declined_reason", "declined_text"])
    return entry


@transaction.atomic
def take_in(entry, user, *, cohort, consented_on, joined_on, coach=None):
    """An accepted person into one of the group's running cohorts, with the day they and their
    guardians consented; their coach is the cohort's unless another is chosen."""
    entry = _locked(entry)
    coach = coach or (cohort.coach if cohort is not None else None)
    today = timezone.localdate()
    refuse_if(
        guards.works_the_list(user, entry.group),
        guards.still_open(entry),
        guards.only_accepted_join(entry),
        guards.cohort_of_the_group(cohort, entry.group),
        guards.builds_on_consent(entry, consented_on, joined_on),
        guards.not_ahead("consented_on", consented_on, today),
        guards.not_ahead("joined_on", joined_on, today),
        guards.coach_of_the_municipality(coach, entry.group),
    )
    entry.cohort, entry.consented_on, entry.joined_on, entry.coach = (
        cohort,
        consented_on,
        joined_on,
        coach,
    )
    entry.save(update_fields=["cohort", "consented_on", "joined_on", "coach"])
    return entry


@transaction.atomic
def record_status(entry, user, *, day, comment="", **answers):
    """A dated status note (``answers``: crimes, drugs, school_or_work, months_without_crime)
    by a member who keeps the list or by the person's coach."""
    entry = _locked(entry)
    refuse_if(
        guards.records_the_status(user, entry),
        guards.in_the_cohort(entry),
        guards.status_while_in_the_cohort(entry, day),
        guards.not_ahead("day", day, timezone.localdate()),
        guards.names_no_one("comment", comment),
    )
    return SigStatus.objects.create(
        entry=entry, day=day, comment=comment, written_by=user, written_at=timezone.now(), **answers
    )


@transaction.atomic
def close(entry, user, *, closed_on, closure_reason, closure_text=""):
    """The person's SIG ends, with a coded reason (seed 002)."""
    entry = _locked(entry)
    refuse_if(
        guards.works_the_list(user, entry.group),
        guards.still_open(entry),
        guards.closure_explained(closure_reason, closure_text),
        guards.closed_after_the_last_step(entry, closed_on),
        guards.not_ahead("closed_on", closed_on, timezone.localdate()),
        guards.names_no_one("closure_text", closure_text),
    )
    entry.closed_on, entry.closure_reason = closed_on, closure_reason
    entry.closure_text = closure_text if closure_reason == SigClosureReason.OTHER else ""
    entry.save(update_fields=["closed_on", "closure_reason", "closure_text"])
    return entry


def figures(group):
    """Seed 002's figures for the group, in one query: on the list, offered, declined, taken
    into a cohort, ongoing, closed, and closed per coded reason (figures only, no names)."""
    ongoing = Q(joined_on__isnull=False, closed_on__isnull=True)
    per_reason = {
        reason.value: Count("pk", filter=Q(closure_reason=reason.value))
        for reason in SigClosureReason
    }
    counts = SigEntry.objects.filter(group=group).aggregate(
        listed=Count("pk"),
        offered=Count("pk", filter=Q(offered_on__isnull=False)),
        declined=Count("pk", filter=Q(answer=SigAnswer.DECLINED)),
        in_cohort=Count("pk", filter=Q(joined_on__isnull=False)),
        ongoing=Count("pk", filter=ongoing),
        closed=Count("pk", filter=Q(closed_on__isnull=False)),
        **{f"reason_{key}": count for key, count in per_reason.items()},
    )
    per = [(reason.label, counts.pop(f"reason_{reason.value}")) for reason in SigClosureReason]
    return {**counts, "reasons": [(label, count) for label, count in per if count]}
