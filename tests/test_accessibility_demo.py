"""Accessibility on the demo (issue 10): axe-core on each role's main pages and on the step
forms of the flow. The demo is loaded once for this module (its tests only read it, but for the
tasks the step forms take); ``PAGES`` and the checker are in ``test_accessibility``."""

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from viewflow.workflow.status import STATUS

from casework.workflow.flows import CaseFlow
from operative.models import Commitment, ConcernTalk, OperativeGroup, SigEntry, Top5Entry
from sspf_flow.models import Case, CaseTask
from tests.conftest import keep_the_demo
from tests.test_accessibility import DEMO_PASSWORD, PAGES, STEPS, assert_accessible
from tests.urlmap import task_url

pytestmark = pytest.mark.browser
transactional_db = pytest.fixture(keep_the_demo, name="transactional_db")


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
