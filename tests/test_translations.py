"""The Swedish catalogue: complete, placeholders intact, compiled by ``compilepo`` and in step with
the code (a UI string added without a Swedish translation fails here)."""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from sspf_flow.models import Status

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "sv",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
    "--ignore=bench",
    "--no-obsolete",
    "-e",
    "html,txt,py",
]
BRACE = re.compile(r"\{(\w*)\}")
NAMED = re.compile(r"%\((\w+)\)[sdifr]")
POSITIONAL = re.compile(r"%(?!\()[-+#0]*\d*(?:\.\d+)?[sdifr]")


def catalogue():
    return polib.pofile(str(PO_PATH))


def key(entry):
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def placeholders(text):
    text = text.replace("%%", "")
    return set(BRACE.findall(text)), set(NAMED.findall(text)), len(POSITIONAL.findall(text))


def translations(entry):
    """(source, translation) pairs: one for a plain entry, one per form for a plural entry."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def test_every_message_is_translated_and_not_fuzzy():
    po = catalogue()
    untranslated = [key(e) for e in po if not e.obsolete and not e.translated()]
    fuzzy = [key(e) for e in po if "fuzzy" in e.flags]
    assert not untranslated, f"Untranslated in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"Fuzzy in {PO_PATH.name}: {fuzzy}"
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "sv"
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")


def test_placeholders_survive_translation():
    mismatched = [
        f"{source!r} -> {text!r}"
        for entry in catalogue()
        for source, text in translations(entry)
        if text and placeholders(source) != placeholders(text)
    ]
    assert not mismatched, "Placeholders differ:\n" + "\n".join(mismatched)


@pytest.fixture
def compiled_locale(tmp_path):
    """The catalogue compiled by ``compilepo`` into a copy of locale/, and Django reading it."""
    locale = tmp_path / "locale"
    shutil.copytree(BASE_DIR / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    # Changing LOCALE_PATHS also empties Django's cache of loaded catalogues.
    with override_settings(LOCALE_PATHS=[locale]):
        output = io.StringIO()
        call_command("compilepo", stdout=output)
        assert "Compiled" in output.getvalue()
        yield locale


def test_compilepo_writes_a_mo_file_per_catalogue(compiled_locale):
    assert (compiled_locale / "sv" / "LC_MESSAGES" / "django.mo").is_file()


def test_compilepo_refuses_a_broken_catalogue(tmp_path):
    broken = tmp_path / "xx" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "django.po").write_text('msgid "Case"\nmsgstr "Ärende"\nnot a po line\n')
    with (
        override_settings(LOCALE_PATHS=[tmp_path]),
        pytest.raises(CommandError, match="cannot be parsed"),
    ):
        call_command("compilepo", stdout=io.StringIO())


def test_the_ui_speaks_swedish(compiled_locale):
    with translation.override("sv"):
        assert translation.gettext("Awaiting consent") == "Inväntar samtycke"
        assert str(Status.AWAITING_CONSENT.label) == "Inväntar samtycke"
        assert str(Status.CLOSED.label) == "Avslutat"
        assert str(Status.MEETING_PLANNED.label) == "Möte planerat"
        assert translation.gettext("Action plan") == "Åtgärdsplan"
        rendered = Template("{% load i18n %}{% trans 'Case' %} – {% trans 'Inbox' %}").render(
            Context()
        )
        assert rendered == "Ärende – Inkorg"


def test_viewflow_strings_come_out_in_swedish(compiled_locale):
    with translation.override("sv"):
        assert translation.gettext("Queue") == "Kö"
        assert translation.pgettext("STATUS", "Done") == "Slutförd"
        message = translation.gettext("Task {task} has been assigned.").format(task="#7")
        assert message == "Uppgiften #7 har tilldelats dig."


def test_english_stays_available(compiled_locale):
    with translation.override("en"):
        assert str(Status.AWAITING_CONSENT.label) == "Awaiting consent"


def test_no_ui_string_is_missing_from_the_catalogue(tmp_path):
    """makemessages over a copy of the tree must find no msgid the committed catalogue lacks."""
    if shutil.which("xgettext") is None:
        reason = "xgettext (GNU gettext) is not installed; cannot run makemessages"
        if os.environ.get("SSPF_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    copy = tmp_path / "tree"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "bench", "__pycache__", "*.mo", ".*_cache", "*.pyc"
        ),
    )
    env = {**os.environ, "SSPF_VAR_DIR": str(tmp_path / "var")}
    run = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    committed = {(e.msgctxt, e.msgid) for e in catalogue()}
    regenerated = polib.pofile(str(copy / PO_PATH.relative_to(BASE_DIR)))
    missing = [
        f"{key(e)}  ({', '.join(f'{path}:{line}' for path, line in e.occurrences)})"
        for e in regenerated
        if (e.msgctxt, e.msgid) not in committed
    ]
    assert not missing, (
        "UI strings missing from locale/sv/LC_MESSAGES/django.po; run `make messages` and "
        "translate them:\n" + "\n".join(missing)
    )
