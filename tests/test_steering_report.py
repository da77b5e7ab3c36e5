"""The steering report (issue 14): a known cohort walked through the real services over two
terms (HT 2025 and VT 2026), and every figure of the report read from the page as the steering
group reads it, beside the period before, with the small numbers hidden."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.models import GradeBand
from sspf_flow.models import (
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
from tests.report_builders import Walk, on, report_tables

D = dt.date


def build_cohort(users, agencies):
    """Thirteen young people and nine consultations; the figures each test expects are worked
    out by hand in ``test_every_figure_of_the_spring_term``'s comments."""
    w = Walk(users, agencies)
    # E1, VT 2025: carried into HT 2025, closed there (low risk)
    e1 = w.refer(D(2025, 3, 10), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(e1, D(2025, 3, 12), "medium")
    w.consent(e1, D(2025, 3, 14))
    w.meeting(e1, D(2025, 3, 17), "network", [("skola", "Anpassat schema")])
    w.reading(e1, "start", D(2025, 3, 12), school_attendance="low")
    w.close(e1, D(2025, 10, 15), "low_risk")
    w.reading(e1, "closure", D(2025, 10, 15), school_attendance="partial")
    # HT 2025
    a1 = w.refer(D(2025, 8, 20), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence", "criminal_peers"])  # fmt: skip
    w.accept(a1, D(2025, 8, 25), "medium")
    w.consent(a1, D(2025, 9, 1))
    w.meeting(a1, D(2025, 9, 5), "network",
              [("skola", "Anpassat schema"), ("socialtjanst", "RePulse")])  # fmt: skip
    w.reading(a1, "start", D(2025, 8, 25), school_attendance="low", crime="none",
              substance_use="none", goal_fulfilment="not", leisure="no")  # fmt: skip
    a2 = w.refer(D(2025, 9, 15), source="skola", gender="pojke", age=13, grade="7",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(a2, D(2025, 9, 20), "low")
    w.consent(a2, D(2025, 9, 25))
    a2_plan = w.meeting(a2, D(2025, 9, 26), "initial", [("skola", "Anpassat schema")])
    a3 = w.refer(D(2025, 10, 1), source="polis", gender="flicka", age=15, grade="9",
                 concerns=["crime", "substance_use"], by="polis")  # fmt: skip
    w.accept(a3, D(2025, 10, 5), "high")
    w.consent(a3, D(2025, 10, 10))
    w.meeting(a3, D(2025, 10, 15), "network", [("polis", "Samtal med polis"),
              ("socialtjanst", "MiniMaria"), ("youth", None)])  # fmt: skip
    w.close(a3, D(2025, 12, 15), "moved")
    a4 = w.refer(D(2025, 11, 3), source="vardnadshavare", gender="pojke", age=12, grade="6",
                 concerns=["family"], by="samordnare")  # fmt: skip
    w.decline(a4, D(2025, 11, 10), "outside_target_group")
    # VT 2026
    b1 = w.refer(D(2026, 1, 12), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence", "school_results"])  # fmt: skip
    w.accept(b1, D(2026, 1, 15), "medium")
    w.consent(b1, D(2026, 1, 20))
    w.meeting(b1, D(2026, 1, 22), "network",
              [("skola", "Anpassat schema"), ("socialtjanst", "RePulse")])  # fmt: skip
    b2 = w.refer(D(2026, 1, 20), source="skola", gender="pojke", age=13, grade="7",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(b2, D(2026, 1, 22), "low")
    w.consent(b2, D(2026, 1, 26))
    w.meeting(b2, D(2026, 1, 28), "initial", [("skola", None)])
    w.reading(b2, "start", D(2026, 1, 22), school_attendance="partial", crime="none",
              substance_use="none", goal_fulfilment="partly", leisure="yes")  # fmt: skip
    b3 = w.refer(D(2026, 2, 3), source="skola", gender="flicka", age=15, grade="9",
                 concerns=["substance_use", "criminal_peers"])  # fmt: skip
    w.accept(b3, D(2026, 2, 5), "high")
    b3_consent = w.consent(b3, D(2026, 2, 10))
    w.meeting(b3, D(2026, 2, 12), "network",
              [("socialtjanst", "MiniMaria"), ("polis", "Samtal med polis")])  # fmt: skip
    w.reading(b3, "start", D(2026, 2, 5), school_attendance="full", crime="suspected",
              substance_use="some", goal_fulfilment="not", leisure="no")  # fmt: skip
    b4 = w.refer(D(2026, 2, 16), source="polis", gender="pojke", age=16, grade="Gy 1",
                 concerns=["crime", "violence"], by="polis")  # fmt: skip
    w.accept(b4, D(2026, 2, 18), "high")
    w.consent(b4, D(2026, 2, 20))
    w.meeting(b4, D(2026, 2, 23), "network", [("polis", "Samtal med polis"),
              ("socialtjanst", "FFT (funktionell familjeterapi)"), ("youth", None)],
              held_after=6)  # fmt: skip
    b5 = w.refer(D(2026, 3, 2), source="socialtjanst", gender="pojke", age=11, grade="5",
                 concerns=["family", "school_absence"], by="socialtjanst")  # fmt: skip
    w.accept(b5, D(2026, 3, 4), "medium", "Hemligt skäl: syskonen är redan aktuella.")
    b6 = w.refer(D(2026, 3, 16), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence"])  # fmt: skip
    w.decline(b6, D(2026, 3, 20), "not_suitable")
    b7 = w.refer(D(2026, 4, 6), source="fritid", gender="flicka", age=13, grade="7",
                 concerns=["norm_breaking"], by="fritid")  # fmt: skip
    w.accept(b7, D(2026, 4, 8), "medium")
    w.consent(b7, D(2026, 4, 10))
    w.meeting(b7, D(2026, 4, 14), "initial", [("fritid", "Inslussad på fritidsgården")],
              held_after=6)  # fmt: skip
    b8 = w.refer(D(2026, 5, 4), source="skola", gender="pojke", age=15, grade="9",
                 concerns=["school_absence", "crime"])  # fmt: skip
    w.accept(b8, D(2026, 5, 6), "medium")
    w.consent(b8, D(2026, 5, 8))
    w.plan(b8, D(2026, 5, 12), "network", D(2026, 6, 15))  # planned, never held
    # what happened in VT 2026 to the cases of before
    a2_meeting = w.plan(a2, D(2026, 2, 5), "follow_up", D(2026, 2, 12))
    w.hold(a2, a2_meeting, D(2026, 2, 12), [("youth", None)], carried=a2_plan.actions.all())
    w.follow_up_closing(a1, D(2026, 3, 10), "goals_met")
    w.reading(a1, "closure", D(2026, 3, 10), school_attendance="full", crime="none",
              substance_use="none", goal_fulfilment="partly", leisure="yes")  # fmt: skip
    w.withdraw(b3, b3_consent, D(2026, 4, 1))
    w.close(b3, D(2026, 4, 5), "consent_withdrawn")
    w.reading(b3, "closure", D(2026, 4, 5), school_attendance="partial", crime="suspected",
              substance_use="regular", goal_fulfilment="not", leisure="unknown")  # fmt: skip
    w.close(b5, D(2026, 4, 15), "consent_not_given")
    w.follow_up_closing(b2, D(2026, 5, 20), "goals_met")
    w.reading(b2, "closure", D(2026, 5, 20), school_attendance="full", crime="none",
              substance_use="none", goal_fulfilment="meets", leisure="yes")  # fmt: skip
    # HT 2026: after the period, in no figure of VT 2026
    w.refer(D(2026, 7, 10), source="skola", gender="flicka", age=14, grade="8",
            concerns=["other"])  # fmt: skip
    # consultations: three in HT 2025, seven in VT 2026, one after
    for day, outcome, reason in [
        (D(2025, 9, 10), "advice", ""),
        (D(2025, 10, 12), "nothing", "not_crime_preventive"),
        (D(2025, 11, 20), "referral", ""),
        (D(2026, 1, 8), "advice", ""),
        (D(2026, 1, 15), "advice", "not_crime_preventive"),
        (D(2026, 2, 11), "elsewhere", "not_crime_preventive"),
        (D(2026, 3, 3), "nothing", "no_consent"),
        (D(2026, 3, 20), "elsewhere", "not_crime_preventive"),
        (D(2026, 4, 22), "referral", ""),
        (D(2026, 6, 30), "advice", "other"),
        (D(2026, 7, 1), "advice", ""),
    ]:
        w.consultation(day, outcome, reason)
    return w


@pytest.fixture
def cohort(users, agencies):
    return build_cohort(users, agencies)


@pytest.fixture(autouse=True)
def _in_swedish():
    with translation.override("sv"):
        yield


def figures(client, user, query="kind=vt&year=2026"):
    """The report's tables as ``user`` reads them on the page (a day after the period)."""
    client.force_login(user)
    with on(D(2026, 8, 15)):
        response = client.get(f"/steering/?{query}")
    assert response.status_code == 200
    return report_tables(response.content)


def labelled(choices, *pairs, total=None):
    """{label of each choice: (VT 2026, HT 2025)}, in the choices' order, then the total."""
    rows = {str(label): pair for (_code, label), pair in zip(choices, pairs, strict=True)}
    return rows | ({_("Total"): total} if total else {})


H = "<3"  # a count hidden (primary, or secondary: then it may be 3 or more, see the report)


def test_every_figure_of_the_spring_term(client, users, cohort):
    """VT 2026 beside HT 2025. Referred in VT 2026: B1–B8 (B9 after the period); in HT 2025:
    A1–A4; E1 in VT 2025 was carried into HT 2025 and closed there."""
    got = figures(client, users["styrgrupp"])
    assert got["volume"] == {
        _("New referrals in the period"): ("8", "4"),
        _("Carried over from before the period"): (H, H),  # A1, A2 | E1
        _("Ongoing at the end of the period"): ("5", H),  # A2 B1 B4 B7 B8 | A1 A2
        _("Closed in the period"): ("5", "3"),  # A1 B2 B3 B5 B6 | E1 A3 A4
    }
    assert got["source"] == labelled(
        ReferralSource.choices,
        ("5", H), (H, "0"), (H, H), (H, "0"), ("0", "0"), ("0", "0"), ("0", H), ("0", "0"),
        total=("8", "4"),
    )  # fmt: skip
    # girls 2 | 1: alone hidden, so the boys (6 | 3) are hidden too
    assert got["gender"] == labelled(Gender.choices, (H, H), (H, H), ("0", "0"), total=("8", "4"))
    # under 12: 1 | 0, 12–14: 4 | 3, 15–17: 3 | 1 (secondary: 3 | 3 hidden), 18+: 0
    assert got["age"] == labelled(
        AgeBand.choices[:-1], (H, "0"), ("4", H), (H, H), ("0", "0"), total=("8", "4")
    ) | {_("Mean age"): ("13,9", "13,5")}  # 111 / 8 and 54 / 4
    assert got["grade"] == labelled(
        GradeBand.choices, ("0", "0"), (H, H), ("6", H), (H, "0"), ("0", "0"), total=("8", "4")
    )  # 5–6: 1 | 1, 7–9: 6 | 3 (secondary), gymnasium ("Gy 1"): 1
    assert got["term"] == {
        f"{_('Autumn term')} 2025": ("0", "4"),
        f"{_('Spring term')} 2026": ("8", "0"),
        _("Total"): ("8", "4"),
    }
    assert got["concerns"] == labelled(
        ConcernCategory.choices,
        ("5", H),
        (H, "0"),
        (H, H),
        (H, H),
        (H, H),
        (H, "0"),
        (H, "0"),
        (H, H),
        ("0", "0"),
        ("0", "0"),
    )  # fmt: skip  (no total: a young person may have several)
    assert got["risk"] == labelled(
        RiskLevel.choices + [("", _("Not assessed"))],
        (H, H),
        ("4", H),
        (H, H),
        (H, H),
        total=("8", "4"),
    )  # fmt: skip  (the declined B6 and A4 were never assessed)
    # consultations: VT 2026 advice 3, referral 1, elsewhere 2, nothing 1; HT 2025 one each
    assert got["consultation"] == labelled(
        ConsultationOutcome.choices, ("3", H), (H, H), (H, "0"), (H, H), total=("7", "3")
    )
    assert got["not_sspf"] == labelled(
        NotSSPFReason.choices + [("unknown", _("Not recorded"))],
        (H, "0"), ("3", H), (H, "0"), (H, H), total=("6", H),
    )  # fmt: skip
    assert got["consents"] == {
        _("Consents given"): ("6", "3"),
        _("Consent not given (closed for that reason)"): (H, "0"),  # B5
        _("Consents withdrawn"): (H, "0"),  # B3
    }
    # held: B1 B3 B4 network, B2 B7 initial, A2 follow-up | A1 A3 network, A2 initial
    assert got["meetings"] == labelled(
        MeetingKind.choices, (H, H), ("3", H), (H, "0"), ("0", "0"), total=("6", "3")
    )
    # decided: school 2 | 2, social services 3 | 2, police 2 | 1, leisure 1, the young person
    # 2 | 1; A2's school action carried into its follow-up meeting's plan counts once
    assert got["actions"] == labelled(
        AgencyKind.choices + [(p.value, p.label) for p in (Party.YOUTH, Party.GUARDIAN,
                                                           Party.NETWORK, Party.OTHER)],
        (H, H), ("3", H), (H, H), (H, "0"), ("0", "0"), ("0", "0"), (H, H), ("0", "0"),
        ("0", "0"), ("0", "0"), total=("10", "6"),
    )  # fmt: skip
    assert got["interventions"] == {
        "Anpassat schema": (H, H),
        "FFT (funktionell familjeterapi)": (H, "0"),
        "Inslussad på fritidsgården": (H, "0"),
        "MiniMaria": (H, H),
        "RePulse": (H, H),
        "Samtal med polis": (H, H),
        _("Other"): ("3", H),
        _("Total"): ("10", "6"),
    }
    # active in the period, not declined: A1 A2 B1–B5 B7 B8 | E1 A1 A2 A3; none recorded yet
    assert got["social"] == labelled(
        SocialIntervention.choices + [("", _("Not recorded"))],
        ("0", "0"), ("0", "0"), ("0", "0"), ("0", "0"), ("9", "4"), total=("9", "4"),
    )  # fmt: skip
    assert got["closures"] == labelled(
        ClosureReason.choices,
        (H, "0"), ("0", "0"), (H, "0"), (H, "0"), ("0", H), ("0", "0"), (H, "0"), ("0", H),
        ("0", H), ("0", "0"), total=("5", "3"),
    )  # fmt: skip
    quartiles = [_("Number of cases"), _("Lower quartile"), _("Median"), _("Upper quartile")]
    # referral → consent: 4 4 4 6 7 8 | 9 10 12
    assert got["to_consent"] == dict(
        zip(quartiles, [("6", "3"), ("4,0", "9,5"), ("5,0", "10,0"), ("6,8", "11,0")],
            strict=True)
    )  # fmt: skip
    # consent → first meeting: 7 7 7 9 10 | 6 9 10
    assert got["to_meeting"] == dict(
        zip(quartiles, [("5", "3"), ("7,0", "7,5"), ("7,0", "9,0"), ("9,0", "9,5")],
            strict=True)
    )  # fmt: skip
    # referral → closure: 44 61 120 202 | 75 219, too few to show
    assert got["to_closure"] == dict(
        zip(quartiles, [("4", H), ("56,8", "–"), ("90,5", "–"), ("140,5", "–")], strict=True)
    )
    changes = [(1, _("Better")), (0, _("The same")), (-1, _("Worse")), ("u", _("Not known"))]
    # closed in VT 2026 with readings at acceptance and closure: A1, B2, B3 | E1
    outcomes = {
        "school_attendance": [(H, H), ("0", "0"), (H, "0"), ("0", "0")],
        "crime": [("0", "0"), ("3", "0"), ("0", "0"), ("0", H)],
        "substance_use": [("0", "0"), (H, "0"), (H, "0"), ("0", H)],
        "goal_fulfilment": [(H, "0"), (H, "0"), ("0", "0"), ("0", H)],
        "leisure": [(H, "0"), (H, "0"), ("0", "0"), (H, H)],
    }
    for name, pairs in outcomes.items():
        assert got[f"outcome_{name}"] == labelled(changes, *pairs, total=("3", H)), name
    assert got["trend"] == {
        "HT 2023": ("0", "0", "0"),
        "VT 2024": ("0", "0", "0"),
        "HT 2024": ("0", "0", "0"),
        "VT 2025": (H, "0", H),
        "HT 2025": ("4", "3", H),
        "VT 2026": ("8", "5", "5"),
    }
    # no operative group: the programmes' figures are all zero
    for key in ("top5", "top5_ended", "youngsters", "youngsters_closed", "sig", "sig_declined",
                "sig_closed"):  # fmt: skip
        assert set(got[key].values()) == {("0", "0")}, key
    assert len(got) == 32  # every table asserted above
