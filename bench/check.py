"""Before measuring, on a seeded database: undo what an interrupted run left (``tidy``), and check
the seed against the application as it is now (``check_seed_against_app``): the deadline rows are
what the ladder wants, and the viewflow rows name the flow and nodes the application has."""

from bench.config import N_CASES
from bench.tokens import LADDER_STEP, fill, seed_constants

# Only the models' own table names are formatted into the SQL.
# ruff: noqa: S608


def tidy():
    """Restore the deadlines an interrupted run made due, drop its outbox rows and digest items,
    and bring rows whose step has come since the seed (the seed is relative to its day) to the
    state a sweep would leave, without sending."""
    from django.db import connection, transaction

    from notifications.models import Deadline, DigestItem, Outbox

    deadline = Deadline._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_due')")
        if cur.fetchone()[0]:
            cur.execute(
                f"UPDATE {deadline} AS d SET level = b.level, fire_at = b.fire_at"
                " FROM bench_due AS b WHERE d.id = b.id"
            )
            restored = cur.rowcount
            cur.execute("DROP TABLE bench_due")
            print(f"  restored {restored} deadlines an interrupted run left due", flush=True)
        Outbox.objects.all().delete()
        DigestItem.objects.all().delete()
        cur.execute(
            fill(
                f"""UPDATE {deadline} AS d SET level = l.level, fire_at = l.fire_at
                FROM {deadline} AS i JOIN @LADDERS@ ON lad.kind = i.kind"""
                + LADDER_STEP
                + " WHERE d.id = i.id AND i.fire_at <= now() + @GRACE@",
                seed_constants(),
            )
        )
        if cur.rowcount:
            print(
                f"  {cur.rowcount} deadlines fell due since the seed: moved on to their next step",
                flush=True,
            )


def _check_deadlines(problems):
    """On a sample of open cases, the seeded Deadline rows are the ones ``deadlines.wanted``
    asks for, and each row's step and time are what ``deadlines.fire_at`` gives."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications import deadlines
    from notifications.models import Deadline, DeadlineKind
    from sspf_flow.models import Case, Status

    cases = list(
        Case.objects.exclude(status=Status.CLOSED)
        .filter(pk__in=list(range(7, N_CASES, 499)))
        .select_related("municipality")
    )
    horizon = timezone.now() + timedelta(minutes=30)
    rows_checked = 0
    for case in cases:
        want = deadlines.wanted(case)
        rows = {(row.kind, row.object_id): row for row in Deadline.objects.filter(case=case)}
        if set(want) != set(rows):
            problems.append(f"{case.number}: wanted {sorted(want)}, seeded {sorted(rows)}")
            continue
        m = case.municipality
        for (kind, object_id), row in rows.items():
            rows_checked += 1
            if kind != DeadlineKind.CONSENT_PENDING and want[(kind, object_id)] != row.due:
                problems.append(
                    f"{case.number} {kind}: due {row.due}, wanted {want[(kind, object_id)]}"
                )
            passed = row.level == 0 or deadlines.fire_at(kind, row.level - 1, row.due, m) <= horizon
            if row.fire_at != deadlines.fire_at(kind, row.level, row.due, m) or not passed:
                problems.append(f"{case.number} {kind}: level {row.level}, fire_at {row.fire_at}")
    return f"the {rows_checked} deadline rows of {len(cases)} sampled open cases"


def _check_workflow(problems):
    """The seeded processes and tasks load as CaseFlow's: viewflow resolves their stored flow
    and task references to the flow class and its nodes, and each task's type is its node's."""
    from casework.workflow.flows import CaseFlow
    from sspf_flow.models import CaseTask

    sample = CaseTask.objects.filter(process_id__in=list(range(7, N_CASES, 997)))
    try:  # a reference viewflow cannot resolve fails as the rows load
        tasks = list(sample.select_related("process"))
    except Exception as exc:  # noqa: BLE001 - report it with the other differences
        problems.append(f"viewflow cannot load the seeded tasks: {type(exc).__name__}: {exc}")
        return "the sampled viewflow tasks"
    for task in tasks:
        flow_class, node = task.process.flow_class, task.flow_task
        if flow_class is not CaseFlow or node is None or node.flow_class is not CaseFlow:
            problems.append(f"task {task.pk}: flow {flow_class}, node {node}")
        elif node.task_type != task.flow_task_type:
            problems.append(f"task {task.pk}: type {task.flow_task_type}, node's {node.task_type}")
    return f"the {len(tasks):,} viewflow tasks of their processes"


def check_seed_against_app(notes):
    """Adds a note saying whether the seed follows the application's rules (which may change
    after the seed); the differences, when there are any."""
    problems = []
    checked = [_check_deadlines(problems), _check_workflow(problems)]
    if problems:
        notes.append(
            f"**Seed check: {len(problems)} differences from the application's rules** "
            "(rerun with --reseed): " + "; ".join(problems[:5])
        )
        return False
    notes.append(
        f"Seed check: {checked[0]} are exactly what `deadlines.wanted` and `deadlines.fire_at` "
        f"give; {checked[1]} resolve to `CaseFlow` and its nodes."
    )
    return True
