"""One front door for YAML: every value PyYAML cannot construct, every forbidden character and
every alias in a briefing becomes FILE:LINE: message, through the loader, the briefing reader, the
command line and the window alike."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_builder.core.briefing_io import BriefingError, read_briefing
from briefing_builder.core.loader import load_library
from briefing_builder.core.yamlio import YamlProblem, load_yaml_text
from tests.conftest import SOURCES_YAML, write_library

# (the bad line, what the message must say); each bad value sits on line 3.
BAD_VALUES = [
    ("issued: 2015-02-29", "is not a real date"),
    ("date: 2026-02-30", "is not a real date"),
    ("date: 2026-11-23 25:00:00", "is not a real date"),
    ("value: !!int x", "cannot be read as a whole number"),
    ("value: !!float abc", "cannot be read as a number"),
    ("value: !!bool maybe", "cannot be read as true or false"),
    ("value: !!timestamp junk", "is not a real date"),
    ("value: !!binary '%%%'", "!!binary is not used"),
    ("value: !!set {a}", "!!set is not used"),
    ("value: !!map x", "!!map must tag a mapping"),
    ("value: !!seq x", "!!seq must tag a list"),
    ("value: !foo x", "!foo is not used"),
    ("value: !!python/object:os.system x", "is not used"),
    ("value: !!int 0b2", "cannot be read as a whole number"),
]


@pytest.mark.parametrize(("line", "expected"), BAD_VALUES)
def test_values_that_cannot_be_constructed_name_their_line(line: str, expected: str) -> None:
    with pytest.raises(YamlProblem) as info:
        load_yaml_text(f"a: 1\nb: 2\n{line}\nc: 3\n")
    assert info.value.line == 3
    assert expected in info.value.message


def test_an_unclosed_quote_is_reported_where_it_opens() -> None:
    text = "a: 1\ntitle: 'Partners said\nb: 2\nc: 3\nd: 4\n"
    with pytest.raises(YamlProblem) as info:
        load_yaml_text(text)
    assert info.value.line == 2
    assert "never closed" in info.value.message


def test_a_nul_byte_is_reported_with_its_line() -> None:
    with pytest.raises(YamlProblem) as info:
        load_yaml_text("a: 1\nb: 2\nc: x\0y\n")
    assert info.value.line == 3
    assert "U+0000" in info.value.message


@pytest.mark.parametrize(("line", "expected"), BAD_VALUES[:7])
def test_the_library_loader_reports_them_as_problems(
    tmp_path: Path, line: str, expected: str
) -> None:
    value = line.partition(": ")[2]
    sources = SOURCES_YAML.replace("    short: Smith 2020\n", f"    note: {value}\n")
    lib = load_library(write_library(tmp_path / "lib", {"sources.yaml": sources}))
    problems = [str(p) for p in lib.problems]
    assert any("sources.yaml:7:" in p and expected in p for p in problems), problems


def briefing_with(line: str) -> str:
    return f"briefing: 1\ntitle: T\n{line}\nsections:\n  - heading: One\n"


@pytest.mark.parametrize(("line", "expected"), BAD_VALUES)
def test_the_briefing_reader_reports_them(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(briefing_with(line), encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        read_briefing(path)
    assert f"{path}:3:" in str(info.value) and expected in str(info.value)


BOMB = """\
briefing: 1
title: Bomb
sources:
  a: &a {x: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
  b: &b {x: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]}
  c: &c {x: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]}
  d: &d {x: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]}
  e: &e {x: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}
sections: []
"""


def test_a_briefing_may_not_use_aliases_so_it_cannot_expand(tmp_path: Path) -> None:
    path = tmp_path / "bomb.briefing.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(BriefingError) as info:
        read_briefing(path)
    assert time.monotonic() - started < 10  # a bound against hanging, not a speed target
    assert f"{path}:4: this file may not use YAML aliases" in str(info.value)


def test_a_fifo_in_place_of_a_briefing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pipe.briefing.yaml"
    os.mkfifo(path)
    with pytest.raises(BriefingError, match="named pipe"):
        read_briefing(path)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_builder", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("line", ["date: 2026-02-30", "value: !!bool maybe", "value: !!int x"])
def test_export_names_the_line_without_a_traceback(tmp_path: Path, line: str) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(briefing_with(line), encoding="utf-8")
    proc = run_cli("export", path, "-o", tmp_path / "out.pdf")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{path}:3:" in proc.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_export_of_an_alias_bomb_ends_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "bomb.briefing.yaml"
    path.write_text(BOMB, encoding="utf-8")
    proc = run_cli("export", path, "-o", tmp_path / "out.docx")
    assert proc.returncode == 1 and "aliases" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_names_a_bad_date_in_sources(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("    short: Smith 2020\n", "    note: 2015-02-29\n")
    root = write_library(tmp_path / "lib", {"sources.yaml": sources})
    proc = run_cli("check", "--library", root, "--no-cache")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{root / 'sources.yaml'}:7: '2015-02-29' is not a real date" in proc.stdout


def test_export_of_a_fifo_or_a_folder_says_what_it_is(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.briefing.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.briefing.yaml"
    folder.mkdir()
    for path, expected in ((fifo, "named pipe"), (folder, "found a folder")):
        proc = run_cli("export", path, "-o", tmp_path / "out.pdf")
        assert proc.returncode == 1 and expected in proc.stderr
        assert "Traceback" not in proc.stderr


DIRECT_CASES = [
    # Plain text in mappings and lists: the direct walk.
    "- id: a-1\n  text: >-\n    Folded\n    text\n  themes: [x, y]\n  locator: {label: page, value: 3.10}\n"
    "- id: a-2\n  id: again\n  note: null\n  ok: true\n  when: 2020-01-02\n  n: 007\n",
    # Left to the general construction: an alias, a number as a key, a merge key, a tagged map.
    "base: &b {x: 1}\nfirst: *b\nsecond: *b\n",
    "words: &w hello\nagain: *w\n",
    "2020: a year\nname: x\n",
    "list:\n  - &item [1, 2]\n  - *item\n",
]


@pytest.mark.parametrize("text", DIRECT_CASES)
def test_the_direct_walk_reads_what_the_general_construction_reads(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_builder.core import yamlio

    direct = load_yaml_text(text, numbers_as_written=True)
    monkeypatch.setattr(yamlio._Loader, "construct_document", yamlio._BaseLoader.construct_document)
    general = load_yaml_text(text, numbers_as_written=True)

    def same(a: object, b: object) -> None:
        assert type(a) is type(b)
        if isinstance(a, dict):
            assert isinstance(b, dict) and list(a) == list(b)
            assert (a.line, a.key_lines, a.duplicates) == (b.line, b.key_lines, b.duplicates)  # type: ignore[attr-defined]
            for k in a:
                same(a[k], b[k])
        elif isinstance(a, list):
            assert isinstance(b, list) and len(a) == len(b)
            assert (a.line, a.item_lines) == (b.line, b.item_lines)  # type: ignore[attr-defined]
            for x, y in zip(a, b, strict=True):
                same(x, y)
        else:
            assert a == b and getattr(a, "written", None) == getattr(b, "written", None)

    same(direct, general)


def test_aliases_stay_shared_references() -> None:
    data = load_yaml_text("base: &b {x: [1, 2]}\nfirst: *b\nsecond: *b\n")
    assert data["first"] is data["base"] is data["second"]
    with pytest.raises(YamlProblem) as info:
        load_yaml_text("base: &b {x: 1}\nfirst: *b\n", allow_aliases=False)
    assert info.value.line == 1 and "aliases" in info.value.message
