"""What the agencies write into a running case. An agency's own action: the staff of the
responsible agency say how it goes (started, done, or not done and why) from their overview or
the case page; the coordinator reads it on the case page and at the follow-up. An agency always
sees its own actions, whatever the consent; the page shows the action and its updates and
nothing else of the case. A held meeting's protocol and plan, to read and print for the
agencies it invited. An incident report: any covered agency or the coordinator reports what
happened around the young person; it shows in the case's history under the categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from sspf_flow import access, accesslog, records
from sspf_flow.models import AccessAction, Case

from ..perform import PerformOrExplain
from .page_forms import ActionUpdateForm, IncidentForm
from .pictures import board


class ActionUpdateView(PerformOrExplain, generic.FormView):
    form_class = ActionUpdateForm
    template_name = "casework/action_update.html"
    title = _("Update your action")

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.action = (
            access.actions_updated_by(user)
            .select_related("plan__case", "agency")
            .filter(pk=kwargs["pk"], plan__case__number=kwargs["number"])
            .first()
        )
        if self.action is None:
            case = Case.objects.filter(number=kwargs["number"]).first()
            if case is not None and access.can_view_case(user, case):
                raise PermissionDenied  # a reader of the case, not the responsible agency
            raise Http404
        self.case = self.action.plan.case
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title, basis=True)
        return super().get_context_data(
            title=self.title,
            number=self.case.number,
            action=self.action,
            updates=self.action.updates.select_related("agency", "author"),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        records.update_action(self.action, self.request.user, data["status"], data["comment"])
        messages.success(self.request, _("Your update is saved; the coordinator is told."))

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE, basis=True)
        if access.can_view_case(self.request.user, self.case):
            return redirect("sspf:case_detail", self.case.number)
        return redirect("sspf:dashboard")


class IncidentView(PerformOrExplain, generic.FormView):
    form_class = IncidentForm
    template_name = "casework/incident.html"
    title = _("Report an incident")

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_for(request.user, kwargs["number"])  # 404 unless a reader
        if not access.reports_incidents(request.user, self.case):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title)
        return super().get_context_data(title=self.title, number=self.case.number, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        records.report_incident(
            self.case, self.request.user, data["occurred_on"], data["kind"], data["text"]
        )
        messages.success(self.request, _("The incident is reported."))

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE)
        return redirect("sspf:case_history", self.case.number)


class ProtocolView(generic.TemplateView):
    """A held meeting's protocol and the plan written at it, to read and print: for the
    coordinator and the agencies the meeting invited, each within what its consent covers (the
    protocol's text, which mixes every party's picture, only with every category; the plan's
    actions by their categories, an agency's own always; the agencies' pictures given before
    the meeting by ``Sight.picture``)."""

    template_name = "casework/protocol.html"

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_for(request.user, kwargs["number"])  # 404 unless a reader
        self.meeting = get_object_or_404(
            self.case.meetings.select_related("chair", "minute_taker").prefetch_related(
                "invited_agencies", "pictures__agency", "pictures__author"
            ),
            pk=kwargs["pk"],
        )
        if not access.reads_protocol(request.user, self.meeting):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        sight = access.sight(self.request.user, self.case)
        accesslog.record(self.request, [self.case], _("meeting protocol"))
        plan = getattr(self.meeting, "plan", None)
        actions = plan.actions.select_related("agency", "guardian", "intervention") if plan else []
        return super().get_context_data(
            case=self.case,
            meeting=self.meeting,
            full_picture=sight.full_picture,
            plan=plan,
            actions=[action for action in actions if sight.action(action)],
            board=board(self.meeting, sight),  # the pictures the protocol keeps
            printed=timezone.localtime(),
            **kwargs,
        )
