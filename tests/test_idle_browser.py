"""The idle timeout end to end in Chromium (issue 15, 4): two minutes before the end a dialog
warns (an alertdialog with the focus on "Fortsätt vara inloggad"); staying logged in keeps the
login; doing nothing lets it end on the server and the page goes to the login page, which says
why. The browser's clock is Playwright's (page.clock), the server's is time_machine's: both are
moved together."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.browser import CHROMIUM, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require(CHROMIUM, "Debian's chromium")

DASHBOARD = "/sspf/dashboard/"


@pytest.fixture
def clocks():
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=True) as server:
        yield server


def move(page, server, minutes):
    """Both clocks ``minutes`` on: the server's first, so the page asks it at the new time."""
    server.shift(dt.timedelta(minutes=minutes))
    page.clock.fast_forward(f"{minutes:02d}:00")


def open_dashboard(page_as, live_server, username="sara"):
    page = page_as(username)
    page.clock.install()
    page.goto(live_server.url + DASHBOARD)
    page.wait_for_load_state("networkidle")
    return page


def test_the_warning_keeps_the_login_and_silence_ends_it(users, page_as, live_server, clocks):
    page = open_dashboard(page_as, live_server)
    warning = page.get_by_role("alertdialog")

    move(page, clocks, 27)
    expect(warning).to_have_count(0)  # not yet: the warning comes 2 minutes before the end
    move(page, clocks, 1)

    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Du loggas snart ut")
    expect(warning).to_contain_text("om du inte väljer att fortsätta vara inloggad")
    stay = warning.get_by_role("button", name="Fortsätt vara inloggad")
    expect(stay).to_be_focused()
    expect(warning.get_by_role("button", name="Logga ut")).to_be_visible()

    stay.click()

    expect(warning).to_have_count(0)
    move(page, clocks, 20)  # 48 minutes after the dashboard was opened: still logged in
    page.goto(live_server.url + DASHBOARD)
    assert page.url == live_server.url + DASHBOARD

    move(page, clocks, 28)
    expect(warning).to_be_visible()
    move(page, clocks, 2)  # nothing done: the end

    page.wait_for_url(lambda url: "/accounts/login/" in url)
    expect(page.locator("body")).to_contain_text(
        "Du loggades ut efter 30 minuter utan aktivitet. Logga in igen."
    )
    assert Session.objects.filter(expire_date__gt=dt.datetime.now(dt.UTC)).count() == 0
    page.goto(live_server.url + DASHBOARD)
    assert "/accounts/login/" in page.url


def test_logging_out_from_the_warning(users, page_as, live_server, clocks):
    page = open_dashboard(page_as, live_server)
    move(page, clocks, 28)
    warning = page.get_by_role("alertdialog")

    warning.get_by_role("button", name="Logga ut").click()

    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert Session.objects.filter(expire_date__gt=dt.datetime.now(dt.UTC)).count() == 0


def test_another_tabs_activity_keeps_the_warning_away(users, page_as, live_server, clocks):
    """The page asks the server before it warns: work in another tab counts."""
    page = open_dashboard(page_as, live_server)
    other = page.context.new_page()
    server_minutes = 20
    clocks.shift(dt.timedelta(minutes=server_minutes))
    other.goto(live_server.url + DASHBOARD)  # activity at minute 20, in the other tab
    clocks.shift(dt.timedelta(minutes=8))
    page.clock.fast_forward("28:00")

    # the page asked and was told 22 minutes are left: no dialog, a new countdown
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    move(page, clocks, 20)
    expect(page.get_by_role("alertdialog")).to_be_visible()


def test_the_admin_pages_warn_too(users, admin_user, page_as, live_server, clocks):
    """The administrator in Django's admin gets the same warning, in Swedish, and stays."""
    page = page_as("adam")
    page.clock.install()
    page.goto(live_server.url + "/admin/auth/user/")
    page.wait_for_load_state("networkidle")
    warning = page.get_by_role("alertdialog")

    move(page, clocks, 28)

    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Du loggas snart ut")
    stay = warning.get_by_role("button", name="Fortsätt vara inloggad")
    expect(stay).to_be_focused()
    stay.click()
    expect(warning).to_have_count(0)
    move(page, clocks, 20)
    page.goto(live_server.url + "/admin/auth/user/")
    assert page.url == live_server.url + "/admin/auth/user/"
