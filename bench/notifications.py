"""Benchmark of the notifications at scale: the deadline sweep and the coordinator dashboard.

Seeds its own PostgreSQL database (default ``sspf_bench``) with one fictional municipality,
100 000 cases, 100 000 viewflow processes, 1 000 000 viewflow tasks and a Deadline row for every
open item (nothing due), then measures:

a. ``notifications.deadlines.sweep()`` with nothing due;
b. the sweep that sends exactly 10 000 due steps, and the sweep right after it (sends 0);
c. ``GET /sspf/dashboard/`` for the coordinator with 300 open cases and for a school user, with
   the number of SQL queries (skipped while the page does not exist).

Run from the repository root (see bench/README.md)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/notifications.py

DATABASE_URL only says which PostgreSQL server to use; the benchmark always works in its own
database on that server and touches no other. A second run reuses the seeded data
(``--reseed`` drops and seeds it again).

This file is the entry point only: bench/database.py and bench/seed.py prepare the data,
bench/sweep.py and bench/pages.py measure, bench/report.py writes the Markdown.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root first, and not this folder: ``notifications`` is the application's package.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from bench import check, database, measure, pages, report, sweep  # noqa: E402
from bench.config import N_CASES, N_DUE, N_TASKS  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    parser.add_argument("--database", default="sspf_bench", help="name (default sspf_bench)")
    parser.add_argument("--runs", type=int, default=5, help="runs of the idle sweep and pages")
    parser.add_argument("--due-runs", type=int, default=3, help="runs of the 10 000-step sweep")
    return parser.parse_args()


def prepare(args):
    """The bench database migrated, seeded and tidied; returns the line saying about the seed."""
    django_url, info = database.prepare(args)
    database.setup_django(django_url)
    from django.core.management import call_command

    from bench import seed

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated {args.database} in {time.perf_counter() - t0:.1f} s", flush=True)
    if info is None:
        print(f"Seeding {N_CASES:,} cases and {N_TASKS:,} tasks …", flush=True)
        seconds = seed.seed()
        seed_line = f"Seeded now in {seconds:.0f} s (including VACUUM ANALYZE)."
    else:
        seed_line = (
            f"Reused the seed of {info[1]:%Y-%m-%d %H:%M} (it took {info[2]:.0f} s); "
            "--reseed seeds again."
        )
    print(seed_line, flush=True)
    check.tidy()
    return seed_line


def main():
    args = parse_args()
    started = time.perf_counter()
    code = report.code_version()
    seed_line = prepare(args)

    dispatch_calls = measure.patch_dispatch()
    results, notes, page_plans = [], [], []
    if not check.check_seed_against_app(notes):
        print(notes[-1], file=sys.stderr, flush=True)
    print("Measuring the idle sweep …", flush=True)
    idle_plan = measure.explain(*sweep.idle_sweep(args.runs, results, notes))
    due_plan = ""
    if args.due_runs:  # --due-runs 0 measures the idle sweep and the pages only
        print(f"Measuring the sweep with {N_DUE:,} due …", flush=True)
        due_plan = sweep.due_sweep(args.due_runs, results, notes, dispatch_calls)
    print("Measuring the pages …", flush=True)
    pages.pages(args.runs, results, notes, page_plans)

    print()
    print(
        report.render(
            {
                "results": results,
                "notes": notes,
                "seed_line": seed_line,
                "code": code,
                "idle_plan": idle_plan,
                "due_plan": due_plan,
                "page_plans": page_plans,
            }
        )
    )
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
