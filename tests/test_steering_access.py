"""Who reads the steering report (issue 14, 4): the steering group and the coordinators of the
municipality, their own municipality's figures only; nobody else. A question about a period that
cannot be answered gets a Swedish explanation next to its field, never an error page."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tests.report_builders import Walk, on, report_tables

PAGES = [
    "/steering/?kind=vt&year=2026",
    "/steering/report.csv?kind=vt&year=2026",
    "/steering/report.xlsx?kind=vt&year=2026",
    "/steering/report.pdf?kind=vt&year=2026",
]


@pytest.fixture
def two_referred(users, agencies):
    """Two young people referred in VT 2026, one closed."""
    walk = Walk(users, agencies)
    for day in (dt.date(2026, 2, 2), dt.date(2026, 3, 3)):
        case = walk.refer(day, source="skola", gender="flicka", age=14, grade="8",
                          concerns=["school_absence"])  # fmt: skip
    walk.close(case, dt.date(2026, 3, 10), "moved")
    return walk


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["styrgrupp", "samordnare"])
def test_the_steering_group_and_the_coordinator_read_the_report(client, users, who, path):
    client.force_login(users[who])
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["skola", "polis", "socialtjanst", "fritid", "admin"])
def test_no_one_else_does(client, users, who, path):
    client.force_login(users[who])
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_without_logging_in_one_is_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response["Location"].lower()


def test_a_coordinator_of_another_municipality_sees_only_their_own_figures(
    client, users, two_referred, foreign_coordinator
):
    client.force_login(users["samordnare"])
    with on(dt.date(2026, 8, 1)):
        ours = report_tables(client.get(PAGES[0]).content)
    with translation.override("sv"):
        assert ours["volume"][_("New referrals in the period")] == ("<3", "0")
    client.force_login(foreign_coordinator)
    with on(dt.date(2026, 8, 1)):
        response = client.get(PAGES[0])
        csv = client.get(PAGES[1]).content.decode()
    theirs = report_tables(response.content)
    figures = {cell for key, rows in theirs.items() for pair in rows.values() for cell in pair}
    assert figures <= {"0", "–"}
    assert "<3" not in csv and "Exempelkommun" not in response.content.decode()


@pytest.mark.parametrize(
    "query, field, error",
    [
        (
            "kind=dates&start=2026-03-01&end=2026-02-01",
            "end",
            _("The last day comes before the first."),
        ),
        ("kind=vt", "year", _("Give the year of the term or the calendar year.")),
        ("kind=vt&year=tjugosex", "year", "Fyll i ett heltal."),
        ("kind=year&year=1850", "year", None),
        ("kind=dates&start=2026-01-01", "end", _("Give the last day.")),
        ("kind=dates&start=1%20mars&end=2026-04-01", "start", "Fyll i ett giltigt datum."),
        ("kind=dates&start=2020-01-01&end=2026-01-01", "end", None),
        ("kind=week&year=2026", "kind", None),
    ],
)
def test_a_period_that_cannot_be_answered_is_explained_next_to_its_field(
    client, users, query, field, error
):
    client.force_login(users["styrgrupp"])
    page = client.get(f"/steering/?{query}")
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert list(errors) == [field]
    if error:
        with translation.override("sv"):
            assert errors[field] == [str(error)]
    assert f'id="id_{field}-errors"' in page.content.decode()
    assert page.context["report"] is None
    for path in PAGES[1:]:
        response = client.get(path.split("?")[0] + "?" + query)
        assert response.status_code == 400
        assert response.context["form"].errors == errors


def test_without_a_question_the_page_shows_the_current_term(client, users):
    client.force_login(users["styrgrupp"])
    with on(dt.date(2026, 9, 1)):
        response = client.get("/steering/")
    assert response.status_code == 200
    assert response.context["report"].period.short == "HT 2026"
