"""Seeding the migrated, empty bench database: the municipality, its agencies and users through
the ORM's ``bulk_create``; the case plan (bench/plan.py); then every large table by one
generated ``INSERT … SELECT`` (bench/rows.py, bench/schema.py). All in one transaction with
``session_replication_role = replica``, so that foreign keys are not checked row by row; every
foreign key and every field with choices is checked once at the end, then ``VACUUM (ANALYZE)``."""

import time

from bench import flowrows, plan, rows, schema
from bench.config import MUNICIPALITY, SEED_VERSION
from bench.database import MARKER
from bench.fiction import agencies_spec, users_spec
from bench.tokens import RND_FUNCTION, fill, seed_constants

PASSWORD = "!bench-unusable"  # an unusable password: nobody logs in as a bench user


def organisation():
    """The municipality (with the model's default ladder days), its agencies, the users, their
    role groups and memberships; returns the models written and the number of users."""
    from django.contrib.auth.models import Group, User

    from sspf_flow.models import Agency, Membership, Municipality, Role

    municipality = Municipality.objects.create(name=MUNICIPALITY, code="9998")
    Agency.objects.bulk_create(
        Agency(
            id=pk,
            municipality=municipality,
            name=name,
            kind=kind,
            contact_name=contact,
            contact_email=f"myndighet{pk}@benchkommun.invalid",
        )
        for pk, name, kind, contact in agencies_spec()
    )
    spec = users_spec()
    User.objects.bulk_create(
        User(
            id=uid,
            username=username,
            first_name=first_name,
            last_name="Bench",
            email=f"{username}@benchkommun.invalid",
            password=PASSWORD,
        )
        for uid, username, first_name, *_rest in spec
    )
    groups = dict(Group.objects.values_list("name", "pk"))
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=uid, group_id=groups[Role(role).value])
        for uid, _name, _first, role, *_rest in spec
    )
    Membership.objects.bulk_create(
        Membership(id=uid, user_id=uid, agency_id=agency, title=title, manager_id=manager)
        for uid, _name, _first, _role, agency, title, manager in spec
    )
    return [Municipality, Agency, User, User.groups.through, Membership], len(spec)


def tables(pending_days):
    """(label, [(Model, {field name: SQL}, source), …]) in the order the seed writes them."""
    return [
        ("youths and guardians", rows.people()),
        ("cases", rows.cases()),
        ("consents", rows.consents()),
        ("meetings", rows.meetings()),
        ("action plans and actions", rows.plans()),
        ("deadlines", flowrows.deadlines(pending_days)),
        ("viewflow processes", flowrows.workflow()[:1]),
        ("viewflow tasks", flowrows.workflow()[1:]),
        ("the open steps' due dates", flowrows.task_deadlines()),
        ("notification preferences", flowrows.preferences()),
        ("the access log", flowrows.access_log()),
    ]


def _step(label, started, detail=""):
    print(f"  seeded {label}{detail} in {time.perf_counter() - started:.1f} s", flush=True)


def seed():
    """Fill the empty, migrated bench database; returns the seconds it took."""
    from django.db import connection, transaction

    from sspf_flow.models import Case, Municipality

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        if Case.objects.exists():
            raise RuntimeError("the bench database holds cases but no seed marker: use --reseed")
        cursor.execute(RND_FUNCTION)
        t0 = time.perf_counter()
        written, users = organisation()
        _step(f"municipality, agencies and {users} users (bulk_create)", t0)
        constants = seed_constants() | rows.name_tokens()
        t0 = time.perf_counter()
        plan.make_plan(cursor, constants)
        _step("case plan", t0)
        pending_days = Municipality.objects.get(name=MUNICIPALITY).consent_pending_days
        for label, inserts in tables(pending_days):
            t0 = time.perf_counter()
            counts = {}
            for model, values, source in inserts:
                cursor.execute(fill(schema.insert_sql(model, values, source), constants))
                table = model._meta.db_table
                counts[table] = counts.get(table, 0) + cursor.rowcount
                written.append(model)
            _step(label, t0, " (" + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + ")")
        cursor.execute("DROP FUNCTION pg_temp.rnd(bigint, int, int)")
        schema.reset_sequences(cursor, list(dict.fromkeys(written)))
        t0 = time.perf_counter()
        schema.check_foreign_keys(cursor)
        schema.check_choices(cursor, list(dict.fromkeys(written)))
        print(
            f"  checked every foreign key and choice in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        cursor.execute(
            f"CREATE TABLE {MARKER} (version int, seeded_at timestamptz, seconds float8)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, now(), %s)",  # noqa: S608
            [SEED_VERSION, time.perf_counter() - started],
        )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE) in {time.perf_counter() - t0:.1f} s", flush=True)
        seconds = time.perf_counter() - started
        cursor.execute(f"UPDATE {MARKER} SET seconds = %s", [seconds])  # noqa: S608
    return seconds
