"""After an upgrade every earlier case's facts must be built (issue 14): a request rebuilds only
a bounded number before it counts and says that the figures are not complete yet; the beat
builds the rest."""

from reporting import tasks, views
from reporting.models import CaseFact
from tests.builders import client_of


def test_a_report_rebuilds_a_bounded_number_and_says_the_rest_is_pending(refer, users, monkeypatch):
    for _ in range(3):
        refer()
    CaseFact.objects.all().delete()  # as if the cases came from before the statistics
    monkeypatch.setattr(views, "REQUEST_LIMIT", 1)
    client = client_of(users["styrgrupp"])

    page = client.get("/steering/").content.decode()

    assert 'data-testid="pending"' in page and "2 ärenden är inte räknade ännu" in page
    assert CaseFact.objects.filter(stale=False).count() == 1

    tasks.refresh_facts()  # the beat

    page = client.get("/steering/").content.decode()
    assert 'data-testid="pending"' not in page
    assert CaseFact.objects.filter(stale=False).count() == 3
