"""The named guards of the case, each refused and allowed: first the guard function on its own,
then the service that checks it, which must refuse with the guard's reason, leave the status
where it was and write nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from sspf_flow import consent_guards, guards, plan_guards, record_guards, services
from sspf_flow.models import (
    Case,
    CaseEvent,
    Consent,
    FollowUp,
    Guardian,
    Meeting,
    MeetingStatus,
    Membership,
    Role,
    Youth,
)
from sspf_flow.refusals import TransitionRefused
from tests.builders import ALL_CATEGORIES, assessed, make_user, signed_pdf
from tests.footprint import FROZEN, TODAY, footprint


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(FROZEN, tick=False)


def english(reason):
    with translation.override("en"):
        return str(reason)


def refusal(service, *args, **kwargs):
    """Call a service that must refuse; return its reasons, in English."""
    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        service(*args, **kwargs)
    return refused.value.reasons


def meeting_plan(agencies, days=7):
    return {
        "kind": "network",
        "starts_at": timezone.now() + dt.timedelta(days=days),
        "place": "Centralskolan, rum 12",
        "agencies": agencies,
    }


def meeting_record(agencies, **changes):
    """A complete record of a held meeting: one goal, one action for the school."""
    record = {
        "attended_agencies": [agencies["skola"], agencies["socialtjanst"]],
        "youth_attended": True,
        "guardians_attended": True,
        "protocol": "Alla berättade om sin bild av Lou.",
        "goals": [{"text": "Lou är i skolan minst 90 % av tiden.", "measure": "Närvaro"}],
        "actions": [
            {
                "text": "Extra stöd för att öka närvaron.",
                "party": "agency",
                "agency": agencies["skola"],
                "due_date": TODAY + dt.timedelta(days=30),
                "goal": 0,
            }
        ],
        "next_follow_up": TODAY + dt.timedelta(days=42),
    }
    return {**record, **changes}


@pytest.fixture
def awaiting_consent(refer, coordinator):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    return case


@pytest.fixture
def consented(awaiting_consent, consent_for, scope):
    consent_for(awaiting_consent, scope)
    return awaiting_consent


@pytest.fixture
def meeting_planned(consented, coordinator, scope):
    services.plan_meeting(consented, coordinator, **meeting_plan(scope))
    return consented


@pytest.fixture
def in_progress(meeting_planned, coordinator, agencies):
    services.hold_meeting(
        meeting_planned, coordinator, meeting_planned.meetings.get(), **meeting_record(agencies)
    )
    return meeting_planned


@pytest.fixture
def closed(awaiting_consent, coordinator):
    services.close_case(awaiting_consent, coordinator, "moved")
    return awaiting_consent


def assess_goals(case, user, assessment):
    goals = dict.fromkeys(case.plans.get().goals.all(), assessment)
    services.record_follow_up(
        case,
        user,
        day=TODAY,
        notes="Uppföljning.",
        items=[],
        goal_assessments=goals,
        decision="continue",
        next_follow_up=TODAY + dt.timedelta(days=42),
    )


# Closure: a coded reason; "other" described; "goals met" with every goal assessed.


def test_close_refused_without_reason(awaiting_consent):
    assert guards.closure_reason_given(awaiting_consent, "", "") is not None


def test_close_refused_with_uncoded_reason(awaiting_consent):
    assert guards.closure_reason_given(awaiting_consent, "bored", "") is not None


def test_close_allowed_with_coded_reason(awaiting_consent):
    assert guards.closure_reason_given(awaiting_consent, "moved", "") is None


def test_close_other_needs_text(awaiting_consent):
    assert guards.closure_reason_given(awaiting_consent, "other", "   ") is not None


def test_close_other_allowed_with_text(awaiting_consent):
    assert guards.closure_reason_given(awaiting_consent, "other", "Familjen flyttade.") is None


def test_goals_met_needs_action_plan_with_goals(consented):
    assert guards.closure_reason_given(consented, "goals_met", "") is not None


def test_goals_met_needs_every_goal_assessed(in_progress):
    reason = guards.closure_reason_given(in_progress, "goals_met", "")

    assert reason is not None
    assert "1 goal(s) are not" in english(reason)


@pytest.mark.parametrize("assessment", ["partly_met", "not_met"])
def test_goals_met_refused_when_a_goal_is_assessed_but_not_met(
    in_progress, coordinator, assessment
):
    assess_goals(in_progress, coordinator, assessment)

    reason = guards.closure_reason_given(in_progress, "goals_met", "")

    assert "every goal assessed as met; 1 goal(s) are not" in english(reason)
    with translation.override("sv"):
        assert "varje mål är bedömt som uppnått" in str(reason)


def test_goals_met_allowed_when_every_goal_is_met(in_progress, coordinator):
    assess_goals(in_progress, coordinator, "met")

    assert guards.closure_reason_given(in_progress, "goals_met", "") is None


def test_close_case_refused_without_reason_writes_nothing(awaiting_consent, coordinator):
    before = footprint(awaiting_consent)

    reasons = refusal(services.close_case, awaiting_consent, coordinator, "")

    assert reasons == [english(guards.closure_reason_given(awaiting_consent, "", ""))]
    assert awaiting_consent.status == "awaiting_consent"
    assert footprint(awaiting_consent) == before


def test_close_case_other_without_text_refused(awaiting_consent, coordinator):
    before = footprint(awaiting_consent)

    reasons = refusal(services.close_case, awaiting_consent, coordinator, "other", "")

    assert reasons == [english(guards.closure_reason_given(awaiting_consent, "other", ""))]
    assert footprint(awaiting_consent) == before


def test_close_case_goals_met_refused_while_a_goal_is_ongoing(in_progress, coordinator):
    before = footprint(in_progress)

    reasons = refusal(services.close_case, in_progress, coordinator, "goals_met")

    assert reasons == [english(guards.closure_reason_given(in_progress, "goals_met", ""))]
    assert in_progress.status == "in_progress"
    assert footprint(in_progress) == before


def test_close_case_goals_met_allowed_when_every_goal_is_met(in_progress, coordinator):
    assess_goals(in_progress, coordinator, "met")

    services.close_case(in_progress, coordinator, "goals_met")

    assert Case.objects.get(pk=in_progress.pk).closure_reason == "goals_met"


def test_close_case_goals_met_refused_when_goals_are_only_partly_met_writes_nothing(
    in_progress, coordinator
):
    assess_goals(in_progress, coordinator, "partly_met")
    before = footprint(in_progress)

    reasons = refusal(services.close_case, in_progress, coordinator, "goals_met")

    assert reasons == [english(guards.closure_reason_given(in_progress, "goals_met", ""))]
    assert footprint(in_progress) == before
    services.close_case(in_progress, coordinator, "not_suitable")  # the reason that is true
    assert Case.objects.get(pk=in_progress.pk).closure_reason == "not_suitable"


def test_decline_referral_refused_without_reason(refer, coordinator):
    case = refer()
    before = footprint(case)

    reasons = refusal(services.decline_referral, case, coordinator, "")

    assert reasons == [english(guards.closure_reason_given(case, "", ""))]
    assert Case.objects.get(pk=case.pk).status == "referred"
    assert footprint(case) == before


def test_hold_meeting_deciding_goals_met_before_any_goal_was_met_rolls_back(
    meeting_planned, coordinator, agencies
):
    meeting = meeting_planned.meetings.get()
    before = footprint(meeting_planned)

    reasons = refusal(
        services.hold_meeting,
        meeting_planned,
        coordinator,
        meeting,
        **meeting_record(agencies, closing=("goals_met", "")),
    )

    # judged on the plan the meeting started from: none yet, so no goal can have been met
    assert reasons == ['"Goals met" needs an action plan with goals.']
    assert footprint(meeting_planned) == before  # the meeting, plan and goals are undone


# Consent covers every invited agency: no meeting without it.


def test_plan_meeting_refused_without_consent(awaiting_consent, scope):
    assert plan_guards.consent_covers_invitees(awaiting_consent, scope, TODAY) is not None


def test_plan_meeting_allowed_when_consent_covers_every_invitee(consented, scope):
    assert plan_guards.consent_covers_invitees(consented, scope, TODAY) is None


def test_consent_covering_only_some_invitees_names_the_uncovered_agency(consented, agencies):
    invited = [agencies["skola"], agencies["polis"], agencies["socialtjanst"]]

    reason = english(plan_guards.consent_covers_invitees(consented, invited, TODAY))

    assert "Polisen lokalpolisområde" in reason
    assert "Centralskolan" not in reason and "Socialtjänsten" not in reason


def test_plan_meeting_refused_after_consent_ends(consented, scope):
    after_end = TODAY + dt.timedelta(days=181)

    assert plan_guards.consent_covers_invitees(consented, scope, after_end) is not None


def test_plan_meeting_refused_for_agency_whose_consent_was_withdrawn(
    consented, coordinator, agencies
):
    services.withdraw_consent(
        consented, coordinator, consented.consents.get(), agency=agencies["skola"]
    )

    assert plan_guards.consent_covers_invitees(consented, [agencies["skola"]], TODAY) is not None
    assert plan_guards.consent_covers_invitees(consented, [agencies["socialtjanst"]], TODAY) is None


def test_plan_meeting_without_consent_writes_no_meeting(awaiting_consent, coordinator, scope):
    before = footprint(awaiting_consent)

    reasons = refusal(services.plan_meeting, awaiting_consent, coordinator, **meeting_plan(scope))

    assert reasons == [english(plan_guards.consent_covers_invitees(awaiting_consent, scope, TODAY))]
    assert awaiting_consent.status == "awaiting_consent"
    assert not Meeting.objects.exists()
    assert not CaseEvent.objects.filter(action="meeting.planned").exists()
    assert footprint(awaiting_consent) == before


def test_plan_meeting_inviting_uncovered_agency_writes_no_meeting(
    consented, coordinator, agencies, scope
):
    before = footprint(consented)
    invited = [*scope, agencies["polis"]]

    reasons = refusal(services.plan_meeting, consented, coordinator, **meeting_plan(invited))

    assert len(reasons) == 1 and "Polisen lokalpolisområde" in reasons[0]
    assert Case.objects.get(pk=consented.pk).status == "consented"
    assert not Meeting.objects.exists()
    assert footprint(consented) == before


def test_plan_meeting_refused_when_meeting_is_after_consent_ends(consented, coordinator, scope):
    before = footprint(consented)

    refusal(services.plan_meeting, consented, coordinator, **meeting_plan(scope, days=200))

    assert footprint(consented) == before


# Consent itself: specific (agencies, purpose, an end), oral consent documented.


def test_consent_refused_without_agencies():
    assert consent_guards.consent_scope_given([], TODAY, TODAY, "Samverkan.") is not None


def test_consent_refused_without_purpose(agencies):
    assert consent_guards.consent_scope_given([agencies["skola"]], TODAY, TODAY, "  ") is not None


def test_consent_refused_without_end_date(agencies):
    assert (
        consent_guards.consent_scope_given([agencies["skola"]], TODAY, None, "Samverkan.")
        is not None
    )


def test_consent_refused_when_end_is_before_start(agencies):
    yesterday = TODAY - dt.timedelta(days=1)

    reason = consent_guards.consent_scope_given([agencies["skola"]], TODAY, yesterday, "Samverkan.")

    assert reason is not None


def test_consent_scope_allowed_with_agencies_purpose_and_end(agencies):
    end = TODAY + dt.timedelta(days=365)

    assert consent_guards.consent_scope_given([agencies["skola"]], TODAY, end, "Samverkan.") is None


def test_consent_refused_oral_without_notes():
    assert consent_guards.oral_consent_documented("oral", " ") is not None


def test_oral_consent_allowed_with_notes():
    notes = "Per telefon med båda vårdnadshavarna, 10 mars, av Anja."

    assert consent_guards.oral_consent_documented("oral", notes) is None


def test_written_consent_needs_no_notes():
    assert consent_guards.oral_consent_documented("written", "") is None


# Who must consent, by age on the first day of the consent.


def born(years, days=30):
    """A birth date ``years`` before TODAY, moved ``days`` earlier (or later if negative)."""
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)


@pytest.fixture
def young(municipality):
    """A young person with two guardians with custody, plus any ``guardians`` given."""

    def young(birth_date, guardians=(("Kim Exempel", True), ("Alex Exempel", True))):
        youth = Youth.objects.create(
            municipality=municipality,
            first_name="Lou",
            last_name="Exempel",
            gender="annat",
            birth_date=birth_date,
        )
        for name, custody in guardians:
            Guardian.objects.create(youth=youth, name=name, has_custody=custody)
        return youth

    return young


YOUTH = ("youth", None)


def guardians_of(youth, custody=True):
    return [("guardian", g) for g in youth.guardians.filter(has_custody=custody)]


def test_consent_18_or_older_refused_without_the_youth(young):
    youth = young(born(18))

    assert (
        consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), "", TODAY) is not None
    )


def test_consent_18_or_older_the_youth_alone_is_enough(young):
    youth = young(born(19))

    assert consent_guards.signers_satisfy_age_rules(youth, [YOUTH], "", TODAY) is None


def test_consent_on_18th_birthday_the_youth_alone_is_enough(young):
    youth = young(born(18, days=0))

    assert consent_guards.signers_satisfy_age_rules(youth, [YOUTH], "", TODAY) is None


def test_consent_day_before_18th_birthday_needs_the_guardians(young):
    youth = young(born(18, days=-1))

    assert consent_guards.signers_satisfy_age_rules(youth, [YOUTH], "", TODAY) is not None


def test_consent_15_to_17_refused_without_the_youth(young):
    youth = young(born(16))

    assert (
        consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), "", TODAY) is not None
    )


def test_consent_15_to_17_refused_without_every_custodial_guardian(young):
    youth = young(born(16))
    kim, alex = youth.guardians.all()

    reason = consent_guards.signers_satisfy_age_rules(youth, [YOUTH, ("guardian", kim)], "", TODAY)

    assert reason is not None
    assert "Alex Exempel" in english(reason) and "Kim Exempel" not in english(reason)


def test_consent_15_to_17_allowed_with_youth_and_every_custodial_guardian(young):
    youth = young(born(15, days=0))

    signers = [YOUTH, *guardians_of(youth)]

    assert consent_guards.signers_satisfy_age_rules(youth, signers, "", TODAY) is None


def test_consent_on_15th_birthday_needs_the_youth(young):
    youth = young(born(15, days=0))

    reason = consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), "Okej.", TODAY)

    assert reason is not None


def test_consent_under_15_refused_without_every_custodial_guardian(young):
    youth = young(born(14))
    kim, _alex = youth.guardians.all()

    reason = consent_guards.signers_satisfy_age_rules(youth, [("guardian", kim)], "Okej.", TODAY)

    assert reason is not None and "Alex Exempel" in english(reason)


def test_consent_under_15_refused_without_a_note_of_the_youths_view(young):
    youth = young(born(14))

    assert (
        consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), " ", TODAY) is not None
    )


def test_consent_under_15_allowed_with_every_custodial_guardian_and_the_youths_view(young):
    youth = young(born(14))

    reason = consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), "Okej.", TODAY)

    assert reason is None


def test_consent_under_15_does_not_need_the_youths_signature(young):
    youth = young(born(12))

    reason = consent_guards.signers_satisfy_age_rules(
        youth, guardians_of(youth), "Vill vara med.", TODAY
    )

    assert reason is None


def test_consent_guardian_without_custody_is_not_required(young):
    youth = young(born(14), guardians=[("Kim Exempel", True), ("Robin Utan", False)])

    reason = consent_guards.signers_satisfy_age_rules(youth, guardians_of(youth), "Okej.", TODAY)

    assert reason is None


def test_consent_15_to_17_guardian_without_custody_is_not_required(young):
    youth = young(born(16), guardians=[("Kim Exempel", True), ("Robin Utan", False)])

    reason = consent_guards.signers_satisfy_age_rules(
        youth, [YOUTH, *guardians_of(youth)], "", TODAY
    )

    assert reason is None


def test_consent_under_18_refused_when_no_guardian_has_custody(young):
    youth = young(born(16), guardians=[("Robin Utan", False)])

    assert consent_guards.signers_satisfy_age_rules(youth, [YOUTH], "", TODAY) is not None


def consent_form(case, agencies, **changes):
    """What the coordinator fills in for a 14-year-old: both guardians and the youth's view."""
    form = {
        "method": "written",
        "purpose": "Samverkan i SSPF.",
        "valid_from": TODAY,
        "valid_to": TODAY + dt.timedelta(days=180),
        "agencies": agencies,
        "categories": ALL_CATEGORIES,
        "signed_form": signed_pdf(),
        "signers": [("guardian", g) for g in case.youth.guardians.all()],
        "youth_view": "Lou tycker att det är okej.",
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"agencies": []}, id="without-agencies"),
        pytest.param({"categories": []}, id="without-categories"),
        pytest.param({"categories": ["everything"]}, id="uncoded-category"),
        pytest.param({"signed_form": None}, id="written-without-signed-form"),
        pytest.param({"valid_to": None}, id="without-end-date"),
        pytest.param({"purpose": ""}, id="without-purpose"),
        pytest.param({"method": "oral"}, id="oral-without-notes"),
        pytest.param({"youth_view": ""}, id="under-15-without-view"),
        pytest.param({"signers": []}, id="without-guardians"),
    ],
)
def test_register_consent_refused_writes_nothing(awaiting_consent, coordinator, scope, changes):
    form = {**consent_form(awaiting_consent, scope), **changes}
    before = footprint(awaiting_consent)

    reasons = refusal(services.register_consent, awaiting_consent, coordinator, **form)

    assert len(reasons) == 1
    assert awaiting_consent.status == "awaiting_consent"
    assert not Consent.objects.exists()
    assert not CaseEvent.objects.filter(action="consent.registered").exists()
    assert footprint(awaiting_consent) == before


