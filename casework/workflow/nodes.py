"""The flow's nodes, with the product's pages instead of viewflow's.

Every node's task detail leads to the case page (``task_pages``), and no node has an undo,
cancel or revive page: those would let the flow and the case's legal state drift apart
(closing and reopening go through the case page's services). A human task (``CaseView``) also
asks the access module: a coordinator of another municipality cannot take, do or look at it,
even by typing its URL; its assign and unassign confirmations are the product's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.flow import utils
from viewflow.workflow.status import STATUS

from sspf_flow import access

from . import task_pages

ENDED = (STATUS.DONE, STATUS.CANCELED)


def step_view(node, origin_view):
    """viewflow's ``wrap_view`` for a step's page, but a step that ended while its form was
    being sent (someone else closed the case, or did the step, first) is answered by the step's
    own page saying the case changed meanwhile, with what the user typed still in the form
    (``request.step_ended``), instead of a 403 page carrying viewflow's internal message."""

    def view(request, *args, **kwargs):
        process_pk, task_pk = kwargs["process_pk"], kwargs["task_pk"]

        def call():
            task = get_object_or_404(node.flow_class.task_class, pk=task_pk)
            if task.process.flow_class != node.flow_class:
                raise Http404
            request.activation = node.activation_class(task)
            if not node.can_execute(request.user, task=task):
                raise PermissionDenied
            request.step_ended = request.method == "POST" and task.status in ENDED
            if not request.step_ended:
                request.activation.start(request)
            return origin_view(request, *args, **kwargs)

        try:
            if request.method == "POST":
                with node.flow_class.lock(process_pk), transaction.atomic():
                    return call()
            return call()
        except TransitionNotAllowed as refused:
            raise PermissionDenied from refused

    return view


def taken_meanwhile(node, origin_view):
    """viewflow refuses to give a step that is no longer in the queue with a bare 403; a
    coordinator of the case who finds it taken (or ended) meanwhile is sent back to the queue,
    told so in words (two coordinators taking one step at once: bench/collisions.py)."""

    def view(request, *args, **kwargs):
        try:
            return origin_view(request, *args, **kwargs)
        except PermissionDenied:
            task = (
                node.flow_class.task_class.objects.filter(pk=kwargs["task_pk"])
                .select_related("process")
                .first()
            )
            if (
                task is None
                or task.status == STATUS.NEW
                or not access.can_coordinate(request.user, task.process.artifact)
            ):
                raise
            messages.warning(request, TAKEN_MEANWHILE)
            return redirect(node.flow_class.instance.reverse("queue"))

    return view


TAKEN_MEANWHILE = _("Someone else took this step meanwhile: it is no longer in the queue.")


class OwnPages:
    detail_view_class = task_pages.TaskToCase
    undo_view_class = None
    cancel_view_class = None
    revive_view_class = None


class Start(OwnPages, flow.Start):
    pass


class StartHandle(OwnPages, flow.StartHandle):
    pass


class If(OwnPages, flow.If):
    pass


class Switch(OwnPages, flow.Switch):
    pass


class Timer(OwnPages, flow.Timer):
    pass


class End(OwnPages, flow.End):
    pass


class CaseView(OwnPages, flow.View):
    assign_view_class = task_pages.AssignTask
    unassign_view_class = task_pages.UnassignTask

    @property
    def assign_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
            taken_meanwhile(
                self, utils.wrap_task_view(self, self.assign_view, permission=self.can_assign)
            ),
            name="assign",
        )

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            step_view(self, self.view),
            name="execute",
        )

    def _case(self, task):
        return task.process.artifact

    def can_view(self, user, task):
        return access.can_view_case(user, self._case(task))

    def can_assign(self, user, task):
        return super().can_assign(user, task) and access.can_coordinate(user, self._case(task))

    def can_unassign(self, user, task):
        return super().can_unassign(user, task) and access.can_coordinate(user, self._case(task))

    def can_execute(self, user, task):
        return super().can_execute(user, task) and access.can_coordinate(user, self._case(task))
