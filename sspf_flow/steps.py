"""Completing a case's flow task from code, the way the task views do it on the web: take the
task, run the step's service calls, complete it. The demo loader and imports use this."""

from django.db import transaction
from viewflow.workflow.status import STATUS

from .flows import CaseFlow
from .models import CaseTask
from .models.process import processes_of


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
        if activation.task.owner_id is None:
            activation.assign(user)
        activation.start(request=None)
        result = perform()
        activation.execute()
    case.refresh_from_db()
    return result


def start(case):
    """Start the process of a case created from code (the web's start view does this itself)."""
    return CaseFlow.start_from_code.run(case=case)
