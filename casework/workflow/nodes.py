"""A viewflow human task that also asks the access module: a coordinator of another
municipality cannot take, do or look at a task even by typing its URL."""

from viewflow.workflow import flow

from sspf_flow import access


class CaseView(flow.View):
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
