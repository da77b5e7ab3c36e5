"""Issue 12 (4): an incident reported into a running case (seed 002: "varje händelse
rapporteras") — by any covered agency or the coordinator, with a date, a coded kind and a short
text; the coordinator is told (the e-mail says which agency, nothing of what happened); the
case's history shows it to the coordinator, to the reporter, and to another agency only while a
consent covers the reporter too and the reader's consent covers the reporter's area."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.workflow import steps
from notifications.models import Outbox
from sspf_flow import records, services
from sspf_flow.models import CaseEvent, Incident
from sspf_flow.refusals import TransitionRefused
from tests.builders import ALL_CATEGORIES, accept_step, written_consent
from tests.footprint import footprint

WHAT = "Greps med kniv vid centrum"


@pytest.fixture
def case(refer, coordinator, users):
    for user in users.values():
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
    case = refer()
    accept_step(case, coordinator)
    return case


def consent(case, coordinator, scope, categories=ALL_CATEGORIES):
    return written_consent(case, coordinator, scope, categories)


def history(client, user, case):
    client.force_login(user)
    response = client.get(f"/sspf/{case.number}/history/")
    assert response.status_code == 200
    return response.content.decode().split('data-testid="incidents"')[1].split("</section>")[0]


def test_the_police_report_an_incident_and_the_coordinator_is_told_without_its_content(
    client, users, agencies, case, coordinator
):
    consent(case, coordinator, [agencies["polis"], agencies["skola"]])
    client.force_login(users["polis"])
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="/sspf/{case.number}/incidents/new/"' in case_page
    day = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(
        f"/sspf/{case.number}/incidents/new/",
        {"occurred_on": str(day), "kind": "suspected_crime", "text": WHAT},
    )

    assert response.status_code == 302
    (incident,) = Incident.objects.all()
    assert (incident.agency, incident.occurred_on, incident.kind) == (
        agencies["polis"],
        day,
        "suspected_crime",
    )
    assert CaseEvent.objects.filter(case=case, action="incident.reported").exists()
    (row,) = Outbox.objects.filter(kind="incident_reported")
    assert row.to == coordinator.email and agencies["polis"].name in row.subject
    for secret in (WHAT, "Misstänkt", "Lou"):
        assert secret not in row.subject + row.body_text + row.body_html
    for reader in (coordinator, users["polis"], users["skola"]):
        shown = history(client, reader, case)
        assert WHAT in shown and "Misstänkt för brott" in shown


def test_an_incident_is_not_disclosed_beyond_the_consent(
    client, users, agencies, case, coordinator
):
    consent(case, coordinator, [agencies["polis"]])
    consent(case, coordinator, [agencies["skola"]], categories=["school"])
    records.report_incident(
        case, users["polis"], timezone.localdate(), "violence", WHAT
    )  # police information

    assert WHAT not in history(client, users["skola"], case)  # no police category
    assert WHAT in history(client, users["polis"], case)  # the reporter
    assert WHAT in history(client, coordinator, case)


def test_an_incident_by_an_agency_the_consent_no_longer_covers_is_not_shown(
    client, users, agencies, case, coordinator
):
    police = consent(case, coordinator, [agencies["polis"]])
    consent(case, coordinator, [agencies["skola"]])
    records.report_incident(case, users["polis"], timezone.localdate(), "violence", WHAT)
    services.withdraw_consent(case, coordinator, police, agency=None, reason="Återtaget.")

    assert WHAT not in history(client, users["skola"], case)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on", "En händelse kan inte dateras framåt"),
        ({"text": "  "}, "text", "Skriv kortfattat vad som hände."),
        ({"kind": "rumour"}, "kind", "Välj ett giltigt alternativ"),
    ],
)
def test_a_report_with_a_problem_is_explained_at_its_field_and_writes_nothing(
    client, users, agencies, case, coordinator, data, field, words
):
    consent(case, coordinator, [agencies["polis"]])
    before = footprint(case)
    client.force_login(users["polis"])
    post = {"occurred_on": str(timezone.localdate()), "kind": "violence", "text": WHAT, **data}

    page = client.post(f"/sspf/{case.number}/incidents/new/", post).content.decode()

    assert words in page
    assert footprint(case) == before and not Incident.objects.exists()


def test_a_closed_case_takes_no_incident(users, agencies, case, coordinator):
    consent(case, coordinator, [agencies["polis"]])
    steps.close(case, coordinator, "moved", "Familjen har flyttat.")
    with pytest.raises(TransitionRefused) as refused:
        records.report_incident(case, coordinator, timezone.localdate(), "violence", WHAT)
    assert "Ärendet är avslutat" in str(refused.value.reasons[0])
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("polis", 404), ("styrgrupp", 403)])
def test_who_may_not_read_the_case_may_not_report_into_it(
    client, users, agencies, case, coordinator, who, status
):
    consent(case, coordinator, [agencies["skola"]])
    client.force_login(users[who])
    answer = client.post(
        f"/sspf/{case.number}/incidents/new/",
        {"occurred_on": str(timezone.localdate()), "kind": "violence", "text": WHAT},
    )
    assert answer.status_code == status and not Incident.objects.exists()
