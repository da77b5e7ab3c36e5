"""The assess step's form: accept with an assessment of risk, need and receptivity (and, outside
the municipality's target group, the reason SSPF fits all the same) and the outcome indicators
at the start, or decline with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout

from sspf_flow import guards
from sspf_flow.models import RiskLevel

from ..perform import check
from .assessment_form import RBM_FIELDS, RBMFields
from .outcome_form import OutcomeFields
from .step_forms import CLOSING, ClosureFields


class AssessForm(RBMFields, OutcomeFields, ClosureFields):
    field_order = ["decision", *RBM_FIELDS, "outside_target_group"]
    ACCEPT, DECLINE = "accept", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("SSPF fits: accept and obtain consent")),
            (DECLINE, _("SSPF does not fit: close the referral")),
        ],
    )
    outside_target_group = forms.CharField(
        label=_("Outside the target group: why SSPF still fits"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the age or the risk level is outside the target group."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.start_outcomes(case)
        # what is outside already (the age); the reason is asked only where it may be needed
        self.outside = guards.outside_target_group(case)
        narrowed = set(case.municipality.target_risk_levels or RiskLevel.values) != set(
            RiskLevel.values
        )
        target_group = [FieldSet(_("Target group"), "outside_target_group")]
        if not (self.outside or narrowed):
            del self.fields["outside_target_group"]
            target_group = []
        self.layout = Layout(
            FieldSet(_("Decision"), "decision"),
            FieldSet(_("Risk, need and receptivity (when accepting)"), *RBM_FIELDS),
            *target_group,
            self.outcome_fieldset(_("Outcome indicators at the start (when accepting)")),
            FieldSet(CLOSING, "closure_reason", "closure_text"),
        )

    def why_outside(self):
        return self.cleaned_data.get("outside_target_group", "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.DECLINE:
            self.require_closure_reason(cleaned)
        elif cleaned.get("decision") == self.ACCEPT:
            self.rbm_required()
            self.outcomes_required()
            check(
                self,
                guards.target_group_explained(
                    self.case,
                    cleaned.get("risk_level", ""),
                    cleaned.get("outside_target_group", ""),
                ),
            )
        return cleaned
