"""The demo runs gunicorn's two web workers, the Celery worker and beat on one SQLite file.
Connected as settings configure it for the demo, beat's timer sweep waits while a web worker
holds the write lock, instead of failing with "database is locked". Each connection runs in
its own thread; they take turns at events, never at sleeps."""

import runpy
import threading

import pytest
from django.db import OperationalError, connections, transaction

import project.settings

ALIAS = "demo"
TIMEOUT = 30  # seconds; only reached if something hangs


@pytest.fixture
def demo_database(monkeypatch, tmp_path, django_db_blocker):
    """A connection made from ``settings.DATABASES`` as ``bin/demo`` gets it (no DATABASE_URL,
    the file in SSPF_VAR_DIR), whatever database the rest of the suite runs on; it holds the
    due timers that beat's sweep fires."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL_FILE", raising=False)
    monkeypatch.setenv("SSPF_VAR_DIR", str(tmp_path))
    demo_settings = runpy.run_path(project.settings.__file__)
    database = connections.configure_settings({"default": demo_settings["DATABASES"]["default"]})
    monkeypatch.setitem(connections.settings, ALIAS, database["default"])
    with django_db_blocker.unblock():
        connection = connections[ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE timer (id INTEGER PRIMARY KEY, status TEXT NOT NULL)")
            cursor.execute("INSERT INTO timer VALUES (1, 'scheduled'), (2, 'scheduled')")
        yield connection
        connection.close()
    del connections[ALIAS]


class Process(threading.Thread):
    """One of the demo's processes: its own connection to the file, running ``work``."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.error = None

    def run(self):
        try:
            self.work()
        except Exception as exc:  # the test inspects it
            self.error = exc
        finally:
            connections[ALIAS].close()


def run(*works):
    processes = [Process(work) for work in works]
    for process in processes:
        process.start()
    for process in processes:
        process.join(TIMEOUT)
    assert not any(process.is_alive() for process in processes), "a connection never finished"
    return [process.error for process in processes]


def execute(sql):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def fire_due_timers():
    """The shape of viewflow's timer activation: in one transaction, read, then write."""
    with transaction.atomic(using=ALIAS):
        for (pk,) in execute("SELECT id FROM timer WHERE status = 'scheduled'"):
            execute(f"UPDATE timer SET status = 'fired' WHERE id = {pk}")  # noqa: S608


def on_begin(event):
    """Set ``event`` when this thread's connection starts a transaction: before it waits for
    the lock, so the holder can be told to let go."""
    connection = connections[ALIAS]
    connection.ensure_connection()
    connection.connection.set_trace_callback(lambda sql: sql.startswith("BEGIN") and event.set())


def test_the_demo_database_waits_for_the_write_lock(demo_database):
    with demo_database.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)  # readers do not block the writer
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone() == (20_000,)  # milliseconds
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone() == (1,)  # NORMAL
    assert demo_database.transaction_mode == "IMMEDIATE"


def test_the_timer_sweep_waits_for_a_request_holding_the_write_lock(demo_database):
    request_wrote, sweep_began = threading.Event(), threading.Event()

    def request():  # a web worker cancels timer 2 and holds its transaction open
        with transaction.atomic(using=ALIAS):
            execute("UPDATE timer SET status = 'cancelled' WHERE id = 2")
            request_wrote.set()
            assert sweep_began.wait(TIMEOUT)

    def sweep():  # beat's timer sweep starts while the request holds the write lock
        assert request_wrote.wait(TIMEOUT)
        on_begin(sweep_began)
        fire_due_timers()

    assert run(request, sweep) == [None, None]
    assert execute("SELECT id, status FROM timer ORDER BY id") == [
        (1, "fired"),
        (2, "cancelled"),  # the sweep read after the request's commit
    ]


def test_without_immediate_transactions_the_sweep_fails_after_reading(demo_database):
    """Why ``transaction_mode``: WAL and the busy timeout alone do not save a transaction that
    read before another one committed; its first write is refused at once."""
    demo_database.settings_dict["OPTIONS"]["transaction_mode"] = None
    sweep_read, request_committed = threading.Event(), threading.Event()

    def sweep():
        with transaction.atomic(using=ALIAS):
            due = execute("SELECT id FROM timer WHERE status = 'scheduled'")
            sweep_read.set()
            assert request_committed.wait(TIMEOUT)
            execute(f"UPDATE timer SET status = 'fired' WHERE id = {due[0][0]}")  # noqa: S608

    def request():
        assert sweep_read.wait(TIMEOUT)
        execute("UPDATE timer SET status = 'cancelled' WHERE id = 2")
        request_committed.set()

    sweep_error, request_error = run(sweep, request)
    assert isinstance(sweep_error, OperationalError)
    assert "database is locked" in str(sweep_error)
    assert request_error is None
