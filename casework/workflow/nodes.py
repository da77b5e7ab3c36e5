"""The flow's nodes, with the product's pages instead of viewflow's.

Every node's task detail leads to the case page (``task_pages``), and no node has an undo,
cancel or revive page: those would let the flow and the case's legal state drift apart
(closing and reopening go through the case page's services). A human task (``CaseView``) also
asks the access module: a coordinator of another municipality cannot take, do or look at it,
even by typing its URL; its assign and unassign confirmations are the product's."""

from viewflow.workflow import flow

from sspf_flow import access

from . import task_pages


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
