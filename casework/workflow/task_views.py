"""Views of the process steps. Each validates its form, calls one service, and only then lets
viewflow complete the task. A refusal from the service is shown on the form; nothing is lost."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from sspf_flow import (
    access,
    accesslog,
    assessments,
    counting,
    guards,
    outcomes,
    records,
    services,
)
from sspf_flow.models import AccessAction, Guardian, Meeting, MeetingStatus, ReferralSource
from sspf_flow.models.outcome import OutcomePoint
from sspf_flow.refusals import TransitionRefused

from ..perform import PerformOrExplain, explain
from ..templateforms import TemplateSection, WithTemplate
from . import summary
from .assess_form import AssessForm
from .consent_form import ConsentForm, ConsentStepForm, KeepsSignedForm
from .meeting_forms import PlanMeetingForm
from .plan_forms import plan_formsets, plan_rows
from .referral_forms import GuardianFormSet, ReferralConcernReportForm, ReferralForm, YouthForm
from .step_forms import FollowUpForm, HoldMeetingForm


class CaseTaskView(PerformOrExplain, generic.FormView):
    """A step of an existing case: the case is the process's artifact."""

    template_name = "casework/task.html"
    done_message = _("The step is done.")

    def dispatch(self, request, *args, **kwargs):
        self.activation = request.activation
        self.case = self.activation.process.artifact
        if not access.can_coordinate(request.user, self.case):
            raise PermissionDenied
        if getattr(request, "step_ended", False):
            return self.changed_meanwhile()
        return super().dispatch(request, *args, **kwargs)

    def changed_meanwhile(self):
        """The step ended while this form was being sent (``nodes.step_view``): the form again,
        as typed, saying how the case changed; nothing is written."""
        form = self.get_form()
        form.is_valid()
        explain(form, services.changed_meanwhile(self.case))
        return self.form_invalid(form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.activation.task.title)
        return super().get_context_data(
            case=self.case,
            concerns=summary.concerns_seen(self.request.user, self.case),
            outside_target_group=guards.outside_target_group(self.case, self.case.risk_level),
            **kwargs,
        )

    def done(self):
        accesslog.record(self.request, [self.case], self.activation.task.title, AccessAction.CHANGE)
        self.activation.execute()
        messages.success(self.request, self.done_message)
        return redirect(self.case)


class ReferralView(generic.TemplateView):
    """Start: register a referral (aktualisering)."""

    template_name = "casework/referral.html"

    def dispatch(self, request, *args, **kwargs):
        if not access.can_refer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        agency = access.agency_of(self.request.user)
        source = (
            agency.kind if agency.kind in ReferralSource.values else ReferralSource.OTHER_AGENCY
        )
        return (
            YouthForm(data, prefix="youth"),
            GuardianFormSet(data, prefix="guardian", queryset=Guardian.objects.none()),
            ReferralForm(
                data,
                prefix="referral",
                initial={
                    "referral_source": source,
                    "concerns": self.consultation.concerns if self.consultation else [],
                },
            ),
            ReferralConcernReportForm(data, prefix="report"),
        )

    @cached_property
    def template_section(self):
        """The municipality's referral template: extra questions under the core fields."""
        data = self.request.POST if self.request.method == "POST" else None
        municipality = access.agency_of(self.request.user).municipality
        return TemplateSection(municipality, "referral", data)

    @cached_property
    def consultation(self):
        """The anonymous consultation this referral comes from, if the coordinator made it
        from the consultation list."""
        pk = self.request.POST.get("consultation") or self.request.GET.get("consultation")
        if not pk or not str(pk).isdigit():
            return None
        return (
            access.consultations_visible_to(self.request.user)
            .filter(pk=pk, became_case__isnull=True)
            .first()
        )

    def get(self, request, *args, **kwargs):
        return self.render(*self.forms())

    def post(self, request, *args, **kwargs):
        forms = self.forms()
        youth_form, guardians, referral, report = forms
        template_valid = self.template_section.is_valid()
        if not (all(form.is_valid() for form in forms) and template_valid):
            return self.render(*forms)
        try:
            with transaction.atomic():
                case = services.refer_case(
                    request.user,
                    youth_form.save(commit=False),
                    [g for g in guardians.save(commit=False) if g.name],
                    **referral.cleaned_data,
                )
                if self.consultation:
                    records.link_consultation(self.consultation, case, request.user)
                if report.cleaned_data["made"]:
                    records.record_concern_report(
                        case,
                        request.user,
                        report.cleaned_data["made_on"],
                        report.cleaned_data["to_whom"],
                        agency=access.agency_of(request.user),
                    )
                self.template_section.store(request.user, case, about="referral")
        except TransitionRefused as refused:
            explain(referral, refused)
            return self.render(*forms)
        activation = request.activation
        activation.process.artifact = case
        activation.execute()
        accesslog.record(request, [case], _("referral"), AccessAction.CHANGE, basis=True)
        messages.success(
            request,
            _("Referral %(number)s is registered. The coordinator has been told.")
            % {"number": case.number},
        )
        if access.can_view_case(request.user, case):
            return redirect(case)
        return redirect("sspf:my_referrals")

    def render(self, youth_form, guardians, referral, report):
        return self.render_to_response(
            self.get_context_data(
                youth_form=youth_form,
                guardian_formset=guardians,
                form=referral,
                report_form=report,
                consultation=self.consultation,
                template_section=self.template_section,
            )
        )


