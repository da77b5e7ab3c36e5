"""A step's page says what the step is for, in sections, beside a summary of the case in words
(the concerns the reader may see, never a raw list), with no process or task id."""

import html
import json

import pytest

from casework.workflow import steps
from tests.builders import hold_meeting_post, walk_to_meeting_planned
from tests.urlmap import task_url


@pytest.fixture
def planned(refer, coordinator, consent_for, scope):
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    return case


def execute_page(client, user, case, node):
    task = steps.open_task(case, node)
    client.force_login(user)
    if task.owner_id is None:
        assert client.post(task_url(task, "assign")).status_code == 302
    response = client.get(task_url(task, "execute"))
    assert response.status_code == 200
    return task, response.content.decode()


def test_the_meeting_step_states_its_purpose_in_sections_beside_the_case(
    client, coordinator, planned
):
    task, page = execute_page(client, coordinator, planned, "hold_meeting")
    assert 'data-testid="step-purpose"' in page and "Dokumentera mötet" in page
    headings = [
        "Vilka som deltog",
        "Protokoll",
        "Åtgärdsplanens mål",
        "Åtgärder: vad varje part gör",
        "Nästa steg",
    ]
    positions = [page.index(f">{heading}<") for heading in headings]
    assert positions == sorted(positions)
    # the summary in words: the concern's label, not its code
    assert "Skolfrånvaro" in page and "school_absence" not in page
    assert f"#{task.process_id}/" not in page and f"#{task.pk}" not in page
    assert "Execute" not in page


def test_the_assessment_step_has_its_sections(client, coordinator, refer):
    case = refer()
    _task, page = execute_page(client, coordinator, case, "assess")
    assert "Bedöm om SSPF" in page or 'data-testid="step-purpose"' in page
    assert page.index(">Beslut<") < page.index(">Om ärendet avslutas<")


def test_an_action_can_be_given_only_to_an_agency_the_consent_covers(
    client, coordinator, planned, agencies
):
    _task, page = execute_page(client, coordinator, planned, "hold_meeting")
    # viewflow's select carries its options as JSON in an attribute
    attribute = page.split('name="action-0-agency"')[1].split('optgroups="')[1].split('"')[0]
    offered = {group["options"]["value"] for group in json.loads(html.unescape(attribute))}
    assert offered == {"", str(agencies["skola"].pk), str(agencies["socialtjanst"].pk)}


def test_the_chair_and_the_minute_taker_are_chosen_among_the_participants(
    client, coordinator, planned, agencies, users
):
    task, page = execute_page(client, coordinator, planned, "hold_meeting")
    attribute = page.split('name="chair"')[1].split('optgroups="')[1].split('"')[0]
    offered = {group["options"]["value"] for group in json.loads(html.unescape(attribute))}
    # the coordinator and the staff of the invited school and social services; not the police
    assert {str(coordinator.pk), str(users["skola"].pk), str(users["socialtjanst"].pk)} <= offered
    assert str(users["polis"].pk) not in offered

    post = hold_meeting_post(
        [agencies["skola"].pk], agencies["skola"], chair=users["socialtjanst"].pk
    )
    refused = client.post(task_url(task, "execute"), post).content.decode()
    assert "deltog inte: välj koordinatorn eller någon som var med." in refused
    planned.refresh_from_db()
    assert planned.status == "meeting_planned"  # nothing written

    post["chair"] = users["skola"].pk
    assert client.post(task_url(task, "execute"), post).status_code == 302
    meeting = planned.meetings.get()
    assert (meeting.chair, meeting.minute_taker) == (users["skola"], coordinator)
    case_page = client.get(planned.get_absolute_url()).content.decode()
    roles = case_page.split('data-testid="meeting-roles">')[1].split("</span>")[0]
    assert "Ordförande" in roles and "Antecknare" in roles
