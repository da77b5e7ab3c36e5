"""Issue 12, "no double entry": the default protocol and follow-up templates never ask again what
the step asks itself. The hold-meeting step asks who took part, the chair, the minute-taker, the
goals and actions and the next follow-up; the follow-up step asks how each action went. Closing
the case at a meeting needs no next date."""

import re

import pytest
from django.test import Client
from viewflow.workflow import timers

from casework.workflow import steps
from forms.models import FormVersion, Submission
from sspf_flow.models import Case
from tests.builders import (
    case_in_progress,
    closing_meeting_post,
    hold_meeting_post,
    walk_to_meeting_planned,
)

# what the protocol and follow-up templates asked before issue 12, and the step asks itself
ASKED_BY_THE_MEETING_STEP = [
    "narvarande",
    "antecknare",
    "bild_skola",
    "bild_socialtjanst",
    "bild_polis",
    "bild_fritid",
    "ataganden",
    "nasta_uppfoljning",
]


def task_url(case, node):
    task = steps.open_task(case, node)
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def template_fields(page):
    """The keys of the template questions on a step's page, in order."""
    return re.findall(r'<div class="sspf-fill__field[^"]*" data-field="([^"]+)"', page)


@pytest.fixture
def as_coordinator(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def meeting_planned(refer, coordinator, consent_for, agencies):
    case, _meeting = walk_to_meeting_planned(
        refer, coordinator, consent_for, [agencies["skola"], agencies["socialtjanst"]]
    )
    return case


def test_the_meeting_page_asks_attendance_minute_taker_actions_and_next_date_once(
    meeting_planned, as_coordinator
):
    page = as_coordinator.get(task_url(meeting_planned, "hold_meeting")).content.decode()

    fields = template_fields(page)
    assert fields == [
        "bild_ungdom",
        "bild_vardnadshavare",
        "riskfaktorer",
        "skyddsfaktorer",
        "ovrigt",
    ]
    assert not set(fields) & set(ASKED_BY_THE_MEETING_STEP)
    # the step's own questions, each once on the page
    for label in ("Närvarande verksamheter", "Antecknare", "Ordförande", "Nästa uppföljning"):
        assert page.count(label) == 1, label
    assert 'name="action-TOTAL_FORMS"' in page  # the actions: the plan's, not the template's
    assert "Åtaganden per part" not in page and "tpl-ataganden" not in page
    assert "Skolans bild av läget" not in page
    assert "Protokoll: vad som sades och beslutades" in page


def test_the_follow_up_page_does_not_ask_the_actions_again(
    refer, coordinator, consent_for, agencies, as_coordinator
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    timers.fire_due_timers()

    page = as_coordinator.get(task_url(case, "follow_up")).content.decode()

    action = case.plans.get().actions.get()
    assert f'name="action_{action.pk}_status"' in page  # asked once, by the step
    assert template_fields(page) == [
        "ungdomens_syn",
        "vardnadshavares_syn",
        "samtycke_fortsatt",
        "samtycke_atgard",
    ]
    assert "Insatserna i planen" not in page and "tpl-insatser" not in page


def test_closing_at_a_meeting_needs_no_next_date(meeting_planned, agencies, as_coordinator):
    skola = agencies["skola"]
    data = closing_meeting_post(skola)
    assert "next_follow_up" not in data

    response = as_coordinator.post(task_url(meeting_planned, "hold_meeting"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(pk=meeting_planned.pk)
    assert case.status == "closed" and case.closure_reason == "moved"
    assert case.next_follow_up is None
    submission = Submission.objects.get(case=case, about="meeting")
    assert submission.version == FormVersion.objects.published_for(case.municipality, "protocol")
    assert submission.answers["riskfaktorer"] == "Frånvaro."
    assert "nasta_uppfoljning" not in submission.answers


def test_without_closing_the_meeting_still_books_the_next_follow_up(
    meeting_planned, agencies, as_coordinator
):
    """The next date is asked once, by the step, and still needed when the case goes on."""
    skola = agencies["skola"]
    data = hold_meeting_post([skola.pk], skola, next_follow_up=None)

    response = as_coordinator.post(task_url(meeting_planned, "hold_meeting"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Boka datum för nästa uppföljning eller besluta att avsluta ärendet." in page
    assert Case.objects.get(pk=meeting_planned.pk).status == "meeting_planned"
    assert not Submission.objects.exists()
