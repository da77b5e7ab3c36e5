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
    ConsentAgency,
    ConsentMethod,
    FollowUpDecision,
    GoalAssessment,
    InformationCategory,
    MeetingStatus,
    Party,
    SignerRole,
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


# Consent


def consent_covers_invitees(case, agencies, day):
    """No meeting without consent: an active, unexpired consent must cover every invited
    agency. Agencies outside it are refused, never silently dropped."""
    covered = covered_agencies(case, day)
    if not covered:
        return about(
            "agencies", _("The case has no valid consent on this date. Register consent first.")
        )
    outside = [agency for agency in agencies if agency.pk not in covered]
    if outside:
        return about(
            "agencies",
            format_lazy(
                _(
                    "The consent does not cover: {agencies}. Remove them from the invitation or "
                    "register a consent that covers them."
                ),
                agencies=_names(outside),
            ),
        )
    return None


def plan_names_covered_agencies(case, actions, day):
    """The plan (``actions``: its action dicts) names as responsible only agencies an active
    consent covers: an action makes the agency a party to what is shared (seed 004)."""
    named = {a["agency"] for a in actions if a.get("party") == Party.AGENCY and a.get("agency")}
    covered = covered_agencies(case, day)
    outside = [agency for agency in named if agency.pk not in covered]
    if outside:
        return about(
            "actions",
            format_lazy(
                _(
                    "The plan can only name agencies the consent covers; it does not cover: "
                    "{agencies}. Give the action to a covered party, or register a consent "
                    "that covers them first."
                ),
                agencies=_names(outside),
            ),
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
        return about("agencies", _("A consent must name at least one agency."))
    if not purpose.strip():
        return about("purpose", _("A consent must state its purpose."))
    if not valid_to:
        return about("valid_to", _("A consent must have an end date."))
    if valid_from and valid_to < valid_from:
        return about("valid_to", _("The consent's end date is before its start date."))
    return None


def consent_categories_given(categories):
    """Consent must name the information categories it covers; a blanket consent is refused."""
    if not categories:
        return about("categories", _("A consent must name the information categories it covers."))
    if set(categories) - set(InformationCategory.values):
        return about("categories", _("An information category is not one of the coded categories."))
    return None


def signed_form_attached(method, signed_form):
    """Written consent is registered with the signed form."""
    if method == ConsentMethod.WRITTEN and not signed_form:
        return about("signed_form", _("Written consent needs the signed form (PDF or image)."))
    return None


def oral_consent_documented(method, oral_notes):
    """Oral consent needs notes of how, when and by whom it was taken."""
    if method == ConsentMethod.ORAL and not oral_notes.strip():
        return about(
            "oral_notes", _("Oral consent needs notes of how, when and by whom it was taken.")
        )
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
            return about(
                "signers",
                format_lazy(
                    _("The young person is {age} or older and must give consent themself."),
                    age=alone,
                ),
            )
        return None
    if age >= together and not youth_signed:
        return about(
            "signers",
            format_lazy(
                _(
                    "The young person is {low}–{high}: both they and every guardian with "
                    "custody must consent."
                ),
                low=together,
                high=alone - 1,
            ),
        )
    if missing:
        return about(
            "signers",
            format_lazy(
                _("Every guardian with custody must consent; missing: {names}."),
                names=_names(missing),
            ),
        )
    if age < together and not youth_view.strip():
        return about(
            "youth_view",
            format_lazy(
                _("The young person is under {age}: note their own view of the consent."),
                age=together,
            ),
        )
    if not custodial and age < alone:
        return about("signers", _("No guardian with custody is registered for the young person."))
    return None


# Meetings and the action plan


def attendance_recorded(attended):
    """Someone attended: an agency, the young person or the guardians."""
    if not attended:
        return about("attended_agencies", _("Record who attended the meeting."))
    return None


def protocol_written(protocol):
    if not protocol.strip():
        return about("protocol", _("The meeting needs a protocol."))
    return None


def next_step_booked(next_follow_up, closing):
    """A held meeting books the next follow-up, or decides to close the case."""
    if not closing and not next_follow_up:
        return about(
            "next_follow_up", _("Book the next follow-up date, or decide to close the case.")
        )
    return None


def plan_has_an_action(actions, closing):
    """The action plan of a meeting that does not close the case has at least one action with
    a responsible party and a due date."""
    if not closing and not any(a.get("party") and a.get("due_date") for a in actions):
        return _(
            "The action plan needs at least one action with a responsible party and a due date."
        )
    return None


RESPONSIBLE_FIELD = {Party.AGENCY: "agency", Party.GUARDIAN: "guardian", Party.OTHER: "other_name"}


def action_complete(party, named, due_date):
    """An action has a responsible party — with the agency, guardian or name its party calls for
    (``named``, see ``responsible_named``) — and a due date."""
    if not party:
        return about("party", _("Who is responsible?"))
    if party in RESPONSIBLE_FIELD and not named:
        return about(RESPONSIBLE_FIELD[party], _("Name the responsible party."))
    if not due_date:
        return about("due_date", _("Every action needs a due date."))
    return None


def every_action_complete(actions):
    """``action_complete`` for each action row (a dict) of a plan: the first that is not."""
    return _first(
        *(action_complete(a.get("party"), responsible_named(a), a.get("due_date")) for a in actions)
    )


def responsible_named(action):
    """The agency, guardian or name an action row (a dict) gives for its party; True for the
    young person, who needs no name."""
    field = RESPONSIBLE_FIELD.get(action.get("party"))
    return True if field is None else action.get(field)


def meeting_record_complete(attended, protocol, actions, next_follow_up, closing):
    """A meeting is held when attendance, a protocol and an action plan with at least one
    action (with a responsible party and a due date) are recorded, and either the next
    follow-up is booked or the case is to be closed. Each action is checked on its own by
    ``action_complete``."""
    return _first(
        attendance_recorded(attended),
        protocol_written(protocol),
        plan_has_an_action(actions, closing),
        next_step_booked(next_follow_up, closing),
    )


def chosen_among_participants(case, attended_agencies, **people):
    """The chair and the minute-taker (``people``: field name → user or None) are chosen among
    those who took part: the case's coordinator or staff of an agency present."""
    present = {agency.pk for agency in attended_agencies}
    for field, person in people.items():
        if person is None or person.pk == case.coordinator_id:
            continue
        membership = access.membership_of(person)
        if membership is None or membership.agency_id not in present:
            return about(
                field,
                format_lazy(
                    _("{name} did not take part: choose the coordinator or someone present."),
                    name=person.get_full_name() or person.get_username(),
                ),
            )
    return None


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


def meeting_is_planned(case, meeting):
    """Only a planned meeting of this case can be held."""
    if meeting.case_id != case.pk or meeting.status != MeetingStatus.PLANNED:
        return _("This meeting is not a planned meeting of the case.")
    return None


def meeting_not_in_past(starts_at, now):
    """A meeting is planned or moved to a time that has not passed."""
    if starts_at < now:
        return about("starts_at", _("The meeting time has passed."))
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
