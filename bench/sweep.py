"""Measuring ``notifications.deadlines.sweep()``: (a) with nothing due, (b) with exactly N_DUE
steps made due (the same rows each run), and the sweep right after it, which must send 0."""

import statistics

from bench.config import N_DUE, TARGETS
from bench.measure import QueryLog, Result, Stopwatch, execute, explain, medians, scalar, timed
from bench.report import breakdown

# The bench's own statements on the deadline table; nothing in them comes from input.
# ruff: noqa: S608


def is_sweep_query(sql):
    return 'FROM "notifications_deadline"' in sql and "FOR UPDATE" in sql


def idle_sweep(runs, results, notes):
    """(a); returns the sweep's query, for its EXPLAIN."""
    from notifications import deadlines

    due = scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at <= now()")
    assert due == 0, f"{due} deadlines are due before the idle sweep"
    pending = scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at IS NOT NULL")
    notes.append(f"Idle sweep: {pending:,} deadlines wait for a later step, none is due.")
    log = QueryLog(keep=is_sweep_query)
    _s, sent, queries = timed(deadlines.sweep, log)  # warm-up; keeps the query for EXPLAIN
    assert sent == 0, sent
    times = []
    for _run in range(runs):
        seconds, sent, queries = timed(deadlines.sweep)
        assert sent == 0, sent
        times.append(seconds)
    results.append(Result("(a) `deadlines.sweep()`, nothing due", times, TARGETS["idle"], queries))
    return log.kept


def _choose_due_rows(notes):
    """bench_due: the same N_DUE rows each run, spread over every kind and step (a hash order),
    with their seeded state to restore."""
    from django.db import connection

    from notifications import deadlines

    execute("DROP TABLE IF EXISTS bench_due")
    execute(
        "CREATE TABLE bench_due AS SELECT id, level, fire_at FROM notifications_deadline"
        " WHERE fire_at IS NOT NULL ORDER BY md5(id::text) LIMIT %s",
        [N_DUE],
    )
    mix = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.kind, d.level, count(*) FROM bench_due AS b"
            " JOIN notifications_deadline AS d ON d.id = b.id GROUP BY 1, 2 ORDER BY 1, 2"
        )
        for kind, level, count in cur.fetchall():
            step = deadlines.LADDERS[kind][level]
            mix.append(f"{kind} {step.name} → {step.to.value}: {count}")
    notes.append(f"Due sweep: the {N_DUE:,} steps made due are " + "; ".join(mix) + ".")


def _sweep_watch():
    from notifications import deadlines, mail, outbox

    watch = Stopwatch()
    watch.wrap(deadlines, "_notices", "recipients and context (`_notices`)")
    watch.wrap(mail.Notice, "render", "rendering the e-mails (`Notice.render`)")
    watch.wrap(outbox, "enqueue_many", "outbox INSERT (`enqueue_many`)")
    watch.wrap(deadlines, "send", "`mail.send` in all")
    watch.wrap(deadlines, "_save_steps", "moving the rows on (`_save_steps`)")
    return watch


MAKE_DUE = (
    "UPDATE notifications_deadline AS d{restore}"
    " fire_at = now() - interval '1 minute' * (60 + mod(d.id, 1440))"
    " FROM bench_due AS b WHERE d.id = b.id"
)


def due_sweep(runs, results, notes, dispatch_calls):
    """(b); returns the EXPLAIN of the sweep's first batch with N_DUE due."""
    from notifications import deadlines

    _choose_due_rows(notes)
    watch = _sweep_watch()
    parts, times, after_times = [], [], []
    plan = None
    outbox_rows = digest_rows = after_sent = queries = 0
    for run in range(runs):
        outbox_before = scalar("SELECT coalesce(max(id), 0) FROM notifications_outbox")
        digest_before = scalar("SELECT coalesce(max(id), 0) FROM notifications_digestitem")
        made_due = execute(MAKE_DUE.format(restore=" SET"))
        assert made_due == N_DUE, made_due
        assert scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at <= now()") == N_DUE
        log = QueryLog(keep=is_sweep_query)
        watch.take()
        seconds, sent, queries = timed(deadlines.sweep, log)
        parts.append(watch.take())
        assert sent == N_DUE, f"the sweep sent {sent}, not {N_DUE}"
        times.append(seconds)
        outbox_rows = scalar(
            "SELECT count(*) FROM notifications_outbox WHERE id > %s", [outbox_before]
        )
        digest_rows = scalar(
            "SELECT count(*) FROM notifications_digestitem WHERE id > %s", [digest_before]
        )
        seconds, after_sent, _q = timed(deadlines.sweep)
        assert after_sent == 0, f"the sweep right after sent {after_sent}"
        after_times.append(seconds)
        print(
            f"  due sweep run {run + 1}: {times[-1]:.2f} s, sent {sent}, {outbox_rows} outbox "
            f"rows, {digest_rows} digest items; sweep right after: sent {after_sent}",
            flush=True,
        )
        if run == runs - 1:
            # The plan of the sweep's first batch with N_DUE due, on a fresh copy of them.
            execute(MAKE_DUE.format(restore=" SET level = b.level,"))
            plan = explain(*log.kept)
        # Reset: the rows as seeded; the outbox and digest rows of this run go.
        execute(
            "UPDATE notifications_deadline AS d SET level = b.level, fire_at = b.fire_at"
            " FROM bench_due AS b WHERE d.id = b.id"
        )
        execute("DELETE FROM notifications_outbox WHERE id > %s", [outbox_before])
        execute("DELETE FROM notifications_digestitem WHERE id > %s", [digest_before])
        # The next run starts from the same state, dead rows and index entries gone.
        execute(
            "VACUUM (ANALYZE)"
            " notifications_deadline, notifications_outbox, notifications_digestitem"
        )
    execute("DROP TABLE bench_due")
    # What the runs wrote goes to disk now, not in the background while the pages are measured
    # (a checkpoint spreads its writes over minutes: the pages measured 20-60 % slower).
    execute("CHECKPOINT")
    watch.unwrap()
    notes.append(
        breakdown(
            f"Where the {N_DUE:,}-step sweep's time goes", medians(parts), statistics.median(times)
        )
        + " (`mail.send` includes the rendering and the outbox INSERT.)"
    )
    label = f"(b) `deadlines.sweep()`, {N_DUE:,} due (sends them)"
    results.append(Result(label, times, TARGETS["due"], queries))
    results.append(
        Result("(b) the sweep right after it (sends 0)", after_times, TARGETS["idle"], None)
    )
    notes.append(
        f"Due sweep: each run sent {N_DUE:,} steps and queued {outbox_rows:,} e-mails in the "
        f"outbox ({outbox_rows / N_DUE:.2f} per step) and {digest_rows:,} digest items; the sweep "
        f"right after sent {after_sent}. Celery hand-off was a no-op "
        f"({dispatch_calls['dispatch_keys']} `_dispatch_keys` calls skipped)."
    )
    return plan
