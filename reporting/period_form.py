"""Which period the steering report covers: a term, a year, or any dates (GET, so that a report
can be bookmarked and its exports carry the same question)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period, period_of, term

EARLIEST = 2000
LONGEST_DAYS = 3 * 366  # the comparison doubles the span; longer spans read poorly anyway


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("vt", _("Spring term")),
            ("ht", _("Autumn term")),
            ("year", _("Calendar year")),
            ("dates", _("Dates of your own")),
        ],  # fmt: skip
    )
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST, max_value=2100, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(
        label=_("To and with"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("vt", "ht", "year") and data.get("year") is None and "year" not in self.errors:
            self.add_error("year", _("Give the year of the term or the calendar year."))
        if kind == "dates":
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Give the first day."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Give the last day."))
            if start and end and end < start:
                self.add_error("end", _("The last day comes before the first."))
            elif start and end and (end - start).days > LONGEST_DAYS:
                self.add_error("end", _("Choose at most three years."))
        return data

    def period(self):
        data = self.cleaned_data
        if data["kind"] == "dates":
            return Period("dates", data["start"], data["end"])
        if data["kind"] == "year":
            return period_of("year", datetime.date(data["year"], 1, 1))
        return term(data["year"], data["kind"])


def current_term():
    return period_of("term", timezone.localdate())


def as_query(period):
    """The GET parameters that ask for ``period`` again (the links to exports and neighbours)."""
    if period.kind == "dates":
        return {"kind": "dates", "start": period.start.isoformat(), "end": period.end.isoformat()}
    return {"kind": period.kind, "year": period.start.year}
