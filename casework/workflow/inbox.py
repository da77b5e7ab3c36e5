"""The flow's pages for CaseFlow: the product's own task lists, and viewflow's chart narrowed
to the cases the user may read. Undo, cancel and revive have no page (``nodes``)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as vf

from sspf_flow import access, accesslog
from sspf_flow.models import CaseProcess

from ..paging import CappedPaginator
from . import task_pages, worklist

PER_PAGE = 25


class TaskPaginator(CappedPaginator):
    """A region's queue holds thousands of untaken steps: count at most 200 (eight pages; the
    filters by step and due date narrow the rest). Counting a thousand took 30 ms, the page
    itself half a millisecond (issue 11)."""

    cap = 200


class TaskList(LoginRequiredMixin, generic.TemplateView):
    """A list of tasks as caseworkers read them (``worklist``): filters by step and due date,
    25 a page, and one access-log row for each case it names."""

    template_name = "casework/task_list.html"
    flow_class = None
    viewset = None
    kind = worklist.INBOX
    title = _("To do")
    intro = ""
    empty = ""

    def dispatch(self, request, *args, **kwargs):
        # the flow's steps are the coordinators' (CaseFlow assigns them to the case's one)
        if request.user.is_authenticated and not access.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        steps = worklist.human_steps()
        step = self.request.GET.get("step", "")
        step = step if step in dict(steps) else ""
        due = self.request.GET.get("due", "")
        due = due if due in dict(worklist.Due.CHOICES) else ""
        tasks = worklist.tasks_of(self.request.user, self.kind, step=step, due=due)
        page = TaskPaginator(tasks, PER_PAGE).get_page(self.request.GET.get("page"))
        rows = worklist.rows(page.object_list, self.kind)
        accesslog.record(self.request, {row.case.pk: row.case for row in rows}.values(), self.title)
        return super().get_context_data(
            title=self.title,
            intro=self.intro,
            empty=self.empty,
            kind=self.kind,
            rows=rows,
            page=page,
            steps=steps,
            step=step,
            due_choices=worklist.Due.CHOICES,
            due=due,
            filtered=bool(step or due),
            **kwargs,
        )


class Inbox(TaskList):
    kind = worklist.INBOX
    title = _("To do")
    intro = _("The steps waiting for you, the most urgent first.")
    empty = _("You have no task waiting.")


class Queue(TaskList):
    kind = worklist.QUEUE
    title = _("Queue")
    intro = _("Steps nobody has taken yet. Take one to make it yours.")
    empty = _("No step is waiting to be taken.")


class Archive(TaskList):
    kind = worklist.ARCHIVE
    title = _("Done")
    intro = _("The steps you have finished, the latest first.")
    empty = _("You have not finished any step yet.")


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
    viewflow's process and task lists, its bulk assign/unassign and the process cancellation
    have no page."""

    dashboard_view_class = task_pages.FlowIndex
    process_detail_view_class = task_pages.ProcessToCase
    process_list_path = None
    task_list_path = None
    process_cancel_path = None
    tasks_assign_path = None
    tasks_unassign_path = None
    inbox_view_class = Inbox
    queue_view_class = Queue
    archive_view_class = Archive
    chart_view_class = Chart

    def get_context_data(self, request):
        """Nothing: viewflow adds the user's inbox and queue here for its own menu's counters,
        which the product's menu (``casework.pages.shell``) replaces; asking them cost every
        page of the flow a query for the user's permissions (issue 11)."""
        return {}
