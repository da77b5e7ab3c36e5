"""Issue 12 (10): risk, need and receptivity (RBM, seed 004) are assessed when the referral is
accepted and again at each follow-up, kept as history; the municipality's target group (age
range, risk levels) is in its settings, and a referral outside it is flagged and accepted only
with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.pages.history import describe
from casework.workflow import steps, timers
from sspf_flow import guards, services
from sspf_flow.assessments import RBM
from sspf_flow.models import Assessment, CaseEvent
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    OUTCOMES_POST,
    RBM_POST,
    case_in_progress,
    template_answers,
    written_consent,
)
from tests.footprint import footprint
from tests.urlmap import task_url

JUDGED = RBM("high", "extensive", "adapt", ("school_absence", "crime"), "Skolan och gänget.")


def assess_url(client, case):
    """The assess step's page, the step taken by the logged-in coordinator."""
    task = steps.open_task(case, "assess")
    client.post(task_url(task, "assign"))
    return task_url(task, "execute")


def words(reason):
    return str(reason)


# The guards


@pytest.mark.parametrize(
    ("rbm", "field", "reason"),
    [
        (RBM("", "moderate", "good"), "risk_level", "Bedöm risknivån."),
        (RBM("medium", "", "good"), "need", "Bedöm behovet av stöd."),
        (RBM("medium", "moderate", "maybe"), "receptivity", "Bedöm mottagligheten."),
    ],
)
def test_each_of_risk_need_and_receptivity_must_be_judged(rbm, field, reason):
    refused = [r for r in guards.rbm_assessed(rbm) if r]
    assert [(r.field, words(r)) for r in refused] == [(field, reason)]


def test_a_complete_judgement_is_allowed():
    assert guards.rbm_assessed(RBM("low", "limited", "good")) == (None, None, None)


def test_a_referral_outside_the_age_range_needs_a_reason(refer):
    young = refer(age=11)

    reason = guards.target_group_explained(young, "medium", "  ")

    assert reason.field == "outside_target_group"
    assert words(reason) == (
        "Utanför målgruppen (11 år (målgruppen är 13–17 år)): ange varför SSPF ändå passar."
    )
    assert guards.target_group_explained(young, "medium", "Syskon i SSPF; tidig insats.") is None
    assert guards.target_group_explained(refer(age=14), "medium", "") is None


def test_a_risk_level_the_municipality_does_not_take_on_needs_a_reason(case, municipality):
    municipality.target_risk_levels = ["medium", "high"]
    municipality.save()
    case.refresh_from_db()

    assert [words(w) for w in guards.outside_target_group(case, "low")] == [
        "risknivå låg (målgruppen: medel, hög)"
    ]
    assert guards.target_group_explained(case, "low", "") is not None
    assert guards.target_group_explained(case, "high", "") is None


# The services


def test_accepting_records_the_assessment_and_the_latest_risk(case, coordinator):
    services.accept_referral(case, coordinator, rbm=JUDGED)

    (assessment,) = Assessment.objects.filter(case=case)
    assert (assessment.occasion, assessment.risk_level, assessment.need) == (
        "acceptance",
        "high",
        "extensive",
    )
    assert (assessment.receptivity, assessment.need_areas) == ("adapt", ["school_absence", "crime"])
    assert assessment.assessed_by == coordinator and assessment.outside_target_group == ""
    case.refresh_from_db()
    assert case.risk_level == "high" and case.status == "awaiting_consent"
    event = CaseEvent.objects.get(case=case, action="case.accepted")
    assert event.data == {"risk_level": "high", "outside_target_group": False}


def test_an_incomplete_assessment_is_refused_and_writes_nothing(case, coordinator):
    before = footprint(case)

    with pytest.raises(TransitionRefused) as refused:
        services.accept_referral(case, coordinator, rbm=RBM("high", "", ""))

    assert refused.value.reasons == ["Bedöm behovet av stöd.", "Bedöm mottagligheten."]
    assert footprint(case) == before and not Assessment.objects.exists()


def test_outside_the_target_group_without_a_reason_is_refused_and_writes_nothing(
    refer, coordinator
):
    case = refer(age=19)
    before = footprint(case)

    with pytest.raises(TransitionRefused) as refused:
        services.accept_referral(case, coordinator, rbm=JUDGED)

    assert "ange varför SSPF ändå passar" in refused.value.reasons[0]
    assert footprint(case) == before and not Assessment.objects.exists()


def test_outside_the_target_group_with_a_reason_is_accepted_and_the_reason_kept(refer, coordinator):
    case = refer(age=12)

    services.accept_referral(case, coordinator, rbm=JUDGED, why_outside="Fyller 13 i maj.")

    assert Assessment.objects.get(case=case).outside_target_group == "Fyller 13 i maj."
    event = CaseEvent.objects.get(case=case, action="case.accepted")
    assert describe(event) == (
        "Aktualiseringen mottagen; samtycke ska inhämtas (utanför målgruppen, med motivering)"
    )


