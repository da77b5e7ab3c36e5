"""A submission as it was made: its answers shown with the labels and choices of the version it
was made with (never the template's current version); forms printed as PDF, and the one way
every PDF of the product is answered (``pdf_response``)."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .schema import text


def shown_value(spec, value, language="sv"):
    """One answer as text; ``None`` for no answer."""
    if value in (None, "", []):
        return None
    kind = spec["type"]
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind in ("choice", "multi_choice"):
        labels = {c["value"]: text(c["label"], language) for c in spec["choices"]}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    if kind == "agency":
        return value.get("name") if isinstance(value, dict) else str(value)
    if kind == "date":
        return date_format(dt.date.fromisoformat(value), "Y-m-d")
    if kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def items(fields, answers, language="sv"):
    """(label, text or None, rows or None) for each field answered or asked; rows is
    (column labels, [[cell texts]]) for a repeating-rows field."""
    result = []
    for spec in fields:
        if spec["key"] not in answers:
            continue  # hidden by its condition when the form was filled in
        value = answers[spec["key"]]
        label = text(spec["label"], language)
        if spec["type"] == "rows":
            columns = spec["columns"]
            cells = [
                [shown_value(c, row.get(c["key"]), language) or "" for c in columns]
                for row in value or []
            ]
            result.append((label, None, ([text(c["label"], language) for c in columns], cells)))
        else:
            result.append((label, shown_value(spec, value, language), None))
    return result


def render_html(submission, language="sv", pdf_url=None):
    return render_to_string(
        "forms/submission.html",
        {
            "submission": submission,
            "pdf_url": pdf_url,
            "title": submission.version.template.name,
            "items": items(submission.version.fields, submission.answers, language),
        },
    )


BLANK_ROWS = 4


def _print_items(fields, answers, language):
    """What the printed form shows per field: the answer, or for a blank form the lines and
    boxes to fill in by hand."""
    blank = answers is None
    result = []
    for spec in fields:
        if not blank and spec["key"] not in answers:
            continue
        item = {"label": text(spec["label"], language), "help": text(spec.get("help"), language)}
        kind = spec["type"]
        if kind == "rows":
            columns = spec["columns"]
            item["columns"] = [text(c["label"], language) for c in columns]
            rows = [{}] * BLANK_ROWS if blank else answers[spec["key"]] or []
            item["cells"] = [
                [
                    "" if blank else shown_value(c, row.get(c["key"]), language) or ""
                    for c in columns
                ]
                for row in rows
            ]
        elif blank:
            if kind in ("choice", "multi_choice"):
                item["options"] = [text(c["label"], language) for c in spec["choices"]]
            elif kind == "yes_no":
                item["options"] = [_("Yes"), _("No")]
            item["long"] = kind == "long_text"
        else:
            item["value"] = shown_value(spec, answers[spec["key"]], language)
        result.append(item)
    return result


def render_pdf(title, fields, answers=None, subtitle="", footer="", language="sv"):
    """The form as PDF: filled in from ``answers``, or blank (``answers=None``) to print and
    fill in by hand. Raises OSError when the system's Pango library is missing."""
    from weasyprint import HTML

    html = render_to_string(
        "forms/print.html",
        {
            "title": title,
            "subtitle": subtitle,
            "footer": footer or title,
            "blank": answers is None,
            "items": _print_items(fields, answers, language),
        },
    )
    return HTML(string=html).write_pdf()


def pdf_response(request, make, filename, on_made=None):
    """Every PDF the product prints is answered the same way: inline, with a file name, and a
    page that explains when the server cannot make PDFs (WeasyPrint needs the system's Pango
    library). ``make()`` returns the PDF's bytes; ``on_made()`` (e.g. the access log) runs only
    when it was made."""
    try:
        pdf = make()
    except OSError:  # the system's Pango library is missing
        return render(request, "forms/pdf_unavailable.html", status=503)
    if on_made is not None:
        on_made()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
