"""What the operators read in the log: a page refused (403) or not found (404) is one line
with its status and path, without a traceback and without who asked; a server error (500)
keeps its full traceback."""

import io
import logging

import pytest
from django.conf import settings
from django.test import Client

from project.logging import RefusalsWithoutTraceback
from sspf_flow import access


@pytest.fixture
def console():
    """What the console handler of ``settings.LOGGING`` prints, with its format, while the test
    runs (pytest's own capture sees the records before they are formatted)."""
    plain = settings.LOGGING["formatters"]["plain"]
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter(plain["format"], style=plain["style"]))
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.stream
    root.removeHandler(handler)


def test_the_request_log_is_filtered_as_configured():
    filters = logging.getLogger("django.request").filters
    assert any(isinstance(f, RefusalsWithoutTraceback) for f in filters)


def test_a_page_refused_for_want_of_a_role_is_one_line_without_traceback(client, users, console):
    client.force_login(users["skola"])  # sara is no log reviewer
    assert client.get("/log/").status_code == 403
    output = console.getvalue()
    assert "WARNING django.request Forbidden (Permission denied): /log/" in output
    assert "Traceback" not in output
    assert "PermissionDenied" not in output
    assert "sara" not in output
    assert len(output.strip().splitlines()) == 1


def test_a_case_not_found_is_one_line_without_traceback(client, users, console):
    client.force_login(users["skola"])
    assert client.get("/sspf/SSPF-2000-9999/").status_code == 404
    output = console.getvalue()
    assert "WARNING django.request Not Found: /sspf/SSPF-2000-9999/" in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback(users, manager, console, monkeypatch):
    def broken(user):
        raise RuntimeError("the log page is broken")

    monkeypatch.setattr(access, "log_visible_to", broken)
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    assert client.get("/log/").status_code == 500
    output = console.getvalue()
    assert "ERROR django.request Internal Server Error: /log/" in output
    assert "Traceback (most recent call last)" in output
    assert "RuntimeError: the log page is broken" in output
