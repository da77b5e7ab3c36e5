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
"""

# The SQL below is assembled from this script's own constants, never from input.
# ruff: noqa: S608

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_VERSION = 1
N_CASES = 100_000
N_TASKS = 1_000_000
N_DUE = 10_000
COORDINATOR_OPEN_CASES = 300
N_COORDINATORS = 40  # the bench coordinator and 39 others who own the rest
N_SCHOOLS = 200  # ~58 000 consented open cases / 200 schools: ~300 covered cases per school
N_LEISURE = 10
# Agency ids: 1 social services, 2 police, 3 safety, 4 child psychiatry, then the leisure
# centres, then the schools.
FIRST_LEISURE = 5
FIRST_SCHOOL = FIRST_LEISURE + N_LEISURE
# A row whose next step comes within this margin counts as already sent when seeding, so that
# nothing falls due while the benchmark runs (it takes well under this).
GRACE = "30 minutes"

TARGETS = {"idle": 1.0, "due": 30.0, "page": 0.100}

FIRST_NAMES = [
    "Alva", "Elsa", "Maja", "Ella", "Wilma", "Saga", "Ebba", "Alice", "Olivia", "Astrid",
    "Noah", "William", "Hugo", "Liam", "Lucas", "Oliver", "Elias", "Adam", "Leo", "Isak",
    "Sam", "Kim", "Alex", "Robin", "Nour", "Ali", "Amir", "Sara", "Yara", "Mika",
]  # fmt: skip
LAST_NAMES = [
    "Benchberg", "Provsson", "Testdotter", "Exempelius", "Demoström", "Fiktivsson", "Lekberg",
    "Skissdal", "Mönstergren", "Utkastsson", "Påhittad", "Låtsasberg", "Modellin", "Provkvist",
    "Attrappsson", "Skenholm", "Fantasigren", "Övningsdal", "Mallberg", "Dummystedt",
]  # fmt: skip
CONCERNS = [
    "school_absence", "school_results", "substance_use", "criminal_peers", "crime",
    "violence", "norm_breaking", "family", "mental_health", "other",
]  # fmt: skip
CONCERN_TEXTS = [
    "Fiktiv uppgift: ökad frånvaro och oro för umgänget.",
    "Fiktiv uppgift: påträffad sent på kvällen med äldre ungdomar.",
    "Fiktiv uppgift: konflikter i skolan och oro för hemsituationen.",
    "Fiktiv uppgift: misstänkt för snatteri vid flera tillfällen.",
    "Fiktiv uppgift: alkohol vid flera tillfällen, sjunkande resultat.",
    "Fiktiv uppgift: hot mot andra besökare på fritidsgården.",
]
ACTION_TEXTS = [
    "Extra stöd för att öka närvaron.",
    "Samtal varannan vecka med kurator.",
    "Familjebehandling.",
    "Kontakt med föräldrarna vid oro.",
    "Fritidsledaren följer upp fritidsintressen.",
    "Drogtester och behandlingsprogram.",
    "Anpassningar i skolmiljön.",
    "Går till skolan varje dag.",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    parser.add_argument("--database", default="sspf_bench", help="name (default sspf_bench)")
    parser.add_argument("--runs", type=int, default=5, help="runs of the idle sweep and pages")
    parser.add_argument("--due-runs", type=int, default=3, help="runs of the 10 000-step sweep")
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------------


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


def setup_django(django_url):
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


# --- seeding -----------------------------------------------------------------------------------


def users_spec():
    """(id, username, first name, role, agency id, title, manager id) of every bench user."""
    rows = [(1, "chef", "Chef", "socialtjanst", 1, "Enhetschef", None)]
    for n in range(N_COORDINATORS):
        name = FIRST_NAMES[n % len(FIRST_NAMES)]
        rows.append((len(rows) + 1, f"samordnare{n + 1:02d}", name, "samordnare", 1, "SSPF", 1))
    for n in range(12):
        rows.append((len(rows) + 1, f"socsek{n + 1:02d}", "Sven", "socialtjanst", 1, "", None))
    for n in range(8):
        rows.append((len(rows) + 1, f"polis{n + 1:02d}", "Per", "polis", 2, "", None))
    for n in range(3):
        rows.append((len(rows) + 1, f"trygghet{n + 1:02d}", "Tove", "trygghet", 3, "", None))
    for a in range(N_LEISURE):
        for s in "ab":
            rows.append(
                (
                    len(rows) + 1,
                    f"fritid{a + 1:02d}{s}",
                    "Frida",
                    "fritid",
                    FIRST_LEISURE + a,
                    "",
                    None,
                )
            )
    for a in range(N_SCHOOLS):
        for s in "ab":
            rows.append(
                (len(rows) + 1, f"skola{a + 1:03d}{s}", "Sara", "skola", FIRST_SCHOOL + a, "", None)
            )
    return rows


BENCH_COORDINATOR = 2  # samordnare01, the coordinator with 300 open cases
BENCH_SCHOOL_USER = "skola001a"  # of Skola 001


def seed_constants():
    """Values the SQL takes from the application, so that the seed follows its settings."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from notifications.deadlines import LADDERS, step_day
    from sspf_flow.flows import CaseFlow
    from sspf_flow.models import Case, Municipality
    from sspf_flow.models.case import OPEN_AFTER_CONSENT

    municipality = Municipality()  # the defaults, as the seeded municipality has
    ladders = []
    for kind, steps in LADDERS.items():
        zero = dt.date(2000, 1, 1)
        offsets = [(step_day(step, zero, municipality) - zero).days for step in steps]
        assert offsets == sorted(offsets), (kind, offsets)
        ladders.append(f"('{kind.value}', ARRAY{offsets}::int[])")
    nodes = [
        "start_from_code", "assess", "check_accepted", "obtain_consent", "check_consented",
        "plan_meeting", "hold_meeting", "check_in_progress", "wait_for_follow_up", "follow_up",
        "after_follow_up", "end",
    ]  # fmt: skip
    refs = [get_task_ref(getattr(CaseFlow, name)) for name in nodes]
    types = [getattr(CaseFlow, name).task_type for name in nodes]
    return {
        "@TZ@": f"'{settings.TIME_ZONE}'",
        "@TODAY@": f"(now() AT TIME ZONE '{settings.TIME_ZONE}')::date",
        "@HOUR@": f"make_time({settings.NOTIFY_HOUR}, 0, 0)",
        "@LEAD@": str(settings.FOLLOW_UP_LEAD_DAYS),
        "@PENDING_DAYS@": str(municipality.consent_pending_days),
        "@LADDERS@": "(VALUES " + ", ".join(ladders) + ") AS lad(kind, offs)",
        "@OPEN_AFTER@": "(" + ", ".join(f"'{s.value}'" for s in OPEN_AFTER_CONSENT) + ")",
        "@N@": str(N_CASES),
        "@CT@": str(ContentType.objects.get_for_model(Case).pk),
        "@FLOW@": f"'{get_flow_ref(CaseFlow)}'",
        "@NODES@": "ARRAY[" + ", ".join(f"'{r}'" for r in refs) + "]",
        "@TYPES@": "ARRAY[" + ", ".join(f"'{t}'" for t in types) + "]",
        "@PREFIX@": settings.CASE_NUMBER_PREFIX,
        "@C1@": str(BENCH_COORDINATOR),
        "@C2@": str(BENCH_COORDINATOR + 1),
        "@NC@": str(N_COORDINATORS - 1),
        "@OPEN@": str(COORDINATOR_OPEN_CASES),
        "@NS@": str(N_SCHOOLS),
        "@NL@": str(N_LEISURE),
        "@FL@": str(FIRST_LEISURE),
        "@FS@": str(FIRST_SCHOOL),
        "@FIRST@": "ARRAY[" + ", ".join(f"'{n}'" for n in FIRST_NAMES) + "]",
        "@LAST@": "ARRAY[" + ", ".join(f"'{n}'" for n in LAST_NAMES) + "]",
        "@CONCERNS@": "ARRAY[" + ", ".join(f"'{c}'" for c in CONCERNS) + "]",
        "@CTEXTS@": "ARRAY[" + ", ".join(f"'{t}'" for t in CONCERN_TEXTS) + "]",
        "@ATEXTS@": "ARRAY[" + ", ".join(f"'{t}'" for t in ACTION_TEXTS) + "]",
        "@MUNICIPALITY_DAYS@": ", ".join(
            str(getattr(municipality, name))
            for name in (
                "consent_expiry_notice_days",
                "consent_pending_days",
                "escalate_to_coordinator_days",
                "escalate_to_manager_days",
                "reminder_days",
            )
        ),
        "@GRACE@": f"interval '{GRACE}'",
    }


