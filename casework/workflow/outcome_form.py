"""The outcome indicators as the steps ask them: acceptance, each follow-up and closure. Five
coded choices, each required where a reading is taken ("Not known" is a choice); the rule is the
door's (``outcomes.indicators_given``), checked here and again when the reading is written. The
fields start from the case's latest reading, so nobody types the same thing twice."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet

from sspf_flow import outcomes
from sspf_flow.models.outcome import INDICATORS, OutcomeReading

from ..perform import check

OUTCOME_FIELDS = outcomes.NAMES
OUTCOMES_TITLE = _("Outcome indicators")


def _indicator(name):
    model_field = OutcomeReading._meta.get_field(name)
    return forms.ChoiceField(
        label=capfirst(model_field.verbose_name),
        required=False,  # required where a reading is taken: ``outcomes_required``
        choices=[("", "---------"), *INDICATORS[name].choices],
    )


class OutcomeFields(forms.Form):
    """The five indicators. A form calls ``start_outcomes(case)`` in ``__init__`` and
    ``outcomes_required()`` in ``clean`` when its step takes a reading."""

    school_attendance = _indicator("school_attendance")
    goal_fulfilment = _indicator("goal_fulfilment")
    crime = _indicator("crime")
    substance_use = _indicator("substance_use")
    leisure = _indicator("leisure")

    def start_outcomes(self, case):
        """Each indicator as the case's latest reading left it (``case`` None: none)."""
        self.previous_outcomes = outcomes.latest(case) if case is not None else None
        for name, value in outcomes.values_of(self.previous_outcomes).items():
            self.fields[name].initial = value
        self.fields[OUTCOME_FIELDS[0]].help_text = _(
            "How it stands now, as far as the agencies know. The steering group's statistics "
            "count the change from acceptance to closure (codes only, never names)."
        )

    def indicators(self):
        return {name: self.cleaned_data.get(name, "") for name in OUTCOME_FIELDS}

    def outcomes_required(self):
        check(self, *outcomes.indicators_given(self.indicators()))

    @staticmethod
    def outcome_fieldset(title=OUTCOMES_TITLE):
        return FieldSet(title, *OUTCOME_FIELDS)
