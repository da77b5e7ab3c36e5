"""Issue 13 (5): two members put a person on the Top 5 list at the same moment, on PostgreSQL,
each in a thread with its own connection, when there is room for one more. The door reads the
list under a lock on the group's row, so the second waits for the first and is then refused:
the list never holds six. No sleeps: the server itself shows the second waiting."""

import datetime as dt

import pytest
from django.utils import timezone

from operative import top5
from operative.models import Top5Entry
from sspf_flow.refusals import TransitionRefused
from tests.programme_builders import top5_group, top5_on_the_list, top5_person
from tests.threads import first_then_second

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FOUR = [("Alfa", "Ett"), ("Beta", "Två"), ("Gamma", "Tre"), ("Delta", "Fyra")]


def test_two_adding_the_fifth_at_once_make_five_not_six(postgres_only, users, agencies):
    group = top5_group(users, agencies)
    selection = top5.record_selection(
        group, users["polis"], held_on=timezone.localdate() - dt.timedelta(days=1)
    )
    for first_name, last_name in FOUR:
        top5_on_the_list(group, users["polis"], selection, first_name, last_name)

    def adding(user, first_name, last_name):
        def add():
            person = top5_person(group, first_name, last_name)
            return top5.add_entry(
                group,
                user,
                person,
                selection=selection,
                reason="Nyckelperson i gruppen.",
                legal_ground="osl_10_18a",
            )

        return add

    first, second, waited = first_then_second(
        adding(users["polis"], "Epsilon", "Fem"), adding(users["socialtjanst"], "Zeta", "Sex")
    )

    assert waited, "the second never waited for the group's row lock"
    assert first.error is None and isinstance(first.result, Top5Entry)
    assert isinstance(second.error, TransitionRefused), second.error
    assert "already has 5 persons" in str(second.error)
    on_the_list = Top5Entry.objects.filter(group=group, ended_on__isnull=True)
    assert on_the_list.count() == 5
    assert not on_the_list.filter(youth__first_name="Zeta").exists()
