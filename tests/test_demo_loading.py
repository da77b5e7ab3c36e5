"""Loading the demo: only in a demo installation, and on any day (the other demo tests
share one load per module, in tests/test_demo.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from casework.demo_history import FIRST
from sspf_flow.models import Case


def test_demo_refused_outside_a_demo_installation(db, settings):
    settings.SSPF_DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


@pytest.mark.django_db
def test_the_demo_loads_on_a_leap_day(settings):
    """The young people's ages are counted back from today; 29 February has no match in most
    years."""
    settings.SSPF_DEMO = True
    with time_machine.travel(dt.datetime(2028, 2, 29, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))):
        call_command("load_demo", verbosity=0)
    assert Case.objects.count() == 8 + len(FIRST)  # and the earlier terms' cases
