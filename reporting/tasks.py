"""The beat keeps the statistics' facts fresh, so that a case's facts are built long before
gallring can remove the case (a report also refreshes them before it counts)."""

from celery import shared_task


@shared_task(name="reporting.tasks.refresh_facts", ignore_result=True)
def refresh_facts():
    from . import facts

    return facts.bring_up_to_date()