def fill(sql, constants):
    for token, value in constants.items():
        sql = sql.replace(token, value)
    assert "@" not in sql.replace("@example", "").replace("@benchkommun", ""), sql
    return sql


# Level and next firing time of a deadline from its due date: every step whose time has come
# (within GRACE) counts as sent, as after a sweep. ``i.due`` and ``lad.offs`` come from the query.
LADDER_STEP = """
CROSS JOIN LATERAL (
    SELECT (count(*) FILTER (WHERE s.t <= now() + @GRACE@))::smallint AS level,
           min(s.t) FILTER (WHERE s.t > now() + @GRACE@) AS fire_at
    FROM (SELECT ((i.due + o) + @HOUR@) AT TIME ZONE @TZ@ AS t FROM unnest(lad.offs) AS o) AS s
) AS l
"""

SEED_STEPS = [
    (
        "helpers",
        """
        CREATE FUNCTION pg_temp.rnd(i bigint, salt int, m int) RETURNS int
        LANGUAGE sql IMMUTABLE AS
        $$ SELECT (abs(hashint8(i * 7919 + salt)::bigint) % m)::int $$
        """,
    ),
    (
        "municipality and agencies",
        """
        INSERT INTO sspf_flow_municipality (id, name, code, consent_age_alone,
            consent_age_with_guardians, consent_expiry_notice_days, consent_pending_days,
            escalate_to_coordinator_days, escalate_to_manager_days, reminder_days)
        VALUES (1, 'Benchkommun', '9998', 18, 15, @MUNICIPALITY_DAYS@);
        INSERT INTO sspf_flow_agency (id, name, kind, contact_name, contact_email, contact_phone,
            municipality_id)
        SELECT id, name, kind, 'Kontaktperson', 'myndighet' || id || '@benchkommun.invalid', '', 1
        FROM (VALUES (1, 'Socialtjänsten', 'socialtjanst'), (2, 'Lokalpolisområde Bench', 'polis'),
                     (3, 'Trygghet och beredskap', 'trygghet'), (4, 'BUP Bench', 'ovrig')) AS a
             (id, name, kind)
        UNION ALL
        SELECT @FL@ - 1 + n, 'Fritidsgården ' || lpad(n::text, 2, '0'), 'fritid',
               'Fritidsledare', 'myndighet' || (@FL@ - 1 + n) || '@benchkommun.invalid', '', 1
        FROM generate_series(1, @NL@) AS n
        UNION ALL
        SELECT @FS@ - 1 + n, 'Skola ' || lpad(n::text, 3, '0'), 'skola', 'Rektor',
               'myndighet' || (@FS@ - 1 + n) || '@benchkommun.invalid', '', 1
        FROM generate_series(1, @NS@) AS n
        """,
    ),
    # users: inserted from users_spec() by seed() before the next steps
    (
        "case plan (status, timeline, coordinator)",
        """
        CREATE TEMP TABLE p AS
        SELECT t.*,
            now() - t.d0 * interval '1 day' - (t.id % 480) * interval '1 minute' AS referred_at
        FROM (
            SELECT s.*,
                CASE s.status
                    WHEN 'referred' THEN pg_temp.rnd(s.id, 10, 31)
                    WHEN 'awaiting_consent' THEN 3 + pg_temp.rnd(s.id, 10, 58)
                    WHEN 'consented' THEN 14 + pg_temp.rnd(s.id, 10, 60)
                    WHEN 'meeting_planned' THEN 30 + pg_temp.rnd(s.id, 10, 150)
                    WHEN 'in_progress' THEN 30 + pg_temp.rnd(s.id, 10, 330)
                    ELSE 30 + pg_temp.rnd(s.id, 10, 870)
                END AS d0,
                CASE WHEN s.status = 'in_progress'
                     THEN @TODAY@ + (pg_temp.rnd(s.id, 11, 731) - 365) END AS next_follow_up,
                NULL::int AS coordinator,
                0 AS n
            FROM (
                SELECT i AS id,
                    CASE WHEN r < 7 THEN 'referred' WHEN r < 17 THEN 'awaiting_consent'
                         WHEN r < 22 THEN 'consented' WHEN r < 30 THEN 'meeting_planned'
                         WHEN r < 75 THEN 'in_progress' ELSE 'closed' END AS status,
                    pg_temp.rnd(i, 2, 10) AS cv,  -- how a closed case ended
                    @FS@ + pg_temp.rnd(i, 3, @NS@) AS school,
                    @FL@ + pg_temp.rnd(i, 4, @NL@) AS leisure,
                    pg_temp.rnd(i, 5, 10) < 6 AS police_on,
                    pg_temp.rnd(i, 6, 10) < 5 AS leisure_on,
                    pg_temp.rnd(i, 7, 4) AS source,
                    pg_temp.rnd(i, 8, 10) < 4 AS prior_plan,
                    pg_temp.rnd(i, 30, 2) AS k  -- follow-up rounds done
                FROM generate_series(1, @N@) AS i,
                     LATERAL (SELECT pg_temp.rnd(i, 1, 100) AS r) AS x
            ) AS s
        ) AS t;
        ALTER TABLE p ADD PRIMARY KEY (id);
        UPDATE p SET coordinator = CASE
                WHEN q.open AND q.rn <= @OPEN@ THEN @C1@
                WHEN NOT q.open AND q.rn <= 100 THEN @C1@
                ELSE @C2@ + p.id % @NC@ END
        FROM (
            SELECT id, status <> 'closed' AS open,
                   row_number() OVER (PARTITION BY status <> 'closed'
                                      ORDER BY pg_temp.rnd(id, 12, 1000000), id) AS rn
            FROM p WHERE status <> 'referred'
        ) AS q
        WHERE p.id = q.id;
        UPDATE p SET n = CASE
            WHEN status = 'referred' THEN 2
            WHEN status = 'awaiting_consent' THEN 4
            WHEN status = 'consented' THEN 6
            WHEN status = 'meeting_planned' THEN 7
            WHEN status = 'in_progress'
                THEN 9 + 3 * k + (next_follow_up <= @TODAY@ + @LEAD@)::int
            WHEN cv < 3 THEN 4
            WHEN cv < 5 THEN 6
            WHEN cv = 5 THEN 9
            ELSE 12 + 3 * k END
        """,
    ),
    # seed() tops the task counts up to exactly N_TASKS here
    (
        "case plan (dates)",
        """
        ALTER TABLE p ADD COLUMN accepted_at timestamptz, ADD COLUMN consented_at timestamptz,
            ADD COLUMN first_meeting_at timestamptz, ADD COLUMN closed_at timestamptz;
        UPDATE p SET
            accepted_at = CASE WHEN status <> 'referred' AND NOT (status = 'closed' AND cv < 3)
                               THEN referred_at + interval '2 days' END,
            consented_at = CASE WHEN status IN @OPEN_AFTER@ OR (status = 'closed' AND cv >= 5)
                                THEN referred_at + interval '7 days' END,
            first_meeting_at = CASE WHEN status = 'in_progress'
                                      OR (status = 'meeting_planned' AND prior_plan)
                                      OR (status = 'closed' AND cv >= 5)
                                    THEN referred_at + interval '21 days' END,
            closed_at = CASE WHEN status <> 'closed' THEN NULL
                             WHEN cv < 3 THEN referred_at + interval '3 days'
                             WHEN cv < 5 THEN referred_at + interval '20 days'
                             ELSE referred_at + interval '1 day'
                                  * (22 + (d0 - 23) * pg_temp.rnd(id, 13, 100) / 100.0) END
        """,
    ),
    (
        "youths and guardians",
        """
        INSERT INTO sspf_flow_youth (id, first_name, last_name, personal_number, birth_date,
            gender, school, grade, language, needs_interpreter, accessibility_needs,
            municipality_id)
        SELECT id, (@FIRST@)[1 + pg_temp.rnd(id, 14, 30)], (@LAST@)[1 + pg_temp.rnd(id, 15, 20)],
            '', @TODAY@ - (12 * 365 + pg_temp.rnd(id, 16, 7 * 365)),
            (ARRAY['flicka', 'pojke', 'annat'])[1 + pg_temp.rnd(id, 17, 3)],
            'Skola ' || lpad((school - @FS@ + 1)::text, 3, '0'), (6 + pg_temp.rnd(id, 18, 4))::text,
            '', false, '', 1
        FROM p;
        INSERT INTO sspf_flow_guardian (id, name, phone, email, has_custody, youth_id)
        SELECT 2 * y.id - 2 + g, 'Vårdnadshavare ' || g || ' ' || y.last_name, '070-000 00 00',
            CASE WHEN pg_temp.rnd(2 * y.id + g, 19, 2) = 0
                 THEN 'vh' || y.id || '-' || g || '@example.invalid' ELSE '' END,
            true, y.id
        FROM sspf_flow_youth AS y,
             generate_series(1, 1 + (pg_temp.rnd(y.id, 20, 10) < 7)::int) AS g
        """,
    ),
    (
        "cases",
        """
        INSERT INTO sspf_flow_case (id, number, programme, status, referral_source, concerns,
            concern_text, protective_factors, protective_text, risk_level, referred_at,
            accepted_at, consented_at, first_meeting_at, next_follow_up, closed_at,
            closure_reason, closure_text, coordinator_id, referred_by_id, referring_agency_id,
            municipality_id, youth_id)
        SELECT p.id,
            '@PREFIX@-' || q.year || '-'
                || CASE WHEN q.seq < 10000 THEN lpad(q.seq::text, 4, '0') ELSE q.seq::text END,
            CASE WHEN pg_temp.rnd(p.id, 21, 10) = 0 THEN 'youngsters' ELSE 'sspf' END,
            p.status,
            (ARRAY['skola', 'socialtjanst', 'polis', 'fritid'])[p.source + 1],
            jsonb_build_array((@CONCERNS@)[1 + pg_temp.rnd(p.id, 22, 10)],
                              (@CONCERNS@)[1 + (pg_temp.rnd(p.id, 22, 10)
                                                + 1 + pg_temp.rnd(p.id, 23, 9)) % 10]),
            (@CTEXTS@)[1 + pg_temp.rnd(p.id, 24, 6)],
            CASE WHEN pg_temp.rnd(p.id, 25, 2) = 0 THEN '["trusted_adult"]'::jsonb
                 ELSE '[]'::jsonb END,
            '',
            CASE WHEN p.status = 'referred' THEN ''
                 ELSE (ARRAY['low', 'medium', 'high'])[1 + pg_temp.rnd(p.id, 26, 3)] END,
            p.referred_at, p.accepted_at, p.consented_at, p.first_meeting_at, p.next_follow_up,
            p.closed_at,
            CASE WHEN p.status <> 'closed' THEN ''
                 WHEN p.cv < 3 THEN (ARRAY['outside_target_group', 'low_risk',
                                           'not_suitable'])[p.cv + 1]
                 WHEN p.cv < 5 THEN 'consent_not_given'
                 ELSE (ARRAY['goals_met', 'moved', 'needs_too_extensive', 'placement',
                             'goals_met'])[p.cv - 4] END,
            '',
            p.coordinator,
            fu.user_id,
            ref.agency,
            1, p.id
        FROM p
        JOIN (SELECT id, extract(year FROM referred_at AT TIME ZONE @TZ@)::int AS year,
                     row_number() OVER (PARTITION BY extract(year FROM referred_at
                                                             AT TIME ZONE @TZ@)
                                        ORDER BY referred_at, id) AS seq
              FROM p) AS q ON q.id = p.id
        CROSS JOIN LATERAL (SELECT CASE p.source WHEN 0 THEN p.school WHEN 1 THEN 1 WHEN 2 THEN 2
                                   ELSE p.leisure END AS agency) AS ref
        JOIN (SELECT agency_id, min(user_id) AS user_id FROM sspf_flow_membership
              GROUP BY agency_id) AS fu ON fu.agency_id = ref.agency;
        INSERT INTO sspf_flow_casenumbersequence (year, last)
        SELECT year, count(*) FROM (
            SELECT extract(year FROM referred_at AT TIME ZONE @TZ@)::int AS year FROM p
        ) AS y GROUP BY year
        """,
    ),
    (
        "consents",
        """
        INSERT INTO sspf_flow_consent (id, method, oral_notes, purpose, valid_from, valid_to,
            youth_view, registered_at, withdrawn_at, withdrawn_reason, case_id,
            registered_by_id, withdrawn_by_id, categories, signed_form)
        SELECT p.id, m.method,
            CASE WHEN m.method = 'oral' THEN 'Muntligt samtycke vid möte (fiktivt).' ELSE '' END,
            'Att skola, socialtjänst, polis och fritid ska kunna planera stödet tillsammans.',
            (p.consented_at AT TIME ZONE @TZ@)::date,
            (p.consented_at AT TIME ZONE @TZ@)::date + 365,
            '', p.consented_at, NULL, '', p.id, p.coordinator, NULL,
            '["school", "social_services", "police", "leisure", "health"]'::jsonb, ''
        FROM p
        CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.rnd(p.id, 27, 10) = 0 THEN 'oral'
                                        ELSE 'written' END AS method) AS m
        WHERE p.consented_at IS NOT NULL;
        INSERT INTO sspf_flow_consentagency (consent_id, agency_id, withdrawn_at)
        SELECT p.id, a.agency,
            CASE WHEN a.agency = 2 AND pg_temp.rnd(p.id, 28, 50) = 0
                 THEN now() - interval '1 day' END
        FROM p
        CROSS JOIN LATERAL (VALUES (1), (p.school), (CASE WHEN p.police_on THEN 2 END),
                                   (CASE WHEN p.leisure_on THEN p.leisure END)) AS a(agency)
        WHERE p.consented_at IS NOT NULL AND a.agency IS NOT NULL
        """,
    ),
    (
        "meetings",
        """
        INSERT INTO sspf_flow_meeting (id, kind, status, starts_at, place, invite_youth,
            invite_guardians, youth_attended, guardians_attended, protocol, held_at, case_id,
            minute_taker_id, sequence)
        SELECT p.id, 'initial', 'held', p.first_meeting_at, 'Skolans konferensrum', true, true,
            true, true, 'Fiktivt protokoll.', p.first_meeting_at, p.id, p.coordinator, 0
        FROM p WHERE p.first_meeting_at IS NOT NULL
        UNION ALL
        SELECT @N@ + p.id, CASE WHEN p.prior_plan THEN 'follow_up' ELSE 'network' END, 'planned',
            ((@TODAY@ + 1 + pg_temp.rnd(p.id, 29, 30)) + make_time(14, 0, 0)) AT TIME ZONE @TZ@,
            'Skolans konferensrum', true, pg_temp.rnd(p.id, 31, 10) < 8, false, false, '', NULL,
            p.id, NULL, 0
        FROM p WHERE p.status = 'meeting_planned';
        INSERT INTO sspf_flow_meeting_invited_agencies (meeting_id, agency_id)
        SELECT m.id, ca.agency_id
        FROM sspf_flow_meeting AS m
        JOIN sspf_flow_consentagency AS ca
            ON ca.consent_id = m.case_id AND ca.withdrawn_at IS NULL
        """,
    ),
    (
        "action plans and actions",
        """
        INSERT INTO sspf_flow_actionplan (id, version, created_at, created_by_id, case_id,
            meeting_id)
        SELECT p.id, 1, p.first_meeting_at, p.coordinator, p.id, p.id
        FROM p WHERE p.first_meeting_at IS NOT NULL;
        INSERT INTO sspf_flow_action (text, party, other_name, due_date, status, plan_id,
            agency_id, goal_id, guardian_id)
        SELECT (@ATEXTS@)[1 + pg_temp.rnd(x.h, 32, 8)],
            CASE WHEN x.pr < 8 THEN 'agency' WHEN x.pr = 8 THEN 'youth' ELSE 'guardian' END,
            '', d.due,
            CASE WHEN p.status = 'closed'
                     THEN CASE WHEN pg_temp.rnd(x.h, 33, 4) = 0 THEN 'not_done' ELSE 'done' END
                 WHEN d.due < @TODAY@
                     THEN CASE WHEN pg_temp.rnd(x.h, 33, 2) = 0 THEN 'done' ELSE 'ongoing' END
                 ELSE CASE WHEN pg_temp.rnd(x.h, 33, 10) < 7 THEN 'planned' ELSE 'ongoing' END
            END,
            p.id,
            CASE WHEN x.pr < 8 THEN CASE j % 3 WHEN 0 THEN 1 WHEN 1 THEN p.school
                                    ELSE CASE WHEN p.police_on THEN 2 ELSE 1 END END END,
            NULL,
            CASE WHEN x.pr = 9 THEN 2 * p.id - 1 END
        FROM p
        CROSS JOIN LATERAL generate_series(1, 1 + pg_temp.rnd(p.id, 34, 6)) AS j
        CROSS JOIN LATERAL (SELECT p.id * 10 + j AS h, pg_temp.rnd(p.id * 10 + j, 35, 10) AS pr)
            AS x
        CROSS JOIN LATERAL (
            SELECT CASE WHEN p.status = 'closed'
                        THEN (p.closed_at AT TIME ZONE @TZ@)::date - pg_temp.rnd(x.h, 36, 60)
                        ELSE @TODAY@ + pg_temp.rnd(x.h, 36, 361) - 180 END AS due
        ) AS d
        WHERE p.first_meeting_at IS NOT NULL
        """,
    ),
    (
        "deadlines",
        """
        INSERT INTO notifications_deadline (kind, object_id, case_id, due, level, fire_at)
        SELECT i.kind, i.object_id, i.case_id, i.due, l.level, l.fire_at
        FROM (
            SELECT 'follow_up' AS kind, id AS object_id, id AS case_id, next_follow_up AS due
            FROM p WHERE status = 'in_progress' AND next_follow_up IS NOT NULL
            UNION ALL
            SELECT 'consent_pending', id, id,
                   (accepted_at AT TIME ZONE @TZ@)::date + @PENDING_DAYS@
            FROM p WHERE status = 'awaiting_consent'
            UNION ALL
            SELECT 'action', a.id, a.plan_id, a.due_date
            FROM sspf_flow_action AS a JOIN p ON p.id = a.plan_id
            WHERE p.status IN @OPEN_AFTER@ AND a.status IN ('planned', 'ongoing')
            UNION ALL
            SELECT 'consent_expiry', c.case_id, c.case_id, max(c.valid_to)
            FROM sspf_flow_consent AS c JOIN p ON p.id = c.case_id
            WHERE p.status IN @OPEN_AFTER@ AND c.withdrawn_at IS NULL
              AND EXISTS (SELECT 1 FROM sspf_flow_consentagency AS ca
                          WHERE ca.consent_id = c.id AND ca.withdrawn_at IS NULL)
            GROUP BY c.case_id
            UNION ALL
            SELECT 'meeting', m.id, m.case_id, (m.starts_at AT TIME ZONE @TZ@)::date
            FROM sspf_flow_meeting AS m JOIN p ON p.id = m.case_id
            WHERE m.status = 'planned' AND p.status IN @OPEN_AFTER@
        ) AS i
        JOIN @LADDERS@ ON lad.kind = i.kind
        """
        + LADDER_STEP,
    ),
    (
        "viewflow processes",
        """
        INSERT INTO viewflow_process (id, flow_class, status, created, finished,
            artifact_content_type_id, artifact_object_id, data, parent_task_id,
            seed_content_type_id, seed_object_id)
        SELECT id, @FLOW@, CASE WHEN status = 'closed' THEN 'DONE' ELSE 'NEW' END, referred_at,
            closed_at, @CT@, id, '{}'::jsonb, NULL, NULL, NULL
        FROM p
        """,
    ),
    (
        "viewflow tasks",
        """
        INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, started, finished,
            token, external_task_id, owner_permission, owner_id, process_id,
            owner_permission_content_type_id, owner_permission_obj_pk, assigned,
            artifact_content_type_id, artifact_object_id, data, seed_content_type_id,
            seed_object_id, scheduled)
        SELECT (@NODES@)[b.ix + 1], b.type, b.st, b.created,
            CASE WHEN b.st = 'DONE' AND b.type NOT IN ('EXCLUSIVE_GATEWAY', 'SWITCH')
                 THEN b.created + interval '1 minute' END,
            CASE WHEN b.st = 'DONE' THEN b.created + interval '2 minutes' END,
            'start', NULL,
            CASE WHEN b.type = 'HUMAN' THEN 'sspf_flow.coordinate_case' END,
            CASE WHEN b.type = 'HUMAN' AND b.st <> 'NEW' THEN p.coordinator END,
            p.id, NULL, NULL,
            CASE WHEN b.type = 'HUMAN' AND b.st <> 'NEW' THEN b.created END,
            NULL, NULL, '{}'::jsonb, NULL, NULL,
            CASE WHEN b.type <> 'TIMER' THEN NULL
                 WHEN b.st = 'SCHEDULED'
                     THEN ((p.next_follow_up - @LEAD@) + make_time(0, 0, 0)) AT TIME ZONE @TZ@
                 ELSE b.created END
        FROM p
        CROSS JOIN LATERAL generate_series(0, p.n - 1) AS pos
        CROSS JOIN LATERAL (
            SELECT CASE WHEN p.status = 'closed' AND pos = p.n - 1 THEN 11
                        WHEN pos <= 10 THEN pos ELSE 8 + (pos - 8) % 3 END AS ix
        ) AS a
        CROSS JOIN LATERAL (
            SELECT a.ix, (@TYPES@)[a.ix + 1] AS type,
                CASE WHEN pos < p.n - 1 OR p.status = 'closed' THEN 'DONE'
                     WHEN p.status = 'referred' THEN 'NEW'
                     WHEN (@TYPES@)[a.ix + 1] = 'TIMER' THEN 'SCHEDULED'
                     ELSE 'ASSIGNED' END AS st,
                p.referred_at + (coalesce(p.closed_at, now()) - p.referred_at) * pos / p.n
                    AS created
        ) AS b
        """,
    ),
    (
        "notification preferences",
        """
        INSERT INTO notifications_preference (topic, delivery, user_id)
        SELECT 'reminder', 'digest', id FROM auth_user
        WHERE username NOT LIKE 'samordnare%' AND pg_temp.rnd(id, 40, 10) = 0
        UNION ALL
        SELECT 'meeting', 'off', id FROM auth_user
        WHERE username NOT LIKE 'samordnare%' AND pg_temp.rnd(id, 41, 20) = 0
        """,
    ),
]

