"""The one door for joint commitments (seed 001: "gemensamma åtaganden"): recorded at a meeting
by its chair, secretary or the coordinator; kept (open, done, not done, with a comment) by the
responsible agency's members; followed up on the next meetings' agendas (``agenda``) and on
their own small deadline ladder here: a reminder ``reminder_days`` (the municipality's ladder
setting) before the due date and a notice the day after it, to the responsible agency's members
of the group, each claimed by a conditional UPDATE of ``reminded_at`` / ``overdue_at`` in the
transaction that queues its e-mails, so each goes once however often beat runs.

The case ladder's ``Deadline`` rows need a case; a commitment has none, so it carries its two
claims itself, like the meetings' day-before reminder (``services.send_reminders``)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sspf_flow.refusals import refuse_if

from . import commitment_guards as guards
from . import notices
from .models import Commitment, CommitmentStatus, GroupMeeting


@transaction.atomic
def record_commitment(meeting, user, *, text, agency, due):
    """A joint commitment made at ``meeting``: what is to be done (naming no one), the member
    agency responsible and by when."""
    meeting = GroupMeeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    now = timezone.now()
    refuse_if(
        guards.records_commitments(user, meeting.group),
        guards.made_at_the_meeting(meeting, now),
        guards.agency_of_the_group(agency, meeting.group),
        guards.due_after_the_meeting(due, timezone.localdate(meeting.starts_at)),
        guards.names_no_one(text),
    )
    return Commitment.objects.create(
        meeting=meeting, text=text, agency=agency, due=due, made_by=user, made_at=now
    )


@transaction.atomic
def update_commitment(commitment, user, *, status, comment=""):
    """Its status (open, done, not done) and a comment, by the responsible agency's members or
    the chair, the secretary or the coordinator. Reopened, it is followed up again."""
    commitment = (
        Commitment.objects.select_for_update()
        .select_related("meeting__group")
        .get(pk=commitment.pk)
    )
    refuse_if(
        guards.keeps_the_commitment(user, commitment),
        guards.not_done_explained(status, comment),
        guards.comment_names_no_one(comment),
    )
    commitment.status, commitment.comment = status, comment
    commitment.updated_by, commitment.updated_at = user, timezone.now()
    commitment.save(update_fields=["status", "comment", "updated_by", "updated_at"])
    return commitment


def _claim(pks, field, now, tell):
    """Claim each commitment's ``field`` (still empty, the commitment still open) and tell,
    in one transaction per commitment."""
    sent = 0
    for pk in list(pks):
        with transaction.atomic():
            claimed = Commitment.objects.filter(
                pk=pk, status=CommitmentStatus.OPEN, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if claimed:
                tell(Commitment.objects.select_related("meeting__group").get(pk=pk))
                sent += 1
    return sent


def send_commitment_notices(now=None):
    """Beat: from ``SSPF_NOTIFY_HOUR``, remind of each open commitment whose due date is within
    its municipality's ``reminder_days`` (and not passed), and tell of each open one whose due
    date has passed; each once. Returns (reminded, overdue)."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < settings.NOTIFY_HOUR:
        return 0, 0
    today = timezone.localdate(now)
    open_ = Commitment.objects.filter(status=CommitmentStatus.OPEN)
    coming = open_.filter(reminded_at__isnull=True, due__gte=today).values_list(
        "pk", "due", "meeting__group__municipality__reminder_days"
    )
    within = [pk for pk, due, days in coming if due - today <= dt.timedelta(days=days)]
    reminded = _claim(within, "reminded_at", now, notices.commitment_due)
    passed = open_.filter(overdue_at__isnull=True, due__lt=today).values_list("pk", flat=True)
    overdue = _claim(passed, "overdue_at", now, notices.commitment_overdue)
    return reminded, overdue
