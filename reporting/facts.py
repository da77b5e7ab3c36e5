"""Keeping the statistics' facts (``reporting.models.facts``) in step with the cases.

Every case event marks the case's fact row stale (one statement, inside the event's
transaction); ``refresh`` rebuilds the stale rows in bulk, with a fixed number of statements
however many there are, before a report is computed and on the beat. A consultation's fact is
written with it. Nothing here copies a name, an identity number or a free text."""

import re

from django.db import transaction
from django.utils import timezone

from sspf_flow.events import EventCode
from sspf_flow.models import INDICATORS, Case, Consultation, Party, Status

from .models import CaseFact, CaseHappening, ConsultationFact, GradeBand, Happening

BATCH = 1000


def mark_stale(event, **kwargs):
    """``case_event_recorded``'s listener: the case changed, its facts are to be rebuilt (not
    when gallring de-identified it: its facts were kept just before, ``keep_before_erasure``)."""
    if event.action == EventCode.CASE_DEIDENTIFIED:
        return
    if not CaseFact.objects.filter(case_id=event.case_id).update(stale=True):
        CaseFact.objects.create(
            case_id=event.case_id, municipality_id=event.case.municipality_id, stale=True
        )


def keep_before_erasure(case, **kwargs):
    """``erasure.deidentifying`` and ``erasure.purging``'s listener: the case's facts built from
    the case as it still is, inside gallring's transaction, so that the statistics of its past
    periods stay the same after gallring."""
    fact = CaseFact.objects.filter(case=case).first() or CaseFact.objects.create(
        case=case, municipality_id=case.municipality_id
    )
    _rebuild([fact])


def keep_consultation(instance, **kwargs):
    """``post_save`` of a consultation: its fact, rewritten (it has no personal data to drop)."""
    ConsultationFact.objects.update_or_create(
        consultation=instance,
        defaults={
            "municipality_id": instance.municipality_id,
            "asked_on": instance.asked_on,
            "asking_kind": instance.asking_agency.kind,
            "age_band": instance.age_band,
            "gender": instance.gender,
            "outcome": instance.outcome,
            "not_sspf_reason": instance.not_sspf_reason,
        },
    )


def refresh(batch=BATCH, limit=None):
    """Rebuild the stale fact rows, at most ``limit`` (None: all); the number rebuilt."""
    done = 0
    while limit is None or done < limit:
        if limit is not None:
            batch = min(batch, limit - done)
        with transaction.atomic():
            facts = list(
                CaseFact.objects.select_for_update(skip_locked=True)
                .filter(stale=True, case__isnull=False)
                .order_by("pk")[:batch]
            )
            if not facts:
                return done
            _rebuild(facts)
            done += len(facts)
    return done


def bring_up_to_date(limit=None):
    """Before a report: a fact row for every case and consultation, and the stale ones rebuilt,
    at most ``limit`` of them (a request must not rebuild a whole municipality's history after an
    upgrade: the beat does that, ``tasks.refresh_facts``). Returns how many are still stale."""
    missing_cases()
    missing_consultations()
    if refresh(limit=limit) == limit:
        return CaseFact.objects.filter(stale=True, case__isnull=False).count()
    return 0


def build_missing():
    """Every case's and consultation's facts, built now however many (the benchmark, tests)."""
    missing_cases()
    missing_consultations()
    return refresh()


def missing_cases():
    """A stale fact row for every case that has none (cases from before the statistics)."""
    missing = Case.objects.filter(fact__isnull=True).values_list("pk", "municipality_id")
    CaseFact.objects.bulk_create(
        [CaseFact(case_id=pk, municipality_id=m, stale=True) for pk, m in missing],
        batch_size=BATCH,
    )


def missing_consultations():
    """A fact row for every consultation that has none (recorded before the statistics)."""
    for consultation in Consultation.objects.filter(fact__isnull=True).select_related(
        "asking_agency"
    ):
        keep_consultation(consultation)


