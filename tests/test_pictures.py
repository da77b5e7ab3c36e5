"""Issue 12 (2): preparation before a meeting — each invited agency a consent covers gives its
picture of the young person (what it knows, what it does, strengths and risks: seed 001's
"lägesbild") and may revise it until the meeting is held; a reminder on the ladder asks the
agencies that have none; the hold-meeting step shows the coordinator every picture and which
invited agency has none; the case page and the held meeting's protocol keep them, shown to
another agency only while a consent covers the writer too and the reader's consent covers the
writer's area (issue 12, item 6); the writer always sees its own."""

import datetime as dt
from datetime import datetime, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.workflow import steps
from casework.workflow.steps import open_task
from notifications import deadlines
from notifications.models import Deadline, Outbox
from sspf_flow import records, services
from sspf_flow.models import CaseEvent, MeetingPicture
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    accept_step,
    meeting_record,
    walk_to_meeting_planned,
    written_consent,
)
from tests.footprint import footprint

KNOWS = "Frånvaron har ökat till 40 procent, Ugglebosignalen."
DOES = "Mentorn ringer hem varje fredag."
STRENGTHS = "Hon tycker om slöjden."
RISKS = "Hon umgås med äldre kamrater efter skolan."


def picture_post(**changes):
    return {"knows": KNOWS, "does": DOES, "strengths": STRENGTHS, "risks": RISKS, **changes}


def url(case, meeting):
    return f"/sspf/{case.number}/meetings/{meeting.pk}/picture/"


def at(day, hour=7):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def planned(refer, coordinator, consent_for, scope, users):
    """A meeting in five days inviting the school and social services, both covered by a
    consent naming every category; every user has an e-mail address."""
    for user in users.values():
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
    return walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=5)


def hold(case, meeting, coordinator, scope):
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(case, coordinator, meeting, **meeting_record(scope)),
    )
    meeting.refresh_from_db()


# --- giving the picture ----------------------------------------------------------------------


def test_the_school_gives_its_picture_from_its_landing_page_and_revises_it(client, users, planned):
    case, meeting = planned
    client.force_login(users["skola"])
    landing = client.get("/sspf/dashboard/").content.decode()
    prepare = landing.split('data-testid="agency-to-prepare"')[1]
    assert "Möten att förbereda" in landing and "Inte lämnad ännu" in prepare
    assert f'href="{url(case, meeting)}"' in prepare
    assert f'href="{url(case, meeting)}"' in client.get(case.get_absolute_url()).content.decode()

    response = client.post(url(case, meeting), picture_post(), follow=True)

    assert "Er lägesbild är sparad" in response.content.decode()
    (picture,) = MeetingPicture.objects.all()
    assert (picture.agency, picture.author, picture.knows) == (
        case.referring_agency,
        users["skola"],
        KNOWS,
    )
    assert CaseEvent.objects.filter(case=case, action="picture.written").count() == 1
    history = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert "En verksamhet lämnade sin lägesbild inför ett möte" in history

    page = client.get(url(case, meeting)).content.decode()  # prefilled with the picture
    assert KNOWS in page and "Senast skriven av" in page
    client.post(url(case, meeting), picture_post(risks="Inga nya risker."))
    (picture,) = MeetingPicture.objects.all()  # still one per agency and meeting
    assert picture.risks == "Inga nya risker." and picture.knows == KNOWS
    landing = client.get("/sspf/dashboard/").content.decode()
    assert "Ändra vår lägesbild" in landing.split('data-testid="agency-to-prepare"')[1]


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("knows", "Skriv vad er verksamhet vet om den unges situation."),
        ("does", "Skriv vad er verksamhet gör för den unge"),
        ("strengths", "Beskriv de styrkor och skyddsfaktorer er verksamhet ser."),
        ("risks", "Beskriv de risker er verksamhet ser."),
    ],
)
def test_a_picture_without_one_of_its_texts_is_explained_and_writes_nothing(
    client, users, planned, field, words
):
    case, meeting = planned
    before = footprint(case)
    client.force_login(users["skola"])

    page = client.post(url(case, meeting), picture_post(**{field: "  "})).content.decode()

    assert words in page
    assert footprint(case) == before and not MeetingPicture.objects.exists()


def test_every_missing_text_is_named_at_once_by_the_service(users, planned):
    case, meeting = planned
    with pytest.raises(TransitionRefused) as refused:
        records.write_picture(meeting, users["skola"], "", "", STRENGTHS, "")
    assert [reason.field for reason in refused.value.reasons] == ["knows", "does", "risks"]
    assert not MeetingPicture.objects.exists()


