"""Issue 12 (11): absence — a case changes coordinator with a reason, from its page; every open
case of one coordinator goes to a colleague at once. The open steps follow to the new
coordinator's inbox, the steps to come are assigned to them by the flow, the history keeps the
reason, and the new coordinator is told (the case number only)."""

import pytest
from viewflow.workflow.status import STATUS

from casework.workflow import steps, timers
from notifications.models import Outbox
from sspf_flow import handover, services
from sspf_flow.models import CaseEvent, CaseTask, Role
from sspf_flow.models.process import processes_of
from sspf_flow.refusals import TransitionRefused
from tests.builders import assessed, make_user, meeting_record, walk_to_meeting_planned
from tests.footprint import footprint


@pytest.fixture
def colleague(agencies):
    bo = make_user("bo", Role.COORDINATOR, agencies["socialtjanst"])
    bo.email = "bo@exempel.invalid"
    bo.save()
    return bo


@pytest.fixture
def planned(refer, coordinator, consent_for, scope):
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    return case


def open_steps(case):
    return CaseTask.objects.filter(
        process__in=processes_of(case), status__in=[STATUS.ASSIGNED, STATUS.STARTED]
    )


def test_a_case_changes_coordinator_from_its_page_and_its_open_step_follows(
    client, coordinator, colleague, planned
):
    assert {task.owner for task in open_steps(planned)} == {coordinator}
    client.force_login(coordinator)
    page = client.get(planned.get_absolute_url()).content.decode()
    assert f'href="/sspf/{planned.number}/coordinator/"' in page

    response = client.post(
        f"/sspf/{planned.number}/coordinator/",
        {"coordinator": colleague.pk, "reason": "Anja är föräldraledig från måndag."},
    )

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.coordinator == colleague
    assert {task.owner for task in open_steps(planned)} == {colleague}
    event = CaseEvent.objects.get(case=planned, action="coordinator.changed")
    assert event.data["reason"] == "Anja är föräldraledig från måndag."
    (row,) = Outbox.objects.filter(kind="coordinator_changed")
    assert row.to == colleague.email and planned.number in row.subject
    assert "Lou" not in row.body_text and "föräldraledig" not in row.body_text
    client.force_login(colleague)  # the step is in her inbox now
    assert planned.number in client.get("/case/inbox/").content.decode()


def test_the_next_step_goes_to_the_new_coordinator(coordinator, colleague, planned, agencies):
    handover.change_coordinator(planned, coordinator, colleague, "Ny arbetsfördelning.")
    planned.refresh_from_db()
    meeting = planned.meetings.get()
    steps.complete(
        planned,
        "hold_meeting",
        colleague,
        lambda: services.hold_meeting(
            planned, colleague, meeting, **meeting_record([agencies["skola"]], 1)
        ),
    )
    timers.fire_due_timers()  # the follow-up (booked for tomorrow) opens
    (follow_up,) = open_steps(planned)
    assert follow_up.flow_task.name == "follow_up" and follow_up.owner == colleague


@pytest.mark.parametrize(
    ("who", "reason", "words"),
    [
        ("same", "Frånvaro.", "Välj en annan koordinator."),
        ("colleague", "  ", "Skriv varför ärendet byter koordinator."),
        ("school", "Frånvaro.", "Bara en aktiv koordinator i kommunen kan ta över det."),
    ],
)
def test_a_change_with_a_problem_is_refused_and_writes_nothing(
    coordinator, colleague, users, planned, who, reason, words
):
    new = {"same": coordinator, "colleague": colleague, "school": users["skola"]}[who]
    before = footprint(planned)
    with pytest.raises(TransitionRefused) as refused:
        handover.change_coordinator(planned, coordinator, new, reason)
    assert words in str(refused.value.reasons[0])
    assert footprint(planned) == before
    assert {task.owner for task in open_steps(planned)} == {coordinator}


@pytest.mark.parametrize(("who", "status"), [("skola", 403), ("polis", 404)])
def test_only_coordinators_change_a_case_s_coordinator(client, users, planned, who, status):
    client.force_login(users[who])
    assert client.get(f"/sspf/{planned.number}/coordinator/").status_code == status


def test_every_open_case_of_an_absent_coordinator_goes_to_a_colleague(
    client, coordinator, colleague, planned, refer, users
):
    other = refer()
    steps.complete(
        other,
        "assess",
        coordinator,
        lambda: services.accept_referral(other, coordinator, assessed()),
    )
    client.force_login(colleague)  # a colleague hands Anja's cases over while she is away
    assert "Lämna över en koordinators ärenden" in client.get("/sspf/dashboard/").content.decode()

    response = client.post(
        "/sspf/handover/",
        {"absent": coordinator.pk, "colleague": colleague.pk, "reason": "Sjukskriven."},
        follow=True,
    )

    assert "2 öppna ärenden är överlämnade." in response.content.decode()
    for case in (planned, other):
        case.refresh_from_db()
        assert case.coordinator == colleague
        assert {task.owner for task in open_steps(case)} <= {colleague}
    client.force_login(users["skola"])
    assert client.get("/sspf/handover/").status_code == 403


def test_handing_over_to_oneself_is_refused(client, coordinator, planned):
    client.force_login(coordinator)
    page = client.post(
        "/sspf/handover/",
        {"absent": coordinator.pk, "colleague": coordinator.pk, "reason": "Test."},
    ).content.decode()
    assert "Välj en annan koordinator." in page
    planned.refresh_from_db()
    assert planned.coordinator == coordinator


def test_one_step_is_given_to_a_colleague_and_the_case_keeps_its_coordinator(
    client, coordinator, colleague, planned
):
    (task,) = open_steps(planned)
    client.force_login(coordinator)
    page = client.get(planned.get_absolute_url()).content.decode()
    url = f"/sspf/{planned.number}/steps/{task.pk}/give/"
    assert f'href="{url}"' in page

    refused = client.post(url, {"colleague": coordinator.pk}).content.decode()
    assert "Välj ett giltigt alternativ" in refused  # she holds it: not offered to herself
    assert client.post(url, {"colleague": colleague.pk}).status_code == 302

    task.refresh_from_db()
    planned.refresh_from_db()
    assert task.owner == colleague and planned.coordinator == coordinator
    assert CaseEvent.objects.filter(case=planned, action="step.given").exists()
    (row,) = Outbox.objects.filter(to=colleague.email, kind="task", subject__contains="till dig")
    assert planned.number in row.subject and "Lou" not in row.body_text
    client.force_login(colleague)
    assert planned.number in client.get("/case/inbox/").content.decode()
