"""The steering report over the benchmark's data: 100 000 cases.

Uses the bench database of ``bench/notifications.py`` (``sspf_bench``; seeded when missing, reused
otherwise), builds the de-identified facts of every case (``reporting.facts.build_missing``, timed:
what the beat does after an upgrade), rebuilds ``--rebuild`` stale rows (timed), then asks for
the half-year report of the busiest term and its calendar year as the steering group, and their
exports, through Django's test client (server time: the view, its queries and the template,
without a network): the median of ``--runs`` requests and the statements of one. Prints Markdown
for docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/steering.py
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import notifications  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    parser.add_argument("--database", default="sspf_bench", help="name (default sspf_bench)")
    parser.add_argument("--runs", type=int, default=5, help="requests of each report")
    parser.add_argument(
        "--rebuild", type=int, default=5000, help="fact rows marked stale and rebuilt, timed"
    )
    return parser.parse_args()


def steering_user():
    from django.contrib.auth.models import Group, User

    from sspf_flow.models import Agency, Membership, Role

    user, created = User.objects.get_or_create(username="bench-styrgrupp")
    if created:
        user.groups.add(Group.objects.get(name=Role.STEERING_GROUP))
        Membership.objects.create(user=user, agency=Agency.objects.order_by("pk").first())
    return user


def busiest_term():
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth, ExtractYear

    from reporting.models import CaseFact

    rows = (
        CaseFact.objects.annotate(y=ExtractYear("referred_on"), h=ExtractMonth("referred_on"))
        .values_list("y", "h")
        .annotate(n=Count("pk"))
    )
    terms = {}
    for year, month, n in rows:
        key = (year, "vt" if month <= 6 else "ht")
        terms[key] = terms.get(key, 0) + n
    (year, which), n = max(terms.items(), key=lambda item: item[1])
    return year, which, n


def measure(client, url, runs):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = client.get(url)
    assert first.status_code == 200, first.status_code
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        answer = client.get(url)
        seconds.append(time.perf_counter() - t0)
        assert answer.status_code == 200
    return statistics.median(seconds), max(seconds), len(queries)


def main():
    args = parse_args()
    seed_line = notifications.prepare(args)
    from django.test import Client

    from reporting import facts
    from reporting.models import CaseFact
    from sspf_flow.models import Case

    t0 = time.perf_counter()
    built = facts.build_missing()
    build_seconds = time.perf_counter() - t0
    print(f"Built {built:,} fact rows in {build_seconds:.1f} s", flush=True)
    CaseFact.objects.filter(
        pk__in=CaseFact.objects.order_by("pk").values("pk")[: args.rebuild]
    ).update(stale=True)
    t0 = time.perf_counter()
    rebuilt = facts.refresh()
    rebuild_seconds = time.perf_counter() - t0
    print(f"Rebuilt {rebuilt:,} stale fact rows in {rebuild_seconds:.1f} s", flush=True)
    year, which, n = busiest_term()
    client = Client()
    client.force_login(steering_user())
    lines = [
        "| report | cases in the term | median | slowest | queries |",
        "|---|---|---|---|---|",
    ]
    for kind, label in ((which, "half-year (term)"), ("year", "calendar year")):
        url = f"/steering/?kind={kind}&year={year}"
        median, slowest, queries = measure(client, url, args.runs)
        lines.append(f"| {label} `{url}` | {n:,} | {median:.2f} s | {slowest:.2f} s | {queries} |")
        for ending in ("csv", "xlsx", "pdf"):
            export = f"/steering/report.{ending}?kind={kind}&year={year}"
            median, slowest, queries = measure(client, export, max(1, args.runs // 2))
            lines.append(
                f"| {label}, {ending.upper()} | | {median:.2f} s | {slowest:.2f} s | {queries} |"
            )
    print()
    print(seed_line)
    print(
        f"{Case.objects.count():,} cases, {CaseFact.objects.count():,} fact rows; facts built "
        f"from the cases in {build_seconds:.1f} s (once, after an upgrade); {rebuilt:,} stale "
        f"rows rebuilt in {rebuild_seconds:.1f} s ({rebuilt / rebuild_seconds:,.0f} a second)."
    )
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
