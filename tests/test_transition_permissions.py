"""Who may change a case: only the coordinator of the case's municipality moves it along. An
agency, the steering group, the administrator and a coordinator of another municipality are
refused and change nothing. Every change leaves exactly one entry in the case history, and the
status cannot be set around the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sspf_flow import access, services
from sspf_flow.models import (
    Case,
    CaseEvent,
    Consent,
    Guardian,
    Youth,
)
from sspf_flow.refusals import TransitionRefused
from tests.builders import ALL_CATEGORIES, assessed, new_youth, signed_pdf
from tests.footprint import FROZEN, TODAY, footprint


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(FROZEN, tick=False)


def scope_of(agencies):
    return [agencies["skola"], agencies["socialtjanst"]]


# One valid call per service, as the coordinator would make it from the case's current state.


def accept(case, user, agencies):
    services.accept_referral(case, user, assessed("medium"))


def decline(case, user, agencies):
    services.decline_referral(case, user, "outside_target_group")


def consent(case, user, agencies):
    services.register_consent(
        case,
        user,
        method="written",
        purpose="Samverkan i SSPF.",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=180),
        agencies=scope_of(agencies),
        categories=ALL_CATEGORIES,
        signed_form=signed_pdf(),
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Lou tycker att det är okej.",
    )


def withdraw(case, user, agencies):
    services.withdraw_consent(case, user, case.consents.get(), reason="Familjen ångrade sig.")


def plan(case, user, agencies):
    services.plan_meeting(
        case,
        user,
        kind="network",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Centralskolan, rum 12",
        agencies=scope_of(agencies),
    )


def hold(case, user, agencies):
    services.hold_meeting(
        case,
        user,
        case.meetings.get(status="planned"),
        attended_agencies=scope_of(agencies),
        youth_attended=True,
        guardians_attended=True,
        protocol="Alla berättade om sin bild av Lou.",
        goals=[{"text": "Lou är i skolan minst 90 % av tiden."}],
        actions=[
            {
                "text": "Extra stöd för att öka närvaron.",
                "party": "agency",
                "agency": agencies["skola"],
                "due_date": TODAY + dt.timedelta(days=30),
                "goal": 0,
            }
        ],
        next_follow_up=TODAY + dt.timedelta(days=42),
    )


def follow_up(case, user, agencies):
    plan = case.plans.get()
    services.record_follow_up(
        case,
        user,
        day=TODAY,
        notes="Närvaron är nu 93 %.",
        items=[(plan.actions.get(), "done", "Fungerade.")],
        goal_assessments={plan.goals.get(): "met"},
        decision="continue",
        next_follow_up=TODAY + dt.timedelta(days=84),
    )


def close(case, user, agencies):
    services.close_case(case, user, "moved")


def reopen(case, user, agencies):
    services.reopen_case(case, user, "Ny oro från skolan.")


# The way along which a case reaches each state, one service call per step.
ROAD = [
    ("referred", None),
    ("awaiting_consent", accept),
    ("consented", consent),
    ("meeting_planned", plan),
    ("in_progress", hold),
    ("closed", close),
]

# service: (state it starts from, state it leads to, what the case history says)
TRANSITIONS = {
    accept: ("referred", "awaiting_consent", "case.accepted"),
    decline: ("referred", "closed", "case.declined"),
    consent: ("awaiting_consent", "consented", "consent.registered"),
    withdraw: ("consented", "awaiting_consent", "consent.withdrawn"),
    plan: ("consented", "meeting_planned", "meeting.planned"),
    hold: ("meeting_planned", "in_progress", "meeting.held"),
    follow_up: ("in_progress", "in_progress", "followup.recorded"),
    close: ("in_progress", "closed", "case.closed"),
    reopen: ("closed", "referred", "case.reopened"),
}
SERVICES = [pytest.param(call, id=call.__name__) for call in TRANSITIONS]
OUTSIDERS = ["skola", "styrgrupp", "admin", "foreign"]


@pytest.fixture
def case_at(refer, coordinator, agencies):
    """A case brought to ``status`` by the coordinator through the services."""

    def case_at(status):
        case = refer()
        for reached, step in ROAD:
            if step is not None:
                step(case, coordinator, agencies)
            if reached == status:
                return Case.objects.get(pk=case.pk)
        raise ValueError(status)

    return case_at


@pytest.fixture
def outsider(request, users, foreign_coordinator):
    return foreign_coordinator if request.param == "foreign" else users[request.param]


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize("service", SERVICES)
def test_only_the_coordinator_may_change_a_case(case_at, agencies, service, outsider):
    start, _target, _action = TRANSITIONS[service]
    case = case_at(start)
    before = footprint(case)

    with pytest.raises(PermissionDenied):
        service(case, outsider, agencies)

    assert case.status == start
    assert footprint(case) == before


@pytest.mark.parametrize("service", SERVICES)
def test_coordinator_change_writes_exactly_one_case_event(case_at, coordinator, agencies, service):
    start, target, action = TRANSITIONS[service]
    case = case_at(start)
    history = set(CaseEvent.objects.values_list("pk", flat=True))

    service(case, coordinator, agencies)

    (event,) = CaseEvent.objects.exclude(pk__in=history)
    assert event.action == action
    assert event.case == case and event.actor == coordinator
    assert event.agency == agencies["socialtjanst"]  # the coordinator's own agency
    assert case.status == target  # the caller's instance is refreshed
    assert Case.objects.get(pk=case.pk).status == target


def test_meeting_that_decides_to_close_records_the_meeting_and_the_closure(
    case_at, coordinator, agencies
):
    case = case_at("meeting_planned")
    history = set(CaseEvent.objects.values_list("pk", flat=True))

    services.hold_meeting(
        case,
        coordinator,
        case.meetings.get(),
        attended_agencies=scope_of(agencies),
        youth_attended=True,
        guardians_attended=True,
        protocol="Familjen flyttar till en annan kommun.",
        goals=[],
        actions=[],
        next_follow_up=None,
        closing=("moved", ""),
    )

    new_events = CaseEvent.objects.exclude(pk__in=history).order_by("pk")
    assert [event.action for event in new_events] == ["meeting.held", "case.closed"]
    assert case.status == "closed"


def test_accepting_makes_the_coordinator_the_case_coordinator(case_at, coordinator, agencies):
    case = case_at("referred")

    accept(case, coordinator, agencies)

    assert case.coordinator == coordinator and case.risk_level == "medium"


def test_closing_a_referral_declines_it(case_at, coordinator, agencies):
    case = case_at("referred")

    close(case, coordinator, agencies)

    assert case.status == "closed" and case.closure_reason == "moved"
    assert case.accepted_at is None


def test_withdraw_consent_refuses_a_consent_of_another_case(
    case_at, foreign_coordinator, agencies, users
):
    ours = case_at("consented")
    theirs = refer_as(foreign_coordinator)  # a case of the other municipality
    services.accept_referral(theirs, foreign_coordinator, assessed())
    our_consent = ours.consents.get()

    with pytest.raises((PermissionDenied, TransitionRefused)):
        services.withdraw_consent(theirs, foreign_coordinator, our_consent)

    assert Consent.objects.get(pk=our_consent.pk).withdrawn_at is None
    assert not our_consent.scope.exclude(withdrawn_at=None).exists()
    assert access.can_view_case(users["skola"], ours)


# Referring: agency staff and coordinators, not the steering group or the administrator.


def refer_as(user):
    return services.refer_case(
        user,
        new_youth(age=14),
        [Guardian(name="Vårdnadshavare Ett")],
        programme="sspf",
        referral_source="skola",
        concerns=["school_absence"],
        concern_text="Ökad frånvaro.",
    )


@pytest.mark.parametrize("role", ["styrgrupp", "admin"])
def test_refer_refused_for_steering_group_and_admin(users, role):
    with pytest.raises(TransitionRefused):
        refer_as(users[role])

    assert not Case.objects.exists()
    assert not Youth.objects.exists() and not Guardian.objects.exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    "role", ["skola", "socialtjanst", "polis", "fritid", "trygghet", "samordnare"]
)
def test_refer_allowed_for_agency_staff_and_coordinators(users, role):
    user = users[role]

    case = refer_as(user)

    assert case.status == "referred"
    assert case.referred_by == user and case.referring_agency == access.agency_of(user)
    (event,) = CaseEvent.objects.filter(case=case)
    assert event.action == "case.referred" and event.actor == user


# The status changes only through the transitions.


def test_status_cannot_be_assigned_directly(case_at):
    case = case_at("referred")

    with pytest.raises(AttributeError):
        case.status = "closed"

    assert Case.objects.get(pk=case.pk).status == "referred"


def test_status_of_a_fresh_instance_cannot_be_assigned_either(case_at):
    case_at("referred")
    case = Case.objects.get()

    with pytest.raises(AttributeError):
        case.status = "in_progress"


# Withdrawing consent ends access at once.


def test_withdrawing_consent_for_the_only_covered_agency_awaits_consent_again(
    refer, coordinator, agencies, consent_for, users
):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    given = consent_for(case, [agencies["skola"]])
    assert case.status == "consented"

    services.withdraw_consent(case, coordinator, given, agency=agencies["skola"])

    assert case.status == "awaiting_consent"
    assert Case.objects.get(pk=case.pk).status == "awaiting_consent"
    assert not access.cases_visible_to(users["skola"]).filter(pk=case.pk).exists()


def test_withdrawing_consent_for_one_of_two_agencies_ends_only_that_agencys_access(
    case_at, coordinator, agencies, users
):
    case = case_at("consented")  # the consent covers the school and social services
    covered_staff = [users["skola"], users["socialtjanst"]]
    assert all(access.can_view_case(user, case) for user in covered_staff)

    services.withdraw_consent(case, coordinator, case.consents.get(), agency=agencies["skola"])

    assert case.status == "consented"
    assert not access.cases_visible_to(users["skola"]).filter(pk=case.pk).exists()
    assert access.cases_visible_to(users["socialtjanst"]).filter(pk=case.pk).exists()
