"""Cells of the product's viewflow lists, so a date reads the same everywhere and never wraps."""

from django.utils.dateformat import format as date_format
from django.utils.html import format_html


def day(value):
    """A date as 2026-11-30, on one line ("" when there is none)."""
    if not value:
        return ""
    return format_html('<span class="sspf-date">{}</span>', date_format(value, "Y-m-d"))
