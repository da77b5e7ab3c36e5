"""What the seed's SQL takes from the application, as ``@NAME@`` tokens filled into it: the time
zone, the notification hour, the ladder's days, the flow's references and node types, the case
number prefix. So the seed follows the application's settings and its flow without copying them.
"""

import datetime as dt

from bench.config import (
    BENCH_COORDINATOR,
    COORDINATOR_OPEN_CASES,
    FIRST_LEISURE,
    FIRST_SCHOOL,
    GRACE,
    MUNICIPALITY,
    N_CASES,
    N_COORDINATORS,
    N_LEISURE,
    N_SCHOOLS,
)

# The nodes of CaseFlow a case passes, in order; a task's ``ix`` in the seed indexes this list
# (the follow-up rounds repeat 8–10, a closed case's last task is ``end``).
NODES = [
    "start_from_code", "assess", "check_accepted", "obtain_consent", "check_consented",
    "plan_meeting", "hold_meeting", "check_in_progress", "wait_for_follow_up", "follow_up",
    "after_follow_up", "end",
]  # fmt: skip

# Deterministic pseudo-random numbers from the row number: rnd(i, salt, m) is in [0, m).
RND_FUNCTION = """
CREATE FUNCTION pg_temp.rnd(i bigint, salt int, m int) RETURNS int
LANGUAGE sql IMMUTABLE AS
$$ SELECT (abs(hashint8(i * 7919 + salt)::bigint) % m)::int $$
"""

# Level and next firing time of a deadline from its due date: every step whose time has come
# (within GRACE) counts as sent, as after a sweep. ``i.due`` and ``lad.offs`` come from the query.
LADDER_STEP = """
CROSS JOIN LATERAL (
    SELECT (count(*) FILTER (WHERE s.t <= now() + @GRACE@))::smallint AS level,
           min(s.t) FILTER (WHERE s.t > now() + @GRACE@) AS fire_at
    FROM (SELECT ((i.due + o) + @HOUR@) AT TIME ZONE @TZ@ AS t FROM unnest(lad.offs) AS o) AS s
) AS l
"""


def text_array(values):
    """ARRAY['a', NULL, …]::text[] of plain names and words (no quotes in them)."""
    items = []
    for value in values:
        assert value is None or "'" not in value, value
        items.append("NULL" if value is None else f"'{value}'")
    return "ARRAY[" + ", ".join(items) + "]::text[]"


def _ladders(municipality):
    from notifications.deadlines import LADDERS, step_day

    rows = []
    for kind, steps in LADDERS.items():
        zero = dt.date(2000, 1, 1)
        offsets = [(step_day(step, zero, municipality) - zero).days for step in steps]
        assert offsets == sorted(offsets), (kind, offsets)
        rows.append(f"('{kind.value}', ARRAY{offsets}::int[])")
    return "(VALUES " + ", ".join(rows) + ") AS lad(kind, offs)"


def _flow():
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from casework.workflow.flows import CaseFlow

    nodes = [getattr(CaseFlow, name) for name in NODES]
    permissions = [getattr(node, "_owner_permission", None) for node in nodes]
    return {
        "@FLOW@": f"'{get_flow_ref(CaseFlow)}'",
        "@NODES@": text_array([get_task_ref(node) for node in nodes]),
        "@TYPES@": text_array([node.task_type for node in nodes]),
        "@PERMS@": text_array([p if isinstance(p, str) else None for p in permissions]),
    }


def seed_constants():
    """The tokens and their SQL. Needs Django set up and the bench municipality seeded."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from sspf_flow.models import Case, Municipality
    from sspf_flow.models.case import OPEN_AFTER_CONSENT

    municipality = Municipality.objects.get(name=MUNICIPALITY)
    return {
        "@TZ@": f"'{settings.TIME_ZONE}'",
        "@TODAY@": f"(now() AT TIME ZONE '{settings.TIME_ZONE}')::date",
        "@HOUR@": f"make_time({settings.NOTIFY_HOUR}, 0, 0)",
        "@LEAD@": str(settings.FOLLOW_UP_LEAD_DAYS),
        "@PENDING_DAYS@": str(municipality.consent_pending_days),
        "@LADDERS@": _ladders(municipality),
        "@OPEN_AFTER@": "(" + ", ".join(f"'{s.value}'" for s in OPEN_AFTER_CONSENT) + ")",
        "@M@": str(municipality.pk),
        "@N@": str(N_CASES),
        "@CT@": str(ContentType.objects.get_for_model(Case).pk),
        **_flow(),
        "@PREFIX@": settings.CASE_NUMBER_PREFIX,
        "@C1@": str(BENCH_COORDINATOR),
        "@C2@": str(BENCH_COORDINATOR + 1),
        "@NC@": str(N_COORDINATORS - 1),
        "@OPEN@": str(COORDINATOR_OPEN_CASES),
        "@NS@": str(N_SCHOOLS),
        "@NL@": str(N_LEISURE),
        "@FL@": str(FIRST_LEISURE),
        "@FS@": str(FIRST_SCHOOL),
        "@GRACE@": f"interval '{GRACE}'",
    }


def fill(sql, constants):
    """The SQL with its tokens replaced; a token left over is an error."""
    for token, value in constants.items():
        sql = sql.replace(token, value)
    assert "@" not in sql.replace("@example", "").replace("@benchkommun", ""), sql
    return sql
