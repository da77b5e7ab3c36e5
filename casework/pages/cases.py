"""Our own pages inside the viewflow Site: case list, case page, closing and reopening, and the
referrer's list of what they referred."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import ListModelView
from viewflow.workflow.status import STATUS

from sspf_flow import access, accesslog, counting, handover, outcomes, records, services
from sspf_flow.models import (
    AccessAction,
    Case,
    CaseTask,
    MeetingStatus,
    Programme,
)
from sspf_flow.models.case import OPEN_AFTER_CONSENT
from sspf_flow.models.outcome import OutcomePoint
from sspf_flow.models.process import processes_of
from sspf_flow.refusals import TransitionRefused

from ..perform import PerformOrExplain
from ..templateforms import WithTemplate
from ..workflow import steps
from ..workflow.consent_form import KeepsSignedForm
from . import columns
from .filters import CaseFilter
from .page_forms import (
    ChangeCoordinatorForm,
    CloseCaseForm,
    ConcernReportForm,
    FurtherConsentForm,
    GiveStepForm,
    JournalNoteForm,
    MeetingChangeForm,
    ReopenForm,
    WithdrawConsentForm,
)


class CaseListView(ListModelView):
    model = Case
    title = _("Cases")
    columns = ("number", "youth_name", "status", "programme", "coordinator", "follow_up")
    object_link_columns = ("number",)
    filterset_class = CaseFilter
    ordering = "-referred_at"

    def has_view_permission(self, user, obj=None):
        return access.works_with_cases(user)

    @viewprop
    def queryset(self):
        return access.cases_visible_to(self.request.user).select_related("youth", "coordinator")

    def get_object_url(self, obj):
        return obj.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accesslog.record(self.request, context["object_list"], _("case list"))
        return context

    def coordinator(self, case):
        return case.coordinator.get_full_name() if case.coordinator else ""

    coordinator.short_description = _("Coordinator")

    def follow_up(self, case):
        return columns.day(case.next_follow_up)

    follow_up.short_description = _("Next follow-up")
    follow_up.orderby_column = "next_follow_up"

    def youth_name(self, case):
        return str(case.youth)

    youth_name.short_description = _("Young person")


class CaseActionView(PerformOrExplain, generic.FormView):
    """A coordinator's action on the case page, outside the flow's current task."""

    template_name = "casework/case_action.html"
    title = ""
    returns_to = "sspf:case_detail"  # the case's page that shows what the action changed

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_to_coordinate(request.user, kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title)
        return super().get_context_data(case=self.case, title=self.title, **kwargs)

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE)
        return redirect(self.returns_to, self.case.number)


class CloseCaseView(CaseActionView):
    form_class = CloseCaseForm
    title = _("Close the case")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        value = form.changed_intervention(self.case)
        if value is not None:  # recorded first, while the case is open
            counting.record_social_intervention(self.case, self.request.user, value)
        steps.close(self.case, self.request.user, *form.closing())
        if form.takes_reading:
            outcomes.record_reading(
                self.case, self.request.user, OutcomePoint.CLOSURE, form.indicators()
            )
        messages.success(self.request, _("The case is closed."))


class ChangeCoordinatorView(CaseActionView):
    form_class = ChangeCoordinatorForm
    title = _("Change the case's coordinator")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        data = form.cleaned_data
        handover.change_coordinator(
            self.case, self.request.user, data["coordinator"], data["reason"]
        )
        messages.success(self.request, _("The case has a new coordinator; its open steps follow."))


class GiveStepView(CaseActionView):
    """An open step the user holds, to a colleague coordinator's inbox."""

    form_class = GiveStepForm
    title = _("Give the step to a colleague")

    def get_form_kwargs(self):
        self.task = get_object_or_404(
            CaseTask.objects.select_related("process"),
            pk=self.kwargs["pk"],
            process__in=processes_of(self.case),
            status__in=[STATUS.ASSIGNED, STATUS.STARTED],
        )
        return {**super().get_form_kwargs(), "case": self.case, "task": self.task}

    def perform(self, form):
        steps.give(self.task, self.request.user, form.cleaned_data["colleague"])
        messages.success(self.request, _("The step is in your colleague's inbox."))


class ReopenCaseView(CaseActionView):
    form_class = ReopenForm
    title = _("Reopen the case")

    def perform(self, form):
        steps.reopen(self.case, self.request.user, form.cleaned_data["reason"])
        messages.success(self.request, _("The case is reopened and waits for assessment."))


