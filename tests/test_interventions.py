"""Issue 14 (2): the municipality's catalogue of interventions — seeded for every municipality,
edited by the administrator, protected while actions use it — and the actions that pick from
it (or "other") at every meeting that writes the plan, shown beside the action under the same
information categories as the action itself."""

import datetime as dt
import html
import importlib
import json

import pytest
from django.apps import apps
from django.utils import timezone

from casework.workflow import steps
from sspf_flow import services
from sspf_flow.models import Action, ActionPlan, Intervention
from sspf_flow.models.outcome import DEFAULT_INTERVENTIONS
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    hold_meeting_post,
    meeting_record,
    second_meeting_planned,
    walk_to_meeting_planned,
)
from tests.urlmap import task_url

MIGRATION = importlib.import_module("sspf_flow.migrations.0026_intervention_catalogue")
DEFAULT_NAMES = [name for name, _kind in DEFAULT_INTERVENTIONS]


def catalogue(municipality):
    return list(municipality.interventions.order_by("position").values_list("name", flat=True))


def entry(municipality, name):
    return municipality.interventions.get(name=name)


# --- the catalogue ------------------------------------------------------------------------------


def test_a_new_municipality_starts_with_the_default_catalogue(municipality):
    assert catalogue(municipality) == DEFAULT_NAMES
    assert entry(municipality, "Anpassat schema").agency_kind == "skola"
    assert all(municipality.interventions.values_list("active", flat=True))


def test_the_migration_gives_every_existing_municipality_the_catalogue_once(
    municipality, other_municipality
):
    Intervention.objects.all().delete()  # as installed before the catalogue
    municipality.interventions.create(name="RePulse", position=5, active=False)

    MIGRATION.seed(apps, None)
    MIGRATION.seed(apps, None)  # run again: nothing more

    assert catalogue(other_municipality) == DEFAULT_NAMES
    assert sorted(catalogue(municipality)) == sorted(DEFAULT_NAMES)
    assert entry(municipality, "RePulse").active is False  # its own entry is left as it was


def test_the_migration_seeds_what_a_new_municipality_gets():
    assert [(name, str(kind)) for name, kind in DEFAULT_INTERVENTIONS] == MIGRATION.DEFAULTS


def test_the_administrator_reaches_and_edits_the_catalogue(client, admin_user, municipality):
    client.force_login(admin_user)
    hub = client.get("/administration/").content.decode()
    assert "/admin/sspf_flow/intervention/" in hub and "Insatskatalog" in hub
    listing = client.get("/admin/sspf_flow/intervention/").content.decode()
    assert "RePulse" in listing and "Anpassat schema" in listing
    repulse = entry(municipality, "RePulse")

    response = client.post(
        f"/admin/sspf_flow/intervention/{repulse.pk}/change/",
        {
            "municipality": municipality.pk,
            "name": "RePulse (ART)",
            "agency_kind": "socialtjanst",
            "position": 20,
            # "active" unticked: no longer in use
        },
    )

    assert response.status_code == 302
    repulse.refresh_from_db()
    assert (repulse.name, repulse.active, repulse.position) == ("RePulse (ART)", False, 20)
    added = client.post(
        "/admin/sspf_flow/intervention/add/",
        {"municipality": municipality.pk, "name": "Mentorsprogram", "active": "on", "position": 11},
    )
    assert added.status_code == 302 and entry(municipality, "Mentorsprogram").active
    twice = client.post(
        "/admin/sspf_flow/intervention/add/",
        {"municipality": municipality.pk, "name": "Mentorsprogram", "position": 12},
    )
    assert twice.status_code == 200 and municipality.interventions.count() == 11


@pytest.fixture
def held(refer, coordinator, consent_for, agencies):
    """A case whose meeting wrote plan v1 with ``actions`` (dicts), through the services."""

    def held(*actions):
        scope = [agencies["skola"], agencies["socialtjanst"]]
        case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
        record = meeting_record(scope, actions=list(actions))
        steps.complete(
            case,
            "hold_meeting",
            coordinator,
            lambda: services.hold_meeting(case, coordinator, meeting, **record),
        )
        return case

    return held


