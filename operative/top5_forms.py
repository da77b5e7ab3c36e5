"""Top 5's forms (the person herself is asked by ``people.PersonForm``): they show the
guards' reasons in ``clean``, the same reasons ``operative.top5`` refuses with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import Agency

from . import top5_guards as guards
from .forms import explain
from .models import Top5Entry, Top5Measure, Top5Selection

DATE = forms.DateInput(attrs={"type": "date"})
NO_NUMBERS = _("No personal identity numbers.")


class SelectionForm(forms.ModelForm):
    class Meta:
        model = Top5Selection
        fields = ["held_on", "note"]
        widgets = {"held_on": DATE}
        help_texts = {"note": NO_NUMBERS}

    def clean(self):
        data = super().clean()
        explain(
            self,
            guards.held_not_ahead(data.get("held_on"), timezone.localdate()),
            *guards.no_numbers_in({"note": data.get("note")}),
        )
        return data


class EntryForm(forms.ModelForm):
    """Why this person, chosen at which selection meeting, on which legal ground."""

    case_number = forms.CharField(
        label=_("SSPF case number (for consent)"), max_length=30, required=False
    )

    class Meta:
        model = Top5Entry
        fields = ["selection", "reason", "legal_ground", "other_ground"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "legal_ground": forms.RadioSelect,
        }
        help_texts = {
            "reason": NO_NUMBERS,
            "other_ground": _("Only for another ground: the provision that allows the sharing."),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        selection = self.fields["selection"]
        selection.queryset = group.top5_selections.all()
        selection.empty_label = None
        selection.label_from_instance = lambda s: f"{s.held_on:%Y-%m-%d}"

    def clean(self):
        data = super().clean()
        explain(
            self,
            guards.ground_named(data.get("legal_ground"), data.get("other_ground")),
            *guards.no_numbers_in(
                {"reason": data.get("reason"), "other_ground": data.get("other_ground")}
            ),
        )
        return data


class EndForm(forms.ModelForm):
    class Meta:
        model = Top5Entry
        fields = ["ended_on", "end_reason"]
        widgets = {"ended_on": DATE}

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["ended_on"].required = True
        self.fields["end_reason"].required = True
        self.fields["ended_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        explain(self, guards.ended_in_time(data.get("ended_on"), self.entry, timezone.localdate()))
        return data


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Top5Measure
        fields = ["agency", "what", "started_on", "status", "comment"]
        widgets = {"started_on": DATE, "comment": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"what": NO_NUMBERS, "comment": NO_NUMBERS}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            municipality_id=group.municipality_id
        ).order_by("name")
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        explain(
            self,
            guards.not_done_explained(data.get("status"), data.get("comment")),
            *guards.no_numbers_in({"what": data.get("what"), "comment": data.get("comment")}),
        )
        return data


class MeasureUpdateForm(forms.ModelForm):
    class Meta:
        model = Top5Measure
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"comment": NO_NUMBERS}

    def clean(self):
        data = super().clean()
        explain(
            self,
            guards.not_done_explained(data.get("status"), data.get("comment")),
            *guards.no_numbers_in({"comment": data.get("comment")}),
        )
        return data
