"""The inbox, queue and archive as caseworkers read them, and where each role lands.

The inbox lists the coordinator's steps with the case number, the young person, the step in
words, its due date and how late it is, the most overdue first; filters by step and due date;
no process or task ids; one access-log row per case it names. Agency staff land on their
agency's open actions with "Ny aktualisering" at hand."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from sspf_flow.models import AccessLog
from tests.builders import accept_step, case_in_progress

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = dt.datetime(2030, 3, 4, 10, 0, tzinfo=STOCKHOLM)  # a Monday
INBOX = CaseFlow.instance.reverse("inbox")
QUEUE = CaseFlow.instance.reverse("queue")
ARCHIVE = CaseFlow.instance.reverse("archive")


def accept(case, coordinator):
    accept_step(case, coordinator)


@pytest.fixture
def worked(refer, coordinator):
    """Three cases accepted on days 0, 5 and 18 (each waiting for consent, due 14 days later)
    and one just referred on day 18 (waiting in the queue to be assessed, due in 7 days); the
    clock then stands on day 20."""
    with time_machine.travel(START, tick=False) as clock:
        early = refer()
        accept(early, coordinator)
        clock.move_to(START + dt.timedelta(days=5))
        middle = refer()
        accept(middle, coordinator)
        clock.move_to(START + dt.timedelta(days=18))
        late = refer()
        accept(late, coordinator)
        fresh = refer()
        clock.move_to(START + dt.timedelta(days=20))
        yield {"early": early, "middle": middle, "late": late, "fresh": fresh}


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def rows(page):
    """The table rows of the task list, as text."""
    body = page.split('data-testid="task-list"', 1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in cells]


def test_the_inbox_lists_the_steps_overdue_first_with_case_youth_due_and_lateness(
    client, coordinator, worked
):
    page = page_of(client, coordinator, INBOX)
    listed = rows(page)
    early, middle, late = worked["early"], worked["middle"], worked["late"]
    assert [row.split(" ")[2] for row in listed] == [early.number, middle.number, late.number]
    # accepted on day 0, due on day 14, six days late on day 20
    assert listed[0].startswith("Inhämta samtycke")
    assert str(early.youth) in listed[0] and "2030-03-18" in listed[0]
    assert "6 dagar sen" in listed[0] and "1 dag sen" in listed[1]
    assert "om 12 dagar" in listed[2]
    assert page.count('class="sspf-row-late"') == 2
    assert "1–3 av 3" in page
    # no process or task id anywhere a user reads
    task = steps.open_task(early, "obtain_consent")
    assert f"#{task.process_id}/{task.pk}" not in page and "Brief" not in page


def test_the_inbox_filters_by_step_and_due(client, coordinator, worked):
    overdue = rows(page_of(client, coordinator, f"{INBOX}?due=overdue"))
    assert len(overdue) == 2 and all("sen" in row for row in overdue)
    planning = page_of(client, coordinator, f"{INBOX}?step=plan_meeting")
    assert rows(planning) == ["Inget steg matchar filtret."]
    # a step name the flow does not have is ignored, never a 500
    assert len(rows(page_of(client, coordinator, f"{INBOX}?step=nonsense&due=x"))) == 3


def test_the_queue_offers_to_take_the_step_and_the_archive_shows_what_was_done(
    client, coordinator, worked
):
    queue = page_of(client, coordinator, QUEUE)
    fresh = worked["fresh"]
    (row,) = rows(queue)
    assert row.startswith("Bedöm aktualiseringen") and fresh.number in row
    task = steps.open_task(fresh, "assess")
    assert task.flow_task.reverse("assign", args=[task.process_id, task.pk]) in queue

    archive = rows(page_of(client, coordinator, ARCHIVE))
    assert len(archive) == 3 and all(row.startswith("Bedöm aktualiseringen") for row in archive)


def test_each_case_the_inbox_names_is_logged_once(client, coordinator, worked):
    before = AccessLog.objects.count()
    page_of(client, coordinator, INBOX)
    logged = list(AccessLog.objects.order_by("pk")[before:])
    assert sorted(entry.case_id for entry in logged) == sorted(
        worked[key].pk for key in ("early", "middle", "late")
    )
    assert all(entry.had_basis for entry in logged)


def test_agency_staff_have_no_task_lists_and_the_other_municipality_sees_nothing(
    client, users, foreign_coordinator, worked
):
    client.force_login(users["skola"])
    assert client.get(INBOX).status_code == 403
    foreign = Client()
    page = page_of(foreign, foreign_coordinator, INBOX)
    assert all(worked[key].number not in page for key in worked)


def test_the_coordinator_lands_on_her_most_urgent_steps(client, coordinator, worked):
    client.force_login(coordinator)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/sspf/dashboard/"
    page = response.content.decode()
    tasks = page.split('data-testid="my-tasks"', 1)[1].split("</table>", 1)[0]
    early, late = worked["early"], worked["late"]
    assert tasks.index(early.number) < tasks.index(late.number)
    assert "Ny aktualisering" in page


def test_agency_staff_land_on_their_agencys_open_actions(
    client, users, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies)
    client.force_login(users["skola"])
    before = AccessLog.objects.count()
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/sspf/dashboard/"
    page = response.content.decode()
    actions = page.split('data-testid="agency-actions"', 1)[1].split("</table>", 1)[0]
    # what the action is, its case, due date and status (the school's own action)
    assert "Stöd" in actions and case.number in actions and "Planerad" in actions
    action = case.plans.get().actions.get()
    assert action.due_date.isoformat() in actions
    assert 'data-testid="new-referral"' in page and "/sspf/new/" in page
    assert AccessLog.objects.filter(pk__gt=before, case=case).count() == 1


def test_a_queue_longer_than_is_counted_says_more_than(client, refer, coordinator, monkeypatch):
    """A region's queue holds thousands of untaken steps; it counts at most ``cap`` of them
    (its pages reach that far; the filters narrow the rest), the most urgent first, and says
    "more than" beyond that."""
    from casework.workflow.inbox import TaskPaginator

    cases = [refer() for _ in range(3)]
    queue = page_of(client, coordinator, QUEUE)
    assert "1–3 av 3" in queue and all(case.number in queue for case in cases)
    monkeypatch.setattr(TaskPaginator, "cap", 2)
    queue = page_of(client, coordinator, QUEUE)
    assert "av fler än 2" in queue
    shown = rows(queue)
    assert len(shown) == 2 and cases[0].number in shown[0] and cases[1].number in shown[1]
