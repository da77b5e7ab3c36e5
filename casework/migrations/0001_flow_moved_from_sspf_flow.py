"""The case flow moved from ``sspf_flow/flows.py`` to ``casework/workflow/flows.py``. viewflow
stores each process's flow and each task's node as a reference to that module, so the rows of
processes run before the move are pointed at the new place (and back, if this is reversed)."""

from django.db import migrations

OLD = "sspf_flow/flows.CaseFlow"
NEW = "casework/workflow.flows.CaseFlow"


def _repoint(apps, schema_editor, old, new):
    process_table = apps.get_model("viewflow", "Process")._meta.db_table
    task_table = apps.get_model("viewflow", "Task")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {process_table} SET flow_class = %s WHERE flow_class = %s",  # noqa: S608
            [new, old],
        )
        cursor.execute(
            f"SELECT DISTINCT flow_task FROM {task_table} WHERE flow_task LIKE %s",  # noqa: S608
            [old + ".%"],
        )
        for (ref,) in cursor.fetchall():
            node = ref[len(old) + 1 :]
            cursor.execute(
                f"UPDATE {task_table} SET flow_task = %s WHERE flow_task = %s",  # noqa: S608
                [f"{new}.{node}", ref],
            )


def forward(apps, schema_editor):
    _repoint(apps, schema_editor, OLD, NEW)


def backward(apps, schema_editor):
    _repoint(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("sspf_flow", "0006_meeting_revision_and_ladder_days"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
