"""Celery tasks of the outbox: thin, take ids, safe to run twice."""

from celery import shared_task

from . import outbox


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(pk):
    return outbox.deliver(pk)


@shared_task(name="notifications.tasks.sweep")
def sweep():
    return outbox.sweep()