def test_after_the_meeting_the_picture_is_frozen_and_the_protocol_keeps_it(
    client, users, planned, coordinator, scope
):
    case, meeting = planned
    records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    hold(case, meeting, coordinator, scope)
    before = footprint(case)

    with pytest.raises(TransitionRefused) as refused:
        records.write_picture(meeting, users["skola"], "Ändrat.", DOES, STRENGTHS, RISKS)
    assert "Mötet är redan hållet" in str(refused.value.reasons[0])
    client.force_login(users["skola"])
    page = client.post(url(case, meeting), picture_post(knows="Ändrat.")).content.decode()
    assert "Mötet är redan hållet" in page
    assert footprint(case) == before
    assert MeetingPicture.objects.get().knows == KNOWS

    protocol = f"/sspf/{case.number}/meetings/{meeting.pk}/protocol/"
    for reader in (coordinator, users["socialtjanst"], users["skola"]):
        client.force_login(reader)
        shown = client.get(protocol).content.decode()
        assert KNOWS in shown and "Centralskolan" in shown and "Skriven av" in shown


def test_a_meeting_that_has_begun_takes_no_picture(users, planned):
    case, meeting = planned
    begun = meeting.starts_at + dt.timedelta(minutes=5)
    with (
        time_machine.travel(begun, tick=False),
        pytest.raises(TransitionRefused, match="har börjat"),
    ):
        records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    assert not MeetingPicture.objects.exists()


def test_an_agency_not_invited_or_no_longer_covered_is_refused_with_its_reason(
    users, agencies, planned, coordinator
):
    case, meeting = planned
    written_consent(case, coordinator, [agencies["polis"]])  # covered, not invited
    with pytest.raises(TransitionRefused, match="inte kallad till det här mötet"):
        records.write_picture(meeting, users["polis"], KNOWS, DOES, STRENGTHS, RISKS)

    consent = case.consents.order_by("pk").first()
    services.withdraw_consent(
        case, coordinator, consent, agency=agencies["skola"], reason="Skolan ska inte vara med."
    )
    # withdrawing takes the school off the meeting too: both reasons
    with pytest.raises(TransitionRefused) as refused:
        records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    reasons = " ".join(map(str, refused.value.reasons))
    assert "Inget giltigt samtycke omfattar din verksamhet" in reasons
    assert not MeetingPicture.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("samordnare", 403), ("polis", 404), ("styrgrupp", 403), ("admin", 403)],
)
def test_who_is_not_an_invited_covered_agency_may_not_open_the_page(
    client, users, planned, who, status
):
    case, meeting = planned
    client.force_login(users[who])
    answer = client.post(url(case, meeting), picture_post())
    assert answer.status_code == status and not MeetingPicture.objects.exists()


def test_a_covered_agency_the_meeting_did_not_invite_is_refused(
    client, users, agencies, planned, coordinator
):
    case, meeting = planned
    written_consent(case, coordinator, [agencies["polis"]])
    client.force_login(users["polis"])
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(url(case, meeting)).status_code == 403


def test_the_coordinator_may_not_write_an_agency_picture(users, planned, coordinator):
    case, meeting = planned
    with pytest.raises(PermissionDenied):
        records.write_picture(meeting, coordinator, KNOWS, DOES, STRENGTHS, RISKS)
    assert not MeetingPicture.objects.exists()


# --- at the meeting --------------------------------------------------------------------------


def test_the_coordinator_sees_every_picture_at_the_meeting_and_who_has_none(
    client, users, planned, coordinator
):
    case, meeting = planned
    records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    task = open_task(case, "hold_meeting")
    client.force_login(coordinator)
    if task.owner_id is None:
        client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))

    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))

    text = page.content.decode()
    pictures = text.split('data-testid="pictures"')[1].split("</section>")[0]
    assert "Verksamheternas lägesbilder inför mötet" in pictures
    written_by = f"Skriven av {users['skola'].get_full_name() or 'sara'}"
    for words in (KNOWS, DOES, STRENGTHS, RISKS, "Centralskolan", written_by):
        assert words in pictures
    assert "Ingen lägesbild från" in pictures and "Socialtjänsten" in pictures
    assert text.index('data-testid="pictures"') < text.index('name="protocol"')


# --- the disclosure rule ---------------------------------------------------------------------


