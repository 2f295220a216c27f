"""axe-core, the accessibility rules engine, run over the web page export in a real browser.

It needs Chromium and a copy of axe-core, which is not bundled: fetch it once with
``npm install axe-core@4`` (in any folder) and point ``AXE_CORE_JS`` at its ``axe.min.js``::

    AXE_CORE_JS=node_modules/axe-core/axe.min.js QT_QPA_PLATFORM=offscreen \\
        .venv/bin/python -m pytest tests/export/test_html_axe.py

Without either, the test is skipped and says why.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.model import Library
from briefing_builder.export import ExportOptions, export_to_file
from tests.export.conftest import EXAMPLE, write_hostile

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUNNER = """<script>%s</script><script>
axe.run(document, {runOnly: {type: "tag", values: %s}}).then(function (r) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify({
    passes: r.passes.length,
    violations: r.violations.map(function (v) {
      return {id: v.id, help: v.help, nodes: v.nodes.map(function (n) { return n.target; })};
    })
  });
  document.body.appendChild(out);
});
</script>"""


def _axe(page: Path, axe_js: str, browser: str, tmp: Path) -> dict[str, object]:
    """axe's result for ``page``: the page with axe added, loaded and its DOM read back."""
    probe = tmp / f"{page.stem}-axe.html"
    runner = RUNNER % (axe_js, json.dumps(RULES))
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", runner + "</body>"))
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp / 'profile'}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', proc.stdout, re.S)
    assert found is not None, proc.stderr[-2000:]
    result: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return result


@pytest.mark.parametrize(
    ("name", "style", "annex"),
    [
        ("partnership-working", "harvard", True),
        ("partnership-working", "numbered-notes", True),
        ("hostile", "harvard", False),
        ("committee-paper", "harvard", True),
    ],
)
def test_axe_finds_no_violations(
    bundled: Library, tmp_path: Path, name: str, style: str, annex: bool
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed (Debian package: chromium)")
    axe_path = os.environ.get("AXE_CORE_JS")
    if not axe_path or not Path(axe_path).is_file():
        pytest.skip("set AXE_CORE_JS to axe-core's axe.min.js (npm install axe-core@4)")
    if name == "hostile":
        briefing = read_briefing(write_hostile(tmp_path))
    else:
        briefing = read_briefing(EXAMPLE.with_name(f"{name}.briefing.yaml"))
    page = tmp_path / f"{name}-{style}.html"
    export_to_file(
        briefing, bundled, page, ExportOptions(style=style, include_evidence_table=annex)
    )
    result = _axe(page, Path(axe_path).read_text(encoding="utf-8"), browser, tmp_path)
    assert result["violations"] == []
    assert isinstance(result["passes"], int) and result["passes"] > 20
