"""Switching libraries from the window: a small clean one, one with errors (problems dock), one
with nothing usable (refused), and a briefing whose finding is no longer in the library."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.settings import Settings
from briefing_builder.gui.findings_model import InBriefingRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import FlagRole

from ..conftest import FINDINGS_YAML, write_library
from .conftest import Dialogs
from .helpers import list_ids, make_window, settle, switch_library, tree, wait_for_library

Button = QMessageBox.StandardButton
MISSING = "no longer in the library; the saved copy of the quote is used"

BAD_FINDINGS = (
    FINDINGS_YAML
    + """\
- id: alpha-004
  source: alpha
  kind: quote
  text: This sentence is not in the source at all.
  locator: {label: section, value: "9"}
  themes: [trust]
- id: alpha-005
  source: alpha
  kind: opinion
  text: Working with Māori communities
  locator: {label: section, value: "1"}
  themes: [nonsense]
"""
)


def test_switch_to_a_small_library(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    lib = write_library(tmp_path / "small")
    window.filters.set_filter(window.filters.current.with_values("kinds", {"quote"}))
    switch_library(qtbot, window, lib)
    assert window.opened.library.root == lib.resolve()
    assert sorted(list_ids(window)) == [
        "alpha-001",
        "alpha-002",
        "alpha-003",
        "beta-001",
        "beta-002",
    ]
    assert window.count_label.text() == "<b>5</b> of 5 findings"
    # The filter panel shows the new library's values, and the old filter is gone.
    themes = window.filters.models["themes"]
    assert [themes.index(r).data() for r in range(themes.rowCount())] == [
        "Culture and trust  (2)",
        "Information sharing  (3)",
        "Resources  (2)",
    ]
    assert window.filters.current.is_empty
    assert window.filters.summary.text() == "All findings — 5 findings"
    assert window.problems_dock.isHidden()
    assert (
        window.statusBar().currentMessage() == "Library “Test library”: 5 findings from 2 sources"
    )
    assert window.detail.finding is not None and window.detail.finding.id == "alpha-001"
    assert Settings.load().last_library == str(lib)
    # Its findings go into the briefing like any other.
    window.add_selected_findings()
    assert window.doc.briefing.finding_ids() == ["alpha-001"]
    # Show in source reads the new library's text.
    viewer = window.show_in_source()
    assert viewer is not None
    assert viewer.highlighted_text() == [
        "Working with Māori communities builds trust between partners."
    ]


def test_open_library_dialog(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    lib = write_library(tmp_path / "small")
    dialogs.choose_file(lib)
    window.act_open_library.trigger()
    wait_for_library(qtbot, window)
    assert len(window.opened.library.findings) == 5
    dialogs.choose_file("")  # cancelled
    window.act_open_library.trigger()
    assert len(window.opened.library.findings) == 5


def test_library_with_errors_shows_the_problems(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    lib = write_library(
        tmp_path / "bad",
        {"findings/alpha.yaml": BAD_FINDINGS, "findings/broken.yaml": "- id: [unclosed\n"},
    )
    switch_library(qtbot, window, lib)
    assert not window.problems_dock.isHidden() and window.problems_dock.isVisible()
    lines = [window.problems.item(r).text() for r in range(window.problems.count())]
    assert len(lines) == 4
    pattern = re.compile(r"^(?P<file>.+\.yaml):(?P<line>\d+): (?P<message>.+)$")
    for line in lines:
        m = pattern.match(line)
        assert m, line
        assert Path(m["file"]).is_file()
    assert any(
        line.startswith(
            f"{lib.resolve() / 'findings' / 'alpha.yaml'}:26: the text of finding 'alpha-004'"
        )
        for line in lines
    )
    assert any("broken.yaml:2: this is not valid YAML" in line for line in lines)
    assert any("theme 'nonsense'" in line for line in lines)
    assert "4 problems (see Library problems)" in window.statusBar().currentMessage()
    assert window.act_problems.isChecked()
    # The good findings are all there and usable.
    assert sorted(list_ids(window)) == [
        "alpha-001",
        "alpha-002",
        "alpha-003",
        "beta-001",
        "beta-002",
    ]
    window.list.setCurrentIndex(window.model.index(list_ids(window).index("beta-002")))
    window.add_selected_findings()
    assert window.doc.briefing.finding_ids() == ["beta-002"]
    # Back to a clean library: the dock goes away.
    switch_library(qtbot, window, write_library(tmp_path / "good"))
    assert window.problems.count() == 0 and window.problems_dock.isHidden()


def test_a_library_with_nothing_usable_is_refused(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    empty = tmp_path / "not-a-library"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello", encoding="utf-8")
    before = window.opened
    dialogs.answer(Button.Ok)
    switch_library(qtbot, window, empty)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot open library")
    assert str(empty) in text
    assert window.opened is before
    assert window.model.rowCount() == 247


def test_a_vanished_finding_is_flagged_not_dropped(
    qtbot: QtBot, window: MainWindow, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    window.list.setCurrentIndex(window.model.index(list_ids(window).index("npia-2009-002")))
    window.add_selected_findings()
    path = tmp_path / "b.briefing.yaml"
    dialogs.choose_file(path)
    assert window.save()

    switch_library(qtbot, window, write_library(tmp_path / "small"))
    settle(qtbot)
    model = window.briefing_panel.model
    assert window.doc.briefing.finding_ids() == ["npia-2009-002"]
    item = model.index(0, 0, model.index(0, 0))
    assert item.data(FlagRole) == MISSING
    display = item.data()
    # One line to scan: the source and the quote's first words (in full in the tooltip).
    assert display == "⚠ npia-2009: “There are times when it feels like us and the…”"
    assert "slide 2" in item.data(Qt.ItemDataRole.ToolTipRole)
    assert MISSING in item.data(Qt.ItemDataRole.ToolTipRole)

    # Saved in the other library, the snapshot is kept...
    window.doc.set_metadata("author", "x")
    assert window.save()
    saved = read_briefing(path)
    snap = next(saved.evidence_items()).snapshot
    assert snap is not None and snap.text.startswith("There are times")
    # ...and a fresh window on the small library opens it flagged.
    other = make_window(qtbot, window.opened)
    dialogs.choose_file(path)
    other.act_open.trigger()
    assert other.doc.briefing.finding_ids() == ["npia-2009-002"]
    m2 = other.briefing_panel.model
    assert m2.index(0, 0, m2.index(0, 0)).data(FlagRole) == MISSING
    assert "1 finding flagged" in other.statusBar().currentMessage()

    # Back on the bundled library, the flag goes.
    switch_library(qtbot, window, bundled.library.root)
    settle(qtbot)
    assert model.index(0, 0, model.index(0, 0)).data(FlagRole) == ""
    assert tree(window)[0][1] == ["npia-2009-002"]


def test_opening_a_briefing_opens_its_library(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    lib = write_library(tmp_path / "their-library")
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: Theirs\nlibrary: their-library\n"
        "sections:\n  - heading: One\n    items:\n      - finding: beta-002\n",
        encoding="utf-8",
    )
    assert window.open_briefing(path)
    wait_for_library(qtbot, window)
    assert window.opened.library.root == lib.resolve()
    assert window.model.rowCount() == 5
    assert window.doc.briefing.finding_ids() == ["beta-002"]
    model = window.briefing_panel.model
    assert model.index(0, 0, model.index(0, 0)).data(FlagRole) == ""
    assert window.model.index(window.model.row_of("beta-002")).data(InBriefingRole) == 1


def test_warnings_alone_are_mentioned_without_opening_the_panel(window: MainWindow) -> None:
    """The bundled library has one warning (its online source has no access date): the panel
    stays closed, so it takes no room at every start, and the status bar says where it is."""
    lib = window.opened.library
    assert lib.problems and not lib.errors
    assert window.problems_dock.isHidden()
    assert window.problems.count() == len(lib.problems)
    assert (
        window.statusBar()
        .currentMessage()
        .endswith(f"— {len(lib.problems)} warning (View → Library problems)")
    )
