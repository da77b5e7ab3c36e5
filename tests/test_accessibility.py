"""Accessibility (WCAG 2.1 AA, issue 10): axe-core, run in Chromium on each role's main pages
and on the step forms of the flow, finds no serious or critical violation; the referral form
can be filled in and sent with the keyboard alone, and the menu opened from its button.

axe-core comes from the npm registry (``.ci/run`` installs it and sets ``AXE_JS``); on a
laptop without it, or without Chromium, these tests skip."""

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect
from viewflow.workflow.status import STATUS

from casework.workflow.flows import CaseFlow
from operative.models import Commitment, ConcernTalk, OperativeGroup, SigEntry, Top5Entry
from sspf_flow.models import Case, CaseTask
from tests.browser import CHROMIUM, require
from tests.builders import born_aged
from tests.urlmap import task_url

AXE_JS = os.environ.get("AXE_JS") or str(
    Path(__file__).resolve().parent.parent / "var/axe/node_modules/axe-core/axe.min.js"
)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require(CHROMIUM, "Debian's chromium")
require(AXE_JS, "axe-core from npm (.ci/run installs it; or set AXE_JS)")

DEMO_PASSWORD = "demo-sspf"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}

# Each role's main pages in the demo ("{lou}": the number of Lou's case, which every agency
# of her consent may open); "/" is where the role lands.
PAGES = {
    "anja": [  # the coordinator
        "/",
        "/case/inbox/",
        "/case/queue/",
        "/case/archive/",
        "/sspf/list/",
        "/sspf/{lou}/",
        "/sspf/{lou}/history/",
        "/case/start/",
        "/sspf/consultations/",
        "/sspf/consultations/new/",
        "/sspf/notifications/",
        "/sspf/handover/",  # absence: hand over a coordinator's cases
        "/sspf/{lou}/coordinator/",  # change the case's coordinator
        "/sspf/{lou}/plans/1/",  # a version of the action plan with what changed
        "/operative/meetings/{group_meeting}/agenda/",  # the whole individual level
        "/operative/meetings/{group_meeting}/possible-referral/",
        "/steering/",  # the steering report (issue 14), which the coordinator presents
        "/register/",  # register extracts (issue 14, 7)
        "/sspf/{lou}/social-intervention/",  # the needs-assessed intervention
        "/sign-ins/",  # the user's own sign-ins (issue 15)
    ],
    "sara": [  # the school
        "/",
        "/sspf/{lou}/",
        "/sspf/{lou}/history/",
        "/sspf/referrals/",
        "/sspf/{lou}/actions/{action}/",  # the school's update of its action
        "/sspf/{lou}/incidents/new/",  # an incident report
        "/sspf/{lou}/meetings/{meeting}/protocol/",  # a held meeting's protocol, to print
        "/sspf/{alva}/meetings/{planned}/picture/",  # the school's picture before a meeting
    ],
    "per": [  # the police, secretary of the operative group (issue 13)
        "/",
        "/operative/",
        "/operative/{group}/",
        "/operative/meetings/{group_meeting}/",
        "/operative/{group}/plan/",
        "/operative/meetings/{group_meeting}/move/",
        "/operative/meetings/{group_meeting}/cancel/",
        "/operative/meetings/{group_meeting}/agenda/",  # the agenda (issue 13, 2)
        "/operative/meetings/{group_meeting}/area/",  # the police's picture of the area
        "/operative/meetings/{group_meeting}/group-level/",
        "/operative/meetings/{held_meeting}/",  # the minutes: present, commitments (13, 3)
        "/operative/meetings/{held_meeting}/minutes/",  # attendance as a group of checkboxes
        "/operative/meetings/{held_meeting}/commitments/new/",
        "/operative/commitments/{commitment}/",  # the secretary keeps its status
        "/operative/{group}/top5/",  # Top 5 (issue 13, 5): the list, a person, the forms
        "/operative/{group}/top5/add/",
        "/operative/top5/{top5_entry}/",
        "/operative/top5/{top5_entry}/end/",
        "/operative/{group}/top5/evaluation/",
        # Youngsters (issue 13, 4): Elias Berg's track, his follow-up planned
        "/operative/{group}/youngsters/",
        "/operative/{group}/youngsters/new/",
        "/operative/youngsters/{track}/",
        "/operative/youngsters/{track}/plan/",
        "/operative/youngsters/{track}/close/",
        "/operative/youngsters/talks/{talk}/held/",
        "/operative/youngsters/measures/{measure}/",
        # SIG (issue 13, 6): the priority list, a person, the status note's radio groups
        "/operative/{group}/sig/",
        "/operative/sig/{sig_entry}/",
        "/operative/sig/{sig_entry}/status/",
        "/operative/sig/{sig_entry}/close/",
    ],
    "stina": [  # the steering group: its report and Top 5's evaluation, which names no one
        "/",
        "/steering/?kind=year&year=2025",  # a year beside the year before, its charts
        "/steering/?kind=dates&start=2026-05-01&end=2026-04-01",  # a refused period
        "/operative/top5/evaluations/",
        "/operative/{group}/top5/evaluation/",
    ],
    "adam": ["/", "/log/", "/forms/", "/administration/gallring/"],  # the administrator
    "maria": ["/log/", "/log/youth/", "/log/roles/"],  # Anja's manager
    "cornelia": ["/", "/operative/sig/coached/"],  # social services' youth coach in SIG
}
STEPS = ["assess", "obtain_consent", "plan_meeting", "hold_meeting", "follow_up"]


