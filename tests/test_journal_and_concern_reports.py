"""Journal notes are dated, signed, in order and never changed (a correction is a new note);
a report of concern is recorded without waiting for any consent."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.workflow.flows import CaseFlow
from sspf_flow import records, services
from sspf_flow.models import ConcernReport, JournalNote
from tests.builders import assessed, referral_post


def test_notes_are_signed_dated_and_shown_in_order(client, refer, coordinator):
    case = refer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        records.write_journal_note(case, coordinator, "Samtal med Lou och föräldrarna.")
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        records.write_journal_note(case, coordinator, "Skolan ringde om frånvaron.")
    client.force_login(coordinator)
    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert page.index("Samtal med Lou") < page.index("Skolan ringde")
    note = JournalNote.objects.first()
    assert note.author == coordinator and note.written_at == start


def test_a_note_cannot_be_changed_or_deleted(refer, coordinator):
    note = records.write_journal_note(refer(), coordinator, "Första anteckningen.")
    note.text = "Ändrad i efterhand."
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(ValueError):
        note.delete()
    assert JournalNote.objects.get().text == "Första anteckningen."


def test_a_correction_is_a_new_note_pointing_at_the_old(client, refer, coordinator):
    case = refer()
    wrong = records.write_journal_note(case, coordinator, "Mötet hölls i tisdags.")
    client.force_login(coordinator)
    response = client.post(
        f"/sspf/{case.number}/journal/new/",
        {"text": "Rättelse: mötet hölls i onsdags.", "corrects": wrong.pk},
    )
    assert response.status_code == 302
    correction = JournalNote.objects.latest("pk")
    assert correction.corrects == wrong
    assert JournalNote.objects.get(pk=wrong.pk).text == "Mötet hölls i tisdags."


def test_a_note_can_be_confidential_toward_the_guardians(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    client.post(
        f"/sspf/{case.number}/journal/new/",
        {"text": "Lou berättade i förtroende.", "confidential_to_guardians": "on"},
    )
    assert JournalNote.objects.get().confidential_to_guardians


def test_an_empty_note_is_refused(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    response = client.post(f"/sspf/{case.number}/journal/new/", {"text": ""})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not JournalNote.objects.exists()


def test_only_the_coordinator_writes_and_reads_the_journal(
    client, refer, coordinator, users, agencies, consent_for
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent_for(case, [agencies["polis"]])
    records.write_journal_note(case, coordinator, "Uppgift om familjen.")
    with pytest.raises(PermissionDenied):
        records.write_journal_note(case, users["polis"], "Polisens anteckning.")
    client.force_login(users["polis"])
    page = client.get(f"/sspf/{case.number}/history/").content.decode()
    assert "Uppgift om familjen." not in page
    assert client.get(f"/sspf/{case.number}/journal/new/").status_code == 403


def test_the_referrer_records_a_report_of_concern_without_consent(client, refer, users):
    case = refer(by="skola")  # no consent covers the school
    client.force_login(users["skola"])
    assert client.get(f"/sspf/{case.number}/").status_code == 404
    response = client.post(
        f"/sspf/{case.number}/concern-report/",
        {"made_on": str(timezone.localdate()), "to_whom": "Socialtjänsten"},
    )
    assert response.status_code == 302 and response.url.endswith("/sspf/referrals/")
    report = ConcernReport.objects.get()
    assert (report.case, report.recorded_by) == (case, users["skola"])


def test_a_report_of_concern_can_come_with_the_referral(client, users):
    client.force_login(users["polis"])
    data = {
        **referral_post(),
        "report-made": "on",
        "report-made_on": str(timezone.localdate()),
        "report-to_whom": "Socialjouren",
    }
    assert client.post(CaseFlow.start.reverse("execute"), data).status_code == 302
    report = ConcernReport.objects.get()
    assert report.to_whom == "Socialjouren" and report.agency.kind == "polis"


def test_a_report_of_concern_dated_in_the_future_is_refused(client, refer, coordinator):
    case = refer()
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"/sspf/{case.number}/concern-report/",
        {"made_on": str(tomorrow), "to_whom": "Socialtjänsten"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["made_on"] == [  # the guard's words, at the field
        "Orosanmälan kan inte dateras framåt i tiden."
    ]
    assert not ConcernReport.objects.exists()


def test_others_cannot_record_a_report_on_a_case_they_do_not_know(client, refer, users):
    case = refer(by="skola")
    client.force_login(users["fritid"])
    response = client.post(
        f"/sspf/{case.number}/concern-report/",
        {"made_on": str(timezone.localdate()), "to_whom": "Socialtjänsten"},
    )
    assert response.status_code == 404
    assert not ConcernReport.objects.exists()
