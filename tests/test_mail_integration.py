"""The whole road of an e-mail with real parts: a case event queues outbox rows, a real Celery
worker on Redis takes the hand-off after commit and sends through Django's SMTP backend to a real
SMTP server on localhost (aiosmtpd). Also what happens when the SMTP server or the broker is down:
the rows wait, and the beat's sweep (run by the worker) sends each e-mail exactly once.

Nothing here sleeps to wait: the tests wait on task results, on the worker's ``task_postrun``
signal and on the SMTP handler, each with a timeout."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone
from icalendar import Calendar
from kombu.exceptions import OperationalError

from notifications import ics, outbox, tasks
from notifications.models import Outbox, OutboxStatus
from sspf_flow.models import Guardian, Youth
from tests.builders import walk_to_meeting_planned
from tests.smtp import WAIT, Inbox, free_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FIRST_NAME, LAST_NAME, PERSONAL_NUMBER = "Liselott", "Zetterqvist", "20121212-1212"


class TaskWatcher:
    """Counts the tasks the worker finished, by name (Celery's ``task_postrun`` signal, sent by
    the worker thread after each task), so a test can wait for a task that keeps no result."""

    def __init__(self):
        self.done = Counter()
        self._changed = threading.Condition()

    def __call__(self, sender=None, task=None, **kwargs):
        with self._changed:
            self.done[task.name] += 1
            self._changed.notify_all()

    def wait_for(self, name, count, timeout=WAIT):
        with self._changed:
            return self._changed.wait_for(lambda: self.done[name] >= count, timeout)


@pytest.fixture
def smtp_server():
    """Starts a real SMTP server on 127.0.0.1 (a free port, or the one given); stops it after."""
    controllers = []

    def start(port=None):
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        controllers.append(controller)
        return inbox, controller.port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_settings(settings):
    """Points Django's SMTP backend at ``port`` on 127.0.0.1 (the worker thread reads the same
    settings)."""

    def point_at(port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    return point_at


@pytest.fixture
def worker(celery_app_on_redis):
    """A real Celery worker on Redis, in a thread of this process (so it uses the test database
    and the settings above). Tasks left in the queue by an earlier, interrupted run are purged."""
    app = celery_app_on_redis
    app.control.purge()
    watcher = TaskWatcher()
    task_postrun.connect(watcher, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield watcher
    finally:
        task_postrun.disconnect(watcher)


@pytest.fixture
def plan_meeting(refer, coordinator, consent_for, agencies, users):
    """Walks a case to a planned meeting that invites the school and the leisure centre and the
    family; returns (case, meeting, the addresses that should get the invitation).

    The school's counsellor and the police officer have e-mail addresses, one custodial guardian
    has one, and so has a guardian without custody: only the invited agencies' staff and contact
    addresses and the custodial guardian are to be invited. The young person gets distinctive
    names and a personal identity number so that a leak would show."""
    users["skola"].email = "sara@skola.exempel.invalid"
    users["skola"].save(update_fields=["email"])
    users["polis"].email = "per@polis.exempel.invalid"  # not invited
    users["polis"].save(update_fields=["email"])

    def refer_with_family():
        case = refer()
        Youth.objects.filter(pk=case.youth_id).update(
            first_name=FIRST_NAME, last_name=LAST_NAME, personal_number=PERSONAL_NUMBER
        )
        one, two = case.youth.guardians.order_by("pk")
        Guardian.objects.filter(pk=one.pk).update(email="vardnadshavare@exempel.invalid")
        Guardian.objects.filter(pk=two.pk).update(
            email="utan.vardnad@exempel.invalid", has_custody=False
        )
        return case

    def plan():
        scope = [agencies["skola"], agencies["fritid"]]
        # five days ahead: neither the meeting's own reminder (the day before) nor the request
        # for the agencies' pictures (the municipality's reminder days, 3, before) is due in any
        # sweep, so the invitations are the only e-mails
        case, meeting = walk_to_meeting_planned(
            refer_with_family, coordinator, consent_for, scope, days_ahead=5
        )
        expected = {
            "sara@skola.exempel.invalid",
            agencies["skola"].contact_email,
            agencies["fritid"].contact_email,
            "vardnadshavare@exempel.invalid",
        }
        return case, meeting, expected

    return plan


def invitation_rows():
    return list(Outbox.objects.filter(kind="meeting_invitation").order_by("pk"))


def parts(message):
    """(subject, plain text, HTML, the calendar part) of a received invitation."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    return (
        str(message["Subject"]),
        plain.get_content(),
        html.get_content() if html is not None else "",
        calendars[0],
    )