class MeetingChangeView(CaseActionView):
    form_class = MeetingChangeForm
    title = _("Change the meeting's time or place")

    def get_form_kwargs(self):
        self.meeting = get_object_or_404(
            self.case.meetings, pk=self.kwargs["pk"], status=MeetingStatus.PLANNED
        )
        initial = {
            "starts_at": timezone.localtime(self.meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": self.meeting.place,
        }
        return {**super().get_form_kwargs(), "initial": initial}

    def perform(self, form):
        services.reschedule_meeting(self.case, self.request.user, self.meeting, **form.cleaned_data)
        messages.success(self.request, _("The meeting is changed; the invitees are told."))


class FurtherConsentView(KeepsSignedForm, WithTemplate, CaseActionView):
    """Register a further consent while the case already has consent (a renewal before or
    after expiry, or an agency that joins); before that, consent is the flow's own step."""

    form_class = FurtherConsentForm
    title = _("Register a further consent")
    template_kind = "consent"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        if self.case.status not in OPEN_AFTER_CONSENT:
            raise TransitionRefused(
                [_("Before the first consent, register it in the step “Obtain consent”.")]
            )
        consent = form.register(self.request.user)
        self.store_template("consent", consent.pk)
        messages.success(self.request, _("The consent is registered."))


class ChecklistView(WithTemplate, CaseActionView):
    """The coordinator's checklist (the municipality's template) ticked off for the case; each
    time is kept, so the case shows how the work went."""

    form_class = django_forms.Form
    title = _("Coordinator's checklist")
    template_kind = "checklist"
    returns_to = "sspf:case_history"

    def perform(self, form):
        if not self.template_section:
            raise TransitionRefused(
                [_("The municipality has no published checklist: the administrator publishes one.")]
            )
        self.store_template("checklist")
        messages.success(self.request, _("The checklist is saved."))


class WithdrawConsentView(CaseActionView):
    """Withdrawal takes effect at once: the agency loses access within this request."""

    form_class = WithdrawConsentForm
    title = _("Withdraw consent")

    def dispatch(self, request, *args, **kwargs):
        self.consent_pk = kwargs["pk"]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.consent = get_object_or_404(
            self.case.consents, pk=self.consent_pk, withdrawn_at__isnull=True
        )
        return {**super().get_form_kwargs(), "consent": self.consent}

    def perform(self, form):
        steps.withdraw_consent(
            self.case,
            self.request.user,
            self.consent,
            agency=form.cleaned_data["agency"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(self.request, _("The consent is withdrawn; access ended at once."))


class JournalNoteView(CaseActionView):
    form_class = JournalNoteForm
    title = _("Write a journal note")
    returns_to = "sspf:case_history"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        data = form.cleaned_data
        records.write_journal_note(
            self.case,
            self.request.user,
            data["text"],
            confidential_to_guardians=data["confidential_to_guardians"],
            corrects=data["corrects"],
        )
        messages.success(self.request, _("The note is signed and saved."))


class ConcernReportView(PerformOrExplain, generic.FormView):
    """Record that a report of concern was made. Open to the case's referrer even when no
    consent covers their agency: a report of concern never waits for consent. The page shows
    the case number only."""

    form_class = ConcernReportForm
    template_name = "casework/concern_report.html"

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = get_object_or_404(
            access.concern_report_cases_for(request.user), number=kwargs["number"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(number=self.case.number, **kwargs)

    def perform(self, form):
        records.record_concern_report(
            self.case,
            self.request.user,
            form.cleaned_data["made_on"],
            form.cleaned_data["to_whom"],
            agency=access.agency_of(self.request.user),
        )
        accesslog.record(
            self.request, [self.case], _("report of concern"), AccessAction.CHANGE, basis=True
        )
        messages.success(self.request, _("The report of concern is recorded."))

    def done(self):
        if access.can_view_case(self.request.user, self.case):
            return redirect("sspf:case_history", self.case.number)
        return redirect("sspf:my_referrals")


@login_required
def my_referrals(request):
    if not access.can_refer(request.user):
        raise PermissionDenied
    cases = access.referrals_of(request.user).only("number", "status", "referred_at")
    # a TemplateResponse, so that viewflow adds the app's menu context (the coordinator's links)
    return TemplateResponse(
        request, "casework/my_referrals.html", {"cases": cases, "programmes": Programme}
    )
