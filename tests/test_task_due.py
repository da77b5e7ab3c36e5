"""Every person's task of a case is due on a day, by the municipality's settings: the assessment
some days after the referral, consent some days after the acceptance, planning some days after
the consent (or after the follow-up that called a new meeting), the meeting on its day and the
follow-up on its date. Lists read the day as ``deadline__due``."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from viewflow.workflow import timers
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from casework.workflow.nodes import CaseView
from notifications.models import Deadline, DeadlineKind
from sspf_flow import services, taskdue
from sspf_flow.models import CaseTask, TaskDeadline
from sspf_flow.models.process import processes_of
from tests.builders import (
    accept_step,
    case_in_progress,
    follow_up_calling_a_meeting,
    walk_to_meeting_planned,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY = dt.datetime(2030, 3, 4, 10, 0, tzinfo=STOCKHOLM)
dated_open_tasks = importlib.import_module("sspf_flow.migrations.0010_date_open_tasks")


@pytest.fixture
def clock():
    """Time stands at Monday 4 March 2030, 10:00 in Stockholm, until a test moves it on."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def day(offset):
    """The date ``offset`` days after Monday 4 March 2030."""
    return MONDAY.date() + dt.timedelta(days=offset)


def due(case, step):
    return steps.open_task(case, step).deadline.due


def accept(case, coordinator):
    accept_step(case, coordinator)


def give_consent(case, coordinator, consent_for, scope):
    steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))


def test_the_assessment_is_due_a_week_after_the_referral(clock, refer):
    case = refer()
    assert due(case, "assess") == day(7)


def test_consent_is_due_the_day_the_ladder_reminds_of_the_wait(clock, refer, coordinator):
    case = refer()
    clock.shift(dt.timedelta(days=2))
    accept(case, coordinator)
    assert due(case, "obtain_consent") == day(2 + 14)
    ladder = Deadline.objects.get(case=case, kind=DeadlineKind.CONSENT_PENDING)
    assert ladder.due == due(case, "obtain_consent")


def test_planning_is_due_two_weeks_after_the_consent(clock, refer, coordinator, consent_for, scope):
    case = refer()
    accept(case, coordinator)
    clock.shift(dt.timedelta(days=5))
    give_consent(case, coordinator, consent_for, scope)
    assert due(case, "plan_meeting") == day(5 + 14)


def test_the_meeting_is_due_on_its_day(clock, refer, coordinator, consent_for, scope):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=9)
    assert due(case, "hold_meeting") == day(9)


def test_a_moved_meeting_moves_the_day_its_task_is_due(
    clock, refer, coordinator, consent_for, scope
):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, days_ahead=9)
    services.reschedule_meeting(
        case, coordinator, meeting, starts_at=MONDAY + dt.timedelta(days=12), place="Skolan"
    )
    assert due(case, "hold_meeting") == day(12)


def test_the_meeting_is_due_on_its_day_in_swedish_time(
    clock, refer, coordinator, consent_for, scope
):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    after_midnight = dt.datetime(2030, 3, 9, 0, 30, tzinfo=STOCKHOLM)  # still the 8th in UTC
    services.reschedule_meeting(case, coordinator, meeting, starts_at=after_midnight, place="X")
    assert due(case, "hold_meeting") == dt.date(2030, 3, 9)


def test_the_follow_up_is_due_on_its_booked_date(clock, refer, coordinator, consent_for, agencies):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=10)
    clock.shift(dt.timedelta(days=4))
    assert timers.fire_due_timers() == 1
    assert due(case, "follow_up") == day(10)


def test_a_new_meeting_called_at_a_follow_up_is_planned_within_days_of_it(
    clock, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=10)
    clock.shift(dt.timedelta(days=10))
    timers.fire_due_timers()
    follow_up_calling_a_meeting(case, coordinator)
    assert due(case, "plan_meeting") == day(10 + 14)


def test_the_municipality_decides_how_many_days_each_step_may_take(
    clock, refer, coordinator, consent_for, scope, municipality
):
    municipality.assess_within_days = 3
    municipality.consent_pending_days = 10
    municipality.plan_within_days = 5
    municipality.save()
    case = refer()
    assert due(case, "assess") == day(3)
    accept(case, coordinator)
    assert due(case, "obtain_consent") == day(10)
    give_consent(case, coordinator, consent_for, scope)
    assert due(case, "plan_meeting") == day(5)


def test_a_reopened_case_is_due_for_assessment_days_after_the_reopening(clock, refer, coordinator):
    case = refer()
    steps.close(case, coordinator, "moved")
    clock.shift(dt.timedelta(days=30))
    steps.reopen(case, coordinator, "Ny oro.")
    assert due(case, "assess") == day(30 + 7)


def test_consent_asked_again_after_a_withdrawal_is_due_days_after_the_withdrawal(
    clock, refer, coordinator, consent_for, scope
):
    case = refer()
    accept(case, coordinator)
    consent = steps.complete(case, "obtain_consent", coordinator, lambda: consent_for(case, scope))
    clock.shift(dt.timedelta(days=20))
    steps.withdraw_consent(case, coordinator, consent, reason="Familjen vill inte längre.")
    assert due(case, "obtain_consent") == day(20 + 14)


