"""Readable lines for the case history."""

from django.utils.translation import gettext_lazy as _

from ..models import ClosureReason

LABELS = {
    "case.referred": _("Referral registered"),
    "case.accepted": _("Referral accepted; consent to be obtained"),
    "case.declined": _("Referral declined"),
    "consent.registered": _("Consent registered"),
    "consent.withdrawn": _("Consent withdrawn"),
    "meeting.planned": _("Meeting planned"),
    "meeting.held": _("Meeting held; action plan recorded"),
    "meeting.changed": _("Meeting moved or its place changed"),
    "meeting.cancelled": _("Meeting cancelled"),
    "followup.recorded": _("Follow-up recorded"),
    "case.closed": _("Case closed"),
    "case.reopened": _("Case reopened"),
    "journal.written": _("Journal note written"),
    "concern.reported": _("Report of concern recorded"),
}


def describe(event):
    label = LABELS.get(event.action, event.action)
    reason = event.data.get("reason")
    if event.action in ("case.closed", "case.declined") and reason in ClosureReason.values:
        return f"{label}: {ClosureReason(reason).label}"
    return label
