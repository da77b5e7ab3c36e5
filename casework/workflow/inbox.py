"""viewflow's pages for CaseFlow, narrowed to the cases the user may read.

viewflow's own list querysets are not object-scoped; every list here passes through
``access``. Undo, cancel and revive have no page (``nodes``)."""

from django.http import Http404
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as vf

from sspf_flow import access
from sspf_flow.models import CaseProcess

from . import task_pages


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
    """The flow's pages: the inbox, queue and archive; the flow chart. The flow's own
    dashboard leads to the inbox and a process's page to its case's page (``task_pages``);
    viewflow's process and task lists and the process cancellation have no page."""

    dashboard_view_class = task_pages.FlowIndex
    process_detail_view_class = task_pages.ProcessToCase
    process_list_path = None
    task_list_path = None
    process_cancel_path = None
    inbox_view_class = Inbox
    queue_view_class = Queue
    archive_view_class = Archive
    chart_view_class = Chart
