"""Our own pages inside the viewflow Site: case list, case page, closing and reopening, and the
referrer's list of what they referred."""

import mimetypes

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import ListModelView

from forms.render import render_html

from .. import access, accesslog, categories, records, services, steps
from ..filters import CaseFilter
from ..forms import signed_form_type
from ..models import (
    AccessAction,
    Case,
    ConcernCategory,
    InformationCategory,
    MeetingStatus,
    Programme,
    Status,
)
from ..models.case import OPEN_AFTER_CONSENT
from ..models.process import processes_of
from ..pageforms import (
    CloseCaseForm,
    ConcernReportForm,
    FurtherConsentForm,
    JournalNoteForm,
    MeetingChangeForm,
    ReopenForm,
    WithdrawConsentForm,
)
from .events import describe
from .pdf import pdf_response
from .refusals import PerformOrExplain
from .templateforms import WithTemplate, language


class CaseListView(ListModelView):
    model = Case
    title = _("Cases")
    columns = ("number", "youth_name", "status", "programme", "coordinator", "next_follow_up")
    object_link_columns = ("number",)
    filterset_class = CaseFilter
    ordering = "-referred_at"

    def has_view_permission(self, user, obj=None):
        return access.works_with_cases(user)

    @viewprop
    def queryset(self):
        return access.cases_visible_to(self.request.user).select_related("youth", "coordinator")

    def get_object_url(self, obj):
        return obj_url(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accesslog.record(self.request, context["object_list"], _("case list"))
        return context

    def coordinator(self, case):
        return case.coordinator.get_full_name() if case.coordinator else ""

    coordinator.short_description = _("Coordinator")

    def youth_name(self, case):
        return str(case.youth)

    youth_name.short_description = _("Young person")


def obj_url(case):
    return reverse("sspf:case_detail", args=[case.number])


@method_decorator(login_required, name="dispatch")
class CaseDetailView(generic.TemplateView):
    template_name = "sspf_flow/case_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        case = access.get_case_for(user, kwargs["number"])
        accesslog.record(self.request, [case], _("case page"))
        consents = list(case.consents.prefetch_related("scope__agency", "signers__guardian"))
        seen = access.categories_for(user, case)
        plan = (
            case.plans.order_by("-version")
            .prefetch_related("goals", "actions__agency", "actions__guardian")
            .first()
        )
        coordinator = access.can_coordinate(user, case)
        process = processes_of(case).order_by("-created").first()
        tasks = []
        if process is not None:
            tasks = list(process.task_set.filter(finished__isnull=True).select_related("owner"))
        waiting = [task.scheduled for task in tasks if task.flow_task_type == "TIMER"]
        tasks = [task for task in tasks if task.flow_task_type == "HUMAN"]
        events = case.events.select_related("actor", "agency")
        full_picture = categories.sees_everything(seen)
        return super().get_context_data(
            case=case,
            youth=case.youth,
            guardians=list(case.youth.guardians.all()),
            consents=consents,
            covered_now=covered_now(consents),
            meetings=case.meetings.prefetch_related("invited_agencies", "attended_agencies"),
            plan=plan,
            plan_actions=[
                action
                for action in (plan.actions.all() if plan else [])
                if categories.action_category(action) in seen
                or action.agency_id == getattr(access.agency_of(user), "pk", None)
            ],
            concerns=[
                ConcernCategory(code).label
                for code in case.concerns
                if code in ConcernCategory.values and categories.concern_category(code) in seen
            ],
            full_picture=full_picture,
            submissions=submissions_of(case, printable=coordinator) if full_picture else [],
            sees_social_services=InformationCategory.SOCIAL_SERVICES in seen,
            follow_ups=case.follow_ups.select_related("created_by"),
            concern_reports=case.concern_reports.select_related("agency"),
            journal=(
                case.journal.select_related("author", "author_agency", "corrects")
                if coordinator
                else []
            ),
            history=[(event, describe(event)) for event in events],
            open_tasks=[
                (
                    task,
                    task.flow_task.reverse("index", args=[task.process_id, task.pk]),
                    task.flow_task.can_execute(user, task) or task.flow_task.can_assign(user, task),
                )
                for task in tasks
            ],
            follow_up_opens=waiting[0] if waiting else None,
            may_coordinate=coordinator,
            may_close=coordinator and case.is_open,
            may_add_consent=case.status in OPEN_AFTER_CONSENT,
            may_reopen=coordinator and not case.is_open,
            steps=step_list(case),
            **kwargs,
        )


def submissions_of(case, printable=False):
    """The case's filled-in form templates, newest first, each as made (forms.render); with a
    link to print each for the coordinator."""
    submissions = case.form_submissions.select_related("version__template", "author")
    return [
        render_html(
            submission,
            language(),
            pdf_url=reverse("sspf:submission_pdf", args=[case.number, submission.pk])
            if printable
            else None,
        )
        for submission in submissions.order_by("-created_at", "-pk")
    ]


@login_required
def submission_pdf(request, number, pk):
    """A filled-in form as PDF, to print and sign (the coordinator's; it is in the access log)."""

    from forms.render import render_pdf

    case = access.get_case_to_coordinate(request.user, number)
    submission = get_object_or_404(case.form_submissions.select_related("version__template"), pk=pk)
    version = submission.version
    return pdf_response(
        request,
        lambda: render_pdf(
            version.template.name,
            version.fields,
            submission.answers,
            subtitle=f"{case.number} · {submission.created_at:%Y-%m-%d}",
            footer=case.number,
        ),
        f"{case.number}-{version.template.kind}-{pk}.pdf",
        lambda: accesslog.record(request, [case], _("filled-in form (PDF)"), AccessAction.DOWNLOAD),
    )


def covered_now(consents):
    """Which agencies a consent covers today, and until when (the latest end date)."""
    today = timezone.localdate()
    until = {}
    for consent in consents:
        consent.active = (
            not consent.withdrawn_at and consent.valid_from <= today <= consent.valid_to
        )
        if consent.active:
            for item in consent.scope.all():
                if not item.withdrawn_at:
                    until[item.agency] = max(until.get(item.agency, today), consent.valid_to)
    return sorted(until.items(), key=lambda pair: pair[0].name)


def step_list(case):
    """The main steps and where the case stands, for the progress bar on the case page."""
    order = [
        Status.REFERRED,
        Status.AWAITING_CONSENT,
        Status.CONSENTED,
        Status.MEETING_PLANNED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    ]
    current = order.index(case.status)
    return [
        (Status(status).label, index < current, index == current)
        for index, status in enumerate(order)
    ]


class CaseActionView(PerformOrExplain, generic.FormView):
    """A coordinator's action on the case page, outside the flow's current task."""

    template_name = "sspf_flow/case_action.html"
    title = ""

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_to_coordinate(request.user, kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title)
        return super().get_context_data(case=self.case, title=self.title, **kwargs)

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE)
        return redirect(obj_url(self.case))


