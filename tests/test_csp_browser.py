"""The Content-Security-Policy in a real browser (issue 15, 6): Chromium walks a page of every
kind through the demo — the dashboard, a case page, the viewflow step forms (with their MDC
widgets and a formset row added by its button), a filtered list, the steering report with its
SVG charts, the user's sign-ins, the admin — clicking through Turbo as a user does, and the
browser reports no violation of the policy: no inline script, no eval, nothing from elsewhere.

Every violation is caught twice: Chromium's console message ("Refused to … because it violates
the following Content Security Policy directive") and a ``securitypolicyviolation`` listener
installed before any page script."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from forms.models import FormVersion
from sspf_flow.models import Case
from tests.browser import CHROMIUM, keep_the_demo, require
from tests.builders import other_actions, publish_own_version, take_open_task
from tests.urlmap import task_url

pytestmark = pytest.mark.browser
require(CHROMIUM, "Debian's chromium")

DEMO_PASSWORD = "demo-sspf"
STEPS = ["assess", "obtain_consent", "plan_meeting", "hold_meeting", "follow_up"]

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ` +
    `${event.sourceFile}:${event.lineNumber}`);
});
"""


# the demo is loaded once for the module
transactional_db = pytest.fixture(keep_the_demo, name="transactional_db")


@pytest.fixture
def demo(transactional_db):
    pass


def watched(page):
    """The page, with every CSP violation it reports collected in the returned list."""
    found = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"{page.url}: script error {error}"))
    return found


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_the_coordinators_pages_break_no_rule_of_the_policy(demo, page_as, live_server):
    base = live_server.url
    lou = Case.objects.get(youth__first_name="Lou")
    tasks = {node: task_url(take_open_task(node, "anja"), "execute") for node in STEPS}
    page = page_as("anja", DEMO_PASSWORD)
    found = watched(page)
    year = dt.date.today().year

    visit(page, base + "/")
    visit(page, f"{base}/sspf/list/?status=open&ordering=-number")  # a list with filters
    visit(page, f"{base}/sspf/{lou.number}/")
    visit(page, f"{base}/sspf/{lou.number}/history/")
    visit(page, base + "/case/chart/")  # the flow chart drawn by vis-network
    visit(page, f"{base}/steering/?kind=year&year={year - 1}")  # the SVG charts
    expect(page.locator("svg").first).to_be_visible()
    visit(page, base + "/case/start/")  # viewflow's start form: MDC selects, date fields
    page.locator("vf-field-select .mdc-select__anchor").first.click()
    page.keyboard.press("Escape")
    for node, url in tasks.items():
        visit(page, base + url)
        if node == "hold_meeting":
            goals = page.locator("#goal-rows fieldset")
            before = goals.count()
            page.get_by_test_id("add-goal").click()
            expect(goals).to_have_count(before + 1)  # the button works without inline script
    visit(page, base + "/sign-ins/")
    # Turbo's own visits: a click on a menu link swaps the page without loading it
    page.get_by_test_id("shell-menu").locator("a").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("shell-sign-ins").click()
    expect(page.get_by_test_id("sign-ins")).to_be_visible()

    assert not found, "\n".join(found)


def test_the_admin_breaks_no_rule_of_the_policy(demo, page_as, live_server):
    base = live_server.url
    adam = User.objects.get(username="adam")
    adam.is_staff = adam.is_superuser = True
    adam.save()
    page = page_as("adam", DEMO_PASSWORD)
    found = watched(page)

    visit(page, base + "/administration/")
    visit(page, base + "/admin/")
    visit(page, base + "/admin/auth/user/")
    visit(page, base + "/admin/auth/user/add/")
    visit(page, f"{base}/admin/auth/user/{adam.pk}/change/")
    visit(page, base + "/forms/")
    version = FormVersion.objects.order_by("pk").first()
    visit(page, f"{base}/forms/version/{version.pk}/edit/")
    # a template with repeating rows, filled in: its button adds a row without inline script
    municipality = Case.objects.get(youth__first_name="Lou").municipality
    version = publish_own_version(municipality, "follow_up", other_actions())
    visit(page, f"{base}/forms/version/{version.pk}/preview/")
    rows = page.locator("[data-field=ovriga_insatser] tbody tr")
    before = rows.count()
    page.get_by_test_id("add-row-ovriga_insatser").click()
    expect(rows).to_have_count(before + 1)

    assert not found, "\n".join(found)


def test_the_policy_is_enforced_in_the_browser(demo, page_as, live_server):
    """The check above can fail: an inline script put into a page is refused and reported."""
    page = page_as("anja", DEMO_PASSWORD)
    found = watched(page)
    visit(page, live_server.url + "/")

    with page.expect_console_message(lambda message: "script-src" in message.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
            s.textContent = "window.injected = true"; document.body.appendChild(s); }"""
        )

    assert page.evaluate("() => window.injected === undefined")
    assert any("script-src" in line for line in found), found
