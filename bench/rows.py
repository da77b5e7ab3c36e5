"""What the seed writes into the tables of the case file, keyed by the models' field names: one
``(Model, {field name: SQL expression}, source)`` per INSERT … SELECT, built into SQL by
bench/schema.py (table and column names, and the defaults of the fields not named here, come
from the models). The expressions read the case plan ``p`` (bench/plan.py); ``@NAME@`` tokens are
the application's values (bench/tokens.py); ``pg_temp.rnd(i, salt, m)`` is a deterministic
pseudo-random number in [0, m)."""

# The SQL is assembled from this module's own text and the tokens, never from input.
# ruff: noqa: S608

import json

from bench.fiction import ACTION_TEXTS, CONCERN_TEXTS, FIRST_NAMES, LAST_NAMES, users_spec
from bench.schema import through
from bench.tokens import text_array

# The agencies of a consent (social services and the school always, the police and the leisure
# centre often), and whether the consent is withdrawn for that agency (2 % of the police rows).
CONSENT_SCOPE = """
CROSS JOIN LATERAL (
    SELECT a.agency, (a.agency = 2 AND pg_temp.rnd(p.id, 28, 50) = 0) AS withdrawn
    FROM (VALUES (1), (p.school), (CASE WHEN p.police_on THEN 2 END),
                 (CASE WHEN p.leisure_on THEN p.leisure END)) AS a(agency)
    WHERE a.agency IS NOT NULL
) AS scope
"""


def last_name(row):
    return f"(@LAST@)[1 + pg_temp.rnd({row}, 15, {len(LAST_NAMES)})]"


def name_tokens():
    """Tokens of the fictional texts and of the application's choices the seed picks from."""
    from sspf_flow.models import ConcernCategory, Gender

    first_users = {}
    for uid, _username, _first, _role, agency, _title, _manager in users_spec():
        first_users.setdefault(agency, uid)
    return {
        "@FIRST@": text_array(FIRST_NAMES),
        "@LAST@": text_array(LAST_NAMES),
        "@GENDERS@": text_array(Gender.values),
        "@CONCERNS@": text_array(ConcernCategory.values),
        "@CTEXTS@": text_array(CONCERN_TEXTS),
        "@ATEXTS@": text_array(ACTION_TEXTS),
        # who registers a case referred by an agency: its first member
        "@FIRST_USERS@": "(VALUES "
        + ", ".join(f"({agency}, {uid})" for agency, uid in first_users.items())
        + ") AS fu(agency, user_id)",
    }


def people():
    from sspf_flow.models import Gender, Guardian, Youth

    youth = {
        "id": "p.id",
        "municipality": "@M@",
        "first_name": f"(@FIRST@)[1 + pg_temp.rnd(p.id, 14, {len(FIRST_NAMES)})]",
        "last_name": last_name("p.id"),
        "birth_date": "@TODAY@ - (12 * 365 + pg_temp.rnd(p.id, 16, 7 * 365))",
        "gender": f"(@GENDERS@)[1 + pg_temp.rnd(p.id, 17, {len(Gender.values)})]",
        "school": "'Skola ' || lpad((p.school - @FS@ + 1)::text, 3, '0')",
        "grade": "(6 + pg_temp.rnd(p.id, 18, 4))::text",
    }
    guardian = {
        "id": "2 * p.id - 2 + g",
        "youth": "p.id",
        "name": f"'Vårdnadshavare ' || g || ' ' || {last_name('p.id')}",
        "phone": "'070-000 00 00'",
        "email": """CASE WHEN pg_temp.rnd(2 * p.id + g, 19, 2) = 0
                    THEN 'vh' || p.id || '-' || g || '@example.invalid' ELSE '' END""",
        "has_custody": "true",
    }
    return [
        (Youth, youth, "FROM p"),
        (
            Guardian,
            guardian,
            "FROM p, generate_series(1, 1 + (pg_temp.rnd(p.id, 20, 10) < 7)::int) AS g",
        ),
    ]


CASE_YEAR = "extract(year FROM referred_at AT TIME ZONE @TZ@)::int"


