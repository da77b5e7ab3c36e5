"""Withdrawing consent from the case page: for one agency or whole, effective in the same
request, and taking the agency off planned meetings."""

import pytest

from casework.workflow import steps
from sspf_flow.models import CaseEvent, MeetingStatus, Status
from tests.builders import walk_to_meeting_planned


@pytest.fixture
def planned(refer, coordinator, consent_for, agencies):
    """A case with consent for the school and the police, and a meeting inviting both."""
    scope = [agencies["skola"], agencies["polis"]]
    case, _meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=3)
    return case


def url(case):
    return f"/sspf/{case.number}/consent/{case.consents.get().pk}/withdraw/"


def test_withdrawal_for_one_agency_ends_its_access_in_the_same_request(
    client, planned, coordinator, users, agencies
):
    police = client.__class__()
    police.force_login(users["polis"])
    assert police.get(f"/sspf/{planned.number}/").status_code == 200
    client.force_login(coordinator)
    response = client.post(
        url(planned), {"agency": agencies["polis"].pk, "reason": "Vårdnadshavaren ringde idag."}
    )
    assert response.status_code == 302
    assert police.get(f"/sspf/{planned.number}/").status_code == 404
    school = client.__class__()
    school.force_login(users["skola"])
    assert school.get(f"/sspf/{planned.number}/").status_code == 200


def test_withdrawal_for_one_agency_withdraws_its_meeting_invitation(
    client, planned, coordinator, agencies
):
    client.force_login(coordinator)
    client.post(url(planned), {"agency": agencies["polis"].pk, "reason": "Per telefon."})
    meeting = planned.meetings.get()
    assert list(meeting.invited_agencies.all()) == [agencies["skola"]]
    event = CaseEvent.objects.filter(case=planned, action="consent.withdrawn").get()
    assert event.data["invitations_withdrawn"] == [[meeting.pk, agencies["polis"].pk]]
    assert event.data["reason"] == "Per telefon."


def test_whole_withdrawal_returns_the_case_to_awaiting_consent(client, planned, coordinator):
    client.force_login(coordinator)
    client.post(url(planned), {"agency": "", "reason": "Båda vårdnadshavarna återtog."})
    planned.refresh_from_db()
    assert planned.status == Status.AWAITING_CONSENT
    assert planned.meetings.get().status == MeetingStatus.CANCELLED
    assert steps.open_task(planned, "obtain_consent").owner == coordinator
    assert steps.open_task(planned, "hold_meeting") is None


def test_withdrawal_needs_a_reason(client, planned, coordinator):
    client.force_login(coordinator)
    response = client.post(url(planned), {"agency": "", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    planned.refresh_from_db()
    assert planned.status == Status.MEETING_PLANNED


def test_only_the_coordinator_withdraws(client, planned, users):
    client.force_login(users["polis"])
    assert client.post(url(planned), {"agency": "", "reason": "x"}).status_code in (403, 404)
    planned.refresh_from_db()
    assert planned.consents.get().withdrawn_at is None


def test_case_page_shows_who_is_covered_until_when(client, planned, coordinator, agencies):
    client.force_login(coordinator)
    page = client.get(f"/sspf/{planned.number}/").content.decode()
    covered = page.split('data-testid="covered-now"')[1].split("</p>")[0]
    until = planned.consents.get().valid_to.strftime("%Y-%m-%d")
    assert f"{agencies['polis'].name} (t.o.m. {until})" in covered.replace("\n", " ")
    assert agencies["fritid"].name not in covered
    assert url(planned) in page
