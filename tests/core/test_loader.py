"""Loading and validating libraries: the bundled one, and every kind of curator mistake."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from briefing_builder.core.loader import load_library
from briefing_builder.core.model import Library
from tests.conftest import (
    BETA_FINDINGS_YAML,
    BETA_TEXT,
    BUNDLED,
    FINDINGS_YAML,
    SOURCES_YAML,
    write_library,
)


def problems_of(lib: Library) -> list[tuple[str, int | None, str]]:
    return [(Path(p.file).name, p.line, p.message) for p in lib.problems]


def single_problem(lib: Library) -> tuple[str, int | None, str]:
    found = problems_of(lib)
    assert len(found) == 1, found
    return found[0]


# --- the bundled library -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Library:
    return load_library(BUNDLED)


def test_bundled_library_is_clean_and_fully_verified(bundled: Library) -> None:
    # One warning: the Scottish Government report is online, and when it was viewed is not
    # recorded anywhere, so it has no access date (not invented).
    assert [(p.line, p.warning) for p in bundled.problems] == [(4, True)]
    assert "has a URL but no 'accessed:' date" in bundled.problems[0].message
    assert len(bundled.findings) >= 150
    assert bundled.verified_count == len(bundled.findings)


def test_bundled_library_has_all_five_sources_with_findings(bundled: Library) -> None:
    ids = {s.id for s in bundled.sources}
    assert ids == {"scotgov-y4", "scotgov-y3", "n8prp", "copacc-2015", "npia-2009"}
    per_source = Counter(f.source for f in bundled.findings)
    assert all(per_source[s] >= 10 for s in ids), per_source
    # The slides give fewer findings than any report.
    assert per_source["npia-2009"] == min(per_source.values())
    for src in bundled.sources:
        assert src.text_path is not None and src.text_path.is_file()


def test_bundled_sources_carry_what_is_known_and_no_invented_years(bundled: Library) -> None:
    years = {s.id: s.year for s in bundled.sources}
    assert years == {
        "scotgov-y4": None,
        "scotgov-y3": 2018,
        "n8prp": None,
        "copacc-2015": 2015,
        "npia-2009": 2009,
    }
    npia = bundled.source("npia-2009")
    assert npia is not None and npia.csl["event-title"] == "FOSS 2009 Conference"
    assert (
        "event" not in npia.csl and npia.csl["publisher"] == "National Policing Improvement Agency"
    )
    copacc = bundled.source("copacc-2015")
    assert copacc is not None and copacc.csl["collection-title"] == "CoPaCC Thematic"
    assert copacc.csl["author"] == [{"family": "Tizard", "given": "John"}]
    n8 = bundled.source("n8prp")
    assert n8 is not None and [a["family"] for a in n8.csl["author"]] == ["Loftus", "Skinns"]
    assert [a["family"] for a in n8.csl["contributor"]] == ["Munk", "Rice"]
    assert all("publisher-place" not in s.csl for s in bundled.sources)


def test_bundled_themes_are_well_spread(bundled: Library) -> None:
    assert 10 <= len(bundled.themes) <= 14
    assert all(t.description for t in bundled.themes)
    counts = Counter(t for f in bundled.findings for t in f.themes)
    assert all(counts[t.id] >= 8 for t in bundled.themes), counts
    assert all(1 <= len(f.themes) <= 3 for f in bundled.findings)


def test_bundled_findings_are_located_and_attributed(bundled: Library) -> None:
    for f in bundled.findings:
        assert f.locator.value, f.id
        if f.source == "npia-2009":
            assert f.locator.label == "slide"
        elif f.locator.value[0].isdigit():
            assert f.locator.title, f"{f.id}: a numbered section needs its heading"
    speakers = {f.speaker for f in bundled.findings if f.speaker}
    for expected in (
        "Interviewee: Manchester",
        "B02 Police",
        "Police Federation of England & Wales",
        "Barnardo's",
        "Head of Community Safety, London Borough of Ealing",
    ):
        assert expected in speakers
    places = {p for f in bundled.findings for p in f.places}
    assert {
        "Scotland",
        "England and Wales",
        "Manchester",
        "New Zealand",
        "the Netherlands",
        "Norway",
    } <= places
    kinds = Counter(f.kind for f in bundled.findings)
    assert set(kinds) == {"quote", "key-finding", "example", "recommendation"}


def test_bundled_keeps_special_characters(bundled: Library) -> None:
    texts = " ".join(f.text for f in bundled.findings)
    for ch in "≠⇒’–":
        assert ch in texts


# --- good small library ------------------------------------------------------------------


def test_small_library_loads(small_library: Path) -> None:
    lib = load_library(small_library)
    assert lib.problems == []
    assert [f.id for f in lib.findings] == [
        "alpha-001",
        "alpha-002",
        "alpha-003",
        "beta-001",
        "beta-002",
    ]
    f = lib.finding("alpha-002")
    assert f is not None
    assert f.speaker == "B02 Police"
    assert f.locator.label == "page" and f.locator.value == "4"
    assert f.themes == ("trust", "data")
    assert f.verified
    assert lib.source("beta") is not None and lib.source("beta").short == "Home Office n.d."  # type: ignore[union-attr]
    assert lib.places == ["England and Wales", "New Zealand", "Scotland"]


def test_omission_marks_are_allowed(small_library: Path) -> None:
    lib = load_library(small_library)
    finding = lib.finding("beta-001")
    assert finding is not None and finding.verified


# --- bad libraries: each asserts the message and the line --------------------------------


def test_misquote_names_file_and_line(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace(
        "text: The police and health services share data every day.",
        "text: The police and health services share data every week.",
    )
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    name, line, message = single_problem(lib)
    assert (name, line) == ("alpha.yaml", 19)
    assert "not word for word in alpha.txt" in message
    # The good findings still load; the bad one is left out.
    assert [f.id for f in lib.findings] == ["alpha-001", "alpha-002", "beta-001", "beta-002"]


def test_unknown_key_is_an_error_with_a_hint(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("  themes: [trust]\n", "  theme: [trust]\n")
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    found = problems_of(lib)
    assert (
        "alpha.yaml",
        6,
        "unknown key 'theme' in finding 'alpha-001' (did you mean 'themes'?)",
    ) in found
    assert ("alpha.yaml", 1, "finding 'alpha-001' has no 'themes'") in found


def test_unknown_theme_and_source(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("themes: [trust]", "themes: [trust, nope]").replace(
        "- id: alpha-003\n  source: alpha", "- id: alpha-003\n  source: gamma"
    )
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    found = problems_of(lib)
    assert ("alpha.yaml", 6, "theme 'nope' of finding 'alpha-001' is not in library.yaml") in found
    assert (
        "alpha.yaml",
        17,
        "source 'gamma' of finding 'alpha-003' is not in sources.yaml",
    ) in found
    assert len(found) == 2


def test_duplicate_ids_and_bad_kind(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("id: alpha-002", "id: alpha-001").replace(
        "kind: example", "kind: anecdote"
    )
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    found = problems_of(lib)
    assert found[0][:2] == ("alpha.yaml", 8)
    assert found[0][2].startswith("finding id 'alpha-001' is already used at ")
    assert found[0][2].endswith("alpha.yaml:1")
    assert found[1] == (
        "alpha.yaml",
        18,
        "kind 'anecdote' of finding 'alpha-003' should be one of: quote, key-finding, example, recommendation",
    )


def test_wrong_types_are_described_not_dumped(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace(
        "text: Working with Māori communities builds trust between partners.",
        "text: [Working, with]",
    ).replace("places: [Scotland]\n", "places: {a: b}\n")
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    found = problems_of(lib)
    assert ("alpha.yaml", 4, "'text' of finding 'alpha-001' should be text, not a list") in found
    assert (
        "alpha.yaml",
        15,
        "'places' of finding 'alpha-002' should be a list, not a mapping (key: value pairs)",
    ) in found


def test_malformed_yaml_reports_line(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("  kind: quote\n", "  kind: quote\n  text: a: b: c\n", 1)
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    found = [p for p in problems_of(lib) if p[0] == "alpha.yaml"]
    assert len(found) == 1
    assert found[0][1] == 11
    assert found[0][2].startswith("this is not valid YAML")
    # The other file still loads.
    assert {f.id for f in lib.findings} == {"beta-001", "beta-002"}


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    bad = FINDINGS_YAML.replace("  kind: quote\n", "  kind: quote\n  kind: example\n", 1)
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": bad}))
    assert (
        "alpha.yaml",
        11,
        "key 'kind' appears twice in finding 'alpha-002'; the second one wins in YAML",
    ) in problems_of(lib)


def test_theme_without_findings(tmp_path: Path) -> None:
    lib_yaml = (
        "title: T\nthemes:\n  - id: trust\n    label: Trust\n  - id: data\n    label: Data\n"
        "  - id: money\n    label: Money\n  - id: lonely\n    label: Lonely\n"
    )
    lib = load_library(write_library(tmp_path, {"library.yaml": lib_yaml}))
    assert single_problem(lib) == ("library.yaml", 9, "theme 'lonely' has no findings")
    # A warning, not an error: a theme just added has no findings yet.
    assert lib.ok and lib.problems[0].warning


def test_text_path_outside_the_library(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(
        "Working with Māori communities builds trust between partners."
    )
    sources = SOURCES_YAML.replace("text: texts/alpha.txt", "text: ../secret.txt")
    lib = load_library(write_library(tmp_path / "lib", {"sources.yaml": sources}))
    name, line, message = problems_of(lib)[0]
    assert (name, line) == ("sources.yaml", 8)
    assert message == "'text' of source 'alpha' points outside the library folder (../secret.txt)"


def test_missing_text_file(tmp_path: Path) -> None:
    lib = load_library(write_library(tmp_path, {"texts/beta.txt": None}))
    assert problems_of(lib) == [
        ("sources.yaml", 13, "text file of source 'beta' not found: texts/beta.txt"),
        (
            "beta.yaml",
            4,
            "the text of finding 'beta-001' could not be checked against texts/beta.txt: "
            "see sources.yaml:13",
        ),
        (
            "beta.yaml",
            11,
            "the text of finding 'beta-002' could not be checked against texts/beta.txt: "
            "see sources.yaml:13",
        ),
    ]
    assert not lib.ok
    # Findings of that source still load, unverified: the fault is the source's text.
    beta = lib.finding("beta-002")
    assert beta is not None and not beta.verified


def test_bad_source_fields(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace(
        "type: report\n    title: Budgets", "type: white-paper\n    title: Budgets"
    ).replace("issued: {date-parts: [[2020]]}", "issued: {date-parts: [[20, 13]]}")
    lib = load_library(write_library(tmp_path, {"sources.yaml": sources}))
    found = problems_of(lib)
    assert ("sources.yaml", 6, "'date-parts' of source 'alpha' is not a real date") in found
    assert (
        "sources.yaml",
        10,
        "'white-paper' is not a CSL type (e.g. report, book, speech, article-journal)",
    ) in found


def test_missing_files_and_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    found = [(p[0], p[2]) for p in problems_of(load_library(empty))]
    assert found == [
        ("library.yaml", "file not found"),
        ("sources.yaml", "file not found"),
        ("findings", "folder of findings not found"),
    ]
    missing = load_library(tmp_path / "nowhere")
    assert problems_of(missing) == [("nowhere", None, "library folder not found")]


def test_alias_bomb_is_harmless(tmp_path: Path) -> None:
    bomb = "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    )
    bomb_findings = (
        "- &x [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "\n".join(
            f"- &x{i} [{', '.join(['*x' if i == 0 else f'*x{i - 1}'] * 9)}]" for i in range(12)
        )
        + "\n"
    )
    lib = load_library(
        write_library(tmp_path, {"library.yaml": bomb + "\n", "findings/bomb.yaml": bomb_findings})
    )
    found = problems_of(lib)
    assert ("library.yaml", 1, "unknown key 'a0' in library.yaml") in found
    assert (
        "bomb.yaml",
        1,
        "each finding should be a mapping (id, source, kind, text, ...), not a list",
    ) in found


def test_not_utf8(tmp_path: Path) -> None:
    root = write_library(tmp_path)
    (root / "findings" / "alpha.yaml").write_bytes(b"- id: x\n  text: caf\xe9\n")
    found = [p for p in problems_of(load_library(root)) if p[0] == "alpha.yaml"]
    assert found == [("alpha.yaml", 2, "is not UTF-8 text; save it as UTF-8")]


def test_findings_file_that_is_not_a_list(tmp_path: Path) -> None:
    lib = load_library(write_library(tmp_path, {"findings/alpha.yaml": "id: alpha-001\n"}))
    assert (
        "alpha.yaml",
        1,
        "a findings file should be a list of findings, not a mapping (key: value pairs)",
    ) in problems_of(lib)


def test_large_libraries_are_read_by_worker_processes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_builder.core import loader

    bad = FINDINGS_YAML.replace("id: alpha-003", "id: beta-001").replace(
        "kind: quote", "kind: gossip"
    )
    root = write_library(tmp_path, {"findings/alpha.yaml": bad})
    serial = load_library(root)
    calls: list[int] = []
    real_pool = loader.ProcessPoolExecutor

    def counting_pool(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader, "ProcessPoolExecutor", counting_pool)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    parallel = load_library(root)
    assert calls == [1]
    assert [f.id for f in parallel.findings] == [f.id for f in serial.findings]
    assert parallel.findings == serial.findings
    assert parallel.problems == serial.problems
    messages = [p.message for p in parallel.problems]
    assert any("kind 'gossip'" in m for m in messages)
    # The same id in two files: the later one is reported at its own file and line.
    dup = [p for p in parallel.problems if "already used" in p.message]
    assert [(Path(p.file).name, p.line) for p in dup] == [("beta.yaml", 1)]


# --- odd paths: each is one message, never an exception -----------------------------------


def _text_line(sources: str, sid: str) -> int:
    """The line of ``text:`` of source ``sid`` in a sources.yaml."""
    lines = sources.splitlines()
    start = lines.index(f"  - id: {sid}")
    return next(i for i in range(start, len(lines)) if lines[i].startswith("    text:")) + 1


def test_text_symlink_loop_is_a_message(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"texts/beta.txt": None})
    (root / "texts" / "beta.txt").symlink_to("beta.txt")
    name, line, message = problems_of(load_library(root))[0]
    assert (name, line) == ("sources.yaml", _text_line(SOURCES_YAML, "beta"))
    assert "texts/beta.txt" in message and "link loop" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"texts/be\\0ta.txt"', "'text' of source 'beta' contains a NUL character"),
        ("texts/" + "b" * 300 + ".txt", "the file name is too long for this system"),
        ("texts", "(texts) is a folder, not a text file"),
    ],
    ids=["nul", "too-long", "folder"],
)
def test_odd_text_paths_are_messages(tmp_path: Path, text: str, expected: str) -> None:
    sources = SOURCES_YAML.replace("text: texts/beta.txt", f"text: {text}")
    lib = load_library(write_library(tmp_path / "lib", {"sources.yaml": sources}))
    found = [p for p in problems_of(lib) if p[0] == "sources.yaml"]
    assert len(found) == 1, found
    assert found[0][1] == _text_line(sources, "beta")
    assert expected in found[0][2]


def test_text_that_leads_out_by_a_symlink_is_outside(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(BETA_TEXT)
    root = write_library(tmp_path / "lib", {"texts/beta.txt": None})
    (root / "texts" / "beta.txt").symlink_to(tmp_path / "secret.txt")
    (name, line, message), *_ = problems_of(load_library(root))
    assert (name, line) == ("sources.yaml", 13)
    assert "points outside the library folder" in message


def test_unreadable_findings_folder_is_not_called_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_library(tmp_path / "lib")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)).name == "findings":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    lib = load_library(root)
    found = problems_of(lib)
    assert found == [
        (
            "findings",
            None,
            "this folder cannot be read: permission denied, so no findings were loaded from it",
        )
    ]


def test_findings_that_is_a_file(tmp_path: Path) -> None:
    root = write_library(
        tmp_path / "lib", {"findings/alpha.yaml": None, "findings/beta.yaml": None}
    )
    (root / "findings").rmdir()
    (root / "findings").write_text("- id: x\n")
    assert problems_of(load_library(root)) == [
        ("findings", None, "should be the folder of findings files, but it is a file")
    ]


def test_a_findings_file_that_is_a_pipe_or_a_broken_link_is_named(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib")
    os.mkfifo(root / "findings" / "pipe.yaml")
    (root / "findings" / "gone.yaml").symlink_to("nowhere.yaml")
    found = {(p[0], p[2]) for p in problems_of(load_library(root))}
    assert ("gone.yaml", "file not found") in found
    assert ("pipe.yaml", "is a named pipe (FIFO), not an ordinary file; it is not read") in found


@pytest.mark.parametrize("kind", ["file", "fifo", "nul", "loop"])
def test_a_library_folder_that_is_not_a_folder(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "lib"
    if kind == "file":
        root.write_text("title: x\n")
        expected = "is a file, not a library folder"
    elif kind == "fifo":
        os.mkfifo(root)
        expected = "is a named pipe (FIFO), not a library folder"
    elif kind == "nul":
        root = tmp_path / "li\0b"
        expected = "cannot be a library folder: the name contains a NUL character"
    else:
        root.symlink_to("lib")
        expected = "library folder cannot be read: it is a symbolic link that points to itself"
    (problem,) = load_library(root).problems
    assert problem.file == str(root) and problem.line is None
    assert problem.message.startswith(expected)


SETPRIV_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run the loader as an unprivileged user",
)


@needs_setpriv
def test_unreadable_folders_as_a_normal_user(tmp_path_factory: pytest.TempPathFactory) -> None:
    """As a normal user (root reads everything): no read permission on findings/ or texts/."""
    base = Path(tempfile.mkdtemp(prefix="bb-perm-"))
    try:
        base.chmod(0o755)
        root = write_library(base / "lib")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "findings").chmod(0o300)
        (root / "texts").chmod(0o300)
        script = (
            "import sys; from briefing_builder.core.loader import load_library\n"
            "for p in load_library(sys.argv[1]).problems: print(p)\n"
        )
        proc = subprocess.run(
            [*SETPRIV_NOBODY, sys.executable, "-c", script, str(root)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(base)},
            cwd=base,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        out = proc.stdout
        assert f"{root / 'findings'}: this folder cannot be read: permission denied" in out
        assert f"{root / 'sources.yaml'}:8: text file of source 'alpha' (texts/alpha.txt)" in out
        assert "permission denied" in out.splitlines()[0]
    finally:
        for path in base.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base)


# --- quote checking never switches off silently -------------------------------------------

MISQUOTE = BETA_FINDINGS_YAML.replace("different IT systems.", "different IT suppliers.")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(BETA_TEXT.encode("latin-1")), None),  # ASCII: still UTF-8
        (
            lambda p: p.write_bytes((BETA_TEXT + "café").encode("latin-1")),
            "is not UTF-8 text (it looks like Latin-1 or Windows-1252: byte 0xE9 on line 3); "
            "save it as UTF-8",
        ),
        (
            lambda p: p.write_bytes(BETA_TEXT.encode("utf-16")),
            "is not UTF-8 text (it looks like UTF-16, as some Windows programs save 'Unicode' "
            "text); save it as UTF-8",
        ),
        (
            lambda p: p.write_bytes(BETA_TEXT.encode("utf-16-le")),
            "is not UTF-8 text (it looks like UTF-16, as some Windows programs save 'Unicode' "
            "text); save it as UTF-8",
        ),
        (lambda p: os.mkfifo(p), "is a named pipe (FIFO), not an ordinary file; it is not read"),
        (lambda p: p.symlink_to(p.name), "cannot be read: it is a symbolic link that points"),
        (lambda p: p.write_bytes(b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n"), "is a PDF file, not plain"),
    ],
    ids=["ascii-ok", "latin-1", "utf-16", "utf-16-no-bom", "fifo", "loop", "pdf"],
)
def test_a_text_that_cannot_be_read_is_an_error_for_every_quote(
    tmp_path: Path, make: object, reason: str | None
) -> None:
    root = write_library(tmp_path / "lib", {"texts/beta.txt": None, "findings/beta.yaml": MISQUOTE})
    make(root / "texts" / "beta.txt")  # type: ignore[operator]
    lib = load_library(root)
    found = problems_of(lib)
    if reason is None:  # readable: the misquote is found
        assert single_problem(lib)[:2] == ("beta.yaml", 11)
        assert "is not word for word in beta.txt" in found[0][2]
        return
    assert found[0][:2] == ("sources.yaml", 13)
    assert found[0][2].startswith("text file of source 'beta' (texts/beta.txt) " + reason)
    see = "could not be checked against texts/beta.txt: see sources.yaml:13"
    assert found[1:] == [
        ("beta.yaml", 4, f"the text of finding 'beta-001' {see}"),
        ("beta.yaml", 11, f"the text of finding 'beta-002' {see}"),
    ]
    assert not lib.ok and lib.verified_count == 3  # alpha's quotes are still checked


def test_a_text_over_the_size_limit_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_builder.core import textmatch

    monkeypatch.setattr(textmatch, "MAX_TEXT_BYTES", 1000)
    files = {"findings/beta.yaml": MISQUOTE, "texts/beta.txt": BETA_TEXT + "x" * 1000}
    lib = load_library(write_library(tmp_path / "lib", files))
    found = problems_of(lib)
    assert found[0][:2] == ("sources.yaml", 13)
    assert "(texts/beta.txt) is too large to read" in found[0][2]
    assert [p[:2] for p in found[1:]] == [("beta.yaml", 4), ("beta.yaml", 11)]


def test_a_text_unreadable_in_a_worker_process_is_an_error(tmp_path: Path) -> None:
    """A text that changed after sources.yaml was checked (worker processes read it again)."""
    from briefing_builder.core import loader

    root = write_library(tmp_path / "lib")
    (root / "texts" / "beta.txt").write_bytes("Budgets were cut by a fifth. é".encode("utf-16"))
    ref = loader._TextRef("beta", str(root / "texts" / "beta.txt"), "texts/beta.txt", None)
    findings, problems, _ = loader._read_findings_file(
        str(root), "findings/beta.yaml", (ref,), frozenset({"data", "money"})
    )
    assert [f.id for f in findings] == ["beta-001", "beta-002"]
    assert not any(f.verified for f in findings)
    assert [(p.line, p.warning) for p in problems] == [(4, False), (11, False)]
    assert problems[0].message.startswith(
        "the text of finding 'beta-001' could not be checked against texts/beta.txt: "
        "it is not UTF-8 text (it looks like UTF-16"
    )


def test_a_source_without_a_text_is_a_warning_that_counts_its_quotes(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("    text: texts/beta.txt\n", "")
    lib = load_library(write_library(tmp_path / "lib", {"sources.yaml": sources}))
    (problem,) = lib.problems
    assert problem.warning and lib.ok
    assert (Path(problem.file).name, problem.line) == ("sources.yaml", 9)
    assert problem.message == (
        "source 'beta' has no 'text:' (its plain text), so its 2 findings are not checked "
        "word for word"
    )
    assert lib.verified_count == 3 and len(lib.findings) == 5


def test_an_empty_text_path_is_an_error(tmp_path: Path) -> None:
    sources = SOURCES_YAML.replace("text: texts/beta.txt", 'text: ""')
    found = problems_of(load_library(write_library(tmp_path / "lib", {"sources.yaml": sources})))
    assert found[0] == ("sources.yaml", 13, "'text' of source 'beta' is empty")
    assert [p[:2] for p in found[1:]] == [("beta.yaml", 4), ("beta.yaml", 11)]


# --- clear messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "content", "expected"),
    [
        ("library.yaml", "", "library.yaml is empty: it needs a title and a list of themes"),
        ("library.yaml", "# nothing yet\n", "library.yaml is empty"),
        (
            "sources.yaml",
            "\n\n",
            "sources.yaml is empty: it needs a list of sources under 'references:'",
        ),
    ],
)
def test_empty_files_are_named_as_such(
    tmp_path: Path, rel: str, content: str, expected: str
) -> None:
    lib = load_library(write_library(tmp_path / "lib", {rel: content}))
    first = problems_of(lib)[0]
    assert first[:2] == (rel, None)
    assert first[2].startswith(expected)


def test_an_empty_findings_file_is_a_warning(tmp_path: Path) -> None:
    lib = load_library(write_library(tmp_path / "lib", {"findings/new.yaml": "# to do\n"}))
    (problem,) = lib.problems
    assert problem.warning and lib.ok and len(lib.findings) == 5
    assert (Path(problem.file).name, problem.message) == (
        "new.yaml",
        "this findings file is empty (it has no findings)",
    )


def test_a_number_where_text_is_wanted_is_kept_as_written_with_a_warning(tmp_path: Path) -> None:
    findings = (
        FINDINGS_YAML.replace('{label: section, value: "2"}', "{label: section, value: 3.10}")
        .replace('value: "4"}', "value: 4}")  # reads back the same: no warning
        .replace("speaker: B02 Police", "speaker: 007")
        .replace("places: [Scotland, New Zealand]", "places: [Scotland, 1_000]")
    )
    sources = SOURCES_YAML.replace(
        "    short: Smith 2020\n", "    short: Smith 2020\n    volume: 3\n    number: 1.50\n"
    )
    lib = load_library(
        write_library(tmp_path / "lib", {"findings/alpha.yaml": findings, "sources.yaml": sources})
    )
    assert lib.ok and len(lib.findings) == 5
    found = [(Path(p.file).name, p.line, p.message) for p in lib.problems if p.warning]
    assert found == [
        (
            "sources.yaml",
            9,
            "'number' of source 'alpha' is written as the number 1.50, which YAML reads as 1.5; "
            'it is kept as written, but quote it so it stays text everywhere: number: "1.50"',
        ),
        (
            "alpha.yaml",
            12,
            "'speaker' of finding 'alpha-002' is written as the number 007, which YAML reads as "
            '7; it is kept as written, but quote it so it stays text everywhere: speaker: "007"',
        ),
        (
            "alpha.yaml",
            20,
            "'value' of the locator of finding 'alpha-003' is written as the number 3.10, which "
            "YAML reads as 3.1; it is kept as written, but quote it so it stays text everywhere: "
            'value: "3.10"',
        ),
        (
            "alpha.yaml",
            22,
            "an item of 'places' in finding 'alpha-003' is written as the number 1_000, which "
            "YAML reads as 1000; it is kept as written, but quote it so it stays text "
            'everywhere: "1_000"',
        ),
    ]
    a2, a3 = lib.finding("alpha-002"), lib.finding("alpha-003")
    assert a2 is not None and a2.speaker == "007" and a2.locator.value == "4"
    assert a3 is not None and a3.locator.value == "3.10" and a3.places == ("Scotland", "1_000")
    alpha = lib.source("alpha")
    assert alpha is not None and alpha.csl["number"] == "1.50" and alpha.csl["volume"] == 3
    assert type(alpha.csl["volume"]) is int  # plain data in the library (and its cache)


def test_numeric_ids_and_titles(tmp_path: Path) -> None:
    lib_yaml = "title: 2020\nthemes:\n  - id: trust\n    label: 1.10\n  - id: data\n    label: D\n"
    lib_yaml += "  - id: money\n    label: M\n"
    lib = load_library(write_library(tmp_path / "lib", {"library.yaml": lib_yaml}))
    assert lib.title == "2020"
    theme = lib.theme("trust")
    assert theme is not None and theme.label == "1.10"
    (problem,) = lib.problems
    assert problem.warning and problem.line == 4 and 'label: "1.10"' in problem.message


def test_an_online_source_without_an_access_date_is_a_warning_at_its_line(tmp_path: Path) -> None:
    from tests.conftest import SOURCES_YAML, write_library

    with_url = SOURCES_YAML.replace(
        "    text: texts/beta.txt\n",
        "    text: texts/beta.txt\n    URL: https://www.gov.uk/budgets\n",
    )
    lib = load_library(write_library(tmp_path / "a", {"sources.yaml": with_url}))
    assert [(p.file.endswith("sources.yaml"), p.line, p.warning) for p in lib.problems] == [
        (True, 9, True)  # the line of "- id: beta"
    ]
    assert "source 'beta' has a URL but no 'accessed:' date" in lib.problems[0].message
    dated = with_url.replace(
        "    URL: https://www.gov.uk/budgets\n",
        "    URL: https://www.gov.uk/budgets\n    accessed: {date-parts: [[2025, 3, 3]]}\n",
    )
    assert load_library(write_library(tmp_path / "b", {"sources.yaml": dated})).problems == []
