"""Compile the project's translations (.po) into the .mo files Django reads, without GNU gettext.

``compilemessages`` needs ``msgfmt``; a fresh server or container often lacks it. polib is pure
Python, so ``manage.py compilepo`` works wherever the project is installed. The .mo files are not
kept in git; installing the project runs this command.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogs(locale_paths):
    """Every ``<locale>/LC_MESSAGES/<domain>.po`` under the given locale directories."""
    for locale_path in locale_paths:
        yield from sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile every .po file under settings.LOCALE_PATHS into a .mo file (pure Python)."

    def handle(self, *args, **options):
        compiled = 0
        for po_path in catalogs(settings.LOCALE_PATHS):
            mo_path = po_path.with_suffix(".mo")
            try:
                catalog = polib.pofile(str(po_path))
            except (OSError, ValueError) as exc:
                # polib reports a syntax error as OSError; a bad encoding as UnicodeDecodeError.
                raise CommandError(f"{po_path} cannot be parsed: {exc}") from exc
            # Write beside the target and rename, so a running server never reads half a file.
            partial = mo_path.with_suffix(".mo.tmp")
            catalog.save_as_mofile(str(partial))
            partial.replace(mo_path)
            compiled += 1
            self.stdout.write(
                f"Compiled {po_path} -> {mo_path.name} "
                f"({len(catalog.translated_entries())} of {len(catalog)} messages translated)"
            )
        if not compiled:
            self.stdout.write("No .po files found under LOCALE_PATHS.")
