"""The periods a report covers: a term (VT 1 January–30 June, HT 1 July–31 December, so that
every day belongs to one term and the half-year report is a term's), a calendar year, or any
dates; and the period before it, for the comparison."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    kind: str  # "vt", "ht", "year" or "dates"
    start: datetime.date
    end: datetime.date  # the last day, included

    @property
    def label(self):
        if self.kind == "vt":
            return _("Spring term %(year)s") % {"year": self.start.year}
        if self.kind == "ht":
            return _("Autumn term %(year)s") % {"year": self.start.year}
        if self.kind == "year":
            return _("The year %(year)s") % {"year": self.start.year}
        return f"{date_format(self.start)} – {date_format(self.end)}"

    @property
    def short(self):
        """The label in a chart's axis and a file's name: "VT 2026", "2026", "2026-01-05–…"."""
        if self.kind in ("vt", "ht"):
            return f"{self.kind.upper()} {self.start.year}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}–{self.end.isoformat()}"

    def contains(self, day):
        return day is not None and self.start <= day <= self.end

    def before(self):
        """The period just before: the term, the year, or as many days, before this one."""
        if self.kind in ("vt", "ht", "year"):
            return period_of(self.kind_before, self.start - datetime.timedelta(days=1))
        days = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Period("dates", end - days, end)

    @property
    def kind_before(self):
        return {"vt": "ht", "ht": "vt"}.get(self.kind, self.kind)


def term(year, which):
    if which == "vt":
        return Period("vt", datetime.date(year, 1, 1), datetime.date(year, 6, 30))
    return Period("ht", datetime.date(year, 7, 1), datetime.date(year, 12, 31))


def period_of(kind, day):
    """The period of ``kind`` ("vt"/"ht" mean "the term", "year" the year) holding ``day``."""
    if kind == "year":
        return Period("year", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    return term(day.year, "vt" if day.month <= 6 else "ht")


def terms_up_to(period, count):
    """The ``count`` terms ending with the one that holds the period's last day, oldest first."""
    found = [period_of("term", period.end)]
    while len(found) < count:
        found.insert(0, found[0].before())
    return found
