"""The outbox: queued with the event, sent after commit, never twice; a failure waits and tries
again with backoff; the sweep re-queues what got stuck and sends what was never handed over."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from notifications import outbox, smtp
from notifications.models import Outbox, OutboxStatus


class DownBackend(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "service not available")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def hand_over_now(pk):
    """What a worker does with the hand-off, done at once (the worker itself runs in the
    integration tests)."""
    outbox.deliver(pk)


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setattr(outbox.deliver, "delay", hand_over_now)


def queue(key="case.1.invite.7", **changes):
    fields = {
        "kind": "invitation",
        "to": "kontakt@exempel.invalid",
        "subject": "Kallelse SSPF-2026-0001",
        "body_text": "Se länken.",
        **changes,
    }
    return outbox.enqueue(key, **fields)


def test_the_same_event_and_recipient_is_queued_once(db):
    assert queue().pk == queue().pk
    assert Outbox.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_or_sent_when_the_event_rolls_back(eager):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the event failed")
    assert not Outbox.objects.exists() and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_sent_after_commit_and_only_once(eager):
    with transaction.atomic():
        row = queue()
        assert not mail.outbox  # not before the commit
    assert len(mail.outbox) == 1
    assert outbox.deliver(row.pk) is False  # a second delivery finds nothing to claim
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (OutboxStatus.SENT, 1, 1)


def test_smtp_down_keeps_the_row_queued_with_backoff(db, settings):
    row = queue()
    settings.EMAIL_BACKEND = "tests.test_outbox.DownBackend"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == OutboxStatus.QUEUED and "SMTPConnectError" in row.last_error
    assert row.next_attempt_at == start + dt.timedelta(minutes=1)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert outbox.deliver(row.pk) is False  # not due yet: not even tried
    row.refresh_from_db()
    assert row.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert outbox.deliver(row.pk) is True  # SMTP is back: sent once
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_row_is_failed(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = queue()
    moment = timezone.now()
    for _attempt in range(2):
        with time_machine.travel(moment, tick=False):
            outbox.deliver(row.pk)
        moment += dt.timedelta(hours=1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_commit_is_sent_by_the_sweep_once(eager, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(outbox.deliver, "delay", broker_down)
    with transaction.atomic():
        row = queue()
    assert not mail.outbox and Outbox.objects.get(pk=row.pk).status == OutboxStatus.QUEUED
    monkeypatch.setattr(outbox.deliver, "delay", hand_over_now)  # the broker is back
    assert outbox.sweep() == (0, 1)
    assert outbox.sweep() == (0, 0)  # the second sweep sends nothing
    assert len(mail.outbox) == 1


def test_a_row_stuck_in_sending_is_queued_again(db, eager, settings):
    row = queue()
    Outbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    requeued, dispatched = outbox.sweep()
    assert (requeued, dispatched) == (1, 1)
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_each_row_is_handed_to_the_workers_once_while_they_are_away(monkeypatch, settings):
    """A worker away while beat ticks: the sweep does not hand the same rows over again on
    every tick (they would pile up in the broker), only once their hand-off is older than
    OUTBOX_HANDOFF_SECONDS (a broker that lost it)."""
    handed = []
    monkeypatch.setattr(outbox.deliver, "delay", handed.append)  # the worker is away
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with transaction.atomic():
            rows = [queue(key=f"case.1.invite.{n}") for n in range(3)]
        assert sorted(handed) == sorted(row.pk for row in rows)  # after commit, once each
        for _tick in range(5):
            assert outbox.sweep() == (0, 0)
    later = start + dt.timedelta(seconds=settings.OUTBOX_HANDOFF_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert outbox.sweep() == (0, 3)  # lost with the broker, perhaps: handed over again
        assert outbox.sweep() == (0, 0)
    assert len(handed) == 6 and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_an_e_mail_is_handed_over_after_commit_without_writing_again(monkeypatch, settings):
    """``enqueue`` notes the row as handed as it writes it: the hand-off after commit only
    talks to the broker. If the process dies between the commit and the hand-off, the sweep
    hands the row over once the note is OUTBOX_HANDOFF_SECONDS old, once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    handed = []
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        monkeypatch.setattr(outbox.deliver, "delay", handed.append)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            row = queue()
        assert handed == [row.pk] and not statements(queries, "UPDATE")
        stored = Outbox.objects.get(pk=row.pk)
        assert (stored.handed_at, stored.handoffs) == (start, 1)

        monkeypatch.setattr(transaction, "on_commit", lambda func, **kwargs: None)  # dies
        with transaction.atomic():
            lost = queue(key="case.1.invite.8")
        assert handed == [row.pk] and outbox.sweep() == (0, 0)
    due = start + dt.timedelta(seconds=settings.OUTBOX_HANDOFF_SECONDS + 1)
    with time_machine.travel(due, tick=False):
        assert outbox.sweep() == (0, 2)  # the lost one, and the first in case the broker lost it
        assert outbox.sweep() == (0, 0)
    assert sorted(handed) == sorted([row.pk, row.pk, lost.pk])