SEQUENCE_TABLES = [
    "sspf_flow_municipality", "sspf_flow_agency", "auth_user", "sspf_flow_membership",
    "sspf_flow_youth", "sspf_flow_guardian", "sspf_flow_case", "sspf_flow_consent",
    "sspf_flow_meeting", "sspf_flow_actionplan", "viewflow_process",
]  # fmt: skip


def insert_users(cur):
    from django.contrib.auth.models import Group

    groups = dict(Group.objects.values_list("name", "pk"))
    spec = users_spec()
    cur.executemany(
        "INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name,"
        " last_name, email, is_staff, is_active, date_joined)"
        " VALUES (%s, '!bench-unusable', NULL, false, %s, %s, 'Bench', %s, false, true, now())",
        [(uid, name, first, f"{name}@benchkommun.invalid") for uid, name, first, *_r in spec],
    )
    cur.executemany(
        "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
        [(uid, groups[role]) for uid, _n, _f, role, *_r in spec],
    )
    cur.executemany(
        "INSERT INTO sspf_flow_membership (id, user_id, agency_id, title, manager_id)"
        " VALUES (%s, %s, %s, %s, %s)",
        [(uid, uid, agency, title, manager) for uid, _n, _f, _r, agency, title, manager in spec],
    )
    return len(spec)


