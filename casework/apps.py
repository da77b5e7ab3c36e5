from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """What users click for cases: the flow, its task pages, the case pages, the dashboards,
    the access log's pages and the demo loader. No models of its own."""

    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from viewflow.workflow.models import Task

        from sspf_flow.events import case_event_recorded
        from sspf_flow.models import CaseTask

        # timers: registers the beat task firing the timers.
        from .workflow import due, timers  # noqa: F401

        # Every person's task of a case is due on a day, and waits in the queue while nobody
        # has it. Viewflow saves the flow's task_class (the CaseTask proxy) when it creates and
        # assigns a task, but its own Task when it cancels a process's tasks: both are senders.
        # A moved meeting moves its task's day.
        post_save.connect(due.on_task_saved, sender=CaseTask, dispatch_uid="casework.task_due")
        post_save.connect(due.on_task_saved, sender=Task, dispatch_uid="casework.task_due_base")
        case_event_recorded.connect(due.on_case_event, dispatch_uid="casework.task_due")
