"""Issue 13 (6): SIG (seed 002), its rules through the one door ``operative.sig``: the police's
priority list, the offer and its answer (declined with a coded reason), an accepted person taken
into a cohort on consent, their status notes, closing with a coded reason; every step in order,
a refusal says which condition is unmet and writes nothing; the figures in seed 002's style."""

import datetime as dt

import pytest
import time_machine

from operative import sig
from operative.models import SigEntry, SigStage, SigStatus
from sspf_flow.models import Youth
from sspf_flow.refusals import TransitionRefused
from tests.builders import operative_group
from tests.footprint import FROZEN, TODAY
from tests.programme_builders import sig_person

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return operative_group(users, agencies)


@pytest.fixture
def police(users):
    return users["polis"]


@pytest.fixture
def cohort(group, police, users):
    return sig.make_cohort(
        group, police, name="Pilotomgång", started_on=TODAY - 30 * DAY, coach=users["samordnare"]
    )


@pytest.fixture
def entry(group, police):
    return sig_person(group, police, listed_on=TODAY - 20 * DAY)


def refused(call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    return " ".join(map(str, caught.value.reasons))


def accepted(entry, police):
    sig.record_offer(entry, police, offered_on=TODAY - 10 * DAY)
    return sig.record_answer(entry, police, answer="accepted", answered_on=TODAY - 8 * DAY)


def taken_in(entry, police, cohort):
    accepted(entry, police)
    return sig.take_in(
        entry, police, cohort=cohort, consented_on=TODAY - 8 * DAY, joined_on=TODAY - 7 * DAY
    )


# --- the priority list ------------------------------------------------------------------------


def test_the_police_put_a_young_person_on_the_priority_list(entry, police):
    assert entry.stage == SigStage.LISTED
    assert entry.added_by == police


def test_the_school_member_is_refused_the_list(group, users):
    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name="Elsa",
        last_name="Åkesson",
        birth_date=dt.date(2010, 5, 1),
        gender="flicka",
    )
    reason = refused(lambda: sig.put_on_list(group, users["skola"], youth=youth, listed_on=TODAY))
    assert "polisen och socialtjänsten" in reason
    assert not SigEntry.objects.exists()


def test_a_young_person_is_on_the_list_once(group, police, entry):
    reason = refused(lambda: sig.put_on_list(group, police, youth=entry.youth, listed_on=TODAY))
    assert "redan på gruppens prioriteringslista" in reason


def test_no_date_ahead(group, police):
    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name="Elsa",
        last_name="Åkesson",
        birth_date=dt.date(2010, 5, 1),
        gender="flicka",
    )
    reason = refused(lambda: sig.put_on_list(group, police, youth=youth, listed_on=TODAY + DAY))
    assert "inte är efter i dag" in reason


# --- the offer and the answer -----------------------------------------------------------------


def test_no_offer_before_being_on_the_list(entry, police):
    reason = refused(lambda: sig.record_offer(entry, police, offered_on=TODAY - 21 * DAY))
    assert "innan de kom upp på prioriteringslistan" in reason
    entry.refresh_from_db()
    assert entry.offered_on is None


def test_an_offer_is_recorded_once(entry, police):
    sig.record_offer(entry, police, offered_on=TODAY)
    assert SigEntry.objects.get().stage == SigStage.OFFERED
    assert "redan registrerat" in refused(lambda: sig.record_offer(entry, police, offered_on=TODAY))


def test_no_answer_without_an_offer(entry, police):
    reason = refused(lambda: sig.record_answer(entry, police, answer="accepted", answered_on=TODAY))
    assert "Inget erbjudande" in reason


def test_declining_needs_a_coded_reason(entry, police):
    sig.record_offer(entry, police, offered_on=TODAY)
    reason = refused(lambda: sig.record_answer(entry, police, answer="declined", answered_on=TODAY))
    assert "varför de tackade nej" in reason
    reason = refused(
        lambda: sig.record_answer(
            entry, police, answer="declined", answered_on=TODAY, declined_reason="other"
        )
    )
    assert "Beskriv det andra skälet" in reason
    sig.record_answer(
        entry, police, answer="declined", answered_on=TODAY, declined_reason="no_police"
    )
    entry.refresh_from_db()
    assert entry.stage == SigStage.DECLINED
    assert entry.get_declined_reason_display() == "Vill inte samverka med polisen"


def test_the_answer_comes_after_the_offer(entry, police):
    sig.record_offer(entry, police, offered_on=TODAY)
    reason = refused(
        lambda: sig.record_answer(entry, police, answer="accepted", answered_on=TODAY - DAY)
    )
    assert "före erbjudandet" in reason


# --- the cohort -------------------------------------------------------------------------------


def test_only_an_accepted_offer_joins_a_cohort(entry, police, cohort):
    sig.record_offer(entry, police, offered_on=TODAY)
    reason = refused(
        lambda: sig.take_in(entry, police, cohort=cohort, consented_on=TODAY, joined_on=TODAY)
    )
    assert "tackat ja till erbjudandet" in reason


def test_sig_builds_on_consent(entry, police, cohort):
    accepted(entry, police)
    reason = refused(
        lambda: sig.take_in(entry, police, cohort=cohort, consented_on=None, joined_on=TODAY)
    )
    assert "SIG bygger på samtycke" in reason
    entry.refresh_from_db()
    assert entry.cohort is None


