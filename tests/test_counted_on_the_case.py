"""Issue 14 (1, 2): what the statistics count, as case workers record and read it — the
intervention beside each action (under the action's own information category), the
needs-assessed intervention (its door, its event, who may record and read it, the closure
form), and why a consultation did not lead to SSPF. The pages keep a constant number of
queries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.workflow import steps
from sspf_flow import counting, services
from sspf_flow.models import CaseEvent, Consultation, Intervention
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    OUTCOMES_POST,
    accept_step,
    case_in_progress,
    client_of,
    closing_meeting_post,
    meeting_record,
    plan_meeting_step,
    referral_post,
    walk_to_meeting_planned,
    written_consent,
)
from tests.urlmap import do_task, fire_due_timers, follow_up_close_post, task_url


def entry(municipality, name):
    return municipality.interventions.get(name=name)


def due(days=30):
    return timezone.localdate() + dt.timedelta(days=days)


def school_only_case(refer, coordinator, agencies, actions):
    """A case whose consent covers the school and social services with the school's category
    only, and whose first meeting wrote ``actions`` (a function of the case → action dicts)."""
    scope = [agencies["skola"], agencies["socialtjanst"]]
    case = refer()
    accept_step(case, coordinator)
    steps.complete(
        case,
        "obtain_consent",
        coordinator,
        lambda: written_consent(case, coordinator, scope, categories=["school"]),
    )
    meeting = plan_meeting_step(case, coordinator, scope)
    record = meeting_record(scope, actions=actions(case))
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(case, coordinator, meeting, **record),
    )
    return case


def action(text, party="agency", agency=None, intervention=None, **more):
    return {
        "text": text,
        "party": party,
        "agency": agency,
        "due_date": due(),
        "goal": 0,
        "intervention": intervention,
        **more,
    }


# --- the intervention beside the action -----------------------------------------------------------


@pytest.fixture
def shown_case(refer, coordinator, agencies, municipality):
    return school_only_case(
        refer,
        coordinator,
        agencies,
        lambda case: [
            action(
                "Schemat ses över.",
                agency=agencies["skola"],
                intervention=entry(municipality, "Anpassat schema"),
            ),
            action("Extra stöd i matte.", agency=agencies["skola"]),
            action(
                "Familjen träffar nätverket.",
                party="youth",
                intervention=entry(municipality, "Nätverksmöte med föräldrarna"),
            ),
        ],
    )


@pytest.mark.parametrize("page", ["", "plans/1/"])
def test_the_intervention_is_shown_beside_the_action_under_its_category(
    users, coordinator, shown_case, page
):
    url = f"/sspf/{shown_case.number}/{page}"

    as_coordinator = client_of(coordinator).get(url).content.decode()
    as_school = client_of(users["skola"]).get(url).content.decode()

    assert 'data-testid="intervention">Anpassat schema<' in as_coordinator
    assert 'data-testid="intervention">Annat<' in as_coordinator  # the maths, "other"
    assert "Nätverksmöte med föräldrarna" in as_coordinator
    assert 'data-testid="intervention">Anpassat schema<' in as_school
    # the young person's action is social services' information: neither it nor its
    # intervention reaches a school covered for the school's category only
    assert "Familjen träffar nätverket." not in as_school
    assert "Nätverksmöte med föräldrarna" not in as_school


def test_an_entry_no_longer_in_use_still_shows_on_its_action(coordinator, shown_case, municipality):
    municipality.interventions.filter(name="Anpassat schema").update(active=False)

    page = client_of(coordinator).get(f"/sspf/{shown_case.number}/").content.decode()

    assert "Anpassat schema (används inte längre)" in page


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["", "plans/1/"])
def test_the_pages_queries_do_not_grow_with_the_interventions(
    refer, coordinator, agencies, municipality, page
):
    names = list(municipality.interventions.values_list("name", flat=True))[:6]
    one = school_only_case(
        refer,
        coordinator,
        agencies,
        lambda case: [
            action("Stöd", agency=agencies["skola"], intervention=entry(municipality, names[0]))
        ],
    )
    many = school_only_case(
        refer,
        coordinator,
        agencies,
        lambda case: (
            [
                action(
                    f"Stöd {n}", agency=agencies["skola"], intervention=entry(municipality, name)
                )
                for n, name in enumerate(names)
            ]
            + [action("Annat stöd", agency=agencies["socialtjanst"])]
        ),
    )
    Intervention.objects.filter(name=names[1]).update(active=False)
    client = client_of(coordinator)

    assert queries(client, f"/sspf/{one.number}/{page}") == queries(
        client, f"/sspf/{many.number}/{page}"
    )


# --- the needs-assessed intervention --------------------------------------------------------------


@pytest.fixture
def running(refer, coordinator, consent_for, agencies):
    """A case in progress; the consent covers the school and social services, every category."""
    return case_in_progress(refer, coordinator, consent_for, agencies)


def test_the_coordinator_records_it_through_the_door_with_a_coded_event(coordinator, running):
    counting.record_social_intervention(running, coordinator, "light")
    counting.record_social_intervention(running, coordinator, "extensive")

    running.refresh_from_db()
    assert running.social_intervention == "extensive"
    events = CaseEvent.objects.filter(case=running, action="case.social_intervention")
    assert [e.data for e in events.order_by("pk")] == [
        {"value": "light", "was": ""},
        {"value": "extensive", "was": "light"},
    ]


def test_the_same_answer_or_an_unknown_code_is_refused_and_writes_nothing(coordinator, running):
    counting.record_social_intervention(running, coordinator, "keep_watch")
    before = CaseEvent.objects.count()

    with pytest.raises(TransitionRefused, match="Ärendet har redan det svaret"):
        counting.record_social_intervention(running, coordinator, "keep_watch")
    with pytest.raises(TransitionRefused, match="Välj ett av svaren i listan"):
        counting.record_social_intervention(running, coordinator, "a lot")

    running.refresh_from_db()
    assert running.social_intervention == "keep_watch" and CaseEvent.objects.count() == before


def test_social_services_covered_by_consent_records_it_on_the_case_page(users, running):
    sven = client_of(users["socialtjanst"])
    url = f"/sspf/{running.number}/social-intervention/"

    assert f'href="{url}"' in sven.get(f"/sspf/{running.number}/").content.decode()
    response = sven.post(url, {"social_intervention": "extensive"})

    assert response.status_code == 302
    running.refresh_from_db()
    assert running.social_intervention == "extensive"
    page = sven.get(f"/sspf/{running.number}/").content.decode()
    assert "Biståndsbedömd insats, omfattande" in page


def test_who_may_not_record_it(users, agencies, running, foreign_coordinator):
    counting.record_social_intervention(running, users["samordnare"], "light")
    url = f"/sspf/{running.number}/social-intervention/"
    school = client_of(users["skola"])  # covered, but not social services

    assert school.get(url).status_code == 403
    assert school.post(url, {"social_intervention": "none"}).status_code == 403
    assert client_of(users["polis"]).get(url).status_code == 404  # no consent covers the police
    assert client_of(foreign_coordinator).get(url).status_code == 404
    for user in (users["skola"], users["polis"], foreign_coordinator):
        with pytest.raises(PermissionDenied):
            counting.record_social_intervention(running, user, "none")
    running.refresh_from_db()
    assert running.social_intervention == "light"


def test_without_social_services_category_it_is_neither_recorded_nor_read(
    refer, coordinator, users, agencies
):
    case = school_only_case(
        refer, coordinator, agencies, lambda case: [action("Stöd", agency=agencies["skola"])]
    )
    url = f"/sspf/{case.number}/social-intervention/"

    assert client_of(users["socialtjanst"]).get(url).status_code == 403
    assert client_of(coordinator).get(url).status_code == 200
    counting.record_social_intervention(case, coordinator, "light")
    # social services' decision is social services' information: not for a consent that
    # names the school's category only, whichever agency reads
    for user in (users["skola"], users["socialtjanst"]):
        page = client_of(user).get(f"/sspf/{case.number}/").content.decode()
        assert 'data-testid="social-intervention"' not in page and "Biståndsbedömd" not in page
    page = client_of(coordinator).get(f"/sspf/{case.number}/").content.decode()
    assert "Biståndsbedömd insats, lätt" in page


def test_the_closure_form_records_it_and_closes(coordinator, running):
    client = client_of(coordinator)
    url = f"/sspf/{running.number}/close/"
    assert "Biståndsbedömd insats från socialtjänsten" in client.get(url).content.decode()

    response = client.post(
        url, {"closure_reason": "moved", "social_intervention": "none", **OUTCOMES_POST}
    )

    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.status, running.social_intervention) == ("closed", "none")
    codes = list(running.events.order_by("pk").values_list("action", flat=True))
    assert codes[-3:] == ["case.social_intervention", "case.closed", "outcomes.recorded"]


def test_a_follow_up_that_closes_the_case_asks_it_and_records_it_first(
    coordinator, refer, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    fire_due_timers()
    client = client_of(coordinator)
    task = steps.open_task(case, "follow_up")
    client.post(task_url(task, "assign"))
    assert "Biståndsbedömd insats från socialtjänsten" in (
        client.get(task_url(task, "execute")).content.decode()
    )

    do_task(
        client, case, "follow_up", {**follow_up_close_post(case), "social_intervention": "light"}
    )

    assert (case.status, case.social_intervention) == ("closed", "light")
    codes = list(case.events.order_by("pk").values_list("action", flat=True))
    assert codes.index("case.social_intervention") < codes.index("case.closed")


def test_a_meeting_that_closes_the_case_records_it(coordinator, refer, consent_for, agencies):
    skola = agencies["skola"]
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, [skola])
    data = closing_meeting_post(skola, social_intervention="extensive")

    do_task(client_of(coordinator), case, "hold_meeting", data)

    assert (case.status, case.social_intervention) == ("closed", "extensive")


def test_a_follow_up_that_goes_on_leaves_it_alone(coordinator, refer, consent_for, agencies):
    """Asked only with the closure: a follow-up that continues records nothing of it."""
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)
    fire_due_timers()
    later = str(timezone.localdate() + dt.timedelta(days=60))
    data = {
        **follow_up_close_post(case),
        "decision": "continue",
        "next_follow_up": later,
        "social_intervention": "light",
    }

    do_task(client_of(coordinator), case, "follow_up", data)

    assert case.is_open and case.social_intervention == ""
    assert not case.events.filter(action="case.social_intervention").exists()


def test_the_closure_form_does_not_require_it(coordinator, running):
    client = client_of(coordinator)

    response = client.post(
        f"/sspf/{running.number}/close/", {"closure_reason": "moved", **OUTCOMES_POST}
    )

    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == "closed" and running.social_intervention == ""
    assert not running.events.filter(action="case.social_intervention").exists()


def test_a_refused_closure_records_nothing(coordinator, running):
    client = client_of(coordinator)

    response = client.post(
        f"/sspf/{running.number}/close/",
        {"closure_reason": "other", "social_intervention": "light", **OUTCOMES_POST},
    )

    assert response.status_code == 200
    running.refresh_from_db()
    assert running.is_open and running.social_intervention == ""


def test_the_coordinator_records_it_after_closure_and_the_history_shows_the_label(
    coordinator, running
):
    steps.close(running, coordinator, "moved")
    client = client_of(coordinator)

    response = client.post(
        f"/sspf/{running.number}/social-intervention/", {"social_intervention": "keep_watch"}
    )

    assert response.status_code == 302
    history = client.get(f"/sspf/{running.number}/history/").content.decode()
    assert "Biståndsbedömd insats registrerad" in history
    assert "case.social_intervention" not in history


# --- why a consultation did not lead to SSPF ------------------------------------------------------


def consultation_post(agencies, **changes):
    return {
        "asked_on": str(timezone.localdate()),
        "asking_agency": agencies["skola"].pk,
        "age_band": "12_14",
        "gender": "annat",
        "concerns": ["school_absence"],
        "outcome": "advice",
        **changes,
    }


def test_the_reason_is_required_when_it_did_not_become_a_referral(coordinator, agencies):
    client = client_of(coordinator)

    response = client.post("/sspf/consultations/new/", consultation_post(agencies))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ange varför konsultationen inte ledde till SSPF." in page
    assert not Consultation.objects.exists()


def test_the_reason_is_recorded_and_listed(coordinator, agencies):
    client = client_of(coordinator)

    response = client.post(
        "/sspf/consultations/new/", consultation_post(agencies, not_sspf_reason="no_consent")
    )

    assert response.status_code == 302
    assert Consultation.objects.get().not_sspf_reason == "no_consent"
    assert "Inget samtycke" in client.get("/sspf/consultations/").content.decode()


def test_a_consultation_made_a_referral_has_no_reason(coordinator, agencies):
    from casework.workflow.flows import CaseFlow

    client = client_of(coordinator)
    client.post("/sspf/consultations/new/", consultation_post(agencies, not_sspf_reason="other"))
    consultation = Consultation.objects.get()

    client.post(
        CaseFlow.start.reverse("execute"), {**referral_post(), "consultation": consultation.pk}
    )

    consultation.refresh_from_db()
    assert (consultation.outcome, consultation.not_sspf_reason) == ("referral", "")


def test_the_consultation_list_s_queries_do_not_grow_with_its_rows(coordinator, agencies):
    client = client_of(coordinator)
    client.post("/sspf/consultations/new/", consultation_post(agencies, not_sspf_reason="other"))
    few = queries(client, "/sspf/consultations/")
    for reason in ("no_consent", "not_crime_preventive", "other", "no_consent"):
        client.post("/sspf/consultations/new/", consultation_post(agencies, not_sspf_reason=reason))

    assert queries(client, "/sspf/consultations/") == few
