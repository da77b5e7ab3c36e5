"""The whole process driven through the test client by the right role users: a referral from the
school travels to closure, and each task appears in the right queue or inbox on the way."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation
from viewflow.workflow import timers

from casework.workflow.flows import CaseFlow
from casework.workflow.steps import open_task
from sspf_flow.models import Case, CaseTask, Status
from tests.builders import (
    OUTCOMES_POST,
    RBM_POST,
    consent_post,
    hold_meeting_post,
    referral_post,
    template_answers,
)


def url(task, view="execute"):
    return task.flow_task.reverse(view, args=[task.process_id, task.pk])


@pytest.fixture
def today():
    return timezone.localdate()


def test_referral_travels_to_closure(client, users, agencies, today):
    school, coordinator = users["skola"], users["samordnare"]

    client.force_login(school)
    response = client.post(CaseFlow.start.reverse("execute"), referral_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.status == "referred" and case.referred_by == school
    assert client.get(response.url).status_code == 200  # the referrer's status list

    client.force_login(coordinator)
    assess = open_task(case, "assess")
    queue = client.get(CaseFlow.instance.reverse("queue"))
    assert case.number.encode() in queue.content or str(assess.pk).encode() in queue.content
    client.post(url(assess, "assign"))
    inbox = client.get(CaseFlow.instance.reverse("inbox"))
    assert f"/{assess.pk}/".encode() in inbox.content
    response = client.post(url(assess), {**RBM_POST, **OUTCOMES_POST, "decision": "accept"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "awaiting_consent" and case.coordinator == coordinator

    consent = open_task(case, "obtain_consent")
    assert consent.owner == coordinator  # routed to the case's coordinator's inbox
    scope = [agencies[k].pk for k in ("skola", "socialtjanst", "polis", "fritid")]
    response = client.post(
        url(consent), consent_post(case, scope, youth_view="Lou vill vara med på mötet.")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "consented"

    plan = open_task(case, "plan_meeting")
    starts = timezone.localtime() + dt.timedelta(days=7)
    response = client.post(
        url(plan),
        {
            "kind": "network",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "place": "Centralskolan, rum 12",
            "agencies": scope,
            "invite_youth": "on",
            "invite_guardians": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "meeting_planned"

    hold = open_task(case, "hold_meeting")
    response = client.post(
        url(hold), hold_meeting_post(scope, agencies["skola"], follow_up_days=42)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert case.next_follow_up == today + dt.timedelta(days=42)

    assert not CaseTask.objects.filter(flow_task=CaseFlow.follow_up).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=35), tick=False):
        assert timers.fire_due_timers() == 1  # the follow-up opens 7 days before its date
        assert timers.fire_due_timers() == 0  # and only once
        follow = open_task(case, "follow_up")
        assert follow.owner == coordinator
    action = case.plans.get().actions.get()
    goal = case.plans.get().goals.get()
    response = client.post(
        url(follow),
        {
            f"action_{action.pk}_status": "done",
            f"action_{action.pk}_comment": "Fungerade.",
            f"goal_{goal.pk}": "met",
            **RBM_POST,
            **OUTCOMES_POST,
            "notes": "Närvaron är nu 93 %.",
            "decision": "close",
            "closure_reason": "goals_met",
            **template_answers("follow_up"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_reason == "goals_met"
    page = client.get(f"/sspf/{case.number}/").content.decode()
    with translation.override("sv"):
        assert f'data-testid="case-status">{Status.CLOSED.label}<' in page
