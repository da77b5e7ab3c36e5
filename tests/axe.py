"""axe-core in Chromium (WCAG 2.1 AA): the accessibility tests' checker. axe-core comes from
the npm registry (``.ci/run`` installs it and sets ``AXE_JS``)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

AXE_JS = os.environ.get("AXE_JS") or str(
    Path(__file__).resolve().parent.parent / "var/axe/node_modules/axe-core/axe.min.js"
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


def audit(page, url):
    """Open ``url`` and run axe on it; the serious and critical violations, one line per rule
    and element."""
    page.goto(url)
    # evaluated through the DevTools protocol: a <script> tag with axe inline would be refused
    # by the Content-Security-Policy (issue 15), as any inline script is
    page.evaluate(Path(AXE_JS).read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    path = urlsplit(page.url).path  # where the page landed
    return [
        f"{path} [{violation['impact']}] {violation['id']}: {' '.join(node['target'])}"
        f"\n    {node['failureSummary'].replace(chr(10), ' ')}\n    {node['html'][:200]}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def assert_accessible(page, base_url, urls):
    found = [line for url in urls for line in audit(page, base_url + url)]
    assert not found, "axe (WCAG 2.1 AA) found serious or critical violations:\n" + "\n".join(found)
