"""The raw counts of one municipality and period, from the de-identified facts (and, for the
programmes, from the operative group's own records, which gallring does not touch). A fixed
number of statements per period, whatever the number of cases. ``report`` turns these into
tables and hides the small numbers."""

import statistics as stats
from collections import Counter

from django.db.models import Count, Q

from operative.models import ConcernTalk, SigEntry, Top5Entry, YoungstersTrack
from sspf_flow.models import INDICATORS
from sspf_flow.models.outcome import rank

from .models import CaseFact, CaseHappening, ConsultationFact, Happening


def _by(queryset, field):
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _open_on(day):
    """Referred by ``day`` and not closed before it."""
    return Q(referred_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gte=day))


def cases(municipality_id, period):
    facts = CaseFact.objects.filter(municipality_id=municipality_id, referred_on__isnull=False)
    span = (period.start, period.end)
    head = facts.aggregate(
        new=Count("pk", filter=Q(referred_on__range=span)),
        carried=Count("pk", filter=Q(referred_on__lt=period.start) & _open_on(period.start)),
        ongoing=Count(
            "pk",
            filter=Q(referred_on__lte=period.end)
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)),
        ),
        closed=Count("pk", filter=Q(closed_on__range=span)),
        consent_declined=Count(
            "pk", filter=Q(closed_on__range=span, closure_reason="consent_not_given")
        ),
    )
    new = facts.filter(referred_on__range=span)
    rows = list(new.values_list("age", "concerns", "referred_on"))
    ages = [age for age, _c, _d in rows if age is not None]
    closed = facts.filter(closed_on__range=span)
    active = facts.filter(referred_on__lte=period.end, declined=False).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )
    return {
        **head,
        "source": _by(new, "referral_source"),
        "gender": _by(new, "gender"),
        "grade_band": _by(new, "grade_band"),
        "risk_level": _by(new, "risk_level"),
        "age_band": Counter(age_band(a) for a in ages),
        "ages": ages,
        "term": Counter(("vt" if d.month <= 6 else "ht", d.year) for _a, _c, d in rows),
        "concerns": Counter(code for _a, concerns, _d in rows for code in concerns),
        "closure_reason": _by(closed, "closure_reason"),
        "social_intervention": _by(active, "social_intervention"),
        "active": active.count(),
        "durations": _durations(facts, span),
        "outcomes": _outcomes(closed),
    }


def age_band(age):
    if age < 12:
        return "under_12"
    if age <= 14:
        return "12_14"
    if age <= 17:
        return "15_17"
    return "18_plus"


def _durations(facts, span):
    """Days between the steps, for the cases that took the later step in the period."""
    pairs = {
        "to_consent": facts.filter(consented_on__range=span).values_list(
            "referred_on", "consented_on"
        ),
        "to_meeting": facts.filter(first_meeting_on__range=span).values_list(
            "consented_on", "first_meeting_on"
        ),
        "to_closure": facts.filter(closed_on__range=span, declined=False).values_list(
            "referred_on", "closed_on"
        ),
    }
    return {
        key: [(later - earlier).days for earlier, later in rows if earlier and later]
        for key, rows in pairs.items()
    }


def quartiles(days):
    """(lower quartile, median, upper quartile) of a list of days, or Nones when it is empty."""
    if not days:
        return None, None, None
    if len(days) == 1:
        return days[0], days[0], days[0]
    lower, median, upper = stats.quantiles(days, n=4, method="inclusive")
    return lower, median, upper


def _outcomes(closed):
    """Per indicator, how many of the cases closed in the period with a reading at acceptance
    and at closure went better, stayed the same or went worse (unknown on either side apart)."""
    change = {name: Counter() for name in INDICATORS}
    for start, end in (
        closed.exclude(outcome_start={})
        .exclude(outcome_end={})
        .values_list("outcome_start", "outcome_end")
    ):
        for name in INDICATORS:
            before, after = rank(name, start.get(name)), rank(name, end.get(name))
            if before is None or after is None:
                change[name]["unknown"] += 1
            else:
                change[name][(after > before) - (after < before)] += 1
    return change


