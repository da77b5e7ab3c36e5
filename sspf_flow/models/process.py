"""The viewflow process and tasks of a case.

The case is the process's artifact, so a reopened case keeps its earlier processes linked.
``CaseTask``'s manager narrows viewflow's own lists (kanban, inbox/queue counts) to the cases
the user may read: ``narrow`` is the access module's ``tasks_visible_to``, connected when the app
is ready (``sspf_flow.apps``), so that the models do not import the policy that reads them;
until it is connected, no task is available to anyone.

A person's task has a ``TaskDeadline``: the day it is due by the municipality's settings, set
when the task is created (``sspf_flow.taskdue``, ``casework.workflow.due``), so lists can sort
and filter on ``deadline__due``.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import Process, Task


class CaseProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")

    @property
    def case(self):
        return self.artifact


def processes_of(case):
    """Every process run for the case, the current one first when ordered by ``-created``."""
    return CaseProcess.objects.filter(
        artifact_content_type=ContentType.objects.get_for_model(case),
        artifact_object_id=case.pk,
    )


class CaseTaskQuerySet(TaskQuerySet):
    narrow = None  # (user, tasks) -> the tasks of the cases the user may read

    def filter_available(self, flow_classes, user):
        tasks = super().filter_available(flow_classes, user)
        narrow = type(self).narrow
        return tasks.none() if narrow is None else narrow(user, tasks)


class CaseTask(Task):
    objects = CaseTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("task")
        verbose_name_plural = _("tasks")


class TaskDeadline(models.Model):
    """The day a person's task of a case is due: the rule is ``sspf_flow.taskdue``, applied to
    each new task by ``casework.workflow.due``."""

    task = models.OneToOneField(
        Task,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="deadline",
        verbose_name=_("task"),
    )
    due = models.DateField(_("due date"), db_index=True)
    # Nobody has taken the task yet (its status is NEW): the coordinators' queue, read in due
    # order through the partial index below (issue 11). Kept by ``casework.workflow.due`` on
    # every save of the task.
    waiting = models.BooleanField(_("waiting to be taken"), default=False, db_default=False)
    # Who has the task now (its owner while it is assigned or started): the inbox, read in due
    # order through the partial index below (issue 11). Kept the same way as ``waiting``.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who has it"),
    )

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")
        indexes = [
            models.Index(
                fields=["due", "task"], condition=models.Q(waiting=True), name="queue_order"
            ),
            models.Index(
                fields=["holder", "due", "task"],
                condition=models.Q(holder__isnull=False),
                name="inbox_order",
            ),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.due}"