def test_register_consent_refused_with_every_reason_at_once(awaiting_consent, coordinator):
    form = consent_form(awaiting_consent, [], method="oral", youth_view="")

    reasons = refusal(services.register_consent, awaiting_consent, coordinator, **form)

    assert reasons == [
        english(consent_guards.consent_scope_given([], TODAY, form["valid_to"], form["purpose"])),
        english(consent_guards.oral_consent_documented("oral", "")),
        english(
            consent_guards.signers_satisfy_age_rules(
                awaiting_consent.youth, form["signers"], "", TODAY
            )
        ),
    ]


def test_register_consent_allowed_without_guardian_lacking_custody(
    awaiting_consent, coordinator, scope
):
    form = consent_form(awaiting_consent, scope)  # signed by the two custodial guardians
    Guardian.objects.create(youth=awaiting_consent.youth, name="Robin Utan", has_custody=False)

    services.register_consent(awaiting_consent, coordinator, **form)

    assert Case.objects.get(pk=awaiting_consent.pk).status == "consented"


def test_register_consent_16_year_old_refused_without_their_own_consent(refer, coordinator, scope):
    case = refer(age=16)
    services.accept_referral(case, coordinator, assessed())
    before = footprint(case)

    reasons = refusal(services.register_consent, case, coordinator, **consent_form(case, scope))

    assert len(reasons) == 1 and "15–17" in reasons[0]
    assert footprint(case) == before


