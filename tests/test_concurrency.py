"""Two people change one case at the same moment, on PostgreSQL, each in a thread with its own
database connection. The services lock the case row, so the second one waits for the first and
is then refused ("someone else changed this case"); it writes nothing. No sleeps: the threads
meet at a barrier, or the second is seen by the server itself waiting for the row lock."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from sspf_flow import services
from sspf_flow.models import Case, CaseEvent, Meeting, Role
from sspf_flow.refusals import TransitionRefused
from tests.builders import assessed, make_user
from tests.threads import SOMEONE_ELSE, TIMEOUT, Attempt, backend_pid, seen_waiting

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def finish(*attempts):
    for attempt in attempts:
        attempt.start()
    for attempt in attempts:
        attempt.join(TIMEOUT)
    assert not any(attempt.is_alive() for attempt in attempts), "a transition never finished"


def at_once(*calls):
    """Run the calls in threads that start them together, behind a barrier."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)

    def behind_barrier(call):
        def run():
            barrier.wait()
            return call()

        return run

    attempts = [Attempt(behind_barrier(call)) for call in calls]
    finish(*attempts)
    return attempts


def overlapping(case, first, second):
    """``first`` runs while its thread holds the case's row lock, and only once ``second`` is
    seen waiting for that lock; so ``second`` is certainly in the middle of its own call when
    ``first`` changes the case. Returns both attempts and whether the wait was seen."""
    locked, waiting = threading.Event(), threading.Event()
    seen = {}

    def hold_the_lock_then_first():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            locked.set()
            assert waiting.wait(TIMEOUT)
            seen["blocked"] = seen_waiting(seen["pid"], backend_pid())
            return first()

    def second_behind_the_lock():
        assert locked.wait(TIMEOUT)
        seen["pid"] = backend_pid()
        waiting.set()
        return second()

    attempts = Attempt(hold_the_lock_then_first), Attempt(second_behind_the_lock)
    finish(*attempts)
    return (*attempts, seen.get("blocked", False))


# The case as each person loaded it, before either of them acted.


def stale(case):
    return Case.objects.get(pk=case.pk)


def plan_meeting(case, user, agencies):
    def call():
        return services.plan_meeting(
            case,
            User.objects.get(pk=user.pk),
            kind="network",
            starts_at=timezone.now() + dt.timedelta(days=7),
            place="Centralskolan, rum 12",
            agencies=agencies,
        )

    return call


def close_case(case, user):
    def call():
        return services.close_case(case, User.objects.get(pk=user.pk), "moved")

    return call


def accept_referral(case, user):
    def call():
        return services.accept_referral(case, User.objects.get(pk=user.pk), assessed("high"))

    return call


def refused_as_changed_meanwhile(attempt):
    error = attempt.error
    return (
        isinstance(error, TransitionRefused)
        and len(error.reasons) == 1
        and SOMEONE_ELSE in error.reasons[0]
    )


def actions_of(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


@pytest.fixture
def consented(refer, coordinator, consent_for, agencies):
    case = refer()
    services.accept_referral(case, coordinator, assessed())
    consent_for(case, [agencies["skola"], agencies["socialtjanst"]])
    return case


@pytest.fixture
def second_coordinator(agencies):
    return make_user("anton", Role.COORDINATOR, agencies["socialtjanst"])


def test_close_waiting_behind_a_meeting_being_planned_is_refused(
    postgres_only, consented, coordinator, scope
):
    planning = plan_meeting(stale(consented), coordinator, scope)
    closing = close_case(stale(consented), coordinator)

    planner, closer, waited = overlapping(consented, planning, closing)

    assert waited, "the close never waited for the row lock"
    assert planner.error is None and isinstance(planner.result, Meeting)
    assert refused_as_changed_meanwhile(closer), closer.error
    case = stale(consented)
    assert case.status == "meeting_planned"
    assert case.closed_at is None and case.closure_reason == ""
    assert Meeting.objects.filter(case=case).count() == 1
    assert actions_of(case).count("meeting.planned") == 1
    assert "case.closed" not in actions_of(case)


def test_meeting_planned_waiting_behind_a_closure_is_refused(
    postgres_only, consented, coordinator, scope
):
    closing = close_case(stale(consented), coordinator)
    planning = plan_meeting(stale(consented), coordinator, scope)

    closer, planner, waited = overlapping(consented, closing, planning)

    assert waited, "the planning never waited for the row lock"
    assert closer.error is None
    assert refused_as_changed_meanwhile(planner), planner.error
    case = stale(consented)
    assert case.status == "closed" and case.closure_reason == "moved"
    assert not Meeting.objects.filter(case=case).exists()
    assert actions_of(case).count("case.closed") == 1
    assert "meeting.planned" not in actions_of(case)


def test_plan_meeting_and_close_at_once_exactly_one_wins(
    postgres_only, consented, coordinator, second_coordinator, scope
):
    planner, closer = at_once(
        plan_meeting(stale(consented), coordinator, scope),
        close_case(stale(consented), second_coordinator),
    )

    assert [planner.error, closer.error].count(None) == 1
    case = stale(consented)
    if planner.error is None:
        assert refused_as_changed_meanwhile(closer), closer.error
        assert case.status == "meeting_planned" and case.closed_at is None
        assert Meeting.objects.filter(case=case).count() == 1
        assert "case.closed" not in actions_of(case)
    else:
        assert refused_as_changed_meanwhile(planner), planner.error
        assert case.status == "closed" and case.closure_reason == "moved"
        assert not Meeting.objects.filter(case=case).exists()
        assert "meeting.planned" not in actions_of(case)


def test_two_coordinators_accepting_the_same_referral_at_once_accept_it_once(
    postgres_only, refer, coordinator, second_coordinator
):
    case = refer()

    first, second = at_once(
        accept_referral(stale(case), coordinator),
        accept_referral(stale(case), second_coordinator),
    )

    assert [first.error, second.error].count(None) == 1
    loser = second if first.error is None else first
    winner = coordinator if first.error is None else second_coordinator
    assert refused_as_changed_meanwhile(loser), loser.error
    accepted = stale(case)
    assert accepted.status == "awaiting_consent" and accepted.coordinator == winner
    assert actions_of(case).count("case.accepted") == 1


def test_second_acceptance_waiting_for_the_first_is_refused(
    postgres_only, refer, coordinator, second_coordinator
):
    case = refer()

    first, second, waited = overlapping(
        case,
        accept_referral(stale(case), coordinator),
        accept_referral(stale(case), second_coordinator),
    )

    assert waited, "the second acceptance never waited for the row lock"
    assert first.error is None
    assert refused_as_changed_meanwhile(second), second.error
    assert stale(case).coordinator == coordinator
    (event,) = CaseEvent.objects.filter(case=case, action="case.accepted")
    assert event.actor == coordinator
