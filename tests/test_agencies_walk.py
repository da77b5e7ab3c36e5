"""Issue 12's acceptance walk in a real browser (Chromium through Playwright): before the second
meeting the school gives its picture of the young person and says how its action goes; the
coordinator sees both at the meeting and at the follow-up after it; the police, whose consent
covers only their own category, never see the school's referral text or its picture."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.workflow import steps, timers
from sspf_flow import services
from tests.browser import CHROMIUM, require
from tests.builders import second_meeting_planned, written_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require(CHROMIUM, "Debian's chromium")
expect.set_options(timeout=15_000)

REFERRAL_TEXT = "Ökad frånvaro."  # the school's referral (tests/conftest.py refer)
KNOWS = "Lou har varit borta två dagar i veckan sedan oktober."
WORD = "Mentorn träffar Lou varje måndag."


def field(page, name):
    return page.locator(f"input[name='{name}'], textarea[name='{name}']").first


def save(page, then):
    """Press the page's button; wait for the page it leads to (a URL pattern)."""
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(then))
    page.wait_for_load_state("networkidle")


@pytest.fixture
def case(refer, coordinator, consent_for, agencies):
    """Plan v1 holds the school's action; a follow-up called a new meeting with the school and
    social services; the police are covered for their own category only."""
    case = second_meeting_planned(refer, coordinator, consent_for, agencies)
    written_consent(case, coordinator, [agencies["polis"]], categories=["police"])
    return case


def test_the_agencies_prepare_and_the_coordinator_sees_it_the_police_see_only_theirs(
    page_as, live_server, case, coordinator, agencies
):
    school = page_as("sara")
    school.goto(f"{live_server.url}/sspf/dashboard/")
    school.locator("[data-testid=agency-to-prepare] a[href*='/picture/']").first.click()
    school.wait_for_load_state("networkidle")
    field(school, "knows").fill(KNOWS)
    field(school, "does").fill("Mentorssamtal varje vecka.")
    field(school, "strengths").fill("Lou gillar idrotten.")
    field(school, "risks").fill("Frånvaron ökar.")
    save(school, r"/sspf/SSPF-\d{4}-\d{4}/$")  # back on the case page

    school.goto(f"{live_server.url}/sspf/dashboard/")
    school.locator("[data-testid=agency-actions] a[href*='/actions/']").first.click()
    school.wait_for_load_state("networkidle")
    school.locator("input[name=status][value=ongoing]").check()
    field(school, "comment").fill(WORD)
    save(school, r"/sspf/(dashboard|SSPF-\d{4}-\d{4})/$")  # back where it came from

    coordinator_page = page_as("anja")
    coordinator_page.goto(f"{live_server.url}{case.get_absolute_url()}")
    coordinator_page.locator("[data-testid=next-steps] a.mdc-button--raised").click()
    coordinator_page.wait_for_load_state("networkidle")
    pictures = coordinator_page.locator("[data-testid=pictures]")
    expect(pictures).to_contain_text(KNOWS)  # the school's picture, at the meeting
    # its word on the action, beside the action carried over from the plan in force
    expect(coordinator_page.locator("form.vf-form")).to_contain_text(WORD)
    expect(field(coordinator_page, "action-0-text")).to_have_value("Stöd")

    # the meeting is recorded (keeping the plan), and at the follow-up after it the coordinator
    # reads the school's picture and its word again
    v1 = case.current_plan()
    goal, action = v1.goals.get(), v1.actions.get()
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(
            case,
            coordinator,
            case.meetings.get(status="planned"),
            attended_agencies=[agencies["skola"]],
            youth_attended=True,
            guardians_attended=False,
            protocol="Vi gick igenom planen.",
            goals=[{"text": goal.text, "carried_from": goal}],
            actions=[
                {
                    "text": action.text,
                    "party": "agency",
                    "agency": agencies["skola"],
                    "due_date": action.due_date,
                    "carried_from": action,
                }
            ],
            next_follow_up=timezone.localdate() + dt.timedelta(days=1),
        ),
    )
    assert timers.fire_due_timers() == 1  # what beat does: the follow-up opens
    carried = case.current_plan().actions.get()
    coordinator_page.goto(f"{live_server.url}{case.get_absolute_url()}")
    coordinator_page.locator("[data-testid=next-steps] a.mdc-button--raised").click()
    coordinator_page.wait_for_load_state("networkidle")
    expect(coordinator_page.locator("[data-testid=pictures]")).to_contain_text(KNOWS)
    expect(coordinator_page.locator("form.vf-form")).to_contain_text("Centralskolan angav")
    expect(field(coordinator_page, f"action_{carried.pk}_comment")).to_have_value(WORD)

    police = page_as("per")
    police.goto(f"{live_server.url}{case.get_absolute_url()}")
    shown = police.content()
    assert case.number in shown
    assert REFERRAL_TEXT not in shown and KNOWS not in shown
    police.goto(f"{live_server.url}{case.get_absolute_url()}history/")
    assert REFERRAL_TEXT not in police.content() and KNOWS not in police.content()
    police.goto(f"{live_server.url}/sspf/{case.number}/plans/1/")
    assert "Stöd" not in police.locator("[data-testid=plan-version] tbody").last.inner_text()