def test_register_consent_adult_allowed_alone(refer, coordinator, scope):
    case = refer(age=18)
    services.accept_referral(case, coordinator, assessed(), why_outside="Fyllde 18 i veckan.")

    services.register_consent(
        case, coordinator, **consent_form(case, scope, signers=[YOUTH], youth_view="")
    )

    assert Case.objects.get(pk=case.pk).status == "consented"


# The meeting record: attendance, protocol, actions with party and due date, the next step.


def complete_record(**changes):
    record = {
        "attended": True,
        "protocol": "Alla berättade om sin bild av Lou.",
        "actions": [{"text": "Stöd", "party": "agency", "due_date": TODAY}],
        "next_follow_up": TODAY + dt.timedelta(days=42),
        "closing": None,
    }
    return {**record, **changes}


def test_meeting_record_complete():
    assert plan_guards.meeting_record_complete(**complete_record()) is None


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"attended": []}, id="without-attendance"),
        pytest.param({"protocol": " "}, id="without-protocol"),
        pytest.param({"actions": []}, id="without-actions"),
        pytest.param({"actions": [{"text": "Stöd", "party": "agency"}]}, id="action-without-due"),
        pytest.param({"actions": [{"text": "Stöd", "due_date": TODAY}]}, id="action-no-party"),
        pytest.param({"next_follow_up": None}, id="without-next-follow-up"),
    ],
)
def test_meeting_record_incomplete(changes):
    assert plan_guards.meeting_record_complete(**complete_record(**changes)) is not None


