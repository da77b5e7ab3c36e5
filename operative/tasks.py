"""The operative group's beat task: thin, safe to run twice."""

from celery import shared_task

from . import commitments, services, top5


@shared_task(name="operative.tasks.sweep")
def sweep():
    """Beat: extend the series to the horizon, queue tomorrow's reminders and the joint
    commitments' reminders and overdue notices, and Top 5's selection reminder."""
    reminded, overdue = commitments.send_commitment_notices()
    return {
        "made": services.extend_series(),
        "reminded": services.send_reminders(),
        "commitments_reminded": reminded,
        "commitments_overdue": overdue,
        "top5_reminded": top5.send_selection_reminders(),
    }
