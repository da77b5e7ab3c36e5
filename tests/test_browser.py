"""A newcomer's walk in a real browser (Chromium through Playwright): the school refers, the
coordinator takes the referral, registers consent, is refused a meeting with an agency the
consent does not cover, plans it, holds it with an action plan, follows it up, is refused
closing without a reason, and closes the case with goals met. Each step also answers the
municipality's form template of its kind (plain widgets under the step's own fields), and the
case page lists the four filled-in forms."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow import timers

from sspf_flow.models import Case
from tests.browser import CHROMIUM, require
from tests.builders import (
    OUTCOMES_POST,
    born_aged,
    other_actions,
    publish_own_version,
    signed_pdf,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require(CHROMIUM, "Debian's chromium")


def fill(page, name, value):
    page.locator(f"input[name='{name}'], textarea[name='{name}']").first.fill(value)


def select(page, name, value):
    """Pick an option of a plain select (the form templates' questions use native widgets)."""
    page.locator(f"select[name='{name}']").select_option(value)


expect.set_options(timeout=15_000)
SETTLED = re.compile(r"mdc-menu-surface--(open|animating)")


def pick(page, tag, name, value, on):
    """Open a select's menu, set one option, close the menu; wait on MDC's own state classes
    (open, animating) so no click lands while a menu is still opening or closing."""
    field = page.locator(f"{tag}[name='{name}']")
    surface = field.locator(".mdc-menu-surface")
    item = field.locator(f"li[data-value='{value}']")
    expect(surface).not_to_have_class(SETTLED)
    anchor = field.locator(".mdc-select__anchor")
    anchor.click()
    if anchor.get_attribute("aria-expanded") != "true":
        # a busy machine can take the click while the menu just closed by Escape still holds
        # the anchor's focus; the keyboard opens a focused select as a user would
        anchor.focus()
        anchor.press("ArrowDown")
    expect(surface).to_have_class(re.compile("mdc-menu-surface--open"))
    expect(surface).not_to_have_class(re.compile("mdc-menu-surface--animating"))
    if (item.get_attribute("aria-checked") == "true") != on:
        item.click()
    if "mdc-menu-surface--open" in (surface.get_attribute("class") or ""):
        page.keyboard.press("Escape")
    expect(surface).not_to_have_class(SETTLED)


def choose(page, name, value):
    """Pick one option of a select."""
    pick(page, "vf-field-select", name, value, on=True)


def tick(page, name, value, on=True):
    """Tick or untick one option of a multiple select (a checkbox list in a dropdown)."""
    pick(page, "vf-field-select-multiple", name, value, on)


def submit(page, then, button="form.vf-form button[type=submit]"):
    """Press the form's button, then wait for what should follow: a URL (regex) after a step is
    done, or a selector (an error) when it is refused. viewflow's frontend submits with Turbo,
    so there is no plain page load to wait for."""
    page.locator(button).last.click()
    if then.startswith("/"):
        page.wait_for_url(re.compile(then))
    else:
        page.locator(then).first.wait_for()
    page.wait_for_load_state("networkidle")


CASE_PAGE = r"/sspf/SSPF-\d{4}-\d{4}/$"


def next_step(page):
    """Follow the case page's button for the step waiting for this user."""
    page.locator("[data-testid=next-steps] a.mdc-button--raised").click()
    page.wait_for_load_state("networkidle")


def status_on(page):
    return page.locator("[data-testid=case-status]").first.inner_text()


def test_newcomer_walks_a_referral_to_closure(page_as, live_server, users, agencies):
    school = page_as("sara")
    school.goto(f"{live_server.url}/sspf/new/")
    fill(school, "youth-first_name", "Lou")
    fill(school, "youth-last_name", "Exempel")
    fill(school, "youth-birth_date", str(born_aged(14)))
    choose(school, "youth-gender", "annat")
    fill(school, "guardian-0-name", "Kim Exempel")
    tick(school, "referral-concerns", "school_absence")
    fill(school, "referral-concern_text", "Ökad frånvaro sedan höstlovet.")
    # the municipality's referral template: its required questions are asked under the form
    template = school.locator("[data-testid=template-form]")
    expect(template.locator("legend")).to_contain_text("Aktualisering – extra frågor")
    select(school, "tpl-ungdomen_vet", "yes")
    submit(school, "[data-field=vardnadshavare_vet] .errorlist")  # one left unanswered
    assert (
        "Detta fält måste fyllas i."
        in template.locator("[data-field=vardnadshavare_vet]").inner_text()
    )
    expect(school.locator("select[name='tpl-ungdomen_vet']")).to_have_value("yes")  # kept
    select(school, "tpl-vardnadshavare_vet", "yes")
    submit(school, "/sspf/referrals/$")
    assert "SSPF-" in school.content() and "Aktualiserat" in school.content()

    coordinator = page_as("anja")
    coordinator.goto(f"{live_server.url}/case/queue/")
    coordinator.locator("table a").first.click()
    coordinator.wait_for_load_state("networkidle")
    submit(coordinator, "/execute/$", "button[name=_continue]")  # "Ta den och gör steget nu"
    coordinator.locator("input[name=decision][value=accept]").check()
    for name, value in (("risk_level", "high"), ("need", "extensive"), ("receptivity", "adapt")):
        choose(coordinator, name, value)  # the assessment of risk, need and receptivity
    for name, value in OUTCOMES_POST.items():
        choose(coordinator, name, value)  # the outcome indicators at the start
    submit(coordinator, CASE_PAGE)
    assert status_on(coordinator) == "Inväntar samtycke"

    next_step(coordinator)
    coordinator.locator("input[name=decision][value=register]").check()
    tick(
        coordinator,
        "signers",
        coordinator.locator("input[name=signers]").nth(1).get_attribute("value"),
    )
    fill(coordinator, "youth_view", "Lou vill vara med.")
    choose(coordinator, "method", "written")
    coordinator.set_input_files(
        "input[name=signed_form]",
        files=[
            {"name": "samtycke.pdf", "mimeType": "application/pdf", "buffer": signed_pdf().read()}
        ],
    )
    tick(coordinator, "categories", "school")
    tick(coordinator, "categories", "social_services")
    tick(coordinator, "agencies", str(agencies["skola"].pk))
    tick(coordinator, "agencies", str(agencies["socialtjanst"].pk))
    fill(coordinator, "valid_to", str(timezone.localdate() + dt.timedelta(days=180)))
    select(coordinator, "tpl-informerad", "yes")
    select(coordinator, "tpl-ratt_att_aterkalla", "yes")
    select(coordinator, "tpl-tolk", "no")
    submit(coordinator, CASE_PAGE)
    assert status_on(coordinator) == "Samtycke lämnat"

    next_step(coordinator)
    choose(coordinator, "kind", "network")
    when = timezone.localtime() + dt.timedelta(days=7)
    fill(coordinator, "starts_at", when.strftime("%Y-%m-%d 14:00"))
    fill(coordinator, "place", "Centralskolan")
    tick(coordinator, "agencies", str(agencies["skola"].pk))
    tick(coordinator, "agencies", str(agencies["polis"].pk))
    submit(coordinator, "[data-testid=refusal]")
    refusal = coordinator.locator("[data-testid=refusal]").inner_text()
    assert "Samtycket omfattar inte" in refusal and agencies["polis"].name in refusal
    tick(coordinator, "agencies", str(agencies["polis"].pk), on=False)
    submit(coordinator, CASE_PAGE)
    assert status_on(coordinator) == "Möte planerat"

    next_step(coordinator)  # hold the meeting: attendance, protocol, the action plan
    today = timezone.localdate()
    tick(coordinator, "attended_agencies", str(agencies["skola"].pk))
    coordinator.locator("input[name=youth_attended]").check()
    fill(coordinator, "protocol", "Alla berättade om sin bild av Lou.")
    fill(coordinator, "next_follow_up", str(today + dt.timedelta(days=3)))
    fill(coordinator, "goal-0-text", "Lou är i skolan minst 90 % av tiden.")
    fill(coordinator, "action-0-text", "Extra stöd för att öka närvaron.")
    choose(coordinator, "action-0-party", "agency")
    choose(coordinator, "action-0-agency", str(agencies["skola"].pk))
    fill(coordinator, "action-0-due_date", str(today + dt.timedelta(days=30)))
    choose(coordinator, "action-0-goal", "1")
    for _more in range(4):  # a fifth action needs a row the page did not start with
        coordinator.locator("[data-testid=add-action]").click()
    fill(coordinator, "action-4-text", "Håller kontakt med föräldrarna.")
    choose(coordinator, "action-4-party", "agency")
    choose(coordinator, "action-4-agency", str(agencies["socialtjanst"].pk))
    fill(coordinator, "action-4-due_date", str(today + dt.timedelta(days=30)))
    # the protocol template asks only what the step does not (issue 12: no double entry)
    fill(coordinator, "tpl-bild_ungdom", "Lou vill klara skolan.")
    fill(coordinator, "tpl-riskfaktorer", "Frånvaro.")
    fill(coordinator, "tpl-skyddsfaktorer", "Fotbollen.")
    submit(coordinator, CASE_PAGE)
    assert status_on(coordinator) == "Pågående"
    assert "Extra stöd för att öka närvaron." in coordinator.content()
    assert "Håller kontakt med föräldrarna." in coordinator.content()

    assert timers.fire_due_timers() == 1  # what beat does: the follow-up is 3 days away
    case = Case.objects.get()
    # the municipality's own follow-up asks for other actions in rows (the default has none)
    publish_own_version(case.municipality, "follow_up", other_actions(required=True))
    coordinator.reload()
    next_step(coordinator)  # follow up: the action done, the goal met, close the case
    goal = case.plans.get().goals.get()
    for action in case.plans.get().actions.all():
        choose(coordinator, f"action_{action.pk}_status", "done")
    choose(coordinator, f"goal_{goal.pk}", "met")
    coordinator.locator("input[name=decision][value=close]").check()
    select(coordinator, "tpl-ovriga_insatser-0-part", str(agencies["skola"].pk))
    fill(coordinator, "tpl-ovriga_insatser-0-insats", "Plats i fotbollslaget.")
    select(coordinator, "tpl-ovriga_insatser-0-som_planerat", "yes")
    select(coordinator, "tpl-ovriga_insatser-0-forandring", "no")
    fill(coordinator, "tpl-ungdomens_syn", "Lou tycker att det går bättre.")
    select(coordinator, "tpl-samtycke_fortsatt", "yes")
    submit(coordinator, "text=Välj en avslutsorsak")  # shown next to the field
    # what was typed in the template is still there
    expect(coordinator.locator("input[name='tpl-ovriga_insatser-0-insats']")).to_have_value(
        "Plats i fotbollslaget."
    )
    choose(coordinator, "closure_reason", "goals_met")
    submit(coordinator, CASE_PAGE)
    assert status_on(coordinator) == "Avslutat"
    # the four filled-in templates on the case's second page, newest first
    coordinator.get_by_role("link", name="Historik och dokument").click()
    expect(coordinator.locator("nav.sspf-tabs [aria-current=page]")).to_have_text(
        "Historik och dokument"
    )
    forms = coordinator.locator("[data-testid=submissions] .sspf-submission h3")
    expect(forms).to_have_count(4)
    assert [title.split(" (")[0] for title in forms.all_inner_texts()] == [
        "Uppföljningsmall",
        "Protokollmall",
        "Samtyckesblankett",
        "Aktualisering – extra frågor",
    ]
