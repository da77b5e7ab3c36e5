"""viewflow's own pages about one process or task, replaced by the product's.

viewflow's process page, task detail and assign/unassign confirmations show every field of the
case and write no access log. Here a process page and a task's detail lead to the case page
(which asks the access module, applies the information categories and writes the log); taking
or giving back a task shows only the case summary its coordinator sees, logged. The flow's own
dashboard leads to the inbox. Undo, cancel and revive have no page at all (``nodes``)."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View, generic
from viewflow.workflow.flow import views as vf

from sspf_flow import access, accesslog
from sspf_flow.models import CaseProcess

from . import summary


class FlowIndex(generic.RedirectView):
    """The flow's start page is the inbox."""

    flow_class = None
    viewset = None

    def get_redirect_url(self, *args, **kwargs):
        return self.flow_class.instance.reverse("inbox")


class ProcessToCase(View):
    """A process's page is its case's page, for those who may read the case (404 otherwise)."""

    flow_class = None
    viewset = None

    def get(self, request, process_pk):
        processes = access.processes_visible_to(request.user, CaseProcess.objects.all())
        process = get_object_or_404(processes, pk=process_pk)
        return redirect(process.artifact)


class TaskToCase(View):
    """A task's detail is its case's page (viewflow has checked ``can_view`` already)."""

    def get(self, request, *args, **kwargs):
        return redirect(request.activation.process.artifact)


class ShowsTheCase:
    """Confirmation pages of a task: the case summary, logged as a read of the case."""

    template_name = "casework/task_confirm.html"
    title = ""
    button = ""
    continue_button = ""  # the button that goes on to the step's form at once, if any

    def get_context_data(self, **kwargs):
        case = self.request.activation.process.artifact
        accesslog.record(self.request, [case], self.title)
        return super().get_context_data(
            case=case,
            concerns=summary.concerns_seen(self.request.user, case),
            task=self.request.activation.task,
            title=self.title,
            button=self.button,
            continue_button=self.continue_button,
            **kwargs,
        )


class AssignTask(ShowsTheCase, vf.AssignTaskView):
    title = _("Take the task")
    button = _("Take it")
    continue_button = _("Take it and do it now")
    success_message = _("The task is yours.")


class UnassignTask(ShowsTheCase, vf.UnassignTaskView):
    title = _("Give the task back")
    button = _("Give it back to the queue")
    success_message = _("The task is back in the queue.")
