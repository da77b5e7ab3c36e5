"""The Celery application: Redis when ``REDIS_URL``/``CELERY_BROKER_URL`` is set, otherwise the
embedded filesystem broker configured in settings. Its tasks keep the worker's database
connection as requests do (``_close_old_connections``)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("sspf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(**kwargs):
    """Around each task, as Django does around each request: a connection past
    DATABASE_CONN_MAX_AGE, or broken, is closed and the next query opens a new one (the worker
    keeps its connection otherwise: CELERY_DB_REUSE_MAX in settings)."""
    from django.db import close_old_connections

    close_old_connections()


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
    sender.add_periodic_task(
        float(settings.TIMER_SWEEP_SECONDS),
        sender.signature("operative.tasks.sweep"),
        name="operative groups: extend the calendars, remind the day before",
    )
    sender.add_periodic_task(
        float(settings.TIMER_SWEEP_SECONDS),
        sender.signature("reporting.tasks.refresh_facts"),
        name="the statistics' facts: rebuild what changed",
    )
    sender.add_periodic_task(
        float(settings.TIMER_SWEEP_SECONDS),
        sender.signature("sspf_flow.tasks.gallring"),
        name="gallring: once a day, after SSPF_GALLRING_HOUR",
    )
