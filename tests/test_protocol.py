"""Issue 12 (3): the protocol reaches the participants — after the meeting each invited agency
a consent covers can open and print the protocol and the plan, within what its consent covers,
and is told so by an e-mail that carries no content."""

import pytest

from casework.workflow import steps
from notifications.models import Outbox
from sspf_flow import services
from tests.builders import meeting_record, walk_to_meeting_planned

PROTOCOL = "Alla berättade om sin bild av Lou."  # meeting_record's protocol


@pytest.fixture
def held(refer, coordinator, consent_for, scope, users):
    for user in users.values():
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    record = meeting_record(scope, protocol=PROTOCOL, chair=users["socialtjanst"])
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(case, coordinator, meeting, **record),
    )
    meeting.refresh_from_db()
    return case, meeting


def url(case, meeting):
    return f"/sspf/{case.number}/meetings/{meeting.pk}/protocol/"


def test_the_invited_agencies_are_told_and_read_the_protocol_and_the_plan(client, users, held):
    case, meeting = held
    rows = Outbox.objects.filter(kind="meeting_protocol")
    assert {row.to for row in rows} >= {"sara@exempel.invalid", "sven@exempel.invalid"}
    assert "per@exempel.invalid" not in {row.to for row in rows}  # the police were not invited
    for row in rows:
        assert "Lou" not in row.body_text + row.subject and url(case, meeting) in row.body_text

    client.force_login(users["skola"])
    assert f'href="{url(case, meeting)}"' in client.get(case.get_absolute_url()).content.decode()
    page = client.get(url(case, meeting)).content.decode()
    assert PROTOCOL in page and "<td>Stöd</td>" in page
    assert "Ordförande" in page and "Antecknare" in page
    assert "lämna det inte vidare" in page


def test_a_reader_with_some_categories_reads_the_plan_not_the_protocol(client, users, held):
    case, meeting = held
    consent = case.consents.get()
    consent.categories = ["school"]
    consent.save(update_fields=["categories"])
    client.force_login(users["skola"])

    page = client.get(url(case, meeting)).content.decode()

    assert PROTOCOL not in page and 'data-testid="limited"' in page
    assert "<td>Stöd</td>" in page  # the school's own action


@pytest.mark.parametrize(("who", "status"), [("polis", 404), ("styrgrupp", 403)])
def test_who_may_not_read_the_case_does_not_read_its_protocol(client, users, held, who, status):
    case, meeting = held
    client.force_login(users[who])
    answer = client.get(url(case, meeting))
    assert answer.status_code == status and PROTOCOL not in answer.content.decode()


def test_an_agency_the_meeting_did_not_invite_may_not_open_it(
    client, users, held, coordinator, consent_for, agencies
):
    case, meeting = held
    consent_for(case, [agencies["polis"]])  # covered now, but not invited to that meeting
    client.force_login(users["polis"])
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(url(case, meeting)).status_code == 403


def test_a_planned_meeting_has_no_protocol_yet(client, coordinator, refer, consent_for, scope):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    client.force_login(coordinator)
    assert client.get(url(case, meeting)).status_code == 403