def test_meeting_record_closing_the_case_needs_no_actions_or_follow_up():
    record = complete_record(actions=[], next_follow_up=None, closing=("moved", ""))

    assert plan_guards.meeting_record_complete(**record) is None


def test_a_decision_meeting_needs_no_actions():
    assert plan_guards.meeting_record_complete(**complete_record(actions=[]), decision=True) is None


def test_a_network_meeting_without_actions_is_refused_and_the_reason_names_the_exception():
    reason = plan_guards.meeting_record_complete(**complete_record(actions=[]))

    assert "a decision meeting needs none" in english(reason)


def test_a_decision_meeting_is_held_without_actions_and_writes_no_plan(
    consented, coordinator, scope, agencies
):
    services.plan_meeting(consented, coordinator, **{**meeting_plan(scope), "kind": "decision"})
    meeting = consented.meetings.get()

    services.hold_meeting(
        consented, coordinator, meeting, **meeting_record(agencies, goals=[], actions=[])
    )

    case = Case.objects.get(pk=consented.pk)
    assert case.status == "in_progress"
    assert case.next_follow_up == TODAY + dt.timedelta(days=42)
    assert case.current_plan() is None
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_a_network_meeting_without_actions_is_refused_and_writes_nothing(
    meeting_planned, coordinator, agencies
):
    before = footprint(meeting_planned)

    reasons = refusal(
        services.hold_meeting,
        meeting_planned,
        coordinator,
        meeting_planned.meetings.get(),
        **meeting_record(agencies, goals=[], actions=[]),
    )

    assert reasons == [english(plan_guards.plan_has_an_action([], None))]
    assert footprint(meeting_planned) == before


