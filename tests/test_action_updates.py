"""Issue 12 (1): the agency responsible for an action says how it goes — from its overview or
the case page, through ``records.update_action`` — and the coordinator reads it on the case
page and at the follow-up, and is told by an e-mail that says nothing of the case."""

import pytest

from casework.workflow import steps, timers
from notifications.models import Deadline, DeadlineKind, Outbox
from sspf_flow import records
from sspf_flow.models import Action, ActionUpdate, CaseEvent
from sspf_flow.refusals import TransitionRefused
from tests.builders import case_in_progress
from tests.footprint import footprint
from tests.urlmap import task_url


@pytest.fixture
def case(refer, coordinator, consent_for, agencies, users):
    for user in users.values():
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
    # the school's action; the follow-up booked for tomorrow, so that its step opens
    return case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=1)


@pytest.fixture
def action(case):
    return Action.objects.get(plan__case=case)


def url(case, action):
    return f"/sspf/{case.number}/actions/{action.pk}/"


def test_the_school_updates_its_action_from_its_overview(client, users, case, action):
    client.force_login(users["skola"])
    overview = client.get("/sspf/dashboard/").content.decode()
    assert f'href="{url(case, action)}"' in overview
    page = client.get(url(case, action)).content.decode()
    assert action.text in page and "Uppdatera er insats" in page
    assert "Lou" not in page  # the action and nothing else of the case

    response = client.post(url(case, action), {"status": "done", "comment": "Klart i tid."})

    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    action.refresh_from_db()
    assert action.status == "done"
    (update,) = ActionUpdate.objects.filter(action=action)
    assert (update.author, update.agency, update.comment) == (
        users["skola"],
        action.agency,
        "Klart i tid.",
    )
    assert CaseEvent.objects.filter(case=case, action="action.updated").count() == 1
    # done: off the deadline ladder
    assert not Deadline.objects.filter(kind=DeadlineKind.ACTION, object_id=action.pk).exists()
    (row,) = Outbox.objects.filter(kind="action_updated")
    assert row.to == users["samordnare"].email
    assert case.number in row.subject and "Centralskolan" in row.subject
    for secret in ("Lou", "Exempel", action.text, "Klart i tid"):
        assert secret not in row.subject + row.body_text + row.body_html


def test_not_done_needs_a_reason_and_a_refusal_writes_nothing(client, users, case, action):
    client.force_login(users["skola"])
    before = footprint(case)

    page = client.post(url(case, action), {"status": "not_done", "comment": " "})

    assert page.status_code == 200
    assert "Skriv varför insatsen inte blev av." in page.content.decode()
    assert footprint(case) == before and not ActionUpdate.objects.exists()
    with pytest.raises(TransitionRefused) as refused:
        records.update_action(action, users["skola"], "planned")
    assert "Välj om insatsen har påbörjats" in str(refused.value.reasons[0])
    assert footprint(case) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("socialtjanst", 403),  # reads the case (consent), but the action is the school's
        ("samordnare", 403),  # the coordinator follows up; the agency updates
        ("polis", 404),  # not covered by the consent: no hint the case exists
        ("styrgrupp", 403),  # no case page is the steering group's (casework.middleware)
    ],
)
def test_only_the_responsible_agency_updates_the_action(client, users, case, action, who, status):
    client.force_login(users[who])
    assert client.get(url(case, action)).status_code == status
    assert client.post(url(case, action), {"status": "done"}).status_code == status
    assert not ActionUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == "planned"


def test_an_action_of_a_closed_case_is_not_updated(client, users, case, action, coordinator):
    steps.close(case, coordinator, "moved", "Familjen har flyttat.")
    client.force_login(users["skola"])

    page = client.post(url(case, action), {"status": "done"}).content.decode()

    assert "Insatsen finns inte längre i ärendets gällande åtgärdsplan" in page
    assert not ActionUpdate.objects.exists()


def test_the_case_page_offers_the_update_to_the_responsible_agency_only(
    client, users, case, action
):
    link = f'href="{url(case, action)}"'
    client.force_login(users["skola"])
    assert link in client.get(case.get_absolute_url()).content.decode()
    for who in ("socialtjanst", "samordnare"):
        client.force_login(users[who])
        assert link not in client.get(case.get_absolute_url()).content.decode()


def test_the_follow_up_shows_each_action_in_full_with_the_agency_s_latest_word(
    client, users, case, action, coordinator
):
    records.update_action(action, users["skola"], "ongoing", "Startade i veckan.")
    records.update_action(action, users["skola"], "not_done", "Eleven var sjuk hela månaden.")
    timers.fire_due_timers()
    task = steps.open_task(case, "follow_up")
    client.force_login(coordinator)
    html = client.get(task_url(task, "execute")).content.decode()

    assert f"Insats: {action.text} – Centralskolan, klar senast" in html
    assert "Centralskolan angav" in html and "Inte genomförd" in html
    assert "Eleven var sjuk hela månaden." in html  # the comment, ready to keep or change
    assert "Startade i veckan." not in html  # only the latest