def test_every_attempt_carries_the_same_message_id(db, eager, settings):
    """A repeat (SMTP failed, or a worker died after the relay took it) is the same e-mail to
    the recipient's mail system: one Message-ID, derived from the row's key."""
    row = queue()
    settings.EMAIL_BACKEND = "tests.test_outbox.DownBackend"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox.deliver(row.pk) is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert outbox.sweep() == (0, 1)  # due again, and no longer counted as handed over
    Outbox.objects.filter(pk=row.pk).update(  # as if the worker died after the relay took it
        status=OutboxStatus.SENDING, claimed_at=start
    )
    with time_machine.travel(start + dt.timedelta(seconds=settings.OUTBOX_STALE_SECONDS + 200)):
        assert outbox.sweep() == (1, 1)
    ids = {message.message()["Message-ID"] for message in mail.outbox}
    assert len(mail.outbox) == 2 and ids == {outbox.message_id(row.key)}
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >")
    assert outbox.message_id(row.key).endswith(f"@{domain}>")


def test_a_worker_killed_mid_send_is_reclaimed_within_two_minutes_by_default(settings):
    from project import settings as defaults

    assert defaults.OUTBOX_STALE_SECONDS <= 120 and defaults.OUTBOX_HANDOFF_SECONDS <= 120


def test_every_kind_of_e_mail_has_a_label():
    """The admin's outbox names each e-mail's kind in Swedish, never by its template folder."""
    from pathlib import Path

    from notifications.models import OutboxKind

    folders = {
        path.name
        for path in (
            Path(__file__).resolve().parent.parent / "notifications/templates/email"
        ).iterdir()
        if path.is_dir()
    }
    assert folders == set(OutboxKind.values)


def test_a_broker_that_is_down_does_not_keep_the_request_waiting(monkeypatch):
    """With Redis as the broker, a hand-off it cannot take fails at the first try (no publish
    retries, no connection retries while a request waits): the row stays queued for the sweep.
    Measured in docs/performance.md: 0.6 s per hand-off before, 0.001–0.05 s after."""
    import importlib

    from project import settings as project_settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    on_redis = importlib.reload(project_settings)
    try:
        assert on_redis.CELERY_BROKER_URL.startswith("redis://")
        assert on_redis.CELERY_TASK_PUBLISH_RETRY is False
        assert on_redis.CELERY_BROKER_TRANSPORT_OPTIONS == {"max_retries": 0}
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


class CountingBackend(BaseEmailBackend):
    """Counts the connections opened and the e-mails sent through each."""

    opened = []

    def open(self):
        CountingBackend.opened.append(0)
        return True

    def send_messages(self, messages):
        if not CountingBackend.opened:  # an e-mail sent on its own opens its own connection
            self.open()
        CountingBackend.opened[-1] += len(messages)
        return len(messages)


