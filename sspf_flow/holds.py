"""Legal holds: the coordinator stops gallring of one case while, say, a request for its records
or an investigation is pending, and lifts the hold when it is over. Same door as ``services``
(permission, the case row locked, the guards, a CaseEvent); the hold is in force from the moment
it commits, and ``retention`` asks for it again with the case row locked before it touches the
case."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .door import _changing
from .events import EventCode, record_event
from .models import HoldReason, LegalHold
from .refusals import about, refuse_if


def hold_in_force(case):
    return LegalHold.objects.filter(case=case, lifted_at__isnull=True).first()


def no_hold_in_force(case):
    """A case has one hold in force at a time: lift it before placing another."""
    if hold_in_force(case):
        return about(None, _("The case already has a legal hold in force."))
    return None


def hold_reason_stated(reason, text):
    """A hold names why: a coded reason and a few words (what request, which investigation)."""
    if reason not in HoldReason.values:
        return about("reason", _("Choose why the case is held."))
    if not text.strip():
        return about("text", _("Say what the hold is about (e.g. the request and its date)."))
    return None


def a_hold_in_force(case):
    """Only a hold in force can be lifted."""
    if not hold_in_force(case):
        return about(None, _("The case has no legal hold in force."))
    return None


def place_hold(case, user, reason, text):
    """From now on gallring keeps ``case``, whatever the rules say, until the hold is lifted."""
    with _changing(case, user) as locked:
        refuse_if(no_hold_in_force(locked), hold_reason_stated(reason, text))
        LegalHold.objects.create(
            case=locked, reason=reason, text=text.strip(), placed_by=user, placed_at=timezone.now()
        )
        record_event(locked, user, EventCode.HOLD_PLACED, reason=reason)


def lift_hold(case, user):
    """The hold is over: the case follows the rules again from the next run."""
    with _changing(case, user) as locked:
        refuse_if(a_hold_in_force(locked))
        hold = hold_in_force(locked)
        hold.lifted_by, hold.lifted_at = user, timezone.now()
        hold.save(update_fields=["lifted_by", "lifted_at"])
        record_event(locked, user, EventCode.HOLD_LIFTED, reason=hold.reason)
