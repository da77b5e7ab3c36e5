"""The measuring tools: timing a call with its SQL statements counted (``timed``, ``QueryLog``),
the time spent in named functions of the application (``Stopwatch``), medians, EXPLAIN, and the
switch that keeps Celery out of the measurement (``patch_dispatch``). The measurements themselves
are in bench/sweep.py and bench/pages.py."""

import re
import statistics
import time
from collections import namedtuple

# One row of the results table: seconds of each run, the target, SQL statements (or None).
Result = namedtuple("Result", "label times target queries")


class QueryLog:
    """Counts the SQL statements (and keeps the first matching one) through Django's
    execute_wrapper: cheap enough to leave on while timing."""

    def __init__(self, keep=None):
        self.count = 0
        self.keep = keep
        self.kept = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep and self.kept is None and self.keep(sql):
            self.kept = (sql, params)
        return execute(sql, params, many, context)


class Stopwatch:
    """Adds up the time spent in some functions of the application (wrapped by name, so a
    renamed function is simply not reported): where the time of a measured run goes."""

    def __init__(self):
        self.totals = {}
        self.originals = []

    def wrap(self, owner, name, label):
        original = getattr(owner, name, None)
        if original is None:
            return

        def timed_call(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.totals[label] = self.totals.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, timed_call)
        self.originals.append((owner, name, original))

    def unwrap(self):
        for owner, name, original in reversed(self.originals):
            setattr(owner, name, original)
        self.originals = []

    def take(self):
        totals, self.totals = self.totals, {}
        return totals


def medians(runs):
    """{name: median seconds} of several Stopwatch takes, the largest first."""
    names = {name for run in runs for name in run}
    return {
        name: statistics.median(run.get(name, 0.0) for run in runs)
        for name in sorted(names, key=lambda n: -max(run.get(n, 0.0) for run in runs))
    }


def timed(fn, log=None):
    """(seconds, result, SQL statements) of one call."""
    from django.db import connection

    if log is None:
        log = QueryLog()
    with connection.execute_wrapper(log):
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    return seconds, result, log.count


def explain(sql, params):
    """EXPLAIN (ANALYZE, BUFFERS) of a statement, rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)  # params None: SQL as logged
        plan = "\n".join(row[0] for row in cur.fetchall())
        transaction.set_rollback(True)  # EXPLAIN ANALYZE took the row locks: let them go
    return plan


def scalar(sql, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def execute(sql, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def shape(sql):
    """The query with its literals taken out, to find the same query run again and again."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def patch_dispatch():
    """Celery hand-off after commit becomes a no-op: the benchmark measures the sweep, which
    queues e-mails in the outbox; the workers that send them are not part of it."""
    from notifications import outbox

    calls = {"dispatch_keys": 0, "dispatch": 0}

    def no_dispatch_keys(keys, chunk=200):
        calls["dispatch_keys"] += 1

    def no_dispatch(pk):
        calls["dispatch"] += 1
        return True

    outbox._dispatch_keys = no_dispatch_keys
    outbox._dispatch = no_dispatch
    return calls
