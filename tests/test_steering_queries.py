"""The steering report costs a fixed number of queries however many cases it counts (issue 14,
8): the same for 3 and for 12 young people, once their facts are fresh, and rebuilding stale
facts costs the same for 3 and for 12 too."""

import datetime as dt

import pytest

from reporting import facts
from tests.report_builders import Walk, on

PAGE_QUERIES = 55  # measured: session and roles, the facts checked, both periods counted, the trend


def referred(users, agencies, how_many):
    """``how_many`` young people referred in VT 2026, every third closed and the others with a
    meeting held and an action decided."""
    walk = Walk(users, agencies)
    for n in range(how_many):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=7 * n)
        case = walk.refer(day, source="skola", gender="pojke", age=14, grade="8",
                          concerns=["school_absence", "crime"])  # fmt: skip
        walk.accept(case, day + dt.timedelta(days=1), "medium")
        if n % 3 == 0:
            walk.close(case, day + dt.timedelta(days=2), "moved")
            continue
        walk.consent(case, day + dt.timedelta(days=2))
        walk.meeting(case, day + dt.timedelta(days=3), "network", [("skola", "Anpassat schema")])
    return walk


@pytest.mark.parametrize("how_many", [3, 12])
def test_the_page_costs_the_same_for_few_and_many(
    client, users, agencies, how_many, django_assert_num_queries
):
    referred(users, agencies, how_many)
    client.force_login(users["styrgrupp"])
    with on(dt.date(2026, 8, 1)):
        assert client.get("/steering/?kind=vt&year=2026").status_code == 200  # facts made
        with django_assert_num_queries(PAGE_QUERIES):
            response = client.get("/steering/?kind=vt&year=2026")
    assert response.status_code == 200


@pytest.mark.parametrize("how_many", [3, 12])
def test_stale_facts_are_rebuilt_in_a_fixed_number_of_queries(
    users, agencies, how_many, django_assert_num_queries
):
    referred(users, agencies, how_many)
    assert facts.CaseFact.objects.filter(stale=True).count() == how_many
    with django_assert_num_queries(19):
        assert facts.bring_up_to_date() == 0  # none left stale
    assert not facts.CaseFact.objects.filter(stale=True).exists()
    with django_assert_num_queries(5):
        assert facts.bring_up_to_date() == 0
