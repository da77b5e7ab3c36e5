"""Forms of the process steps. They check what a field alone can tell and call the named guards
(``sspf_flow.guards``) for the rules a user can break on the page, so a reason reads the same
whether the form or the service finds it; the services check every rule again, and the task
views show their refusals next to the fields."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout

from sspf_flow import guards, plan_guards
from sspf_flow.assessments import RBM
from sspf_flow.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Agency,
    ClosureReason,
    FollowUpDecision,
    GoalAssessment,
    NetworkPerson,
    SocialIntervention,
)

from ..perform import check
from .assessment_form import RBM_FIELDS, RBMFields
from .outcome_form import OUTCOME_FIELDS, OutcomeFields
from .people import Person, participants

# viewflow 2.4's open-source frontend has no component for CheckboxSelectMultiple (the field
# would not render at all); its multiple select works.
MULTIPLE = forms.SelectMultiple


def default_follow_up():
    return timezone.localdate() + timedelta(days=settings.DEFAULT_FOLLOW_UP_DAYS)


CLOSING = _("If the case is closed")


class FormPart(Layout):
    """Some of a form's fields in sections, rendered where the page places them: the page shows
    the form's errors once, at the top (``casework/_errors.html``), and has no hidden field."""

    def append_non_field_errors(self, form, root):
        pass

    def append_hidden_fields(self, form, root):
        pass


