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
from sspf_flow.models import (
    ActionStatus,
    ActionUpdate,
    Agency,
    ClosureReason,
    FollowUpDecision,
    GoalAssessment,
    Guardian,
    NetworkPerson,
    Party,
    RiskLevel,
)

from ..perform import check
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


class AssessForm(ClosureFields):
    field_order = ["decision", "risk_level", "closure_reason", "closure_text"]
    ACCEPT, DECLINE = "accept", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("SSPF fits: accept and obtain consent")),
            (DECLINE, _("SSPF does not fit: close the referral")),
        ],
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), required=False, choices=[("", "---------"), *RiskLevel.choices]
    )
    layout = Layout(
        FieldSet(_("Decision"), "decision", "risk_level"),
        FieldSet(CLOSING, "closure_reason", "closure_text"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.DECLINE:
            self.require_closure_reason(cleaned)
        return cleaned


def agency_choices(municipality):
    return Agency.objects.filter(municipality=municipality).order_by("name")


class HoldMeetingForm(ClosureFields):
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
        label=_("Protocol (each party's picture, risk and protective factors, decisions)"),
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
        FieldSet(_("Next step"), "next_follow_up", "close_case", "closure_reason", "closure_text"),
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("close_case"):
            self.require_closure_reason(cleaned)
        else:
            check(self, plan_guards.next_step_booked(cleaned.get("next_follow_up"), closing=None))
        return cleaned


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(label=_("How it is measured"), required=False)
    target_date = forms.DateField(label=_("Target date"), required=False)


class ActionForm(forms.Form):
    text = forms.CharField(
        label=_("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    party = forms.ChoiceField(
        label=_("Responsible party"), required=False, choices=[("", "---------"), *Party.choices]
    )
    agency = forms.ModelChoiceField(
        label=_("Responsible agency"), required=False, queryset=Agency.objects.none()
    )
    guardian = forms.ModelChoiceField(
        label=_("Responsible guardian"), required=False, queryset=Guardian.objects.none()
    )
    other_name = forms.CharField(label=_("Responsible (other, by name)"), required=False)
    network_person = forms.ModelChoiceField(
        label=_("Responsible network person"), required=False, queryset=NetworkPerson.objects.none()
    )
    due_date = forms.DateField(label=_("Due date"), required=False)
    goal = forms.TypedChoiceField(
        label=_("Goal it serves (number)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # only agencies the consent covers may be named (plan_guards.plan_names_covered_agencies);
        # asked once for all the rows of the formset
        if not hasattr(case, "_covered_today"):
            case._covered_today = plan_guards.covered_agencies(case, timezone.localdate())
        covered = case._covered_today
        self.fields["agency"].queryset = agency_choices(case.municipality).filter(pk__in=covered)
        self.fields["guardian"].queryset = case.youth.guardians.all()
        self.fields["network_person"].queryset = case.network.covered_on(timezone.localdate())
        self.fields["goal"].choices = [("", "---------")] + [
            (i, str(i + 1)) for i in range(MAX_GOALS)
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip():
            return cleaned
        check(
            self,
            plan_guards.action_complete(
                cleaned.get("party"),
                plan_guards.responsible_named(cleaned),
                cleaned.get("due_date"),
            ),
        )
        return cleaned


MAX_GOALS = 10
GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=MAX_GOALS, validate_max=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=4, max_num=40, validate_max=True)


def plan_rows(goals, actions):
    """The goals and actions typed in, empty rows skipped, with each action's goal number
    turned into its place among the goals written. An action that names an empty goal row gets
    an error next to the field, and nothing is returned."""
    written = {}
    goal_rows = []
    for number, row in enumerate(goals.cleaned_data):
        if row.get("text", "").strip():
            written[number] = len(goal_rows)
            goal_rows.append(row)
    action_rows = []
    for form in actions.forms:
        row = form.cleaned_data
        if not row.get("text", "").strip():
            continue
        if row.get("goal") is not None:
            if row["goal"] not in written:
                form.add_error("goal", _("Goal %(number)s is empty.") % {"number": row["goal"] + 1})
                continue
            row = {**row, "goal": written[row["goal"]]}
        action_rows.append(row)
    if any(form.errors for form in actions.forms):
        return None
    return goal_rows, action_rows


class FollowUpForm(ClosureFields):
    CONTINUE, MEETING, CLOSE = FollowUpDecision.values
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    decision = forms.ChoiceField(
        label=_("Next step"), widget=forms.RadioSelect, choices=FollowUpDecision.choices
    )
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_follow_up"].initial = default_follow_up()
        self.actions = list(plan.actions.select_related("agency", "guardian")) if plan else []
        self.goals = list(plan.goals.all()) if plan else []
        latest = {}  # each action's latest word from its agency (records.update_action)
        for update in ActionUpdate.objects.filter(action__in=self.actions).order_by("-at", "-pk"):
            latest.setdefault(update.action_id, update)
        for action in self.actions:
            said = latest.get(action.pk)
            self.fields[f"action_{action.pk}_status"] = forms.ChoiceField(
                label=_("Status"),
                choices=ActionStatus.choices,
                initial=action.status,
                help_text=_("%(agency)s said on %(day)s: %(status)s.")
                % {
                    "agency": said.agency,
                    "day": timezone.localtime(said.at).strftime("%Y-%m-%d"),
                    "status": said.get_status_display(),
                }
                if said
                else "",
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
        next_step = ["decision", "next_follow_up", "closure_reason", "closure_text"]
        self.order_fields(actions + goals + ["notes", *next_step])
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
            FieldSet(_("Notes"), "notes"),
            FieldSet(_("Next step"), *next_step),
        )

    def clean(self):
        cleaned = super().clean()
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
