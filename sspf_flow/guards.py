"""Named guards of the case state machine.

Each guard returns ``None`` when the condition holds, or the reason it does not, in words the
coordinator can act on, with the field the reason is about (``refusals.about``). The services
check them before any transition and refuse with every reason at once; the step forms call the
same guards, so a rule has one wording whether the form or the service finds it broken.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import access
from .models import (
    ClosureReason,
    FollowUpDecision,
    GoalAssessment,
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


# Beside the process


def reopen_reason_given(text):
    """A closed case is reopened only with a stated reason."""
    if not text.strip():
        return about("reason", _("Reopening a closed case needs a reason."))
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
