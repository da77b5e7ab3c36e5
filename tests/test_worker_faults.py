"""E-mail delivery when a worker fails, with real parts on PostgreSQL: Celery workers run as
separate processes (``celery -A project worker --pool=solo``) on a Redis database of these tests'
own, so the messages waiting for a worker can be counted exactly, and send through Django's SMTP
backend to a real SMTP server on localhost (aiosmtpd). Beat's sweep (``outbox.sweep``) runs in
the test, with the clock moved forward by ``time_machine``.

A worker killed mid-send (SIGKILL): no e-mail is lost and none stays in "sending" past
``OUTBOX_STALE_SECONDS``; a fresh worker sends what the killed one left, and an e-mail that
arrives twice carries the same Message-ID both times. The kill is deterministic: the SMTP server
holds its reply to one command until the test has killed the worker, so the worker is certainly
inside ``message.send()``, its row claimed and not marked sent: the reply to RCPT (the relay does
not have the e-mail: it arrives once, later) or to the end of DATA (the relay has kept the e-mail
but its "250" never reached the worker: it arrives twice). The fresh worker is started beside the
doomed one, on a queue nothing is sent to, and told to consume (Celery's remote control) after
the sweep; its clock runs ahead of the sweep's, as if a few beats later.

A worker away while beat ticks (the broker up): every tick within ``OUTBOX_HANDOFF_SECONDS`` of
the hand-off leaves each queued e-mail waiting in the broker once; past it, each is handed over
once more (the broker might have lost it), and not again at the next ticks. When the worker is
back each e-mail arrives exactly once, and a new one arrives after the backlog. At the beat's own
interval for ten minutes, though, each e-mail is handed over again every hand-off time: that
test is marked as an expected failure (see its reason).

Nothing here sleeps to wait: the tests wait on the SMTP handler, on the worker process and on
the worker's answer to a ping, each with a timeout, and poll the database only for a row the
worker is marking at that moment."""

import asyncio
import base64
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import Outbox, OutboxKind, OutboxStatus
from tests.smtp import WAIT, Inbox, free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 13  # the Redis database of these tests, on REDIS_URL's server: flushed before and after
QUEUE = "celery"  # Celery's default queue: a Redis list of the messages no worker has taken
STANDBY = "faults.standby"  # a queue nothing is sent to: a worker up but not consuming
SECOND = dt.timedelta(seconds=1)

# Runs ``celery`` with the clock at argv[1] (a POSIX timestamp), ticking from there.
CELERY_AT = """import sys, time_machine
time_machine.travel(float(sys.argv[1]), tick=True).start()
from celery.__main__ import main
sys.argv[:2] = ["celery"]
sys.exit(main())
"""


class HeldInbox(Inbox):
    """An inbox that holds its reply to the ``nth`` RCPT or DATA until the test lets go, so
    that the worker waits inside ``message.send()`` meanwhile, its row claimed and not marked
    sent. An e-mail held at DATA is kept: the relay has it, but its "250" has not reached the
    worker. ``held_for`` is the recipient of the e-mail held."""

    def __init__(self, command, nth=1):
        super().__init__()
        self.command, self.nth, self.seen = command, nth, 0
        self.held_for = None
        self.holding = threading.Event()  # the worker waits for the held reply
        self.released = threading.Event()

    async def hold(self, command, recipient):
        if command != self.command:
            return
        self.seen += 1  # only the server's event loop counts
        if self.seen == self.nth:
            self.held_for = recipient
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, WAIT)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self.hold("RCPT", address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope)
        await self.hold("DATA", envelope.rcpt_tos[0])
        return "250 Message accepted for delivery"


class Broker:
    """The Redis database the workers of these tests consume from."""

    def __init__(self, url):
        self.url = url
        self.client = redis.Redis.from_url(url)

    def waiting(self):
        """How many messages wait for a worker."""
        return self.client.llen(QUEUE)

    def handed(self):
        """How many times each outbox row waits in the broker (a ``deliver`` message names one
        row, a ``deliver_many`` message a batch)."""
        rows = Counter()
        for raw in self.client.lrange(QUEUE, 0, -1):
            message = json.loads(raw)
            args = json.loads(base64.b64decode(message["body"]))[0]
            task = message["headers"]["task"]
            rows.update(args[0] if task == "notifications.tasks.deliver_many" else [args[0]])
        return rows


