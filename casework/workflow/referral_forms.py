"""The referral's forms: the young person, the guardians, the concern, and whether a report of
concern has been made. Like the step forms (``step_forms``), they call the named guards for the
rules a user can break on the page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow import record_guards
from sspf_flow.models import ConcernCategory, Guardian, Programme, ReferralSource, Youth
from sspf_flow.models.case import ProtectiveFactor

from ..perform import check
from .step_forms import MULTIPLE


class YouthForm(forms.ModelForm):
    class Meta:
        model = Youth
        fields = [
            "first_name",
            "last_name",
            "personal_number",
            "birth_date",
            "gender",
            "school",
            "grade",
            "language",
            "needs_interpreter",
            "accessibility_needs",
        ]
        widgets = {"accessibility_needs": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        number, born = cleaned.get("personal_number"), cleaned.get("birth_date")
        check(self, record_guards.birth_date_fits(number, born, timezone.localdate()))
        return cleaned


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["name", "phone", "email", "has_custody"]


GuardianFormSet = forms.modelformset_factory(
    Guardian, form=GuardianForm, extra=2, max_num=4, can_delete=False
)


class ReferralForm(forms.Form):
    programme = forms.ChoiceField(
        label=_("Programme"), choices=Programme.choices, initial=Programme.INDIVIDUAL
    )
    referral_source = forms.ChoiceField(label=_("Referred by"), choices=ReferralSource.choices)
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"),
        choices=ConcernCategory.choices,
        widget=MULTIPLE,
    )
    concern_text = forms.CharField(label=_("Describe the concern"), widget=forms.Textarea)
    protective_factors = forms.MultipleChoiceField(
        label=_("Protective factors"),
        choices=ProtectiveFactor.choices,
        required=False,
        widget=MULTIPLE,
    )
    protective_text = forms.CharField(
        label=_("Describe protective factors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralConcernReportForm(forms.Form):
    made = forms.BooleanField(label=_("A report of concern has been made"), required=False)
    made_on = forms.DateField(label=_("The report of concern was made on"), required=False)
    to_whom = forms.CharField(
        label=_("Made to"), max_length=150, required=False, initial=_("Social services")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("made"):
            check(
                self,
                record_guards.concern_report_complete(
                    cleaned.get("made_on"), cleaned.get("to_whom", ""), timezone.localdate()
                ),
            )
        return cleaned
