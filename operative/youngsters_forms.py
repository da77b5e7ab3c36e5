"""Youngsters' forms: they show the services' guards in ``clean`` (``youngsters_guards``, the
same reasons the services refuse with). The person is asked for by ``people.PersonForm``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import AgencyKind

from . import guards as group_guards
from . import youngsters_guards as guards
from .forms import explain, member_label
from .models import AgreedMeasure, MeasureStatus, TalkKind, TalkPlace, YoungstersOutcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TakeUpForm(forms.Form):
    noticed = forms.CharField(
        label=_("What was noticed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Briefly: the behaviour police and social services noticed. Read only by them."
        ),
    )

    def clean(self):
        data = super().clean()
        explain(self, guards.names_no_number("noticed", data.get("noticed")))
        return data


def _members(group, kind):
    return group.members.filter(agency__kind=kind).select_related("user", "agency")


class TalkForm(forms.Form):
    """A concern talk or its follow-up: kind, time, where, who of police and social services."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=TalkKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    where = forms.ChoiceField(
        label=_("Where"), choices=TalkPlace.choices, widget=forms.RadioSelect, initial="home"
    )
    place = forms.CharField(label=_("Place (when not at home)"), max_length=200, required=False)
    police = forms.ModelMultipleChoiceField(
        label=_("From the police"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    social_services = forms.ModelMultipleChoiceField(
        label=_("From social services"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in (
            ("police", AgencyKind.POLICE),
            ("social_services", AgencyKind.SOCIAL_SERVICES),
        ):
            self.fields[name].queryset = _members(group, kind)
            self.fields[name].label_from_instance = member_label

    def clean(self):
        data = super().clean()
        police, social = list(data.get("police") or []), list(data.get("social_services") or [])
        explain(
            self,
            group_guards.starts_ahead("starts_at", data.get("starts_at"), timezone.now()),
            guards.place_named(data.get("where"), data.get("place")),
            guards.police_take_part(police),
            guards.social_services_take_part(social),
        )
        return data

    def service_data(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "starts_at": data["starts_at"],
            "where": data["where"],
            "place": data["place"] if data["where"] == TalkPlace.ELSEWHERE else "",
            "participants": [*data["police"], *data["social_services"]],
        }


class HeldForm(forms.Form):
    """Who of the family was there, a short record and, at a follow-up, each earlier open
    measure's status (a field ``measure_<pk>`` each)."""

    guardians_present = forms.BooleanField(label=_("Guardians were present"), required=False)
    youth_present = forms.BooleanField(label=_("The young person was present"), required=False)
    record = forms.CharField(
        label=_("Record of the talk"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Briefly: what was talked about and agreed. No personal identity numbers."),
    )

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.earlier = list(earlier)
        for measure in self.earlier:
            self.fields[f"measure_{measure.pk}"] = forms.ChoiceField(
                label=measure.text, choices=MeasureStatus.choices, initial=measure.status
            )

    def clean(self):
        data = super().clean()
        explain(self, guards.names_no_number("record", data.get("record")))
        return data

    def followed(self):
        return {m.pk: self.cleaned_data[f"measure_{m.pk}"] for m in self.earlier}


class MeasureForm(forms.ModelForm):
    """One measure agreed at the talk: what, who answers for it, by when (optional)."""

    class Meta:
        model = AgreedMeasure
        fields = ["text", "responsible", "due"]
        widgets = {"text": forms.TextInput(attrs={"size": 60}), "due": DATE}

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day

    def clean(self):
        data = super().clean()
        if self.day is not None:
            explain(self, guards.due_after_the_talk("due", data.get("due"), self.day))
        explain(self, guards.names_no_number("text", data.get("text")))
        return data


MeasureFormSet = forms.formset_factory(MeasureForm, extra=3)


class MeasureUpdateForm(forms.ModelForm):
    class Meta:
        model = AgreedMeasure
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        explain(self, guards.names_no_number("comment", data.get("comment")))
        return data


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=YoungstersOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome_text = forms.CharField(
        label=_("About the outcome"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when the outcome is “other”."),
    )

    def clean(self):
        data = super().clean()
        explain(
            self,
            guards.outcome_chosen(data.get("outcome"), data.get("outcome_text")),
            guards.names_no_number("outcome_text", data.get("outcome_text")),
        )
        return data