def test_a_planned_meeting_arrives_as_an_invitation_with_a_calendar_entry(
    worker, smtp_server, smtp_settings, plan_meeting
):
    inbox, port = smtp_server()
    smtp_settings(port)

    case, meeting, expected = plan_meeting()

    rows = invitation_rows()
    assert {row.to for row in rows} == expected
    assert Outbox.objects.count() == len(rows)  # nothing else was queued by the walk
    assert inbox.wait_for(len(rows)), f"only {inbox.count()} of {len(rows)} arrived"
    assert worker.wait_for("notifications.tasks.deliver_many", 1)
    assert inbox.recipients() == Counter(expected)  # each address once

    youth = Youth.objects.get(pk=case.youth_id)
    secrets = [youth.first_name, youth.last_name, youth.personal_number, "121212"]
    assert youth.personal_number  # the check below means something
    for rcpt, message in inbox.messages:
        subject, plain, html, calendar_part = parts(message)
        assert message["To"] == rcpt[0]
        assert case.number in subject and case.number in plain and case.number in html
        ical = calendar_part.get_content()
        for text in (subject, plain, html, ical):
            for secret in secrets:
                assert secret not in text, (secret, rcpt)
        assert calendar_part.get_param("method") == "REQUEST"
        calendar = Calendar.from_ical(ical)
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == ics.uid_of(meeting)
        assert int(event["SEQUENCE"]) == 0
        assert case.number in str(event["SUMMARY"])
        assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)

    for row in invitation_rows():
        assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, "")
        assert row.sent_at is not None


def test_sending_again_sends_nothing(worker, smtp_server, smtp_settings, plan_meeting):
    inbox, port = smtp_server()
    smtp_settings(port)
    _case, _meeting, expected = plan_meeting()
    assert inbox.wait_for(len(expected))
    assert worker.wait_for("notifications.tasks.deliver_many", 1)

    assert outbox.sweep() == (0, 0)  # here: nothing stuck, nothing due
    assert tasks.sweep.delay().get(timeout=WAIT)["dispatched"] == 0  # and in the worker
    rows = invitation_rows()
    for row in rows:
        assert outbox.deliver(row.pk) is False
        outbox.deliver.delay(row.pk)  # the same hand-off again, through the worker
    outbox.deliver_many.delay([row.pk for row in rows])
    assert worker.wait_for("notifications.tasks.deliver", len(rows))
    assert worker.wait_for("notifications.tasks.deliver_many", 2)

    assert inbox.count() == len(expected)
    assert all((row.status, row.attempts) == (OutboxStatus.SENT, 1) for row in invitation_rows())


def test_smtp_down_waits_and_the_sweep_sends_each_once_when_it_is_back(
    worker, smtp_server, smtp_settings, plan_meeting
):
    port = free_port()  # nothing listens here yet
    smtp_settings(port)

    _case, _meeting, expected = plan_meeting()
    assert worker.wait_for("notifications.tasks.deliver_many", 1)  # the first attempt was made
    now = timezone.now()
    rows = invitation_rows()
    assert {row.to for row in rows} == expected
    for row in rows:
        assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 1)
        assert row.last_error.startswith("ConnectionRefusedError")
        assert row.next_attempt_at > now

    inbox, _port = smtp_server(port)  # the SMTP server is back
    with time_machine.travel(now + dt.timedelta(minutes=2), tick=False):  # past the backoff
        result = tasks.sweep.delay().get(timeout=WAIT)
        assert result == {"steps": 0, "summaries": 0, "requeued": 0, "dispatched": len(rows)}
        # the dispatched deliveries run after the sweep, still at the travelled time
        assert worker.wait_for("notifications.tasks.deliver", len(rows))
        assert inbox.count() == len(rows)
        assert tasks.sweep.delay().get(timeout=WAIT)["dispatched"] == 0

    assert inbox.recipients() == Counter(expected)  # each address exactly once
    for row in invitation_rows():
        assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")


def test_broker_down_at_commit_the_sweep_sends_each_once(
    worker, smtp_server, smtp_settings, plan_meeting, monkeypatch
):
    inbox, port = smtp_server()
    smtp_settings(port)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as down:
        down.setattr(outbox.deliver, "delay", broker_down)
        down.setattr(outbox.deliver_many, "delay", broker_down)
        _case, _meeting, expected = plan_meeting()
    rows = invitation_rows()
    assert {row.to for row in rows} == expected
    for row in rows:
        assert (row.status, row.attempts) == (OutboxStatus.QUEUED, 0)
    assert inbox.count() == 0

    result = tasks.sweep.delay().get(timeout=WAIT)  # the broker is back: beat runs the sweep
    assert (result["requeued"], result["dispatched"]) == (0, len(rows))
    assert worker.wait_for("notifications.tasks.deliver", len(rows))
    assert inbox.count() == len(rows)
    assert tasks.sweep.delay().get(timeout=WAIT)["dispatched"] == 0

    assert inbox.recipients() == Counter(expected)
    for row in invitation_rows():
        assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
