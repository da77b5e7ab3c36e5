"""Top 5's evaluation (seed 001: "En större utvärdering görs efter 4 månader utav socialtjänst
och polis. Denna utvärdering presenteras för RTFs samordningsgrupp och styrgrupp"): what was
done and how it went over a period (by default the last four months), per person
DE-IDENTIFIED: Person 1…N in the order they were chosen, an age band and gender, the days on
the list within the period, the kind of legal ground, the measures by agency with their status
and the coded end reason. No name, no identity number and no free text (the reasons, the
measures' words and comments may name people). So its readers are wider than the list's
(``access.reads_programme_evaluation``) and reading it is no read of people."""

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sspf_flow.models import AgeBand

from .models import Top5Measure, Top5MeasureStatus

MONTHS = 4


def months_before(day, months):
    """The same day ``months`` earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def period_start(given, today):
    """The period's first day: ``?from=YYYY-MM-DD`` when it is a day not after today, else
    four months before today."""
    try:
        day = parse_date(given or "")
    except ValueError:
        day = None
    if day is None or day > today:
        return months_before(today, MONTHS)
    return day


def age_band(age):
    if age < 12:
        return AgeBand.UNDER_12.label
    if age < 15:
        return AgeBand.FROM_12.label
    if age < 18:
        return AgeBand.FROM_15.label
    return AgeBand.ADULT.label


def _person(number, entry, since, today):
    """One person's row; their days on the list are those within the period."""
    ended = entry.ended_on if entry.ended_on and entry.ended_on <= today else None
    listed = max(timezone.localdate(entry.added_at), since)
    measures = [
        {"agency": m.agency.name, "status": m.get_status_display()} for m in entry.measures.all()
    ]
    return {
        "label": _("Person %(number)d") % {"number": number},
        "age_band": age_band(entry.youth.age_on(today)),
        "gender": entry.youth.get_gender_display(),
        "days": max(((ended or today) - listed).days, 0),
        "ground": entry.get_legal_ground_display(),
        "measures": measures,
        "end_reason": entry.get_end_reason_display() if ended else "",
    }


def evaluation(group, since, today):
    """The figures of ``group``'s Top 5 from ``since`` to ``today``: {"since", "today",
    "persons": [...], "totals": {...}}. A constant number of queries."""
    entries = (
        group.top5entry_entries.filter(selection__held_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .select_related("youth")
        .prefetch_related(
            Prefetch("measures", queryset=Top5Measure.objects.select_related("agency"))
        )
        .order_by("added_at", "pk")
    )
    persons = [_person(number, entry, since, today) for number, entry in enumerate(entries, 1)]
    statuses = [m.status for entry in entries for m in entry.measures.all()]
    return {
        "since": since,
        "today": today,
        "persons": persons,
        "totals": {
            "selections": group.top5_selections.filter(
                held_on__gte=since, held_on__lte=today
            ).count(),
            "persons": len(persons),
            "ended": sum(1 for person in persons if person["end_reason"]),
            "measures": len(statuses),
            "done": statuses.count(Top5MeasureStatus.DONE),
            "not_done": statuses.count(Top5MeasureStatus.NOT_DONE),
        },
    }
