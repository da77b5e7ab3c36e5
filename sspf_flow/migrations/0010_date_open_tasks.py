"""Every person's task that was open before tasks had due dates gets one, by the rule new tasks
follow (``sspf_flow.taskdue``). The flow lives above this app, so its steps are named here as
viewflow stores them: the flow's reference and the node's name."""

from django.db import migrations

from sspf_flow import taskdue

# Where the case flow's tasks point: where the flow lives now, and where it lived before
# casework's migration 0001 moved it (that migration may run after this one).
FLOWS = ("casework/workflow.flows.CaseFlow", "sspf_flow/flows.CaseFlow")
OPEN = ("NEW", "ASSIGNED", "STARTED")


def forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="sspf_flow", model="case").first()
    if case_type is None:
        return  # a new database: no case, no task
    models = {
        "task": apps.get_model("viewflow", "Task"),
        "process": apps.get_model("viewflow", "Process"),
        "case": apps.get_model("sspf_flow", "Case"),
        "meeting": apps.get_model("sspf_flow", "Meeting"),
    }
    TaskDeadline = apps.get_model("sspf_flow", "TaskDeadline")
    rows = [
        TaskDeadline(task_id=pk, due=due)
        for step in taskdue.STEPS
        for pk, due in _dates(models, case_type, step)
    ]
    TaskDeadline.objects.bulk_create(rows, batch_size=500)


def _dates(models, case_type, step):
    """(task's key, due date) for each open task of ``step`` without a due date."""
    refs = [f"{flow}.{step}" for flow in FLOWS]
    # values_list leaves out flow_task, which viewflow would resolve by importing the flow.
    tasks = (
        models["task"]
        .objects.filter(
            flow_task__in=refs,
            status__in=OPEN,
            deadline__isnull=True,
            process__artifact_content_type=case_type,
        )
        .values_list("pk", "created", "process__artifact_object_id")
    )
    for pk, created, case_id in tasks:
        case = models["case"].objects.select_related("municipality").filter(pk=case_id).first()
        if case is None:
            continue
        processes = models["process"].objects.filter(
            artifact_content_type=case_type, artifact_object_id=case_id
        )
        again = (
            models["task"]
            .objects.filter(process__in=processes, flow_task__in=refs, pk__lt=pk)
            .exists()
        )
        meeting = (
            models["meeting"]
            .objects.filter(case_id=case_id, status="planned")
            .order_by("-pk")
            .first()
        )
        meeting_at = meeting.starts_at if meeting is not None else None
        yield pk, taskdue.due_date(step, case, created, again=again, meeting_at=meeting_at)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("viewflow", "0015_task_scheduled"),
        ("sspf_flow", "0009_task_deadlines"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
