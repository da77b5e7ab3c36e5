from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Outbox, e-mails, the deadline ladder, dashboards' data and users' preferences."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sspf_flow.events import case_event_recorded
        from sspf_flow.models import CaseTask

        from . import events

        case_event_recorded.connect(events.on_case_event, dispatch_uid="notifications.events")
        post_save.connect(events.on_task_saved, sender=CaseTask, dispatch_uid="notifications.tasks")
