"""The action plan's rows on the hold-meeting step: the open goals and actions of the plan in
force come first, to keep, change or end (issue 12: each meeting continues the plan instead of
starting it blank), then empty rows for new ones; an action names the goal it serves by the
goal's own words."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import plan_guards
from sspf_flow.models import ActionPlan, Agency, Guardian, Intervention, NetworkPerson, Party

from ..perform import check
from .step_forms import agency_choices, latest_updates, word_of


class CarriedRow(forms.Form):
    """A row of the plan; filled in from the plan in force when it carries a goal or action
    over (``carried``: its key there), which the meeting keeps, changes or ends."""

    carried = forms.IntegerField(label=_("carried over"), required=False, widget=forms.HiddenInput)
    end = forms.BooleanField(
        label=_("Ended at this meeting: not carried into the new plan"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("carried"):
            del self.fields["end"]  # a new row is ended by leaving it empty

    def ended(self):
        return bool(self.cleaned_data.get("end"))


class GoalForm(CarriedRow):
    field_order = ["carried", "text", "measure", "target_date", "end"]
    text = forms.CharField(
        label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(label=_("How it is measured"), required=False)
    target_date = forms.DateField(label=_("Target date"), required=False)


class ActionForm(CarriedRow):
    field_order = [
        "carried",
        "text",
        "intervention",
        "party",
        "agency",
        "guardian",
        "other_name",
        "due_date",
        "goal",
        "end",
    ]
    text = forms.CharField(
        label=_("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intervention = forms.ModelChoiceField(
        label=_("Intervention"),
        required=False,
        queryset=Intervention.objects.none(),
        empty_label=_("Other (describe in the text)"),
        help_text=_(
            "From the municipality's catalogue, so that the interventions can be counted; "
            "“Other” when none fits."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose an intervention from the municipality's catalogue, or “Other”."
            )
        },
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
        label=_("Goal it serves"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, case, goal_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        # the catalogue's entries in use, and the one a carried-over action keeps
        self.fields["intervention"].queryset = Intervention.objects.filter(
            Q(active=True) | Q(pk=self.initial.get("intervention")),
            municipality=case.municipality_id,
        )
        # only agencies the consent covers may be named (plan_guards.plan_names_covered_agencies);
        # asked once for all the rows of the formset
        if not hasattr(case, "_covered_today"):
            case._covered_today = plan_guards.covered_agencies(case, timezone.localdate())
        covered = case._covered_today
        self.fields["agency"].queryset = agency_choices(case.municipality).filter(pk__in=covered)
        self.fields["guardian"].queryset = case.youth.guardians.all()
        self.fields["network_person"].queryset = case.network.covered_on(timezone.localdate())
        # the goals by their own words, numbered from 1 as on the page
        self.fields["goal"].choices = [("", "---------"), *goal_labels]
        self.case = case

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() or cleaned.get("end"):
            return cleaned
        check(
            self,
            plan_guards.action_complete(
                cleaned.get("party"),
                plan_guards.responsible_named(cleaned),
                cleaned.get("due_date"),
            ),
        )
        intervention = cleaned.get("intervention")
        if intervention is not None and intervention.pk != self.initial.get("intervention"):
            # an entry no longer in use stays only on the action that had it
            check(self, plan_guards.interventions_offered(self.case, [cleaned]))
        return cleaned


MAX_GOALS = 10
GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=MAX_GOALS, validate_max=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=4, max_num=40, validate_max=True)


def carried_goal(goal):
    return {
        "carried": goal.pk,
        "text": goal.text,
        "measure": goal.measure,
        "target_date": goal.target_date,
    }


def carried_action(action, goal_numbers):
    return {
        "carried": action.pk,
        "text": action.text,
        "intervention": action.intervention_id,
        "party": action.party,
        "agency": action.agency_id,
        "guardian": action.guardian_id,
        "other_name": action.other_name,
        "network_person": action.network_person_id,
        "due_date": action.due_date,
        "goal": goal_numbers.get(action.goal_id),
    }


def goal_labels(goal_rows):
    """The goal picker's choices: each goal row by its text (typed or carried over), numbered
    as on the page; a row still empty is offered as "Goal N (the empty row N above)"."""
    labels = []
    for number, text in enumerate(goal_rows, start=1):
        text = " ".join((text or "").split())
        if text:
            short = text if len(text) <= 70 else text[:69] + "…"
            labels.append((number, f"{number}. {short}"))
        else:
            labels.append(
                (
                    number,
                    _("%(number)s. (goal row %(number)s, not filled in yet)") % {"number": number},
                )
            )
    return labels


def plan_formsets(case, data=None):
    """The hold-meeting step's goal and action rows: the open goals and actions of the plan in
    force first (to keep, change or end), then empty rows for new ones."""
    goals, actions = ActionPlan.objects.open_rows(case.current_plan())
    numbers = {goal.pk: n for n, goal in enumerate(goals, start=1)}
    initial_goals = [carried_goal(g) for g in goals]
    goal_set = GoalFormSet(data, prefix="goal", initial=initial_goals)
    if data is not None:
        texts = [data.get(f"goal-{n}-text", "") for n in range(goal_set.total_form_count())]
    else:
        texts = [g["text"] for g in initial_goals] + [""] * (
            goal_set.total_form_count() - len(goals)
        )
    action_set = ActionFormSet(
        data,
        prefix="action",
        initial=[carried_action(a, numbers) for a in actions],
        form_kwargs={"case": case, "goal_labels": goal_labels(texts)},
    )
    action_set.carried = {a.pk: a for a in actions}
    said = latest_updates(actions)
    for form, action in zip(action_set.forms, actions, strict=False):
        if action.pk in said:  # the agency's latest word on it, to weigh at the meeting
            update = said[action.pk]
            form.fields["text"].help_text = " ".join(
                filter(None, [word_of(update), update.comment])
            )
    goal_set.carried = {g.pk: g for g in goals}
    return goal_set, action_set


def _carried(formset, form):
    pk = form.cleaned_data.get("carried")
    if pk is None:
        return None
    return formset.carried.get(pk, False)


def plan_rows(goals, actions):
    """The goals and actions of the new version, empty and ended rows left out, each carried
    row with the goal or action it continues, and each action's goal number turned into its
    place among the goals written. An action that names an empty or ended goal gets an error
    next to the field, and nothing is returned."""
    written = {}
    goal_rows = []
    for number, form in enumerate(goals.forms, start=1):
        row = form.cleaned_data
        if row.get("text", "").strip() and not form.ended():
            carried = _carried(goals, form)
            if carried is False:
                form.add_error(
                    None, _("This goal is not in the plan in force: open the step again.")
                )
                continue
            written[number] = len(goal_rows)
            goal_rows.append({**row, "carried_from": carried})
    action_rows = []
    for form in actions.forms:
        row = form.cleaned_data
        if not row.get("text", "").strip() or form.ended():
            continue
        carried = _carried(actions, form)
        if carried is False:
            form.add_error(None, _("This action is not in the plan in force: open the step again."))
            continue
        row = {**row, "carried_from": carried}
        if row.get("goal") is not None:
            if row["goal"] not in written:
                form.add_error(
                    "goal",
                    _("Goal %(number)s is empty or ended at this meeting.")
                    % {"number": row["goal"]},
                )
                continue
            row["goal"] = written[row["goal"]]
        action_rows.append(row)
    if any(form.errors for form in (*goals.forms, *actions.forms)):
        return None
    return goal_rows, action_rows
