"""Measuring the pages: ``GET /sspf/dashboard/`` for the coordinator with 300 open cases and for a
school user, and the coordinator's inbox as a reference, through ``django.test.Client``, with
the SQL statements of each request, where its time goes, and the plan of its slowest query."""

import statistics
import time

from bench.config import BENCH_COORDINATOR, BENCH_SCHOOL_USER, TARGETS
from bench.measure import Result, Stopwatch, explain, medians, shape
from bench.report import breakdown


def page_watch():
    from django.template.response import SimpleTemplateResponse

    from casework.pages import overview
    from sspf_flow import accesslog

    watch = Stopwatch()
    watch.wrap(overview, "coordinator_overview", "the coordinator's overview data")
    watch.wrap(overview, "agency_overview", "the agency's overview data")
    watch.wrap(accesslog, "record", "access log")
    watch.wrap(SimpleTemplateResponse, "render", "template (with the menu)")
    watch.wrap(overview, "overdue_count", "of which the menu's overdue badge")
    return watch


def _first_request(client, label, path, results, notes):
    """The cold request, not counted; None (and a note) when the page cannot be measured."""
    try:
        t0 = time.perf_counter()
        response = client.get(path)
        first = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - report and carry on with the other measurements
        notes.append(f"{label}: `GET {path}` raised {type(exc).__name__}: {exc} – skipped.")
        results.append(Result(label, [], TARGETS["page"], None))
        return None
    if response.status_code != 200:
        where = f" → {response.get('Location')}" if response.status_code in (301, 302) else ""
        notes.append(
            f"{label}: `GET {path}` answered {response.status_code}{where} – skipped"
            + (" (the page does not exist yet)." if response.status_code == 404 else ".")
        )
        results.append(Result(label, [], TARGETS["page"], None))
        return None
    return first


def _repeated_queries(label, captured, notes):
    repeated = {}
    for query in captured:
        repeated.setdefault(shape(query["sql"]), []).append(query)
    for same in repeated.values():
        if len(same) >= 5 and same[0]["sql"].startswith("SELECT"):
            notes.append(
                f"{label}: **the same query runs {len(same)} times in one request** (N+1): "
                f"`{same[0]['sql'][:160]}…`"
            )


def page(label, user, path, runs, results, notes, plans):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    first = _first_request(client, label, path, results, notes)
    if first is None:
        return
    times, counts, parts, sql_times = [], set(), [], []
    watch = page_watch()
    try:
        for _run in range(runs):
            watch.take()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
            parts.append(watch.take())
            assert response.status_code == 200, response.status_code
            counts.add(len(queries))
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
    finally:
        watch.unwrap()
    median = statistics.median(times)
    parts = medians(parts)
    parts["SQL (all queries, as Django times them)"] = statistics.median(sql_times)
    notes.append(
        f"{label}: first (cold) request {first * 1000:.0f} ms, not counted; "
        f"{len(response.content) // 1024} KiB of HTML; SQL queries per request: "
        + ", ".join(str(c) for c in sorted(counts))
        + ". "
        + breakdown("Time", parts, median)
    )
    _repeated_queries(label, queries.captured_queries, notes)
    selects = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    if selects:
        slowest = max(selects, key=lambda q: float(q["time"]))
        plans.append(
            (
                f"{label}: its slowest query ({float(slowest['time']) * 1000:.0f} ms)",
                slowest["sql"],
                explain(slowest["sql"], None),
            )
        )
    results.append(Result(label, times, TARGETS["page"], max(counts)))


def pages(runs, results, notes, plans):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from sspf_flow import access
    from sspf_flow.models import Case, Status

    coordinator = User.objects.get(pk=BENCH_COORDINATOR)
    school_user = User.objects.get(username=BENCH_SCHOOL_USER)
    cases = Case.objects.filter(coordinator=coordinator)
    covered = access.cases_visible_to(school_user).count()
    notes.append(
        f"Pages: coordinator `{coordinator.username}` has "
        f"{cases.exclude(status=Status.CLOSED).count()} open cases (of {cases.count()}); school "
        f"user `{school_user.username}` ({access.agency_of(school_user)}) may read {covered} open "
        f"cases (active consent covers the school on {timezone.localdate()})."
    )
    for label, user, path in [
        ("(c) `/sspf/dashboard/`, coordinator (300 open cases)", coordinator, "/sspf/dashboard/"),
        (
            "(c) `/sspf/dashboard/`, school user (~300 covered cases)",
            school_user,
            "/sspf/dashboard/",
        ),
        ("reference: `/case/inbox/`, coordinator", coordinator, "/case/inbox/"),
        ("`/case/queue/`, coordinator", coordinator, "/case/queue/"),
        ("`/sspf/list/`, coordinator", coordinator, "/sspf/list/"),
        (
            "case page, coordinator",
            coordinator,
            cases.exclude(status=Status.CLOSED).order_by("pk").first().get_absolute_url(),
        ),
        ("`/log/` (5 M rows), the manager", User.objects.get(username="chef"), "/log/"),
    ]:
        page(label, user, path, runs, results, notes, plans)
