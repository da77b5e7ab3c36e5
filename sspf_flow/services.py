"""The one door through which a case changes.

Each function: check permission → lock the case row → check the guards → run the FSM transition →
save → write a CaseEvent → announce it in the same transaction (notifications queue their e-mails
and deadlines there, so they commit or roll back with the change). Views, flow tasks, the admin
and the demo loader all call these; nothing else writes ``Case.status``.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, assessments, consent_guards, guards, plan_guards, refusals
from .door import _changing, changed_meanwhile  # noqa: F401 - callers say services.changed_meanwhile
from .events import EventCode, record_event
from .models import (
    ActionPlan,
    Case,
    CaseNumberSequence,
    Consent,
    FollowUp,
    FollowUpDecision,
    Meeting,
    Status,
)
from .models.case import OPEN_AFTER_CONSENT
from .refusals import TransitionRefused, refuse_if


@transaction.atomic
def refer_case(user, youth, guardians, **case_fields):
    """Register a referral (aktualisering) for an unsaved youth and their unsaved guardians."""
    agency = access.agency_of(user)
    refuse_if(guards.user_is_referrer(user))
    youth.municipality = agency.municipality
    youth.full_clean()
    youth.save()
    for guardian in guardians:
        guardian.youth = youth
        guardian.save()
    now = timezone.now()
    year = timezone.localtime(now).year
    case = Case.objects.create(
        number=f"{settings.CASE_NUMBER_PREFIX}-{year}-{CaseNumberSequence.take(year):04d}",
        municipality=agency.municipality,
        youth=youth,
        referring_agency=agency,
        referred_by=user,
        referred_at=now,
        **case_fields,
    )
    record_event(case, user, EventCode.CASE_REFERRED, source=case.referral_source)
    return case


def accept_referral(case, user, rbm, why_outside=""):
    """The coordinator judges that SSPF fits and becomes the case's coordinator, with the
    assessment of risk, need and receptivity (``rbm``, ``assessments.on_acceptance``) and, for
    a referral outside the municipality's target group, the reason SSPF fits all the same."""
    with _changing(case, user) as locked:
        outside = assessments.on_acceptance(locked, user, rbm, why_outside)
        locked.accept(at=timezone.now())
        locked.coordinator = locked.coordinator or user
        locked.save()
        facts = {"risk_level": locked.risk_level, "outside_target_group": outside}
        record_event(locked, user, EventCode.CASE_ACCEPTED, **facts)


def decline_referral(case, user, reason, text=""):
    with _changing(case, user) as locked:
        refuse_if(guards.closure_reason_given(locked, reason, text))
        locked.decline(at=timezone.now(), reason=reason, text=text)
        locked.coordinator = locked.coordinator or user
        locked.save()
        record_event(locked, user, EventCode.CASE_DECLINED, reason=reason)


def register_consent(
    case,
    user,
    *,
    method,
    purpose,
    valid_from,
    valid_to,
    agencies,
    categories,
    signers,
    signed_form=None,
    oral_notes="",
    youth_view="",
    network=(),
):
    """Record a consent. ``signers`` is a list of (SignerRole, Guardian or None);
    ``signed_form`` the uploaded signed form of a written consent; ``network`` the network
    persons it names: the case's saved ones, or unsaved ones that are saved for the case."""
    with _changing(case, user) as locked:
        if not locked.is_open:
            raise TransitionRefused([_("A closed case cannot receive a consent.")])
        refuse_if(
            consent_guards.consent_scope_given(agencies, valid_from, valid_to, purpose),
            consent_guards.consent_categories_given(categories),
            consent_guards.signed_form_attached(method, signed_form),
            consent_guards.oral_consent_documented(method, oral_notes),
            consent_guards.signers_satisfy_age_rules(locked.youth, signers, youth_view, valid_from),
        )
        for person in network:
            refuse_if(guards.belongs_to_case(locked, person.case_id or locked.pk))
            if person.pk is None:
                person.case = locked
                person.save()
        consent = Consent.objects.write(
            agencies,
            signers,
            network,
            case=locked,
            method=method,
            oral_notes=oral_notes,
            categories=sorted(categories),
            signed_form=signed_form or "",
            purpose=purpose,
            valid_from=valid_from,
            valid_to=valid_to,
            youth_view=youth_view,
            registered_by=user,
            registered_at=timezone.now(),
        )
        if locked.status == Status.AWAITING_CONSENT:
            locked.register_consent(at=timezone.now())
            locked.save()
        record_event(
            locked,
            user,
            EventCode.CONSENT_REGISTERED,
            consent=consent.pk,
            agencies=sorted(a.pk for a in agencies),
            network=sorted(p.pk for p in network),
            valid_to=str(valid_to),
        )
        return consent


