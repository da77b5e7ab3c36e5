"""The beat task that fires viewflow's timers (e.g. opening the follow-up task before its
date). Its name is the one it had before the move, so that queued work and beat's schedule
survive an upgrade."""

from celery import shared_task
from viewflow.workflow import timers


@shared_task(name="sspf_flow.tasks.fire_due_timers")
def fire_due_timers():
    """Fire viewflow's due DB timers; a timer already fired is not due any more."""
    return timers.fire_due_timers()
