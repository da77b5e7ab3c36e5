"""The assessment of risk, need and receptivity (RBM, seed 004) as the assess and follow-up steps
ask it: coded levels, the need areas, a short text. The rules are the named guards
(``guards.rbm_assessed``, ``guards.target_group_explained``), checked here and by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sspf_flow import guards
from sspf_flow.assessments import RBM
from sspf_flow.models import ConcernCategory, NeedLevel, Receptivity, RiskLevel

from ..perform import check

RBM_FIELDS = ["risk_level", "need", "need_areas", "need_text", "receptivity", "rbm_comment"]


def _coded(choices):
    return [("", "---------"), *choices]


class RBMFields(forms.Form):
    """Risk, need and receptivity; ``rbm_required(cleaned)`` in ``clean`` when they are asked."""

    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        required=False,
        choices=_coded(RiskLevel.choices),
        help_text=_("Risk of continued or serious norm-breaking behaviour and crime."),
    )
    need = forms.ChoiceField(
        label=_("Need for support"),
        required=False,
        choices=_coded(NeedLevel.choices),
        help_text=_(
            "Limited: one or two areas, the usual support is enough. Moderate: several areas, "
            "joint support needed. Extensive: many areas, intensive support needed."
        ),
    )
    need_areas = forms.MultipleChoiceField(
        label=_("Areas the support should aim at"),
        required=False,
        choices=ConcernCategory.choices,
        widget=forms.SelectMultiple,
        help_text=_("The risk factors that drive the behaviour (the need principle)."),
    )
    need_text = forms.CharField(label=_("The need in a few words"), required=False, max_length=300)
    receptivity = forms.ChoiceField(
        label=_("Receptivity"),
        required=False,
        choices=_coded(Receptivity.choices),
        help_text=_(
            "Good: motivated and able to use the support as planned. Partly: the support "
            "needs adapting (language, disability, motivation). Low: motivation or obstacles "
            "must be worked on first."
        ),
    )
    rbm_comment = forms.CharField(
        label=_("Comment on the assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def prefill(self, rbm):
        """Start from an earlier judgement (the follow-up reassesses from the last one)."""
        for name, value in zip(RBM_FIELDS, self.judgement(rbm), strict=True):
            self.fields[name].initial = value

    @staticmethod
    def judgement(rbm):
        return [
            rbm.risk_level,
            rbm.need,
            list(rbm.need_areas),
            rbm.need_text,
            rbm.receptivity,
            rbm.comment,
        ]

    def rbm(self):
        data = self.cleaned_data
        return RBM(
            risk_level=data.get("risk_level", ""),
            need=data.get("need", ""),
            receptivity=data.get("receptivity", ""),
            need_areas=tuple(data.get("need_areas") or ()),
            need_text=data.get("need_text", ""),
            comment=data.get("rbm_comment", ""),
        )

    def rbm_required(self):
        check(self, *guards.rbm_assessed(self.rbm()))
