"""What the seed writes into the tables the application keeps beside the case file: the
Deadline rows of the ladder, viewflow's processes and tasks, and the staff's notification choices.
Keyed by field name like bench/rows.py (which says how); the deadlines' items are asked of the
seeded tables through the ORM."""

# The SQL is assembled from this module's own text, the tokens and the ORM's queries.
# ruff: noqa: S608

from bench.fiction import users_spec
from bench.tokens import LADDER_STEP


def _query_sql(queryset):
    """A queryset's SQL with its parameters in it, to use as a subquery."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    return connection.ops.compose_sql(sql, params)


def deadline_items(pending_days):
    """What the ladder watches, asked of the seeded tables through the ORM (as
    ``deadlines.wanted`` asks it of one case): kind, object id, case id and due date."""
    from datetime import timedelta

    from django.db.models import DateField, F, Max, Value
    from django.db.models.functions import Cast, TruncDate

    from notifications.models import DeadlineKind as K
    from sspf_flow.models import Action, ActionStatus, Case, Consent, Meeting, MeetingStatus
    from sspf_flow.models.case import OPEN_AFTER_CONSENT, Status

    def item(kind, case, due, obj=None):
        return {
            "item_kind": Value(kind.value),
            "item_object": F(obj or case),
            "item_case": F(case),
            "item_due": due,
        }

    pending = Cast(TruncDate("accepted_at") + Value(timedelta(days=pending_days)), DateField())
    queries = [
        Case.objects.filter(status=Status.IN_PROGRESS, next_follow_up__isnull=False).values(
            **item(K.FOLLOW_UP, "pk", F("next_follow_up"))
        ),
        Case.objects.filter(status=Status.AWAITING_CONSENT).values(
            **item(K.CONSENT_PENDING, "pk", pending)
        ),
        Action.objects.filter(
            plan__case__status__in=OPEN_AFTER_CONSENT,
            status__in=[ActionStatus.PLANNED, ActionStatus.ONGOING],
        ).values(**item(K.ACTION, "plan__case", F("due_date"), obj="pk")),
        Consent.objects.filter(
            case__status__in=OPEN_AFTER_CONSENT,
            withdrawn_at__isnull=True,
            scope__withdrawn_at__isnull=True,
        )
        .values(item_case=F("case"))
        .annotate(item_kind=Value(K.CONSENT_EXPIRY.value), item_object=F("case"))
        .annotate(item_due=Max("valid_to")),
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED, case__status__in=OPEN_AFTER_CONSENT
        ).values(**item(K.MEETING, "case", TruncDate("starts_at"), obj="pk")),
    ]
    # In object order, so that the deadline ids do not depend on the query plans.
    queries = [query.order_by("item_object") for query in queries]
    columns = "x.item_kind AS kind, x.item_object AS object_id, x.item_case AS case_id"
    return "\nUNION ALL\n".join(
        f"SELECT {columns}, x.item_due AS due FROM ({_query_sql(q)}) AS x" for q in queries
    )


def deadlines(pending_days):
    """A Deadline row for every open item, at the step of its ladder a sweep would have reached."""
    from notifications.models import Deadline

    deadline = {
        "kind": "i.kind",
        "object_id": "i.object_id",
        "case": "i.case_id",
        "due": "i.due",
        "level": "l.level",
        "fire_at": "l.fire_at",
    }
    source = f"FROM ({deadline_items(pending_days)}) AS i JOIN @LADDERS@ ON lad.kind = i.kind"
    return [(Deadline, deadline, source + LADDER_STEP)]


def workflow():
    """A viewflow process per case (its artifact the case) and its tasks, shaped as CaseFlow
    writes them: the flow's and nodes' references and types come from CaseFlow itself."""
    from viewflow.workflow.models import Process, Task

    process = {
        "id": "p.id",
        "flow_class": "@FLOW@",
        "status": "CASE WHEN p.status = 'closed' THEN 'DONE' ELSE 'NEW' END",
        "created": "p.referred_at",
        "finished": "p.closed_at",
        "artifact_content_type": "@CT@",
        "artifact_object_id": "p.id",
    }
    human = "b.type = 'HUMAN' AND b.st <> 'NEW'"
    task = {
        "process": "p.id",
        "flow_task": "(@NODES@)[b.ix + 1]",
        "flow_task_type": "b.type",
        "status": "b.st",
        "created": "b.created",
        "started": """CASE WHEN b.st = 'DONE' AND b.type NOT IN ('EXCLUSIVE_GATEWAY', 'SWITCH')
                      THEN b.created + interval '1 minute' END""",
        "finished": "CASE WHEN b.st = 'DONE' THEN b.created + interval '2 minutes' END",
        "owner_permission": "CASE WHEN b.type = 'HUMAN' THEN (@PERMS@)[b.ix + 1] END",
        "owner": f"CASE WHEN {human} THEN p.coordinator END",
        "assigned": f"CASE WHEN {human} THEN b.created END",
        "scheduled": """CASE WHEN b.type <> 'TIMER' THEN NULL
            WHEN b.st = 'SCHEDULED'
                THEN ((p.next_follow_up - @LEAD@) + make_time(0, 0, 0)) AT TIME ZONE @TZ@
            ELSE b.created END""",
    }
    source = """FROM p
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
            p.referred_at + (coalesce(p.closed_at, now()) - p.referred_at) * pos / p.n AS created
    ) AS b"""
    return [(Process, process, "FROM p"), (Task, task, source)]


def task_deadlines():
    """The day each open step is due (``TaskDeadline``), by the rule of ``sspf_flow.taskdue``
    and the municipality's days: a step counted from a moment of the case (the referral, the
    acceptance, the consent) is due that many days after it; the meeting on its planned day; the
    follow-up on its booked date. A step nobody has taken waits in the queue; one that someone
    has is in their inbox. (A step that came round again counts from the case's first moment
    here, not from when it opened: the benchmark's cases pass each step once.)"""
    from viewflow.workflow.fields import get_task_ref

    from casework.workflow.flows import CaseFlow
    from sspf_flow import taskdue
    from sspf_flow.models import TaskDeadline

    def day(moment):
        return f"(({moment}) AT TIME ZONE @TZ@)::date"

    def ref(step):
        return "'" + get_task_ref(getattr(CaseFlow, step)) + "'"

    counted = "\n".join(
        f"WHEN t.flow_task = {ref(step)} THEN {day(f'coalesce(c.{since}, t.created)')} + m.{days}"
        for step, (since, days) in taskdue.COUNTED.items()
    )
    meeting = """(SELECT min(mt.starts_at) FROM sspf_flow_meeting mt
                  WHERE mt.case_id = c.id AND mt.status = 'planned')"""
    due = f"""CASE {counted}
        WHEN t.flow_task = {ref("hold_meeting")} THEN {day(f"coalesce({meeting}, t.created)")}
        ELSE coalesce(c.next_follow_up, {day("t.created")}) END"""
    source = """FROM viewflow_task t
    JOIN viewflow_process pr ON pr.id = t.process_id
    JOIN sspf_flow_case c ON c.id = pr.artifact_object_id
    JOIN sspf_flow_municipality m ON m.id = c.municipality_id
    WHERE t.flow_task_type = 'HUMAN' AND t.status IN ('NEW', 'ASSIGNED', 'STARTED')"""
    held = "CASE WHEN t.status IN ('ASSIGNED', 'STARTED') THEN t.owner_id END"
    columns = {"task": "t.id", "due": due, "waiting": "t.status = 'NEW'", "holder": held}
    return [(TaskDeadline, columns, source)]


def access_log():
    """N_LOG_ROWS access-log rows over the last three years: reads of the cases by the bench
    users (the coordinators and agency staff, in turn), all lawful, newest last."""
    from bench.config import N_CASES, N_LOG_ROWS
    from sspf_flow.models import AccessLog

    users = len(users_spec())
    values = {
        "at": f"now() - interval '3 years' * (1 - g.i::float / {N_LOG_ROWS})",
        "user": f"2 + g.i % {users - 1}",
        "agency": "1",
        "roles": "'samordnare'",
        "case": f"1 + (g.i::bigint * 7919) % {N_CASES}",
        "youth": f"1 + (g.i::bigint * 7919) % {N_CASES}",
        "what": "'ärendesida'",
        "action": "'view'",
        "had_basis": "true",
    }
    return [(AccessLog, values, f"FROM generate_series(1, {N_LOG_ROWS}) AS g(i)")]


def preferences():
    """A few staff (no coordinator) chose the daily summary for reminders, or no e-mail before
    meetings."""
    from notifications.models import Delivery, Preference, Topic

    spec = users_spec()
    coordinators = ", ".join(str(uid) for uid, _n, _f, role, *_r in spec if role == "samordnare")
    users = f"FROM generate_series(1, {len(spec)}) AS u(id) WHERE u.id NOT IN ({coordinators})"
    return [
        (
            Preference,
            {"user": "u.id", "topic": f"'{Topic.REMINDER}'", "delivery": f"'{Delivery.DIGEST}'"},
            f"{users} AND pg_temp.rnd(u.id, 40, 10) = 0",
        ),
        (
            Preference,
            {"user": "u.id", "topic": f"'{Topic.MEETING}'", "delivery": f"'{Delivery.OFF}'"},
            f"{users} AND pg_temp.rnd(u.id, 41, 20) = 0",
        ),
    ]
