"""The steering report (*Styrgruppsrapport*): the counts of a period beside the period before,
as titled tables of ``Cell``s with the small numbers hidden (``suppression``). The page, the
charts and every export render this one object, so they cannot differ."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from operative.models import SigClosureReason, SigDeclineReason, Top5EndReason, YoungstersOutcome
from sspf_flow.models import (
    INDICATORS,
    AgeBand,
    AgencyKind,
    ClosureReason,
    ConcernCategory,
    ConsultationOutcome,
    Gender,
    MeetingKind,
    NotSSPFReason,
    Party,
    ReferralSource,
    RiskLevel,
    SocialIntervention,
)
from sspf_flow.models.outcome import OutcomeReading

from . import counts
from .models import GradeBand
from .periods import terms_up_to
from .suppression import Cell, primary, protect

TREND_TERMS = 6


@dataclass
class Line:
    label: str
    now: Cell
    before: Cell


@dataclass
class Table:
    key: str
    title: str
    lines: list
    total: Line | None = None
    unit: str = "count"  # "count", "days" or "years"
    chart: bool = False
    note: str = ""
    svg: str = ""  # the chart, drawn by the page (``charts.bars``)
    extra: list = field(default_factory=list)  # lines after the total, not in the chart

    def rows(self):
        """Every line as the table shows it: the lines, the total, then the extra lines."""
        return self.lines + ([self.total] if self.total else []) + self.extra


@dataclass
class Section:
    key: str
    title: str
    tables: list = field(default_factory=list)


@dataclass
class Report:
    municipality: object
    period: object
    previous: object
    threshold: int
    sections: list
    trend: list  # (label, [Cell per term]) rows
    terms: list
    made_at: object
    pending: int = 0  # cases whose facts are still to be rebuilt (after an upgrade)

    def tables(self):
        return [table for section in self.sections for table in section.tables]


def build(municipality, period):
    """The report of ``municipality`` for ``period`` (the facts must be fresh:
    ``facts.refresh``)."""
    threshold = municipality.statistics_threshold
    previous = period.before()
    now, before = _counts(municipality.pk, period), _counts(municipality.pk, previous)
    terms = terms_up_to(period, TREND_TERMS)
    return Report(
        municipality=municipality,
        period=period,
        previous=previous,
        threshold=threshold,
        sections=[build_section(now, before, threshold) for build_section in SECTIONS],
        trend=_trend(counts.trend(municipality.pk, terms), threshold),
        terms=terms,
        made_at=timezone.now(),
    )


def _counts(municipality_id, period):
    return {
        "cases": counts.cases(municipality_id, period),
        "happenings": counts.happenings(municipality_id, period),
        "consultations": counts.consultations(municipality_id, period),
        "programmes": counts.programmes(municipality_id, period),
    }


def _get(data, path):
    for key in path.split("."):
        data = data[key]
    return data


def scalars(key, title, now, before, threshold, items, note=""):
    """Counts that do not add up to anything shown: each hidden on its own."""
    return Table(
        key,
        title,
        [
            Line(label, primary(_get(now, path), threshold), primary(_get(before, path), threshold))
            for label, path in items
        ],
        note=note,
    )


def distribution(key, title, now, before, threshold, path, choices, total=True, chart=True):
    """A count per code (the codes of ``choices`` in their order, then any other code met),
    with the total when the codes split one whole (``total``), protected column by column."""
    here, there = _get(now, path), _get(before, path)
    labels = dict(choices)
    codes = list(labels) + sorted((set(here) | set(there)) - set(labels), key=str)
    columns = []
    for data in (here, there):
        values = [data.get(code, 0) for code in codes]
        columns.append(protect(values, threshold, sum(values) if total else None))
    (cells_now, total_now), (cells_before, total_before) = columns
    lines = [
        Line(str(labels.get(code, code)), a, b)
        for code, a, b in zip(codes, cells_now, cells_before, strict=True)
    ]
    return Table(
        key,
        title,
        lines,
        total=Line(_("Total"), total_now, total_before) if total else None,
        chart=chart,
    )


def _choices(text_choices, *, blank=None):
    found = [(value, label) for value, label in text_choices.choices]
    return found + ([("", blank)] if blank else [])


def _section_volume(now, before, threshold):
    c = "cases."
    return Section("volume", _("Referrals"), [
        scalars("volume", _("Young people referred"), now, before, threshold, [
            (_("New referrals in the period"), c + "new"),
            (_("Carried over from before the period"), c + "carried"),
            (_("Ongoing at the end of the period"), c + "ongoing"),
            (_("Closed in the period"), c + "closed"),
        ]),
        distribution("source", _("Referred by"), now, before, threshold, c + "source",
                     _choices(ReferralSource)),
        distribution("gender", _("Gender"), now, before, threshold, c + "gender",
                     _choices(Gender)),
        _ages(now, before, threshold),
        distribution("grade", _("Grade"), now, before, threshold, c + "grade_band",
                     _choices(GradeBand)),
        distribution("term", _("Term of the referral"), now, before, threshold, c + "term",
                     _term_choices(now, before), chart=False),
        distribution("concerns", _("Concerns (a young person may have several)"), now, before,
                     threshold, c + "concerns", _choices(ConcernCategory), total=False),
        distribution("risk", _("Risk level"), now, before, threshold, c + "risk_level",
                     _choices(RiskLevel, blank=_("Not assessed"))),
    ])  # fmt: skip


def _term_choices(now, before):
    found = set(now["cases"]["term"]) | set(before["cases"]["term"])
    names = {"vt": _("Spring term"), "ht": _("Autumn term")}
    return [
        ((which, year), f"{names[which]} {year}")
        for which, year in sorted(found, key=lambda t: (t[1], t[0] == "ht"))
    ]


def _ages(now, before, threshold):
    table = distribution("age", _("Age at the referral"), now, before, threshold,
                         "cases.age_band", _choices(AgeBand)[:-1])  # fmt: skip
    table.extra.append(
        Line(_("Mean age"), *(_mean(*d["cases"]["mean_age"], threshold) for d in (now, before)))
    )
    return table


def _mean(how_many, mean, threshold):
    if how_many < threshold or mean is None:
        return Cell(None)
    return Cell(round(float(mean), 1))


def _section_consultations(now, before, threshold):
    return Section("consultations", _("Consultations before a referral"), [
        distribution("consultation", _("Consultations, by what came of them"), now, before,
                     threshold, "consultations.outcome", _choices(ConsultationOutcome)),
        distribution("not_sspf", _("Why a consultation did not lead to SSPF"), now, before,
                     threshold, "consultations.reason",
                     _choices(NotSSPFReason) + [("unknown", _("Not recorded"))]),
    ])  # fmt: skip


def _section_work(now, before, threshold):
    h, c = "happenings.", "cases."
    return Section("work", _("Consent, meetings and actions"), [
        scalars("consents", _("Consent"), now, before, threshold, [
            (_("Consents given"), h + "by_kind.consent_given"),
            (_("Consent not given (closed for that reason)"), c + "consent_declined"),
            (_("Consents withdrawn"), h + "by_kind.consent_withdrawn"),
        ]),
        distribution("meetings", _("Meetings held"), now, before, threshold, h + "meetings",
                     _choices(MeetingKind)),
        distribution("actions", _("Actions decided, by who is responsible"), now, before,
                     threshold, h + "actions", _responsible()),
        distribution("interventions", _("Actions decided, by intervention"), now, before,
                     threshold, h + "interventions", _interventions(now, before)),
        distribution("social", _("Needs-assessed intervention from social services (cases "
                                 "active in the period)"), now, before, threshold,
                     c + "social_intervention",
                     _choices(SocialIntervention, blank=_("Not recorded"))),
    ])  # fmt: skip


def _responsible():
    agencies = [(value, label) for value, label in AgencyKind.choices]
    others = [(p.value, p.label) for p in (Party.YOUTH, Party.GUARDIAN, Party.NETWORK, Party.OTHER)]
    return agencies + others


def _interventions(now, before):
    names = set(now["happenings"]["interventions"]) | set(before["happenings"]["interventions"])
    return [(name, name) for name in sorted(names - {""})] + [("", _("Other"))]


def _section_closures(now, before, threshold):
    tables = [distribution("closures", _("Closed, by reason"), now, before, threshold,
                           "cases.closure_reason", _choices(ClosureReason))]  # fmt: skip
    tables += [_durations(key, title, now, before, threshold) for key, title in (
        ("to_consent", _("Days from referral to consent")),
        ("to_meeting", _("Days from consent to the first meeting")),
        ("to_closure", _("Days from referral to closure")),
    )]  # fmt: skip
    return Section("closures", _("Closures and how long the steps take"), tables)


def _durations(key, title, now, before, threshold):
    columns = []
    for data in (now, before):
        how_many, q = data["cases"]["durations"][key]
        q = q if how_many >= threshold else (None, None, None)
        columns.append([primary(how_many, threshold), *(Cell(_days(v)) for v in q)])
    labels = [_("Number of cases"), _("Lower quartile"), _("Median"), _("Upper quartile")]
    lines = [Line(label, a, b) for label, a, b in zip(labels, *columns, strict=True)]
    return Table(key, title, lines, unit="days",
                 note=_("Days are shown when at least as many cases as the threshold took "
                        "the step."))  # fmt: skip


def _days(value):
    return None if value is None else float(value)


def _section_outcomes(now, before, threshold):
    labels = {name: OutcomeReading._meta.get_field(name).verbose_name for name in INDICATORS}
    changes = [(1, _("Better")), (0, _("The same")), (-1, _("Worse")), ("unknown", _("Not known"))]
    tables = [
        distribution(f"outcome_{name}", str(labels[name]).capitalize(), now, before,
                     threshold, f"cases.outcomes.{name}", changes)
        for name in INDICATORS
    ]  # fmt: skip
    return Section("outcomes", _("Outcomes: from acceptance to closure"), tables)


def _section_programmes(now, before, threshold):
    p = "programmes."
    return Section("programmes", _("The programmes"), [
        scalars("top5", _("Top 5"), now, before, threshold, [
            (_("Put on the list in the period"), p + "top5.added"),
            (_("On the list at the end of the period"), p + "top5.on_list"),
        ]),
        distribution("top5_ended", _("Top 5: taken off the list, by reason"), now, before,
                     threshold, p + "top5.ended", _choices(Top5EndReason)),
        scalars("youngsters", _("Youngsters"), now, before, threshold, [
            (_("Young people taken up"), p + "youngsters.opened"),
            (_("Concern talks held"), p + "youngsters.talks"),
        ]),
        distribution("youngsters_closed", _("Youngsters: closed, by outcome"), now, before,
                     threshold, p + "youngsters.closed", _choices(YoungstersOutcome)),
        scalars("sig", _("SIG"), now, before, threshold, [
            (_("Put on the priority list"), p + "sig.listed"),
            (_("Offered"), p + "sig.offered"),
            (_("Accepted"), p + "sig.accepted"),
            (_("Taken into a cohort"), p + "sig.joined"),
        ]),
        distribution("sig_declined", _("SIG: declined, by reason"), now, before, threshold,
                     p + "sig.declined", _choices(SigDeclineReason)),
        distribution("sig_closed", _("SIG: closed, by reason"), now, before, threshold,
                     p + "sig.closed", _choices(SigClosureReason)),
    ])  # fmt: skip


def _trend(rows, threshold):
    series = (("new", _("New referrals")), ("closed", _("Closed")),
              ("ongoing", _("Ongoing at the end")))  # fmt: skip
    return [(label, [primary(row[key], threshold) for row in rows]) for key, label in series]


SECTIONS = [
    _section_volume,
    _section_consultations,
    _section_work,
    _section_closures,
    _section_outcomes,
    _section_programmes,
]
