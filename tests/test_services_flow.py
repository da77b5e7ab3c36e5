"""The flow follows the case's legal state: gateways route on Case.status, the follow-up loop
waits on a DB timer, closing and reopening on the case page end and restart the process."""

import datetime as dt

import time_machine
from django.utils import timezone
from viewflow.workflow import timers
from viewflow.workflow.status import PROCESS

from casework.workflow import steps
from sspf_flow import services
from sspf_flow.models import Status
from sspf_flow.models.process import processes_of
from tests.builders import case_in_progress, follow_up_calling_a_meeting


def test_declined_referral_ends_the_process(refer, coordinator):
    case = refer()
    steps.complete(
        case,
        "assess",
        coordinator,
        lambda: services.decline_referral(case, coordinator, "outside_target_group"),
    )
    assert case.status == Status.CLOSED
    assert processes_of(case).get().status == PROCESS.DONE


def test_follow_up_opens_lead_days_before_its_date(
    refer, coordinator, consent_for, agencies, settings
):
    settings.FOLLOW_UP_LEAD_DAYS = 7
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=42)
    with time_machine.travel(timezone.now() + dt.timedelta(days=34), tick=False):
        assert timers.fire_due_timers() == 0
        assert steps.open_task(case, "follow_up") is None
    with time_machine.travel(timezone.now() + dt.timedelta(days=35, hours=1), tick=False):
        assert timers.fire_due_timers() == 1
        assert steps.open_task(case, "follow_up") is not None


def test_follow_up_can_call_a_new_meeting(refer, coordinator, consent_for, agencies):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=3)
    timers.fire_due_timers()

    follow_up_calling_a_meeting(case, coordinator)
    assert steps.open_task(case, "plan_meeting") is not None
    assert case.status == Status.IN_PROGRESS


def test_closing_on_the_case_page_cancels_open_tasks(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    response = client.post(f"/sspf/{case.number}/close/", {"closure_reason": "moved"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert steps.open_task(case, "assess") is None
    assert processes_of(case).get().status == PROCESS.CANCELED


def test_close_without_reason_is_refused_on_the_page(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    response = client.post(f"/sspf/{case.number}/close/", {"closure_reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["closure_reason"]
    case.refresh_from_db()
    assert case.status == Status.REFERRED


def test_reopening_starts_a_new_assessment(client, refer, coordinator):
    case = refer()
    services.close_case(case, coordinator, "moved")
    client.force_login(coordinator)
    response = client.post(f"/sspf/{case.number}/reopen/", {"reason": "Familjen flyttade hem."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REFERRED
    assert processes_of(case).count() == 2
    assert steps.open_task(case, "assess") is not None


def test_an_anonymous_visitor_is_sent_to_log_in(client, refer):
    refer()
    response = client.get("/case/start/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/case/start/")


def test_withdrawing_all_consent_opens_a_new_consent_task(
    refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies)
    first_process = processes_of(case).get()
    steps.withdraw_consent(case, coordinator, case.consents.get(), reason="Vårdnadshavaren ångrar")
    assert case.status == Status.AWAITING_CONSENT
    first_process.refresh_from_db()
    assert first_process.status == PROCESS.CANCELED  # the waiting follow-up is gone
    task = steps.open_task(case, "obtain_consent")
    assert task.owner == coordinator


def test_withdrawing_consent_for_one_agency_keeps_the_process(
    refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies)
    steps.withdraw_consent(case, coordinator, case.consents.get(), agency=agencies["skola"])
    assert case.status == Status.IN_PROGRESS
    assert processes_of(case).get().status != PROCESS.CANCELED
    assert steps.open_task(case, "obtain_consent") is None


def test_consent_withdrawn_can_close_from_the_new_task(refer, coordinator, consent_for, agencies):
    case = case_in_progress(refer, coordinator, consent_for, agencies)
    steps.withdraw_consent(case, coordinator, case.consents.get())
    steps.complete(
        case,
        "obtain_consent",
        coordinator,
        lambda: services.close_case(case, coordinator, "consent_withdrawn"),
    )
    assert case.status == Status.CLOSED and case.closure_reason == "consent_withdrawn"
    assert all(p.status in (PROCESS.DONE, PROCESS.CANCELED) for p in processes_of(case))
