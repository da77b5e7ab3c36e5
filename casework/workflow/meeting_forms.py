"""Forms of a meeting's time and invitation: planning it (the step) and the time check a move
shares (``page_forms.MeetingChangeForm``). Only those a consent covers may be invited
(``plan_guards.consent_covers_invitees``, ``consent_names_network_invitees``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout

from sspf_flow import plan_guards
from sspf_flow.models import Agency, MeetingKind, NetworkPerson

from .step_forms import MULTIPLE, agency_choices


class MeetingTime:
    """A meeting's time must not have passed (``plan_guards.meeting_not_in_past``)."""

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        reason = plan_guards.meeting_not_in_past(starts_at, timezone.now())
        if reason:
            raise forms.ValidationError(str(reason))
        return starts_at


class PlanMeetingForm(MeetingTime, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Invite agencies"),
        queryset=Agency.objects.none(),
        widget=MULTIPLE,
    )
    invite_youth = forms.BooleanField(
        label=_("Invite the young person"), required=False, initial=True
    )
    invite_guardians = forms.BooleanField(
        label=_("Invite the guardians"), required=False, initial=True
    )
    network = forms.ModelMultipleChoiceField(
        label=_("Invite network persons"),
        queryset=NetworkPerson.objects.none(),
        required=False,
        widget=MULTIPLE,
        help_text=_("Those a valid consent names; with an e-mail address they get the invitation."),
    )
    layout = Layout(
        FieldSet(_("When and where"), "kind", "starts_at", "place"),
        FieldSet(_("Who is invited"), "agencies", "invite_youth", "invite_guardians", "network"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agency_choices(case.municipality)
        self.fields["network"].queryset = case.network.covered_on(timezone.localdate())