def test_a_batch_goes_through_one_smtp_connection(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.CountingBackend"
    CountingBackend.opened = []
    rows = [queue(key=f"case.1.invite.{n}") for n in range(5)]
    assert outbox.deliver_many([row.pk for row in rows]) == 5
    assert CountingBackend.opened == [5]  # one connection, five e-mails
    assert set(Outbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_batch_while_smtp_is_down_leaves_each_row_for_its_retry(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.DownBackend"
    rows = [queue(key=f"case.1.invite.{n}") for n in range(3)]
    assert outbox.deliver_many([row.pk for row in rows]) == 0
    for row in Outbox.objects.all():
        assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 1)
        assert "SMTPConnectError" in row.last_error


@pytest.fixture(autouse=True)
def _no_kept_connection():
    """Each test starts without the SMTP connection a worker thread keeps between e-mails."""
    smtp.mailer.close()
    yield
    smtp.mailer.close()


def statements(queries, start):
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(start)]


def test_a_batch_is_claimed_in_one_statement_and_each_row_marked_as_it_goes(db, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [queue(key=f"case.1.invite.{n}") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert outbox.deliver_many([row.pk for row in rows]) == 5
    claims = [sql for sql in statements(queries, "UPDATE") if "RETURNING" in sql.upper()]
    assert len(claims) == 1  # claimed, with every field the e-mails need, in one statement
    assert len(queries) == 1 + 5 and not statements(queries, "SELECT")  # then one UPDATE each
    assert len(mail.outbox) == 5
    for row in Outbox.objects.all():
        assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, "")
        assert row.claimed_at is not None and row.sent_at >= row.claimed_at


def test_a_large_batch_is_claimed_a_part_at_a_time(db, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(outbox, "CLAIM", 2)
    rows = [queue(key=f"case.1.invite.{n}") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert outbox.deliver_many([row.pk for row in rows]) == 5
    assert len([sql for sql in statements(queries, "UPDATE") if "RETURNING" in sql.upper()]) == 3


class RefusesOne(BaseEmailBackend):
    """A server that refuses one recipient and takes every other e-mail."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["vem@exempel.invalid"]:
                raise smtplib.SMTPRecipientsRefused({"vem@exempel.invalid": (550, b"no such")})
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failure_in_the_middle_of_a_batch_leaves_that_row_for_its_retry(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.RefusesOne"
    rows = [queue(key=f"case.1.invite.{n}") for n in range(2)]
    rows.insert(1, queue(key="case.1.invite.x", to="vem@exempel.invalid"))
    rows.append(queue(key="case.1.invite.3"))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox.deliver_many([row.pk for row in rows]) == 3
    refused = Outbox.objects.get(key="case.1.invite.x")
    assert (refused.status, refused.attempts) == (OutboxStatus.QUEUED, 1)
    assert refused.next_attempt_at == start + dt.timedelta(minutes=1) and not refused.handed_at
    assert "SMTPRecipientsRefused" in refused.last_error
    others = Outbox.objects.exclude(pk=refused.pk)
    assert {row.status for row in others} == {OutboxStatus.SENT} and len(mail.outbox) == 3


class Relay(BaseEmailBackend):
    """A connection to a relay that can drop it: counts the connections opened; after
    ``Relay.drop()`` every connection opened before fails as a server's closed socket does."""

    opened = 0
    closed = 0
    generation = 0

    def open(self):
        Relay.opened += 1
        self.generation = Relay.generation
        return True

    def close(self):
        Relay.closed += 1

    def send_messages(self, messages):
        if self.generation != Relay.generation:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)

    @classmethod
    def drop(cls):
        cls.generation += 1


@pytest.fixture
def relay(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.Relay"
    Relay.opened = Relay.closed = Relay.generation = 0
    return Relay


def test_one_task_per_e_mail_reuses_the_kept_connection(db, relay):
    rows = [queue(key=f"case.1.invite.{n}") for n in range(3)]
    assert all(outbox.deliver(row.pk) for row in rows)
    outbox.deliver_many([queue(key="case.1.invite.3").pk])
    assert relay.opened == 1 and len(mail.outbox) == 4


def test_a_kept_connection_the_server_dropped_is_opened_again(db, relay):
    first, second, third = (queue(key=f"case.1.invite.{n}") for n in range(3))
    assert outbox.deliver(first.pk) is True
    relay.drop()  # the relay closed the idle connection
    assert outbox.deliver(second.pk) is True  # on a new connection, at the first attempt
    assert outbox.deliver(third.pk) is True  # and that one is kept
    assert (relay.opened, relay.closed, len(mail.outbox)) == (2, 1, 3)
    second.refresh_from_db()
    assert (second.status, second.attempts, second.last_error) == (OutboxStatus.SENT, 1, "")


def test_the_kept_connection_is_closed_at_the_worker_s_shutdown(db, relay):
    from celery.signals import worker_process_shutdown

    assert outbox.deliver(queue().pk) is True
    worker_process_shutdown.send(sender=None, pid=0, exitcode=0)
    assert relay.closed == 1 and smtp.mailer.connection is None


def test_an_idle_kept_connection_is_opened_again(db, relay, monkeypatch):
    assert outbox.deliver(queue(key="case.1.invite.1").pk) is True
    monkeypatch.setattr(smtp.mailer, "used_at", -smtp.IDLE_SECONDS)  # long unused
    assert outbox.deliver(queue(key="case.1.invite.2").pk) is True
    assert (relay.opened, relay.closed) == (2, 1)


class RefusesConnections(BaseEmailBackend):
    """A relay that refuses connections (counted)."""

    tries = 0

    def open(self):
        RefusesConnections.tries += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        raise AssertionError("never opened")


def test_a_batch_while_the_server_cannot_be_reached_tries_it_once(db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.RefusesConnections"
    RefusesConnections.tries = 0
    rows = [queue(key=f"case.1.invite.{n}") for n in range(3)]
    assert outbox.deliver_many([row.pk for row in rows]) == 0
    assert RefusesConnections.tries == 1  # not one connection timeout after another
    for row in Outbox.objects.all():
        assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 1)
        assert row.last_error.startswith("ConnectionRefusedError")


class SlowRelay(BaseEmailBackend):
    """Each e-mail takes ``step`` seconds on the clock ``SlowRelay.clock``."""

    clock = [0.0]
    step = 3.0

    def send_messages(self, messages):
        SlowRelay.clock[0] += SlowRelay.step * len(messages)
        mail.outbox.extend(messages)
        return len(messages)


def test_a_slow_server_puts_back_the_rows_before_the_sweep_would_take_them(
    db, settings, monkeypatch
):
    """A row claimed with its batch but not yet sent must not look stuck to the sweep (which
    would hand it to another worker): the rest of a claim are put back, unsent, when it is half
    as old as OUTBOX_STALE_SECONDS, and claimed again at once."""
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EMAIL_BACKEND = "tests.test_outbox.SlowRelay"
    settings.OUTBOX_STALE_SECONDS = 10  # put back after 5 s: every second e-mail here
    SlowRelay.clock = [0.0]
    monkeypatch.setattr(outbox, "time", SimpleNamespace(monotonic=lambda: SlowRelay.clock[0]))
    rows = [queue(key=f"case.1.invite.{n}") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        assert outbox.deliver_many([row.pk for row in rows]) == 5
    assert len([sql for sql in statements(queries, "UPDATE") if "RETURNING" in sql.upper()]) == 3
    assert len(mail.outbox) == 5
    for row in Outbox.objects.all():
        assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)  # put back: no attempt


@pytest.mark.django_db(transaction=True)
def test_the_sweep_notes_its_hand_over_at_once_and_undoes_what_the_broker_did_not_take(
    monkeypatch,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    handed = []

    def broker_takes_one(pk):
        if handed:
            raise ConnectionError("redis went down")
        handed.append(pk)

    def broker_down(pk):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(outbox.deliver, "delay", broker_down)
    with transaction.atomic():
        rows = [queue(key=f"case.1.invite.{n}") for n in range(3)]
    monkeypatch.setattr(outbox.deliver, "delay", broker_takes_one)
    with CaptureQueriesContext(connection) as queries:
        assert outbox.sweep() == (0, 1)
    # re-queue the stuck, find the due, note all as handed, un-note the two the broker missed
    assert len(statements(queries, "UPDATE")) == 3 and len(statements(queries, "SELECT")) == 1
    assert handed == [rows[0].pk]
    assert [bool(row.handed_at) for row in Outbox.objects.order_by("pk")] == [True, False, False]


def unsaved(key, to="sara@exempel.invalid"):
    return Outbox(key=key, kind="test", to=to, subject="Ärende SSPF-2030-0001", body_text="Hej")


@pytest.mark.django_db
def test_many_e_mails_are_queued_at_once_each_key_once_and_all_their_fields_kept(
    django_capture_on_commit_callbacks,
):
    """On PostgreSQL the rows go in by COPY and one INSERT … ON CONFLICT (the sweep queues
    170 000 at a time); on SQLite by Django's batched INSERT. Either way: a key already queued
    is skipped, a second call in the same transaction lands too, and nothing is lost."""
    outbox.enqueue("many:1", "test", "sara@exempel.invalid", "Först", "Redan köad")
    with django_capture_on_commit_callbacks(), transaction.atomic():
        outbox.enqueue_many([unsaved("many:1"), unsaved("many:2", to="per@exempel.invalid")])
        outbox.enqueue_many([unsaved("many:3"), unsaved("many:2")])
    rows = {row.key: row for row in Outbox.objects.filter(key__startswith="many:")}
    assert sorted(rows) == ["many:1", "many:2", "many:3"]
    assert rows["many:1"].subject == "Först"  # the row queued before is kept as it was
    second = rows["many:2"]
    assert (second.to, second.subject, second.body_text) == (
        "per@exempel.invalid",
        "Ärende SSPF-2030-0001",
        "Hej",
    )
    assert second.status == OutboxStatus.QUEUED and second.attempts == 0
    assert second.created_at is not None and second.next_attempt_at <= timezone.now()
