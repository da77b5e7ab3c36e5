"""Accessibility on the demo (issue 10): axe-core on each role's main pages and on the step
forms of the flow. The demo is loaded once for this module (its tests only read it, but for the
tasks the step forms take); the checker is ``tests/axe.py``."""

import pytest

from operative.models import Commitment, ConcernTalk, OperativeGroup, SigEntry, Top5Entry
from sspf_flow.models import Case
from tests.axe import AXE_JS, assert_accessible
from tests.browser import CHROMIUM, keep_the_demo, require
from tests.builders import take_open_task
from tests.urlmap import task_url

pytestmark = pytest.mark.browser
require(CHROMIUM, "Debian's chromium")
require(AXE_JS, "axe-core from npm (.ci/run installs it; or set AXE_JS)")
transactional_db = pytest.fixture(keep_the_demo, name="transactional_db")


DEMO_PASSWORD = "demo-sspf"

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
        "/accounts/2fa/manage/",  # two-factor sign-in: the own page (issue 15)
        "/accounts/2fa/setup/",  # enrolling an authenticator app: QR code and key
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
def demo(transactional_db):
    pass


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


def test_the_step_forms_pass_axe(demo, page_as, live_server):
    """The coordinator's form of each step of the flow (the demo has a case waiting at each)."""
    urls = [task_url(take_open_task(node, "anja"), "execute") for node in STEPS]
    assert_accessible(page_as("anja", DEMO_PASSWORD), live_server.url, urls)