def test_a_reason_given_inside_the_target_group_is_not_kept(case, coordinator):
    services.accept_referral(case, coordinator, rbm=JUDGED, why_outside="Onödig text.")
    assert Assessment.objects.get(case=case).outside_target_group == ""


@pytest.fixture
def in_progress(refer, coordinator, consent_for, agencies):
    return case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)


def follow_up(case, coordinator, rbm):
    plan = case.current_plan()
    return services.record_follow_up(
        case,
        coordinator,
        day=timezone.localdate(),
        notes="",
        items=[(a, "ongoing", "") for a in plan.actions.all()],
        goal_assessments={},
        decision="continue",
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
        rbm=rbm,
    )


def test_each_follow_up_records_a_reassessment_and_the_case_keeps_the_latest_risk(
    in_progress, coordinator
):
    first = follow_up(in_progress, coordinator, RBM("medium", "moderate", "good"))
    second = follow_up(in_progress, coordinator, RBM("low", "limited", "good"))

    rows = list(Assessment.objects.filter(case=in_progress).order_by("at", "pk"))
    assert [(a.occasion, a.follow_up, a.risk_level) for a in rows] == [
        ("acceptance", None, "medium"),  # every acceptance is assessed
        ("follow_up", first, "medium"),
        ("follow_up", second, "low"),
    ]
    in_progress.refresh_from_db()
    assert in_progress.risk_level == "low"


def test_a_follow_up_with_an_incomplete_reassessment_writes_nothing(in_progress, coordinator):
    before = footprint(in_progress)

    with pytest.raises(TransitionRefused) as refused:
        follow_up(in_progress, coordinator, RBM("", "moderate", "good"))

    assert refused.value.reasons == ["Bedöm risknivån."]
    assert footprint(in_progress) == before
    assert not Assessment.objects.filter(occasion="follow_up").exists()


# The step pages


