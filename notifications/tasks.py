"""Celery tasks of the notifications: thin, take ids, safe to run twice."""

from celery import shared_task

from . import deadlines, digest, outbox


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(pk):
    return outbox.deliver(pk)


@shared_task(name="notifications.tasks.deliver_many", ignore_result=True)
def deliver_many(pks):
    return sum(1 for pk in pks if outbox.deliver(pk))


@shared_task(name="notifications.tasks.sweep")
def sweep():
    """Beat, every few minutes: send the deadline steps that have come and the daily summaries
    that are due, then re-queue and dispatch the outbox."""
    steps = deadlines.sweep()
    summaries = digest.send_digests()
    requeued, dispatched = outbox.sweep()
    return {"steps": steps, "summaries": summaries, "requeued": requeued, "dispatched": dispatched}
