"""The beat keeps the statistics' facts fresh, so that a case's facts are built long before
gallring can remove the case (a report also refreshes them before it counts)."""

from celery import shared_task

BEAT_LIMIT = 5000  # fact rows rebuilt per beat: after an upgrade, the history in a few minutes


@shared_task(name="reporting.tasks.refresh_facts", ignore_result=True)
def refresh_facts():
    from . import facts

    return facts.bring_up_to_date(limit=BEAT_LIMIT)
