"""The Markdown the benchmark prints: the results table, the notes, the data, the code measured
and the machine, and the query plans. Formats what the measurements found; measures nothing."""

import os
import platform
import statistics
import subprocess
from pathlib import Path

from bench.config import N_DUE, ROOT


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def breakdown(label, parts, total):
    """One line: the parts' median seconds and their share of the median total."""
    shown = ", ".join(
        f"{name} {fmt(seconds)} ({seconds / total:.0%})" for name, seconds in parts.items()
    )
    return f"{label} (median {fmt(total)}): {shown}."


def p95(times):
    """The 95th percentile (the largest of fewer than two)."""
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def table(results):
    lines = [
        "| operation | runs | median | p95 | max | SQL | target (p95) | met? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, times, target, queries in results:
        if not times:
            lines.append(f"| {label} | 0 | – | – | – | – | < {fmt(target)} | skipped |")
            continue
        median, high, worst = statistics.median(times), p95(times), max(times)
        met = "yes" if high < target else ("median only" if median < target else "**no**")
        lines.append(
            f"| {label} | {len(times)} | {fmt(median)} | {fmt(high)} | {fmt(worst)} | "
            f"{queries if queries is not None else '–'} | < {fmt(target)} | {met} |"
        )
    return "\n".join(lines)


def machine_info():
    import django
    from django.db import connection

    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        server = cur.fetchone()[0]
        settings = []
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
            cur.execute(f"SHOW {name}")
            settings.append(f"{name}={cur.fetchone()[0]}")
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}){memory}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"Django {django.get_version()}; PostgreSQL {server} ({', '.join(settings)})"
    )


def code_version():
    """The commit measured, and the application files changed since (others work here too)."""

    def git(*args):
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.rstrip()

    head = git("log", "-1", "--format=%h %s").strip()
    changed = [
        line[3:]
        for line in git("status", "--porcelain").splitlines()
        if not line[3:].startswith(("bench/", "tests/", "locale/", "docs/"))
    ]
    if not head:
        return "unknown (no git)"
    return f"commit {head}" + (
        f" plus uncommitted changes in {', '.join(changed)}" if changed else ""
    )


def counts():
    """Rows of the seeded tables, named by the models' tables."""
    from django.contrib.auth.models import User
    from viewflow.workflow.models import Process, Task

    from notifications.models import Deadline
    from sspf_flow.models import (
        Action,
        ActionPlan,
        Case,
        Consent,
        ConsentAgency,
        Guardian,
        Meeting,
        Youth,
    )

    models = [
        Case, Youth, Guardian, Consent, ConsentAgency, Meeting, ActionPlan, Action, Process,
        Task, Deadline, User,
    ]  # fmt: skip
    return ", ".join(f"{m._meta.db_table}: {m.objects.count():,}" for m in models)


def _code_block(text, language=""):
    return f"```{language}\n{text}\n```"


def _uses_pending_index(name, plan):
    if "deadline_pending" not in plan or "Seq Scan on notifications_deadline" in plan:
        return (
            f"**Warning** ({name}): the sweep's query does not use the partial index "
            "`deadline_pending` (or scans the whole table)."
        )
    return f"The sweep's query ({name}) uses the partial index `deadline_pending`."


def render(found):
    """The whole report. ``found``: results, notes, seed_line, code, idle_plan, due_plan,
    page_plans (title, SQL, plan)."""
    out = ["## Results", "", table(found["results"]), ""]
    for label, _t, _target, queries in found["results"]:
        if queries is not None and label.startswith("(b) `dead"):
            out.append(f"- The sweep with {N_DUE:,} due ran {queries} SQL statements.")
    out += [f"- {note}" for note in found["notes"]]
    out += [
        "- E-mail backend: locmem (`EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend`);"
        " `CELERY_TASK_ALWAYS_EAGER=False`, broker `memory://`; `notifications.outbox."
        "_dispatch_keys` and `_dispatch` are monkeypatched to no-ops, so no e-mail is handed to "
        "Celery or sent: the sweep's cost ends at the outbox rows.",
        f"- Data: {counts()}.",
        f"- {found['seed_line']}",
        f"- Code measured: {found['code']}.",
        f"- Machine: {machine_info()}.",
    ]
    plans = [("nothing due", found["idle_plan"]), (f"{N_DUE:,} due", found["due_plan"])]
    out += ["", "## Plan of the sweep's query, nothing due", "", _code_block(plans[0][1])]
    out += ["", f"## Plan of the sweep's first batch, {N_DUE:,} due", ""]
    out += [_code_block(plans[1][1]) if plans[1][1] else "Not measured (`--due-runs 0`)."]
    for name, plan in plans:
        if plan:
            out += ["", _uses_pending_index(name, plan)]
    for title, sql, plan in found["page_plans"]:
        out += ["", f"## {title}", "", _code_block(sql, "sql"), "", _code_block(plan)]
    return "\n".join(out)