def top_up_tasks(cur):
    """Make the task counts add up to exactly N_TASKS: first turn r in-progress cases whose
    follow-up is far off into ones whose follow-up task is open (one task more each), then give
    the in-progress and worked-through closed cases more follow-up rounds (three tasks each)."""
    from django.conf import settings

    (total,) = cur.execute("SELECT sum(n) FROM p").fetchone()
    delta = N_TASKS - total
    if delta < 2:
        raise RuntimeError(f"the case plan already has {total} tasks, more than {N_TASKS}")
    r = delta % 3
    lead = settings.FOLLOW_UP_LEAD_DAYS
    today = f"(now() AT TIME ZONE '{settings.TIME_ZONE}')::date"
    cur.execute(
        f"""UPDATE p SET next_follow_up = {today} + 3, n = n + 1
        WHERE id IN (SELECT id FROM p WHERE status = 'in_progress'
                     AND next_follow_up > {today} + {lead} ORDER BY id LIMIT {r})"""
    )
    rounds = (delta - r) // 3
    cur.execute(
        f"""UPDATE p SET k = k + e.extra, n = n + 3 * e.extra
        FROM (SELECT id, {rounds} / cnt + (rn <= {rounds} % cnt)::int AS extra
              FROM (SELECT id, count(*) OVER () AS cnt,
                           row_number() OVER (ORDER BY pg_temp.rnd(id, 37, 1000000), id) AS rn
                    FROM p WHERE status = 'in_progress' OR (status = 'closed' AND cv >= 6)) AS z
        ) AS e
        WHERE p.id = e.id"""
    )
    (total,) = cur.execute("SELECT sum(n) FROM p").fetchone()
    assert total == N_TASKS, total