@pytest.fixture
def police_only(refer, coordinator, agencies, users):
    """The school covered with every category, the police only with the police's; a meeting
    inviting both."""
    case = refer()
    accept_step(case, coordinator)
    steps.complete(
        case,
        "obtain_consent",
        coordinator,
        lambda: written_consent(case, coordinator, [agencies["skola"]]),
    )
    written_consent(case, coordinator, [agencies["polis"]], categories=["police"])
    meeting = steps.complete(
        case,
        "plan_meeting",
        coordinator,
        lambda: services.plan_meeting(
            case,
            coordinator,
            kind="network",
            starts_at=timezone.now() + dt.timedelta(days=5),
            place="Skolan",
            agencies=[agencies["skola"], agencies["polis"]],
        ),
    )
    return case, meeting


def test_the_police_covered_only_for_their_own_category_never_see_the_schools_picture(
    client, users, police_only, coordinator
):
    case, meeting = police_only
    records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    records.write_picture(meeting, users["polis"], "Polisen vet Gråsparvsfallet.", DOES, "-", "-")

    client.force_login(users["polis"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Polisen vet Gråsparvsfallet." in page  # its own
    assert "1 lägesbild visas inte" in page
    for secret in (KNOWS, STRENGTHS, RISKS):
        assert secret not in page
    assert KNOWS not in client.get(url(case, meeting)).content.decode()

    client.force_login(users["skola"])  # its consent names every category, the police's too
    page = client.get(case.get_absolute_url()).content.decode()
    assert KNOWS in page and "Polisen vet Gråsparvsfallet." in page
    client.force_login(coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert KNOWS in page and "Polisen vet Gråsparvsfallet." in page


# --- the reminder on the ladder --------------------------------------------------------------


def picture_reminders():
    return sorted(row.to for row in Outbox.objects.filter(kind="meeting_picture"))


def test_the_agencies_without_a_picture_are_reminded_once_before_the_meeting(
    users, planned, coordinator
):
    case, meeting = planned
    records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    day = timezone.localtime(meeting.starts_at).date()
    reminder_day = day - dt.timedelta(days=case.municipality.reminder_days)

    with time_machine.travel(at(reminder_day) - dt.timedelta(minutes=1), tick=False):
        deadlines.sweep()
    assert picture_reminders() == []
    with time_machine.travel(at(reminder_day), tick=False):
        deadlines.sweep()
        deadlines.sweep()  # sent once
    assert picture_reminders() == ["socialtjanst@exempel.invalid", "sven@exempel.invalid"]
    (row, *_rest) = Outbox.objects.filter(kind="meeting_picture")
    assert f"/sspf/{case.number}/meetings/{meeting.pk}/picture/" in row.body_text
    assert case.number in row.subject and "lägesbild" in row.body_text
    for secret in ("Lou", KNOWS, "Exempel"):
        assert secret not in row.subject + row.body_text + row.body_html
    with time_machine.travel(at(day - dt.timedelta(days=1)), tick=False):
        deadlines.sweep()
    assert len(picture_reminders()) == 2


def test_no_reminder_when_every_picture_is_given_or_the_meeting_is_cancelled(
    users, planned, coordinator, agencies
):
    case, meeting = planned
    records.write_picture(meeting, users["skola"], KNOWS, DOES, STRENGTHS, RISKS)
    records.write_picture(meeting, users["socialtjanst"], KNOWS, DOES, STRENGTHS, RISKS)
    reminder_day = timezone.localtime(meeting.starts_at).date() - dt.timedelta(days=3)
    with time_machine.travel(at(reminder_day), tick=False):
        deadlines.sweep()
    assert picture_reminders() == []

    MeetingPicture.objects.all().delete()
    steps.close(case, coordinator, "moved", "Familjen har flyttat.")  # cancels the meeting
    assert not Deadline.objects.filter(kind="meeting_picture").exists()


def test_a_moved_meeting_re_arms_the_reminder(users, planned, coordinator):
    case, meeting = planned
    day = timezone.localtime(meeting.starts_at).date()
    with time_machine.travel(at(day - dt.timedelta(days=3)), tick=False):
        deadlines.sweep()
    assert len(picture_reminders()) == 4  # two agencies, each its staff and contact address
    later = meeting.starts_at + dt.timedelta(days=7)
    services.reschedule_meeting(case, coordinator, meeting, starts_at=later, place="Skolan")

    with time_machine.travel(at(day + dt.timedelta(days=4)), tick=False):
        deadlines.sweep()
    assert len(picture_reminders()) == 8


def test_a_meeting_planned_closer_than_the_reminder_days_asks_at_the_next_sweep(
    refer, coordinator, consent_for, scope, users
):
    for user in users.values():
        user.email = f"{user.username}@exempel.invalid"
        user.save(update_fields=["email"])
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=1)
    deadlines.sweep()
    assert "sara@exempel.invalid" in picture_reminders()