def row(text, agency=None, intervention=None, party="agency", **more):
    return {
        "text": text,
        "party": party,
        "agency": agency,
        "due_date": timezone.localdate() + dt.timedelta(days=30),
        "goal": 0,
        "intervention": intervention,
        **more,
    }


def test_an_intervention_actions_use_cannot_be_deleted_and_the_admin_says_why(
    client, admin_user, municipality, agencies, held
):
    repulse = entry(municipality, "RePulse")
    held(row("Hemlig åtgärdstext", agencies["socialtjanst"], repulse))
    client.force_login(admin_user)
    url = f"/admin/sspf_flow/intervention/{repulse.pk}/delete/"

    page = client.get(url).content.decode()
    refused = client.post(url, {"post": "yes"})

    assert "1 åtgärd använder insatsen, så den kan inte tas bort" in page
    assert "Bocka i stället ur ”i bruk”" in page
    assert "Hemlig åtgärdstext" not in page  # the admin reads no case
    assert refused.status_code == 200 and Intervention.objects.filter(pk=repulse.pk).exists()
    unused = entry(municipality, "MiniMaria")
    done = client.post(f"/admin/sspf_flow/intervention/{unused.pk}/delete/", {"post": "yes"})
    assert done.status_code == 302 and not Intervention.objects.filter(pk=unused.pk).exists()


# --- actions pick from it -----------------------------------------------------------------------


@pytest.fixture
def planned(refer, coordinator, consent_for, agencies):
    """A case whose first meeting is planned: its hold-meeting step is open."""
    scope = [agencies["skola"], agencies["socialtjanst"]]
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    return case


def step_url(case):
    return task_url(steps.open_task(case, "hold_meeting"), "execute")


def options(page, row_number):
    """The intervention picker of an action row: {label: (value, selected)}."""
    attribute = page.split(f'name="action-{row_number}-intervention"')[1].split('optgroups="')[1]
    groups = json.loads(html.unescape(attribute.split('"')[0]))
    return {
        g["options"]["label"]: (g["options"]["value"], g["options"]["selected"]) for g in groups
    }


def test_the_step_offers_the_catalogue_in_use_and_other(
    client, coordinator, municipality, other_municipality, planned
):
    municipality.interventions.filter(name="MiniMaria").update(active=False)
    client.force_login(coordinator)

    offered = options(client.get(step_url(planned)).content.decode(), 0)

    assert list(offered)[0] == "Annat (beskriv i texten)"
    assert offered["RePulse"] == (str(entry(municipality, "RePulse").pk), False)
    assert "MiniMaria" not in offered  # no longer in use
    assert len(offered) == len(DEFAULT_NAMES)  # "other", and none of the neighbour's
    assert str(entry(other_municipality, "RePulse").pk) not in {v for v, _s in offered.values()}