def test_hold_meeting_incomplete_record_refused_and_meeting_stays_planned(
    meeting_planned, coordinator, agencies
):
    meeting = meeting_planned.meetings.get()
    before = footprint(meeting_planned)

    reasons = refusal(
        services.hold_meeting,
        meeting_planned,
        coordinator,
        meeting,
        **meeting_record(agencies, protocol="", next_follow_up=None),
    )

    assert reasons == [english(plan_guards.meeting_record_complete(True, "", [], None, None))]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED
    assert Case.objects.get(pk=meeting_planned.pk).status == "meeting_planned"
    assert not CaseEvent.objects.filter(action="meeting.held").exists()
    assert footprint(meeting_planned) == before


def test_meeting_is_planned_allowed_for_a_planned_meeting_of_the_case(meeting_planned):
    assert plan_guards.meeting_is_planned(meeting_planned, meeting_planned.meetings.get()) is None


def test_meeting_is_planned_refused_for_a_held_meeting(in_progress):
    assert plan_guards.meeting_is_planned(in_progress, in_progress.meetings.get()) is not None


def test_meeting_is_planned_refused_for_another_cases_meeting(meeting_planned, refer):
    other = refer()

    assert plan_guards.meeting_is_planned(other, meeting_planned.meetings.get()) is not None


