"""SIG's forms (seed 002): each shows the guards of ``operative.sig`` in ``clean`` (the same
reasons the service refuses with), so bad input reads as a Swedish error at its field."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import sig_guards as guards
from .forms import NO_PERSONAL_DATA, explain
from .models import SigAnswer, SigClosureReason, SigCohort, SigDeclineReason, SigStatus
from .people import PersonForm

DATE = forms.DateInput(attrs={"type": "date"})


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DATE)


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} ({user.membership.agency.name})"


def coaches_of(municipality):
    """The users who may coach: the active users of the municipality's agencies."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__agency__municipality=municipality)
        .select_related("membership__agency")
        .order_by("first_name", "last_name", "username")
    )


class ListForm(PersonForm):
    """The young person and since when they are on the police's priority list."""

    listed_on = _date(_("On the priority list since"))

    def clean(self):
        data = super().clean()
        explain(self, guards.not_ahead("listed_on", data.get("listed_on"), timezone.localdate()))
        return data


class CohortForm(forms.ModelForm):
    class Meta:
        model = SigCohort
        fields = ["name", "started_on", "coach"]
        widgets = {"started_on": DATE}
        help_texts = {"coach": _("Usually a youth coach in social services.")}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"] = UserChoice(queryset=coaches_of(group.municipality), label=_("Coach"))


class EndCohortForm(forms.Form):
    ended_on = _date(_("Ended on"))

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort

    def clean(self):
        data = super().clean()
        day = data.get("ended_on")
        explain(
            self,
            guards.ends_after_it_started(self.cohort, day),
            guards.not_ahead("ended_on", day, timezone.localdate()),
        )
        return data


class OfferForm(forms.Form):
    offered_on = _date(_("Offered on"))

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        data = super().clean()
        day = data.get("offered_on")
        explain(
            self,
            guards.offered_once_after_listing(self.entry, day),
            guards.not_ahead("offered_on", day, timezone.localdate()),
        )
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(SigAnswer.ACCEPTED, _("Accepted")), (SigAnswer.DECLINED, _("Declined"))],
        widget=forms.RadioSelect,
    )
    answered_on = _date(_("Answered on"))
    declined_reason = forms.ChoiceField(
        label=_("Why they declined"),
        choices=[("", "—"), *SigDeclineReason.choices],
        required=False,
    )
    declined_text = forms.CharField(
        label=_("Other reason"), max_length=300, required=False, help_text=NO_PERSONAL_DATA
    )

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        data = super().clean()
        answer, day = data.get("answer"), data.get("answered_on")
        explain(
            self,
            guards.answers_an_offer(self.entry, answer, day) if answer else None,
            guards.not_ahead("answered_on", day, timezone.localdate()),
            guards.decline_explained(
                answer, data.get("declined_reason"), data.get("declined_text")
            ),
            guards.names_no_one("declined_text", data.get("declined_text")),
        )
        return data


class TakeInForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=SigCohort.objects.none())
    consented_on = _date(_("The young person and guardians consented on"), required=False)
    joined_on = _date(_("Taken into the cohort on"))
    coach = UserChoice(
        label=_("Coach"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty for the cohort's coach."),
    )

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["cohort"].queryset = entry.group.sig_cohorts.filter(ended_on__isnull=True)
        self.fields["coach"].queryset = coaches_of(entry.group.municipality)

    def clean(self):
        data = super().clean()
        consented, joined = data.get("consented_on"), data.get("joined_on")
        today = timezone.localdate()
        explain(
            self,
            guards.builds_on_consent(self.entry, consented, joined),
            guards.not_ahead("consented_on", consented, today),
            guards.not_ahead("joined_on", joined, today),
        )
        return data


class StatusForm(forms.ModelForm):
    class Meta:
        model = SigStatus
        fields = ["day", "crimes", "drugs", "school_or_work", "months_without_crime", "comment"]
        widgets = {
            "day": DATE,
            "crimes": forms.RadioSelect,
            "drugs": forms.RadioSelect,
            "school_or_work": forms.RadioSelect,
        }
        help_texts = {"comment": NO_PERSONAL_DATA}

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["months_without_crime"].max_value = 240

    def clean(self):
        data = super().clean()
        day = data.get("day")
        explain(
            self,
            guards.status_while_in_the_cohort(self.entry, day),
            guards.not_ahead("day", day, timezone.localdate()),
            guards.names_no_one("comment", data.get("comment")),
        )
        return data


class CloseForm(forms.Form):
    closed_on = _date(_("Closed on"))
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"), choices=[("", "—"), *SigClosureReason.choices], required=False
    )
    closure_text = forms.CharField(
        label=_("Other reason"), max_length=300, required=False, help_text=NO_PERSONAL_DATA
    )

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        data = super().clean()
        reason, text = data.get("closure_reason"), data.get("closure_text")
        explain(
            self,
            guards.closure_explained(reason, text),
            guards.closed_after_the_last_step(self.entry, data.get("closed_on")),
            guards.not_ahead("closed_on", data.get("closed_on"), timezone.localdate()),
            guards.names_no_one("closure_text", text),
        )
        return data
