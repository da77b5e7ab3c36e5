"""E-mails per second through a real SMTP server with one Celery worker.

Starts an SMTP server (aiosmtpd) on a free port of 127.0.0.1 that counts what it receives, and
one Celery worker (``celery -A project worker --pool=solo`` as a subprocess) on Redis and on its
own PostgreSQL database, with Django's SMTP backend pointed at that server. Then, for N e-mails
each run, alternating:

a. one task per e-mail: N ``outbox.enqueue`` in one transaction; after commit each row is handed
   to ``deliver`` (what a case event does);
b. batched: ``outbox.enqueue_many`` of N rows; after commit they go to ``deliver_many`` in
   batches (what the deadline sweep and the digests do).

The clock runs from the commit (the first hand-off) until the SMTP server holds all N; the
hand-offs overlap with the sending. Each run then checks that every row is marked sent and that
every e-mail arrived exactly once (by its Message-ID). Run from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/mail.py [--emails 2000] [--runs 3]

DATABASE_URL only names the PostgreSQL server; the script works in its own database on it
(``sspf_bench_mail``, created and migrated when missing). REDIS_URL names the Redis server and
the database number the script takes for itself: it is flushed at the start and at the end.
Prints a Markdown table per way: the median and the range of e-mails/s, when the hand-offs were
done, the SMTP connections opened and the worker's CPU time per e-mail (see bench/README.md).
"""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The repository root first, and not this folder: ``notifications`` is the application's package.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from bench.database import bench_urls, ensure_database  # noqa: E402

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
BODY = (
    "Du har en uppgift som väntar i SSPF: bedöm aktualiseringen av ärende SSPF-2026-{n:05d}. "
    "Öppna ärendet via länken nedan. Det här meddelandet innehåller inga personuppgifter.\n"
) * 4


class Inbox:
    """aiosmtpd handler: counts the messages received, their Message-IDs and the connections
    (one EHLO each)."""

    def __init__(self):
        self.ids = Counter()
        self.count = self.connections = 0
        self._changed = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self._changed:
            self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self._changed:
            self.count += 1
            self.ids[found.group(1).decode() if found else None] += 1
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def reset(self):
        with self._changed:
            self.ids.clear()
            self.count = self.connections = 0

    def wait_for(self, count, timeout):
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= count, timeout)


def free_port():
    """A port on 127.0.0.1 that nothing listens on (bound to 0 by the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=2000, help="e-mails per run (2000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way (3)")
    parser.add_argument("--database", default="sspf_bench_mail", help="(sspf_bench_mail)")
    parser.add_argument("--pool", default="solo", choices=["solo", "prefork"], help="(solo)")
    parser.add_argument("--only", choices=["single", "batched"], help="measure one way only")
    parser.add_argument("--loglevel", default="info", help="the worker's (info, as deployed)")
    return parser.parse_args()


def redis_url():
    url = os.environ.get("REDIS_URL", "")
    parts = urlsplit(url)
    if parts.scheme != "redis" or parts.path.strip("/") in {"", "0"}:
        sys.exit(
            "Set REDIS_URL to a Redis database of the benchmark's own (it is flushed), e.g.\n"
            "  REDIS_URL=redis://127.0.0.1:6379/7"
        )
    return url


def setup(args, smtp_port):
    """Environment for Django here and in the worker; the bench database created, migrated."""
    django_url, _pg, admin_url = bench_urls(args.database)
    ensure_database(admin_url, args.database, reseed=False)
    broker = redis_url()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DATABASE_URL=django_url,
        REDIS_URL=broker,
        CELERY_BROKER_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="False",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="False",
        EMAIL_USE_SSL="False",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django
    import redis

    redis.Redis.from_url(broker).flushdb()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_worker(args, log):
    command = [
        str(ROOT / ".venv/bin/celery"),
        "-A",
        "project",
        "worker",
        f"--pool={args.pool}",
        "--concurrency=1",
        f"--loglevel={args.loglevel}",
        "--hostname=benchmail@%h",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's code, whatever is installed
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    from project.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"The worker stopped (exit {worker.returncode}); see {log.name}")
        if any("benchmail@" in name for reply in app.control.ping(timeout=0.5) for name in reply):
            return worker
    worker.kill()
    sys.exit(f"The worker did not answer a ping within 60 s; see {log.name}")


def stop_worker(worker):
    worker.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def rows_for(tag, count):
    from notifications.models import Outbox

    return [
        Outbox(
            key=f"bench.mail.{tag}.{n}",
            kind="task",
            to=f"mottagare{n:05d}@exempel.invalid",
            subject=f"Uppgift väntar: SSPF-2026-{n:05d}",
            body_text=BODY.format(n=n),
            body_html=f"<p>{BODY.format(n=n)}</p>",
        )
        for n in range(count)
    ]


def cpu_seconds(pid):
    """CPU time (user and system) of process ``pid`` and its children, from /proc (Linux)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # itself, or its child
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def one_run(way, tag, count, inbox, worker):
    """Queue ``count`` e-mails the ``way`` asked; returns (e-mails/s, hand-off s, exactly once,
    SMTP connections, the worker's CPU ms per e-mail)."""
    from django.db import connection, transaction

    from notifications import outbox
    from notifications.models import Outbox, OutboxStatus

    Outbox.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_outbox")
    inbox.reset()
    rows = rows_for(tag, count)
    marks = []
    cpu = cpu_seconds(worker.pid)
    with transaction.atomic():
        transaction.on_commit(lambda: marks.append(time.perf_counter()))  # runs first
        if way == "single":
            for row in rows:
                outbox.enqueue(row.key, row.kind, row.to, row.subject, row.body_text, row.body_html)
        else:
            outbox.enqueue_many(rows)
        transaction.on_commit(lambda: marks.append(time.perf_counter()))  # runs last
    if not inbox.wait_for(count, timeout=max(120, count / 5)):
        sys.exit(f"{way}: only {inbox.count} of {count} e-mails arrived")
    seconds = time.perf_counter() - marks[0]
    cpu = cpu_seconds(worker.pid) - cpu
    # not timed: every row marked sent (a row is marked just after its e-mail was accepted)
    deadline = time.monotonic() + 30
    while Outbox.objects.filter(status=OutboxStatus.SENT).count() < count:
        if time.monotonic() > deadline:
            sys.exit(f"{way}: not every row was marked sent within 30 s of its e-mail")
        time.sleep(0.05)
    expected = {outbox.message_id(row.key) for row in rows}
    once = inbox.count == count and set(inbox.ids) == expected and set(inbox.ids.values()) == {1}
    return count / seconds, marks[1] - marks[0], once, inbox.connections, cpu * 1000 / count


