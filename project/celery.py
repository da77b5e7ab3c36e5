"""The Celery application: Redis when ``REDIS_URL``/``CELERY_BROKER_URL`` is set, otherwise the
embedded filesystem broker configured in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("sspf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _beat_schedule(sender, **kwargs):
    from django.conf import settings

    sender.add_periodic_task(
        float(settings.TIMER_SWEEP_SECONDS),
        sender.signature("sspf_flow.tasks.fire_due_timers"),
        name="fire viewflow's due timers",
    )
    sender.add_periodic_task(
        float(settings.TIMER_SWEEP_SECONDS),
        sender.signature("notifications.tasks.sweep"),
        name="deadline ladder, daily summaries and the outbox",
    )
