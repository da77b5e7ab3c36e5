"""A real Celery worker on Redis runs the beat task that fires viewflow's due timers."""

import datetime as dt

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from casework.workflow import steps
from casework.workflow.timers import fire_due_timers
from tests.builders import case_in_progress

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(celery_app_on_redis):
    with start_worker(
        celery_app_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=30
    ):
        yield


def test_worker_opens_the_follow_up_when_it_is_due(
    worker, refer, coordinator, consent_for, agencies
):
    case = case_in_progress(refer, coordinator, consent_for, agencies, follow_up_in_days=30)
    assert steps.open_task(case, "follow_up") is None
    with time_machine.travel(timezone.now() + dt.timedelta(days=24), tick=False):
        assert fire_due_timers.delay().get(timeout=60) == 1
        assert fire_due_timers.delay().get(timeout=60) == 0  # safe to run twice
    assert steps.open_task(case, "follow_up").owner == coordinator