@pytest.fixture
def broker():
    """The project's Celery app sends to a Redis database of its own, flushed before and after
    (the messages a killed worker had taken stay there, unacknowledged); restored afterwards."""
    from project.celery import app

    base = urlsplit(os.environ["REDIS_URL"])
    broker = Broker(urlunsplit(base._replace(path=f"/{REDIS_DB}")))
    broker.client.flushdb()
    saved = app.conf.broker_url

    def send_to(url):
        app.conf.broker_url = url
        app._pool = None  # the connection pools are made from the URL on first use
        app.amqp._producer_pool = None

    send_to(broker.url)
    try:
        yield broker
    finally:
        send_to(saved)
        broker.client.flushdb()
        broker.client.close()


@pytest.fixture
def smtp():
    """Starts a real SMTP server on 127.0.0.1 with the handler given; returns its port."""
    servers = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append((controller, handler))
        return controller.port

    yield start
    for controller, handler in servers:
        if isinstance(handler, HeldInbox):
            handler.released.set()
        controller.stop()


def database_url():
    """The test database (``test_…``), for the worker processes."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{quote(db['USER'] or '', safe='')}{password}@"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{db['HOST'] or 'localhost'}{port}/{quote(db['NAME'])}"


@pytest.fixture
def workers(broker, settings, tmp_path):
    """``start(smtp_port, clock_at=None, queue=QUEUE)``: a Celery worker process consuming
    ``queue`` on the tests' broker, with the test database and the SMTP server at ``smtp_port``;
    its clock at ``clock_at`` (ticking) if given. Workers still running at the end are stopped
    (warm shutdown)."""
    started = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": "10",
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,  # the Message-ID's domain
        "SSPF_OUTBOX_STALE_SECONDS": str(settings.OUTBOX_STALE_SECONDS),
        "SSPF_OUTBOX_HANDOFF_SECONDS": str(settings.OUTBOX_HANDOFF_SECONDS),
        "SSPF_OUTBOX_MAX_ATTEMPTS": str(settings.OUTBOX_MAX_ATTEMPTS),
        "LOG_LEVEL": "WARNING",
    }

    def start(smtp_port, clock_at=None, queue=QUEUE):
        name = f"faults{len(started) + 1}-{os.getpid()}@localhost"
        if clock_at is None:
            command = [sys.executable, "-m", "celery"]
        else:
            command = [sys.executable, "-c", CELERY_AT, str(clock_at.timestamp())]
        command += [
            "-A",
            "project",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}",
            f"--queues={queue}",
        ]
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            cwd=ROOT,
            env={**env, "EMAIL_PORT": str(smtp_port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return Worker(name, process, clock_at)

    yield start
    running = [process for process, _log in started if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)  # warm shutdown, all at once
    for process in running:
        try:
            process.wait(WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(WAIT)
    for _process, log in started:
        log.close()


class Worker:
    """A worker process of ``workers``, known to Celery's remote control as ``name``."""

    def __init__(self, name, process, clock_at):
        self.name, self.process, self.clock_at = name, process, clock_at

    def kill(self):
        """SIGKILL: the worker gets no chance to mark, acknowledge or restore anything."""
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(WAIT) == -signal.SIGKILL

    def consume(self, queue=QUEUE):
        """Makes a worker started on a queue nothing is sent to (up, but not consuming) take
        ``queue`` (Celery's remote control: ``add_consumer``), once it answers a ping."""
        from project.celery import app

        deadline = time.monotonic() + WAIT
        while not app.control.ping(destination=[self.name], timeout=0.5):
            assert self.process.poll() is None, "the worker stopped"
            assert time.monotonic() < deadline, "the worker did not answer a ping"
        (reply,) = app.control.add_consumer(queue, destination=[self.name], reply=True)
        assert "ok" in reply[self.name], reply


