"""Named guards of the case state machine.

Each guard returns ``None`` when the condition holds, or the reason it does not, in words the
coordinator can act on, with the field the reason is about (``refusals.about``). The services
check them before any transition and refuse with every reason at once; the step forms call the
same guards, so a rule has one wording whether the form or the service finds it broken.
"""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import access
from .models import (
    ClosureReason,
    FollowUpDecision,
    GoalAssessment,
    NeedLevel,
    Receptivity,
    RiskLevel,
)
from .refusals import about


def _names(items):
    return ", ".join(sorted(str(item) for item in items))


def _first(*reasons):
    return next((reason for reason in reasons if reason), None)


# Closing


def closure_reason_stated(reason, text):
    """No closure without a coded reason; "other" needs a description."""
    if not reason:
        return about("closure_reason", _("Choose a closure reason."))
    if reason not in ClosureReason.values:
        return about("closure_reason", _("The closure reason is not one of the coded reasons."))
    if reason == ClosureReason.OTHER and not text.strip():
        return about("closure_text", _('Describe the reason when it is "Other".'))
    return None


def goals_met(case, reason):
    """ "Goals met" is true only when every goal of the current plan is assessed as met; a
    goal still ongoing, partly met or not met asks for another coded reason (issue 12)."""
    if reason != ClosureReason.GOALS_MET:
        return None
    plan = case.current_plan()
    if plan is None or not plan.goals.exists():
        return about("closure_reason", _('"Goals met" needs an action plan with goals.'))
    unmet = plan.goals.exclude(assessment=GoalAssessment.MET).count()
    if unmet:
        return about(
            "closure_reason",
            format_lazy(
                _(
                    '"Goals met" needs every goal assessed as met; {count} goal(s) are not '
                    "(ongoing, partly met or not met). Assess them, or choose the reason that "
                    "is true."
                ),
                count=unmet,
            ),
        )
    return None


def closure_reason_given(case, reason, text):
    """No closure without a coded reason (``closure_reason_stated``) and, for "goals met",
    every goal met (``goals_met``)."""
    return _first(closure_reason_stated(reason, text), goals_met(case, reason))


def another_coordinator(current_id, new, field="coordinator"):
    if new is None or new.pk == current_id:
        return about(field, _("Choose another coordinator."))
    return None


def colleague_valid(case, current_id, new, field="coordinator"):
    """Another active coordinator of the case's municipality than ``current_id``."""
    if reason := another_coordinator(current_id, new, field):
        return reason
    if not access.coordinators_in(case.municipality_id).filter(pk=new.pk).exists():
        return about(field, _("Only an active coordinator of the municipality can take it."))
    return None


def new_coordinator_valid(case, new, reason):
    """A case goes to another active coordinator of its municipality, with a reason."""
    if refused := colleague_valid(case, case.coordinator_id, new):
        return refused
    if not reason.strip():
        return about("reason", _("Say why the case changes coordinator."))
    return None


# Follow-up


def follow_up_decision_complete(decision, next_follow_up, closing):
    """A follow-up ends with a next step: a date to follow up again, a meeting, or a closure
    with a reason."""
    if decision not in FollowUpDecision.values:
        return about("decision", _("Choose the next step."))
    if decision == FollowUpDecision.CONTINUE and not next_follow_up:
        return about("next_follow_up", _("Choose the date of the next follow-up."))
    if decision == FollowUpDecision.CLOSE and not closing:
        return closure_reason_stated("", "")
    return None


# Assessment (risk, need and receptivity – RBM, seed 004) and the target group


def risk_assessed(risk_level):
    if risk_level not in RiskLevel.values:
        return about("risk_level", _("Assess the risk level."))
    return None


def need_assessed(need):
    if need not in NeedLevel.values:
        return about("need", _("Assess the need for support."))
    return None


def receptivity_assessed(receptivity):
    if receptivity not in Receptivity.values:
        return about("receptivity", _("Assess the receptivity."))
    return None


def rbm_assessed(rbm):
    """Risk, need and receptivity are each judged (``rbm``: an ``assessments.RBM``)."""
    return (
        risk_assessed(rbm.risk_level),
        need_assessed(rbm.need),
        receptivity_assessed(rbm.receptivity),
    )


def outside_target_group(case, risk_level=""):
    """What puts the referral outside the municipality's target group, in words: the young
    person's age on the day of the referral, and the risk level when one is given. Empty when
    the referral is inside it."""
    town = case.municipality
    age = case.youth.age_on(timezone.localtime(case.referred_at).date())
    outside = []
    if not town.target_age_min <= age <= town.target_age_max:
        outside.append(
            format_lazy(
                _("aged {age} (the target group is {youngest}–{oldest})"),
                age=age,
                youngest=town.target_age_min,
                oldest=town.target_age_max,
            )
        )
    levels = town.target_risk_levels or RiskLevel.values
    if risk_level in RiskLevel.values and risk_level not in levels:
        outside.append(
            format_lazy(
                _("risk level {level} (the target group: {levels})"),
                level=RiskLevel(risk_level).label.lower(),
                levels=", ".join(
                    str(RiskLevel(level).label).lower()
                    for level in RiskLevel.values
                    if level in levels
                ),
            )
        )
    return outside


def target_group_explained(case, risk_level, reason):
    """A referral outside the target group may still be accepted, but only with the reason SSPF
    fits all the same."""
    outside = outside_target_group(case, risk_level)
    if outside and not reason.strip():
        return about(
            "outside_target_group",
            format_lazy(
                _("Outside the target group ({what}): state why SSPF still fits."),
                what="; ".join(str(item) for item in outside),
            ),
        )
    return None


# Beside the process


def reopen_reason_given(text):
    """A closed case is reopened only with a stated reason."""
    if not text.strip():
        return about("reason", _("Reopening a closed case needs a reason."))
    return None


def not_deidentified(case):
    """A case gallring has de-identified stays closed: its texts and the young person's identity
    are gone, and its statistics are frozen. New concern about the same young person is a new
    referral."""
    if case.deidentified_at is not None:
        return _(
            "The case has been de-identified by gallring and cannot be reopened. "
            "Register a new referral instead."
        )
    return None


def user_is_referrer(user):
    """Who may refer is the access rule ``access.can_refer``; this says why someone may not
    (guardians and young people refer through the coordinator)."""
    if access.can_refer(user):
        return None
    if access.CASE_ROLES & access.roles_of(user):
        return _("Your account belongs to no agency yet; ask the administrator.")
    return _("Only agency staff and coordinators may refer.")


def belongs_to_case(case, case_id):
    """A record given for a case must be that case's own (a consent, an action)."""
    if case_id != case.pk:
        return _("That record belongs to another case.")
    return None
