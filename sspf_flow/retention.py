"""Gallring: what the municipality's rules say is due, and the run that carries it out.

``due(today)`` lists, per rule, what would go today and what a legal hold keeps; ``run`` carries
it out (or, dry, only counts it) and records the run as counts; ``daily`` is the beat's work:
once a day, after ``SSPF_GALLRING_HOUR``, claimed by a unique row so two beats do one run.

When a municipality has set no rule for a kind of record, nothing of that kind is ever removed.
A closed case's clock is its closure: a case closed N years and one day ago is due, one closed
exactly N years ago is due tomorrow; a reopened case is open and never due. A case under a legal
hold in force is never de-identified or deleted, nor are its access-log rows. Consultations go
N years after their date, access-log rows N years after their time (the log rows of a deleted
case go with it). What happens to one case is ``sspf_flow.erasure``.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import erasure
from .models import (
    AccessLog,
    Case,
    Consultation,
    LegalHold,
    RecordType,
    RetentionAction,
    RetentionRule,
    RetentionRun,
    Status,
    Trigger,
)

logger = logging.getLogger(__name__)


def _now():
    return timezone.now()


def cutoff(today, years):
    """The day ``years`` before ``today`` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _hold_in_force(case_ref):
    return Exists(LegalHold.objects.filter(case=case_ref, lifted_at__isnull=True))


@dataclass
class Due:
    """What one rule removes today (``rows``) and what a legal hold keeps (``held``, for cases
    and the access log; None for consultations, which are never held)."""

    rule: RetentionRule
    before: datetime.date  # records older than this day go
    rows: QuerySet
    held: QuerySet | None

    @property
    def action(self):
        return (
            self.rule.action if self.rule.record_type == RecordType.CASE else RetentionAction.PURGE
        )

    def summary(self, count=None):
        """The counts of this rule, as a run records them: no case, no name."""
        return {
            "municipality": self.rule.municipality.name,
            "record_type": self.rule.record_type,
            "action": self.action,
            "years": self.rule.years,
            "count": self.rows.count() if count is None else count,
            "held": self.held.count() if self.held is not None else 0,
        }


def _cases(rule, before):
    closed = Case.objects.filter(
        municipality=rule.municipality_id,
        status=Status.CLOSED,
        closed_at__lt=_start_of(before),
    )
    if rule.action == RetentionAction.DEIDENTIFY:
        closed = closed.filter(deidentified_at__isnull=True)
    held = _hold_in_force(OuterRef("pk"))
    return closed.filter(~held), closed.filter(held)


def _access_log(rule, before):
    municipality = rule.municipality_id
    rows = AccessLog.objects.filter(at__lt=_start_of(before)).filter(
        Q(case__municipality=municipality)
        | Q(case__isnull=True, youth__municipality=municipality)
        | Q(case__isnull=True, youth__isnull=True, agency__municipality=municipality)
    )
    held = _hold_in_force(OuterRef("case"))
    return rows.filter(~held), rows.filter(held)


def _consultations(rule, before):
    return Consultation.objects.filter(municipality=rule.municipality_id, asked_on__lt=before), None


_FINDERS = {
    RecordType.CASE: _cases,
    RecordType.ACCESS_LOG: _access_log,
    RecordType.CONSULTATION: _consultations,
}


def rules():
    return RetentionRule.objects.select_related("municipality").order_by(
        "municipality__name", "record_type"
    )


def due(today):
    """What goes today under each rule set, in the order municipality, kind of record."""
    found = []
    for rule in rules():
        before = cutoff(today, rule.years)
        rows, held = _FINDERS[rule.record_type](rule, before)
        found.append(Due(rule=rule, before=before, rows=rows, held=held))
    return found


def run(today, dry_run=False, by=None, trigger=Trigger.USER, claimed=None):
    """Carry out (or with ``dry_run`` only count) what is due ``today``; record the run.
    ``claimed``: the run row the daily job already holds for the day. Returns the run."""
    record = claimed or RetentionRun.objects.create(
        day=today, dry_run=dry_run, trigger=trigger, user=by, started_at=_now()
    )
    counts = []
    for item in due(today):
        if dry_run:
            counts.append(item.summary())
            continue
        done, kept, failed = _carry_out(item)
        counts.append(item.summary(count=done))
        record.youth_kept += kept
        record.failed += failed
    record.counts = counts
    record.finished_at = _now()
    record.save(update_fields=["counts", "finished_at", "youth_kept", "failed"])
    return record


def _carry_out(item):
    """(records removed or de-identified, young people kept, cases that failed)."""
    if item.rule.record_type == RecordType.CONSULTATION:
        return item.rows.delete()[1].get(Consultation._meta.label, 0), 0, 0
    if item.rule.record_type == RecordType.ACCESS_LOG:
        return item.rows.gallra(), 0, 0
    done = kept = failed = 0
    for pk in list(item.rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                # locked, and asked again: a hold placed or a reopening meanwhile wins
                case = item.rows.select_for_update().filter(pk=pk).first()
                if case is None:
                    continue
                if item.action == RetentionAction.DEIDENTIFY:
                    youth_gone = erasure.deidentify_case(case, _now())
                else:
                    youth_gone = erasure.purge_case(case)
        except Exception:
            logger.exception("gallring: case id %s could not be handled", pk)
            failed += 1
            continue
        done += 1
        kept += not youth_gone
    return done, kept, failed


def daily():
    """The beat's work, safe to call every minute: once the local hour has reached
    ``SSPF_GALLRING_HOUR``, the day's run is claimed by a row only one caller can write, and
    carried out. Returns the run, or None when it is not time or the day's run exists."""
    now = timezone.localtime(_now())
    if now.hour < settings.GALLRING_HOUR:
        return None
    today = now.date()
    if RetentionRun.objects.filter(day=today, trigger=Trigger.BEAT, dry_run=False).exists():
        return None
    try:
        with transaction.atomic():
            claimed = RetentionRun.objects.create(
                day=today, dry_run=False, trigger=Trigger.BEAT, started_at=now
            )
    except IntegrityError:
        return None  # another beat claimed the day first
    return run(today, claimed=claimed)
