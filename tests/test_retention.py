"""Gallring (issue 14, item 6): the municipality's rules, the clock (closure, a consultation's
day, an access-log row's time), legal holds, the dry run, the real run (de-identify or delete,
through the ORM), the daily job claimed once a day, and the append-only guard that only gallring
passes. Every case is fictional."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import ProtectedError

from casework.workflow import steps
from forms.models import Submission
from sspf_flow import holds, records, retention, services
from sspf_flow.models import (
    AccessLog,
    Action,
    ActionUpdate,
    Assessment,
    Case,
    CaseEvent,
    Consent,
    Consultation,
    FollowUp,
    Guardian,
    Incident,
    JournalNote,
    LegalHold,
    Meeting,
    MeetingPicture,
    NetworkPerson,
    RetentionRule,
    RetentionRun,
    Youth,
)
from sspf_flow.models.appendonly import gallring_door
from sspf_flow.refusals import TransitionRefused
from tests.builders import case_in_progress

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CLOSED_ON = dt.date(2020, 3, 2)
DAY_AFTER_FIVE_YEARS = dt.date(2025, 3, 3)  # closed five years and one day ago: due
DAY_BEFORE_FIVE_YEARS = dt.date(2025, 3, 1)  # five years less one day: not yet
SECRET = "hemlig"  # every free text and name below carries it
PERSONNUMMER = "19121212-1212"  # Skatteverket's example number


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


def rule(municipality, record_type="case", years=5, action="deidentify"):
    return RetentionRule.objects.create(
        municipality=municipality, record_type=record_type, years=years, action=action
    )


@pytest.fixture
def build_closed(refer, coordinator, consent_for, agencies, users):
    """A case walked to a held meeting, with every kind of record and free text, closed on
    ``CLOSED_ON`` (or ``on``)."""

    def build(on=CLOSED_ON):
        with time_machine.travel(at(on - dt.timedelta(days=60)), tick=True):
            case = case_in_progress(refer, coordinator, consent_for, agencies)
            note = records.write_journal_note(case, coordinator, f"{SECRET} anteckning")
            records.write_journal_note(case, coordinator, f"{SECRET} rättelse", corrects=note)
            records.report_incident(
                case, coordinator, on - dt.timedelta(days=60), "other", f"{SECRET} händelse"
            )
            records.record_concern_report(
                case, coordinator, on - dt.timedelta(days=60), f"{SECRET} mottagare"
            )
        _plant_free_text(case, users)
        with time_machine.travel(at(on), tick=True):
            steps.close(case, coordinator, "other", f"{SECRET} avslut")
        case.refresh_from_db()
        return case

    return build


def _plant_free_text(case, users):
    """The free texts a walk leaves at their defaults, given the secret word."""
    youth = case.youth
    Youth.objects.filter(pk=youth.pk).update(
        first_name=f"{SECRET}förnamn",
        last_name=f"{SECRET}efternamn",
        personal_number=PERSONNUMMER,
        school=f"{SECRET}skolan",
        language=f"{SECRET}språk",
        accessibility_needs=f"{SECRET} behov",
    )
    Guardian.objects.filter(youth=youth).update(
        name=f"{SECRET} vårdnadshavare", phone="070-0000000", email=f"{SECRET}@exempel.se"
    )
    Case.objects.filter(pk=case.pk).update(
        concern_text=f"{SECRET} oro", protective_text=f"{SECRET} skydd"
    )
    Consent.objects.filter(case=case).update(
        oral_notes=f"{SECRET} muntligt", purpose=f"{SECRET} syfte", youth_view=f"{SECRET} syn"
    )
    meeting = Meeting.objects.filter(case=case).first()
    Meeting.objects.filter(case=case).update(place=f"{SECRET} plats", protocol=f"{SECRET} prot")
    NetworkPerson.objects.create(case=case, name=f"{SECRET} tränare", relation=f"{SECRET} rel")
    MeetingPicture.objects.create(
        meeting=meeting, agency=users["skola"].membership.agency, author=users["skola"],
        written_at=at(CLOSED_ON), updated_at=at(CLOSED_ON), knows=f"{SECRET} vet",
        does=f"{SECRET} gör", strengths=f"{SECRET} styrkor", risks=f"{SECRET} risker",
    )  # fmt: skip
    action = Action.objects.filter(plan__case=case).first()
    Action.objects.filter(pk=action.pk).update(text=f"{SECRET} åtgärd")
    action.goal.__class__.objects.filter(pk=action.goal_id).update(text=f"{SECRET} mål")
    ActionUpdate.objects.create(
        action=action, at=at(CLOSED_ON), author=users["skola"],
        agency=users["skola"].membership.agency, status="done", comment=f"{SECRET} kommentar",
    )  # fmt: skip
    FollowUp.objects.create(
        case=case, date=CLOSED_ON, notes=f"{SECRET} uppföljning", created_by=users["samordnare"]
    )
    Assessment._base_manager.filter(case=case).update(comment=f"{SECRET} bedömning")
    Submission._base_manager.filter(case=case).update(answers={"fritext": f"{SECRET} svar"})
    with gallring_door():  # set-up past the database's protection of the history
        CaseEvent._base_manager.filter(case=case).update(data={"reason": f"{SECRET} skäl"})


def stored_rows():
    """Every row of every table, as text."""
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values():
            yield model._meta.label, str(row)


def secrets_left():
    return sorted(
        {label for label, text in stored_rows() if SECRET in text.lower() or "1212-1212" in text}
    )


# --- the clock --------------------------------------------------------------------------------


def test_a_case_closed_five_years_and_a_day_ago_is_due_and_one_a_day_short_is_not(
    build_closed, municipality
):
    case = build_closed()
    rule(municipality)
    [due] = retention.due(DAY_AFTER_FIVE_YEARS)
    assert list(due.rows) == [case]
    [not_yet] = retention.due(DAY_BEFORE_FIVE_YEARS)
    assert not not_yet.rows.exists()


def test_a_reopened_case_is_open_again_and_never_due(build_closed, municipality, coordinator):
    case = build_closed()
    steps.reopen(case, coordinator, "Ny oro.")
    rule(municipality)
    [due] = retention.due(DAY_AFTER_FIVE_YEARS)
    assert not due.rows.exists()


def test_without_a_rule_nothing_is_due_and_a_run_removes_nothing(build_closed):
    case = build_closed()
    assert retention.due(DAY_AFTER_FIVE_YEARS) == []
    run = retention.run(DAY_AFTER_FIVE_YEARS)
    assert run.counts == []
    case.refresh_from_db()
    assert case.deidentified_at is None and case.concern_text


# --- legal holds ------------------------------------------------------------------------------


def test_a_held_case_is_kept_and_counted_as_held(build_closed, municipality, coordinator):
    case = build_closed()
    holds.place_hold(case, coordinator, "request", "Begäran om registerutdrag")
    rule(municipality)
    run = retention.run(DAY_AFTER_FIVE_YEARS)
    assert (run.counts[0]["count"], run.counts[0]["held"]) == (0, 1)
    case.refresh_from_db()
    assert case.deidentified_at is None
    assert SECRET in case.concern_text


def test_a_lifted_hold_lets_the_next_run_take_the_case(build_closed, municipality, coordinator):
    case = build_closed()
    holds.place_hold(case, coordinator, "investigation", "IVO-granskning")
    holds.lift_hold(case, coordinator)
    rule(municipality)
    retention.run(DAY_AFTER_FIVE_YEARS)
    case.refresh_from_db()
    assert case.deidentified_at is not None
    assert list(case.events.values_list("action", flat=True))[-3:] == [
        "hold.placed",
        "hold.lifted",
        "case.deidentified",
    ]


def test_a_hold_needs_a_reason_and_there_is_one_at_a_time(build_closed, coordinator):
    case = build_closed()
    with pytest.raises(TransitionRefused, match="vad spärren gäller"):
        holds.place_hold(case, coordinator, "request", "  ")
    holds.place_hold(case, coordinator, "request", "Begäran")
    with pytest.raises(TransitionRefused, match="har redan en gallringsspärr"):
        holds.place_hold(case, coordinator, "other", "Annat")
    assert LegalHold.objects.filter(case=case).count() == 1


def test_only_the_coordinator_places_a_hold(build_closed, users):
    from django.core.exceptions import PermissionDenied

    case = build_closed()
    with pytest.raises(PermissionDenied):
        holds.place_hold(case, users["skola"], "request", "Begäran")


# --- dry run ----------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_but_its_record(build_closed, municipality):
    case = build_closed()
    rule(municipality)
    before = sorted(stored_rows())
    run = retention.run(DAY_AFTER_FIVE_YEARS, dry_run=True)
    assert run.dry_run
    assert run.counts == [
        {
            "municipality": municipality.name,
            "record_type": "case",
            "action": "deidentify",
            "years": 5,
            "count": 1,
            "held": 0,
        }
    ]
    after = [row for row in sorted(stored_rows()) if row[0] != "sspf_flow.RetentionRun"]
    assert after == [row for row in before if row[0] != "sspf_flow.RetentionRun"]
    case.refresh_from_db()
    assert case.deidentified_at is None


# --- the real run -----------------------------------------------------------------------------


def test_deidentify_removes_names_identity_and_every_free_text_and_keeps_the_codes(
    build_closed, municipality
):
    case = build_closed()
    youth = case.youth
    assert secrets_left()  # the planted texts are there to begin with
    rule(municipality)
    run = retention.run(DAY_AFTER_FIVE_YEARS)
    assert run.counts[0]["count"] == 1 and run.youth_kept == 0 and run.failed == 0
    assert secrets_left() == []
    assert not Consent.objects.exclude(signed_form="").filter(case=case).exists()
    kept = Case.objects.get(pk=case.pk)
    assert (kept.number, kept.status, kept.closure_reason) == (case.number, "closed", "other")
    assert (kept.concerns, kept.risk_level) == (case.concerns, case.risk_level)
    assert (kept.referred_at, kept.closed_at) == (case.referred_at, case.closed_at)
    young = Youth.objects.get(pk=youth.pk)
    assert (young.gender, young.grade) == (youth.gender, youth.grade)
    assert young.birth_date == dt.date(youth.birth_date.year, 7, 1)
    assert Action.objects.filter(plan__case=case).count() == 1
    assert JournalNote.objects.filter(case=case).count() == 2


def test_a_deidentified_case_is_not_taken_again(build_closed, municipality):
    build_closed()
    rule(municipality)
    retention.run(DAY_AFTER_FIVE_YEARS)
    second = retention.run(DAY_AFTER_FIVE_YEARS + dt.timedelta(days=1))
    assert second.counts[0]["count"] == 0


def test_a_deidentified_case_cannot_be_reopened(build_closed, municipality, coordinator, client):
    case = build_closed()
    client.force_login(coordinator)
    assert f"/sspf/{case.number}/reopen/" in client.get(f"/sspf/{case.number}/").content.decode()
    rule(municipality)
    retention.run(DAY_AFTER_FIVE_YEARS)

    page = client.get(f"/sspf/{case.number}/").content.decode()
    assert f"/sspf/{case.number}/reopen/" not in page  # no button to a step that cannot be taken
    with pytest.raises(TransitionRefused) as refused:
        services.reopen_case(Case.objects.get(pk=case.pk), coordinator, "Ny oro.")
    assert "avidentifierats genom gallring" in str(refused.value)
    answer = client.post(f"/sspf/{case.number}/reopen/", {"reason": "Ny oro."})
    assert answer.status_code == 200  # the form again, with the reason
    assert "avidentifierats genom gallring och kan inte öppnas igen" in answer.content.decode()
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_purge_deletes_the_case_and_all_of_it_and_the_young_person(build_closed, municipality):
    case = build_closed()
    youth = case.youth
    rule(municipality, action="purge")
    run = retention.run(DAY_AFTER_FIVE_YEARS)
    assert (run.counts[0]["count"], run.youth_kept, run.failed) == (1, 0, 0)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Youth.objects.filter(pk=youth.pk).exists()
    assert not Guardian.objects.exists()
    for model in (CaseEvent, JournalNote, Incident, Assessment, Meeting, Submission):
        assert not model._base_manager.filter(case=case.pk).exists(), model
    assert not AccessLog.objects.filter(case=case.pk).exists()
    assert secrets_left() == []


def test_purge_keeps_a_young_person_another_record_refers_to(
    build_closed, municipality, refer, coordinator
):
    case = build_closed()
    other = refer()
    Case.objects.filter(pk=other.pk).update(youth=case.youth)  # the same young person again
    rule(municipality, action="purge")
    run = retention.run(DAY_AFTER_FIVE_YEARS)
    assert (run.counts[0]["count"], run.youth_kept) == (1, 1)
    assert Youth.objects.filter(pk=case.youth_id).exists()
    assert Case.objects.filter(pk=other.pk).exists()


def test_purge_unlinks_the_consultation_the_case_came_from(build_closed, municipality, users):
    case = build_closed()
    consultation = Consultation.objects.create(
        municipality=municipality, asked_on=CLOSED_ON,
        asking_agency=users["skola"].membership.agency,
        age_band="12_14", gender="annat", outcome="referral", recorded_by=users["samordnare"],
        became_case=case,
    )  # fmt: skip
    rule(municipality, action="purge")
    retention.run(DAY_AFTER_FIVE_YEARS)
    consultation.refresh_from_db()
    assert consultation.became_case is None


# --- consultations and the access log ---------------------------------------------------------


def test_consultations_and_access_log_go_by_their_own_periods(municipality, users, refer):
    agency = users["skola"].membership.agency
    case = refer()

    def consultation(day):
        return Consultation.objects.create(
            municipality=municipality, asked_on=day, asking_agency=agency, age_band="12_14",
            gender="annat", outcome="advice", recorded_by=users["samordnare"],
        )  # fmt: skip

    def log_row(when):
        return AccessLog.objects.create(
            at=when, user=users["samordnare"], agency=agency, roles="samordnare", case=case,
            what="ärendesida", action="view", had_basis=True,
        )  # fmt: skip

    today = dt.date(2026, 6, 1)
    old, young = consultation(dt.date(2024, 5, 31)), consultation(dt.date(2024, 6, 1))
    old_row, young_row = log_row(at(dt.date(2021, 5, 31))), log_row(at(dt.date(2021, 6, 1)))
    rule(municipality, "consultation", years=2, action="purge")
    rule(municipality, "access_log", years=5, action="purge")
    run = retention.run(today)
    assert {c["record_type"]: c["count"] for c in run.counts} == {
        "consultation": 1,
        "access_log": 1,
    }
    assert list(Consultation.objects.all()) == [young]
    assert not Consultation.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=young_row.pk).exists()
    assert not AccessLog.objects.filter(pk=old_row.pk).exists()


def test_the_access_log_of_a_held_case_is_kept(municipality, users, refer, coordinator):
    case = refer()
    AccessLog.objects.create(
        at=at(dt.date(2019, 1, 1)), user=coordinator, roles="samordnare", case=case,
        what="ärendesida", action="view", had_basis=True,
    )  # fmt: skip
    holds.place_hold(case, coordinator, "investigation", "JO-granskning")
    rule(municipality, "access_log", years=5, action="purge")
    run = retention.run(dt.date(2026, 6, 1))
    assert (run.counts[0]["count"], run.counts[0]["held"]) == (0, 1)
    assert AccessLog.objects.filter(case=case, at__year=2019).exists()


# --- the daily job ----------------------------------------------------------------------------


def test_the_beat_task_twice_on_one_day_runs_once_and_only_after_the_hour(
    build_closed, municipality, settings
):
    from sspf_flow.tasks import gallring

    build_closed()
    rule(municipality)
    settings.GALLRING_HOUR = 2
    with time_machine.travel(at(DAY_AFTER_FIVE_YEARS, hour=1), tick=False):
        assert gallring() is None
    assert not RetentionRun.objects.exists()
    with time_machine.travel(at(DAY_AFTER_FIVE_YEARS, hour=3), tick=False):
        first = gallring()
        second = gallring()
    assert first is not None and second is None
    [run] = RetentionRun.objects.all()
    assert (run.trigger, run.dry_run, run.counts[0]["count"]) == ("beat", False, 1)


def test_the_day_is_claimed_by_a_row_that_only_one_beat_can_write(municipality):
    from django.db import IntegrityError, transaction

    rule(municipality)
    with time_machine.travel(at(DAY_AFTER_FIVE_YEARS, hour=3), tick=False):
        retention.daily()
        with pytest.raises(IntegrityError), transaction.atomic():
            RetentionRun.objects.create(
                day=DAY_AFTER_FIVE_YEARS, dry_run=False, trigger="beat",
                started_at=at(DAY_AFTER_FIVE_YEARS),
            )  # fmt: skip


def test_the_command_prints_the_dry_run(build_closed, municipality, capsys):
    build_closed()
    rule(municipality)
    call_command("gallring", "--dry-run", "--today", DAY_AFTER_FIVE_YEARS.isoformat())
    out = capsys.readouterr().out
    assert municipality.name in out and "1" in out
    assert RetentionRun.objects.get().dry_run
    assert Case.objects.get().deidentified_at is None


# --- the append-only guard --------------------------------------------------------------------


def test_ordinary_code_still_cannot_change_or_delete_append_only_rows(refer, coordinator):
    case = refer()
    records.write_journal_note(case, coordinator, "Anteckning")
    for model in (CaseEvent, JournalNote):
        rows = model.objects.filter(case=case)
        with pytest.raises(ValueError):
            rows.update(at=None) if model is CaseEvent else rows.update(text="")
        with pytest.raises(ValueError):
            rows.delete()
        with pytest.raises(ValueError):
            rows.first().delete()
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=case.pk).delete()  # a case is never deleted by accident
    assert JournalNote.objects.filter(case=case, text="Anteckning").exists()


def test_services_are_untouched_by_the_guard(refer, coordinator):
    """The services write append-only rows by creating them, which stays allowed."""
    case = refer()
    services.decline_referral(case, coordinator, "outside_target_group")
    assert case.events.count() == 2
