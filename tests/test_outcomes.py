"""The outcome indicators (issue 14, item 3): recorded at acceptance, at each follow-up and at
closure through the steps' pages, in the step's transaction; each form starts from the latest
reading; the case page shows them over time to whoever's information categories cover them."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.workflow import steps
from sspf_flow import categories, outcomes, services
from sspf_flow.models import AccessLog, Case, CaseEvent, Consent, OutcomeReading, Status
from sspf_flow.models.outcome import INDICATORS, OutcomePoint, rank
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    OUTCOMES_POST,
    RBM_POST,
    accept_step,
    assessed,
    case_in_progress,
    consent_post,
    hold_meeting_post,
    template_answers,
    walk_to_meeting_planned,
)
from tests.footprint import FROZEN, TODAY, footprint
from tests.urlmap import do_task, fire_due_timers, hold_post, plan_post, task_url

CHOOSE = "Välj hur det ser ut nu; ”Inte känt” går att välja."
BETTER = {
    "school_attendance": "full",
    "goal_fulfilment": "partly",
    "crime": "none",
    "substance_use": "none",
    "leisure": "yes",
}


def readings(case):
    return list(
        OutcomeReading.objects.filter(case=case)
        .order_by("recorded_on", "pk")
        .values("point", "recorded_on", *INDICATORS)
    )


def assess_url(client, case):
    task = steps.open_task(case, "assess")
    client.post(task_url(task, "assign"))
    return task_url(task, "execute")


def follow_up_post(case, decision="continue", **changes):
    plan = case.current_plan()
    data = {f"action_{a.pk}_status": "ongoing" for a in plan.actions.all()}
    data |= {f"goal_{g.pk}": "ongoing" for g in plan.goals.all()}
    data |= {**RBM_POST, "decision": decision, **template_answers("follow_up")}
    return {**data, **changes}


# --- a walk through the pages --------------------------------------------------------------


def test_acceptance_a_follow_up_and_closure_each_leave_their_reading(
    client, refer, coordinator, agencies
):
    scope = [agencies["skola"].pk, agencies["socialtjanst"].pk]
    with time_machine.travel(FROZEN, tick=False) as clock:
        case = refer()
        client.force_login(coordinator)
        do_task(client, case, "assess", {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
        do_task(client, case, "obtain_consent", consent_post(case, scope))
        do_task(client, case, "plan_meeting", plan_post(scope))
        do_task(client, case, "hold_meeting", hold_post(scope, agencies["skola"]))
        clock.move_to(FROZEN + dt.timedelta(days=40))
        client.force_login(coordinator)  # the session has expired meanwhile
        later = str(TODAY + dt.timedelta(days=80))
        changed = {**OUTCOMES_POST, "leisure": "yes"}
        do_task(client, case, "follow_up", follow_up_post(case, next_follow_up=later, **changed))
        clock.move_to(FROZEN + dt.timedelta(days=50))
        client.force_login(coordinator)
        response = client.post(f"/sspf/{case.number}/close/", {"closure_reason": "moved", **BETTER})
        assert response.status_code == 302, response.context["form"].errors

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert readings(case) == [
        {"point": "start", "recorded_on": TODAY, **OUTCOMES_POST},
        {"point": "follow_up", "recorded_on": TODAY + dt.timedelta(days=40), **changed},
        {"point": "closure", "recorded_on": TODAY + dt.timedelta(days=50), **BETTER},
    ]
    recorded = case.events.filter(action="outcomes.recorded").values_list("data", flat=True)
    assert [data["point"] for data in recorded] == ["start", "follow_up", "closure"]


def test_a_follow_up_that_closes_the_case_takes_the_closure_reading(
    client, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    fire_due_timers()
    client.force_login(coordinator)
    data = follow_up_post(case, "close", closure_reason="goals_met", **BETTER)
    data |= {key: "met" for key in data if key.startswith("goal_") and key[5:].isdigit()}
    do_task(client, case, "follow_up", data)
    assert [(r["point"], r["crime"]) for r in readings(case)] == [("closure", "none")]


def test_a_meeting_that_closes_the_case_takes_the_closure_reading(
    client, refer, coordinator, consent_for, agencies
):
    skola = agencies["skola"]
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [skola])
    client.force_login(coordinator)
    data = hold_meeting_post([skola.pk], skola, next_follow_up=None, close_case="on")
    data |= {"closure_reason": "moved"}
    task = steps.open_task(case, "hold_meeting")
    client.post(task_url(task, "assign"))

    response = client.post(task_url(task, "execute"), data)  # without the indicators
    assert response.status_code == 200
    assert response.context["form"].errors["leisure"] == [CHOOSE]
    assert Case.objects.get(pk=case.pk).status == Status.MEETING_PLANNED

    response = client.post(task_url(task, "execute"), {**data, **BETTER})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert [(r["point"], r["leisure"]) for r in readings(case)] == [("closure", "yes")]


def test_closing_at_the_consent_step_takes_the_closure_reading(client, refer, coordinator):
    case = refer()
    accept_step(case, coordinator)
    client.force_login(coordinator)
    data = {"decision": "close", "closure_reason": "consent_not_given", **OUTCOMES_POST}
    do_task(client, case, "obtain_consent", data)
    assert case.status == Status.CLOSED
    assert [r["point"] for r in readings(case)] == ["closure"]


def test_a_declined_referral_has_no_reading_and_is_not_asked_for_one(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    form = client.get(f"/sspf/{case.number}/close/").context["form"]
    assert not set(INDICATORS) & set(form.fields)
    response = client.post(f"/sspf/{case.number}/close/", {"closure_reason": "moved"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED and readings(case) == []

    declined = refer()
    url = assess_url(client, declined)
    response = client.post(url, {"decision": "decline", "closure_reason": "moved"})
    assert response.status_code == 302 and readings(declined) == []


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "maybe"])
def test_a_missing_or_unknown_indicator_refuses_the_acceptance_and_keeps_what_was_typed(
    client, refer, coordinator, bad
):
    case = refer()
    client.force_login(coordinator)
    url = assess_url(client, case)
    before = footprint(case)
    typed = {**RBM_POST, **OUTCOMES_POST, "crime": bad, "decision": "accept"}

    response = client.post(url, {**typed, "need_text": "Skolan och kamraterna."})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["crime"]
    if bad:  # not on the scale: the field's own Swedish error
        assert "Välj ett giltigt alternativ" in form.errors["crime"][0]
    else:
        assert form.errors["crime"] == [CHOOSE]
        assert CHOOSE in response.content.decode()
    assert form["school_attendance"].value() == "low" and form["leisure"].value() == "no"
    assert form["need_text"].value() == "Skolan och kamraterna."
    assert footprint(case) == before and readings(case) == []
    assert Case.objects.get(pk=case.pk).status == Status.REFERRED


def test_a_follow_up_without_its_indicators_is_refused_with_the_reason_at_each(
    client, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    fire_due_timers()
    do_task_url = task_url(steps.open_task(case, "follow_up"), "execute")
    client.force_login(coordinator)
    client.post(task_url(steps.open_task(case, "follow_up"), "assign"))
    data = follow_up_post(case, next_follow_up=str(TODAY + dt.timedelta(days=400)))

    response = client.post(do_task_url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {name: errors[name] for name in INDICATORS} == dict.fromkeys(INDICATORS, [CHOOSE])
    assert case.follow_ups.count() == 0 and readings(case) == []


def test_a_reading_the_door_refuses_undoes_the_step(refer, coordinator):
    """The door checks again: a bad reading given with the step refuses the whole step."""
    case = refer()
    before = footprint(case)

    def accept_with_a_bad_reading():
        services.accept_referral(case, coordinator, assessed())
        outcomes.record_reading(case, coordinator, OutcomePoint.START, {"crime": "maybe"})

    with pytest.raises(TransitionRefused) as refused:
        steps.complete(case, "assess", coordinator, accept_with_a_bad_reading)

    assert sorted(reason.field for reason in refused.value.reasons) == sorted(INDICATORS)
    assert footprint(Case.objects.get(pk=case.pk)) == before
    assert readings(case) == [] and steps.open_task(case, "assess") is not None


def test_a_refused_step_writes_no_reading(client, refer, coordinator, monkeypatch):
    case = refer()
    client.force_login(coordinator)
    url = assess_url(client, case)

    def refuse(*args, **kwargs):
        raise TransitionRefused(["Nej."])

    monkeypatch.setattr(services, "accept_referral", refuse)
    response = client.post(url, {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    assert response.status_code == 200 and "Nej." in response.content.decode()
    assert readings(case) == [] and not CaseEvent.objects.filter(action="outcomes.recorded")


def test_a_reading_fits_only_its_point_of_the_case(refer, coordinator):
    case = refer()
    with pytest.raises(TransitionRefused):  # not accepted yet: no start reading
        outcomes.record_reading(case, coordinator, OutcomePoint.START, OUTCOMES_POST)
    services.decline_referral(case, coordinator, "moved")
    with pytest.raises(TransitionRefused):  # declined: no closure reading either
        outcomes.record_reading(case, coordinator, OutcomePoint.CLOSURE, OUTCOMES_POST)
    assert readings(case) == []


# --- no double entry -----------------------------------------------------------------------


def test_each_form_starts_from_the_latest_reading(
    client, refer, coordinator, consent_for, agencies
):
    case = refer()
    client.force_login(coordinator)
    form = client.get(assess_url(client, case)).context["form"]
    assert {name: form[name].initial for name in INDICATORS} == dict.fromkeys(INDICATORS)
    client.post(assess_url(client, case), {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    case.refresh_from_db()

    form = client.get(task_url(steps.open_task(case, "obtain_consent"), "execute")).context["form"]
    assert {name: form[name].initial for name in INDICATORS} == OUTCOMES_POST

    scope = [agencies["skola"], agencies["socialtjanst"]]
    steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))
    form = client.get(f"/sspf/{case.number}/close/").context["form"]
    assert {name: form[name].initial for name in INDICATORS} == OUTCOMES_POST

    later = OutcomeReading.objects.get(case=case)
    later.pk, later.leisure = None, "yes"
    later.save()
    form = client.get(f"/sspf/{case.number}/close/").context["form"]
    assert form["leisure"].initial == "yes" and form["crime"].initial == "unknown"


# --- who sees them -------------------------------------------------------------------------


@pytest.fixture
def followed(refer, coordinator, consent_for, agencies):
    """Accepted (start reading) and consented for the school and the police, every category."""
    case = refer()
    steps.complete(
        case,
        "assess",
        coordinator,
        lambda: (
            services.accept_referral(case, coordinator, assessed()),
            outcomes.record_reading(case, coordinator, OutcomePoint.START, OUTCOMES_POST),
        ),
    )
    scope = [agencies["skola"], agencies["polis"]]
    steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))
    return case


def outcome_section(client, user, case):
    client.force_login(user)
    response = client.get(f"/sspf/{case.number}/")
    assert response.status_code == 200
    page = response.content.decode()
    if 'data-testid="outcomes"' not in page:
        return None
    return page.split('data-testid="outcomes"')[1].split("</section>")[0]


def test_the_coordinator_sees_every_indicator_over_time(client, followed, coordinator):
    logged = AccessLog.objects.count()
    section = outcome_section(client, coordinator, followed)
    assert AccessLog.objects.count() == logged + 1  # the page's read is logged
    for shown in ("Skolnärvaro", "Måluppfyllelse i skolan", "Brottslighet", "Alkohol och droger"):
        assert shown in section
    row = section.split("<tbody>")[1]
    assert row.index(timezone.localdate(followed.accepted_at).isoformat()) < row.index("Vid start")
    for value in ("Omfattande frånvaro", "Når skolans mål delvis", "Inte känt"):
        assert value in section
    assert "Visst bruk eller experimenterande" in section
    assert "Ingen meningsfull fritidsaktivitet" in section


def test_a_covered_agency_sees_the_indicators_of_its_categories_only(client, followed, users):
    Consent.objects.filter(case=followed).update(categories=["school"])
    section = outcome_section(client, users["polis"], followed)
    assert "Skolnärvaro" in section and "Omfattande frånvaro" in section
    assert "Når skolans mål delvis" in section
    for hidden in ("Brott", "Alkohol och droger", "Visst bruk", "Fritid", "Ingen meningsfull"):
        assert hidden not in section
    assert "övriga indikatorer visas inte" in section


def test_an_agency_whose_categories_cover_no_indicator_sees_no_table(client, followed, users):
    Consent.objects.filter(case=followed).update(categories=["social_services"])
    assert outcome_section(client, users["skola"], followed) is None


def test_an_agency_not_covered_reads_nothing_of_them(client, followed, users):
    client.force_login(users["fritid"])
    response = client.get(f"/sspf/{followed.number}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Omfattande frånvaro" not in page and "Utfallsindikatorer" not in page


def test_every_indicator_has_an_information_category():
    assert set(categories.INDICATOR_CATEGORY) == set(INDICATORS)
    sight = categories.Sight(categories=frozenset({"police"}), coordinates=False, agency_id=1)
    assert sight.indicators() == ["crime"]


def test_the_case_page_reads_one_or_three_readings_in_the_same_queries(
    client, followed, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    url = f"/sspf/{followed.number}/"
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for values in (OUTCOMES_POST, BETTER):
        reading = OutcomeReading.objects.filter(case=followed).first()
        reading.pk, reading.point = None, OutcomePoint.FOLLOW_UP
        for name, value in values.items():
            setattr(reading, name, value)
        reading.save()
    assert OutcomeReading.objects.filter(case=followed).count() == 3
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Vid uppföljning") >= 2


# --- the demo ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_shows_readings_and_a_change_at_closure(settings):
    settings.SSPF_DEMO = True
    call_command("load_demo", verbosity=0)
    for case in Case.objects.filter(accepted_at__isnull=False):
        assert case.outcomes.filter(point="start").count() == 1, case.youth.first_name
    assert not Case.objects.filter(accepted_at__isnull=True, outcomes__isnull=False).exists()
    vera = Case.objects.get(youth__first_name="Vera")
    assert [r.point for r in vera.outcomes.order_by("pk")] == ["start", "follow_up", "closure"]
    start, closure = vera.outcomes.get(point="start"), vera.outcomes.get(point="closure")
    better = [n for n in INDICATORS if outcome_rank(closure, n) > outcome_rank(start, n)]
    same = [n for n in INDICATORS if getattr(closure, n) == getattr(start, n)]
    assert better and same
    leo = Case.objects.get(youth__first_name="Leo")
    assert leo.status == Status.CLOSED
    (leo_start,) = leo.outcomes.filter(point="start")
    (leo_end,) = leo.outcomes.filter(point="closure")
    assert all(getattr(leo_start, n) == getattr(leo_end, n) for n in INDICATORS)


def outcome_rank(reading, name):
    return rank(name, getattr(reading, name))
