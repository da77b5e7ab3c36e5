"""The rules that can refuse a joint commitment (seed 001: "gemensamma åtaganden"): each
returns ``None`` or the reason, in Swedish on the page. ``operative.commitments`` refuses with
them (``refuse_if``: a refusal writes nothing); the forms show the same reasons in ``clean``."""

from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.refusals import about

from .guards import no_identity_number
from .models import CommitmentStatus, GroupMeetingStatus


def records_commitments(user, group):
    """The chair, the secretary or the municipality's coordinator records what the meeting
    agreed, as they write its minutes."""
    if access.plans_group_meetings(user, group):
        return None
    return _(
        "Only the group's chair or secretary, or the municipality's coordinator, records joint "
        "commitments."
    )


def made_at_the_meeting(meeting, now):
    """A commitment is made at a meeting that has begun (or was held), not a cancelled one."""
    if meeting.status == GroupMeetingStatus.CANCELLED:
        return _("The meeting was cancelled: no commitments were made at it.")
    if meeting.starts_at > now:
        return _("The meeting has not begun yet: commitments are recorded once it has.")
    return None


def agency_of_the_group(agency, group):
    """The responsible agency is one that sits in the group (it answers for it next time)."""
    if agency is not None and not group.members.filter(agency=agency).exists():
        return about("agency", _("Choose an agency that has a member in the group."))
    return None


def due_after_the_meeting(due, meeting_day):
    """A commitment is due after the day it was made."""
    if due is not None and due <= meeting_day:
        return about("due", _("Choose a due date after the meeting."))
    return None


def names_no_one(text):
    """The commitment is about what is to be done, not about whom: no identity numbers."""
    return no_identity_number("text", text)


def keeps_the_commitment(user, commitment):
    """Its status is updated by the responsible agency's members of the group and by the
    chair, the secretary or the coordinator (``access.updates_commitment``)."""
    if access.updates_commitment(user, commitment):
        return None
    return _(
        "Only the responsible agency's members of the group, its chair or secretary, or the "
        "coordinator, update this commitment."
    )


def not_done_explained(status, comment):
    """A commitment that was not done says why, so that the next meeting can decide again."""
    if status == CommitmentStatus.NOT_DONE and not (comment or "").strip():
        return about("comment", _("Say in the comment why it was not done."))
    return None


def comment_names_no_one(comment):
    return no_identity_number("comment", comment)