def test_hold_meeting_refused_for_a_meeting_already_held(in_progress, coordinator, agencies, scope):
    held = in_progress.meetings.get()
    services.plan_meeting(in_progress, coordinator, **meeting_plan(scope, days=42))
    before = footprint(in_progress)

    reasons = refusal(
        services.hold_meeting, in_progress, coordinator, held, **meeting_record(agencies)
    )

    assert reasons == [english(plan_guards.meeting_is_planned(in_progress, held))]
    assert footprint(in_progress) == before


# A follow-up ends with a next step.


def test_follow_up_continuing_needs_the_next_date():
    assert guards.follow_up_decision_complete("continue", None, None) is not None


def test_follow_up_continuing_allowed_with_the_next_date():
    next_date = TODAY + dt.timedelta(days=42)

    assert guards.follow_up_decision_complete("continue", next_date, None) is None


def test_follow_up_calling_a_meeting_needs_no_date():
    assert guards.follow_up_decision_complete("meeting", None, None) is None


def test_follow_up_closing_needs_a_closure_reason():
    assert guards.follow_up_decision_complete("close", None, None) is not None


def test_follow_up_closing_allowed_with_a_closure_reason():
    assert guards.follow_up_decision_complete("close", None, ("moved", "")) is None


def test_follow_up_refused_without_a_next_step():
    assert guards.follow_up_decision_complete("", None, None) is not None


