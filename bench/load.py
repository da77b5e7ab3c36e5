"""Load test: a realistic mix of coordinators, agency staff and log reviewers against gunicorn,
with locust (headless, bounded in time), on the bench database of ``bench/notifications.py``
(100 000 cases, 1 000 000 tasks; seed it with that script first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py \\
        [--users 50] [--seconds 60] [--workers 2]

Sessions for the bench users are written into the bench database (no password is needed or
known); gunicorn serves the project on a free local port with the bench database; locust runs
the mix (``bench/locustfile.py``: coordinators 5, agency staff 4, reviewers 1), then the same
number of anonymous users on the login page as the baseline. Prints per page: requests,
failures, p50 and p95 in ms, and req/s, as Markdown.
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402

SECRET = "bench-only-not-secret"


def session_for(user):
    """A logged-in session written straight into the database (no password needed)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def sessions(per_kind=10, cases_each=20):
    """Sessions of coordinators, school staff and the manager (the reviewer), with cases each
    may open."""
    from django.contrib.auth.models import User

    from sspf_flow import access

    def made(user):
        numbers = access.cases_visible_to(user).order_by("-referred_at")
        return {
            "session": session_for(user),
            "cases": list(numbers.values_list("number", flat=True)[:cases_each]),
        }

    users = User.objects.order_by("username")
    return {
        "coordinator": [
            made(u) for u in users.filter(username__startswith="samordnare")[:per_kind]
        ],
        "agency": [made(u) for u in users.filter(username__startswith="skola")[:per_kind]],
        "reviewer": [made(users.get(username="chef"))],
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(django_url, port, workers):
    env = {
        **os.environ,
        "DATABASE_URL": django_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "project.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def swarm(port, users, seconds, classes, out, session_file):
    env = {**os.environ, "SSPF_LOAD_SESSIONS": session_file}
    subprocess.run(  # noqa: S603
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            out,
            "--only-summary",
            *classes,
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    with open(f"{out}_stats.csv") as stats:
        return list(csv.DictReader(stats))


def table(rows, seconds):
    lines = [
        "| page | requests | failures | p50 ms | p95 ms | req/s |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {float(row['Requests/s']):.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sspf_bench")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    django_url, pg_url, _admin = database.bench_urls(args.database)
    if database.seed_info(pg_url) is None:
        sys.exit(f"{args.database} is not seeded: run bench/notifications.py first")
    os.environ["SECRET_KEY"] = SECRET
    database.setup_django(django_url)
    with tempfile.TemporaryDirectory() as work:
        session_file = str(Path(work) / "sessions.json")
        Path(session_file).write_text(json.dumps(sessions()))
        port = free_port()
        server = serve(django_url, port, args.workers)
        try:
            mix = swarm(
                port,
                args.users,
                args.seconds,
                ["Coordinator", "AgencyStaff", "Reviewer"],
                f"{work}/mix",
                session_file,
            )
            base = swarm(port, args.users, args.seconds, ["Baseline"], f"{work}/base", session_file)
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = next(row for row in mix if row["Name"] == "Aggregated")
    hello = next(row for row in base if row["Name"] == "Aggregated")
    print(f"\n{args.users} users, {args.seconds} s, gunicorn with {args.workers} workers\n")
    print(table(mix, args.seconds))
    print("\nbaseline (the login page, anonymous):\n")
    print(table(base, args.seconds))
    ratio = float(total["Requests/s"]) / max(float(hello["Requests/s"]), 0.001)
    print(
        f"\nthe mix serves {ratio:.0%} of the baseline's req/s; failures: {total['Failure Count']}"
    )


if __name__ == "__main__":
    main()
