"""The protected log's cost (issue 15): writing access-log rows with and without the hash
chain's trigger, and verifying the chain.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/logchain.py

Works in its own database, ``sspf_bench_logchain`` (dropped and migrated afresh each run).
Writes ROWS rows three ways, each with the chain's trigger on and then off (``ALTER TABLE …
DISABLE TRIGGER`` the chain's two for that pass only): one row per statement in its own
transaction (a case page's write, autocommit), ten rows per statement (a list page of ten
cases, ``accesslog.record``'s one INSERT…SELECT), and all rows in one statement. Then times
``verify_access_log`` over what the chained passes wrote."""

# The SQL is this module's own text, never input.
# ruff: noqa: S608

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.database import bench_urls, ensure_database, setup_django  # noqa: E402

DATABASE = "sspf_bench_logchain"
ROW = "now(), NULL, NULL, 'samordnare', NULL, NULL, 'ärendesida', 'view', '10.0.0.1'::inet, true"
COLUMNS = "at, user_id, agency_id, roles, case_id, youth_id, what, action, ip, had_basis"


def passes(cursor, rows):
    table = "sspf_flow_accesslog"

    def one_per_statement():
        for _ in range(rows):
            cursor.execute(f"INSERT INTO {table} ({COLUMNS}) VALUES ({ROW})")

    def ten_per_statement():
        for _ in range(rows // 10):
            cursor.execute(
                f"INSERT INTO {table} ({COLUMNS}) SELECT {ROW} FROM generate_series(1, 10)"
            )

    def all_in_one():
        cursor.execute(
            f"INSERT INTO {table} ({COLUMNS}) SELECT {ROW} FROM generate_series(1, %s)", [rows]
        )

    return {
        "1 row a statement (a case page)": one_per_statement,
        "10 rows a statement (a list page)": ten_per_statement,
        f"{rows} rows in one statement": all_in_one,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    django_url, _pg, admin = bench_urls(DATABASE)
    ensure_database(admin, DATABASE, reseed=True)
    setup_django(django_url)
    from django.core.management import call_command
    from django.db import connection

    from sspf_flow import logchain

    call_command("migrate", verbosity=0)
    connection.ensure_connection()
    print(f"{args.rows} access-log rows, PostgreSQL {connection.pg_version // 10000}")
    with connection.cursor() as cursor:
        for name, write in passes(cursor, args.rows).items():
            timings = {}
            for chained in (True, False):
                state = "ENABLE" if chained else "DISABLE"
                cursor.execute(
                    f"ALTER TABLE sspf_flow_accesslog {state} TRIGGER sspf_accesslog_chain"
                )
                started = time.perf_counter()
                write()
                timings[chained] = time.perf_counter() - started
                if not chained:  # the unchained rows go, past the protection, for the next pass
                    cursor.execute("SET session_replication_role = replica")
                    cursor.execute("DELETE FROM sspf_flow_accesslog WHERE position IS NULL")
                    cursor.execute("SET session_replication_role = origin")
            for trigger in ("sspf_accesslog_chain", "sspf_accesslog_chain_head"):
                cursor.execute(f"ALTER TABLE sspf_flow_accesslog ENABLE TRIGGER {trigger}")
            per_row = (timings[True] - timings[False]) / args.rows * 1e6
            print(
                f"  {name}: chained {timings[True]:.2f} s, without the chain "
                f"{timings[False]:.2f} s; the chain adds {per_row:.0f} µs a row"
            )
    started = time.perf_counter()
    verdict = logchain.verify()
    elapsed = time.perf_counter() - started
    print(
        f"verify_access_log: {verdict.rows} rows in {elapsed:.2f} s "
        f"({verdict.rows / elapsed:,.0f} rows/s), {'OK' if verdict.ok else verdict.problem}"
    )


if __name__ == "__main__":
    main()
