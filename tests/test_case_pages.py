"""The coordinator's case list and case page."""

from sspf_flow import services, steps


def test_case_list_filters_by_status(client, refer, coordinator):
    waiting, new = refer(), refer()
    steps.complete(
        waiting, "assess", coordinator, lambda: services.accept_referral(waiting, coordinator)
    )
    client.force_login(coordinator)
    page = client.get("/sspf/list/", {"status": "awaiting_consent"}).content.decode()
    assert waiting.number in page and new.number not in page


def test_case_list_filters_by_coordinator(client, refer, coordinator, users):
    mine, unassigned = refer(), refer()
    steps.complete(mine, "assess", coordinator, lambda: services.accept_referral(mine, coordinator))
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
    steps.complete(case, "assess", coordinator, lambda: services.accept_referral(case, coordinator))
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
