"""Issue 13 (3): joint commitments (seed 001: "gemensamma åtaganden") and the minutes. Made at
a meeting that has begun by its chair, secretary or the coordinator: the text names no one,
the responsible agency sits in the group, the due date comes after the meeting; kept (open,
done, not done with a why) by the responsible agency's members and the chair or secretary; a
refusal writes nothing. Followed up on the next meeting's agenda and on their own deadline
ladder (a reminder before the due date, a notice once it has passed, each once, to the
responsible agency's members only, with no content). The minutes: the text, who was present,
the commitments made, on the page and as PDF (no case, nothing in the access log)."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Outbox
from operative import commitments, services
from operative.models import Commitment, GroupMember, OperativeGroup
from sspf_flow.models import AccessLog
from sspf_flow.refusals import TransitionRefused
from tests.builders import IDENTITY_NUMBER, client_of, group_with_series
from tests.footprint import FROZEN, TODAY

TEXT = "Skolan och fritid ordnar en gemensam aktivitet för årskurs 8."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return group_with_series(users, agencies)  # in 3 days at 9, every second week


@pytest.fixture
def meeting(group):
    return group.meetings.order_by("starts_at").first()  # in 3 days at 9; the next in 17


@pytest.fixture
def during(meeting):
    """At the meeting (an hour after it began)."""
    with time_machine.travel(meeting.starts_at + dt.timedelta(hours=1), tick=False):
        yield


def make(meeting, user, agency, **more):
    data = {"text": TEXT, "agency": agency, "due": meeting.starts_at.date() + dt.timedelta(days=10)}
    return commitments.record_commitment(meeting, user, **{**data, **more})


def refused(call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    return " ".join(map(str, caught.value.reasons))


def pdf_text(raw):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)


# --- recording a commitment ------------------------------------------------------------------


def test_the_secretary_records_a_commitment_and_the_meeting_page_shows_it(
    during, meeting, users, agencies
):
    url = f"/operative/meetings/{meeting.pk}/commitments/new/"
    client = client_of(users["polis"])
    assert "Ett gemensamt åtagande" in client.get(url).content.decode()
    due = meeting.starts_at.date() + dt.timedelta(days=10)
    answer = client.post(url, {"text": TEXT, "agency": agencies["skola"].pk, "due": due})
    assert answer.status_code == 302, answer.content.decode()
    commitment = Commitment.objects.get()
    assert (commitment.agency, commitment.due, commitment.status) == (
        agencies["skola"],
        due,
        "open",
    )
    assert commitment.made_by == users["polis"]
    page = client_of(users["skola"]).get(f"/operative/meetings/{meeting.pk}/").content.decode()
    assert TEXT in page and "Centralskolan" in page and "Öppet" in page


@pytest.mark.parametrize(
    ("who", "agency", "more", "reason"),
    [
        ("skola", "skola", {}, "Bara gruppens ordförande eller sekreterare"),
        ("polis", "fritid", {}, "Välj en verksamhet som har en ledamot i gruppen."),
        ("polis", "skola", {"due": "meeting day"}, "Välj ett datum efter mötet."),
        ("polis", "skola", {"text": f"Följ upp {IDENTITY_NUMBER}."}, "personnummer"),
    ],
)
def test_a_refused_commitment_writes_nothing(
    during, meeting, users, agencies, who, agency, more, reason
):
    if more.get("due") == "meeting day":
        more = {"due": timezone.localdate(meeting.starts_at)}
    said = refused(lambda: make(meeting, users[who], agencies[agency], **more))
    assert reason in said
    assert not Commitment.objects.exists()


def test_a_commitment_is_made_at_a_meeting_that_has_begun(meeting, users, agencies):
    said = refused(lambda: make(meeting, users["polis"], agencies["skola"]))
    assert "Mötet har inte börjat än" in said
    services.cancel_meeting(meeting, users["socialtjanst"])
    with time_machine.travel(meeting.starts_at + dt.timedelta(hours=1), tick=False):
        said = refused(lambda: make(meeting, users["polis"], agencies["skola"]))
    assert "Mötet ställdes in" in said
    assert not Commitment.objects.exists()


def test_the_form_shows_the_reasons_in_swedish_and_writes_nothing(during, meeting, users, agencies):
    url = f"/operative/meetings/{meeting.pk}/commitments/new/"
    answer = client_of(users["polis"]).post(
        url,
        {"text": f"Kontakta {IDENTITY_NUMBER}", "agency": agencies["skola"].pk, "due": TODAY},
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Skriv inga personnummer här." in page and "Välj ett datum efter mötet." in page
    assert not Commitment.objects.exists()
    # the leisure agency has no member in the group: it is not among the choices
    assert "Fritidsgården Navet" not in page


def test_only_the_chair_the_secretary_and_the_coordinator_open_the_form(during, meeting, users):
    url = f"/operative/meetings/{meeting.pk}/commitments/new/"
    assert client_of(users["skola"]).get(url).status_code == 403
    assert client_of(users["fritid"]).get(url).status_code == 403  # not in the group
    for key in ("socialtjanst", "polis", "samordnare"):
        assert client_of(users[key]).get(url).status_code == 200, key


# --- keeping its status -----------------------------------------------------------------------


@pytest.fixture
def schools(during, meeting, users, agencies):
    return make(meeting, users["polis"], agencies["skola"])


def test_the_responsible_agency_marks_it_done(schools, users):
    url = f"/operative/commitments/{schools.pk}/"
    client = client_of(users["skola"])
    assert "Spara status" in client.get(url).content.decode()
    answer = client.post(url, {"status": "done", "comment": "Aktiviteten hölls i torsdags."})
    assert answer.status_code == 302
    schools.refresh_from_db()
    assert (schools.status, schools.updated_by) == ("done", users["skola"])


def test_not_done_needs_a_why_and_a_refusal_writes_nothing(schools, users):
    said = refused(
        lambda: commitments.update_commitment(schools, users["skola"], status="not_done")
    )
    assert "Skriv i kommentaren varför det inte blev gjort." in said
    said = refused(
        lambda: commitments.update_commitment(
            schools, users["skola"], status="done", comment=f"Gäller {IDENTITY_NUMBER}"
        )
    )
    assert "Skriv inga personnummer här." in said
    schools.refresh_from_db()
    assert (schools.status, schools.comment, schools.updated_at) == ("open", "", None)


def test_another_agency_reads_it_but_does_not_change_it(schools, users, agencies):
    """The police's Per is the secretary: he may. A school's commitment is not social services'
    to keep unless they chair; an agency outside the group does not see it at all."""
    GroupMember.objects.filter(user=users["socialtjanst"]).update(role="member")
    url = f"/operative/commitments/{schools.pk}/"
    client = client_of(users["socialtjanst"])
    page = client.get(url).content.decode()
    assert TEXT in page and "Spara status" not in page
    assert client.post(url, {"status": "done"}).status_code == 403
    said = refused(
        lambda: commitments.update_commitment(schools, users["socialtjanst"], status="done")
    )
    assert "Bara den ansvariga verksamhetens ledamöter" in said
    assert client_of(users["fritid"]).get(url).status_code == 403
    commitments.update_commitment(
        schools, users["polis"], status="not_done", comment="Ingen lokal."
    )
    schools.refresh_from_db()
    assert schools.status == "not_done"


# --- the deadline ladder ----------------------------------------------------------------------


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_the_responsible_agency_is_reminded_before_the_due_date_and_told_when_it_passed(
    schools, users, settings
):
    """The municipality's ``reminder_days`` (3) before the due date, from the notify hour;
    the day after it, the overdue notice; each once, to the school's member only."""
    due = schools.due
    with time_machine.travel(at(due - dt.timedelta(days=4), 12), tick=False):
        assert commitments.send_commitment_notices() == (0, 0)
    remind_day = due - dt.timedelta(days=3)
    with time_machine.travel(at(remind_day, settings.NOTIFY_HOUR - 1), tick=False):
        assert commitments.send_commitment_notices() == (0, 0)
    with time_machine.travel(at(remind_day, settings.NOTIFY_HOUR), tick=False):
        assert commitments.send_commitment_notices() == (1, 0)
        assert commitments.send_commitment_notices() == (0, 0)
    with time_machine.travel(at(due, 12), tick=False):
        assert commitments.send_commitment_notices() == (0, 0)  # due today: not yet overdue
    with time_machine.travel(at(due + dt.timedelta(days=1), 12), tick=False):
        assert commitments.send_commitment_notices() == (0, 1)
        assert commitments.send_commitment_notices() == (0, 0)
    rows = Outbox.objects.filter(kind__startswith="group_commitment")
    assert sorted(rows.values_list("kind", "to")) == [
        ("group_commitment_due", "sara@exempel.invalid"),
        ("group_commitment_overdue", "sara@exempel.invalid"),
    ]
    due_mail = rows.get(kind="group_commitment_due")
    assert "Ett gemensamt åtagande i er operativa grupp" in due_mail.body_text
    assert f"/operative/commitments/{schools.pk}/" in due_mail.body_text
    for row in rows:
        assert TEXT not in row.body_text and "aktivitet" not in row.body_html
        assert "Sara" not in row.body_text and "Centralskolan" not in row.body_text