def test_taken_in_the_person_gets_the_cohorts_coach(entry, police, cohort, users):
    taken_in(entry, police, cohort)
    entry.refresh_from_db()
    assert entry.stage == SigStage.IN_COHORT
    assert entry.coach == users["samordnare"]


def test_the_coach_works_in_the_municipality(group, police, foreign_coordinator):
    reason = refused(
        lambda: sig.make_cohort(
            group, police, name="Omgång", started_on=TODAY, coach=foreign_coordinator
        )
    )
    assert "coach som arbetar i kommunen" in reason


def test_an_ended_cohort_takes_no_one_in(entry, police, cohort):
    cohort.ended_on = TODAY - DAY
    cohort.save()
    accepted(entry, police)
    reason = refused(
        lambda: sig.take_in(entry, police, cohort=cohort, consented_on=TODAY, joined_on=TODAY)
    )
    assert "avslutad" in reason


# --- status notes and closing -----------------------------------------------------------------


def status(**more):
    return {"day": TODAY, "crimes": "no", "drugs": "yes", "school_or_work": "yes", **more}


def test_the_coach_records_a_status_note(entry, police, cohort, users):
    taken_in(entry, police, cohort)
    note = sig.record_status(entry, users["samordnare"], **status(months_without_crime=2))
    assert note.written_by == users["samordnare"]


def test_no_status_before_the_cohort(entry, police):
    reason = refused(lambda: sig.record_status(entry, police, **status()))
    assert "person i omgången" in reason
    assert not SigStatus.objects.exists()


def test_someone_else_is_refused_the_status(entry, police, cohort, users):
    taken_in(entry, police, cohort)
    reason = refused(lambda: sig.record_status(entry, users["skola"], **status()))
    assert "personens coach" in reason


def test_closing_needs_a_coded_reason(entry, police, cohort):
    taken_in(entry, police, cohort)
    reason = refused(lambda: sig.close(entry, police, closed_on=TODAY, closure_reason=""))
    assert "skälet till avslutet" in reason
    reason = refused(lambda: sig.close(entry, police, closed_on=TODAY, closure_reason="other"))
    assert "Beskriv det andra skälet" in reason
    sig.close(entry, police, closed_on=TODAY, closure_reason="needs_sis")
    entry.refresh_from_db()
    assert entry.stage == SigStage.CLOSED
    assert entry.get_closure_reason_display() == "Behov av placering (SiS)"
    assert "avslutad" in refused(lambda: sig.record_status(entry, police, **status()))


def test_closing_is_not_dated_before_the_last_step(entry, police, cohort):
    taken_in(entry, police, cohort)
    reason = refused(
        lambda: sig.close(entry, police, closed_on=TODAY - 8 * DAY, closure_reason="moved")
    )
    assert (TODAY - 7 * DAY).isoformat() in reason


def test_the_figures_in_the_style_of_the_report(group, police, cohort):
    people = [sig_person(group, police, listed_on=TODAY - 20 * DAY, n=n) for n in range(4)]
    taken_in(people[0], police, cohort)
    taken_in(people[1], police, cohort)
    sig.close(people[1], police, closed_on=TODAY, closure_reason="low_risk")
    sig.record_offer(people[2], police, offered_on=TODAY)
    sig.record_answer(
        people[2], police, answer="declined", answered_on=TODAY, declined_reason="family_says_no"
    )
    figures = sig.figures(group)
    assert {k: figures[k] for k in ("listed", "offered", "declined", "in_cohort")} == {
        "listed": 4,
        "offered": 3,
        "declined": 1,
        "in_cohort": 2,
    }
    assert (figures["ongoing"], figures["closed"]) == (1, 1)
    assert [(str(label), n) for label, n in figures["reasons"]] == [
        ("Inte behov av omfattande stöd (låg risk)", 1)
    ]


# --- one wording: the form shows the service's reason at its field ----------------------------


def test_a_decline_without_a_reason_reads_the_same_on_the_form_and_in_the_service(entry, police):
    from operative.sig_forms import AnswerForm
    from operative.sig_guards import decline_explained

    sig.record_offer(entry, police, offered_on=TODAY)
    data = {"answer": "declined", "answered_on": str(TODAY)}
    form = AnswerForm(data, entry=entry)
    assert not form.is_valid()
    expected = str(decline_explained("declined", "", ""))
    assert form.errors["declined_reason"] == [expected]
    with pytest.raises(TransitionRefused) as caught:
        sig.record_answer(entry, police, answer="declined", answered_on=TODAY)
    assert caught.value.reasons == [expected]
    assert caught.value.reasons[0].field == "declined_reason"


def test_a_closing_before_the_last_step_is_shown_at_the_date(entry, police, cohort):
    from operative.sig_forms import CloseForm

    taken_in(entry, police, cohort)
    entry.refresh_from_db()
    form = CloseForm({"closed_on": str(TODAY - 8 * DAY), "closure_reason": "moved"}, entry=entry)
    assert not form.is_valid()
    assert list(form.errors) == ["closed_on"]


def test_a_cohort_ends_once(cohort, police, users):
    assert "polisen och socialtjänsten" in refused(
        lambda: sig.end_cohort(cohort, users["skola"], ended_on=TODAY)
    )
    sig.end_cohort(cohort, police, ended_on=TODAY)
    assert "redan avslutad" in refused(lambda: sig.end_cohort(cohort, police, ended_on=TODAY))
