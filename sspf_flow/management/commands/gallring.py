"""Gallring by hand: ``manage.py gallring [--dry-run] [--today YYYY-MM-DD]``. Prints what went
(or, dry, what would go) per municipality, kind of record and action, and what a legal hold
kept — counts only — and records the run like the daily job does."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sspf_flow import retention
from sspf_flow.models import RecordType, RetentionAction, Trigger


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date, YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Run gallring by the municipalities' rules (or with --dry-run only count it)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")
        parser.add_argument("--today", type=_day, help="the day to run for (default: today)")

    def handle(self, *args, dry_run=False, today=None, **options):
        today = today or timezone.localdate()
        run = retention.run(today, dry_run=dry_run, trigger=Trigger.COMMAND)
        self.stdout.write(
            f"Gallring {today}: {'dry run, nothing removed' if dry_run else 'carried out'}"
        )
        if not run.counts:
            self.stdout.write("No retention rule is set: nothing is removed.")
        for row in run.counts:
            self.stdout.write(
                f"  {row['municipality']}: {RecordType(row['record_type']).label}, "
                f"{row['years']} years, {RetentionAction(row['action']).label}: "
                f"{row['count']}; kept because of a hold: {row['held']}"
            )
        if not dry_run:
            self.stdout.write(f"  young people kept: {run.youth_kept}; failed: {run.failed}")
