"""The case plan: a temporary table ``p`` with one row per case saying what the seed makes of
it (status, how a closed case ended, its timeline, coordinator, school and leisure centre, how
many viewflow tasks it has). Every table of the seed is then written from ``p`` (bench/rows.py).
``p`` is not a model: it lives for the seed's transaction only."""

from bench.config import N_TASKS
from bench.tokens import fill

# The SQL below is assembled from this module's own text and the tokens (bench/tokens.py).
# ruff: noqa: S608

STATUS_AND_TIMELINE = [
    """
    CREATE TEMP TABLE p ON COMMIT DROP AS
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
    ) AS t
    """,
    "ALTER TABLE p ADD PRIMARY KEY (id)",
    """
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
    WHERE p.id = q.id
    """,
    # n: the case's viewflow tasks (start, assess, gateway, consent, gateway, plan, hold,
    # gateway, then three per follow-up round, and the end of a closed case)
    """
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
]

DATES = [
    """
    ALTER TABLE p ADD COLUMN accepted_at timestamptz, ADD COLUMN consented_at timestamptz,
        ADD COLUMN first_meeting_at timestamptz, ADD COLUMN closed_at timestamptz
    """,
    """
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
]


def _total(cursor):
    cursor.execute("SELECT sum(n) FROM p")
    return cursor.fetchone()[0]


def top_up_tasks(cursor, constants):
    """Make the task counts add up to exactly N_TASKS: first turn r in-progress cases whose
    follow-up is far off into ones whose follow-up task is open (one task more each), then give
    the in-progress and worked-through closed cases more follow-up rounds (three tasks each)."""
    total = _total(cursor)
    delta = N_TASKS - total
    if delta < 2:
        raise RuntimeError(f"the case plan already has {total} tasks, more than {N_TASKS}")
    r = delta % 3
    today, lead = constants["@TODAY@"], constants["@LEAD@"]
    cursor.execute(
        f"""UPDATE p SET next_follow_up = {today} + 3, n = n + 1
        WHERE id IN (SELECT id FROM p WHERE status = 'in_progress'
                     AND next_follow_up > {today} + {lead} ORDER BY id LIMIT {r})"""
    )
    rounds = (delta - r) // 3
    cursor.execute(
        f"""UPDATE p SET k = k + e.extra, n = n + 3 * e.extra
        FROM (SELECT id, {rounds} / cnt + (rn <= {rounds} % cnt)::int AS extra
              FROM (SELECT id, count(*) OVER () AS cnt,
                           row_number() OVER (ORDER BY pg_temp.rnd(id, 37, 1000000), id) AS rn
                    FROM p WHERE status = 'in_progress' OR (status = 'closed' AND cv >= 6)) AS z
        ) AS e
        WHERE p.id = e.id"""
    )
    total = _total(cursor)
    assert total == N_TASKS, total


def make_plan(cursor, constants):
    """Create ``p`` for the seed's transaction, with exactly N_TASKS tasks in all."""
    for sql in STATUS_AND_TIMELINE:
        cursor.execute(fill(sql, constants))
    top_up_tasks(cursor, constants)
    for sql in DATES:
        cursor.execute(fill(sql, constants))
