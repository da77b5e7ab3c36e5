"""The door's frame: every change of a case (``services``, ``handover``) runs inside
``_changing`` — permission, the case row locked, and the state the caller saw still current."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import access, refusals
from .models import Case
from .refusals import TransitionRefused


def changed_meanwhile(case):
    """The refusal for a step whose case someone else changed while it waited (e.g. the case
    was closed while its meeting was being planned): the case's status now, in words."""
    return TransitionRefused([refusals.conflict(Case.objects.get(pk=case.pk).status)])


@contextmanager
def _changing(case, user, allowed=access.can_coordinate):
    """Permission, then the row lock; the case seen by the caller must still be current."""
    if not allowed(user, case):
        raise PermissionDenied
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status != case.status:
                raise TransitionRefused([refusals.conflict(locked.status)])
            yield locked
    except TransitionNotAllowed as exc:
        raise TransitionRefused([refusals.not_now(case.status)]) from exc
    except ConcurrentTransition as exc:
        raise changed_meanwhile(case) from exc
    case.refresh_from_db()
