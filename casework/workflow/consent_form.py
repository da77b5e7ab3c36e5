"""The consent step's form, also used for a further consent from the case page: who consented,
how (a written consent's signed form is checked by its first bytes), which agencies and
information categories, the network persons it names (seed 004: a relative, a coach), the
purpose and the period. A signed form uploaded with a submit that is refused is kept
(``kept_uploads``) and used again unless another file is chosen."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout

from sspf_flow import consent_guards, services
from sspf_flow.models import (
    Agency,
    ConsentMethod,
    InformationCategory,
    NetworkPerson,
    SignerRole,
)

from ..perform import check
from . import kept_uploads
from .outcome_form import OutcomeFields
from .step_forms import CLOSING, MULTIPLE, ClosureFields, agency_choices

SIGNED_FORM_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def signed_form_type(upload):
    """The content type of a signed form, read from its first bytes, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in SIGNED_FORM_TYPES.items() if head.startswith(magic)), None)


def validate_signed_form(upload):
    if upload.size > settings.CONSENT_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.CONSENT_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if signed_form_type(upload) is None:
        raise forms.ValidationError(_("Upload the signed form as PDF, PNG or JPEG."))


class NetworkPersonForm(forms.ModelForm):
    class Meta:
        model = NetworkPerson
        fields = ["name", "relation", "email", "phone"]
        error_messages = {
            "name": {"required": _("Give the network person's name.")},
            "relation": {"required": _("Say how the person is related to the young person.")},
        }


NetworkPersonFormSet = forms.modelformset_factory(
    NetworkPerson, form=NetworkPersonForm, extra=2, max_num=6, can_delete=False
)


