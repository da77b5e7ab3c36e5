"""What the browser tests share: Debian's Chromium driven by Playwright, one browser per test
module, and pages logged in as a user through the login form (the fixtures are in
``conftest.py``)."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "pw-for-tests-only"  # builders.make_user's


def require(path, what):
    """Skip the calling test module when ``path`` is missing on a laptop; in CI
    (SSPF_REQUIRE_SERVICES=1) the module runs, and fails, instead of hiding its tests."""
    if not os.path.exists(path) and os.environ.get("SSPF_REQUIRE_SERVICES") != "1":
        pytest.skip(f"needs {what} ({path})", allow_module_level=True)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(browser, base_url, username, password=PASSWORD):
    """A new browser context (its own cookies) with ``username`` logged in, on the page the
    login led to."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state("networkidle")
    return page


def keep_the_demo(demo_committed, django_db_blocker, settings):
    """``transactional_db`` for a module of read-only browser tests on ``demo_committed``."""
    settings.SSPF_DEMO = True
    with django_db_blocker.unblock():
        yield
