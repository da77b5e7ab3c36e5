"""The coordinator's case list and case page."""

import pytest

from casework.workflow import steps
from sspf_flow import services
from tests.builders import accept_step, assessed, walk_to_meeting_planned


def test_case_list_filters_by_status(client, refer, coordinator):
    waiting, new = refer(), refer()
    steps.complete(
        waiting,
        "assess",
        coordinator,
        lambda: services.accept_referral(waiting, coordinator, assessed()),
    )
    client.force_login(coordinator)
    page = client.get("/sspf/list/", {"status": "awaiting_consent"}).content.decode()
    assert waiting.number in page and new.number not in page


def test_case_list_filters_by_coordinator(client, refer, coordinator, users):
    mine, unassigned = refer(), refer()
    accept_step(mine, coordinator)
    client.force_login(coordinator)
    page = client.get("/sspf/list/", {"coordinator": coordinator.pk}).content.decode()
    assert mine.number in page and unassigned.number not in page


def test_case_list_filters_by_programme(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    assert case.number in client.get("/sspf/list/", {"programme": "sspf"}).content.decode()
    assert case.number not in client.get("/sspf/list/", {"programme": "top5"}).content.decode()


def test_case_page_offers_the_coordinator_the_next_step(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    page = client.get(f"/sspf/{case.number}/").content.decode()
    task = steps.open_task(case, "assess")
    assert f"/case/{task.process_id}/assess/{task.pk}/" in page
    assert f"/sspf/{case.number}/close/" in page


def test_a_consented_agency_sees_the_case_but_cannot_act(
    client, refer, coordinator, users, agencies, consent_for
):
    case = refer()
    accept_step(case, coordinator)
    steps.complete(
        case, "obtain_consent", coordinator, lambda: consent_for(case, [agencies["polis"]])
    )
    client.force_login(users["polis"])
    page = client.get(f"/sspf/{case.number}/").content.decode()
    assert case.number in page
    assert "/close/" not in page and "/plan_meeting/" not in page


def test_coordinator_filter_lists_only_the_own_municipality(
    client, coordinator, foreign_coordinator
):
    client.force_login(coordinator)
    choices = client.get("/sspf/list/").context["view"].filterset.form["coordinator"]
    names = {label for _value, label in choices.field.choices}
    assert str(coordinator) in names
    assert str(foreign_coordinator) not in names


def test_an_action_naming_an_empty_goal_row_is_refused_next_to_the_field(
    client, refer, coordinator, consent_for, agencies
):
    import datetime as dt

    from django.utils import timezone

    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [agencies["skola"]])
    task = steps.open_task(case, "hold_meeting")
    client.force_login(coordinator)
    today = timezone.localdate()
    response = client.post(
        f"/case/{task.process_id}/hold_meeting/{task.pk}/execute/",
        {
            "attended_agencies": [agencies["skola"].pk],
            "protocol": "Protokoll.",
            "next_follow_up": str(today + dt.timedelta(days=30)),
            "goal-TOTAL_FORMS": "2",
            "goal-INITIAL_FORMS": "0",
            "goal-0-text": "Närvaro",
            "goal-1-text": "",
            "action-TOTAL_FORMS": "1",
            "action-INITIAL_FORMS": "0",
            "action-0-text": "Stöd",
            "action-0-party": "agency",
            "action-0-agency": agencies["skola"].pk,
            "action-0-due_date": str(today + dt.timedelta(days=20)),
            "action-0-goal": "2",
        },
    )
    assert response.status_code == 200
    assert response.context["action_formset"].forms[0].errors["goal"]
    case.refresh_from_db()
    assert case.status == "meeting_planned" and not case.plans.exists()


def test_my_referrals_keeps_the_coordinators_menu(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/sspf/referrals/").content.decode()
    assert "/sspf/consultations/" in page  # the coordinator's menu link


@pytest.mark.parametrize("prefix", ["/", "/kommun/"])
def test_a_case_links_to_the_address_its_url_pattern_gives(prefix):
    from django.urls import reverse, set_script_prefix

    from sspf_flow.models.case import case_url

    set_script_prefix(prefix)
    try:
        for number in ["SSPF-2026-0001", "SSPF-2026-12345", "X:Y@~"]:
            assert case_url(number) == reverse("sspf:case_detail", args=[number])
        assert case_url("SSPF-2026-0001") == f"{prefix}sspf/SSPF-2026-0001/"
    finally:
        set_script_prefix("/")