class ConsentForm(ClosureFields):
    field_order = [
        "decision",
        "signers",
        "youth_view",
        "method",
        "signed_form",
        "kept_signed_form",
        "oral_notes",
        "agencies",
        "network_known",
        "categories",
        "purpose",
        "valid_from",
        "valid_to",
        "closure_reason",
        "closure_text",
    ]
    REGISTER, CLOSE = "register", "close"
    decision = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (REGISTER, _("Consent was given: register it")),
            (CLOSE, _("Consent was not given: close the case")),
        ],
    )
    method = forms.ChoiceField(label=_("Method"), choices=ConsentMethod.choices, required=False)
    oral_notes = forms.CharField(
        label=_("Oral consent: how, when and by whom"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signers = forms.MultipleChoiceField(label=_("Who consented"), required=False, widget=MULTIPLE)
    youth_view = forms.CharField(
        label=_("The young person's own view"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies covered"),
        queryset=Agency.objects.none(),
        required=False,
        widget=MULTIPLE,
    )
    categories = forms.MultipleChoiceField(
        label=_("Information categories covered"),
        choices=InformationCategory.choices,
        required=False,
        widget=MULTIPLE,
    )
    signed_form = forms.FileField(
        label=_("Signed form (written consent: PDF or image)"),
        required=False,
        validators=[validate_signed_form],
    )
    kept_signed_form = forms.CharField(
        label=_("Kept signed form"), required=False, widget=forms.HiddenInput
    )
    network_known = forms.ModelMultipleChoiceField(
        label=_("Network persons named before"),
        queryset=NetworkPerson.objects.none(),
        required=False,
        widget=MULTIPLE,
        help_text=_("New network persons are added below the form."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_(
            "To share information between the agencies named, so that they can plan and "
            "follow up joint support for the young person within SSPF."
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False)
    valid_to = forms.DateField(label=_("Valid to"), required=False)
    layout = Layout(
        FieldSet(_("Outcome"), "decision"),
        FieldSet(
            _("Who consented, and how"),
            "signers",
            "youth_view",
            "method",
            "signed_form",
            "oral_notes",
        ),
        FieldSet(
            _("What may be shared, by whom and for how long"),
            "agencies",
            "network_known",
            "categories",
            "purpose",
            "valid_from",
            "valid_to",
        ),
        FieldSet(CLOSING, "closure_reason", "closure_text"),
    )

    def __init__(self, *args, case, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        self.fields["network_known"].queryset = case.network.all()
        if not self.fields["network_known"].queryset.exists():  # nobody named before
            self.fields["network_known"].widget = forms.MultipleHiddenInput()
        data = self.data if self.is_bound and "network-TOTAL_FORMS" in self.data else None
        self.network_formset = NetworkPersonFormSet(
            data, prefix="network", queryset=NetworkPerson.objects.none()
        )
        self.fields["agencies"].queryset = agency_choices(case.municipality)
        self.fields["signers"].choices = [("youth", _("The young person"))] + [
            (f"guardian-{g.pk}", g.name + (f" ({_('custody')})" if g.has_custody else ""))
            for g in case.youth.guardians.all()
        ]
        self.fields["valid_from"].initial = timezone.localdate()

    def is_valid(self):
        valid = super().is_valid()
        if self.network_formset.is_bound and not self.network_formset.is_valid():
            self.add_error(None, _("Check the network persons below the form."))
            return False
        return valid

    def clean_signed_form(self):
        """A new file replaces the kept one; without one, the kept file (if its token holds)."""
        upload = self.cleaned_data.get("signed_form")
        token = self.data.get(self.add_prefix("kept_signed_form"))
        if upload or not token or self.user is None:
            return upload
        return kept_uploads.restore(token, self.user)

    def keep_upload(self):
        """After a refusal: keep the signed form given, and say so above the form."""
        upload = getattr(self, "cleaned_data", {}).get("signed_form")
        if not upload or self.user is None:
            return
        field = self.add_prefix("kept_signed_form")
        token = self.data.get(field)
        if not isinstance(upload, kept_uploads.KeptFile):
            token = kept_uploads.keep(upload, self.user)
        self.data = self.data.copy()
        self.data[field] = token
        self.kept_name = upload.name  # shown above the form (casework/_kept_upload.html)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.CLOSE:
            self.require_closure_reason(cleaned)
        elif cleaned.get("decision") == self.REGISTER:
            for name in ("method", "valid_from"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
            check(
                self,
                consent_guards.consent_scope_given(
                    cleaned.get("agencies"),
                    cleaned.get("valid_from"),
                    cleaned.get("valid_to"),
                    cleaned.get("purpose", ""),
                ),
                consent_guards.consent_categories_given(cleaned.get("categories")),
            )
        return cleaned

    def register(self, user):
        """Register the consent as filled in (the one service call both consent pages make)."""
        data = self.cleaned_data
        return services.register_consent(
            self.case,
            user,
            method=data["method"],
            purpose=data["purpose"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            agencies=list(data["agencies"]),
            categories=data["categories"],
            signed_form=data["signed_form"],
            signers=self.signer_list(),
            oral_notes=data["oral_notes"],
            youth_view=data["youth_view"],
            network=self.network_persons(),
        )

    def network_persons(self):
        """The persons named before that were chosen, and the new ones typed in (unsaved)."""
        known = list(self.cleaned_data.get("network_known") or [])
        if not self.network_formset.is_bound:
            return known
        typed = [
            form.save(commit=False) for form in self.network_formset.forms if form.has_changed()
        ]
        return known + [person for person in typed if person.name]

    def signer_list(self):
        guardians = {f"guardian-{g.pk}": g for g in self.case.youth.guardians.all()}
        return [
            (SignerRole.YOUTH, None) if key == "youth" else (SignerRole.GUARDIAN, guardians[key])
            for key in self.cleaned_data["signers"]
        ]


class ConsentStepForm(OutcomeFields, ConsentForm):
    """The consent step's form: when consent was not given and the case is closed, the outcome
    indicators at closure as well (the case was accepted, so it has a reading at the start)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.start_outcomes(case)
        self.layout = Layout(
            *ConsentForm.layout.children,
            self.outcome_fieldset(_("If the case is closed: outcome indicators at closure")),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.CLOSE:
            self.outcomes_required()
        return cleaned


class KeepsSignedForm:
    """A consent page: the form knows who fills it in, and a refused submit keeps the signed
    form uploaded with it (``ConsentForm.keep_upload``)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form):
        form.keep_upload()
        return super().form_invalid(form)