def test_an_action_picks_an_intervention_and_another_is_other(
    client, coordinator, municipality, agencies, planned
):
    client.force_login(coordinator)
    schedule = entry(municipality, "Anpassat schema")
    data = hold_meeting_post(
        [agencies["skola"].pk],
        agencies["skola"],
        **{
            "action-TOTAL_FORMS": "2",
            "action-0-intervention": str(schedule.pk),
            "action-1-text": "Lou berättar om sin vecka.",
            "action-1-party": "youth",
            "action-1-due_date": str(timezone.localdate() + dt.timedelta(days=14)),
        },
    )

    response = client.post(step_url(planned), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    actions = {a.text: a.intervention for a in planned.current_plan().actions.all()}
    assert actions == {
        "Extra stöd för att öka närvaron.": schedule,
        "Lou berättar om sin vecka.": None,
    }


def test_another_municipality_s_intervention_is_refused_at_the_field(
    client, coordinator, other_municipality, agencies, planned
):
    client.force_login(coordinator)
    foreign = entry(other_municipality, "RePulse")
    data = hold_meeting_post(
        [agencies["skola"].pk], agencies["skola"], **{"action-0-intervention": str(foreign.pk)}
    )

    response = client.post(step_url(planned), data)

    assert response.status_code == 200
    assert "Välj en insats ur kommunens insatskatalog, eller ”Annat”." in response.content.decode()
    assert not ActionPlan.objects.filter(case=planned).exists()


def test_the_door_refuses_a_foreign_entry_and_one_no_longer_in_use(
    coordinator, municipality, other_municipality, agencies, planned
):
    meeting = planned.meetings.get()
    retired = entry(municipality, "MiniMaria")
    Intervention.objects.filter(pk=retired.pk).update(active=False)
    retired.refresh_from_db()
    for intervention, reason in (
        (entry(other_municipality, "RePulse"), "Välj en insats ur kommunens insatskatalog"),
        (retired, "”MiniMaria” används inte längre"),
    ):
        record = meeting_record(
            [agencies["skola"]], actions=[row("Stöd", agencies["skola"], intervention)]
        )
        with pytest.raises(TransitionRefused, match=reason):
            services.hold_meeting(planned, coordinator, meeting, **record)
    assert not ActionPlan.objects.filter(case=planned).exists()


@pytest.fixture
def second(refer, coordinator, consent_for, agencies, municipality):
    """The second meeting's step is open; v1's action (the school's "Stöd") is an adapted
    timetable, which the municipality has since stopped using."""
    case = second_meeting_planned(refer, coordinator, consent_for, agencies)
    schedule = entry(municipality, "Anpassat schema")
    Action.objects.filter(plan__case=case).update(intervention=schedule)
    Intervention.objects.filter(pk=schedule.pk).update(active=False)
    return case, schedule


def carried_post(agencies, action, **rows):
    today = timezone.localdate()
    return hold_meeting_post(
        [agencies["skola"].pk],
        agencies["skola"],
        **{
            "goal-0-text": "Närvaro",
            "action-TOTAL_FORMS": "2",
            "action-INITIAL_FORMS": "1",
            "action-0-carried": str(action.pk),
            "action-0-text": action.text,
            "action-0-due_date": str(action.due_date),
            "action-0-goal": "1",
            "action-1-text": "",
            "action-1-party": "agency",
            "action-1-agency": str(agencies["skola"].pk),
            "action-1-due_date": str(today + dt.timedelta(days=10)),
            **rows,
        },
    )


def test_a_carried_over_action_keeps_its_intervention_no_longer_in_use(
    client, coordinator, agencies, second
):
    case, schedule = second
    action = case.current_plan().actions.get()
    client.force_login(coordinator)
    url = step_url(case)

    page = client.get(url).content.decode()
    assert options(page, 0)["Anpassat schema"] == (str(schedule.pk), True)  # the carried row's
    assert "Anpassat schema" not in options(page, 1)  # a new row is not offered it
    kept = client.post(
        url, carried_post(agencies, action, **{"action-0-intervention": str(schedule.pk)})
    )

    assert kept.status_code == 302, kept.content.decode()[:3000]
    carried = case.current_plan().actions.get()
    assert carried.carried_from == action and carried.intervention == schedule


def test_a_new_row_cannot_take_an_entry_no_longer_in_use(client, coordinator, agencies, second):
    case, schedule = second
    action = case.current_plan().actions.get()
    client.force_login(coordinator)
    data = carried_post(
        agencies,
        action,
        **{
            "action-0-intervention": str(schedule.pk),
            "action-1-text": "Nytt schema",
            "action-1-intervention": str(schedule.pk),
        },
    )

    response = client.post(step_url(case), data)

    assert response.status_code == 200 and case.plans.count() == 1
    assert "Välj en insats ur kommunens insatskatalog" in response.content.decode()


def test_write_keeps_a_carried_row_s_intervention_when_the_row_names_none(
    coordinator, municipality, agencies, second
):
    case, schedule = second
    action = case.current_plan().actions.get()
    carried = row("Stöd", agencies["skola"], carried_from=action)
    del carried["intervention"]
    other = row("Annat stöd", agencies["skola"], carried_from=None)

    plan = ActionPlan.objects.write(
        case, None, [{"text": "Närvaro"}], [carried, other], coordinator, timezone.now()
    )

    assert {a.text: a.intervention_id for a in plan.actions.all()} == {
        "Stöd": schedule.pk,
        "Annat stöd": None,
    }
