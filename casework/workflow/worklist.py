"""The tasks as a caseworker reads them: which case, which young person, which step, when it is
due and how late it is, the most urgent first.

One home for the inbox, the queue, the archive and the coordinator's overview: each asks
``tasks_of`` for a kind of list and gets rows holding no process or task id to show. Every
list starts from ``access.tasks_visible_to``."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.models import Case, CaseTask
from sspf_flow.models.case import case_url

from .flows import CaseFlow

INBOX, QUEUE, ARCHIVE = "inbox", "queue", "archive"
SOON_DAYS = 7


class Due:
    """The due-date filter's choices."""

    OVERDUE = "overdue"
    SOON = "soon"
    CHOICES = (
        ("", _("All")),
        (OVERDUE, _("Overdue")),
        (SOON, _("Due within 7 days")),
    )


def human_steps():
    """(name, title) of the flow's human steps, in the flow's order."""
    return [
        (node.name, node.task_title)
        for node in CaseFlow.instance.nodes()
        if getattr(node, "task_type", None) == "HUMAN"
    ]


def _tasks(kind, user):
    tasks = CaseTask.objects.filter(process__flow_class=CaseFlow, flow_task_type="HUMAN")
    if kind == INBOX:
        # the steps the user has, as their deadlines say (who has each follows its status),
        # read in due order through the partial index inbox_order, like the queue below
        tasks = tasks.filter(deadline__holder=user)
    elif kind == QUEUE:
        # the untaken steps (status NEW) as their deadlines mark them (every step of a person
        # is dated: sspf_flow.taskdue), read in due order through the partial index of waiting
        # deadlines, not by sorting every untaken step of the municipality. Asked on the task's
        # status instead, PostgreSQL cannot know the two go together, expects a handful of rows
        # and sorts them all (issue 11: 7 040 untaken steps, 53 ms).
        tasks = tasks.user_queue(user).filter(deadline__waiting=True)
    else:
        tasks = tasks.filter(owner=user, finished__isnull=False)
    return access.tasks_visible_to(user, tasks)


def tasks_of(user, kind, step="", due="", today=None):
    """The ``kind`` list of ``user``'s tasks, filtered by step and due, in the order a
    caseworker works them: overdue first, then by due date (then as they came); finished ones
    latest first."""
    today = today or timezone.localdate()
    tasks = _tasks(kind, user)
    if step:
        tasks = tasks.filter(flow_task=f"{CaseFlow.__module__}.{CaseFlow.__name__}.{step}")
    if due == Due.OVERDUE:
        tasks = tasks.filter(deadline__due__lt=today)
    elif due == Due.SOON:
        tasks = tasks.filter(deadline__due__lte=today + timedelta(days=SOON_DAYS))
    if kind == ARCHIVE:
        return tasks.order_by("-finished", "-pk")
    return tasks.order_by("deadline__due", "pk")  # the order of inbox_order and queue_order


class CaseLink:
    """A case as a list names it: its id, and its number and young person's id once known
    (the overview fills them in for the cases it shows). Not a Case: a busy coordinator's
    overview reads some 2 000 deadline rows, and a model instance for each took 175 ms; a
    page of tasks asks its cases' numbers in the same query as the tasks (issue 11)."""

    __slots__ = ("pk", "number", "youth_id")

    def __init__(self, pk, number=None, youth_id=None):
        self.pk, self.number, self.youth_id = pk, number, youth_id

    def get_absolute_url(self):
        return case_url(self.number)


@dataclass(frozen=True)
class TaskRow:
    url: str
    case: CaseLink
    youth: str
    step: str
    due: date | None
    days_late: int
    finished: object

    @property
    def late(self):
        return self.days_late > 0

    @property
    def days_left(self):
        return -self.days_late


def _named(tasks):
    """The tasks with what a row shows of their case (its id, number and young person's
    name) asked in the same query, and only the task's fields a row reads."""
    case = Case.objects.filter(pk=OuterRef("process__artifact_object_id"))
    return tasks.only("flow_task", "process", "finished", "deadline__due").annotate(
        case_id=F("process__artifact_object_id"),
        case_number=Subquery(case.values("number")[:1]),
        youth_name=Subquery(
            case.annotate(name=Concat("youth__first_name", Value(" "), "youth__last_name")).values(
                "name"
            )[:1]
        ),
    )


def rows(tasks, kind=INBOX, today=None):
    """Rows for the tasks of one page (a slice of ``tasks_of``), their cases and young people
    asked in the same query."""
    today = today or timezone.localdate()
    result = []
    for task in _named(tasks.select_related("deadline")):
        case = CaseLink(task.case_id, task.case_number)
        due = getattr(getattr(task, "deadline", None), "due", None)
        if kind == QUEUE:
            url = task.flow_task.reverse("assign", args=[task.process_id, task.pk])
        elif kind == INBOX:
            url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        else:
            url = case.get_absolute_url()
        result.append(
            TaskRow(
                url=url,
                case=case,
                youth=task.youth_name,
                step=str(task.flow_task.task_title),
                due=due,
                days_late=(today - due).days if due and kind != ARCHIVE else 0,
                finished=task.finished,
            )
        )
    return result