class AssessView(CaseTaskView):
    form_class = AssessForm
    template_name = "casework/assess.html"

    def perform(self, form):
        data = form.cleaned_data
        if data["decision"] == AssessForm.ACCEPT:
            services.accept_referral(
                self.case, self.request.user, rbm=form.rbm(), why_outside=form.why_outside()
            )
            outcomes.record_reading(
                self.case, self.request.user, OutcomePoint.START, form.indicators()
            )
        else:
            services.decline_referral(self.case, self.request.user, *form.closing())


class ConsentView(KeepsSignedForm, WithTemplate, CaseTaskView):
    form_class = ConsentStepForm
    template_kind = "consent"

    def template_needed(self, form):
        """The consent template's answers are about a consent given; not when closing."""
        return form.cleaned_data.get("decision") != ConsentForm.CLOSE

    def perform(self, form):
        data = form.cleaned_data
        if data["decision"] == ConsentForm.CLOSE:
            services.close_case(self.case, self.request.user, *form.closing())
            outcomes.record_reading(
                self.case, self.request.user, OutcomePoint.CLOSURE, form.indicators()
            )
            return
        consent = form.register(self.request.user)
        self.store_template("consent", consent.pk)


class PlanMeetingView(CaseTaskView):
    form_class = PlanMeetingForm
    done_message = _("The meeting is planned.")

    def perform(self, form):
        data = form.cleaned_data
        services.plan_meeting(
            self.case,
            self.request.user,
            kind=data["kind"],
            starts_at=data["starts_at"],
            place=data["place"],
            agencies=list(data["agencies"]),
            invite_youth=data["invite_youth"],
            invite_guardians=data["invite_guardians"],
            network=list(data["network"]),
        )


class HoldMeetingView(WithTemplate, CaseTaskView):
    form_class = HoldMeetingForm
    template_kind = "protocol"
    template_name = "casework/hold_meeting.html"
    done_message = _("The meeting and the action plan are recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.meeting = None
        return super().dispatch(request, *args, **kwargs)

    def get_meeting(self):
        """The planned meeting; when someone else held or cancelled it meanwhile (the step
        ended), the case's latest meeting, so that the form can be shown again as typed."""
        if self.meeting is None:
            meetings = Meeting.objects.filter(case=self.case).order_by("-starts_at")
            self.meeting = meetings.filter(status=MeetingStatus.PLANNED).first() or meetings.first()
        return self.meeting

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("case")
        return {**kwargs, "meeting": self.get_meeting(), "user": self.request.user}

    def formsets(self):
        if not hasattr(self, "_formsets"):
            data = self.request.POST if self.request.method == "POST" else None
            self._formsets = plan_formsets(self.case, data)
        return self._formsets

    def get_context_data(self, **kwargs):
        goals, actions = self.formsets()
        return super().get_context_data(
            meeting=self.get_meeting(),
            goal_formset=goals,
            action_formset=actions,
            plan_in_force=self.case.current_plan(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        goals, actions = self.formsets()
        if not (form.is_valid() and goals.is_valid() and actions.is_valid()):
            return self.form_invalid(form)
        rows = plan_rows(goals, actions)
        if rows is None:
            return self.form_invalid(form)
        self.goal_rows, self.action_rows = rows
        return self.form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        if data["close_case"]:
            record_intervention(self.case, self.request.user, form)
        services.hold_meeting(
            self.case,
            self.request.user,
            self.get_meeting(),
            attended_agencies=list(data["attended_agencies"]),
            youth_attended=data["youth_attended"],
            guardians_attended=data["guardians_attended"],
            attended_network=list(data["attended_network"]),
            protocol=data["protocol"],
            goals=self.goal_rows,
            actions=self.action_rows,
            next_follow_up=data["next_follow_up"],
            minute_taker=data["minute_taker"],
            chair=data["chair"],
            closing=form.closing() if data["close_case"] else None,
        )
        if data["close_case"]:
            outcomes.record_reading(
                self.case, self.request.user, OutcomePoint.CLOSURE, form.indicators()
            )
        self.store_template("meeting", self.get_meeting().pk)


class FollowUpView(WithTemplate, CaseTaskView):
    form_class = FollowUpForm
    template_kind = "follow_up"
    template_name = "casework/follow_up.html"
    done_message = _("The follow-up is recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        previous = assessments.latest(self.case)
        return {**kwargs, "plan": self.case.current_plan(), "previous": previous}

    def get_context_data(self, **kwargs):
        # the agencies' pictures the last meeting kept, beside their actions' latest words
        held = self.case.meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at")
        return super().get_context_data(
            previous=assessments.latest(self.case), last_meeting=held.first(), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        decision = data["decision"]
        if decision == form.CLOSE:
            record_intervention(self.case, self.request.user, form)
        follow_up = services.record_follow_up(
            self.case,
            self.request.user,
            day=timezone.localdate(),
            notes=data["notes"],
            items=form.items(),
            goal_assessments=form.goal_assessments(),
            decision=decision,
            next_follow_up=data["next_follow_up"] if decision == form.CONTINUE else None,
            closing=form.closing() if decision == form.CLOSE else None,
            rbm=form.rbm(),
        )
        point = OutcomePoint.CLOSURE if decision == form.CLOSE else OutcomePoint.FOLLOW_UP
        outcomes.record_reading(self.case, self.request.user, point, form.indicators())
        self.store_template("follow_up", follow_up.pk)


def record_intervention(case, user, form):
    """A needs-assessed intervention answered at a step that closes the case, recorded first,
    while the case is open (``InterventionAtClosure``)."""
    value = form.changed_intervention(case)
    if value is not None:
        counting.record_social_intervention(case, user, value)
