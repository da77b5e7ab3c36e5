"""Refused and missing pages are the product's own: in the shell, in Swedish, with a way back,
and never a library's exception text; a server error says what to do in Swedish."""

from django.test import RequestFactory
from django.views.defaults import server_error

from casework.workflow import steps
from tests.builders import accept_step
from tests.urlmap import task_url


def test_a_refused_page_is_ours_in_the_shell(client, users):
    client.force_login(users["skola"])
    response = client.get("/log/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="refused-page"' in page and 'data-testid="shell-menu"' in page
    assert "Du kan inte öppna den här sidan" in page and 'href="/"' in page


def test_a_finished_steps_page_is_refused_without_the_librarys_exception(client, coordinator, case):
    task = steps.open_task(case, "assess")
    accept_step(case, coordinator)
    client.force_login(coordinator)
    response = client.get(task_url(task, "execute"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "transition" not in page and "DONE" not in page
    assert "redan är gjort" in page


def test_a_missing_case_is_a_page_of_ours(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/sspf/SSPF-1999-0001/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="not-found-page"' in page and 'data-testid="shell-menu"' in page
    assert "Sidan finns inte" in page


def test_a_server_error_says_what_to_do_in_swedish(db):
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in page and "administratören" in page