def test_the_assess_page_flags_a_referral_outside_the_target_group(client, refer, coordinator):
    case = refer(age=11)
    client.force_login(coordinator)

    url = assess_url(client, case)
    page = client.get(url).content.decode()

    assert "Utanför målgruppen" in page and "11 år (målgruppen är 13–17 år)" in page
    assert "Utanför målgruppen: varför SSPF ändå passar" in page  # the field for the reason
    response = client.post(url, {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    assert response.status_code == 200
    assert "ange varför SSPF ändå passar" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_assess_page_asks_no_reason_inside_the_target_group(client, case, coordinator):
    client.force_login(coordinator)
    page = client.get(assess_url(client, case)).content.decode()
    assert "Utanför målgruppen" not in page
    assert "Risk, behov och mottaglighet" in page and "Behov av stöd" in page


def test_accepting_on_the_page_without_need_and_receptivity_shows_the_reasons_at_the_fields(
    client, case, coordinator
):
    client.force_login(coordinator)
    url = assess_url(client, case)

    response = client.post(url, {"decision": "accept", "risk_level": "high"})

    form = response.context["form"]
    assert form.errors["need"] == ["Bedöm behovet av stöd."]
    assert form.errors["receptivity"] == ["Bedöm mottagligheten."]
    assert "risk_level" not in form.errors
    assert not Assessment.objects.exists()


def test_declining_asks_no_assessment(client, case, coordinator):
    client.force_login(coordinator)
    data = {"decision": "decline", "closure_reason": "outside_target_group"}
    response = client.post(assess_url(client, case), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and not Assessment.objects.exists()


def test_accepting_on_the_page_records_the_assessment(client, refer, coordinator):
    case = refer(age=11)
    client.force_login(coordinator)
    data = {
        **RBM_POST,
        **OUTCOMES_POST,
        "decision": "accept",
        "need_areas": ["school_absence"],
        "need_text": "Närvaron.",
        "outside_target_group": "Storebror i SSPF; skolan ser tidiga tecken.",
    }

    response = client.post(assess_url(client, case), data)

    assert response.status_code == 302
    (assessment,) = Assessment.objects.filter(case=case)
    assert assessment.need_areas == ["school_absence"] and assessment.need_text == "Närvaron."
    assert assessment.outside_target_group.startswith("Storebror")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Antaget utanför målgruppen" in page and "Storebror i SSPF" in page
    assert "11 år (målgruppen är 13–17 år)" in page  # flagged in the summary


def test_the_follow_up_shows_the_previous_assessment_and_starts_from_it(
    client, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, 1, rbm=JUDGED)
    timers.fire_due_timers()
    url = task_url(steps.open_task(case, "follow_up"), "execute")
    client.force_login(coordinator)

    response = client.get(url)

    page = response.content.decode()
    assert "Den senaste bedömningen" in page and "när ärendet togs emot" in page
    assert "risk hög · behov omfattande · mottaglighet delvis" in page
    form = response.context["form"]
    assert [form[name].initial for name in ("risk_level", "need", "receptivity")] == [
        "high",
        "extensive",
        "adapt",
    ]
    plan = case.current_plan()
    data = {f"action_{a.pk}_status": "ongoing" for a in plan.actions.all()}
    data |= {f"goal_{g.pk}": "ongoing" for g in plan.goals.all()}
    data |= {"decision": "continue", "next_follow_up": "2099-01-01", "need": "moderate"}
    data |= template_answers("follow_up") | OUTCOMES_POST
    response = client.post(url, {**data, "risk_level": ""})
    assert response.context["form"].errors["risk_level"] == ["Bedöm risknivån."]

    response = client.post(url, {**data, "risk_level": "medium", "receptivity": "good"})
    assert response.status_code == 302

    latest = Assessment.objects.filter(case=case).order_by("-at", "-pk").first()
    assert (latest.occasion, latest.risk_level, latest.need) == ("follow_up", "medium", "moderate")
    assert latest.follow_up == case.follow_ups.get()


# Who sees the assessments


@pytest.mark.parametrize(
    ("categories", "sees"),
    [(["social_services"], True), (["police", "school"], False)],
    ids=["social-services-covered", "police-and-school-only"],
)
def test_an_agency_sees_the_assessments_only_when_its_consent_covers_social_services(
    client, refer, coordinator, agencies, users, categories, sees
):
    case = refer()
    services.accept_referral(case, coordinator, rbm=JUDGED)
    case.refresh_from_db()
    written_consent(case, coordinator, [agencies["polis"]], categories=categories)
    client.force_login(users["polis"])

    page = client.get(case.get_absolute_url()).content.decode()

    assert case.number in page
    assert ("Risk, behov och mottaglighet" in page) is sees
    assert ("Skolan och gänget." in page) is sees
    assert ("Risknivå" in page) is sees


def test_the_coordinator_sees_the_assessments_over_time(client, in_progress, coordinator):
    follow_up(in_progress, coordinator, RBM("low", "limited", "good", comment="Bättre nu."))
    client.force_login(coordinator)

    page = client.get(in_progress.get_absolute_url()).content.decode()

    assert "Risk, behov och mottaglighet" in page and "Vid uppföljning" in page
    assert "Bättre nu." in page and "Begränsat" in page


# The target group in the municipality's settings (the IT operator's admin)


def admin_form(municipality, **changes):
    return {
        "name": municipality.name,
        "code": municipality.code,
        "consent_age_alone": 18,
        "consent_age_with_guardians": 15,
        "reminder_days": 3,
        "escalate_to_coordinator_days": 3,
        "escalate_to_manager_days": 10,
        "consent_expiry_notice_days": 14,
        "assess_within_days": 7,
        "consent_pending_days": 14,
        "plan_within_days": 14,
        "target_age_min": 12,
        "target_age_max": 17,
        "target_risk_levels": ["medium", "high"],
        "statistics_threshold": 3,
        **changes,
    }


def test_the_target_group_is_set_in_the_admin(client, admin_user, municipality):
    client.force_login(admin_user)
    url = f"/admin/sspf_flow/municipality/{municipality.pk}/change/"
    page = client.get(url).content.decode()
    assert "Målgrupp" in page and "Lägsta ålder i målgruppen" in page

    response = client.post(url, admin_form(municipality))

    assert response.status_code == 302
    municipality.refresh_from_db()
    assert (municipality.target_age_min, municipality.target_age_max) == (12, 17)
    assert municipality.target_risk_levels == ["medium", "high"]


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"target_age_min": 16, "target_age_max": 13},
            "target_age_max",
            "Den högsta åldern måste vara minst den lägsta åldern (16).",
        ),
        ({"target_risk_levels": []}, "target_risk_levels", "Välj minst en av risknivåerna."),
    ],
    ids=["youngest-above-oldest", "no-risk-level"],
)
def test_a_target_group_that_cannot_be_is_refused_next_to_its_field(
    client, admin_user, municipality, changes, field, error
):
    client.force_login(admin_user)
    url = f"/admin/sspf_flow/municipality/{municipality.pk}/change/"

    response = client.post(url, admin_form(municipality, **changes))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [error]
    municipality.refresh_from_db()
    assert (municipality.target_age_min, municipality.target_age_max) == (13, 17)
