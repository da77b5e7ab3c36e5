"""The operative group's beat task: thin, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="operative.tasks.sweep")
def sweep():
    """Beat: extend the series to the horizon and queue tomorrow's reminders."""
    return {"made": services.extend_series(), "reminded": services.send_reminders()}