def follow_up(case, **changes):
    goal = case.plans.get().goals.get()
    action = case.plans.get().actions.get()
    record = {
        "day": TODAY,
        "notes": "Närvaron är nu 93 %.",
        "items": [(action, "done", "Fungerade.")],
        "goal_assessments": {goal: "met"},
        "decision": "continue",
        "next_follow_up": TODAY + dt.timedelta(days=42),
    }
    return {**record, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"next_follow_up": None}, id="continue-without-date"),
        pytest.param({"decision": "close"}, id="close-without-reason"),
        pytest.param({"decision": "close", "closing": ("other", "")}, id="close-other-no-text"),
        pytest.param({"decision": "later"}, id="unknown-next-step"),
    ],
)
def test_record_follow_up_refused_writes_nothing(in_progress, coordinator, changes):
    before = footprint(in_progress)

    reasons = refusal(
        services.record_follow_up, in_progress, coordinator, **follow_up(in_progress, **changes)
    )

    assert len(reasons) == 1
    assert not FollowUp.objects.exists()
    assert not CaseEvent.objects.filter(action="followup.recorded").exists()
    assert footprint(in_progress) == before  # neither the goal nor the action was updated


def test_record_follow_up_closing_goals_met_counts_the_goals_it_assesses(in_progress, coordinator):
    record = follow_up(in_progress, decision="close", closing=("goals_met", ""))

    services.record_follow_up(in_progress, coordinator, **record)

    assert in_progress.status == "closed" and in_progress.closure_reason == "goals_met"


# Reopening and referring.


def test_reopen_refused_without_reason():
    assert guards.reopen_reason_given("  ") is not None


def test_reopen_allowed_with_reason():
    assert guards.reopen_reason_given("Ny oro från skolan.") is None


def test_reopen_case_without_reason_writes_nothing(closed, coordinator):
    before = footprint(closed)

    reasons = refusal(services.reopen_case, closed, coordinator, "")

    assert reasons == [english(guards.reopen_reason_given(""))]
    assert closed.status == "closed"
    assert footprint(closed) == before


@pytest.mark.parametrize("role", [Role.STEERING_GROUP, Role.ADMIN])
def test_refer_refused_for_roles_outside_case_work(role, agencies):
    assert guards.user_is_referrer(make_user("someone", role, agencies["skola"])) is not None


def test_refer_refused_without_any_role(agencies):
    user = User.objects.create_user("nobody")
    Membership.objects.create(user=user, agency=agencies["skola"])
    assert guards.user_is_referrer(user) is not None


@pytest.mark.parametrize(
    "role",
    [
        Role.COORDINATOR,
        Role.SCHOOL,
        Role.SOCIAL_SERVICES,
        Role.POLICE,
        Role.LEISURE,
        Role.SAFETY,
    ],
)
def test_refer_allowed_for_agency_staff_and_coordinators(role, agencies):
    assert guards.user_is_referrer(make_user("someone", role, agencies["skola"])) is None


