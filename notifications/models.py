"""The outbox (one row per recipient and event, written in the same transaction as the event,
sent after commit by Celery, never twice), the deadlines the ladder watches, and each user's
choice of immediate mail or a daily digest."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ADDRESS = re.compile(r"([\w.+'-]+)@([\w-]+(?:\.[\w-]+)*)")


def _masked(match):
    local, domain = match.groups()
    first, _dot, rest = domain.partition(".")
    top = f".{rest.rsplit('.', 1)[-1]}" if rest else ""
    return f"{local[0]}***@{first[0]}***{top}"


def mask(text):
    """``text`` with every e-mail address masked: "sara.s@exempel.se" → "s***@e***.se". An
    address is never shown where a case is (a guardian's private address among them)."""
    return ADDRESS.sub(_masked, text or "")


class OutboxKind(models.TextChoices):
    """What an e-mail is about: the folder of its templates under ``templates/email/``."""

    TASK = "task", _("A task waiting")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
    MEETING_CHANGED = "meeting_changed", _("Meeting changed")
    MEETING_CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    MEETING_REMINDER = "meeting_reminder", _("Meeting reminder")
    ACTION = "action", _("Action due")
    FOLLOW_UP = "follow_up", _("Follow-up due")
    CONSENT_EXPIRY = "consent_expiry", _("Consent ending")
    CONSENT_PENDING = "consent_pending", _("Waiting for consent")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ACTION_UPDATED = "action_updated", _("An agency updated its action")
    INCIDENT_REPORTED = "incident_reported", _("Incident reported")
    COORDINATOR_CHANGED = "coordinator_changed", _("Coordinator changed")
    MEETING_PROTOCOL = "meeting_protocol", _("Meeting protocol to read")
    MEETING_PICTURE = "meeting_picture", _("The agency's picture before a meeting")
    GROUP_SERIES_PLANNED = "group_series_planned", _("Operative group: meetings planned")
    GROUP_MEETING_CHANGED = "group_meeting_changed", _("Operative group: meeting moved")
    GROUP_MEETING_CANCELLED = "group_meeting_cancelled", _("Operative group: meeting cancelled")
    GROUP_MEETING_REMINDER = "group_meeting_reminder", _("Operative group: meeting tomorrow")
    GROUP_COMMITMENT_DUE = "group_commitment_due", _("Operative group: joint commitment due")
    GROUP_COMMITMENT_OVERDUE = (
        "group_commitment_overdue",
        _("Operative group: joint commitment overdue"),
    )
    TOP5_SELECTION_DUE = "top5_selection_due", _("Top 5: time for the selection meeting")
    DIGEST = "digest", _("Daily summary")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Outbox(models.Model):
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60, choices=OutboxKind.choices)
    to = models.EmailField(_("recipient"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recipient user"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar invitation (iCalendar)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # when the row was last handed to the workers, and how many times in a row it was handed
    # without being sent: the sweep hands it over again only when that hand-off is older than
    # SSPF_OUTBOX_HANDOFF_SECONDS, doubled for each hand-off before (outbox.sweep)
    handed_at = models.DateTimeField(_("handed to the workers"), null=True, blank=True)
    handoffs = models.PositiveSmallIntegerField(_("hand-offs"), default=0, db_default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {mask(self.to)} ({self.get_status_display()})"


class DeadlineKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    ACTION = "action", _("Action in the plan")
    CONSENT_EXPIRY = "consent_expiry", _("Consent ends")
    CONSENT_PENDING = "consent_pending", _("Waiting for consent")
    MEETING = "meeting", _("Meeting")
    MEETING_PICTURE = "meeting_picture", _("The agencies' pictures before a meeting")


class Deadline(models.Model):
    """One dated thing the ladder watches: the case's next follow-up, an open action, the end of
    the case's consent, a case waiting for consent, a planned meeting (its day, and the invited
    agencies' pictures before it). ``level`` is the next
    step of the ladder to send and ``fire_at`` when; null once every step is sent. Rows are
    kept in step with the case by ``notifications.deadlines.sync`` inside each change's
    transaction, so the sweep only reads the rows whose ``fire_at`` has come."""

    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    case = models.ForeignKey(
        "sspf_flow.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    due = models.DateField(_("due"))
    level = models.PositiveSmallIntegerField(_("next step"), default=0)
    fire_at = models.DateTimeField(_("next step at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="deadline_once")]
        indexes = [
            models.Index(
                fields=["fire_at"],
                name="deadline_pending",
                condition=models.Q(fire_at__isnull=False),
            ),
            # a case's deadlines of a kind, and which are overdue (the overview, the badge)
            models.Index(fields=["case", "kind", "due"], name="deadline_case_due"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.due}"


class OverdueCount(models.Model):
    """A coordinator's menu badge: how many follow-ups and actions of her open cases were
    overdue on ``day``, counted for ``municipality`` while her deadlines stood at
    ``counted_version``. ``deadlines.sync`` raises ``version`` in the transaction that changes
    one of her follow-up or action deadlines, so a count is read back only while nothing it
    counted has changed since (``notifications.badge``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    counted_version = models.PositiveIntegerField(_("counted at version"), null=True, blank=True)
    day = models.DateField(_("counted on"), null=True, blank=True)
    municipality_id = models.PositiveBigIntegerField(_("municipality"), null=True, blank=True)
    count = models.PositiveIntegerField(_("overdue"), default=0)

    class Meta:
        verbose_name = _("overdue count")
        verbose_name_plural = _("overdue counts")

    def __str__(self):
        return f"{self.user_id}: {self.count}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("An e-mail at once")
    DIGEST = "digest", _("A daily summary")
    OFF = "off", _("No e-mail")


class Topic(models.TextChoices):
    """What a user may choose the delivery of. Escalations and meeting invitations are not
    here: an escalation always comes at once, and an invitation carries the calendar entry."""

    TASK = "task", _("Tasks waiting for me or my role")
    REMINDER = "reminder", _("Reminders and deadlines of my cases and actions")
    MEETING = "meeting", _("Reminders the day before a meeting")
    CONSENT = "consent", _("Consent ending or withdrawn")


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="preference_once")]

    def __str__(self):
        return f"{self.user}: {self.topic} → {self.delivery}"


class DigestItem(models.Model):
    """A notice held for a user's daily summary; ``sent_on`` is set when the summary is queued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    line = models.CharField(_("line"), max_length=300)
    link = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created"))
    sent_on = models.DateField(_("sent in the summary of"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="digest_pending",
                condition=models.Q(sent_on__isnull=True),
            )
        ]

    def __str__(self):
        return self.line
