"""Accessibility (WCAG 2.1 AA, issue 10): axe-core, run in Chromium on the login page, finds no
serious or critical violation; the referral form can be filled in and sent with the keyboard
alone, and the menu opened from its button. Each role's main pages and the step forms are
checked on the demo, in ``test_accessibility_demo``.

axe-core comes from the npm registry (``.ci/run`` installs it and sets ``AXE_JS``); on a
laptop without it, or without Chromium, these tests skip."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sspf_flow.models import Case
from tests.axe import AXE_JS, assert_accessible
from tests.browser import CHROMIUM, require
from tests.builders import born_aged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require(CHROMIUM, "Debian's chromium")
require(AXE_JS, "axe-core from npm (.ci/run installs it; or set AXE_JS)")


def test_the_login_page_passes_axe(browser, live_server):
    context = browser.new_context()
    try:
        assert_accessible(context.new_page(), live_server.url, ["/accounts/login/"])
    finally:
        context.close()


# --- the referral form by keyboard alone ----------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement, field = e.closest('[name]');
  return {tag: e.tagName.toLowerCase(), role: e.getAttribute('role') || '', type: e.type || '',
          name: field ? field.getAttribute('name') : '', value: e.dataset.value || '',
          text: e.textContent.trim(), href: e.getAttribute('href') || ''};
}"""
OUTLINED = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, most=80):
    """Press Tab until the focused element is the ``wanted`` one (a predicate on
    ``focused()``); fails when it cannot be reached."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return
    raise AssertionError(f"not reachable with the Tab key; focus stays on {focused(page)}")


def field(name, tag="input"):
    return lambda now: now["name"] == name and now["tag"] == tag


def open_options(page):
    """Open the focused select's (combobox's) list; the focus moves into it."""
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('.mdc-select__menu') !== null")


def go_to_option(page, value):
    """Go down the open list to the option ``value``."""
    for _ in range(30):
        if focused(page)["value"] == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value!r} in the list")


def test_the_referral_form_works_by_keyboard_alone(users, page_as, live_server):
    """The school finds the referral form in the menu, fills it in and sends it with Tab,
    typing, Space, Enter and the arrow keys; where the focus is can be seen; and the page that
    follows says the referral is registered, to screen readers too."""
    errors = []
    school = page_as("sara")
    school.on("pageerror", lambda error: errors.append(error))
    tab_to(school, lambda now: now["tag"] == "a" and "Ny aktualisering" in now["text"])
    assert school.evaluate(OUTLINED), "the focused menu link shows no outline"
    school.keyboard.press("Enter")
    school.wait_for_url("**/case/start/")
    school.wait_for_load_state("networkidle")

    tab_to(school, field("youth-first_name"))
    school.keyboard.type("Lou")
    school.keyboard.press("Tab")
    school.keyboard.type("Exempel")
    tab_to(school, field("youth-birth_date"))
    school.keyboard.type(str(born_aged(14)))
    tab_to(school, lambda now: now["name"] == "youth-gender" and now["role"] == "combobox")
    open_options(school)
    go_to_option(school, "annat")
    school.keyboard.press("Enter")  # chosen; the list closes
    tab_to(school, field("guardian-0-name"))
    school.keyboard.type("Kim Exempel")
    tab_to(school, lambda now: now["name"] == "referral-concerns" and now["role"] == "combobox")
    open_options(school)
    for concern in ("school_absence", "substance_use"):
        go_to_option(school, concern)
        school.keyboard.press("Space")  # ticked; the list stays open
    school.keyboard.press("Escape")
    tab_to(school, field("referral-concern_text", "textarea"))
    school.keyboard.type("Ökad frånvaro sedan höstlovet.")
    tab_to(school, field("report-made"))  # a report of concern was made yesterday
    school.keyboard.press("Space")
    school.keyboard.press("Tab")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    school.keyboard.type(str(yesterday))
    for question in ("tpl-ungdomen_vet", "tpl-vardnadshavare_vet"):  # the template's selects
        tab_to(school, field(question, "select"))
        school.keyboard.press("ArrowDown")  # "—" → "Ja"
    tab_to(school, lambda now: now["tag"] == "button" and now["type"] == "submit")
    assert focused(school)["text"] == "Skicka aktualiseringen"
    assert school.evaluate(OUTLINED), "the focused button shows no outline"
    school.keyboard.press("Enter")

    school.wait_for_url("**/sspf/referrals/")
    case = Case.objects.get()
    assert (case.youth.first_name, case.youth.gender) == ("Lou", "annat")
    assert case.concerns == ["school_absence", "substance_use"]
    assert [g.name for g in case.youth.guardians.all()] == ["Kim Exempel"]
    assert case.concern_reports.get().made_on == yesterday
    said = f"Aktualisering {case.number} är registrerad."
    expect(school.locator(".mdc-snackbar__label")).to_contain_text(said)
    expect(school.locator("[role=status]#sspf-status")).to_contain_text(said)
    assert not errors


def test_the_menu_opens_from_the_menu_button_on_a_narrow_screen(users, page_as):
    """At 200 % zoom (a 640 px wide window) the menu is folded away: the menu button opens it
    with the keyboard, the focus moves into it, and Escape folds it away again."""
    school = page_as("sara")
    school.set_viewport_size({"width": 640, "height": 900})
    school.reload()
    menu = school.locator("aside.vf-page__menu")
    expect(menu).to_be_hidden()
    tab_to(school, lambda now: now["tag"] == "button" and now["text"] == "menu")
    school.keyboard.press("Enter")
    expect(menu).to_have_class(re.compile("mdc-drawer--open"))
    school.wait_for_function("() => document.activeElement.closest('aside.vf-page__menu') !== null")
    assert focused(school)["href"] == "/sspf/dashboard/"
    school.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert focused(school)["text"] == "menu"
