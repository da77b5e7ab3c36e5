"""Forms of the case page's own actions (outside the process steps): closing, reopening,
withdrawing consent, journal notes, reports of concern, anonymous consultations, and an
agency's update of its own action, an incident report, an agency's picture before a meeting."""

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout

from sspf_flow import access, record_guards
from sspf_flow.models import (
    ActionStatus,
    Agency,
    ConcernCategory,
    Consultation,
    ConsultationOutcome,
    IncidentKind,
    Status,
)

from ..perform import check
from ..workflow.consent_form import ConsentForm
from ..workflow.meeting_forms import MeetingTime
from ..workflow.outcome_form import OUTCOME_FIELDS, OutcomeFields
from ..workflow.step_forms import (
    MULTIPLE,
    ClosureFields,
    InterventionAtClosure,
    agency_choices,
    social_intervention_field,
)


class SocialInterventionForm(forms.Form):
    social_intervention = social_intervention_field()

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_intervention"].initial = case.social_intervention


class CloseCaseForm(OutcomeFields, InterventionAtClosure, ClosureFields):
    """A reason, and for a case SSPF took on the outcome indicators at closure; a referral not
    yet accepted is declined and has none. The needs-assessed intervention is asked too
    (``InterventionAtClosure``)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_intervention(case)
        self.takes_reading = case.status != Status.REFERRED
        if self.takes_reading:
            self.start_outcomes(case)
            self.page_layout = Layout(
                FieldSet(_("Closure"), "closure_reason", "closure_text", "social_intervention"),
                self.outcome_fieldset(_("Outcome indicators at closure")),
            )
        else:
            for name in OUTCOME_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        self.require_closure_reason(cleaned)
        if self.takes_reading:
            self.outcomes_required()
        return cleaned


class WithdrawConsentForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Withdrawn for"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("every agency (the whole consent)"),
    )
    reason = forms.CharField(
        label=_("Who withdrew it, how and why"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            consent_scopes__consent=consent, consent_scopes__withdrawn_at__isnull=True
        ).order_by("name")


class JournalNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea)
    confidential_to_guardians = forms.BooleanField(
        label=_("Confidential toward the guardians (OSL 12:3)"), required=False
    )
    corrects = forms.ModelChoiceField(
        label=_("Corrects an earlier note"),
        required=False,
        queryset=None,
        empty_label=_("no, a new note"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = case.journal.select_related("author")
        self.fields["corrects"].label_from_instance = lambda note: (
            f"{timezone.localtime(note.written_at):%Y-%m-%d %H:%M} "
            f"{note.author.get_full_name() or note.author.username}: {note.text[:60]}"
        )


class ConcernReportForm(forms.Form):
    made_on = forms.DateField(label=_("The report of concern was made on"))
    to_whom = forms.CharField(label=_("Made to"), max_length=150, initial=_("Social services"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["made_on"].initial = timezone.localdate()


class ConsultationForm(forms.ModelForm):
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"), choices=ConcernCategory.choices, widget=MULTIPLE
    )

    class Meta:
        model = Consultation
        fields = [
            "asked_on",
            "asking_agency",
            "age_band",
            "gender",
            "concerns",
            "outcome",
            "not_sspf_reason",
        ]
        labels = {"not_sspf_reason": _("Why it did not lead to SSPF")}
        help_texts = {
            "not_sspf_reason": _(
                "Counted in the steering group's report. Left empty when the consultation "
                "became a referral."
            )
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asking_agency"].queryset = agency_choices(municipality)
        # "Became a referral" is set by making the referral from the consultation list.
        self.fields["outcome"].choices = [
            choice
            for choice in ConsultationOutcome.choices
            if choice[0] != ConsultationOutcome.REFERRAL
        ]
        self.fields["asked_on"].initial = timezone.localdate()

    def clean_asked_on(self):
        day = self.cleaned_data["asked_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == ConsultationOutcome.REFERRAL:
            cleaned["not_sspf_reason"] = ""
        elif outcome and not cleaned.get("not_sspf_reason"):
            self.add_error(
                "not_sspf_reason",
                _("Say why the consultation did not lead to SSPF."),
            )
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea)


class FurtherConsentForm(ConsentForm):
    """A further consent on a case that already has had one: renewed after expiry, or for an
    agency that joins. Always a registration; closing happens elsewhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("decision", "closure_reason", "closure_text"):
            del self.fields[name]

    def clean(self):
        self.cleaned_data["decision"] = self.REGISTER
        return super().clean()