@pytest.fixture
def demo(settings):
    settings.SSPF_DEMO = True
    call_command("load_demo")


def audit(page, url):
    """Open ``url`` and run axe on it; the serious and critical violations, one line per rule
    and element."""
    page.goto(url)
    # evaluated through the DevTools protocol: a <script> tag with axe inline would be refused
    # by the Content-Security-Policy (issue 15), as any inline script is
    page.evaluate(Path(AXE_JS).read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    path = urlsplit(page.url).path  # where the page landed
    return [
        f"{path} [{violation['impact']}] {violation['id']}: {' '.join(node['target'])}"
        f"\n    {node['failureSummary'].replace(chr(10), ' ')}\n    {node['html'][:200]}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def assert_accessible(page, base_url, urls):
    found = [line for url in urls for line in audit(page, base_url + url)]
    assert not found, "axe (WCAG 2.1 AA) found serious or critical violations:\n" + "\n".join(found)


@pytest.mark.parametrize("username", PAGES)
def test_each_roles_main_pages_pass_axe(demo, page_as, live_server, username):
    lou = Case.objects.get(youth__first_name="Lou")
    action = lou.current_plan().actions.filter(agency__kind="skola").first()
    page = page_as(username, DEMO_PASSWORD)
    meeting = lou.meetings.filter(status="held").first()
    alva = Case.objects.get(youth__first_name="Alva")
    planned = alva.meetings.get(status="planned")
    group = OperativeGroup.objects.get()
    talk = ConcernTalk.objects.get(status="planned")  # Elias Berg's follow-up (Youngsters)
    urls = [
        url.format(
            lou=lou.number,
            action=action.pk,
            meeting=meeting.pk,
            alva=alva.number,
            planned=planned.pk,
            group=group.pk,
            group_meeting=group.meetings.filter(status="planned").first().pk,
            held_meeting=group.meetings.filter(status="held").last().pk,
            commitment=Commitment.objects.filter(status="open").first().pk,
            top5_entry=Top5Entry.objects.filter(ended_on__isnull=True).first().pk,
            track=talk.track_id,
            talk=talk.pk,
            measure=talk.track.talks.get(status="held").measures.first().pk,
            sig_entry=SigEntry.objects.filter(closed_on__isnull=True, joined_on__isnull=False)
            .first()
            .pk,
        )
        for url in PAGES[username]
    ]
    assert_accessible(page, live_server.url, urls)


def take_open_task(node, username):
    """The demo's open task at ``node``, taken by ``username`` if nobody has it."""
    task = CaseTask.objects.get(
        flow_task=getattr(CaseFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    if task.owner_id is None:
        with transaction.atomic(), task.activation() as activation:
            activation.assign(User.objects.get(username=username))
    return task


def test_the_step_forms_pass_axe(demo, page_as, live_server):
    """The coordinator's form of each step of the flow (the demo has a case waiting at each)."""
    urls = [task_url(take_open_task(node, "anja"), "execute") for node in STEPS]
    assert_accessible(page_as("anja", DEMO_PASSWORD), live_server.url, urls)


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
    page.wait_for_function("document.activeElement.closest('.mdc-select__menu') !== null")


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
    school.wait_for_function("document.activeElement.closest('aside.vf-page__menu') !== null")
    assert focused(school)["href"] == "/sspf/dashboard/"
    school.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert focused(school)["text"] == "menu"