def test_every_step_a_person_does_has_a_due_date_and_no_other_task_has_one(
    clock, refer, coordinator, consent_for, agencies
):
    human_steps = {node.name for node in CaseFlow.instance.nodes() if isinstance(node, CaseView)}
    assert human_steps == set(taskdue.STEPS)

    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=3)
    timers.fire_due_timers()
    follow_up_calling_a_meeting(case, coordinator)
    dated = {task.flow_task.name for task in Task.objects.filter(deadline__isnull=False)}
    undated = {task.flow_task.name for task in Task.objects.filter(deadline__isnull=True)}
    assert dated == human_steps
    gateways = {"check_accepted", "check_consented", "check_in_progress", "after_follow_up"}
    assert undated == {"start_from_code", "wait_for_follow_up", *gateways}
    # the queue and the inbox read the tasks' status and owner from their deadlines
    dated = Task.objects.filter(deadline__isnull=False).select_related("deadline")
    assert [t.deadline.waiting for t in dated] == [t.status == STATUS.NEW for t in dated]
    held = [STATUS.ASSIGNED, STATUS.STARTED]
    assert [t.deadline.holder_id for t in dated] == [
        t.owner_id if t.status in held else None for t in dated
    ]
    assert {t.deadline.holder_id for t in dated} == {coordinator.pk, None}
    assert len(dated) >= len(human_steps)


def test_lists_sort_and_filter_tasks_by_their_due_date(clock, refer, coordinator, municipality):
    first = refer()
    municipality.assess_within_days = 1  # a new setting dates the tasks created after it
    municipality.save()
    clock.shift(dt.timedelta(days=2))
    second = refer()
    tasks = CaseTask.objects.filter(flow_task=CaseFlow.assess).order_by("deadline__due")
    assert [task.process.artifact for task in tasks] == [second, first]
    assert list(tasks.values_list("deadline__due", flat=True)) == [day(3), day(7)]
    clock.shift(dt.timedelta(days=3))
    overdue = CaseTask.objects.filter(deadline__due__lt=timezone.localdate())
    assert [task.process.artifact for task in overdue] == [second]


def test_the_migration_dates_the_tasks_open_before_it(
    clock, refer, coordinator, consent_for, scope, agencies
):
    referred = refer()
    clock.shift(dt.timedelta(days=1))
    accepted = refer()
    accept(accepted, coordinator)
    clock.shift(dt.timedelta(days=1))
    planned, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope, 6)
    clock.shift(dt.timedelta(days=1))
    followed = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=5)
    timers.fire_due_timers()
    closed = refer()
    steps.close(closed, coordinator, "moved")
    TaskDeadline.objects.all().delete()  # as before the migration

    historical = MigrationExecutor(connection).loader.project_state(
        ("sspf_flow", "0010_date_open_tasks"), at_end=False
    )
    dated_open_tasks.forward(historical.apps, None)

    assert due(referred, "assess") == day(7)
    assert due(accepted, "obtain_consent") == day(1 + 14)
    assert due(planned, "hold_meeting") == day(2 + 6)
    assert due(followed, "follow_up") == day(3 + 5)
    assert TaskDeadline.objects.count() == 4  # the closed case's cancelled task has none


def waiting(case, step):
    tasks = CaseTask.objects.filter(process__in=processes_of(case))
    return tasks.get(flow_task=getattr(CaseFlow, step)).deadline.waiting


def test_a_step_waits_in_the_queue_until_someone_takes_it_and_again_when_given_back(
    clock, refer, coordinator
):
    """The queue reads its steps through ``TaskDeadline.waiting``: it follows the task's status
    at every save, so a step is in the queue exactly while nobody has it."""
    client = Client()
    client.force_login(coordinator)
    taken, closed, done = refer(), refer(), refer()
    assert all(waiting(case, "assess") for case in (taken, closed, done))
    queue = client.get("/case/queue/").content.decode()
    assert all(case.number in queue for case in (taken, closed, done))

    for case in (taken, done):
        task = steps.open_task(case, "assess")
        assert client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))
    assert not waiting(taken, "assess")
    assert steps.open_task(taken, "assess").deadline.holder == coordinator
    assert taken.number in client.get("/case/inbox/").content.decode()
    task = steps.open_task(taken, "assess")
    client.post(task.flow_task.reverse("unassign", args=[task.process_id, task.pk]))
    assert waiting(taken, "assess")  # given back: in the queue again, in nobody's inbox
    assert steps.open_task(taken, "assess").deadline.holder is None
    assert taken.number not in client.get("/case/inbox/").content.decode()

    accept(done, coordinator)
    steps.close(closed, coordinator, "moved")
    assert not waiting(done, "assess") and not waiting(closed, "assess")
    assert waiting(done, "obtain_consent") is False  # the case's coordinator has it at once
    queue = client.get("/case/queue/").content.decode()
    assert taken.number in queue
    assert closed.number not in queue and done.number not in queue


def test_the_migrations_put_the_untaken_steps_in_the_queue_and_the_taken_in_inboxes(
    clock, refer, coordinator
):
    untaken, taken = refer(), refer()
    accept(taken, coordinator)
    TaskDeadline.objects.update(waiting=False, holder=None)  # as before the migrations
    queue_order = importlib.import_module("sspf_flow.migrations.0013_queue_order")
    queue_order.mark_waiting(django_apps, None)
    inbox_order = importlib.import_module("sspf_flow.migrations.0015_inbox_order")
    inbox_order.mark_holders(django_apps, None)
    assert waiting(untaken, "assess")
    assert not waiting(taken, "assess") and not waiting(taken, "obtain_consent")
    assert steps.open_task(taken, "obtain_consent").deadline.holder == coordinator
    assert steps.open_task(untaken, "assess").deadline.holder is None
    done = CaseTask.objects.get(process__in=processes_of(taken), flow_task=CaseFlow.assess)
    assert done.deadline.holder is None
