"""``bin/screenshots`` renders each role's main pages from a running demo, as the README says:
here against the test server with the demo loaded, into a temporary directory."""

import runpy
from pathlib import Path

from django.core.management import call_command

from tests.browser import CHROMIUM, require

require(CHROMIUM, "Chromium")

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "screenshots"


def test_the_script_renders_every_roles_pages(live_server, settings, tmp_path):
    settings.SSPF_DEMO = True
    call_command("load_demo")
    script = runpy.run_path(str(SCRIPT), run_name="screenshots")
    written = script["main"](live_server.url, tmp_path)
    expected = sum(len(pages) for _user, _role, pages in script["WALKS"])
    assert len(written) == expected and {path.parent for path in written} == {tmp_path}
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
