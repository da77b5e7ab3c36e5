"""The demo: a newcomer logs in as each role and lands where that role works."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from casework.demo_history import FIRST
from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from operative.models import OperativeGroup
from sspf_flow.models import Case, Party, Status
from tests.builders import DEMO_LANDINGS


@pytest.fixture
def demo(demo_in_module, db, settings):
    settings.SSPF_DEMO = True


def test_demo_has_a_case_in_every_state(demo):
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)


def test_lou_is_walked_to_follow_up_with_the_seed_action_plan(demo):
    lou = Case.objects.get(youth__first_name="Lou")
    assert lou.status == Status.IN_PROGRESS
    plan = lou.plans.get()
    agencies = {a.agency.kind for a in plan.actions.filter(party=Party.AGENCY)}
    assert agencies == {"skola", "socialtjanst", "polis", "fritid"}
    assert plan.actions.filter(party=Party.YOUTH).exists()
    assert plan.actions.filter(party=Party.GUARDIAN).exists()
    assert plan.goals.count() == 3
    follow_up = steps.open_task(lou, "follow_up")
    assert follow_up.owner.username == "anja"


def test_every_accepted_demo_case_has_its_assessment_of_risk_need_and_receptivity(demo):
    accepted = Case.objects.filter(accepted_at__isnull=False)
    assert accepted.exists()
    for case in accepted:
        assessment = case.assessments.order_by("at", "pk").first()
        assert assessment.occasion == "acceptance" and case.risk_level == assessment.risk_level
    lou = Case.objects.get(youth__first_name="Lou").assessments.get()
    assert (lou.risk_level, lou.need, lou.receptivity) == ("high", "extensive", "adapt")


def test_loading_twice_changes_nothing(demo, capsys):
    call_command("load_demo")
    assert Case.objects.count() == 8 + len(FIRST)  # and the earlier terms' cases
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.parametrize("username", DEMO_LANDINGS)
def test_each_role_lands_on_its_own_work_in_the_shell(demo, client, username):
    assert client.login(username=username, password="demo-sspf")
    response = client.get("/", follow=True)
    url, work = DEMO_LANDINGS[username]
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert f'data-testid="{work}"' in page
    # the shell: the user's name, the municipality, one menu and the logout
    user = User.objects.get(username=username)
    assert (user.get_full_name() or username) in page
    assert page.count('data-testid="shell-menu"') == 1
    assert 'data-testid="shell-logout"' in page
    assert "Django Material" not in page


def test_the_coordinators_inbox_shows_lous_follow_up(demo, client):
    client.login(username="anja", password="demo-sspf")
    lou = Case.objects.get(youth__first_name="Lou")
    task = steps.open_task(lou, "follow_up")
    inbox = client.get(CaseFlow.instance.reverse("inbox")).content.decode()
    assert f"/{task.pk}/" in inbox


@pytest.mark.parametrize("username", ["stina", "adam"])
def test_steering_group_and_admin_see_no_case(demo, client, username):
    client.login(username=username, password="demo-sspf")
    page = client.get("/", follow=True).content.decode()
    assert "SSPF-" not in page and "Lou" not in page
    assert client.get("/sspf/list/").status_code in (302, 403)


def test_the_demo_shows_the_records_beside_the_process(demo):
    lou = Case.objects.get(youth__first_name="Lou")
    assert lou.concern_reports.get().agency.kind == "polis"  # seed 004: the police reported
    assert lou.journal.exists()
    elias = Case.objects.get(youth__first_name="Elias")
    assert elias.consultation.outcome == "referral"


def test_the_demo_has_an_operative_group_with_two_held_meetings_and_one_upcoming(demo, client):
    group = OperativeGroup.objects.get()
    roles = dict(group.members.values_list("user__username", "role"))
    assert roles["sven"] == "chair" and roles["per"] == "secretary"
    assert set(group.members.values_list("agency__kind", flat=True)) == {
        "skola",
        "socialtjanst",
        "polis",
        "fritid",
        "trygghet",
    }
    assert group.meetings.filter(status="held").exclude(minutes="").count() == 2
    assert [m.present.count() for m in group.meetings.filter(status="held")] == [5, 5]
    assert group.meetings.filter(status="planned", starts_at__gt=timezone.now()).exists()
    client.force_login(User.objects.get(username="sara"))
    page = client.get("/sspf/dashboard/").content.decode()
    assert "Nästa möte i Operativa gruppen Centrum" in page


def test_the_demo_groups_upcoming_meeting_has_its_agenda(demo, client):
    """Two agencies' pictures of the area, one group of young people, and the individual level
    from the demo cases: all of them for the coordinator, fewer for the school."""
    group = OperativeGroup.objects.get()
    upcoming = group.meetings.filter(status="planned").order_by("starts_at").first()
    assert upcoming.area_pictures.count() == 2 and upcoming.group_items.count() == 1
    url = f"/operative/meetings/{upcoming.pk}/agenda/"
    client.force_login(User.objects.get(username="anja"))
    everything = client.get(url).content.decode()
    client.force_login(User.objects.get(username="sara"))
    school = client.get(url).content.decode()
    assert "fältassistenter på torget" in school and "En grupp om fyra–fem pojkar" in school
    # the joint commitments of the held meetings, followed up: one done, one still open
    assert "Gemensamma åtaganden att följa upp" in school
    assert "Klart: Kvällsöppet hölls alla fyra fredagarna" in school
    assert "Skolan och fritid planerar en gemensam aktivitet för årskurs 8." in school
    assert "Öppet" in school
    shown = {case.number for case in Case.objects.all() if case.number in everything}
    assert shown, "the coordinator's agenda lists demo cases"
    assert {number for number in shown if number in school} < shown


def test_the_demo_shows_a_steering_report_with_history(demo, client):
    """Issue 14: the steering group's report has earlier terms to compare with and trend."""
    client.force_login(User.objects.get(username="stina"))
    page = client.get("/steering/").content.decode()
    trend = page[page.index('data-testid="trend"') :]
    trend = trend[: trend.index("</table>")]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', trend)]
    assert sum(counts) > 30  # eighteen months of referrals, closures and ongoing cases
    assert "Lou" not in page and "Demoberg" not in page and "SSPF-" not in page  # no one
