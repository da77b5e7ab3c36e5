"""The steering report's exports (issue 14, 5): the CSV, the XLSX and the PDF carry exactly the
figures of the page for the same question, hidden cells as "<3"; and neither the page nor any
export holds a name, an identity number, a case number or a free text of the cohort."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.report_builders import build_cohort, on, report_tables

QUERY = "kind=vt&year=2026"


@pytest.fixture
def cohort(users, agencies):
    return build_cohort(users, agencies)


def fetch(client, path):
    with on(dt.date(2026, 8, 15)):
        return client.get(path)


def page_lines(content):
    """(line, this period, the period before) of every table of the page, in its order; and
    the trend as {term: (new, closed, ongoing)}."""
    tables = report_tables(content)
    trend = tables.pop("trend")
    lines = [(label, *pair) for rows in tables.values() for label, pair in rows.items()]
    return lines, trend


def export_lines(rows):
    """The same from the exports' rows (section, table, line, this period, the period
    before); the trend's rows are (…, series, term, figure, "")."""
    lines, trend = [], {}
    series = []
    for _section, table, line, now, before in rows:
        if before == "" and line[:2] in ("VT", "HT"):
            if table not in series:
                series.append(table)
            trend.setdefault(line, []).append(now)
        else:
            lines.append((line, now, before))
    return lines, {term: tuple(cells) for term, cells in trend.items()}


def pdf_text(raw):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)


def squeezed(text):
    return "".join(text.split())


def test_each_export_carries_the_pages_figures(client, users, cohort):
    client.force_login(users["styrgrupp"])
    page = fetch(client, f"/steering/?{QUERY}")
    lines, trend = page_lines(page.content)
    assert len(lines) == 172 and ("<3", "<3") in {line[1:] for line in lines}

    response = fetch(client, f"/steering/report.csv?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "styrgruppsrapport-VT-2026.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    heading, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(heading) == 5
    assert export_lines(rows) == (lines, trend)

    response = fetch(client, f"/steering/report.xlsx?{QUERY}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(
        min_row=4, values_only=True)]  # fmt: skip
    assert [list(map(str, row)) for row in table] == rows  # the CSV's rows, as text
    assert export_lines(table) == (lines, trend)

    response = fetch(client, f"/steering/report.pdf?{QUERY}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # the text as extracted, without its spaces (pypdf adds and drops some)
    text = squeezed(pdf_text(response.content))
    for label, now, before in lines:
        assert squeezed(label + now + before) in text, label
    for term, cells in trend.items():
        assert squeezed("".join([term, *cells])) in text, term


def test_no_page_or_export_holds_a_name_a_number_or_a_free_text(client, users, cohort):
    assert len(cohort.secrets) > 60
    for user in (users["styrgrupp"], users["samordnare"]):
        client.force_login(user)
        files = {
            "page": fetch(client, f"/steering/?{QUERY}").content.decode(),
            "csv": fetch(client, f"/steering/report.csv?{QUERY}").content.decode(),
            "pdf": pdf_text(fetch(client, f"/steering/report.pdf?{QUERY}").content),
        }
        book = load_workbook(io.BytesIO(fetch(client, f"/steering/report.xlsx?{QUERY}").content))
        files["xlsx"] = "\n".join(
            str(cell) for row in book.active.iter_rows(values_only=True) for cell in row
        )
        for name, content in files.items():
            found = [secret for secret in cohort.secrets if secret in content]
            assert not found, (name, found)
            # no fragment either: the fictional names and the identity numbers' serials
            assert "Zorrbert" not in content and "Qvistenhjelm" not in content, name
            assert "Hemlig" not in content and "Xyloform" not in content, name