def test_a_commitment_kept_in_time_gets_no_notice(schools, users):
    commitments.update_commitment(schools, users["skola"], status="done")
    with time_machine.travel(at(schools.due + dt.timedelta(days=5), 12), tick=False):
        assert commitments.send_commitment_notices() == (0, 0)
    assert not Outbox.objects.filter(kind__startswith="group_commitment").exists()


# --- the minutes -----------------------------------------------------------------------------


def test_the_minutes_record_who_was_present(during, meeting, group, users):
    url = f"/operative/meetings/{meeting.pk}/minutes/"
    present = list(group.members.filter(user__in=[users["socialtjanst"], users["skola"]]))
    answer = client_of(users["polis"]).post(
        url, {"minutes": "Lägesbild och åtaganden.", "present": [m.pk for m in present]}
    )
    assert answer.status_code == 302, answer.content.decode()
    assert set(meeting.present.all()) == set(present)
    page = client_of(users["skola"]).get(f"/operative/meetings/{meeting.pk}/").content.decode()
    assert "Närvarande" in page and "Centralskolan" in page
    assert "Polisen lokalpolisområde" not in page  # the secretary was not marked present


def test_a_member_of_another_group_is_not_marked_present(during, meeting, users, agencies):
    other = OperativeGroup.objects.create(municipality=meeting.group.municipality, name="Norr")
    stranger = GroupMember.objects.create(group=other, user=users["fritid"])
    said = refused(
        lambda: services.hold_meeting(meeting, users["polis"], minutes="Ok.", present=[stranger])
    )
    assert "Markera bara gruppens ledamöter som närvarande." in said
    meeting.refresh_from_db()
    assert meeting.status == "planned" and not meeting.present.exists()


