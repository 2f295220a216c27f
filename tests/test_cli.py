"""The command line end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import (
    BETA_FINDINGS_YAML,
    BETA_TEXT,
    FINDINGS_YAML,
    SOURCES_YAML,
    write_library,
)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "briefing_builder", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr


def test_check_bundled_library_is_clean() -> None:
    proc = run("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    # The one warning: the online Scottish Government report has no recorded access date.
    assert lines[-1] == "1 problem found (0 errors, 1 warning)."
    assert lines[0].endswith(
        "sources.yaml:4: warning: source 'scotgov-y4' has a URL but no "
        "'accessed:' date (when it was viewed, e.g. accessed: "
        "{date-parts: [[2025, 3, 3]]}); references cite it without one"
    )
    assert lines[-2].startswith("Police partnership working: 5 sources, ")
    found = int(lines[-2].split(", ")[1].split()[0])
    assert found >= 150
    assert f"{found} of {found} quotes verified word for word" in lines[-2]


def test_check_reports_file_line_message_and_exit_1(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("kind: example", "kind: anecdote").replace(
        "themes: [trust]", "themes: [nope]"
    )
    root = write_library(tmp_path / "lib", {"findings/alpha.yaml": bad})
    proc = run("check", "--library", root, cwd=tmp_path)
    assert proc.returncode == 1
    no_traceback(proc)
    path = root / "findings" / "alpha.yaml"
    assert f"{path}:6: theme 'nope' of finding 'alpha-001' is not in library.yaml" in proc.stdout
    assert f"{path}:18: kind 'anecdote' of finding 'alpha-003' should be one of" in proc.stdout
    assert "2 problems found (2 errors, 0 warnings)." in proc.stdout
    assert "3 findings" in proc.stdout  # the good ones still load


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"findings/alpha.yaml": "- id: [unclosed\n"}, "alpha.yaml:2: this is not valid YAML"),
        (
            {"findings/alpha.yaml": "- 42\n- just text\n"},
            "alpha.yaml:2: each finding should be a mapping",
        ),
        ({"sources.yaml": None}, "sources.yaml: file not found"),
        (
            {"sources.yaml": SOURCES_YAML.replace("texts/alpha.txt", "../../etc/passwd")},
            "sources.yaml:8: 'text' of source 'alpha' points outside the library folder",
        ),
        (
            {
                "sources.yaml": "references:\n  - &a [x, x, x, x, x, x, x, x]\n"
                + "".join(
                    f"  - &a{i} [{', '.join([f'*a{i - 1}' if i else '*a'] * 8)}]\n"
                    for i in range(14)
                )
                + "  - id: alpha\n    type: report\n    title: T\n    note: *a13\n    author: *a13\n",
            },
            "sources.yaml:2: each source should be a mapping, not a list",
        ),
    ],
    ids=["malformed-yaml", "wrong-types", "missing-file", "path-outside", "alias-bomb"],
)
def test_check_never_shows_a_traceback(
    tmp_path: Path, files: dict[str, str | None], expected: str
) -> None:
    root = write_library(tmp_path / "lib", files)
    proc = run("check", "--library", root)
    assert proc.returncode == 1
    no_traceback(proc)
    assert expected in proc.stdout


def test_check_empty_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = run("check", "--library", tmp_path / "empty")
    assert proc.returncode == 1
    no_traceback(proc)
    assert f"{tmp_path / 'empty' / 'library.yaml'}: file not found" in proc.stdout
    proc = run("--library", tmp_path / "nowhere", "check")
    assert proc.returncode == 1
    assert f"{tmp_path / 'nowhere'}: library folder not found" in proc.stdout


def test_list_json(small_library: Path) -> None:
    proc = run("list", "--library", small_library, "--theme", "data", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["id"] for d in data] == ["alpha-002", "alpha-003", "beta-002"]
    first = data[0]
    assert first["source"] == "alpha"
    assert first["kind"] == "quote"
    assert first["text"] == "Shared office ≠ shared culture!"
    assert first["themes"] == ["trust", "data"]
    assert first["locator"] == {"label": "page", "value": "4", "title": None}


def test_list_filters_combine(small_library: Path) -> None:
    proc = run(
        "list",
        "--library",
        small_library,
        "--source",
        "alpha",
        "--kind",
        "example",
        "--place",
        "Scotland",
        "--search",
        "health",
        "--json",
    )
    assert [d["id"] for d in json.loads(proc.stdout)] == ["alpha-003"]
    proc = run(
        "list",
        "--library",
        small_library,
        "--theme",
        "data",
        "--theme",
        "money",
        "--all-themes",
        "--json",
    )
    assert [d["id"] for d in json.loads(proc.stdout)] == ["beta-002"]


def test_list_text_output_and_unknown_theme(small_library: Path) -> None:
    proc = run("list", "--library", small_library, "--search", "maori")
    assert proc.returncode == 0
    assert "alpha-001  [key-finding]  Smith 2020, section 1 (Introduction)" in proc.stdout
    assert proc.stdout.strip().endswith("1 of 5 findings — Findings matching “maori”")
    proc = run("list", "--library", small_library, "--theme", "nope")
    assert proc.returncode == 2
    assert "not in this library: theme 'nope'" in proc.stderr
    no_traceback(proc)


def test_list_bundled_library_by_theme_and_search() -> None:
    proc = run("list", "--theme", "co-location", "--search", '"shared culture"', "--json")
    data = json.loads(proc.stdout)
    assert [d["id"] for d in data] == ["npia-2009-010"]
    assert "≠" in data[0]["text"]


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_check_library_that_is_not_a_folder(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "lib"
    if kind == "file":
        target.write_text("title: x\n")
    else:
        os.mkfifo(target)
    for command in ("check", "list"):
        proc = run(command, "--library", target)
        assert proc.returncode == 1
        no_traceback(proc)
        what = "a file" if kind == "file" else "a named pipe (FIFO)"
        assert f"{target}: is {what}, not a library folder" in proc.stdout + proc.stderr


def test_check_library_path_with_a_nul_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real command line cannot carry a NUL byte; a caller of main() (or a settings file) can.
    from briefing_builder.cli import main

    for command in ("check", "list"):
        assert main([command, "--library", str(tmp_path / "li\0b")]) == 1
        out = capsys.readouterr()
        assert "the name contains a NUL character" in out.out + out.err
        assert "something went wrong" not in out.err


def test_check_with_an_unreadable_text_fails_and_says_why(tmp_path: Path) -> None:
    misquote = BETA_FINDINGS_YAML.replace("different IT systems.", "different IT suppliers.")
    root = write_library(tmp_path / "lib", {"findings/beta.yaml": misquote, "texts/beta.txt": None})
    (root / "texts" / "beta.txt").write_bytes((BETA_TEXT + "café\n").encode("latin-1"))
    proc = run("check", "--library", root, "--no-cache")
    assert proc.returncode == 1, proc.stdout
    no_traceback(proc)
    sources, beta = root / "sources.yaml", root / "findings" / "beta.yaml"
    assert (
        f"{sources}:13: text file of source 'beta' (texts/beta.txt) is not UTF-8 text "
        "(it looks like Latin-1 or Windows-1252: byte 0xE9 on line 3); save it as UTF-8"
    ) in proc.stdout
    assert (
        f"{beta}:11: the text of finding 'beta-002' could not be checked against "
        "texts/beta.txt: see sources.yaml:13"
    ) in proc.stdout
    assert "3 of 5 quotes verified word for word; 2 not checked" in proc.stdout
    assert proc.stdout.strip().endswith("3 problems found (3 errors, 0 warnings).")
    assert "No problems found" not in proc.stdout


def test_check_with_a_source_without_text_warns_and_passes(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("    text: texts/beta.txt\n", "")
    root = write_library(tmp_path / "lib", {"sources.yaml": sources})
    proc = run("check", "--library", root)
    assert proc.returncode == 0, proc.stdout
    assert (
        f"{root / 'sources.yaml'}:9: warning: source 'beta' has no 'text:' (its plain text), "
        "so its 2 findings are not checked word for word"
    ) in proc.stdout
    assert "3 of 5 quotes verified word for word; 2 not checked (see above)" in proc.stdout
    assert proc.stdout.strip().endswith("1 problem found (0 errors, 1 warning).")
    assert "No problems found" not in proc.stdout


def test_check_never_passes_an_edited_misquote_from_the_cache(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("text: texts/beta.txt", "text: .texts/beta.txt")
    root = write_library(tmp_path / "lib", {"sources.yaml": sources, ".texts/beta.txt": BETA_TEXT})
    assert run("check", "--library", root).returncode == 0
    text = root / ".texts" / "beta.txt"
    text.write_text(text.read_text().replace("a fifth", "a quarter"))
    proc = run("check", "--library", root)
    assert proc.returncode == 1, proc.stdout
    assert "the text of finding 'beta-001' is not word for word in beta.txt" in proc.stdout


def test_list_json_writes_a_finding_a_line_and_an_empty_array(small_library: Path) -> None:
    proc = run("list", "--library", small_library, "--theme", "data", "--json")
    lines = proc.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(","))["id"] for line in lines[1:-1]] == [
        "alpha-002",
        "alpha-003",
        "beta-002",
    ]
    proc = run("list", "--library", small_library, "--search", "nothingmatchesthis", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