def _rebuild(facts):
    """Each fact rebuilt from its case; a case gallring de-identified keeps the facts it had
    (its identity and texts are gone, and its birth date is no longer exact)."""
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=[f.case_id for f in facts])
        .select_related("youth")
        .prefetch_related(
            "consents",
            "meetings",
            "plans__actions__agency",
            "plans__actions__intervention",
            "outcomes",
        )
    }
    sealed = [f for f in facts if cases[f.case_id].deidentified_at is not None]
    if sealed:
        CaseFact.objects.filter(pk__in=[f.pk for f in sealed]).update(stale=False)
        facts = [f for f in facts if f not in sealed]
    happenings = []
    for fact in facts:
        case = cases[fact.case_id]
        _copy(case, fact)
        happenings += [
            CaseHappening(fact=fact, municipality_id=case.municipality_id, **row)
            for row in _happenings(case)
        ]
    fields = [
        "stale", "programme", "referred_on", "referral_source", "gender", "age", "grade_band",
        "concern_codes", "risk_level", "accepted_on", "consented_on", "first_meeting_on",
        "closed_on", "closure_reason", "declined", "social_intervention", "outcome_start",
        "outcome_end",
    ]  # fmt: skip
    CaseFact.objects.bulk_update(facts, fields)
    CaseHappening.objects.filter(fact__in=facts).delete()
    CaseHappening.objects.bulk_create(happenings, batch_size=BATCH)


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _copy(case, fact):
    referred_on = _day(case.referred_at)
    fact.stale = False
    fact.programme = case.programme
    fact.referred_on = referred_on
    fact.referral_source = case.referral_source
    fact.gender = case.youth.gender
    fact.age = case.youth.age_on(referred_on)
    fact.grade_band = grade_band(case.youth.grade)
    codes = sorted(set(case.concerns))
    fact.concern_codes = f",{','.join(codes)}," if codes else ""
    fact.risk_level = case.risk_level
    fact.accepted_on = _day(case.accepted_at)
    fact.consented_on = _day(case.consented_at)
    fact.first_meeting_on = _day(case.first_meeting_at)
    closed = case.status == Status.CLOSED
    fact.closed_on = _day(case.closed_at) if closed else None
    fact.closure_reason = case.closure_reason if closed else ""
    fact.declined = closed and case.accepted_at is None
    fact.social_intervention = case.social_intervention
    readings = sorted(case.outcomes.all(), key=lambda r: (r.recorded_on, r.pk))
    starts = [r for r in readings if r.point == "start"]
    ends = [r for r in readings if r.point == "closure"]
    fact.outcome_start = _indicators(starts[0]) if starts else {}
    fact.outcome_end = _indicators(ends[-1]) if closed and ends else {}


def _indicators(reading):
    return {name: getattr(reading, name) for name in INDICATORS}


def _happenings(case):
    for consent in case.consents.all():
        yield {"kind": Happening.CONSENT_GIVEN, "on": _day(consent.registered_at)}
        if consent.withdrawn_at:
            yield {"kind": Happening.CONSENT_WITHDRAWN, "on": _day(consent.withdrawn_at)}
    for meeting in case.meetings.all():
        if meeting.held_at:
            yield {"kind": Happening.MEETING_HELD, "on": _day(meeting.held_at),
                   "detail": meeting.kind}  # fmt: skip
    for plan in case.plans.all():
        for action in plan.actions.all():
            if action.carried_from_id:
                continue  # counted once, in the version that decided it
            yield {
                "kind": Happening.ACTION_DECIDED,
                "on": _day(plan.created_at),
                "detail": action.agency.kind if action.party == Party.AGENCY else action.party,
                "intervention": action.intervention.name if action.intervention_id else "",
            }


def grade_band(grade):
    """The band of a grade as the school writes it ("8", "åk 5", "F", "Gy 2"): the digits
    decide; "F"/"förskoleklass" is F–4, "gy…" upper secondary; anything else is not known."""
    text = (grade or "").strip().lower()
    if text.startswith("gy"):
        return GradeBand.UPPER_SECONDARY
    if text in {"f", "fk", "förskoleklass"}:
        return GradeBand.PRIMARY
    digits = re.search(r"\d+", text)
    if not digits:
        return GradeBand.UNKNOWN
    year = int(digits.group())
    if year <= 4:
        return GradeBand.PRIMARY
    if year <= 6:
        return GradeBand.MIDDLE
    if year <= 9:
        return GradeBand.LOWER_SECONDARY
    return GradeBand.UNKNOWN
