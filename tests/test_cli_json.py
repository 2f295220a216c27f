"""`list --json` writes the same text however the library was opened and however it is chunked."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from briefing_builder import cli
from briefing_builder.core.cache import open_library
from briefing_builder.core.library_columns import FindingTable
from briefing_builder.core.model import Finding, Library
from briefing_builder.core.paths import bundled_library


def expected(findings: list[Finding], lib: Library) -> str:
    """The array as ``json.dumps`` writes each finding, one a line: worked out finding by finding."""
    lines = []
    for f in findings:
        src = lib.source(f.source)
        record = {
            "id": f.id,
            "source": f.source,
            "source_title": src.title if src else None,
            "kind": f.kind,
            "text": f.text,
            "speaker": f.speaker,
            "themes": list(f.themes),
            "places": list(f.places),
            "locator": {
                "label": f.locator.label,
                "value": f.locator.value,
                "title": f.locator.title,
            },
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


@pytest.mark.parametrize("chunk", [cli.JSON_CHUNK, 7, 1])
def test_json_is_the_same_from_the_files_and_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(cli, "JSON_CHUNK", chunk)
    fresh = open_library(bundled_library(), cache_dir=tmp_path)
    cached = open_library(bundled_library(), cache_dir=tmp_path)
    assert not fresh.from_cache and cached.from_cache
    assert isinstance(cached.library.findings, FindingTable)  # read from the columns
    findings = list(fresh.library.findings)
    assert any(f.speaker for f in findings) and any(f.locator.title for f in findings)
    assert any(not s.isascii() for f in findings for s in (f.text, f.speaker or ""))
    rows = [i for i in range(len(findings)) if i % 3 != 1][::-1]  # any order, any subset
    want = expected([findings[i] for i in rows], fresh.library)
    for opened in (fresh, cached):
        out = io.StringIO()
        cli._write_json(rows, opened.library, out)
        assert out.getvalue() == want
        assert [d["id"] for d in json.loads(out.getvalue())] == [findings[i].id for i in rows]
    out = io.StringIO()
    cli._write_json([], cached.library, out)
    assert out.getvalue() == "[]\n"
