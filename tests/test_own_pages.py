"""viewflow's own pages about a case are the product's: a process's page and a task's detail
lead to the case page (which applies the categories and writes the access log), taking or giving
back a task shows the case summary and is logged, and undo, cancel, revive and viewflow's
process and task lists are gone."""

import pytest
from django.template.loader import render_to_string

from casework.workflow.flows import CaseFlow
from casework.workflow.steps import open_task
from sspf_flow import services
from sspf_flow.models import AccessLog
from sspf_flow.models.process import processes_of
from tests.builders import assessed

SECRET = "Ökad frånvaro."  # the referral's description of the concern (see the ``refer`` fixture)


@pytest.fixture
def consented(refer, coordinator, consent_for, agencies):
    """A case in the consent step's next state, covered for the school only."""
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent_for(case, [agencies["skola"]])
    return case


def task_url(case, node, view):
    task = open_task(case, node) or processes_of(case).get().task_set.get(
        flow_task=getattr(CaseFlow, node)
    )
    return task.flow_task.reverse(view, args=[task.process_id, task.pk])


def test_the_flows_own_start_page_is_the_inbox(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/case/")
    assert response.status_code == 302 and response.url == "/case/inbox/"


@pytest.mark.parametrize("path", ["/case/flows/", "/case/tasks/"])
def test_viewflows_process_and_task_lists_are_gone(client, coordinator, case, path):
    client.force_login(coordinator)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("view", ["undo", "cancel", "revive"])
def test_a_task_cannot_be_undone_cancelled_or_revived(client, coordinator, case, view):
    client.force_login(coordinator)
    index = task_url(case, "assess", "index")
    assert client.get(index.rstrip("/") + f"/{view}/").status_code == 404
    process = processes_of(case).get()
    assert client.get(f"/case/{process.pk}/cancel/").status_code == 404


def test_a_process_page_is_its_case_page(client, coordinator, case):
    client.force_login(coordinator)
    response = client.get(f"/case/{processes_of(case).get().pk}/")
    assert response.status_code == 302 and response.url == case.get_absolute_url()


def test_a_process_page_of_a_case_one_may_not_read_is_refused(
    client, users, foreign_coordinator, consented
):
    process = processes_of(consented).get()
    for outsider in (users["polis"], users["styrgrupp"], foreign_coordinator):
        client.force_login(outsider)
        response = client.get(f"/case/{process.pk}/")
        assert response.status_code in (403, 404), outsider
        assert consented.number not in response.content.decode()


def test_a_tasks_detail_is_its_case_page_and_shows_nothing_itself(client, users, consented):
    detail = task_url(consented, "assess", "detail")
    client.force_login(users["skola"])  # covered by the consent
    response = client.get(detail)
    assert response.status_code == 302 and response.url == consented.get_absolute_url()
    client.force_login(users["polis"])  # not covered
    response = client.get(detail)
    assert response.status_code in (403, 404) and SECRET not in response.content.decode()


def test_taking_a_task_shows_the_case_summary_and_is_logged(client, coordinator, case):
    client.force_login(coordinator)
    url = task_url(case, "assess", "assign")
    before = AccessLog.objects.count()

    page = client.get(url).content.decode()

    assert case.number in page and "Lou Exempel" in page  # the summary the coordinator sees
    assert SECRET not in page  # no dump of the case's fields
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.latest("pk").what == "Ta uppgiften"
    response = client.post(url)
    assert response.status_code == 302
    assert open_task(case, "assess").owner == coordinator


def test_giving_a_task_back_puts_it_in_the_queue(client, coordinator, case):
    client.force_login(coordinator)
    client.post(task_url(case, "assess", "assign"))
    url = task_url(case, "assess", "unassign")
    assert SECRET not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert open_task(case, "assess").owner is None


def test_viewflows_templates_that_list_a_cases_fields_render_nothing(case):
    process = processes_of(case).get()
    for name in ("viewflow/workflow/process_data.html", "viewflow/workflow/task_data.html"):
        html = render_to_string(
            name, {"process": process, "task": process.task_set.first(), "artifact_data": []}
        )
        assert not html.strip()