def test_the_minutes_as_pdf_for_members_and_the_coordinator_with_no_access_log(
    schools, meeting, group, users
):
    services.hold_meeting(
        meeting,
        users["polis"],
        minutes="Fältassistenter fredag kväll.",
        present=list(group.members.all()),
    )
    url = f"/operative/meetings/{meeting.pk}/minutes.pdf"
    for key in ("skola", "samordnare"):
        answer = client_of(users[key]).get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        text = pdf_text(answer.content)
        assert "Minnesanteckningar: Operativa gruppen Centrum" in text
        assert "Fältassistenter fredag kväll." in text and "Närvarande" in text
        assert "Skolan och fritid ordnar en gemensam aktivitet" in " ".join(text.split())
    assert client_of(users["fritid"]).get(url).status_code == 403
    assert not AccessLog.objects.exists()


# --- followed up at the next meeting ----------------------------------------------------------


def test_the_next_agenda_follows_up_the_open_and_the_newly_done(
    schools, meeting, group, users, agencies
):
    kept = make(meeting, users["polis"], agencies["polis"], text="Riktade besök vid torget.")
    commitments.update_commitment(kept, users["polis"], status="done", comment="Gjort.")
    after = meeting.starts_at
    nxt = group.meetings.filter(starts_at__gt=after).order_by("starts_at").first()
    url = f"/operative/meetings/{nxt.pk}/agenda/"
    page = client_of(users["skola"]).get(url).content.decode()
    assert "Gemensamma åtaganden att följa upp" in page
    assert TEXT in page and "Riktade besök vid torget." in page and "Klart: Gjort." in page
    # the meeting after that: the one done before the last meeting is no longer listed
    later = group.meetings.filter(starts_at__gt=nxt.starts_at).order_by("starts_at").first()
    with time_machine.travel(nxt.starts_at + dt.timedelta(hours=2), tick=False):
        page = client_of(users["skola"]).get(f"/operative/meetings/{later.pk}/agenda/")
    text = page.content.decode()
    assert TEXT in text and "Riktade besök vid torget." not in text
