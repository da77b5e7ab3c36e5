"""Queueing and sending e-mails through the outbox.

``enqueue`` writes the row inside the caller's transaction and hands it to Celery only after
commit, noting when (``handed_at``); ``deliver`` claims the row with a conditional UPDATE, so two
workers never send the same e-mail at once; a failure leaves the row queued with a later next
attempt (backoff) until the attempts run out; ``sweep`` (beat) re-queues rows stuck in "sending"
(a worker died mid-send) and hands over due rows that were never handed over or whose hand-off is
older than ``OUTBOX_HANDOFF_SECONDS`` (lost with the broker) — each row once, so a worker that was
away does not come back to thousands of redundant tasks.

Delivery is at least once: a worker killed after the relay accepted an e-mail but before the row
was marked sent leaves it in "sending", and the sweep sends it again after
``OUTBOX_STALE_SECONDS``. Every attempt carries the same Message-ID, derived from the row's key
(``message_id``), so a repeat is recognisable as the same e-mail.

``deliver`` and ``deliver_many`` are Celery tasks declared here, beside what they do; they keep
the names they were queued under before (``notifications.tasks.…``), so work queued before an
upgrade is still understood."""

import hashlib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Outbox, OutboxStatus


def _hand_over(pks, send):
    """Note the rows as handed to the workers, then ``send()`` them to the broker; with the
    broker down they stay queued, not handed, for the sweep. Returns whether it took them."""
    Outbox.objects.filter(pk__in=pks).update(handed_at=timezone.now())
    try:
        send()
    except Exception:  # noqa: BLE001 - broker down: the rows stay queued for the sweep
        Outbox.objects.filter(pk__in=pks).update(handed_at=None)
        return False
    return True


def _dispatch(pk):
    return _hand_over([pk], lambda: deliver.delay(pk))


def message_id(key):
    """The Message-ID of every attempt to send the row with ``key``: the same each time."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "sspf.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def enqueue(key, kind, to, subject, body_text, body_html="", recipient=None, calendar=""):
    """Queue one e-mail; the same key twice queues it once. Returns the row."""
    now = timezone.now()
    row, created = Outbox.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to": to,
            "recipient": recipient,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
            "calendar": calendar,
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    if created:
        transaction.on_commit(lambda: _dispatch(row.pk))
    return row


def enqueue_many(rows):
    """Queue unsaved Outbox rows in one INSERT; keys already queued are skipped. After commit
    the new rows go to the workers in batches (the sweep picks up any the broker missed)."""
    if not rows:
        return
    now = timezone.now()
    for row in rows:
        row.created_at = row.next_attempt_at = now
    Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: _dispatch_keys(keys))


def _dispatch_keys(keys, chunk=200):
    pks = list(
        Outbox.objects.filter(key__in=keys, status=OutboxStatus.QUEUED).values_list("pk", flat=True)
    )
    for start in range(0, len(pks), chunk):
        batch = pks[start : start + chunk]
        if not _hand_over(batch, lambda batch=batch: deliver_many.delay(batch)):
            return  # the rest were never handed over: the sweep sends them


def backoff(attempts):
    """Minutes to wait after the n-th failed attempt: 1, 2, 4, 8 … up to a day."""
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(pk, connection=None):
    """Send one queued e-mail if it is still queued and due. Safe to call twice. ``connection``
    is an open SMTP connection to reuse (``deliver_many``); without one, the e-mail opens its
    own."""
    now = timezone.now()
    claimed = Outbox.objects.filter(
        pk=pk, status=OutboxStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return False
    row = Outbox.objects.get(pk=pk)
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to],
        headers={"Message-ID": message_id(row.key)},
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in row.calendar else "REQUEST"
        message.attach("invite.ics", row.calendar, f"text/calendar; method={method}")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any SMTP or network failure
        failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        Outbox.objects.filter(pk=pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + backoff(row.attempts),
            handed_at=None,  # the sweep hands it over again when it is due
        )
        return False
    Outbox.objects.filter(pk=pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


@shared_task(name="notifications.tasks.deliver_many", ignore_result=True)
def deliver_many(pks):
    """Send a batch of queued e-mails, each as ``deliver``, through one SMTP connection (a
    failed e-mail is left for its retry; the next still goes); returns how many went."""
    connection = get_connection()
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - SMTP down: each e-mail fails on its own, and waits
        connection = None
    try:
        return sum(1 for pk in pks if deliver(pk, connection=connection))
    finally:
        if connection is not None:
            connection.close()


def sweep():
    """Re-queue rows stuck in "sending" and hand due queued rows to the workers, each row once
    (again only when its hand-off is older than ``OUTBOX_HANDOFF_SECONDS``). Its cost grows
    with what is due (one indexed query), not with the outbox."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    requeued = Outbox.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=stale).update(
        status=OutboxStatus.QUEUED, next_attempt_at=now, handed_at=None
    )
    lost = now - timedelta(seconds=settings.OUTBOX_HANDOFF_SECONDS)
    due = list(
        Outbox.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        .filter(Q(handed_at__isnull=True) | Q(handed_at__lt=lost))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )
    dispatched = sum(1 for pk in due if _dispatch(pk))
    return requeued, dispatched