def seed(pg_url):
    """Fill the empty, migrated bench database. Foreign keys are not checked row by row while
    inserting (session_replication_role=replica on this connection only); the data are
    consistent by construction and every foreign key is checked at the end."""
    import psycopg

    constants = seed_constants()
    started = time.perf_counter()
    with psycopg.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET work_mem = '64MB'")
        (count,) = cur.execute("SELECT count(*) FROM sspf_flow_case").fetchone()
        if count:
            raise RuntimeError("the bench database holds cases but no seed marker: use --reseed")
        for label, sql in SEED_STEPS:
            t0 = time.perf_counter()
            cur.execute(fill(sql, constants))
            if label == "municipality and agencies":
                users = insert_users(cur)
                label += f", {users} users"
            if label.startswith("case plan (status"):
                top_up_tasks(cur)
            print(f"  seeded {label} in {time.perf_counter() - t0:.1f} s", flush=True)
        for table in SEQUENCE_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        cur.execute("CREATE TABLE bench_seed (version int, seeded_at timestamptz, seconds float8)")
        cur.execute(
            "INSERT INTO bench_seed VALUES (%s, now(), %s)",
            [SEED_VERSION, time.perf_counter() - started],
        )
        t0 = time.perf_counter()
        check_foreign_keys(cur)
        print(f"  checked every foreign key in {time.perf_counter() - t0:.1f} s", flush=True)
        conn.commit()
    t0 = time.perf_counter()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    print(f"  VACUUM (ANALYZE) in {time.perf_counter() - t0:.1f} s", flush=True)
    seconds = time.perf_counter() - started
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE bench_seed SET seconds = %s", [seconds])
    return seconds


