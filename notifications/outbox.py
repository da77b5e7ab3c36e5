"""Queueing and sending e-mails through the outbox.

``enqueue`` writes the row inside the caller's transaction, already noted as handed over
(``handed_at``), and hands it to Celery only after commit; if the broker refuses it, the note is
taken back, and if the process dies between the commit and the hand-off, the sweep hands the row
over once its note is ``OUTBOX_HANDOFF_SECONDS`` old. ``enqueue_many`` writes many rows in one
INSERT and hands them over in batches. A worker claims rows with one conditional ``UPDATE …
RETURNING`` (``deliver`` one row, ``deliver_many`` up to ``CLAIM`` rows a statement), so two
workers never send the same e-mail at once; it sends each through the SMTP connection its thread
keeps open (``smtp.mailer``) and marks the row sent right after the server took it. A failure leaves
the row queued with a later next attempt (backoff) until the attempts run out; when the server
cannot be reached at all, the rest of the claimed rows wait the same way without trying.
``sweep`` (beat) re-queues rows stuck in "sending" (a worker died mid-send) and hands over due
rows that were never handed over, and again those whose hand-off is older than
``OUTBOX_HANDOFF_SECONDS`` doubled for each hand-off before (lost with the broker, or waiting
for a worker that is away): a worker away for a day comes back to about ten tasks per e-mail,
not one per tick of beat.

Delivery is at least once: a worker killed after the relay accepted an e-mail but before the row
was marked sent leaves it in "sending", and the sweep sends it again after
``OUTBOX_STALE_SECONDS`` (the rows it had claimed but not yet sent wait as long, unsent). An
e-mail is also sent twice when a kept connection breaks after the relay took it but before its
answer came: when a connection that had already sent fails (the server may have closed it
meanwhile), the e-mail is tried once more on a new one. Every attempt carries the same
Message-ID, derived from the row's key (``message_id``), so a repeat is recognisable as the same
e-mail.

``deliver`` and ``deliver_many`` are Celery tasks declared here, beside what they do; they keep
the names they were queued under before (``notifications.tasks.…``), so work queued before an
upgrade is still understood."""

import functools
import hashlib
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection as db
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import smtp
from .models import Outbox, OutboxStatus

CLAIM = 50  # rows deliver_many claims in one statement: all wait in "sending" if it is killed


NOT_HANDED = {"handed_at": None, "handoffs": 0}  # the sweep hands such a row over at once


def _handed(pks):
    Outbox.objects.filter(pk__in=pks).update(handed_at=timezone.now(), handoffs=F("handoffs") + 1)


def _hand_over(pks, send):
    """Note the rows as handed to the workers, then ``send()`` them to the broker; with the
    broker down they stay queued, not handed, for the sweep. Returns whether it took them."""
    _handed(pks)
    try:
        send()
    except Exception:  # noqa: BLE001 - broker down: the rows stay queued for the sweep
        Outbox.objects.filter(pk__in=pks).update(**NOT_HANDED)
        return False
    return True


def _hand_over_each(pks):
    """Hand each row to ``deliver`` as a task of its own, noted as handed in one UPDATE; if the
    broker fails, the rows not yet sent to it are noted as not handed. Returns how many went."""
    _handed(pks)
    for done, pk in enumerate(pks):
        try:
            deliver.delay(pk)
        except Exception:  # noqa: BLE001 - broker down: the rest stay queued for the sweep
            Outbox.objects.filter(pk__in=pks[done:]).update(**NOT_HANDED)
            return done
    return len(pks)


def _dispatch(pk):
    """Hand to ``deliver`` a row noted as handed when it was written (``enqueue``); if the
    broker fails, note it as not handed, for the sweep. Returns whether it went."""
    try:
        deliver.delay(pk)
    except Exception:  # noqa: BLE001 - broker down: the row stays queued for the sweep
        Outbox.objects.filter(pk=pk).update(**NOT_HANDED)
        return False
    return True


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
            # handed as it is written: no UPDATE per e-mail after commit (_dispatch)
            "handed_at": now,
            "handoffs": 1,
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
    if db.vendor == "postgresql":
        _copy_in(rows)
    else:
        Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: _dispatch_keys(keys))


@transaction.atomic
def _copy_in(rows):
    """On PostgreSQL: the rows into a temporary table by COPY, then into the outbox in one
    ``INSERT … SELECT … ON CONFLICT (key) DO NOTHING``. The deadline sweep queues some 17 rows
    per step; Django's batched INSERT of 170 000 spent 30 s building its statements."""
    fields = [f for f in Outbox._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    table = db.ops.quote_name(Outbox._meta.db_table)
    # the model's own table and column names, quoted: nothing from outside goes into the SQL
    shape = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
    with db.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS outbox_incoming ON COMMIT DELETE ROWS AS {shape}"
        )
        with cursor.cursor.copy(f"COPY outbox_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([f.get_db_prep_save(getattr(row, f.attname), db) for f in fields])
        moved = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM outbox_incoming"  # noqa: S608
        cursor.execute(f"{moved} ON CONFLICT (key) DO NOTHING")
        cursor.execute("DELETE FROM outbox_incoming")  # an outer transaction may queue more


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


_SENT_FIELDS = ("key", "to", "subject", "body_text", "body_html", "calendar", "attempts")


def _claim(pks):
    """Claim the rows of ``pks`` that are still queued and due, in one statement (UPDATE …
    RETURNING): "sending", one attempt more, claimed now. Returns them (the fields an e-mail
    needs, and the attempts) in pk order."""
    if not pks:
        return []
    now = db.ops.adapt_datetimefield_value(timezone.now())
    meta, quote = Outbox._meta, db.ops.quote_name
    col = {field.name: quote(field.column) for field in meta.concrete_fields}
    returned = ", ".join(col[name] for name in ("id", *_SENT_FIELDS))
    # "(status = …) IS TRUE" keeps PostgreSQL from the (status, next attempt) index, which it
    # prefers while its statistics still count few queued rows (right after a large enqueue):
    # that would read every due row for each claim; the primary key reads only the batch's
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {col['status']} = %s, "  # noqa: S608 - names, no values
        f"{col['attempts']} = {col['attempts']} + 1, {col['claimed_at']} = %s "
        f"WHERE {col['id']} IN ({', '.join(['%s'] * len(pks))}) "
        f"AND ({col['status']} = %s) IS TRUE AND {col['next_attempt_at']} <= %s "
        f"RETURNING {returned}"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, [OutboxStatus.SENDING, now, *pks, OutboxStatus.QUEUED, now])
        claimed = cursor.fetchall()
    rows = [Outbox(pk=pk, **dict(zip(_SENT_FIELDS, rest, strict=True))) for pk, *rest in claimed]
    return sorted(rows, key=lambda row: row.pk)


