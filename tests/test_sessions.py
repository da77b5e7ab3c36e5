"""Sessions (issue 15, 4): the idle timeout and the absolute maximum end a login on the server
with a message on the login page; asking how long is left is not activity; logout ends the
session in the store; a user sees their sign-ins and ends the others."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from sspf_flow.models import SignIn

DASHBOARD = "/sspf/dashboard/"
LOGIN = "/accounts/login/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def logged_in(user, agent="Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36"):
    """A client logged in through the login form, from a browser that says it is ``agent``."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(LOGIN, {"username": user.username, "password": "pw-for-tests-only"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def later(traveller, minutes):
    traveller.shift(dt.timedelta(minutes=minutes))


def message_on_login_page(client, response):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    return client.get(response["Location"]).content.decode()


def test_a_login_idle_for_30_minutes_is_ended_with_a_swedish_message(coordinator, traveller):
    client = logged_in(coordinator)
    key = client.session.session_key
    assert client.get(DASHBOARD).status_code == 200
    later(traveller, 29)
    assert client.get(DASHBOARD).status_code == 200  # activity: another 30 minutes
    later(traveller, 30)

    response = client.get(DASHBOARD)

    assert response["Location"] == f"{LOGIN}?next={DASHBOARD}"
    page = message_on_login_page(client, response)
    assert "Du loggades ut efter 30 minuter utan aktivitet" in page
    assert not Session.objects.filter(session_key=key).exists()
    assert not SignIn.objects.filter(user=coordinator).exists()


def test_asking_how_long_is_left_is_not_activity(coordinator, traveller):
    client = logged_in(coordinator)
    later(traveller, 20)
    status = client.get("/session/status/").json()
    assert status == {"remaining": 10 * 60, "absolute": False}
    later(traveller, 10)

    assert client.get("/session/status/").json()["remaining"] == 0
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_staying_logged_in_is_a_post_that_resets_the_clock(coordinator, traveller):
    client = logged_in(coordinator)
    later(traveller, 29)
    assert client.get("/session/keepalive/").status_code == 405
    assert client.post("/session/keepalive/").json() == {"remaining": 30 * 60, "absolute": False}
    later(traveller, 29)

    assert client.get(DASHBOARD).status_code == 200


def test_the_keepalive_needs_the_csrf_token(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    assert client.post("/session/keepalive/").status_code == 403


def test_a_login_ends_after_8_hours_however_active(coordinator, traveller):
    client = logged_in(coordinator)
    for _ in range(19):  # every 25 minutes for 7 h 55 min
        later(traveller, 25)
        assert client.get(DASHBOARD).status_code == 200
    status = client.get("/session/status/").json()
    assert status == {"remaining": 5 * 60, "absolute": True}
    later(traveller, 5)

    page = message_on_login_page(client, client.get(DASHBOARD))

    assert "en inloggning varar högst 8 timmar" in page


def test_logout_is_a_post_and_ends_the_session_on_the_server(coordinator):
    client = Client()
    client.force_login(coordinator)
    cookie = client.cookies["sessionid"].value
    assert client.get("/accounts/logout/").status_code == 405  # no logout by a link or image

    client.post("/accounts/logout/")

    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=cookie).exists()


def test_the_settings_bound_the_timeout(settings, coordinator, traveller):
    settings.SSPF_IDLE_MINUTES = 10
    client = logged_in(coordinator)
    later(traveller, 10)

    page = message_on_login_page(client, client.get(DASHBOARD))

    assert "Du loggades ut efter 10 minuter utan aktivitet" in page


# --- the user's sign-ins -----------------------------------------------------------------------


def test_a_user_sees_their_sign_ins_and_ends_the_others(users, traveller):
    sara = users["skola"]
    here = logged_in(sara)
    later(traveller, 1)
    phone = logged_in(sara, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    someone_else = logged_in(users["polis"])

    page = here.get("/sign-ins/").content.decode()

    assert page.count("<tr>") + page.count('<tr data-testid="current-sign-in">') == 3  # + head
    assert "Chrome / Windows" in page and "Safari / iPhone" in page
    current = page.split('data-testid="current-sign-in"', 1)[1].split("</tr>", 1)[0]
    assert "Chrome / Windows" in current and "Den här inloggningen" in current

    response = here.post("/sign-ins/", follow=True)

    assert "1 annan inloggning avslutades." in response.content.decode()
    assert phone.get(DASHBOARD)["Location"].startswith(LOGIN)
    assert here.get(DASHBOARD).status_code == 200
    assert someone_else.get(DASHBOARD).status_code == 200
    assert list(SignIn.objects.filter(user=sara).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]


def test_an_ended_or_idle_sign_in_is_not_listed(users, traveller):
    sara = users["skola"]
    logged_in(sara)
    later(traveller, 31)
    here = logged_in(sara)

    page = here.get("/sign-ins/").content.decode()

    assert page.count("Chrome / Windows") == 1
    assert 'data-testid="end-others" disabled' in page


def test_the_sign_ins_page_asks_the_same_queries_for_one_or_many(
    users, django_assert_max_num_queries
):
    sara = users["skola"]
    here = logged_in(sara)
    here.get("/sign-ins/")
    with django_assert_max_num_queries(12) as one:
        here.get("/sign-ins/")
    asked = len(one)
    for _ in range(4):
        logged_in(sara)
    with django_assert_max_num_queries(asked):
        page = here.get("/sign-ins/").content.decode()
    assert page.count("Chrome / Windows") == 5


def test_every_role_reaches_its_own_sign_ins(users):
    for user in users.values():
        assert logged_in(user).get("/sign-ins/").status_code == 200, user
    assert Client().get("/sign-ins/")["Location"].startswith(LOGIN)


def test_last_activity_is_recorded_at_most_every_30_seconds(coordinator, traveller):
    client = logged_in(coordinator)
    row = SignIn.objects.get(user=coordinator)
    later(traveller, 5)
    client.get(DASHBOARD)
    row.refresh_from_db()
    assert row.last_seen == timezone.now()
    seen = row.last_seen
    traveller.shift(dt.timedelta(seconds=10))
    client.get(DASHBOARD)
    row.refresh_from_db()
    assert row.last_seen == seen


def test_the_rows_of_logins_ended_without_a_logout_go_at_the_next_login(users, traveller):
    logged_in(users["skola"])
    later(traveller, 31)  # idle: ended, though nobody logged out

    logged_in(users["polis"])

    assert not SignIn.objects.filter(user=users["skola"]).exists()
    assert SignIn.objects.filter(user=users["polis"]).count() == 1
