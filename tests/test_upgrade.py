"""Upgrading from before the floors: processes and tasks stored with the flow's old module are
pointed at its new one by the migration, and queued Celery work keeps its task names."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from viewflow.workflow.models import Process, Task

from casework.workflow.flows import CaseFlow
from casework.workflow.steps import open_task

moved = importlib.import_module("casework.migrations.0001_flow_moved_from_sspf_flow")
EDITOR = SimpleNamespace(connection=connection)  # all the migration asks of its schema editor


def stored_references():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT flow_class FROM viewflow_process")
        flows = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT flow_task FROM viewflow_task")
        tasks = {row[0] for row in cursor.fetchall()}
    return flows, tasks


def test_the_migration_points_old_processes_at_the_moved_flow(refer):
    case = refer()
    with connection.cursor() as cursor:  # as a process started before the upgrade stored it
        cursor.execute("UPDATE viewflow_process SET flow_class = %s", [moved.OLD])
        cursor.execute(
            "UPDATE viewflow_task SET flow_task = REPLACE(flow_task, %s, %s)",
            [moved.NEW, moved.OLD],
        )
    assert stored_references()[0] == {"sspf_flow/flows.CaseFlow"}

    moved.forward(apps, EDITOR)

    flows, tasks = stored_references()
    assert flows == {"casework/workflow.flows.CaseFlow"}
    assert tasks and all(ref.startswith("casework/workflow.flows.CaseFlow.") for ref in tasks)
    assert Process.objects.get().flow_class is CaseFlow
    assert open_task(case, "assess").flow_task is CaseFlow.assess
    assert {task.flow_task for task in Task.objects.all()} <= set(CaseFlow.instance.nodes())


def test_the_migration_can_be_reversed(refer):
    refer()
    moved.backward(apps, EDITOR)
    flows, tasks = stored_references()
    assert flows == {"sspf_flow/flows.CaseFlow"}
    assert all(ref.startswith("sspf_flow/flows.CaseFlow.") for ref in tasks)


def test_celery_tasks_keep_the_names_they_were_queued_under():
    from project.celery import app

    app.loader.import_default_modules()
    assert {
        "sspf_flow.tasks.fire_due_timers",
        "notifications.tasks.sweep",
        "notifications.tasks.deliver",
        "notifications.tasks.deliver_many",
    } <= set(app.tasks)