def until(condition, timeout=WAIT):
    """True once ``condition()`` holds (asked again at once), False after ``timeout``: only for
    what a worker is writing at this moment."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
    return True


def e_mail(tag, n):
    return Outbox(
        key=f"faults.{tag}.{n}",
        kind=OutboxKind.TASK,
        to=f"mottagare{n}@exempel.invalid",
        subject=f"Uppgift väntar: SSPF-2030-{n:04d}",
        body_text="Du har en uppgift som väntar i SSPF.",
    )


def queue_one(row):
    """One e-mail as a case event queues it: handed to ``deliver`` after commit."""
    return outbox.enqueue(row.key, row.kind, row.to, row.subject, row.body_text)


def queue_batch(rows):
    """E-mails as a sweep queues them: handed to ``deliver_many`` after commit."""
    with transaction.atomic():
        outbox.enqueue_many(rows)


def rows_of(tag):
    return list(Outbox.objects.filter(key__startswith=f"faults.{tag}.").order_by("key"))


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return outbox.sweep()


def all_sent(tag):
    return lambda: all(row.status == OutboxStatus.SENT for row in rows_of(tag))


@pytest.mark.parametrize(
    ("held", "batch"),
    [
        # one e-mail (``deliver``); the relay does not have it yet
        (("RCPT", 1), 1),
        # a batch (``deliver_many``): the first went, the relay has kept the second but its
        # "250" has not reached the worker, the third waits
        (("DATA", 2), 3),
    ],
    ids=["before-the-relay-has-it", "mid-batch-the-relay-has-it"],
)
def test_a_worker_killed_mid_send_loses_no_e_mail_and_a_repeat_has_the_same_message_id(
    broker, smtp, workers, settings, held, batch
):
    inbox = HeldInbox(*held)
    port = smtp(inbox)
    doomed = workers(port)
    # the worker that comes after it, started now to save time but not consuming yet; its
    # clock is ahead of the sweeps below, as if a few beats later
    ahead = max(settings.OUTBOX_STALE_SECONDS, settings.OUTBOX_HANDOFF_SECONDS) + 2 * WAIT
    fresh = workers(port, clock_at=timezone.now() + ahead * SECOND, queue=STANDBY)
    if batch == 1:
        queue_one(e_mail("kill", 1))
    else:
        queue_batch([e_mail("kill", n) for n in range(1, batch + 1)])

    assert inbox.holding.wait(WAIT), "the worker never reached the SMTP server"
    doomed.kill()
    inbox.released.set()
    rows = rows_of("kill")
    (cut,) = [row for row in rows if row.to == inbox.held_for]  # the e-mail being sent
    went = [row for row in rows if row != cut and row.to in inbox.recipients()]
    assert cut.status == OutboxStatus.SENDING
    assert all(row.status == OutboxStatus.SENT for row in went)
    assert len(went) == held[1] - 1  # the e-mails before it in the batch went, once
    assert inbox.count() == len(went) + (held[0] == "DATA")
    assert broker.waiting() == 0  # the killed worker had taken the message: none to redeliver
    # what the worker had claimed but not sent waits in "sending"; what it had not, queued
    stuck = [row for row in rows if row.status == OutboxStatus.SENDING]
    left = [row for row in rows if row.status == OutboxStatus.QUEUED]
    assert len(went) + len(stuck) + len(left) == len(rows)

    # beat just before the stale time: the first attempt might still be running, so nothing
    # is sent again
    first_handed = min(row.handed_at for row in rows)
    limit = min(settings.OUTBOX_STALE_SECONDS, settings.OUTBOX_HANDOFF_SECONDS)
    assert sweep_at(first_handed + limit * SECOND - SECOND) == (0, 0)
    # beat just after it: what is stuck is queued again, and each row handed over once
    just_after = (
        max(
            [row.claimed_at + settings.OUTBOX_STALE_SECONDS * SECOND for row in stuck]
            + [row.handed_at + settings.OUTBOX_HANDOFF_SECONDS * SECOND for row in left]
        )
        + SECOND
    )
    assert sweep_at(just_after) == (len(stuck), len(stuck) + len(left))
    assert not Outbox.objects.filter(status=OutboxStatus.SENDING).exists()
    assert broker.handed() == Counter(row.pk for row in stuck + left)

    assert just_after < fresh.clock_at
    fresh.consume()  # a fresh worker takes over
    # every e-mail at least once; the one the relay had kept twice
    copies = Counter({row.to: 1 for row in rows})
    copies[cut.to] += held[0] == "DATA"
    assert inbox.wait_for(copies.total()), f"{inbox.count()} of {copies.total()} arrived"
    assert until(all_sent("kill")), [row.status for row in rows_of("kill")]

    assert sweep_at(just_after + 10 * limit * SECOND) == (0, 0)  # nothing left for beat
    assert broker.waiting() == 0
    assert inbox.recipients() == copies
    for rcpt, message in inbox.messages:  # a repeat is the same e-mail: one Message-ID
        (row,) = [row for row in rows if row.to == rcpt[0]]
        assert message["Message-ID"] == outbox.message_id(row.key)
    assert inbox.message_ids() == Counter(
        {outbox.message_id(row.key): copies[row.to] for row in rows}
    )
    attempts = {row.pk: 1 + (row in stuck) for row in rows}  # a claim that was cut counts
    assert {row.pk: row.attempts for row in rows_of("kill")} == attempts


def test_a_worker_away_while_beat_ticks_finds_each_e_mail_once_and_sends_each_once(
    broker, smtp, workers, settings
):
    inbox = Inbox()
    port = smtp(inbox)
    singles = [queue_one(e_mail("away", n)) for n in range(1, 4)]  # three ``deliver``
    queue_batch([e_mail("away", n) for n in range(4, 8)])  # one ``deliver_many`` of four
    rows = rows_of("away")
    pks = [row.pk for row in rows]
    assert len(rows) == 7 and {row.pk for row in singles} < set(pks)
    assert broker.waiting() == 4
    assert broker.handed() == Counter(pks)  # each row once

    # no worker: ten beat ticks, all within the hand-off time — nothing is handed over again
    handoff = settings.OUTBOX_HANDOFF_SECONDS * SECOND
    tick = (handoff - SECOND) / 10
    handed = max(row.handed_at for row in rows)
    for n in range(1, 11):
        assert sweep_at(handed + n * tick) == (0, 0)
    assert broker.handed() == Counter(pks)

    # past the hand-off time the broker may have lost them: each is handed over once more,
    # once, not again at the ticks after
    later = handed + handoff + SECOND
    assert sweep_at(later) == (0, len(rows))
    for n in range(1, 11):
        assert sweep_at(later + n * tick) == (0, 0)
    assert broker.handed() == Counter(pks * 2)
    assert all(row.status == OutboxStatus.QUEUED for row in rows_of("away"))
    assert inbox.count() == 0

    workers(port)  # the worker is back
    assert inbox.wait_for(len(rows)), f"{inbox.count()} of {len(rows)} arrived"
    # a new e-mail after the backlog: the worker takes the queue in order, so when this one
    # has arrived every hand-off before it has been done
    new = queue_one(e_mail("away", 8))
    assert inbox.wait_for(len(rows) + 1), "the new e-mail did not arrive"
    assert until(all_sent("away")), [row.status for row in rows_of("away")]

    assert broker.waiting() == 0
    assert inbox.message_ids() == Counter(outbox.message_id(row.key) for row in rows_of("away"))
    assert inbox.recipients() == Counter(row.to for row in rows_of("away"))  # each exactly once
    assert all(row.attempts == 1 for row in rows_of("away"))
    assert Outbox.objects.get(pk=new.pk).status == OutboxStatus.SENT


@pytest.mark.django_db  # nothing is committed: no worker reads the rows
def test_a_worker_away_for_a_day_finds_about_ten_tasks_per_e_mail(broker, settings):
    """Beat ticks at its own interval (``SSPF_TIMER_SWEEP_SECONDS``) with no worker and the
    broker up: a row waiting in the broker is handed over again after 2, 4, 8 … minutes, since
    the sweep cannot tell a hand-off the broker lost from one still waiting: three hand-offs
    in ten minutes, about ten in a day, not one per tick (a day of ticks: 1 440)."""
    queue_batch([e_mail("beat", n) for n in range(1, 4)])  # not committed: the sweep hands over
    pks = [row.pk for row in rows_of("beat")]
    tick = settings.TIMER_SWEEP_SECONDS * SECOND
    start = timezone.now()
    for n in range(11):  # ten minutes: at 0, after 3 minutes (> 2), after 8 (> 3 + 4)
        sweep_at(start + n * tick)
    assert broker.handed() == Counter(pks * 3)
    for n in range(11, 24 * 60, 5):  # the rest of the day, a tick every five minutes
        sweep_at(start + n * tick)
    handed = broker.handed()
    assert set(handed) == set(pks) and all(9 <= handed[pk] <= 11 for pk in pks), handed
