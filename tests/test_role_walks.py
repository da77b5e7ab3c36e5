"""A walk per role in Chromium through the demo: each user logs in, lands on their own work,
finds one menu with their name and the logout, and every menu link opens a page in the same
shell."""

import pytest
from playwright.sync_api import expect

from tests.browser import CHROMIUM, keep_the_demo, require
from tests.builders import DEMO_LANDINGS

require(CHROMIUM, "Chromium")

# a walk per kind of role (the agencies' walks are alike)
WALKERS = ("anja", "sara", "per", "maria", "stina", "adam")


# the demo is loaded once for the module: the walks only read it
transactional_db = pytest.fixture(keep_the_demo, name="transactional_db")


@pytest.fixture
def demo(transactional_db):
    pass


@pytest.mark.parametrize("username", WALKERS)
def test_each_role_walks_its_own_menu(demo, page_as, live_server, username):
    page = page_as(username, "demo-sspf")
    url, work = DEMO_LANDINGS[username]
    assert page.url == live_server.url + url
    expect(page.get_by_test_id(work)).to_be_visible()
    menu = page.get_by_test_id("shell-menu")
    links = menu.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert links
    for href in links:
        page.goto(live_server.url + href)
        expect(page.get_by_test_id("shell-menu")).to_have_count(1)
        expect(page.get_by_test_id("shell-logout")).to_be_visible()
        current = page.get_by_test_id("shell-menu").locator("[aria-current=page]")
        expect(current).to_have_count(1)
        assert "Django Material" not in page.title()