class MeetingChangeForm(MeetingTime, forms.Form):
    """A new time or place for a planned meeting; the invitees get an updated invitation."""

    starts_at = forms.DateTimeField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200)


class ActionUpdateForm(forms.Form):
    """The responsible agency's word on its action (``records.update_action``)."""

    status = forms.ChoiceField(
        label=_("How is the action going?"),
        widget=forms.RadioSelect,
        choices=[(status, ActionStatus(status).label) for status in record_guards.AGENCY_SETS],
    )
    comment = forms.CharField(
        label=_("Comment (why, when it was not done)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        if action.status in record_guards.AGENCY_SETS:
            self.fields["status"].initial = action.status

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status"):
            check(self, record_guards.action_update_complete(cleaned["status"], cleaned["comment"]))
        return cleaned


class IncidentForm(forms.Form):
    """An incident reported into a running case (``records.report_incident``)."""

    # not required here: what is missing is said in the guard's words (record_guards)
    occurred_on = forms.DateField(
        label=_("Happened on"), initial=timezone.localdate, required=False
    )
    kind = forms.ChoiceField(
        label=_("What kind of incident"),
        choices=[("", "---------"), *IncidentKind.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("What happened (briefly)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            check(
                self,
                record_guards.incident_complete(
                    cleaned["occurred_on"], cleaned["kind"], cleaned["text"], timezone.localdate()
                ),
            )
        return cleaned


def colleagues(municipality_id, but=None):
    """The municipality's active coordinators to choose among, by name, without ``but``."""
    return (
        access.coordinators_in(municipality_id)
        .exclude(pk=but)
        .order_by("first_name", "last_name", "username")
    )


class ChangeCoordinatorForm(forms.Form):
    """The case to another coordinator (``handover.change_coordinator``)."""

    coordinator = forms.ModelChoiceField(label=_("New coordinator"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Why (e.g. absence, workload)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = colleagues(case.municipality_id, case.coordinator_id)


class HandOverForm(forms.Form):
    """Every open case of one coordinator to a colleague (``handover.hand_over``)."""

    absent = forms.ModelChoiceField(label=_("Coordinator away"), queryset=User.objects.none())
    colleague = forms.ModelChoiceField(
        label=_("Colleague who takes them over"), queryset=User.objects.none()
    )
    reason = forms.CharField(
        label=_("Why (e.g. absence, workload)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = colleagues(municipality_id)
        self.fields["colleague"].queryset = colleagues(municipality_id)


class GiveStepForm(forms.Form):
    """An open step to a colleague coordinator (``steps.give``)."""

    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=User.objects.none())

    def __init__(self, *args, case, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues(case.municipality_id, task.owner_id)


class PictureForm(forms.Form):
    """An invited agency's picture before a meeting (``records.write_picture``)."""

    # not required here: what is missing is said in the guard's words (record_guards)
    knows = forms.CharField(
        label=_("What our agency knows of the young person's situation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    does = forms.CharField(
        label=_("What our agency does"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    strengths = forms.CharField(
        label=_("Strengths and protective factors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risks = forms.CharField(
        label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            check(
                self,
                record_guards.picture_meeting_ahead(self.meeting, timezone.now()),
                *(
                    record_guards.picture_text_given(field, cleaned.get(field))
                    for field in record_guards.PICTURE_FIELDS
                ),
            )
        return cleaned
