"""Create or correct the deadline rows of every open case (once after upgrading to the version
that introduced them; safe to run again)."""

from django.core.management.base import BaseCommand

from notifications import deadlines
from sspf_flow.models import Case, Status


class Command(BaseCommand):
    help = "Bring the deadline ladder's rows in step with every open case."

    def handle(self, *args, **options):
        count = 0
        for case in Case.objects.exclude(status=Status.CLOSED).select_related("municipality"):
            deadlines.sync(case)
            count += 1
        self.stdout.write(f"{count} open cases synchronised")