def withdraw_consent(case, user, consent, agency=None, reason=""):
    """Withdraw a consent for one agency or whole. Access ends in the same transaction, and
    invitations to planned meetings of agencies and network persons no longer covered are
    withdrawn; with no agency
    left covered the case goes back to awaiting consent and its planned meetings are cancelled."""
    with _changing(case, user) as locked:
        refuse_if(guards.belongs_to_case(locked, consent.case_id))
        now = timezone.now()
        scope = consent.scope.filter(withdrawn_at__isnull=True)
        if agency is not None:
            scope = scope.filter(agency=agency)
        scope.update(withdrawn_at=now)
        if agency is None:
            Consent.objects.filter(pk=consent.pk).update(
                withdrawn_at=now, withdrawn_by=user, withdrawn_reason=reason
            )
        left = plan_guards.covered_agencies(locked, timezone.localdate())
        uninvited, network_uninvited = locked.meetings.planned().uninvite_all_but(
            left, plan_guards.covered_network(locked, timezone.localdate())
        )
        cancel = not left and locked.status in OPEN_AFTER_CONSENT
        if cancel:
            locked.withdraw_consent()
            locked.save()
        record_event(
            locked,
            user,
            EventCode.CONSENT_WITHDRAWN,
            consent=consent.pk,
            agency=agency.pk if agency else None,
            reason=reason,
            invitations_withdrawn=uninvited,
            network_invitations_withdrawn=network_uninvited,
        )
        if cancel:
            _cancel_planned_meetings(locked, user, EventCode.CONSENT_WITHDRAWN)


def _cancel_planned_meetings(case, user, because):
    """Cancel the case's planned meetings, each with its own event (the invitees are told)."""
    for meeting in case.meetings.planned():
        meeting.cancel()
        record_event(case, user, EventCode.MEETING_CANCELLED, meeting=meeting.pk, because=because)


def plan_meeting(
    case,
    user,
    *,
    kind,
    starts_at,
    place,
    agencies,
    invite_youth=True,
    invite_guardians=True,
    network=(),
):
    """``network``: the network persons invited, each named on a consent active today and on
    the meeting's day."""
    with _changing(case, user) as locked:
        today = timezone.localdate()
        meeting_day = timezone.localtime(starts_at).date()
        refuse_if(
            plan_guards.consent_covers_invitees(locked, agencies, today)
            or plan_guards.consent_covers_invitees(locked, agencies, meeting_day),
            plan_guards.consent_names_network_invitees(locked, network, today)
            or plan_guards.consent_names_network_invitees(locked, network, meeting_day),
        )
        meeting = Meeting.objects.create(
            case=locked,
            kind=kind,
            starts_at=starts_at,
            place=place,
            invite_youth=invite_youth,
            invite_guardians=invite_guardians,
        )
        meeting.invited_agencies.set(agencies)
        meeting.invited_network.set(network)
        locked.plan_meeting()
        locked.save()
        record_event(
            locked,
            user,
            EventCode.MEETING_PLANNED,
            meeting=meeting.pk,
            kind=kind,
            agencies=sorted(a.pk for a in agencies),
            network=sorted(p.pk for p in network),
        )
        return meeting


def reschedule_meeting(case, user, meeting, *, starts_at, place):
    """Move a planned meeting or change its place; the invitees get an updated invitation."""
    with _changing(case, user) as locked:
        meeting_day = timezone.localtime(starts_at).date()
        refuse_if(
            plan_guards.meeting_is_planned(locked, meeting),
            plan_guards.meeting_not_in_past(starts_at, timezone.now()),
            not plan_guards.meeting_is_planned(locked, meeting)
            and plan_guards.consent_covers_invitees(
                locked, list(meeting.invited_agencies.all()), meeting_day
            ),
        )
        if (meeting.starts_at, meeting.place) == (starts_at, place):
            raise TransitionRefused([_("Nothing was changed: give a new time or place.")])
        was = timezone.localtime(meeting.starts_at).isoformat()
        meeting.move(starts_at, place)
        record_event(locked, user, EventCode.MEETING_CHANGED, meeting=meeting.pk, was=was)
        return meeting


