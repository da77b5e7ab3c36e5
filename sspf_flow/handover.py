"""Absence: a case changes coordinator — one case from its page, or every open case of one
coordinator handed to a colleague at once. Same door as ``services`` (permission, the case row
locked, guards, a CaseEvent): the case's open steps follow to the new coordinator, the steps
still to come go to them as the flow assigns steps to the case's coordinator; the
notifications hear of it by the event (both menu badges, an e-mail to the new coordinator)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.status import STATUS

from . import access, guards
from .events import EventCode, record_event
from .models import Case, Status
from .models.process import CaseTask, processes_of
from .refusals import refuse_if
from .services import _changing

HELD = [STATUS.ASSIGNED, STATUS.STARTED]  # a step someone has taken: in their inbox


def change_coordinator(case, user, new, reason):
    """``new`` coordinates ``case`` from now on; its steps in the old coordinator's inbox move
    to theirs. ``reason`` is kept in the case's history."""
    with _changing(case, user) as locked:
        old = locked.coordinator
        refuse_if(guards.new_coordinator_valid(locked, new, reason))
        locked.coordinator = new
        locked.save(update_fields=["coordinator"])
        for task in CaseTask.objects.filter(
            process__in=processes_of(locked), owner=old, status__in=HELD
        ):
            task.owner = new
            task.save()  # the task's deadline follows its holder (casework.workflow.due)
        record_event(
            locked,
            user,
            EventCode.COORDINATOR_CHANGED,
            old=old.pk if old else None,
            new=new.pk,
            reason=reason.strip(),
        )


@transaction.atomic
def hand_over(user, absent, colleague, reason):
    """Every open case ``absent`` coordinates in the user's municipality goes to
    ``colleague`` (``change_coordinator`` for each, in one transaction). Returns how many."""
    agency = access.agency_of(user)
    if not access.is_coordinator(user):
        raise PermissionDenied
    refuse_if(guards.another_coordinator(absent.pk, colleague, field="colleague"))
    cases = Case.objects.filter(coordinator=absent, municipality_id=agency.municipality_id).exclude(
        status=Status.CLOSED
    )
    count = 0
    for case in cases.order_by("pk"):
        change_coordinator(case, user, colleague, reason)
        count += 1
    return count
