"""Risk, need and receptivity (RBM, seed 004): what the coordinator judged, written as a new
``Assessment`` each time (at acceptance, at each follow-up) by the services that take the step,
with the case's ``risk_level`` following the latest judgement in the same transaction."""

from dataclasses import dataclass, field

from django.utils import timezone

from . import guards
from .models import Assessment, ConcernCategory, Occasion
from .refusals import refuse_if


@dataclass(frozen=True)
class RBM:
    """One judgement as the coordinator gives it; ``need_areas`` are coded concern areas (the
    risk factors the support should aim at, seed 004's need principle)."""

    risk_level: str
    need: str
    receptivity: str
    need_areas: tuple = field(default_factory=tuple)
    need_text: str = ""
    comment: str = ""

    @classmethod
    def of(cls, assessment):
        """The judgement an earlier assessment recorded (to prefill the next)."""
        return cls(
            assessment.risk_level,
            assessment.need,
            assessment.receptivity,
            tuple(assessment.need_areas),
            assessment.need_text,
            assessment.comment,
        )


def write(case, user, rbm, occasion, *, follow_up=None, outside_target_group=""):
    """Record the judgement for the locked ``case`` and keep its latest risk level; the caller
    (a service) saves the case."""
    assessment = Assessment.objects.create(
        case=case,
        at=timezone.now(),
        assessed_by=user,
        occasion=occasion,
        follow_up=follow_up,
        risk_level=rbm.risk_level,
        need=rbm.need,
        need_areas=[a for a in ConcernCategory.values if a in rbm.need_areas],
        need_text=rbm.need_text.strip(),
        receptivity=rbm.receptivity,
        comment=rbm.comment.strip(),
        outside_target_group=outside_target_group.strip()
        if occasion == Occasion.ACCEPTANCE
        else "",
    )
    case.risk_level = rbm.risk_level
    return assessment


def on_acceptance(case, user, rbm, why_outside=""):
    """The assessment when the referral is accepted: risk, need and receptivity each judged,
    and a referral outside the target group accepted only with the reason SSPF fits
    (``guards.target_group_explained``). Says whether it was outside."""
    refuse_if(
        *guards.rbm_assessed(rbm),
        guards.target_group_explained(case, rbm.risk_level, why_outside),
    )
    outside = bool(guards.outside_target_group(case, rbm.risk_level))
    write(
        case,
        user,
        rbm,
        Occasion.ACCEPTANCE,
        outside_target_group=why_outside if outside else "",
    )
    return outside


def at_follow_up(case, user, rbm, follow_up):
    """The reassessment at a follow-up: risk, need and receptivity each judged again."""
    refuse_if(*guards.rbm_assessed(rbm))
    return write(case, user, rbm, Occasion.FOLLOW_UP, follow_up=follow_up)


def latest(case):
    """The case's latest assessment, or None."""
    return case.assessments.order_by("-at", "-pk").first()
