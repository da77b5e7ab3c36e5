"""Two things at once on PostgreSQL, each in a thread with its own connection, in a known
order without sleeps: the first keeps its transaction open until the server shows the second
waiting for its locks (``pg_blocking_pids``), then commits."""

import threading
import time

from django.db import connection, transaction
from django.utils import translation

TIMEOUT = 30  # seconds; only reached if something hangs
SOMEONE_ELSE = "Someone else changed this case"  # the refusal of the second (in English)


class Attempt(threading.Thread):
    """One call in its own thread and database connection; keeps what came of it."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call, self.result, self.error = call, None, None

    def run(self):
        try:
            with translation.override("en"):
                self.result = self.call()
        except Exception as exc:  # the test inspects it
            self.error = exc
        finally:
            connection.close()


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def seen_waiting(waiter, holder):
    """Whether the server shows ``waiter`` waiting for a lock ``holder`` holds (asked until it
    does or the deadline passes)."""
    deadline = time.monotonic() + TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder, waiter])
            if cursor.fetchone()[0]:
                return True
    return False


def first_then_second(first, second, between=None):
    """``first`` runs and keeps its transaction open until ``second`` is seen waiting for its
    locks; then it commits and ``second`` goes on. ``between()``, if given, runs (in the test's
    thread, committed) after ``first`` and before ``second`` starts. Returns both attempts and
    whether the wait was seen."""
    done, started = threading.Event(), threading.Event()
    pids = {}

    def run_first():
        with transaction.atomic():
            result = first()
            done.set()
            assert started.wait(TIMEOUT)
            pids["waited"] = seen_waiting(pids["second"], backend_pid())
            return result

    def run_second():
        assert go.wait(TIMEOUT)
        pids["second"] = backend_pid()
        started.set()
        return second()

    go = threading.Event()
    one, two = Attempt(run_first), Attempt(run_second)
    one.start()
    two.start()
    assert done.wait(TIMEOUT)
    if between is not None:
        between()
    go.set()
    for attempt in (one, two):
        attempt.join(TIMEOUT)
    assert not (one.is_alive() or two.is_alive()), "a step never finished"
    return one, two, pids.get("waited", False)
