"""The steering report's page and its exports (CSV, XLSX, PDF), for the steering group and the
coordinators of the municipality. Aggregates only: no case, no name, nothing logged as a read."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from forms.render import pdf_response
from sspf_flow import access
from sspf_flow.models import Municipality

from . import charts, exports, facts
from . import report as reports
from .period_form import PeriodForm, as_query, current_term

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _asked(request):
    """The user's municipality and the period asked for (the current term when none is), or
    the form with its errors."""
    municipality_id = access.statistics_municipality(request.user)
    if municipality_id is None:
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return municipality_id, form, None
    period = form.period() if request.GET else current_term()
    if not request.GET:
        form = PeriodForm(initial=as_query(period))
    return municipality_id, form, period


REQUEST_LIMIT = 200  # stale facts a request rebuilds before it counts (~1 s); the beat the rest


def _report(municipality_id, period):
    pending = facts.bring_up_to_date(limit=REQUEST_LIMIT)
    report = reports.build(Municipality.objects.get(pk=municipality_id), period)
    report.pending = pending
    return report


def _context(report, form):
    for table in report.tables():
        if table.chart:
            table.svg = charts.bars(table, f"chart-{table.key}")
    query = urlencode(as_query(report.period))
    return {
        "report": report,
        "form": form,
        "trend_rows": [
            (period.short, [cells[i] for _label, cells in report.trend])
            for i, period in enumerate(report.terms)
        ],
        "trend_chart": charts.trend(report, "chart-trend"),
        "query": query,
        "neighbours": [
            (report.previous.label, urlencode(as_query(report.previous))),
        ],
        "exports": [
            (label, f"{reverse(name)}?{query}")
            for label, name in (
                ("CSV", "reporting:report_csv"),
                ("XLSX", "reporting:report_xlsx"),
                ("PDF", "reporting:report_pdf"),
            )
        ],
    }


@login_required
def report_page(request):
    municipality_id, form, period = _asked(request)
    context = {"form": form, "report": None}
    if period is not None:
        context = _context(_report(municipality_id, period), form)
    return TemplateResponse(request, "reporting/report.html", context)


def _export(request):
    municipality_id, form, period = _asked(request)
    if period is None:
        return None, form
    return _report(municipality_id, period), form


def _filename(report, ending):
    return f"styrgruppsrapport-{report.period.short.replace(' ', '-')}.{ending}"


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(request, form):
    return TemplateResponse(request, "reporting/report.html", {"form": form, "report": None},
                            status=400)  # fmt: skip


@login_required
def report_csv(request):
    report, form = _export(request)
    if report is None:
        return _refused(request, form)
    return _attachment(exports.as_csv(report), "text/csv; charset=utf-8", _filename(report, "csv"))


@login_required
def report_xlsx(request):
    report, form = _export(request)
    if report is None:
        return _refused(request, form)
    return _attachment(exports.as_xlsx(report), XLSX, _filename(report, "xlsx"))


@login_required
def report_pdf(request):
    report, form = _export(request)
    if report is None:
        return _refused(request, form)
    context = _context(report, form)
    return pdf_response(
        request, lambda: exports.as_pdf(report, context, request), _filename(report, "pdf")
    )
