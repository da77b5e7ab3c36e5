"""viewflow's pages for CaseFlow, narrowed to the cases the user may read.

viewflow's own list querysets are not object-scoped; every list here passes through
``access``. Undo, cancel and revive are off (``CaseFlow.has_manage_permission``)."""

from django.http import Http404
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as vf

from sspf_flow import access
from sspf_flow.models import CaseProcess


class ScopedTasks:
    def get_queryset(self):
        tasks = super().get_queryset().prefetch_related("process__artifact")
        return access.tasks_visible_to(self.request.user, tasks)


class Inbox(ScopedTasks, vf.FlowInboxListView):
    pass


class Queue(ScopedTasks, vf.FlowQueueListView):
    pass


class Archive(ScopedTasks, vf.FlowArchiveListView):
    pass


class TaskList(ScopedTasks, vf.DashboardTaskListView):
    pass


class ProcessList(vf.DashboardProcessListView):
    def get_queryset(self):
        processes = super().get_queryset().prefetch_related("artifact").order_by("-created")
        return access.processes_visible_to(self.request.user, processes)


class Chart(vf.FlowChartView):
    """The flow's chart for everyone who works with cases; a process's chart (which steps it
    has passed) only for those who may read that case."""

    def dispatch(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            processes = access.processes_visible_to(request.user, CaseProcess.objects.all())
            if not processes.filter(pk=process_pk).exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class CaseFlowViewset(FlowAppViewset):
    inbox_view_class = Inbox
    queue_view_class = Queue
    archive_view_class = Archive
    task_list_view_class = TaskList
    process_list_view_class = ProcessList
    chart_view_class = Chart
