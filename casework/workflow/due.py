"""When each person's task of a case is due.

The rule is ``sspf_flow.taskdue`` (the migration that dated the tasks open before it uses it
too); this module finds what the rule needs for a task of ``CaseFlow`` and keeps its
``TaskDeadline``: a new task gets one when it is created, whether it waits in the queue and who
has it follow its status, and moving the planned meeting moves
the day the open "hold meeting" task is due. Lists read it as ``deadline__due``.
"""

from viewflow.workflow.status import STATUS

from sspf_flow import taskdue
from sspf_flow.events import EventCode
from sspf_flow.models import CaseTask, TaskDeadline
from sspf_flow.models.process import processes_of

from .flows import CaseFlow

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
HELD = [STATUS.ASSIGNED, STATUS.STARTED]  # someone has the task: it is in their inbox


def step_of(task):
    """The name of the task's step when it is a person's step of the case flow, else None."""
    node = task.flow_task
    if node is None or node.flow_class is not CaseFlow or node.name not in taskdue.STEPS:
        return None
    return node.name


def due_date(task):
    """The day ``task``, a person's step of the case flow, is due."""
    step = step_of(task)
    case = task.process.artifact
    again = (
        CaseTask.objects.filter(process__in=processes_of(case), flow_task=task.flow_task)
        .filter(pk__lt=task.pk)
        .exists()
    )
    meeting = case.meetings.planned().order_by("-pk").first() if step == "hold_meeting" else None
    return taskdue.due_date(
        step, case, task.created, again=again, meeting_at=meeting and meeting.starts_at
    )


def on_task_saved(sender, instance, created, raw=False, **kwargs):
    """A new person's task of a case is given the day it is due; whether it waits in the queue
    (nobody has taken it) and who has it follow its status at every save (assigned, unassigned,
    done, cancelled)."""
    if raw or not step_of(instance):
        return
    now = {
        "waiting": instance.status == STATUS.NEW,
        "holder_id": instance.owner_id if instance.status in HELD else None,
    }
    if created:
        TaskDeadline.objects.create(task=instance, due=due_date(instance), **now)
    else:
        TaskDeadline.objects.filter(task=instance).exclude(**now).update(**now)


def on_case_event(sender, event, **kwargs):
    """A planned meeting moved: its open "hold meeting" task is due on the new day."""
    if event.action != EventCode.MEETING_CHANGED:
        return
    held = CaseTask.objects.filter(
        process__in=processes_of(event.case), flow_task=CaseFlow.hold_meeting, status__in=OPEN
    )
    for task in held:
        TaskDeadline.objects.update_or_create(task=task, defaults={"due": due_date(task)})