def test_refer_refused_for_a_role_without_an_agency(db):
    assert guards.user_is_referrer(make_user("someone", Role.SCHOOL, None)) is not None


def test_a_record_of_another_case_is_refused(refer):
    case, other = refer(), refer()
    assert guards.belongs_to_case(case, other.pk) is not None
    assert guards.belongs_to_case(case, case.pk) is None


def test_consent_categories_refused_when_missing():
    assert consent_guards.consent_categories_given([]) is not None


def test_consent_categories_allowed_when_coded():
    assert consent_guards.consent_categories_given(["school", "police"]) is None


def test_written_consent_needs_its_signed_form():
    assert consent_guards.signed_form_attached("written", None) is not None
    assert consent_guards.signed_form_attached("written", signed_pdf()) is None
    assert consent_guards.signed_form_attached("oral", None) is None


def test_age_rules_follow_the_municipality(refer, coordinator):
    case = refer(age=16)
    youth = case.youth
    youth.municipality.consent_age_alone = 16
    youth.municipality.save()
    assert consent_guards.signers_satisfy_age_rules(youth, [YOUTH], "", TODAY) is None


# The plan names only agencies the consent covers (issue 12, 6).


def test_the_plan_may_not_name_an_agency_the_consent_does_not_cover(
    meeting_planned, coordinator, agencies
):
    meeting = meeting_planned.meetings.get()
    before = footprint(meeting_planned)
    record = meeting_record(agencies)
    record["actions"] = [{**record["actions"][0], "agency": agencies["polis"]}]

    reasons = refusal(services.hold_meeting, meeting_planned, coordinator, meeting, **record)

    assert reasons == [
        "The plan can only name agencies the consent covers; it does not cover: "
        f"{agencies['polis'].name}. Give the action to a covered party, or register a consent "
        "that covers them first."
    ]
    assert footprint(meeting_planned) == before
    with translation.override("sv"):
        reason = plan_guards.plan_names_covered_agencies(meeting_planned, record["actions"], TODAY)
        assert f"det täcker inte: {agencies['polis'].name}." in str(reason)


def test_the_plan_may_name_a_covered_agency(meeting_planned, agencies):
    record = meeting_record(agencies)
    assert (
        plan_guards.plan_names_covered_agencies(meeting_planned, record["actions"], TODAY) is None
    )


def test_the_chair_must_have_taken_part(meeting_planned, coordinator, agencies, users):
    meeting = meeting_planned.meetings.get()
    before = footprint(meeting_planned)
    record = meeting_record(agencies, chair=users["polis"])  # the police were not there

    reasons = refusal(services.hold_meeting, meeting_planned, coordinator, meeting, **record)

    assert len(reasons) == 1 and "did not take part" in reasons[0]
    assert footprint(meeting_planned) == before


def test_the_coordinator_chairs_when_no_one_is_chosen(meeting_planned, coordinator, agencies):
    meeting = meeting_planned.meetings.get()
    services.hold_meeting(meeting_planned, coordinator, meeting, **meeting_record(agencies))
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.minute_taker) == (coordinator, coordinator)


# A young person's birth date (the referral's and the programmes' person forms)


def test_a_birth_date_in_the_future_is_refused():
    reason = record_guards.birth_date_fits("", TODAY + dt.timedelta(days=1), TODAY)
    assert reason.field == "birth_date" and "framtiden" in str(reason)


def test_a_birth_date_that_disagrees_with_the_identity_number_is_refused():
    for number in ("19121212-1212", "121212-1212"):
        reason = record_guards.birth_date_fits(number, dt.date(2012, 12, 13), TODAY)
        assert reason.field == "birth_date" and "personnumret" in str(reason), number


def test_a_birth_date_that_agrees_with_the_identity_number_or_stands_alone_is_allowed():
    assert record_guards.birth_date_fits("19121212-1212", dt.date(1912, 12, 12), TODAY) is None
    assert record_guards.birth_date_fits("", dt.date(2012, 12, 13), TODAY) is None