def cases():
    from sspf_flow.models import Case, CaseNumberSequence, ConcernCategory

    n = len(ConcernCategory.values)
    concern = f"pg_temp.rnd(p.id, 22, {n})"
    case = {
        "id": "p.id",
        "number": """'@PREFIX@-' || q.year || '-'
            || CASE WHEN q.seq < 10000 THEN lpad(q.seq::text, 4, '0') ELSE q.seq::text END""",
        "municipality": "@M@",
        "youth": "p.id",
        "programme": "CASE WHEN pg_temp.rnd(p.id, 21, 10) = 0 THEN 'youngsters' ELSE 'sspf' END",
        "status": "p.status",
        "coordinator": "p.coordinator",
        "referral_source": "(ARRAY['skola', 'socialtjanst', 'polis', 'fritid'])[p.source + 1]",
        "referring_agency": "ref.agency",
        "referred_by": "fu.user_id",
        "concerns": f"""jsonb_build_array((@CONCERNS@)[1 + {concern}],
            (@CONCERNS@)[1 + ({concern} + 1 + pg_temp.rnd(p.id, 23, {n - 1})) % {n}])""",
        "concern_text": f"(@CTEXTS@)[1 + pg_temp.rnd(p.id, 24, {len(CONCERN_TEXTS)})]",
        "protective_factors": """CASE WHEN pg_temp.rnd(p.id, 25, 2) = 0
            THEN '["trusted_adult"]'::jsonb ELSE '[]'::jsonb END""",
        "risk_level": """CASE WHEN p.status = 'referred' THEN ''
            ELSE (ARRAY['low', 'medium', 'high'])[1 + pg_temp.rnd(p.id, 26, 3)] END""",
        "referred_at": "p.referred_at",
        "accepted_at": "p.accepted_at",
        "consented_at": "p.consented_at",
        "first_meeting_at": "p.first_meeting_at",
        "next_follow_up": "p.next_follow_up",
        "closed_at": "p.closed_at",
        "closure_reason": """CASE WHEN p.status <> 'closed' THEN ''
            WHEN p.cv < 3 THEN (ARRAY['outside_target_group', 'low_risk', 'not_suitable'])[p.cv + 1]
            WHEN p.cv < 5 THEN 'consent_not_given'
            ELSE (ARRAY['goals_met', 'moved', 'needs_too_extensive', 'placement',
                        'goals_met'])[p.cv - 4] END""",
    }
    source = f"""FROM p
    JOIN (SELECT id, {CASE_YEAR} AS year,
                 row_number() OVER (PARTITION BY {CASE_YEAR} ORDER BY referred_at, id) AS seq
          FROM p) AS q ON q.id = p.id
    CROSS JOIN LATERAL (SELECT CASE p.source WHEN 0 THEN p.school WHEN 1 THEN 1 WHEN 2 THEN 2
                               ELSE p.leisure END AS agency) AS ref
    JOIN @FIRST_USERS@ ON fu.agency = ref.agency"""
    sequence = {"year": "y.year", "last": "count(*)"}
    return [
        (Case, case, source),
        (
            CaseNumberSequence,
            sequence,
            f"FROM (SELECT {CASE_YEAR} AS year FROM p) AS y GROUP BY y.year",
        ),
    ]


def consents():
    from sspf_flow.models import Consent, ConsentAgency, InformationCategory

    consent = {
        "id": "p.id",
        "case": "p.id",
        "method": "m.method",
        "oral_notes": """CASE WHEN m.method = 'oral'
            THEN 'Muntligt samtycke vid möte (fiktivt).' ELSE '' END""",
        "categories": f"'{json.dumps(InformationCategory.values)}'::jsonb",
        "purpose": "'Att skola, socialtjänst, polis och fritid ska kunna planera stödet "
        "tillsammans.'",
        "valid_from": "(p.consented_at AT TIME ZONE @TZ@)::date",
        "valid_to": "(p.consented_at AT TIME ZONE @TZ@)::date + 365",
        "registered_by": "p.coordinator",
        "registered_at": "p.consented_at",
    }
    method = """CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.rnd(p.id, 27, 10) = 0 THEN 'oral'
                                        ELSE 'written' END AS method) AS m"""
    scope = {
        "consent": "p.id",
        "agency": "scope.agency",
        "withdrawn_at": "CASE WHEN scope.withdrawn THEN now() - interval '1 day' END",
    }
    consented = "WHERE p.consented_at IS NOT NULL"
    return [
        (Consent, consent, f"FROM p {method} {consented}"),
        (ConsentAgency, scope, f"FROM p {CONSENT_SCOPE} {consented}"),
    ]