class ClosureFields(forms.Form):
    """Reason and comment, shown where a step can end the case."""

    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", "---------"), *ClosureReason.choices],
    )
    closure_text = forms.CharField(
        label=_("Closure comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def require_closure_reason(self, cleaned):
        check(
            self,
            guards.closure_reason_stated(
                cleaned.get("closure_reason", ""), cleaned.get("closure_text", "")
            ),
        )

    def closing(self):
        return self.cleaned_data["closure_reason"], self.cleaned_data.get("closure_text", "")


def social_intervention_field(**kwargs):
    """Whether a needs-assessed intervention from social services followed the referral."""
    return forms.ChoiceField(
        label=_("Needs-assessed intervention from social services"),
        required=False,
        choices=[("", _("Not yet known")), *SocialIntervention.choices],
        help_text=_(
            "Whether social services decided on a needs-assessed intervention (biståndsbedömd "
            "insats) after the referral; counted in the steering group's statistics."
        ),
        **kwargs,
    )


class InterventionAtClosure(forms.Form):
    """The needs-assessed intervention, asked wherever a case SSPF took on can be closed (the
    case page, a meeting's decision, a follow-up): the statistics want it known at closure.
    Not required; it starts from what the case says."""

    social_intervention = social_intervention_field()

    def start_intervention(self, case):
        if case is not None:
            self.fields["social_intervention"].initial = case.social_intervention

    def changed_intervention(self, case):
        """The answer, when it differs from what the case says (to record), else None."""
        value = self.cleaned_data.get("social_intervention", "")
        return None if value == case.social_intervention else value


def agency_choices(municipality):
    return Agency.objects.filter(municipality=municipality).order_by("name")


class HoldMeetingForm(OutcomeFields, InterventionAtClosure, ClosureFields):
    field_order = [
        "attended_agencies",
        "youth_attended",
        "guardians_attended",
        "attended_network",
        "chair",
        "minute_taker",
        "protocol",
        "next_follow_up",
        "close_case",
        "closure_reason",
        "closure_text",
        "social_intervention",
    ]
    attended_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies present"),
        queryset=Agency.objects.none(),
        required=False,
        widget=MULTIPLE,
    )
    youth_attended = forms.BooleanField(label=_("The young person took part"), required=False)
    guardians_attended = forms.BooleanField(label=_("Guardians took part"), required=False)
    attended_network = forms.ModelMultipleChoiceField(
        label=_("Network persons present"),
        queryset=NetworkPerson.objects.none(),
        required=False,
        widget=MULTIPLE,
    )
    # chosen among those who took part (the service checks it); left empty, the coordinator
    # chairs and the one who records the meeting took the minutes
    chair = Person(label=_("Chair"), queryset=get_user_model().objects.none(), required=False)
    minute_taker = Person(
        label=_("Minute-taker"), queryset=get_user_model().objects.none(), required=False
    )
    protocol = forms.CharField(
        label=_("Protocol: what was said and decided"),
        help_text=_("The agencies' pictures and the family's views have fields of their own."),
        widget=forms.Textarea,
    )
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False)
    close_case = forms.BooleanField(
        label=_("The meeting decided to close the case"), required=False
    )
    # the goals and actions of the plan come between the two parts (hold_meeting.html)
    before_the_plan = FormPart(
        FieldSet(
            _("Who took part"),
            "attended_agencies",
            "youth_attended",
            "guardians_attended",
            "attended_network",
            "chair",
            "minute_taker",
        ),
        FieldSet(_("Protocol"), "protocol"),
    )
    after_the_plan = FormPart(
        FieldSet(
            _("Next step"),
            "next_follow_up",
            "close_case",
            "closure_reason",
            "closure_text",
            "social_intervention",
        ),
        OutcomeFields.outcome_fieldset(_("If the case is closed: outcome indicators at closure")),
    )

    def __init__(self, *args, meeting, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        invited = meeting.invited_agencies if meeting else Agency.objects.none()
        self.fields["attended_agencies"].queryset = invited.order_by("name")
        self.fields["attended_network"].queryset = (
            meeting.invited_network.all() if meeting else NetworkPerson.objects.none()
        )
        people = participants(meeting).select_related("membership__agency")
        self.fields["chair"].queryset = self.fields["minute_taker"].queryset = people
        self.fields["chair"].initial = meeting.case.coordinator_id if meeting else None
        self.fields["minute_taker"].initial = user.pk if user else None
        self.fields["next_follow_up"].initial = default_follow_up()
        self.start_outcomes(meeting.case if meeting else None)
        self.start_intervention(meeting.case if meeting else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("close_case"):
            self.require_closure_reason(cleaned)
            self.outcomes_required()
        else:
            check(self, plan_guards.next_step_booked(cleaned.get("next_follow_up"), closing=None))
        return cleaned


def latest_updates(actions):
    """Each action's latest word from its agency (``records.update_action``), also one given
    before a meeting carried the action into this version: action key → ActionUpdate."""
    latest = {}
    lineage = Action.objects.lineage(actions)
    for update in ActionUpdate.objects.filter(action__in=lineage).order_by("-at", "-pk"):
        latest.setdefault(lineage[update.action_id], update)
    return latest


def word_of(update):
    return _("%(agency)s said on %(day)s: %(status)s.") % {
        "agency": update.agency,
        "day": timezone.localtime(update.at).strftime("%Y-%m-%d"),
        "status": update.get_status_display(),
    }


class FollowUpForm(RBMFields, OutcomeFields, InterventionAtClosure, ClosureFields):
    CONTINUE, MEETING, CLOSE = FollowUpDecision.values
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    decision = forms.ChoiceField(
        label=_("Next step"), widget=forms.RadioSelect, choices=FollowUpDecision.choices
    )
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False)

    def __init__(self, *args, plan, case=None, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_follow_up"].initial = default_follow_up()
        self.start_outcomes(case)
        self.start_intervention(case)
        self.previous = previous  # the latest assessment: shown, and the reassessment's start
        if previous is not None:
            self.prefill(RBM.of(previous))
        self.actions = list(plan.actions.select_related("agency", "guardian")) if plan else []
        self.goals = list(plan.goals.all()) if plan else []
        latest = latest_updates(self.actions)
        for action in self.actions:
            said = latest.get(action.pk)
            self.fields[f"action_{action.pk}_status"] = forms.ChoiceField(
                label=_("Status"),
                choices=ActionStatus.choices,
                initial=action.status,
                help_text=word_of(said) if said else "",
            )
            self.fields[f"action_{action.pk}_comment"] = forms.CharField(
                label=_("Done as planned? Worked as intended? Change needed?"),
                required=False,
                initial=said.comment if said else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=_("Goal: %(goal)s") % {"goal": goal.text},
                choices=GoalAssessment.choices,
                initial=goal.assessment,
            )
        actions = [name for name in self.fields if name.startswith("action_")]
        goals = [name for name in self.fields if name.startswith("goal_")]
        next_step = [
            "decision",
            "next_follow_up",
            "closure_reason",
            "closure_text",
            "social_intervention",
        ]
        self.order_fields(actions + goals + [*RBM_FIELDS, *OUTCOME_FIELDS, "notes", *next_step])
        self.layout = Layout(
            *[  # each action in full above its status and comment
                FieldSet(
                    _("Action: %(action)s – %(party)s, due %(due)s")
                    % {
                        "action": action.text,
                        "party": action.responsible,
                        "due": action.due_date.strftime("%Y-%m-%d"),
                    },
                    f"action_{action.pk}_status",
                    f"action_{action.pk}_comment",
                )
                for action in self.actions
            ],
            *([FieldSet(_("The goals"), *goals)] if goals else []),
            FieldSet(_("Risk, need and receptivity now"), *RBM_FIELDS),
            self.outcome_fieldset(_("Outcome indicators now")),
            FieldSet(_("Notes"), "notes"),
            FieldSet(_("Next step"), *next_step),
        )

    def clean(self):
        cleaned = super().clean()
        self.rbm_required()
        self.outcomes_required()
        decision = cleaned.get("decision")
        if decision == self.CLOSE:
            self.require_closure_reason(cleaned)
        elif decision:
            check(
                self,
                guards.follow_up_decision_complete(
                    decision, cleaned.get("next_follow_up"), closing=None
                ),
            )
        return cleaned

    def items(self):
        return [
            (
                a,
                self.cleaned_data[f"action_{a.pk}_status"],
                self.cleaned_data[f"action_{a.pk}_comment"],
            )
            for a in self.actions
        ]

    def goal_assessments(self):
        return {g: self.cleaned_data[f"goal_{g.pk}"] for g in self.goals}