def check_foreign_keys(cur):
    """Every foreign key of every model (and many-to-many table) points at an existing row."""
    from django.apps import apps

    problems = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_fields:
            forward = field.is_relation and (field.many_to_one or field.one_to_one)
            if not forward or not field.db_constraint:
                continue
            target = field.target_field
            table, column = model._meta.db_table, field.column
            parent, parent_column = target.model._meta.db_table, target.column
            (missing,) = cur.execute(
                f'SELECT count(*) FROM "{table}" AS c WHERE c."{column}" IS NOT NULL'
                f' AND NOT EXISTS (SELECT 1 FROM "{parent}" AS p'
                f' WHERE p."{parent_column}" = c."{column}")'
            ).fetchone()
            if missing:
                problems.append(f"{table}.{column}: {missing} rows point nowhere")
    if problems:
        raise RuntimeError("seed broke foreign keys:\n" + "\n".join(problems))


def seed_info(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('bench_seed')").fetchone()[0]
        if not exists:
            return None
        return conn.execute("SELECT version, seeded_at, seconds FROM bench_seed").fetchone()


def tidy(pg_url):
    """Undo what an interrupted earlier run may have left: restore the deadlines it made due,
    drop its outbox rows and digest items, and bring rows whose step has come since the seed
    (the seed is relative to its day) to the state a sweep would leave, without sending."""
    import psycopg

    constants = seed_constants()
    with psycopg.connect(pg_url) as conn, conn.cursor() as cur:
        if cur.execute("SELECT to_regclass('bench_due')").fetchone()[0]:
            cur.execute(
                "UPDATE notifications_deadline AS d SET level = b.level, fire_at = b.fire_at"
                " FROM bench_due AS b WHERE d.id = b.id"
            )
            restored = cur.rowcount
            cur.execute("DROP TABLE bench_due")
            print(f"  restored {restored} deadlines an interrupted run left due", flush=True)
        cur.execute("DELETE FROM notifications_outbox")
        cur.execute("DELETE FROM notifications_digestitem")
        cur.execute(
            fill(
                """UPDATE notifications_deadline AS d SET level = l.level, fire_at = l.fire_at
                FROM notifications_deadline AS i JOIN @LADDERS@ ON lad.kind = i.kind"""
                + LADDER_STEP
                + " WHERE d.id = i.id AND i.fire_at <= now() + @GRACE@",
                constants,
            )
        )
        if cur.rowcount:
            print(
                f"  {cur.rowcount} deadlines fell due since the seed: moved on to their next step",
                flush=True,
            )
        conn.commit()


def check_seed_against_app(notes):
    """On a sample of open cases, the seeded Deadline rows are the ones ``deadlines.wanted``
    asks for, and each row's step and time are what ``deadlines.fire_at`` gives: the seed's SQL
    follows the application's rules (which may change after the seed)."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications import deadlines
    from notifications.models import Deadline, DeadlineKind
    from sspf_flow.models import Case, Status

    cases = (
        Case.objects.exclude(status=Status.CLOSED)
        .filter(pk__in=list(range(7, N_CASES, 499)))
        .select_related("municipality")
    )
    horizon = timezone.now() + timedelta(minutes=30)
    problems, rows_checked = [], 0
    for case in cases:
        want = deadlines.wanted(case)
        rows = {(row.kind, row.object_id): row for row in Deadline.objects.filter(case=case)}
        if set(want) != set(rows):
            problems.append(f"{case.number}: wanted {sorted(want)}, seeded {sorted(rows)}")
            continue
        for (kind, _object_id), row in rows.items():
            rows_checked += 1
            m = case.municipality
            if kind != DeadlineKind.CONSENT_PENDING and want[(kind, row.object_id)] != row.due:
                problems.append(
                    f"{case.number} {kind}: due {row.due}, wanted {want[(kind, row.object_id)]}"
                )
            passed = row.level == 0 or deadlines.fire_at(kind, row.level - 1, row.due, m) <= horizon
            if row.fire_at != deadlines.fire_at(kind, row.level, row.due, m) or not passed:
                problems.append(f"{case.number} {kind}: level {row.level}, fire_at {row.fire_at}")
    if problems:
        notes.append(
            f"**Seed check: {len(problems)} differences from the application's rules** "
            "(rerun with --reseed): " + "; ".join(problems[:5])
        )
    else:
        notes.append(
            f"Seed check: the {rows_checked} deadline rows of {len(cases)} sampled open cases are "
            "exactly what `deadlines.wanted` and `deadlines.fire_at` give."
        )


# --- measuring ---------------------------------------------------------------------------------


class QueryLog:
    """Counts the SQL statements (and keeps the first matching one) through Django's
    execute_wrapper: cheap enough to leave on while timing."""

    def __init__(self, keep=None):
        self.count = 0
        self.keep = keep
        self.kept = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep and self.kept is None and self.keep(sql):
            self.kept = (sql, params)
        return execute(sql, params, many, context)


class Stopwatch:
    """Adds up the time spent in some functions of the application (wrapped by name, so a
    renamed function is simply not reported): where the time of a measured run goes."""

    def __init__(self):
        self.totals = {}
        self.originals = []

    def wrap(self, owner, name, label):
        original = getattr(owner, name, None)
        if original is None:
            return

        def timed_call(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.totals[label] = self.totals.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, timed_call)
        self.originals.append((owner, name, original))

    def unwrap(self):
        for owner, name, original in reversed(self.originals):
            setattr(owner, name, original)
        self.originals = []

    def take(self):
        totals, self.totals = self.totals, {}
        return totals


def breakdown(label, parts, total):
    """One line: the parts' median seconds and their share of the median total."""
    shown = ", ".join(
        f"{name} {fmt(seconds)} ({seconds / total:.0%})" for name, seconds in parts.items()
    )
    return f"{label} (median {fmt(total)}): {shown}."


def medians(runs):
    names = {name for run in runs for name in run}
    return {
        name: statistics.median(run.get(name, 0.0) for run in runs)
        for name in sorted(names, key=lambda n: -max(run.get(n, 0.0) for run in runs))
    }


def timed(fn, log=None):
    from django.db import connection

    if log is None:
        log = QueryLog()
    with connection.execute_wrapper(log):
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    return seconds, result, log.count


def explain(sql, params):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)  # params None: SQL as logged
        plan = "\n".join(row[0] for row in cur.fetchall())
        transaction.set_rollback(True)  # EXPLAIN ANALYZE took the row locks: let them go
    return plan


