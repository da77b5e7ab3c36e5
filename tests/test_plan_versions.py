"""Issue 12 (7): a new meeting starts from the plan in force — its open goals and actions are
filled in to be kept, changed or ended — every version is readable with what changed, and the
deadline ladder follows the version in force without sending again what it already sent. And
(12) the goal picker shows the goals by their own words."""

import datetime as dt
import html
import json

import pytest
from django.utils import timezone

from casework.workflow import steps, timers
from notifications.models import Deadline, DeadlineKind
from sspf_flow import records, services
from sspf_flow.models import Action, Goal
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    case_in_progress,
    second_meeting_planned,
    template_answers,
    written_consent,
)
from tests.footprint import footprint
from tests.urlmap import task_url


@pytest.fixture
def case(refer, coordinator, consent_for, agencies):
    """The hold-meeting step of the case's second meeting is open (builders)."""
    return second_meeting_planned(refer, coordinator, consent_for, agencies)


@pytest.fixture
def v1(case):
    plan = case.current_plan()
    return plan, plan.goals.get(), plan.actions.get()


def page(client, coordinator, case):
    client.force_login(coordinator)
    task = steps.open_task(case, "hold_meeting")
    return task_url(task, "execute"), client.get(task_url(task, "execute")).content.decode()


def goal_options(page_html, row):
    attribute = page_html.split(f'name="action-{row}-goal"')[1].split('optgroups="')[1]
    groups = json.loads(html.unescape(attribute.split('"')[0]))
    return [group["options"]["label"] for group in groups]


def second_meeting(agencies, goal, action, **rows):
    """The hold-meeting POST: the carried goal and action as filled in, one new goal and one
    new action for social services serving it; ``rows`` override fields."""
    today = timezone.localdate()
    data = {
        "attended_agencies": [agencies["skola"].pk, agencies["socialtjanst"].pk],
        "youth_attended": "on",
        "protocol": "Vi gick igenom planen.",
        "next_follow_up": str(today + dt.timedelta(days=30)),
        "goal-TOTAL_FORMS": "3",
        "goal-INITIAL_FORMS": "1",
        "goal-0-carried": str(goal.pk),
        "goal-0-text": goal.text,
        "goal-1-text": "Lou har en fritidsaktivitet.",
        "action-TOTAL_FORMS": "5",
        "action-INITIAL_FORMS": "1",
        "action-0-carried": str(action.pk),
        "action-0-text": action.text,
        "action-0-party": "agency",
        "action-0-agency": str(agencies["skola"].pk),
        "action-0-due_date": str(action.due_date),
        "action-0-goal": "1",
        "action-1-text": "Prova på fotboll.",
        "action-1-party": "agency",
        "action-1-agency": str(agencies["socialtjanst"].pk),
        "action-1-due_date": str(today + dt.timedelta(days=20)),
        "action-1-goal": "2",
        **template_answers("protocol"),
    }
    data.update(rows)
    return {key: value for key, value in data.items() if value is not None}


def test_the_new_meeting_starts_from_the_plan_in_force(client, coordinator, case, v1):
    _plan, goal, action = v1

    _url, shown = page(client, coordinator, case)

    assert 'data-testid="carried-note"' in shown and "(version 1)" in shown
    assert f'name="goal-0-carried" value="{goal.pk}"' in shown
    assert f'name="goal-0-text" value="{goal.text}"' in shown
    assert f'name="action-0-carried" value="{action.pk}"' in shown
    assert f'name="action-0-text" value="{action.text}"' in shown
    assert "Mål 1 (överförd)" in shown and "Åtgärd 1 (överförd)" in shown
    assert "Avslutas vid detta möte: tas inte med i den nya planen" in shown


def test_the_meeting_weighs_each_carried_action_with_its_agency_s_latest_word(
    client, coordinator, users, case, v1
):
    records.update_action(v1[2], users["skola"], "ongoing", "Stödet har börjat.")

    _url, shown = page(client, coordinator, case)

    assert "Centralskolan angav" in shown and "Pågående. Stödet har börjat." in shown


def test_the_goal_picker_shows_the_goals_own_words_numbered_from_one(client, coordinator, case, v1):
    _url, shown = page(client, coordinator, case)

    assert goal_options(shown, 0) == [
        "---------",
        "1. Närvaro",
        "2. (målrad 2, inte ifylld ännu)",
        "3. (målrad 3, inte ifylld ännu)",
    ]


def test_a_met_goal_and_a_done_action_are_not_carried_over(client, coordinator, users, case, v1):
    _plan, goal, action = v1
    records.update_action(action, users["skola"], "done", "Klart.")
    Goal.objects.filter(pk=goal.pk).update(assessment="met")

    _url, shown = page(client, coordinator, case)

    assert 'name="goal-0-carried" value=' not in shown
    assert 'name="action-0-carried" value=' not in shown
    assert 'data-testid="carried-note"' in shown  # the plan in force is still named


