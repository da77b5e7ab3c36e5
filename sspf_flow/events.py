"""The catalogue of what can happen to a case, and the one way to record it.

Every ``CaseEvent.action`` is an ``EventCode``: the services record them, the case history shows
their labels and the notifications react to them. ``record_event`` refuses a code that is not in
the catalogue, so a new kind of event cannot reach the history without a Swedish label."""

from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from .models import CaseEvent

# Sent inside the transaction that wrote a CaseEvent, so that what listeners write (outbox rows,
# deadlines) commits or rolls back with the event. Listeners must not talk to the network.
case_event_recorded = Signal()  # kwargs: event


class EventCode(models.TextChoices):
    CASE_REFERRED = "case.referred", _("Referral registered")
    CONSULTATION_REFERRED = "consultation.referred", _("Referral made from a consultation")
    CASE_ACCEPTED = "case.accepted", _("Referral accepted; consent to be obtained")
    CASE_DECLINED = "case.declined", _("Referral declined")
    CONSENT_REGISTERED = "consent.registered", _("Consent registered")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    MEETING_PLANNED = "meeting.planned", _("Meeting planned")
    MEETING_CHANGED = "meeting.changed", _("Meeting moved or its place changed")
    MEETING_CANCELLED = "meeting.cancelled", _("Meeting cancelled")
    MEETING_HELD = "meeting.held", _("Meeting held; action plan recorded")
    FOLLOW_UP_RECORDED = "followup.recorded", _("Follow-up recorded")
    OUTCOMES_RECORDED = "outcomes.recorded", _("Outcome indicators recorded")
    ACTION_UPDATED = "action.updated", _("The responsible agency updated an action")
    INCIDENT_REPORTED = "incident.reported", _("Incident reported")
    PICTURE_WRITTEN = "picture.written", _("An agency gave its picture before a meeting")
    COORDINATOR_CHANGED = "coordinator.changed", _("Coordinator changed")
    STEP_GIVEN = "step.given", _("A step was given to a colleague")
    CASE_CLOSED = "case.closed", _("Case closed")
    CASE_REOPENED = "case.reopened", _("Case reopened")
    JOURNAL_WRITTEN = "journal.written", _("Journal note written")
    CONCERN_REPORTED = "concern.reported", _("Report of concern recorded")
    CASE_SOCIAL_INTERVENTION = "case.social_intervention", _("Needs-assessed intervention recorded")
    HOLD_PLACED = "hold.placed", _("Legal hold placed: the case is kept from gallring")
    HOLD_LIFTED = "hold.lifted", _("Legal hold lifted")
    CASE_DEIDENTIFIED = "case.deidentified", _("Case de-identified by gallring")


CLOSING_EVENTS = frozenset({EventCode.CASE_CLOSED, EventCode.CASE_DECLINED})


def record_event(case, user, code, **data):
    """Write the case's history row and announce it inside the current transaction."""
    if code not in EventCode.values:
        raise ValueError(f"{code!r} is not in the catalogue of case events (EventCode)")
    event = CaseEvent.objects.create(
        case=case,
        actor=user,
        agency=access.agency_of(user) if user else None,
        action=EventCode(code).value,
        data=data,
        at=timezone.now(),
    )
    case_event_recorded.send(sender=CaseEvent, event=event)
    return event
