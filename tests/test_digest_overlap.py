"""Two digest sweeps that overlap (two beats, or one after an outage) on PostgreSQL: a notice
held after the first sweep queued today's summary is neither mailed twice nor lost — it waits
for tomorrow's summary. The second sweep read "no summary yet" before the first committed, then
waited for the first's lock on the user's notices (seen by the server)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from notifications import digest
from notifications.mail import outbox_key
from notifications.models import DigestItem, Outbox, Topic
from tests.threads import first_then_second

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EVENING = dt.datetime(2030, 3, 4, 18, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def held(user, n):
    return DigestItem.objects.create(
        user=user,
        key=f"held-{user.pk}-{n}",
        topic=Topic.values[0],
        line=f"Påminnelse {n}",
        link="/",
        created_at=EVENING - dt.timedelta(minutes=10 - n),
    )


def test_a_notice_held_while_two_sweeps_overlap_waits_for_tomorrow(users):
    user = users["skola"]
    user.email = "sara@centralskolan.invalid"
    user.save()
    first_notice = held(user, 1)
    later = {}

    def other_sweep_holding_its_lock():
        # what the first sweep does for this user, kept open: the notices locked, today's
        # summary queued, the notices marked
        with transaction.atomic():
            items = list(DigestItem.objects.select_for_update().filter(user=user))
            Outbox.objects.create(
                key=outbox_key(("digest", user.pk, EVENING.date()), user.email),
                kind="digest",
                to=user.email,
                recipient=user,
                subject="Sammanfattning",
                body_text="…",
                created_at=EVENING,
                next_attempt_at=EVENING,
            )
            DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_on=EVENING.date())

    def a_notice_arrives():
        later["notice"] = held(user, 2)

    with time_machine.travel(EVENING, tick=False):
        first, second, waited = first_then_second(
            other_sweep_holding_its_lock, digest.send_digests, between=a_notice_arrives
        )

    assert waited, "the second sweep did not wait for the first's lock"
    assert first.error is None and second.error is None, (first.error, second.error)
    assert Outbox.objects.filter(recipient=user).count() == 1  # one summary today
    assert DigestItem.objects.get(pk=first_notice.pk).sent_on == EVENING.date()
    assert DigestItem.objects.get(pk=later["notice"].pk).sent_on is None  # not lost: tomorrow's
