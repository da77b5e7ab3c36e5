"""Completing a case's flow task from code, the way the task views do it on the web: take the
task, run the step's service calls, complete it. The demo loader and imports use this."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.status import PROCESS, STATUS

from sspf_flow import guards, services
from sspf_flow.events import EventCode, record_event
from sspf_flow.models import CaseTask, Status
from sspf_flow.models.process import processes_of
from sspf_flow.refusals import refuse_if

from .flows import CaseFlow

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_task(case, node_name):
    """The case's open task at ``node_name`` (e.g. "assess"), or None."""
    node = getattr(CaseFlow, node_name)
    return (
        CaseTask.objects.filter(
            process__in=processes_of(case),
            flow_task=node,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .order_by("-created")
        .first()
    )


def complete(case, node_name, user, perform):
    """Take the open task at ``node_name`` as ``user``, call ``perform()`` and complete it."""
    task = open_task(case, node_name)
    if task is None:
        raise LookupError(f"{case} has no open {node_name} task")
    with transaction.atomic(), task.activation() as activation:
        if activation.task.status not in OPEN:  # done or cancelled while we waited for the lock
            raise services.changed_meanwhile(case)
        if activation.task.owner_id is None:
            activation.assign(user)
        activation.start(request=None)
        result = perform()
        activation.execute()
    case.refresh_from_db()
    return result


def start(case):
    """Start the process of a case created from code or reopened (the web's start view starts
    its own)."""
    return CaseFlow.start_from_code.run(case=case)


def end_processes(case):
    """Cancel the case's running process and its open tasks (the case was closed, or its
    consent withdrawn, outside the flow's current step)."""
    running = processes_of(case).exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED])
    for process in running:
        CaseFlow.instance.cancel(process)


@transaction.atomic
def close(case, user, reason, text=""):
    """Close the case from the case page, whatever step its process is at."""
    services.close_case(case, user, reason, text)
    end_processes(case)


@transaction.atomic
def reopen(case, user, text):
    services.reopen_case(case, user, text)
    start(case)


@transaction.atomic
def withdraw_consent(case, user, consent, agency=None, reason=""):
    """Withdraw consent; when it leaves no agency covered, the running process stops and a new
    one waits in the coordinator's inbox: obtain new consent, or close ("consent withdrawn")."""
    was = case.status
    services.withdraw_consent(case, user, consent, agency=agency, reason=reason)
    if was != Status.AWAITING_CONSENT and case.status == Status.AWAITING_CONSENT:
        end_processes(case)
        CaseFlow.restart_for_consent.run(case=case)


@transaction.atomic
def give(task, user, colleague):
    """The open step ``user`` holds goes to a colleague coordinator's inbox (absence for one
    step; the case keeps its coordinator). The history says so and the colleague is told."""
    case = task.process.artifact
    if not task.flow_task.can_unassign(user, task):
        raise PermissionDenied
    refuse_if(guards.colleague_valid(case, task.owner_id, colleague, field="colleague"))
    with task.activation() as activation:
        activation.reassign(colleague)
    record_event(
        case,
        user,
        EventCode.STEP_GIVEN,
        task=task.pk,
        step=str(task.flow_task.task_title),
        to=colleague.pk,
    )
