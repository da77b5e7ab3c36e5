"""The report as a file the steering group reads without the system: CSV, XLSX and PDF. Each
writes the cells the page shows (``Cell.shown``), so a hidden count is "<3" everywhere."""

import csv
import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def rows(report):
    """(section, table, line, this period, the period before) for every line of every table,
    then the terms of the trend."""
    for section in report.sections:
        for table in section.tables:
            for line in table.rows():
                yield section.title, table.title, line.label, line.now.shown(), line.before.shown()
    for label, cells in report.trend:
        for period, cell in zip(report.terms, cells, strict=True):
            yield _("Over the terms"), label, period.short, cell.shown(), ""


def heading(report):
    return [_("Section"), _("Table"), _("Line"), report.period.label, report.previous.label]


def as_csv(report):
    """Semicolons and a byte-order mark, as Excel in Swedish opens them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(heading(report))
    writer.writerows(rows(report))
    return "\ufeff" + out.getvalue()


def as_xlsx(report):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Steering report")[:31]
    sheet.append([_("Steering report"), report.municipality.name, report.period.label])
    sheet.append([])
    sheet.append(heading(report))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(report):
        sheet.append(list(row))
    for column, width in zip("ABCDE", (34, 46, 40, 20, 20), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(report, context, request):
    """The page's tables and charts on A4; the stylesheet read from the static files here, not
    fetched from the server over HTTP."""
    from weasyprint import CSS, HTML  # OSError here when the system's Pango library is missing

    html = render_to_string("reporting/report_print.html", context, request)
    style = CSS(filename=finders.find("reporting/report.css"))
    return HTML(string=html).write_pdf(stylesheets=[style])