def happenings(municipality_id, period):
    rows = CaseHappening.objects.filter(
        municipality_id=municipality_id, on__range=(period.start, period.end)
    )
    by_kind = Counter()
    meetings, actions = Counter(), Counter()
    for kind, detail, n in (
        rows.values_list("kind", "detail")
        .annotate(n=Count("pk"))
        .values_list("kind", "detail", "n")
    ):
        by_kind[kind] += n
        if kind == Happening.MEETING_HELD:
            meetings[detail] += n
        elif kind == Happening.ACTION_DECIDED:
            actions[detail] += n
    interventions = _by(rows.filter(kind=Happening.ACTION_DECIDED), "intervention")
    return {"by_kind": by_kind, "meetings": meetings, "actions": actions,
            "interventions": interventions}  # fmt: skip


def consultations(municipality_id, period):
    rows = ConsultationFact.objects.filter(
        municipality_id=municipality_id, asked_on__range=(period.start, period.end)
    )
    outcome, reason = Counter(), Counter()
    for out, why, n in (
        rows.values_list("outcome", "not_sspf_reason")
        .annotate(n=Count("pk"))
        .values_list("outcome", "not_sspf_reason", "n")
    ):
        outcome[out] += n
        if out != "referral":
            reason[why or "unknown"] += n
    return {"outcome": outcome, "reason": reason}


def programmes(municipality_id, period):
    span = (period.start, period.end)
    mine = {"group__municipality_id": municipality_id}
    top5 = Top5Entry.objects.filter(**mine).aggregate(
        added=Count("pk", filter=Q(selection__held_on__range=span)),
        on_list=Count(
            "pk",
            filter=Q(selection__held_on__lte=period.end)
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=period.end)),
        ),
    )
    top5["ended"] = _by(Top5Entry.objects.filter(**mine, ended_on__range=span), "end_reason")
    youngsters = YoungstersTrack.objects.filter(**mine).aggregate(
        opened=Count("pk", filter=Q(opened_on__range=span))
    )
    youngsters["talks"] = ConcernTalk.objects.filter(
        track__group__municipality_id=municipality_id,
        status="held",
        starts_at__date__range=span,
    ).count()
    youngsters["closed"] = _by(
        YoungstersTrack.objects.filter(**mine, closed_on__range=span), "outcome"
    )
    sig = SigEntry.objects.filter(**mine).aggregate(
        listed=Count("pk", filter=Q(listed_on__range=span)),
        offered=Count("pk", filter=Q(offered_on__range=span)),
        accepted=Count("pk", filter=Q(answered_on__range=span, answer="accepted")),
        joined=Count("pk", filter=Q(joined_on__range=span)),
    )
    sig["declined"] = _by(
        SigEntry.objects.filter(**mine, answered_on__range=span, answer="declined"),
        "declined_reason",
    )
    sig["closed"] = _by(SigEntry.objects.filter(**mine, closed_on__range=span), "closure_reason")
    return {"top5": top5, "youngsters": youngsters, "sig": sig}


def trend(municipality_id, terms):
    """New, closed and ongoing at the end, per term: one statement for all the terms."""
    facts = CaseFact.objects.filter(municipality_id=municipality_id, referred_on__isnull=False)
    counts = {}
    for i, t in enumerate(terms):
        span = (t.start, t.end)
        counts[f"new{i}"] = Count("pk", filter=Q(referred_on__range=span))
        counts[f"closed{i}"] = Count("pk", filter=Q(closed_on__range=span))
        counts[f"ongoing{i}"] = Count(
            "pk",
            filter=Q(referred_on__lte=t.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=t.end)),
        )
    got = facts.aggregate(**counts)
    return [
        {
            "term": t,
            "new": got[f"new{i}"],
            "closed": got[f"closed{i}"],
            "ongoing": got[f"ongoing{i}"],
        }  # fmt: skip
        for i, t in enumerate(terms)
    ]