class CloseCaseView(CaseActionView):
    form_class = CloseCaseForm
    title = _("Close the case")

    def perform(self, form):
        steps.close(self.case, self.request.user, *form.closing())
        messages.success(self.request, _("The case is closed."))


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


class FurtherConsentView(WithTemplate, CaseActionView):
    """Register a further consent while the case already has consent (a renewal before or
    after expiry, or an agency that joins); before that, consent is the flow's own step."""

    form_class = FurtherConsentForm
    title = _("Register a further consent")
    template_kind = "consent"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        if self.case.status not in OPEN_AFTER_CONSENT:
            raise services.TransitionRefused(
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

    def perform(self, form):
        if not self.template_section:
            raise services.TransitionRefused(
                [_("The municipality has no published checklist: the administrator publishes one.")]
            )
        self.store_template("checklist")
        messages.success(self.request, _("The checklist is saved."))


@login_required
def information_pdf(request, number):
    """ "How a meeting works", the municipality's information to the young person and the
    guardians, printed to hand over (it names no one)."""

    from forms.models import FormVersion
    from forms.render import render_pdf

    case = access.get_case_to_coordinate(request.user, number)
    version = FormVersion.objects.published_for(case.municipality, "information")
    if version is None:
        raise Http404
    return pdf_response(
        request,
        lambda: render_pdf(version.template.name, version.fields, footer=case.number),
        f"{case.number}-information.pdf",
        lambda: accesslog.record(
            request, [case], _("information to the family (PDF)"), AccessAction.DOWNLOAD
        ),
    )


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
    template_name = "sspf_flow/concern_report.html"

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
            return redirect(obj_url(self.case))
        return redirect("sspf:my_referrals")


@login_required
def signed_consent_form(request, number, pk):
    """The signed consent form, for the case's coordinator; every download is logged."""
    case = access.get_case_to_coordinate(request.user, number)
    consent = get_object_or_404(case.consents.exclude(signed_form=""), pk=pk)
    kind = signed_form_type(consent.signed_form.open("rb"))
    accesslog.record(request, [case], _("signed consent form"), AccessAction.DOWNLOAD)
    return FileResponse(
        consent.signed_form.open("rb"),
        as_attachment=True,
        content_type=kind,
        filename=f"{case.number}-samtycke-{consent.pk}{mimetypes.guess_extension(kind) or ''}",
    )


@login_required
def my_referrals(request):
    if not access.can_refer(request.user):
        raise PermissionDenied
    cases = access.referrals_of(request.user).only("number", "status", "referred_at")
    # a TemplateResponse, so that viewflow adds the app's menu context (the coordinator's links)
    return TemplateResponse(
        request, "sspf_flow/my_referrals.html", {"cases": cases, "programmes": Programme}
    )
