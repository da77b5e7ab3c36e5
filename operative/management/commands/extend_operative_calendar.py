from django.core.management.base import BaseCommand

from operative import services


class Command(BaseCommand):
    help = "Make the operative groups' meetings up to the horizon (the beat does it daily)."

    def handle(self, *args, **options):
        made = services.extend_series()
        self.stdout.write(f"{made} meetings made.")
