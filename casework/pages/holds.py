"""The coordinator places a legal hold on a case (gallring leaves it alone) and lifts it, from
the case page; the door is ``sspf_flow.holds``."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from sspf_flow import holds
from sspf_flow.models import HoldReason

from .cases import CaseActionView


class HoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is the case held?"), choices=HoldReason.choices)
    text = forms.CharField(
        label=_("What the hold is about"),
        max_length=300,
        help_text=_("E.g. the request and its date, or the investigation. No names."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlaceHoldView(CaseActionView):
    form_class = HoldForm
    title = _("Place a legal hold")

    def perform(self, form):
        holds.place_hold(
            self.case, self.request.user, form.cleaned_data["reason"], form.cleaned_data["text"]
        )
        messages.success(self.request, _("The case is held: gallring leaves it alone."))


class LiftHoldView(CaseActionView):
    form_class = forms.Form
    title = _("Lift the legal hold")

    def perform(self, form):
        holds.lift_hold(self.case, self.request.user)
        messages.success(
            self.request, _("The hold is lifted: the case follows the gallring rules again.")
        )