def test_kept_changed_and_new_rows_make_version_two(client, coordinator, agencies, case, v1):
    _plan, goal, action = v1
    url, _shown = page(client, coordinator, case)
    later = action.due_date + dt.timedelta(days=14)

    response = client.post(
        url, second_meeting(agencies, goal, action, **{"action-0-due_date": str(later)})
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    v2 = case.current_plan()
    assert v2.version == 2
    kept_goal, new_goal = v2.goals.order_by("pk")
    assert kept_goal.carried_from == goal and new_goal.carried_from is None
    carried = v2.actions.get(carried_from=action)
    assert carried.due_date == later and carried.goal == kept_goal
    assert v2.actions.get(carried_from=None).goal == new_goal
    version_page = client.get(f"/sspf/{case.number}/plans/2/").content.decode()
    assert "ändrad: klart senast" in version_page  # what changed, in the field's words
    assert 'data-change="changed"' in version_page and 'data-change="new"' in version_page
    assert 'data-change="kept"' in version_page  # the goal "Närvaro", as it was
    assert client.get(f"/sspf/{case.number}/").content.decode().count("/plans/") == 2


def test_an_ended_action_leaves_the_new_version_and_the_ladder(
    client, coordinator, agencies, case, v1
):
    _plan, goal, action = v1
    url, _shown = page(client, coordinator, case)
    assert Deadline.objects.filter(kind=DeadlineKind.ACTION, object_id=action.pk).exists()

    response = client.post(url, second_meeting(agencies, goal, action, **{"action-0-end": "on"}))

    assert response.status_code == 302, response.content.decode()[:2000]
    v2 = case.current_plan()
    assert list(v2.actions.values_list("text", flat=True)) == ["Prova på fotboll."]
    assert not Deadline.objects.filter(kind=DeadlineKind.ACTION, object_id=action.pk).exists()
    version_page = client.get(f"/sspf/{case.number}/plans/2/").content.decode()
    assert f"<s>{action.text}</s>" in version_page and "avslutad vid mötet" in version_page
    # version 1 is still readable as it was
    assert action.text in client.get(f"/sspf/{case.number}/plans/1/").content.decode()


def test_a_carried_action_keeps_its_place_on_the_ladder(client, coordinator, agencies, case, v1):
    _plan, goal, action = v1
    Deadline.objects.filter(kind=DeadlineKind.ACTION, object_id=action.pk).update(level=2)
    url, _shown = page(client, coordinator, case)

    client.post(url, second_meeting(agencies, goal, action))

    carried = Action.objects.get(carried_from=action)
    row = Deadline.objects.get(kind=DeadlineKind.ACTION, object_id=carried.pk)
    assert row.level == 2  # the reminder already sent is not sent again
    assert not Deadline.objects.filter(kind=DeadlineKind.ACTION, object_id=action.pk).exists()


def test_an_action_naming_an_ended_goal_is_refused_next_to_the_field_and_nothing_is_written(
    client, coordinator, agencies, case, v1
):
    _plan, goal, action = v1
    url, _shown = page(client, coordinator, case)
    before = footprint(case)

    response = client.post(url, second_meeting(agencies, goal, action, **{"goal-0-end": "on"}))

    assert response.status_code == 200
    assert "Mål 1 är tomt eller avslutas vid detta möte." in response.content.decode()
    assert footprint(case) == before


def test_an_action_of_another_case_cannot_be_carried_over(
    refer, coordinator, consent_for, agencies, case, v1
):
    _plan, goal, _action = v1
    other = case_in_progress(refer, coordinator, consent_for, agencies)
    foreign = Action.objects.get(plan__case=other)
    meeting = case.meetings.get(status="planned")
    before = footprint(case)
    row = {
        "text": "Stöd",
        "party": "agency",
        "agency": agencies["skola"],
        "due_date": timezone.localdate() + dt.timedelta(days=9),
        "carried_from": foreign,
    }

    with pytest.raises(TransitionRefused) as refused:
        services.hold_meeting(
            case,
            coordinator,
            meeting,
            attended_agencies=[agencies["skola"]],
            youth_attended=False,
            guardians_attended=False,
            protocol="Protokoll.",
            goals=[{"text": goal.text, "carried_from": goal}],
            actions=[row],
            next_follow_up=timezone.localdate() + dt.timedelta(days=30),
        )

    assert "inte i den gällande planen" in " ".join(str(r) for r in refused.value.reasons)
    assert footprint(case) == before


def test_the_follow_up_shows_the_agency_s_word_given_before_the_action_was_carried_over(
    client, coordinator, users, agencies, case, v1
):
    _plan, goal, action = v1
    records.update_action(action, users["skola"], "ongoing", "Stödet har börjat.")
    url, _shown = page(client, coordinator, case)
    tomorrow = str(timezone.localdate() + dt.timedelta(days=1))
    client.post(url, second_meeting(agencies, goal, action, next_follow_up=tomorrow))
    carried = Action.objects.get(carried_from=action)
    assert carried.status == "ongoing"  # kept from the version before
    timers.fire_due_timers()
    task = steps.open_task(case, "follow_up")

    shown = client.get(task_url(task, "execute")).content.decode()

    assert "Centralskolan angav" in shown and "Stödet har börjat." in shown


def test_a_version_that_does_not_exist_is_not_found(client, coordinator, case):
    client.force_login(coordinator)
    assert client.get(f"/sspf/{case.number}/plans/9/").status_code == 404


def test_the_police_covered_for_their_own_category_never_see_the_school_s_action(
    client, users, agencies, coordinator, case, v1
):
    written_consent(case, coordinator, [agencies["polis"]], categories=["police"])
    client.force_login(users["polis"])

    shown = client.get(f"/sspf/{case.number}/plans/1/").content.decode()

    assert "Åtgärdsplan, version 1" in shown
    assert 'data-change="new"' in shown  # the goal, common ground of the collaboration
    assert "Centralskolan" not in shown.split('data-testid="plan-version"')[1]
    assert "Ingen insats som ni får läsa." in shown
