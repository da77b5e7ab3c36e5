"""Measuring the pages through ``django.test.Client``: the inbox (of the coordinator with 300
open cases and of the busiest one), the queue, the overviews, the case list, a case page and the
access log, beside viewflow's stock inbox and a bare "hello" view (``bench/urls.py``), with the
SQL statements of each request, where its time goes, and the plan of its slowest query."""

import statistics
import time

from bench.config import BENCH_COORDINATOR, BENCH_SCHOOL_USER, HELLO, STOCK_INBOX, TARGETS
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


class Page:
    """One page to measure: who asks for it, its path, its target (seconds, for the p95)."""

    def __init__(self, label, user, path, target):
        from django.test import Client

        self.label, self.path, self.target = label, path, target
        self.client = Client()
        self.client.force_login(user)
        self.times, self.counts, self.parts, self.sql_times = [], set(), [], []
        self.response = self.queries = None

    def measure(self, watch):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        watch.take()
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = self.client.get(self.path)
            self.times.append(time.perf_counter() - t0)
        self.parts.append(watch.take())
        assert response.status_code == 200, (self.path, response.status_code)
        self.counts.add(len(queries))
        self.sql_times.append(sum(float(q["time"]) for q in queries.captured_queries))
        self.response, self.queries = response, queries.captured_queries

    def report(self, first, results, notes, plans):
        median = statistics.median(self.times)
        parts = medians(self.parts)
        parts["SQL (all queries, as Django times them)"] = statistics.median(self.sql_times)
        notes.append(
            f"{self.label}: first (cold) request {first * 1000:.0f} ms, not counted; "
            f"{len(self.response.content) // 1024} KiB of HTML; SQL queries per request: "
            + ", ".join(str(c) for c in sorted(self.counts))
            + ". "
            + breakdown("Time", parts, median)
        )
        _repeated_queries(self.label, self.queries, notes)
        selects = [q for q in self.queries if q["sql"].startswith("SELECT")]
        if selects:
            slowest = max(selects, key=lambda q: float(q["time"]))
            plans.append(
                (
                    f"{self.label}: its slowest query ({float(slowest['time']) * 1000:.0f} ms)",
                    slowest["sql"],
                    explain(slowest["sql"], None),
                )
            )
        results.append(Result(self.label, self.times, self.target, max(self.counts)))


DASHBOARD = "/sspf/dashboard/"


def pages(runs, results, notes, plans):
    """Every page and its comparisons (viewflow's stock inbox on the same data, a bare "hello"
    view behind the same middleware), measured interleaved: each run asks every page once, in
    turn, so that a busy moment of the machine falls on all of them alike."""
    from django.contrib.auth.models import User
    from django.db.models import Count, Q
    from django.test.utils import override_settings
    from django.utils import timezone

    from sspf_flow import access
    from sspf_flow.models import Case, Status

    coordinator = User.objects.get(pk=BENCH_COORDINATOR)
    school_user = User.objects.get(username=BENCH_SCHOOL_USER)
    busiest = (
        User.objects.annotate(
            open=Count("coordinated_cases", filter=~Q(coordinated_cases__status=Status.CLOSED))
        )
        .order_by("-open")
        .first()
    )
    cases = Case.objects.filter(coordinator=coordinator)
    covered = access.cases_visible_to(school_user).count()
    notes.append(
        f"Pages: coordinator `{coordinator.username}` has "
        f"{cases.exclude(status=Status.CLOSED).count()} open cases (of {cases.count()}); "
        f"`{busiest.username}` has the most, {busiest.open}; school "
        f"user `{school_user.username}` ({access.agency_of(school_user)}) may read {covered} open "
        f"cases (active consent covers the school on {timezone.localdate()})."
    )
    case_url = cases.exclude(status=Status.CLOSED).order_by("pk").first().get_absolute_url()
    chef = User.objects.get(username="chef")
    many = f"{busiest.open} open cases"
    todo = [
        Page(label, user, path, TARGETS[kind])
        for label, user, path, kind in [
            ("`/case/inbox/`, coordinator (300 open cases)", coordinator, "/case/inbox/", "list"),
            ("comparison: viewflow's stock inbox, the same", coordinator, STOCK_INBOX, "list"),
            (f"`/case/inbox/`, coordinator ({many})", busiest, "/case/inbox/", "list"),
            ("`/case/queue/`, coordinator", coordinator, "/case/queue/", "list"),
            ("`/sspf/dashboard/`, coordinator (300 open cases)", coordinator, DASHBOARD, "page"),
            (f"`/sspf/dashboard/`, coordinator ({many})", busiest, DASHBOARD, "page"),
            (
                "`/sspf/dashboard/`, school user (~300 covered cases)",
                school_user,
                DASHBOARD,
                "page",
            ),
            ("`/sspf/list/`, coordinator", coordinator, "/sspf/list/", "page"),
            ("case page, coordinator", coordinator, case_url, "page"),
            ("`/log/` (5 M rows), the manager", chef, "/log/", "log"),
            ('comparison: a bare "hello" view, the same middleware', coordinator, HELLO, "page"),
        ]
    ]
    with override_settings(ROOT_URLCONF="bench.urls"):
        ready = []
        for item in todo:
            first = _first_request(item.client, item.label, item.path, results, notes)
            if first is not None:
                ready.append((item, first))
        watch = page_watch()
        try:
            for _run in range(runs):
                for item, _first in ready:
                    item.measure(watch)
        finally:
            watch.unwrap()
    for item, first in ready:
        item.report(first, results, notes, plans)
    stock = next((i for i, _f in ready if i.path == STOCK_INBOX), None)
    ours = ready[0][0] if ready and ready[0][0].path == "/case/inbox/" else None
    if stock and ours:
        ratio = statistics.median(stock.times) / statistics.median(ours.times)
        notes.append(f"The inbox is {ratio:.1f}× as fast as viewflow's stock inbox (medians).")
