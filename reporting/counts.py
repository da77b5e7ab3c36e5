"""The raw counts of one municipality and period, from the de-identified facts (and, for the
programmes, from the operative group's own records, which gallring does not touch). A fixed
number of statements per period, whatever the number of cases. ``report`` turns these into
tables and hides the small numbers."""

import statistics as stats
from collections import Counter

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, IntegerField, Q

from operative.models import ConcernTalk, SigEntry, Top5Entry, YoungstersTrack
from sspf_flow.models import INDICATORS, ConcernCategory
from sspf_flow.models.outcome import rank

from .models import CaseFact, CaseHappening, ConsultationFact, Happening
from .periods import period_of, term


def _by(queryset, field):
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _open_on(day):
    """Referred by ``day`` and not closed before it."""
    return Q(referred_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gte=day))


def cases(municipality_id, period):
    facts = CaseFact.objects.filter(municipality_id=municipality_id, referred_on__isnull=False)
    span = (period.start, period.end)
    new_in = Q(referred_on__range=span)
    terms = terms_within(period)
    head = facts.aggregate(
        new=Count("pk", filter=new_in),
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
        aged=Count("age", filter=new_in),
        mean_age=Avg("age", filter=new_in),
        **{f"age_{band}": Count("pk", filter=new_in & q) for band, q in AGE_BANDS.items()},
        **{
            f"concern_{code}": Count("pk", filter=new_in & Q(concern_codes__contains=f",{code},"))
            for code in ConcernCategory.values
        },
        **{
            f"term_{t.kind}_{t.start.year}": Count(
                "pk",
                filter=Q(referred_on__range=(max(t.start, period.start), min(t.end, period.end))),
            )
            for t in terms
        },
    )
    new = facts.filter(new_in)
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
        "age_band": {band: head[f"age_{band}"] for band in AGE_BANDS},
        "mean_age": (head["aged"], head["mean_age"]),
        "term": {(t.kind, t.start.year): head[f"term_{t.kind}_{t.start.year}"] for t in terms},
        "concerns": {code: head[f"concern_{code}"] for code in ConcernCategory.values},
        "closure_reason": _by(closed, "closure_reason"),
        "social_intervention": _by(active, "social_intervention"),
        "active": active.count(),
        "durations": _durations(facts, span),
        "outcomes": _outcomes(closed),
    }


AGE_BANDS = {
    "under_12": Q(age__lt=12),
    "12_14": Q(age__gte=12, age__lte=14),
    "15_17": Q(age__gte=15, age__lte=17),
    "18_plus": Q(age__gte=18),
}


def terms_within(period):
    """The terms the period touches, oldest first."""
    found = [period_of("term", period.start)]
    while found[-1].end < period.end:
        last = found[-1]
        found.append(
            term(last.end.year + 1, "vt") if last.kind == "ht" else term(last.end.year, "ht")
        )
    return found


# (the earlier step, the later step, whether declined referrals count)
STEPS = {
    "to_consent": ("referred_on", "consented_on"),
    "to_meeting": ("consented_on", "first_meeting_on"),
    "to_closure": ("referred_on", "closed_on"),
}


def _durations(facts, span):
    """Days between the steps, for the cases that took the later step in the period: (how many,
    (lower quartile, median, upper quartile)). PostgreSQL works the quartiles out itself
    (``percentile_cont``, the same interpolation as ``quartiles``); elsewhere the days are read."""
    found = {}
    for key, (earlier, later) in STEPS.items():
        rows = facts.filter(**{f"{later}__range": span, f"{earlier}__isnull": False})
        if key == "to_closure":
            rows = rows.filter(declined=False)
        if connection.vendor == "postgresql":
            got = rows.aggregate(n=Count("pk"), q=Quartiles(DaysBetween(F(later), F(earlier))))
            found[key] = (got["n"], tuple(got["q"] or (None, None, None)))
        else:
            days = [(b - a).days for a, b in rows.values_list(earlier, later)]
            found[key] = (len(days), quartiles(days))
    return found


class DaysBetween(Func):
    """``later - earlier`` of two dates, in days (PostgreSQL's date subtraction)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class Quartiles(Aggregate):
    """The lower quartile, the median and the upper quartile (PostgreSQL)."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(FloatField()), **extra)


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
