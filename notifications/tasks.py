"""The beat task of the notifications; the outbox's own tasks are in ``outbox``."""

from celery import shared_task

from . import deadlines, digest, outbox


@shared_task(name="notifications.tasks.sweep")
def sweep():
    """Beat, every few minutes: send the deadline steps that have come and the daily summaries
    that are due, then re-queue and dispatch the outbox."""
    steps = deadlines.sweep()
    summaries = digest.send_digests()
    requeued, dispatched = outbox.sweep()
    return {"steps": steps, "summaries": summaries, "requeued": requeued, "dispatched": dispatched}
