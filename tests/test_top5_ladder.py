"""Issue 13 (5): Top 5's ladder, evaluation and demo (seed 001, Bilaga 1): the selection
meeting is due every eighth week and the police and social services members are reminded once
per selection, with no names; the four-month evaluation names no one (Person 1…N, bands and
codes, the measures by agency and status) and is read by the coordinator and the steering
group too, its PDF logged as an export; the demo group has a list to show."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Outbox
from operative import demo_top5, tasks, top5
from sspf_flow.models import AccessLog, Youth
from tests.builders import client_of
from tests.footprint import FROZEN, TODAY
from tests.programme_builders import TOP5_REASON, top5_group, top5_on_the_list

NAME = "Tindra"  # the first person on the list (fictional)
SURNAME = "Kvarnström"
REASON = TOP5_REASON


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return top5_group(users, agencies)


@pytest.fixture
def selection(group, users):
    return top5.record_selection(group, users["polis"], held_on=TODAY - dt.timedelta(days=7))


def put_on(group, users, selection, first=NAME, last=SURNAME, **more):
    return top5_on_the_list(group, users["polis"], selection, first, last, **more)


@pytest.fixture
def entry(group, users, selection):
    return put_on(group, users, selection)


# --- the ladder -------------------------------------------------------------------------------


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_the_selection_reminder_goes_once_to_police_and_social_services(
    group, users, selection, settings
):
    """Due eight weeks after the latest selection; the reminder ``reminder_days`` (3) before,
    from the notify hour, once; to Sven and Per, not to the school or leisure members."""
    due = selection.held_on + dt.timedelta(weeks=8)
    with time_machine.travel(at(due - dt.timedelta(days=4), 12), tick=False):
        assert top5.send_selection_reminders() == 0
    with time_machine.travel(at(due - dt.timedelta(days=3), settings.NOTIFY_HOUR - 1), tick=False):
        assert top5.send_selection_reminders() == 0
    with time_machine.travel(at(due - dt.timedelta(days=3), settings.NOTIFY_HOUR), tick=False):
        assert top5.send_selection_reminders() == 1
        assert top5.send_selection_reminders() == 0
        assert tasks.sweep()["top5_reminded"] == 0
    with time_machine.travel(at(due + dt.timedelta(days=5), 12), tick=False):
        assert top5.send_selection_reminders() == 0
    rows = Outbox.objects.filter(kind="top5_selection_due")
    assert sorted(rows.values_list("to", flat=True)) == [
        "per@exempel.invalid",
        "sven@exempel.invalid",
    ]
    mail = rows.first()
    assert "Top 5" in mail.subject and due.isoformat() in mail.body_text
    assert f"/operative/{group.pk}/top5/" in mail.body_text


def test_a_new_selection_starts_a_new_reminder_and_an_overdue_one_is_reminded(
    group, users, selection, entry, settings
):
    late = selection.held_on + dt.timedelta(weeks=9)
    with time_machine.travel(at(late, 12), tick=False):
        assert top5.send_selection_reminders() == 1  # passed: reminded at once
        page = client_of(users["polis"]).get(f"/operative/{group.pk}/top5/").content.decode()
        assert 'class="sspf-late"' in page and "Dagen har passerat." in page
        top5.record_selection(group, users["socialtjanst"], held_on=late)
        assert top5.send_selection_reminders() == 0
    with time_machine.travel(at(late + dt.timedelta(weeks=8, days=-3), 12), tick=False):
        assert top5.send_selection_reminders() == 1
    for mail in Outbox.objects.filter(kind="top5_selection_due"):
        assert NAME not in mail.body_text and SURNAME not in mail.body_html


# --- the evaluation ---------------------------------------------------------------------------


@pytest.fixture
def evaluated(group, users, selection, entry):
    social, police = users["socialtjanst"].membership.agency, users["polis"].membership.agency
    for agency, status in ((social, "done"), (police, "not_done"), (police, "ongoing")):
        top5.add_measure(
            entry,
            users["polis"],
            agency=agency,
            what=f"Åtgärd för {NAME}",
            started_on=TODAY,
            status=status,
            comment=f"{NAME} deltog." if status != "ongoing" else "",
        )
    ended = put_on(
        group,
        users,
        selection,
        first="Ville",
        last="Hägg",
        legal_ground="other",
        other_ground=f"Samtal med {NAME}",
    )
    top5.end_entry(ended, users["polis"], ended_on=TODAY, end_reason="goals")
    return entry


def test_the_evaluation_renders_de_identified(group, users, evaluated):
    with time_machine.travel(FROZEN + dt.timedelta(days=20), tick=False):
        answer = client_of(users["styrgrupp"]).get(f"/operative/{group.pk}/top5/evaluation/")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Person 1" in page and "Person 2" in page and "Person 3" not in page
    for secret in (NAME, SURNAME, "Ville", "Hägg", REASON, "Åtgärd för", "deltog", "Samtal med"):
        assert secret not in page, secret
    totals = page.split('data-testid="top5-totals"')[1].split("</table>")[0]
    for label, figure in (
        ("Urvalsmöten", 1),
        ("Personer på listan", 2),
        ("Åtgärder genomförda", 1),
        ("Åtgärder inte genomförda", 1),
    ):
        assert f"{label}" in totals and f"<td>{figure}</td>" in totals.split(label)[1][:80]
    assert "Polisen lokalpolisområde: Inte genomförd" in page
    assert "Socialtjänsten: Genomförd" in page
    assert "Målen nådda" in page and "Annan namngiven grund" in page
    first = page.split("<td>Person 1</td>")[1].split("</tr>")[0]
    assert "<td>15–17 år</td><td>Pojke</td><td>20</td>" in first  # added 20 days before


def test_the_days_on_the_list_are_counted_within_the_period(group, users, evaluated):
    """A person added 20 days before the evaluation, asked for the last 5 days: 5 days in the
    period, not 20."""
    with time_machine.travel(FROZEN + dt.timedelta(days=20), tick=False):
        since = (TODAY + dt.timedelta(days=15)).isoformat()
        answer = client_of(users["styrgrupp"]).get(
            f"/operative/{group.pk}/top5/evaluation/", {"from": since}
        )
    first = answer.content.decode().split("<td>Person 1</td>")[1].split("</tr>")[0]
    assert "<td>15–17 år</td><td>Pojke</td><td>5</td>" in first


def test_the_evaluations_period_and_its_pdf_logged_as_an_export(group, users, evaluated):
    client = client_of(users["samordnare"])
    later = client.get(f"/operative/{group.pk}/top5/evaluation/?from=2025-03-11").content
    assert "Person 1" in later.decode() and "2025-03-11" in later.decode()
    nonsense = client.get(f"/operative/{group.pk}/top5/evaluation/?from=igår").content.decode()
    assert "2024-11-10" in nonsense  # four months back
    answer = client.get(f"/operative/{group.pk}/top5/evaluation.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(answer.content)).pages
    text = " ".join(" ".join(page.extract_text() or "" for page in pages).split())
    assert "Person 1" in text and NAME not in text
    log = AccessLog.objects.get(user=users["samordnare"])
    assert (log.action, log.case_id, log.youth_id) == ("export", None, None)


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_has_four_on_the_list_one_earlier_and_a_selection_three_weeks_ago(group, users):
    people = {"per": users["polis"], "sven": users["socialtjanst"]}
    demo_top5.load(group, people)
    assert group.top5entry_entries.filter(ended_on__isnull=True).count() == 4
    ended = group.top5entry_entries.get(ended_on__isnull=False)
    assert ended.end_reason == "replaced"
    assert set(group.top5entry_entries.values_list("legal_ground", flat=True)) == {
        "osl_10_18a",
        "other",
    }
    assert not Youth.objects.exclude(personal_number="").exists()
    page = client_of(users["polis"]).get(f"/operative/{group.pk}/top5/").content.decode()
    assert "Kevin Dahlgren" in page and "2025-05-05" not in page
    assert "Nästa urvalsmöte ska hållas senast 2025-04-14" in page
    assert top5.send_selection_reminders() == 0  # five weeks to go
    evaluation = client_of(users["samordnare"]).get(f"/operative/{group.pk}/top5/evaluation/")
    assert "Person 5" in evaluation.content.decode()


def test_the_steering_group_and_the_coordinator_find_the_evaluations(group, users, agencies):
    """The steering group's page links the evaluations; the list holds the municipality's
    groups, each linking its evaluation; school, leisure and the police of another group's
    municipality find none (403)."""
    steering = users["styrgrupp"]
    page = client_of(steering).get("/steering/").content.decode()
    assert "/operative/top5/evaluations/" in page
    for user in (steering, users["samordnare"], users["polis"]):
        page = client_of(user).get("/operative/top5/evaluations/")
        assert page.status_code == 200, user
        assert f"/operative/{group.pk}/top5/evaluation/" in page.content.decode()
    for user in (users["skola"], users["fritid"]):
        assert client_of(user).get("/operative/top5/evaluations/").status_code == 403, user
    group_page = client_of(users["samordnare"]).get(f"/operative/{group.pk}/").content.decode()
    assert f"/operative/{group.pk}/top5/evaluation/" in group_page
    assert f'/operative/{group.pk}/top5/"' not in group_page  # the list is not the coordinator's
