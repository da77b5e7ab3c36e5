"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task
from viewflow.workflow import timers


@shared_task(name="sspf_flow.tasks.fire_due_timers")
def fire_due_timers():
    """Fire viewflow's due DB timers; a timer already fired is not due any more."""
    return timers.fire_due_timers()
