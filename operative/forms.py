"""The operative group's forms: they show the services' guards in ``clean`` (the same reasons
the services refuse with)."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sspf_flow.models import Agency, ConcernCategory, Consultation

from . import commitment_guards, guards
from .models import AreaPicture, Commitment, GroupItem, GroupMember


def member_label(member):
    return f"{member.user.get_full_name() or member.user.username} ({member.agency.name})"


class SeriesForm(forms.Form):
    first_day = forms.DateField(
        label=_("First meeting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Time"), initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    every_weeks = forms.IntegerField(label=_("Every … weeks"), initial=2, min_value=1)
    place = forms.CharField(label=_("Place"), max_length=200)
    until = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        first_day, time = data.get("first_day"), data.get("time")
        starts = (
            timezone.make_aware(dt.datetime.combine(first_day, time))
            if first_day and time
            else None
        )
        explain(
            self,
            guards.starts_ahead("first_day", starts, timezone.now()),
            guards.sensible_interval(data.get("every_weeks")),
            guards.ends_after_start(first_day, data.get("until")),
        )
        return data


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)

    def clean(self):
        data = super().clean()
        explain(self, guards.starts_ahead("starts_at", data.get("starts_at"), timezone.now()))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The group level: no names and no personal identity numbers."),
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=GroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        present = self.fields["present"]
        present.queryset = group.members.select_related("user", "agency")
        present.label_from_instance = member_label

    def clean(self):
        data = super().clean()
        explain(self, guards.no_identity_number("minutes", data.get("minutes")))
        return data


def explain(form, *reasons):
    """Each reason next to the field it is about, or above the form."""
    for reason in filter(None, reasons):
        field = getattr(reason, "field", None)
        form.add_error(field if field in form.fields else None, str(reason))


NO_PERSONAL_DATA = _(
    "No personal data: no names, no personal identity numbers, nothing that points out a person."
)


class AreaPictureForm(forms.ModelForm):
    """The agency's picture of the area before the meeting (seed 001), without personal data."""

    class Meta:
        model = AreaPicture
        fields = AreaPicture.TEXTS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in AreaPicture.TEXTS}
        help_texts = dict.fromkeys(AreaPicture.TEXTS, NO_PERSONAL_DATA)

    def clean(self):
        data = super().clean()
        texts = {name: data.get(name, "") for name in AreaPicture.TEXTS}
        explain(self, guards.says_something(texts.values()), *guards.no_identity_numbers(texts))
        return data


def case_numbers(text):
    """The case numbers in ``text``, separated by commas, semicolons or spaces."""
    return [number.upper() for number in re.split(r"[\s,;]+", text or "") if number]


class GroupItemForm(forms.ModelForm):
    """A group of young people for the group level, described without names; its members may
    be named by their case numbers where a consent covers them (the writer's ``user``, the
    meeting's ``group``)."""

    named = forms.CharField(
        label=_("Named young people (case numbers)"),
        required=False,
        max_length=1000,
        help_text=_(
            "Optional. Case numbers separated by commas, of young people in the group whose "
            "consent covers your agency today. Each reader sees the names of the cases they "
            "may read."
        ),
    )

    class Meta:
        model = GroupItem
        fields = GroupItem.TEXTS
        widgets = {
            "seen": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = dict.fromkeys(GroupItem.TEXTS, NO_PERSONAL_DATA)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.group = user, group

    def clean_named(self):
        return case_numbers(self.cleaned_data.get("named"))

    def clean(self):
        data = super().clean()
        texts = {name: data.get(name, "") for name in GroupItem.TEXTS}
        explain(self, *guards.no_identity_numbers(texts))
        if "named" in data:
            explain(self, guards.names_only_covered_cases(self.user, self.group, data["named"]))
        return data


class PossibleReferralForm(forms.ModelForm):
    """A new concern from the area talk, as an anonymous consultation: bands and codes only."""

    concerns = forms.MultipleChoiceField(
        label=_("Concerns"), choices=ConcernCategory.choices, widget=forms.SelectMultiple
    )

    class Meta:
        model = Consultation
        fields = ["asking_agency", "age_band", "gender", "concerns"]
        labels = {"asking_agency": _("Raised by")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asking_agency"].queryset = Agency.objects.filter(
            municipality=municipality
        ).order_by("name")


class CommitmentForm(forms.ModelForm):
    """A joint commitment made at the meeting: what (naming no one), which member agency, by
    when."""

    class Meta:
        model = Commitment
        fields = ["text", "agency", "due"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"text": NO_PERSONAL_DATA}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["agency"].queryset = Agency.objects.filter(
            pk__in=meeting.group.members.values("agency")
        ).order_by("name")

    def clean(self):
        data = super().clean()
        explain(
            self,
            commitment_guards.due_after_the_meeting(
                data.get("due"), timezone.localdate(self.meeting.starts_at)
            ),
            commitment_guards.names_no_one(data.get("text")),
        )
        return data


class CommitmentUpdateForm(forms.ModelForm):
    """The commitment's status and a comment (why, when it was not done)."""

    class Meta:
        model = Commitment
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"comment": NO_PERSONAL_DATA}

    def clean(self):
        data = super().clean()
        explain(
            self,
            commitment_guards.not_done_explained(data.get("status"), data.get("comment")),
            commitment_guards.comment_names_no_one(data.get("comment")),
        )
        return data
