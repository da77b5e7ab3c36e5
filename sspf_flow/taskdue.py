"""The day a person's step in a case's process is due, by the municipality's settings.

The rule has one home, here, below both of its users: the flow dates each new task with it
(``casework.workflow.due`` gathers the values) and migration 0010 dated the tasks that were
already open. Steps are named as the flow names its nodes (``CaseFlow.assess`` …), which the
migration stores as data too.
"""

from datetime import timedelta

from django.utils import timezone

# Steps due some days after a moment of the case: the Case field the days count from, and the
# Municipality field saying how many days.
COUNTED = {
    "assess": ("referred_at", "assess_within_days"),
    "obtain_consent": ("accepted_at", "consent_pending_days"),
    "plan_meeting": ("consented_at", "plan_within_days"),
}
# Steps due on a day of their own: the planned meeting's, the booked follow-up's.
ON_THE_DAY = ("hold_meeting", "follow_up")
STEPS = (*COUNTED, *ON_THE_DAY)


def due_date(step, case, opened, *, again=False, meeting_at=None):
    """The day the task of ``step`` opened at ``opened`` is due.

    ``case`` is the case (in a migration, its historical model). ``again``: the case had a task
    of this step before (it was reopened, is asked for consent again after a withdrawal, or a
    follow-up called a new meeting); the moment in ``COUNTED`` is then an old one, so the days
    count from when the task opened. ``meeting_at``: the time of the meeting to hold. A task
    whose day is unknown is due the day it opened.
    """
    if step == "hold_meeting":
        return local_day(meeting_at or opened)
    if step == "follow_up":
        return case.next_follow_up or local_day(opened)
    since_field, days_field = COUNTED[step]
    since = getattr(case, since_field)
    start = opened if again or since is None else since
    return local_day(start) + timedelta(days=getattr(case.municipality, days_field))


def local_day(moment):
    return timezone.localtime(moment).date()
