"""Readable lines for the case history: each event's label from the catalogue, and the coded
reason of a closure."""

from sspf_flow.events import CLOSING_EVENTS, EventCode
from sspf_flow.models import ClosureReason


def describe(event):
    label = EventCode(event.action).label
    reason = event.data.get("reason")
    if event.action in CLOSING_EVENTS and reason in ClosureReason.values:
        return f"{label}: {ClosureReason(reason).label}"
    return label
