"""Named guards of the case state machine.

Each guard returns ``None`` when the condition holds, or the reason it does not, in words the
coordinator can act on. ``services`` checks them before any transition and refuses with every
reason at once.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    ClosureReason,
    ConsentAgency,
    GoalAssessment,
    InformationCategory,
    MeetingStatus,
    Role,
    SignerRole,
)


def _names(items):
    return ", ".join(sorted(str(item) for item in items))


def closure_reason_given(case, reason, text):
    """No closure without a coded reason; "other" needs a description; "goals met" needs every
    goal of the current plan assessed."""
    if not reason:
        return _("A case cannot be closed without a closure reason.")
    if reason not in ClosureReason.values:
        return _("The closure reason is not one of the coded reasons.")
    if reason == ClosureReason.OTHER and not text.strip():
        return _('The closure reason "Other" needs a description.')
    if reason == ClosureReason.GOALS_MET:
        plan = case.plans.order_by("-version").first()
        if plan is None or not plan.goals.exists():
            return _('"Goals met" needs an action plan with goals.')
        unassessed = plan.goals.filter(assessment=GoalAssessment.ONGOING).count()
        if unassessed:
            return format_lazy(
                _('"Goals met" needs every goal assessed; {count} goal(s) are still ongoing.'),
                count=unassessed,
            )
    return None


def consent_covers_invitees(case, agencies, day):
    """No meeting without consent: an active, unexpired consent must cover every invited
    agency. Agencies outside it are refused, never silently dropped."""
    covered = covered_agencies(case, day)
    if not covered:
        return _("The case has no valid consent on this date. Register consent first.")
    outside = [agency for agency in agencies if agency.pk not in covered]
    if outside:
        return format_lazy(
            _(
                "The consent does not cover: {agencies}. Remove them from the invitation or "
                "register a consent that covers them."
            ),
            agencies=_names(outside),
        )
    return None


def covered_agencies(case, day):
    """Primary keys of the agencies an active consent covers on ``day``."""
    return set(
        ConsentAgency.objects.active_on(day)
        .filter(consent__case=case)
        .values_list("agency", flat=True)
    )


def consent_scope_given(agencies, valid_from, valid_to, purpose):
    """Consent must be specific: named agencies, a purpose, and a period with an end."""
    if not agencies:
        return _("A consent must name at least one agency.")
    if not purpose.strip():
        return _("A consent must state its purpose.")
    if not valid_to:
        return _("A consent must have an end date.")
    if valid_from and valid_to < valid_from:
        return _("The consent's end date is before its start date.")
    return None


def consent_categories_given(categories):
    """Consent must name the information categories it covers; a blanket consent is refused."""
    if not categories:
        return _("A consent must name the information categories it covers.")
    if set(categories) - set(InformationCategory.values):
        return _("An information category is not one of the coded categories.")
    return None


def signed_form_attached(method, signed_form):
    """Written consent is registered with the signed form."""
    if method == "written" and not signed_form:
        return _("Written consent needs the signed form (PDF or image).")
    return None


def oral_consent_documented(method, oral_notes):
    """Oral consent needs notes of how, when and by whom it was taken."""
    if method == "oral" and not oral_notes.strip():
        return _("Oral consent needs notes of how, when and by whom it was taken.")
    return None


def signers_satisfy_age_rules(youth, signers, youth_view, day):
    """By default (each municipality sets the ages): 18 or older, the young person alone; 15–17,
    the young person and every guardian with custody; under 15, every guardian with custody and
    a note on the young person's own view."""
    age = youth.age_on(day)
    alone = youth.municipality.consent_age_alone
    together = youth.municipality.consent_age_with_guardians
    youth_signed = any(role == SignerRole.YOUTH for role, _guardian in signers)
    signed_guardians = {guardian.pk for role, guardian in signers if guardian is not None}
    custodial = [g for g in youth.guardians.all() if g.has_custody]
    missing = [g for g in custodial if g.pk not in signed_guardians]
    if age >= alone:
        if not youth_signed:
            return format_lazy(
                _("The young person is {age} or older and must give consent themself."), age=alone
            )
        return None
    if age >= together and not youth_signed:
        return format_lazy(
            _(
                "The young person is {low}–{high}: both they and every guardian with custody must "
                "consent."
            ),
            low=together,
            high=alone - 1,
        )
    if missing:
        return format_lazy(
            _("Every guardian with custody must consent; missing: {names}."),
            names=_names(missing),
        )
    if age < together and not youth_view.strip():
        return format_lazy(
            _("The young person is under {age}: note their own view of the consent."), age=together
        )
    if not custodial and age < alone:
        return _("No guardian with custody is registered for the young person.")
    return None


def meeting_record_complete(attended, protocol, actions, next_follow_up, closing):
    """A meeting is held when attendance, a protocol and an action plan with at least one
    action (with a responsible party and a due date) are recorded, and either the next
    follow-up is booked or the case is to be closed."""
    if not attended:
        return _("Record who attended the meeting.")
    if not protocol.strip():
        return _("The meeting needs a protocol.")
    if not closing:
        if not any(a.get("party") and a.get("due_date") for a in actions):
            return _(
                "The action plan needs at least one action with a responsible party and a due date."
            )
        if not next_follow_up:
            return _("Book the next follow-up date, or decide to close the case.")
    return None


def follow_up_decision_complete(decision, next_follow_up, closing):
    """A follow-up ends with a next step: a date to follow up again, a meeting, or a closure
    with a reason."""
    if decision == "continue" and not next_follow_up:
        return _("Choose the date of the next follow-up.")
    if decision == "close" and not closing:
        return _("A case cannot be closed without a closure reason.")
    if decision not in ("continue", "meeting", "close"):
        return _("Choose the next step.")
    return None


def meeting_is_planned(case, meeting):
    """Only a planned meeting of this case can be held."""
    if meeting.case_id != case.pk or meeting.status != MeetingStatus.PLANNED:
        return _("This meeting is not a planned meeting of the case.")
    return None


def meeting_not_in_past(starts_at, now):
    """A meeting is moved to a time that has not passed."""
    if starts_at < now:
        return _("The new time has already passed.")
    return None


def reopen_reason_given(text):
    """A closed case is reopened only with a stated reason."""
    if not text.strip():
        return _("Reopening a closed case needs a reason.")
    return None


def user_is_referrer(user_roles, agency=None):
    """Only agency staff and coordinators who belong to an agency may refer (guardians and
    young people refer through the coordinator)."""
    allowed = {
        Role.COORDINATOR,
        Role.SCHOOL,
        Role.SOCIAL_SERVICES,
        Role.POLICE,
        Role.LEISURE,
        Role.SAFETY,
    }
    if not allowed & set(user_roles):
        return _("Only agency staff and coordinators may refer.")
    if agency is None:
        return _("Your account belongs to no agency yet; ask the administrator.")
    return None


def belongs_to_case(case, case_id):
    """A record given for a case must be that case's own (a consent, an action)."""
    if case_id != case.pk:
        return _("That record belongs to another case.")
    return None


def journal_text_given(text):
    """A journal note says something."""
    if not text.strip():
        return _("A journal note cannot be empty.")
    return None


def concern_report_complete(made_on, to_whom, today):
    """A report of concern is recorded with its date (not in the future) and its recipient."""
    if made_on is None:
        return _("State when the report of concern was made.")
    if made_on > today:
        return _("The report of concern cannot be dated in the future.")
    if not to_whom.strip():
        return _("State to whom the report of concern was made.")
    return None
