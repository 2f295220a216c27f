"""``briefing-builder list --strength``: findings by their source's Maryland level."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SOURCES_YAML, write_library
from tests.test_cli import no_traceback, run

RATED = SOURCES_YAML.replace(
    "    text: texts/alpha.txt\n",
    "    text: texts/alpha.txt\n    evidence-strength: {design: Matched comparison, maryland: 3}\n",
)


def test_list_by_strength(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"sources.yaml": RATED})
    proc = run("list", "--library", root, "--strength", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [d["id"] for d in json.loads(proc.stdout)] == ["alpha-001", "alpha-002", "alpha-003"]
    proc = run("list", "--library", root, "--strength", "none", "--kind", "recommendation")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[0].startswith("beta-002  [recommendation]")
    assert proc.stdout.strip().endswith(
        "1 of 5 findings — Findings of kind recommendation, with evidence not rated"
    )
    proc = run("list", "--library", root, "--strength", "5", "--strength", "3")
    assert proc.stdout.strip().endswith(
        "3 of 5 findings — Findings with evidence at Maryland level 5 or 3"
    )


def test_a_level_off_the_scale_is_refused_plainly(small_library: Path) -> None:
    proc = run("list", "--library", small_library, "--strength", "6")
    assert proc.returncode == 2
    assert "--strength: invalid choice: '6'" in proc.stderr
    no_traceback(proc)