def code_version():
    def git(*words):
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return f"{ROOT} (not a git checkout)"
    changed = git("status", "--porcelain", "--", "notifications")
    return f"{head}{' + uncommitted changes in notifications/' if changed else ''}"


def main():
    args = parse_args()
    code = code_version()
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    setup(args, controller.port)
    print(f"SMTP on 127.0.0.1:{controller.port}; load before: {os.getloadavg()}", flush=True)
    logdir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    ways = [args.only] if args.only else ["single", "batched"]
    results = {way: [] for way in ways}
    with open(logdir / "worker.log", "w") as log:
        worker = start_worker(args, log)
        try:
            for run in range(args.runs):
                for way in ways:
                    result = one_run(way, f"{run}.{way}", args.emails, inbox, worker)
                    results[way].append(result)
                    rate = result[0]
                    print(f"run {run + 1} {way}: {rate:.1f} e-mails/s", flush=True)
        finally:
            stop_worker(worker)
            controller.stop()
            import redis

            redis.Redis.from_url(redis_url()).flushdb()
    load = os.getloadavg()
    names = {
        "single": "one task per e-mail (`deliver`)",
        "batched": "batched (`enqueue_many` → `deliver_many`)",
    }
    print(f"\n{args.emails} e-mails a run, {args.runs} runs, one worker (--pool={args.pool})")
    print(f"code {code}; {os.cpu_count()} cores; load after {load}\n")
    print(
        "| hand-off | e-mails/s median | range | hand-offs done after | SMTP connections "
        "| worker CPU per e-mail | each e-mail exactly once |"
    )
    print("|---|---|---|---|---|---|---|")
    for way, rows in results.items():
        rates, handoffs, onces, connections, cpus = zip(*rows, strict=True)
        print(
            f"| {names[way]} | {statistics.median(rates):.1f} | "
            f"{min(rates):.1f}–{max(rates):.1f} | {statistics.median(handoffs):.2f} s | "
            f"{statistics.median(connections):g} | {statistics.median(cpus):.1f} ms | "
            f"{'yes' if all(onces) else '**no**'} |"
        )
    print("\n(medians over the runs; e-mails/s from the commit until the SMTP server had all)")
    print(f"\nThe worker's log: {logdir / 'worker.log'}")


if __name__ == "__main__":
    main()