def scalar(sql, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def execute(sql, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def is_sweep_query(sql):
    return 'FROM "notifications_deadline"' in sql and "FOR UPDATE" in sql


def patch_dispatch():
    """Celery hand-off after commit becomes a no-op: the benchmark measures the sweep, which
    queues e-mails in the outbox; the workers that send them are not part of it."""
    from notifications import outbox

    calls = {"dispatch_keys": 0, "dispatch": 0}

    def no_dispatch_keys(keys, chunk=200):
        calls["dispatch_keys"] += 1

    def no_dispatch(pk):
        calls["dispatch"] += 1
        return True

    outbox._dispatch_keys = no_dispatch_keys
    outbox._dispatch = no_dispatch
    return calls


def bench_idle_sweep(runs, results, notes):
    from notifications import deadlines

    due = scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at <= now()")
    assert due == 0, f"{due} deadlines are due before the idle sweep"
    pending = scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at IS NOT NULL")
    notes.append(f"Idle sweep: {pending:,} deadlines wait for a later step, none is due.")
    log = QueryLog(keep=is_sweep_query)
    _s, sent, queries = timed(deadlines.sweep, log)  # warm-up; keeps the query for EXPLAIN
    assert sent == 0, sent
    times = []
    for _run in range(runs):
        seconds, sent, queries = timed(deadlines.sweep)
        assert sent == 0, sent
        times.append(seconds)
    results.append(("(a) `deadlines.sweep()`, nothing due", times, TARGETS["idle"], queries))
    return log.kept


def bench_due_sweep(runs, results, notes, dispatch_calls):
    from django.db import connection

    from notifications import deadlines

    execute("DROP TABLE IF EXISTS bench_due")
    # The same 10 000 rows each run, spread over every kind and step (a hash order).
    execute(
        "CREATE TABLE bench_due AS SELECT id, level, fire_at FROM notifications_deadline"
        " WHERE fire_at IS NOT NULL ORDER BY md5(id::text) LIMIT %s",
        [N_DUE],
    )
    mix = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.kind, d.level, count(*) FROM bench_due AS b"
            " JOIN notifications_deadline AS d ON d.id = b.id GROUP BY 1, 2 ORDER BY 1, 2"
        )
        for kind, level, count in cur.fetchall():
            step = deadlines.LADDERS[kind][level]
            mix.append(f"{kind} {step.name} → {step.to}: {count}")
    notes.append("Due sweep: the 10 000 steps made due are " + "; ".join(mix) + ".")
    from django.db.models import QuerySet

    from notifications import mail, outbox

    watch = Stopwatch()
    watch.wrap(deadlines, "_notices", "recipients and context (`_notices`)")
    watch.wrap(mail.Notice, "render", "rendering the e-mails (`Notice.render`)")
    watch.wrap(outbox, "enqueue_many", "outbox INSERT (`enqueue_many`)")
    watch.wrap(deadlines, "send", "`mail.send` in all")
    watch.wrap(QuerySet, "bulk_update", "moving the rows on (`Deadline…bulk_update`)")
    parts = []
    times, after_times = [], []
    plan = None
    outbox_rows = digest_rows = after_sent = queries = 0
    for run in range(runs):
        outbox_before = scalar("SELECT coalesce(max(id), 0) FROM notifications_outbox")
        digest_before = scalar("SELECT coalesce(max(id), 0) FROM notifications_digestitem")
        made_due = execute(
            "UPDATE notifications_deadline AS d"
            " SET fire_at = now() - interval '1 minute' * (60 + mod(d.id, 1440))"
            " FROM bench_due AS b WHERE d.id = b.id"
        )
        assert made_due == N_DUE, made_due
        assert scalar("SELECT count(*) FROM notifications_deadline WHERE fire_at <= now()") == N_DUE
        log = QueryLog(keep=is_sweep_query)
        watch.take()
        seconds, sent, queries = timed(deadlines.sweep, log)
        parts.append(watch.take())
        assert sent == N_DUE, f"the sweep sent {sent}, not {N_DUE}"
        times.append(seconds)
        outbox_rows = scalar(
            "SELECT count(*) FROM notifications_outbox WHERE id > %s", [outbox_before]
        )
        digest_rows = scalar(
            "SELECT count(*) FROM notifications_digestitem WHERE id > %s", [digest_before]
        )
        seconds, after_sent, _q = timed(deadlines.sweep)
        assert after_sent == 0, f"the sweep right after sent {after_sent}"
        after_times.append(seconds)
        print(
            f"  due sweep run {run + 1}: {times[-1]:.2f} s, sent {sent}, {outbox_rows} outbox "
            f"rows, {digest_rows} digest items; sweep right after: sent {after_sent}",
            flush=True,
        )
        if run == runs - 1:
            # The plan of the sweep's first batch with 10 000 due, on a fresh copy of them.
            execute(
                "UPDATE notifications_deadline AS d SET level = b.level,"
                " fire_at = now() - interval '1 minute' * (60 + mod(d.id, 1440))"
                " FROM bench_due AS b WHERE d.id = b.id"
            )
            plan = explain(*log.kept)
        # Reset: the rows as seeded; the outbox and digest rows of this run go.
        execute(
            "UPDATE notifications_deadline AS d SET level = b.level, fire_at = b.fire_at"
            " FROM bench_due AS b WHERE d.id = b.id"
        )
        execute("DELETE FROM notifications_outbox WHERE id > %s", [outbox_before])
        execute("DELETE FROM notifications_digestitem WHERE id > %s", [digest_before])
        # The next run starts from the same state, dead rows and index entries gone.
        execute(
            "VACUUM (ANALYZE)"
            " notifications_deadline, notifications_outbox, notifications_digestitem"
        )
    execute("DROP TABLE bench_due")
    watch.unwrap()
    notes.append(
        breakdown(
            f"Where the {N_DUE:,}-step sweep's time goes", medians(parts), statistics.median(times)
        )
        + " (`mail.send` includes the rendering and the outbox INSERT.)"
    )
    results.append(
        (f"(b) `deadlines.sweep()`, {N_DUE:,} due (sends them)", times, TARGETS["due"], queries)
    )
    results.append(("(b) the sweep right after it (sends 0)", after_times, TARGETS["idle"], None))
    notes.append(
        f"Due sweep: each run sent {N_DUE:,} steps and queued {outbox_rows:,} e-mails in the "
        f"outbox ({outbox_rows / N_DUE:.2f} per step) and {digest_rows:,} digest items; the sweep "
        f"right after sent {after_sent}. Celery hand-off was a no-op "
        f"({dispatch_calls['dispatch_keys']} `_dispatch_keys` calls skipped)."
    )
    return plan


def page_watch():
    from django.template.response import SimpleTemplateResponse

    from notifications import overview
    from sspf_flow import accesslog

    watch = Stopwatch()
    watch.wrap(overview, "coordinator_overview", "the coordinator's overview data")
    watch.wrap(overview, "agency_overview", "the agency's overview data")
    watch.wrap(accesslog, "record", "access log")
    watch.wrap(SimpleTemplateResponse, "render", "template (with the menu)")
    watch.wrap(overview, "overdue_count", "of which the menu's overdue badge")
    return watch


def shape(sql):
    """The query with its literals taken out, to find the same query run again and again."""
    import re

    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def bench_page(label, user, path, runs, results, notes, plans):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    try:
        t0 = time.perf_counter()
        response = client.get(path)
        first = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - report and carry on with the other measurements
        notes.append(f"{label}: `GET {path}` raised {type(exc).__name__}: {exc} – skipped.")
        results.append((label, [], TARGETS["page"], None))
        return
    if response.status_code != 200:
        where = f" → {response.get('Location')}" if response.status_code in (301, 302) else ""
        notes.append(
            f"{label}: `GET {path}` answered {response.status_code}{where} – skipped"
            + (" (the page does not exist yet)." if response.status_code == 404 else ".")
        )
        results.append((label, [], TARGETS["page"], None))
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
    repeated = {}
    for query in queries.captured_queries:
        repeated.setdefault(shape(query["sql"]), []).append(query)
    for same in repeated.values():
        if len(same) >= 5 and same[0]["sql"].startswith("SELECT"):
            notes.append(
                f"{label}: **the same query runs {len(same)} times in one request** (N+1): "
                f"`{same[0]['sql'][:160]}…`"
            )
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
    results.append((label, times, TARGETS["page"], max(counts)))


def bench_pages(runs, results, notes, plans):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from sspf_flow import access
    from sspf_flow.models import Case, Status

    coordinator = User.objects.get(pk=BENCH_COORDINATOR)
    school_user = User.objects.get(username=BENCH_SCHOOL_USER)
    open_cases = Case.objects.filter(coordinator=coordinator).exclude(status=Status.CLOSED)
    covered = access.cases_visible_to(school_user).count()
    notes.append(
        f"Pages: coordinator `{coordinator.username}` has {open_cases.count()} open cases "
        f"(of {Case.objects.filter(coordinator=coordinator).count()}); school user "
        f"`{school_user.username}` ({access.agency_of(school_user)}) may read {covered} open "
        f"cases (active consent covers the school on {timezone.localdate()})."
    )
    bench_page(
        "(c) `/sspf/dashboard/`, coordinator (300 open cases)",
        coordinator,
        "/sspf/dashboard/",
        runs,
        results,
        notes,
        plans,
    )
    bench_page(
        "(c) `/sspf/dashboard/`, school user (~300 covered cases)",
        school_user,
        "/sspf/dashboard/",
        runs,
        results,
        notes,
        plans,
    )
    bench_page(
        "reference: `/case/inbox/`, coordinator",
        coordinator,
        "/case/inbox/",
        runs,
        results,
        notes,
        plans,
    )


def machine_info():
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
    import django

    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}){memory}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"Django {django.get_version()}; PostgreSQL {server} ({', '.join(settings)})"
    )


