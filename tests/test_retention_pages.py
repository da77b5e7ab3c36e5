"""Gallring's pages: the administrator's (rules, today's dry run and the runs, as counts, never
a case), and the coordinator's legal hold on the case page."""

import datetime as dt

import pytest
from django.utils import timezone

from sspf_flow import retention
from sspf_flow.models import Case, LegalHold, RetentionRule, RetentionRun
from tests.builders import client_of


def _closed_long_ago(refer, n):
    cases = [refer() for _ in range(n)]
    long_ago = timezone.now() - dt.timedelta(days=6 * 366)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status="closed", closed_at=long_ago, closure_reason="other"
    )
    return cases


def test_without_rules_the_page_says_nothing_is_removed(users):
    page = client_of(users["admin"]).get("/administration/gallring/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ingen regel satt: ingenting gallras" in text
    assert "Ingen regel är satt: ingenting skulle gallras." in text


@pytest.mark.parametrize("n", [1, 4])
def test_the_page_counts_what_would_go_and_names_no_case(
    users, municipality, refer, coordinator, n, django_assert_num_queries
):
    cases = _closed_long_ago(refer, n)
    RetentionRule.objects.create(municipality=municipality, record_type="case", years=5)
    LegalHold.objects.create(
        case=cases[0], reason="request", text="Begäran", placed_by=coordinator,
        placed_at=timezone.now(),
    )  # fmt: skip
    retention.run(timezone.localdate(), dry_run=True)
    client = client_of(users["admin"])
    client.get("/administration/gallring/")  # warm the session and the user's roles
    with django_assert_num_queries(7):
        page = client.get("/administration/gallring/")
    text = page.content.decode()
    assert f"<td>{n - 1}</td><td>1</td>" in text  # would go, kept because of a hold
    assert "Provkörning (inget togs bort)" in text
    for case in cases:
        assert case.number not in text
        assert str(case.youth) not in text
    assert RetentionRun.objects.count() == 1  # the page itself writes nothing


def test_only_the_administrator_opens_the_gallring_page(users):
    for role in ("samordnare", "skola", "styrgrupp"):
        assert client_of(users[role]).get("/administration/gallring/").status_code == 403


def test_the_coordinator_places_and_lifts_a_hold_on_the_case_page(refer, coordinator):
    case = refer()
    client = client_of(coordinator)
    page = client.get(case.get_absolute_url())
    assert "Lägg en gallringsspärr" in page.content.decode()
    empty = client.post(f"/sspf/{case.number}/hold/", {"reason": "request", "text": ""})
    assert empty.status_code == 200 and not LegalHold.objects.exists()
    done = client.post(f"/sspf/{case.number}/hold/", {"reason": "request", "text": "Begäran"})
    assert done.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Gallringsspärr sedan" in page and "Häv gallringsspärren" in page
    client.post(f"/sspf/{case.number}/hold/lift/", {})
    assert LegalHold.objects.get().lifted_at is not None


def test_an_agency_cannot_place_a_hold(refer, users):
    case = refer()
    answer = client_of(users["skola"]).post(
        f"/sspf/{case.number}/hold/", {"reason": "request", "text": "Begäran"}
    )
    assert answer.status_code in (403, 404)
    assert not LegalHold.objects.exists()
