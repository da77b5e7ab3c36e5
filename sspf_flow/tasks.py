"""The daily gallring, as a beat task: it takes nothing and is safe to run every minute
(``retention.daily`` does the work once a day, after SSPF_GALLRING_HOUR)."""

from celery import shared_task

from . import retention


@shared_task(name="sspf_flow.tasks.gallring")
def gallring():
    """Run the day's gallring if it is time and no other beat has; returns the run's id."""
    record = retention.daily()
    return record.pk if record else None
