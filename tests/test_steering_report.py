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
from tests.report_builders import Walk, build_cohort, on, report_tables

D = dt.date


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


H = "<3"  # a count hidden for being small (primary)
X = "×"  # a count hidden to protect a small one (secondary): it is 3 or more


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
    assert got["gender"] == labelled(Gender.choices, (H, H), (X, X), ("0", "0"), total=("8", "4"))
    # under 12: 1 | 0, 12–14: 4 | 3, 15–17: 3 | 1 (secondary: 3 | 3 hidden), 18+: 0
    assert got["age"] == labelled(
        AgeBand.choices[:-1], (H, "0"), ("4", X), (X, H), ("0", "0"), total=("8", "4")
    ) | {_("Mean age"): ("13,9", "13,5")}  # 111 / 8 and 54 / 4
    assert got["grade"] == labelled(
        GradeBand.choices, ("0", "0"), (H, H), ("6", X), (H, "0"), ("0", "0"), total=("8", "4")
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
        zip(quartiles, [("6", "3"), ("4", "9,5"), ("5", "10"), ("6,8", "11")],
            strict=True)
    )  # fmt: skip
    # consent → first meeting: 7 7 7 9 10 | 6 9 10
    assert got["to_meeting"] == dict(
        zip(quartiles, [("5", "3"), ("7", "7,5"), ("7", "9"), ("9", "9,5")],
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


def test_with_a_threshold_of_five_small_counts_show_as_less_than_five(
    client, users, agencies, municipality
):
    municipality.statistics_threshold = 5
    municipality.save()
    walk = Walk(users, agencies)
    for n in range(6):
        walk.refer(D(2026, 2, 2 + n), source="skola" if n < 4 else "polis", by="skola",
                   gender="pojke", age=14, grade="8", concerns=["school_absence"])  # fmt: skip
    got = figures(client, users["styrgrupp"])
    assert got["volume"][_("New referrals in the period")] == ("6", "0")
    # school 4 and police 2: both hidden, the total shown
    assert list(got["source"].values())[:3] == [("<5", "0"), ("0", "0"), ("<5", "0")]
    assert got["source"][_("Total")] == ("6", "0")
    assert got["gender"][str(Gender.BOY.label)] == ("6", "0")
    assert "<3" not in str(got)


def test_the_programmes_figures(client, users, agencies):
    """Top 5, SIG and Youngsters, each through its own services: HT 2025 a selection put three
    on the Top 5 list; VT 2026 one more, one taken off (goals reached), four on the SIG list,
    three offered, two accepted and one declined (no contact), one taken up in Youngsters and
    closed (the concern gone)."""
    from operative import sig, top5, youngsters
    from tests.programme_builders import sig_person, top5_group, top5_on_the_list, top5_person

    group = top5_group(users, agencies)
    police = users["polis"]
    with on(D(2025, 11, 10)):
        autumn = top5.record_selection(group, police, held_on=D(2025, 11, 10))
        listed = [top5_on_the_list(group, police, autumn, f"Topp{n}", "Fiktiv") for n in range(3)]
    with on(D(2026, 2, 10)):
        spring = top5.record_selection(group, police, held_on=D(2026, 2, 10))
        top5_on_the_list(group, police, spring, "Topp3", "Fiktiv")
    with on(D(2026, 3, 1)):
        top5.end_entry(listed[0], police, ended_on=D(2026, 3, 1), end_reason="goals")
    with on(D(2026, 1, 20)):
        entries = [sig_person(group, police, listed_on=D(2026, 1, 20), n=n) for n in range(4)]
    with on(D(2026, 2, 1)):
        for entry in entries[:3]:
            sig.record_offer(entry, police, offered_on=D(2026, 2, 1))
        for entry in entries[:2]:
            sig.record_answer(entry, police, answer="accepted", answered_on=D(2026, 2, 1))
        sig.record_answer(entries[2], police, answer="declined", answered_on=D(2026, 2, 1),
                          declined_reason="no_contact")  # fmt: skip
    with on(D(2026, 3, 2)):
        track = youngsters.take_up(group, users["socialtjanst"], top5_person(group, "Ung", "Dom"),
                                   noticed="Oro i området.")  # fmt: skip
    with on(D(2026, 4, 2)):
        youngsters.close_track(track, users["socialtjanst"], outcome="concern_gone")

    got = figures(client, users["styrgrupp"])
    assert got["top5"] == {
        _("Put on the list in the period"): (H, "3"),
        _("On the list at the end of the period"): ("3", "3"),
    }
    assert got["top5_ended"][_("Total")] == (H, "0")
    assert set(got["top5_ended"].values()) == {(H, "0"), ("0", "0")}
    assert got["sig"] == {
        _("Put on the priority list"): ("4", "0"),
        _("Offered"): ("3", "0"),
        _("Accepted"): (H, "0"),
        _("Taken into a cohort"): ("0", "0"),
    }
    assert list(got["sig_declined"].values()) == [("0", "0"), ("0", "0"), (H, "0"), ("0", "0"),
                                                  (H, "0")]  # fmt: skip
    assert got["youngsters"] == {
        _("Young people taken up"): (H, "0"),
        _("Concern talks held"): ("0", "0"),
    }
    assert list(got["youngsters_closed"].values())[0] == (H, "0")
    assert got["youngsters_closed"][_("Total")] == (H, "0")
