"""Run the deadline ladder now, or as if it were a later moment (to try the reminders in the
demo: ``manage.py run_ladder --as-of "2027-01-10 08:00"``). Beat runs the same sweep every few
minutes; running it twice sends nothing twice."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import deadlines, digest, outbox


class Command(BaseCommand):
    help = "Send the reminders and escalations that are due (optionally as of a later time)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help='local time "YYYY-MM-DD HH:MM" (default: now)')

    def handle(self, *args, as_of=None, **options):
        now = timezone.now()
        if as_of:
            try:
                now = timezone.make_aware(datetime.strptime(as_of, "%Y-%m-%d %H:%M"))
            except ValueError as exc:
                raise CommandError('Give --as-of as "YYYY-MM-DD HH:MM"') from exc
        steps = deadlines.sweep(now=now)
        summaries = digest.send_digests(now=now)
        requeued, dispatched = outbox.sweep()
        self.stdout.write(
            f"{steps} reminder or escalation steps, {summaries} daily summaries; "
            f"{dispatched} e-mails handed to the workers ({requeued} re-queued)"
        )
