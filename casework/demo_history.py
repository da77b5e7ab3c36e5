"""A year and a half of earlier cases for the demo, so that the steering report has history to
compare with (issue 14): 24 fictional young people referred over the three terms before this
one, walked through the services and the flow like the others, then moved back in time (their
dates and their consent's; the case history is append-only and keeps the times of the load).
All were closed with a reason by yesterday, many of them in a later term than they came in
(so the terms carry cases over). The statistics read them as they read any case."""

import datetime as dt

from django.utils import timezone

from casework.workflow import steps
from sspf_flow.models import INDICATORS, Case, Consent, OutcomeReading

FIRST = ["Ylva", "Hugo", "Nils", "Saga", "Otto", "Tyra", "Elton", "Majken", "Tage", "Signe",
         "Melker", "Siri", "Ture", "Edit", "Viggo", "Greta", "Loke", "Sixten", "Ebba", "Helmer",
         "Juni", "Folke", "Ester", "Albin"]  # fmt: skip
LAST = "Förrsson"
# referral source, gender, age, concerns, risk, what came of it (reason, days open; closed by
# yesterday at the latest, so that no earlier case waits in anyone's work today); the term is
# the index's third: 0 the oldest
SHAPES = [
    ("skola", "pojke", 14, ["school_absence"], "medium", ("low_risk", 120)),
    ("skola", "pojke", 13, ["school_results", "norm_breaking"], "medium", ("low_risk", 90)),
    ("socialtjanst", "flicka", 15, ["family"], "high", ("needs_too_extensive", 60)),
    ("polis", "pojke", 15, ["crime", "criminal_peers"], "high", ("placement", 45)),
    ("skola", "pojke", 13, ["school_absence"], "low", ("moved", 150)),
    ("fritid", "pojke", 14, ["norm_breaking"], "medium", ("consent_withdrawn", 30)),
    ("skola", "flicka", 13, ["mental_health"], "medium", ("not_suitable", 100)),
    ("socialtjanst", "pojke", 16, ["substance_use"], "high", ("needs_too_extensive", 240)),
]
STEP_DAYS = {"accept": 4, "consent": 12}


def load_history(demo):
    """The 24 earlier cases of ``demo`` (the loader in ``load_demo``)."""
    today = timezone.localdate()
    this_term = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    for i, name in enumerate(FIRST):
        by, gender, age, concerns, risk, end = SHAPES[i % len(SHAPES)]
        term_start = _months_before(this_term, 6 * (3 - i // 8))
        referred = term_start + dt.timedelta(days=7 + (i % 8) * 20)
        case = demo.refer(by, name, LAST, age, concerns, "Oro som skolan och familjen delar.",
                          gender=gender)  # fmt: skip
        demo.accept(case, risk=risk)
        demo.consent(case, ["skola", "socialtjanst"], youth_signs=age >= 15)
        closed = min(referred + dt.timedelta(days=end[1]), today - dt.timedelta(days=1))
        steps.close(case, demo.user["anja"], end[0], "Avslutat enligt planen.")
        _back_in_time(case, referred, closed)
        _outcomes(case, demo.user["anja"], referred, closed, i)
        Case.objects.filter(pk=case.pk).update(
            social_intervention=["light", "extensive", "keep_watch", "none", ""][i % 5]
        )


def _months_before(day, months):
    month = day.month - 1 - months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _back_in_time(case, referred, closed):
    accepted = referred + dt.timedelta(days=STEP_DAYS["accept"])
    consented = referred + dt.timedelta(days=STEP_DAYS["consent"] + case.pk % 9)
    Case.objects.filter(pk=case.pk).update(
        referred_at=_at(referred),
        accepted_at=_at(accepted),
        consented_at=_at(consented),
        closed_at=_at(closed) if closed else None,
    )
    Consent.objects.filter(case=case).update(
        registered_at=_at(consented),
        valid_from=consented,
        valid_to=consented + dt.timedelta(days=365),
    )


def _outcomes(case, user, referred, closed, i):
    """The start reading (``Demo.accept`` took it today) moved to the referral's day, and for a
    closed case a closure reading: school attendance and leisure changed, in turn better, the
    same and worse."""
    OutcomeReading.objects.filter(case=case, point="start").update(recorded_on=referred)
    start = OutcomeReading.objects.filter(case=case, point="start").values(*INDICATORS).first()
    if closed and start:
        end = dict(start, school_attendance=["full", "partial", "low"][i % 3],
                   leisure=["yes", start["leisure"], "no"][i % 3])  # fmt: skip
        OutcomeReading.objects.create(
            case=case, point="closure", recorded_on=closed, recorded_by=user, **end
        )