def meetings():
    """A held first meeting (id = case id) per case past it; a planned one (id = N + case id)
    per case in *meeting planned*, inviting the agencies its consent covers."""
    from sspf_flow.models import Meeting

    place = "'Skolans konferensrum'"
    held = {
        "id": "p.id",
        "case": "p.id",
        "kind": "'initial'",
        "status": "'held'",
        "starts_at": "p.first_meeting_at",
        "place": place,
        "youth_attended": "true",
        "guardians_attended": "true",
        "minute_taker": "p.coordinator",
        "protocol": "'Fiktivt protokoll.'",
        "held_at": "p.first_meeting_at",
    }
    planned = {
        "id": "@N@ + p.id",
        "case": "p.id",
        "kind": "CASE WHEN p.prior_plan THEN 'follow_up' ELSE 'network' END",
        "status": "'planned'",
        "starts_at": """((@TODAY@ + 1 + pg_temp.rnd(p.id, 29, 30)) + make_time(14, 0, 0))
            AT TIME ZONE @TZ@""",
        "place": place,
        "invite_guardians": "pg_temp.rnd(p.id, 31, 10) < 8",
    }
    invited = {"meeting": "m.id", "agency": "scope.agency"}
    ids = """CROSS JOIN LATERAL (SELECT p.id AS id WHERE p.first_meeting_at IS NOT NULL
                                 UNION ALL SELECT @N@ + p.id WHERE p.status = 'meeting_planned')
             AS m"""
    return [
        (Meeting, held, "FROM p WHERE p.first_meeting_at IS NOT NULL"),
        (Meeting, planned, "FROM p WHERE p.status = 'meeting_planned'"),
        (
            through(Meeting, "invited_agencies"),
            invited,
            f"FROM p {ids} {CONSENT_SCOPE} WHERE NOT scope.withdrawn",
        ),
    ]


def plans():
    """An action plan per case past its first meeting, with 1–6 actions due over ±6 months."""
    from sspf_flow.models import Action, ActionPlan

    plan = {
        "id": "p.id",
        "case": "p.id",
        "meeting": "p.id",
        "version": "1",
        "created_at": "p.first_meeting_at",
        "created_by": "p.coordinator",
    }
    action = {
        "plan": "p.id",
        "text": f"(@ATEXTS@)[1 + pg_temp.rnd(x.h, 32, {len(ACTION_TEXTS)})]",
        "party": "CASE WHEN x.pr < 8 THEN 'agency' WHEN x.pr = 8 THEN 'youth' ELSE 'guardian' END",
        "agency": """CASE WHEN x.pr < 8 THEN CASE j % 3 WHEN 0 THEN 1 WHEN 1 THEN p.school
                     ELSE CASE WHEN p.police_on THEN 2 ELSE 1 END END END""",
        "guardian": "CASE WHEN x.pr = 9 THEN 2 * p.id - 1 END",
        "due_date": "d.due",
        "status": """CASE WHEN p.status = 'closed'
                THEN CASE WHEN pg_temp.rnd(x.h, 33, 4) = 0 THEN 'not_done' ELSE 'done' END
            WHEN d.due < @TODAY@
                THEN CASE WHEN pg_temp.rnd(x.h, 33, 2) = 0 THEN 'done' ELSE 'ongoing' END
            ELSE CASE WHEN pg_temp.rnd(x.h, 33, 10) < 7 THEN 'planned' ELSE 'ongoing' END
            END""",
    }
    source = """FROM p
    CROSS JOIN LATERAL generate_series(1, 1 + pg_temp.rnd(p.id, 34, 6)) AS j
    CROSS JOIN LATERAL (SELECT p.id * 10 + j AS h, pg_temp.rnd(p.id * 10 + j, 35, 10) AS pr) AS x
    CROSS JOIN LATERAL (
        SELECT CASE WHEN p.status = 'closed'
                    THEN (p.closed_at AT TIME ZONE @TZ@)::date - pg_temp.rnd(x.h, 36, 60)
                    ELSE @TODAY@ + pg_temp.rnd(x.h, 36, 361) - 180 END AS due
    ) AS d
    WHERE p.first_meeting_at IS NOT NULL"""
    return [
        (ActionPlan, plan, "FROM p WHERE p.first_meeting_at IS NOT NULL"),
        (Action, action, source),
    ]