def hold_meeting(
    case,
    user,
    meeting,
    *,
    attended_agencies,
    youth_attended,
    guardians_attended,
    protocol,
    goals,
    actions,
    next_follow_up,
    minute_taker=None,
    chair=None,
    closing=None,
    attended_network=(),
):
    """Record the meeting, its protocol and the new version of the action plan.

    ``goals`` is a list of dicts (text, measure, target_date); ``actions`` a list of dicts
    (text, party, agency, guardian, other_name, network_person, due_date, goal index or None);
    a row with ``carried_from`` continues a goal or action of the plan in force, and what the
    meeting leaves out of the new version has ended there; ``attended_network`` the invited
    network persons present. ``closing`` is (reason, text) when the meeting decided to close the
    case.
    """
    with _changing(case, user) as locked:
        refuse_if(
            *plan_guards.holding_refusals(
                locked,
                meeting,
                attended_agencies=attended_agencies,
                family=youth_attended or guardians_attended,
                record=(protocol, goals, actions, next_follow_up, closing),
                people={"minute_taker": minute_taker, "chair": chair},
                attended_network=attended_network,
            )
        )
        now = timezone.now()
        meeting.record(
            attended_agencies,
            youth_attended=youth_attended,
            guardians_attended=guardians_attended,
            protocol=protocol,
            minute_taker=minute_taker or user,
            chair=chair or locked.coordinator,
            held_at=now,
        )
        meeting.attended_network.set(attended_network)
        plan = None
        if actions or goals or (locked.current_plan() and not closing):  # also what ended
            plan = ActionPlan.objects.write(locked, meeting, goals, actions, user, created_at=now)
        locked.hold_meeting(at=now, next_follow_up=next_follow_up)
        if closing:
            locked.close(at=now, reason=closing[0], text=closing[1])
        locked.save()
        record_event(
            locked,
            user,
            EventCode.MEETING_HELD,
            meeting=meeting.pk,
            plan=plan.pk if plan else None,
            next_follow_up=str(next_follow_up or ""),
        )
        if closing:
            record_event(locked, user, EventCode.CASE_CLOSED, reason=closing[0])
        return plan


def record_follow_up(
    case,
    user,
    *,
    day,
    notes,
    items,
    goal_assessments,
    decision,
    next_follow_up=None,
    closing=None,
    rbm=None,
):
    """A follow-up: how each action went, how each goal stands, and what comes next —
    continue to ``next_follow_up``, call a meeting, or close with ``closing`` (reason, text).
    ``items``: (Action, status, comment) each; ``goal_assessments``: {Goal: value}; ``rbm``:
    the reassessment of risk, need and receptivity (``assessments.at_follow_up``)."""
    with _changing(case, user) as locked:
        if locked.status != Status.IN_PROGRESS:
            raise TransitionRefused([refusals.not_now(locked.status)])
        refuse_if(guards.follow_up_decision_complete(decision, next_follow_up, closing))
        follow_up = FollowUp.objects.create(
            case=locked,
            date=day,
            notes=notes,
            decision=decision,
            next_follow_up=next_follow_up,
            created_by=user,
        )
        refuse_if(*(guards.belongs_to_case(locked, a.plan.case_id) for a, _s, _c in items))
        follow_up.evaluate(items, goal_assessments)
        if rbm is not None:
            assessments.at_follow_up(locked, user, rbm, follow_up)
        locked.next_follow_up = next_follow_up
        if decision == FollowUpDecision.CLOSE:
            refuse_if(guards.closure_reason_given(locked, *closing))
            locked.close(at=timezone.now(), reason=closing[0], text=closing[1])
        locked.save()
        record_event(
            locked,
            user,
            EventCode.FOLLOW_UP_RECORDED,
            follow_up=follow_up.pk,
            decision=decision,
            next_follow_up=str(next_follow_up or ""),
        )
        if decision == FollowUpDecision.CLOSE:
            record_event(locked, user, EventCode.CASE_CLOSED, reason=closing[0])
        return follow_up


def close_case(case, user, reason, text=""):
    """Close with a coded reason; a referral not yet accepted is declined."""
    with _changing(case, user) as locked:
        refuse_if(guards.closure_reason_given(locked, reason, text))
        if locked.status == Status.REFERRED:
            locked.decline(at=timezone.now(), reason=reason, text=text)
            locked.coordinator = locked.coordinator or user
            action = EventCode.CASE_DECLINED
        else:
            locked.close(at=timezone.now(), reason=reason, text=text)
            action = EventCode.CASE_CLOSED
        locked.save()
        record_event(locked, user, action, reason=reason)
        _cancel_planned_meetings(locked, user, action)


def reopen_case(case, user, text):
    with _changing(case, user) as locked:
        refuse_if(guards.not_deidentified(locked), guards.reopen_reason_given(text))
        locked.reopen()
        locked.save()
        record_event(locked, user, EventCode.CASE_REOPENED, reason=text)