@functools.cache
def _sent_sql():
    meta, quote = Outbox._meta, db.ops.quote_name
    col = {field.name: quote(field.column) for field in meta.concrete_fields}
    return (
        f"UPDATE {quote(meta.db_table)} SET {col['status']} = %s, "  # noqa: S608 - names only
        f"{col['sent_at']} = %s, {col['last_error']} = '' "
        f"WHERE {col['id']} = %s AND {col['status']} = %s"
    )


def _mark_sent(pk):
    """The row sent, if it is still claimed ("sending"): one statement, its text built once
    (through the ORM it cost a fifth of a one-e-mail task, issue 11)."""
    now = db.ops.adapt_datetimefield_value(timezone.now())
    with db.cursor() as cursor:
        cursor.execute(_sent_sql(), [OutboxStatus.SENT, now, pk, OutboxStatus.SENDING])


def _message(row):
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to],
        headers={"Message-ID": message_id(row.key)},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.calendar:
        method = next(
            (m for m in ("CANCEL", "PUBLISH") if f"METHOD:{m}" in row.calendar), "REQUEST"
        )
        message.attach("invite.ics", row.calendar, f"text/calendar; method={method}")
    return message


def _failed(row, exc):
    """Back to the queue with backoff (failed after the last attempt), to be handed over again
    by the sweep when it is due."""
    failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.FAILED if failed else OutboxStatus.QUEUED,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + backoff(row.attempts),
        **NOT_HANDED,
    )


def _send_claimed(rows):
    """Send claimed rows in turn, marking each sent as soon as the server took it. Rows still
    unsent when the claim is half as old as ``OUTBOX_STALE_SECONDS`` (a slow server) are put
    back, so the sweep never re-queues a row this worker is about to send. Returns (how many
    went, the pks put back)."""
    claimed, sent, down = time.monotonic(), 0, None
    for n, row in enumerate(rows):
        if down is not None:
            _failed(row, down)
            continue
        if n and time.monotonic() - claimed > settings.OUTBOX_STALE_SECONDS / 2:
            rest = [row.pk for row in rows[n:]]
            Outbox.objects.filter(pk__in=rest, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.QUEUED, attempts=F("attempts") - 1
            )
            return sent, rest
        try:
            smtp.mailer.send(_message(row))
        except smtp.Unreachable as exc:
            down = exc.__cause__  # the rest of the rows fail with it, untried
            _failed(row, down)
            continue
        except Exception as exc:  # noqa: BLE001 - any SMTP or network failure
            _failed(row, exc)
            continue
        _mark_sent(row.pk)
        sent += 1
    return sent, []


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(pk):
    """Send one queued e-mail if it is still queued and due. Safe to call twice."""
    sent, _put_back = _send_claimed(_claim([pk]))
    return sent == 1


@shared_task(name="notifications.tasks.deliver_many", ignore_result=True)
def deliver_many(pks):
    """Send a batch of queued e-mails, claimed ``CLAIM`` at a time, through the worker's kept
    SMTP connection (a failed e-mail is left for its retry; the next still goes); returns how
    many went."""
    pending, sent = list(pks), 0
    while pending:
        went, put_back = _send_claimed(_claim(pending[:CLAIM]))
        pending = put_back + pending[CLAIM:]
        sent += went
    return sent


DOUBLINGS = 10  # the n-th hand-off again waits OUTBOX_HANDOFF_SECONDS × 2^(n-1), at most 2^10


def _handed_long_ago(now):
    """Rows whose last hand-off is older than ``OUTBOX_HANDOFF_SECONDS`` doubled for each
    hand-off before it: a row waiting in the broker for a worker that is away is handed again
    after 2, 4, 8 … minutes (about ten times a day), not at every tick of beat."""
    wait = timedelta(seconds=settings.OUTBOX_HANDOFF_SECONDS)
    again = Q(handoffs__gt=DOUBLINGS, handed_at__lt=now - wait * 2**DOUBLINGS)
    for n in range(1, DOUBLINGS + 1):
        again |= Q(handoffs=n, handed_at__lt=now - wait * 2 ** (n - 1))
    return again


def sweep():
    """Re-queue rows stuck in "sending" and hand due queued rows to the workers: those never
    handed over at once, those handed over long ago (``_handed_long_ago``) again. Its cost
    grows with what is due (one indexed query), not with the outbox."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    requeued = Outbox.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=stale).update(
        status=OutboxStatus.QUEUED, next_attempt_at=now, **NOT_HANDED
    )
    due = list(
        Outbox.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        .filter(Q(handed_at__isnull=True) | _handed_long_ago(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )
    return requeued, _hand_over_each(due)