def code_version():
    """The commit measured, and the application files changed since (others work here too)."""
    import subprocess

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


def table(results):
    lines = [
        "| operation | runs | median | max | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for label, times, target, _queries in results:
        if not times:
            lines.append(f"| {label} | 0 | – | – | < {fmt(target)} | skipped |")
            continue
        median, worst = statistics.median(times), max(times)
        met = "yes" if worst < target else ("median only" if median < target else "**no**")
        lines.append(
            f"| {label} | {len(times)} | {fmt(median)} | {fmt(worst)} | < {fmt(target)} | {met} |"
        )
    return "\n".join(lines)


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def counts():
    tables = [
        "sspf_flow_case", "sspf_flow_youth", "sspf_flow_guardian", "sspf_flow_consent",
        "sspf_flow_consentagency", "sspf_flow_meeting", "sspf_flow_actionplan",
        "sspf_flow_action", "viewflow_process", "viewflow_task", "notifications_deadline",
        "auth_user",
    ]  # fmt: skip
    return ", ".join(f"{t}: {scalar(f'SELECT count(*) FROM {t}'):,}" for t in tables)


def main():
    args = parse_args()
    started = time.perf_counter()
    django_url, pg_url, admin_url = bench_urls(args.database)
    created = ensure_database(admin_url, args.database, args.reseed)
    info = None if created else seed_info(pg_url)
    if not created and (info is None or info[0] != SEED_VERSION):
        why = "no complete seed" if info is None else f"seed version {info[0]}"
        print(f"{args.database} holds {why}: dropping and seeding again", flush=True)
        ensure_database(admin_url, args.database, reseed=True)
        info = None
    code = code_version()
    setup_django(django_url)

    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated {args.database} in {time.perf_counter() - t0:.1f} s", flush=True)
    if info is None:
        print(f"Seeding {N_CASES} cases and {N_TASKS} tasks …", flush=True)
        seed_seconds = seed(pg_url)
        seed_line = f"Seeded now in {seed_seconds:.0f} s (including VACUUM ANALYZE)."
    else:
        seed_line = (
            f"Reused the seed of {info[1]:%Y-%m-%d %H:%M} (it took {info[2]:.0f} s); "
            "--reseed seeds again."
        )
    print(seed_line, flush=True)
    tidy(pg_url)

    dispatch_calls = patch_dispatch()
    results, notes = [], []
    check_seed_against_app(notes)
    print("Measuring the idle sweep …", flush=True)
    idle_query = bench_idle_sweep(args.runs, results, notes)
    idle_plan = explain(*idle_query)
    due_plan = ""
    if args.due_runs:  # --due-runs 0 measures the idle sweep and the pages only
        print("Measuring the sweep with 10 000 due …", flush=True)
        due_plan = bench_due_sweep(args.due_runs, results, notes, dispatch_calls)
    print("Measuring the pages …", flush=True)
    page_plans = []
    bench_pages(args.runs, results, notes, page_plans)

    print()
    print("## Results")
    print()
    print(table(results))
    print()
    for label, _t, _target, queries in results:
        if queries is not None and label.startswith("(b) `dead"):
            print(f"- The sweep with {N_DUE:,} due ran {queries} SQL statements.")
    for note in notes:
        print(f"- {note}")
    print(
        "- E-mail backend: locmem (`EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend`);"
        " `CELERY_TASK_ALWAYS_EAGER=False`, broker `memory://`; `notifications.outbox."
        "_dispatch_keys` and `_dispatch` are monkeypatched to no-ops, so no e-mail is handed to "
        "Celery or sent: the sweep's cost ends at the outbox rows."
    )
    print(f"- Data: {counts()}.")
    print(f"- {seed_line}")
    print(f"- Code measured: {code}.")
    print(f"- Machine: {machine_info()}.")
    print()
    print("## Plan of the sweep's query, nothing due")
    print()
    print("```")
    print(idle_plan)
    print("```")
    print()
    print(f"## Plan of the sweep's first batch, {N_DUE:,} due")
    print()
    print("```")
    print(due_plan)
    print("```")
    for name, plan in (("nothing due", idle_plan), (f"{N_DUE:,} due", due_plan)):
        if "deadline_pending" not in plan or "Seq Scan on notifications_deadline" in plan:
            print(
                f"\n**Warning** ({name}): the sweep's query does not use the partial index "
                "`deadline_pending` (or scans the whole table)."
            )
        else:
            print(f"\nThe sweep's query ({name}) uses the partial index `deadline_pending`.")
    for title, sql, plan in page_plans:
        print()
        print(f"## {title}")
        print()
        print("```sql")
        print(sql)
        print("```")
        print()
        print("```")
        print(plan)
        print("```")
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
