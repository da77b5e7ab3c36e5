"""``manage.py verify_access_log``: walk the access log's hash chain (PostgreSQL) and print OK
with the number of rows, or the first row that does not hold and exit 1."""

from django.core.management.base import BaseCommand, CommandError

from sspf_flow import logchain


class Command(BaseCommand):
    help = (
        "Verify the access log's hash chain: prints OK and the number of rows, or names the "
        "first broken row (content changed, link broken, no hash) and exits with status 1."
    )

    def handle(self, *args, **options):
        if not logchain.kept():
            self.stdout.write(
                "This database (SQLite) keeps no hash chain: the access log's chain and its "
                "protection are PostgreSQL's. Nothing to verify."
            )
            return
        verdict = logchain.verify()
        if verdict.ok:
            self.stdout.write(
                f"OK: {verdict.rows} rows of the access log verified; "
                f"the chain ends in {verdict.last_hash or '(empty)'}"
            )
            return
        raise CommandError(
            f"The access log's chain is broken after {verdict.rows} good rows, at "
            f"{verdict.problem}",
            returncode=1,
        )
