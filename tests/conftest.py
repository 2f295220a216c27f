from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "evidence"

LIBRARY_YAML = """\
title: Test library
description: A small library for tests.
themes:
  - id: trust
    label: Culture and trust
    description: Relationships between partners.
  - id: data
    label: Information sharing
  - id: money
    label: Resources
"""

SOURCES_YAML = """\
references:
  - id: alpha
    type: report
    title: Partnership in Aotearoa
    author: [{family: Smith, given: Ann}]
    issued: {date-parts: [[2020]]}
    short: Smith 2020
    text: texts/alpha.txt
  - id: beta
    type: report
    title: Budgets and the police
    author: [{literal: Home Office}]
    text: texts/beta.txt
"""

ALPHA_TEXT = """\
Working with Māori communities builds trust between partners.
Shared office ≠ shared culture!   The police and   health services
share data every day.
"""

BETA_TEXT = """\
Budgets were cut by a fifth. Partners pooled their resources to cope.
Information sharing remained difficult because of different IT systems.
"""

FINDINGS_YAML = """\
- id: alpha-001
  source: alpha
  kind: key-finding
  text: Working with Māori communities builds trust between partners.
  locator: {label: section, value: "1", title: Introduction}
  themes: [trust]
  places: [New Zealand]
- id: alpha-002
  source: alpha
  kind: quote
  text: Shared office ≠ shared culture!
  speaker: B02 Police
  locator: {label: page, value: "4"}
  themes: [trust, data]
  places: [Scotland]
- id: alpha-003
  source: alpha
  kind: example
  text: The police and health services share data every day.
  locator: {label: section, value: "2"}
  themes: [data]
  places: [Scotland, New Zealand]
"""

BETA_FINDINGS_YAML = """\
- id: beta-001
  source: beta
  kind: key-finding
  text: Budgets were cut by a fifth. … pooled their resources to cope.
  locator: {label: section, value: "3"}
  themes: [money]
  places: [England and Wales]
- id: beta-002
  source: beta
  kind: recommendation
  text: Information sharing remained difficult because of different IT systems.
  locator: {label: section, value: "4"}
  themes: [data, money]
"""


def write_library(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """A small valid library; ``files`` replaces or adds files by path (None leaves one out)."""
    contents: dict[str, str | None] = {
        "library.yaml": LIBRARY_YAML,
        "sources.yaml": SOURCES_YAML,
        "texts/alpha.txt": ALPHA_TEXT,
        "texts/beta.txt": BETA_TEXT,
        "findings/alpha.yaml": FINDINGS_YAML,
        "findings/beta.yaml": BETA_FINDINGS_YAML,
    }
    contents.update(files or {})
    for rel, text in contents.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's real cache or settings from a test."""
    base = tmp_path_factory.mktemp("appdirs")
    monkeypatch.setenv("BRIEFING_BUILDER_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("BRIEFING_BUILDER_CONFIG_DIR", str(base / "settings"))
    monkeypatch.setenv("BRIEFING_BUILDER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("BRIEFING_BUILDER_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "xdg-cache"))


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    return write_library(tmp_path / "lib")


_checked_pdfs: set[Path] = set()


def _untagged_pdfs(folders: list[Path]) -> list[str]:
    """The problems of each PDF the app wrote under ``folders`` that the PDF/UA checker (see
    tests/export/pdfua.py) finds; other PDFs (LibreOffice's, a test's own) are left alone."""
    from tests.export.pdfua import check, written_by_the_app

    failures = []
    for folder in folders:
        for pdf in sorted(folder.rglob("*.pdf")):
            if pdf in _checked_pdfs or not pdf.is_file() or not written_by_the_app(pdf):
                continue
            _checked_pdfs.add(pdf)
            failures += [f"{pdf}: {problem}" for problem in check(pdf)]
    return failures


@pytest.fixture(autouse=True)
def _every_pdf_is_tagged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every PDF a test writes passes the PDF/UA checker: the folders the test made under the
    session's temporary folder (its tmp_path, a shared export folder made for it) are checked
    when it ends, so the failure names the test that wrote the file."""
    base = tmp_path_factory.getbasetemp()
    before = set(os.listdir(base))
    yield
    new = [base / name for name in os.listdir(base) if name not in before]
    failures = _untagged_pdfs([p for p in new if p.is_dir()])
    assert not failures, "PDFs not tagged for PDF/UA:\n" + "\n".join(failures)


@pytest.fixture(scope="session", autouse=True)
def _every_pdf_of_the_session_is_tagged(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """A last sweep for PDFs written into a folder an earlier test made."""
    yield
    failures = _untagged_pdfs([tmp_path_factory.getbasetemp()])
    assert not failures, "PDFs not tagged for PDF/UA:\n" + "\n".join(failures)
