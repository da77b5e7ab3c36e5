"""The bench database: the safety rules (PostgreSQL only, a database of its own whose name
contains ``bench``), creating, dropping and reusing it, and Django's settings for the run.

Everything here runs before Django is set up, on plain psycopg connections."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

from bench.config import SEED_VERSION

MARKER = "bench_seed"  # a table of one row: seed version, when, how long it took


def bench_urls(database):
    """(Django URL of the bench database, psycopg URL of the same, of the server's postgres
    database) from DATABASE_URL, which must point at PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(
            "Refusing to run: DATABASE_URL must point at a PostgreSQL server, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            ".venv/bin/python bench/notifications.py\n"
            f"(it is {url or 'not set'!r}). The benchmark uses its own database on that server."
        )
    if "bench" not in database:
        sys.exit(f"Refusing to use {database!r}: the bench database's name must contain 'bench'.")
    django_url = urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
    pg = urlunsplit(("postgresql", parts.netloc, f"/{database}", parts.query, ""))
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    return django_url, pg, admin


def ensure_database(admin_url, database, reseed):
    """Create the bench database if missing; with ``reseed`` drop it first. Returns whether it
    was (re)created."""
    import psycopg
    from psycopg import sql

    assert "bench" in database, database  # never drop anything else
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists and reseed:
            print(f"Dropping database {database} (--reseed) …", flush=True)
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
            exists = None
        if not exists:
            print(f"Creating database {database} …", flush=True)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            return True
    return False


def seed_info(pg_url):
    """(version, seeded at, seconds) of the seed the database holds, or None."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]:
            return None
        # None when an interrupted seed left the table without its row
        return conn.execute(f"SELECT version, seeded_at, seconds FROM {MARKER}").fetchone()  # noqa: S608


def prepare(args):
    """Create or reuse the bench database; returns (Django URL, seed info or None when it must
    be seeded)."""
    django_url, pg_url, admin_url = bench_urls(args.database)
    created = ensure_database(admin_url, args.database, args.reseed)
    info = None if created else seed_info(pg_url)
    if not created and (info is None or info[0] != SEED_VERSION):
        why = "no complete seed" if info is None else f"seed version {info[0]}, not {SEED_VERSION}"
        print(f"{args.database} holds {why}: dropping and seeding again", flush=True)
        ensure_database(admin_url, args.database, reseed=True)
        info = None
    return django_url, info


def setup_django(django_url):
    """Django on the bench database: locmem e-mail, no broker, no Redis, no DEBUG query log."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "project.settings"
    os.environ["DATABASE_URL"] = django_url
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
    os.environ["CELERY_BROKER_URL"] = "memory://"  # no broker server; dispatch is a no-op anyway
    os.environ.pop("REDIS_URL", None)  # local-memory cache, no Redis
    os.environ["DEBUG"] = "0"  # production-like: no query log kept
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
