"""Readable lines for the case history: each event's label from the catalogue, the coded reason
of a closure, and an acceptance outside the target group."""

from django.utils.translation import gettext as _

from sspf_flow.events import CLOSING_EVENTS, EventCode
from sspf_flow.models import ClosureReason


def describe(event):
    label = EventCode(event.action).label
    reason = event.data.get("reason")
    if event.action in CLOSING_EVENTS and reason in ClosureReason.values:
        return f"{label}: {ClosureReason(reason).label}"
    if event.action == EventCode.CASE_ACCEPTED and event.data.get("outside_target_group"):
        outside = _("outside the target group, with a reason")
        return f"{label} ({outside})"
    return label
