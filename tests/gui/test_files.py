"""Saving and opening briefings from the window: round trip, the example file, a file changed by
another program, the backup, closing with unsaved changes, and the recent files menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing_io import library_path, read_briefing
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.settings import Settings
from briefing_builder.gui.findings_model import InBriefingRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import FlagRole

from .conftest import Dialogs
from .helpers import make_window, tree

Button = QMessageBox.StandardButton
MINIMAL = Path(__file__).resolve().parent.parent / "data" / "minimal.briefing.yaml"


def build_something(window: MainWindow) -> None:
    model = window.briefing_panel.model
    b = window.doc.briefing
    model.add_findings(["npia-2009-002", "copacc-2015-004"], b.sections[0], 0)
    model.add_note(b.sections[0], 1, "My own view,\nover two lines.")
    model.add_section(None, 1, "Co-location")
    model.add_section(window.doc.briefing.sections[1], 0, "Scotland")
    model.add_findings(["scotgov-y4-012"], window.doc.briefing.sections[1].sections[0], 0)
    window.doc.set_metadata("title", "Partnership working")
    window.doc.set_metadata("marking", "OFFICIAL-SENSITIVE")
    window.doc.set_metadata("summary", "Three things matter.")
    window.doc.set_metadata("date", "2026-03-01")


def node_ids(window: MainWindow) -> list[str]:
    out = []
    for s in window.doc.briefing.all_sections():
        out.append(s.node_id)
        out.extend(i.node_id for i in s.items)
    return out


def test_save_and_open_round_trip(
    qtbot: QtBot, window: MainWindow, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    build_something(window)
    saved_tree, ids = tree(window), node_ids(window)
    assert window.isWindowModified()
    dialogs.choose_file(tmp_path / "committee brief")  # the suffix is added
    window.act_save.trigger()  # never saved: Save asks where
    path = tmp_path / "committee brief.briefing.yaml"
    assert path.is_file()
    assert dialogs.titles() == ["Save briefing as"]
    assert not window.doc.modified and not window.isWindowModified()
    assert window.windowTitle() == "committee brief[*] — Briefing Builder"
    assert window.recovery is None or not window.recovery.briefing_path.exists()

    # A second window (as after a restart) opens it as it was.
    other = make_window(qtbot, bundled)
    dialogs.choose_file(path)
    other.act_open.trigger()
    assert tree(other) == saved_tree
    assert node_ids(other) == ids
    b = other.doc.briefing
    assert (b.title, b.marking, b.summary, b.date) == (
        "Partnership working",
        "OFFICIAL-SENSITIVE",
        "Three things matter.",
        "2026-03-01",
    )
    assert b.sections[0].items[1].text == "My own view,\nover two lines."  # type: ignore[union-attr]
    assert not other.doc.modified and other.doc.path == path
    assert other.briefing_panel.details.fields["title"].text() == "Partnership working"
    assert other.briefing_panel.details.marking.currentText() == "OFFICIAL-SENSITIVE"
    assert other.doc.undo_stack.count() == 0
    # Every item has its snapshot, and nothing is flagged.
    assert all(e.snapshot is not None for e in b.evidence_items())
    model = other.briefing_panel.model
    assert all(model.index_of(e).data(FlagRole) == "" for e in b.evidence_items())
    # The list marks what is in it.
    assert other.model.index(other.model.row_of("scotgov-y4-012")).data(InBriefingRole) == 1


def test_open_the_example_briefing(qtbot: QtBot, window: MainWindow, dialogs: Dialogs) -> None:
    dialogs.choose_file(MINIMAL)
    window.act_open.trigger()
    assert window.doc.path == MINIMAL
    assert window.doc.briefing.title == "Partnership working between the police and other agencies"
    assert tree(window) == [
        [
            "What helps partnerships work",
            ["copacc-2015-017", "note:A paragraph of the officer's own commentary."],
            [["Co-location", ["scotgov-y4-012"], []]],
        ]
    ]
    # Its library (../../evidence) is the bundled one, already open.
    assert window.opened.library.root == bundled_library().resolve()
    assert not window.doc.modified
    assert window.briefing_panel.details.marking.currentText() == "OFFICIAL"
    assert window.briefing_panel.details.fields["version"].text() == "0.3 draft"
    model = window.briefing_panel.model
    assert all(model.index_of(e).data(FlagRole) == "" for e in window.doc.briefing.evidence_items())
    assert model.index(0, 0).data() == "1  What helps partnerships work  · has text"
    assert model.index(2, 0, model.index(0, 0)).data() == "1.1  Co-location"
    assert window.windowTitle() == "minimal[*] — Briefing Builder"


def test_open_a_broken_file_warns_with_file_and_line(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.briefing.yaml"
    bad.write_text("briefing: 1\ntitle: X\nsections:\n  - text: no heading\n", encoding="utf-8")
    before = tree(window)
    dialogs.choose_file(bad)
    dialogs.answer(Button.Ok)
    window.act_open.trigger()
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot open briefing")
    assert f"{bad}:4: a section needs a 'heading'" in text
    assert tree(window) == before and window.doc.path is None


def test_save_as_keeps_the_library_link(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    """The example names its library relative to itself; a copy saved elsewhere must still find it."""
    assert window.open_briefing(MINIMAL)
    target = tmp_path / "elsewhere" / "copy.briefing.yaml"
    target.parent.mkdir()
    dialogs.choose_file(target)
    assert window.save_as()
    saved = read_briefing(target)
    assert library_path(saved, target).resolve() == bundled_library().resolve()
    # The original is untouched.
    assert "library: ../../evidence" in MINIMAL.read_text(encoding="utf-8")


def test_file_changed_on_disk_asks_before_overwriting(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    path = tmp_path / "shared.briefing.yaml"
    build_something(window)
    dialogs.choose_file(path)
    assert window.save_as()
    mine = path.read_text(encoding="utf-8")

    # Another program rewrites the file; then the officer edits and saves.
    theirs = mine.replace("Partnership working", "Their version")
    path.write_text(theirs, encoding="utf-8")
    window.doc.set_metadata("author", "Me")
    dialogs.answer(Button.Cancel)
    assert not window.save()
    assert dialogs.calls[-1][:2] == ("warning", "File changed on disk")
    assert path.read_text(encoding="utf-8") == theirs  # their work is kept
    assert window.doc.modified  # and so is mine, unsaved

    dialogs.answer(Button.Save)
    assert window.save()
    assert dialogs.calls[-1][:2] == ("warning", "File changed on disk")
    assert "author: Me" in path.read_text(encoding="utf-8")
    # The version it replaced is kept as the backup.
    assert (tmp_path / "shared.briefing.yaml.bak").read_text(encoding="utf-8") == theirs
    assert not window.doc.modified

    # Now in step with the disk: the next save does not ask.
    window.doc.set_metadata("author", "Me again")
    n = len(dialogs.calls)
    assert window.save()
    assert len(dialogs.calls) == n
    assert "author: Me\n" in (tmp_path / "shared.briefing.yaml.bak").read_text(encoding="utf-8")


def test_save_keeps_one_backup(window: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    path = tmp_path / "b.briefing.yaml"
    dialogs.choose_file(path)
    window.doc.set_metadata("title", "First")
    assert window.save()
    assert not (tmp_path / "b.briefing.yaml.bak").exists()
    window.doc.set_metadata("title", "Second")
    assert window.save()
    assert "title: First" in (tmp_path / "b.briefing.yaml.bak").read_text(encoding="utf-8")
    assert "title: Second" in path.read_text(encoding="utf-8")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_save_that_fails_keeps_the_work(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    window.doc.set_metadata("title", "Unsaved")
    dialogs.choose_file(tmp_path / "missing-folder" / "x.briefing.yaml")
    dialogs.answer(Button.Ok)
    assert not window.save()
    assert dialogs.calls[-1][:2] == ("critical", "Cannot save")
    assert window.doc.modified and window.doc.path is None


def test_closing_with_unsaved_changes_asks(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    window = make_window(qtbot, bundled)
    window.doc.set_metadata("title", "Draft")
    dialogs.answer(Button.Cancel)
    assert not window.close()
    assert window.isVisible()
    assert dialogs.calls[-1][:2] == ("question", "Unsaved changes")
    assert "“Draft”" in dialogs.calls[-1][2]

    dialogs.answer(Button.Discard)
    assert window.close()
    assert not window.isVisible()
    # Closing remembers the window's layout.
    assert Settings.load().window_geometry


def test_closing_and_saving(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    window = make_window(qtbot, bundled)
    window.doc.set_metadata("title", "Keep me")
    dialogs.answer(Button.Save)
    dialogs.choose_file(tmp_path / "kept.briefing.yaml")
    assert window.close()
    assert read_briefing(tmp_path / "kept.briefing.yaml").title == "Keep me"
    # Save, then cancel the file dialog: the window stays open.
    window2 = make_window(qtbot, bundled)
    window2.doc.set_metadata("title", "Not yet")
    dialogs.answer(Button.Save)
    dialogs.choose_file("")
    assert not window2.close()
    assert window2.isVisible() and window2.doc.modified


def test_closing_without_changes_does_not_ask(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs: Dialogs
) -> None:
    window = make_window(qtbot, bundled)
    window.doc.set_metadata("title", "x")
    window.doc.undo_stack.undo()  # back where it started
    assert window.close()
    assert dialogs.calls == []


def test_recent_files_menu(
    qtbot: QtBot, window: MainWindow, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    assert not window.recent_menu.isEnabled()
    first, second = tmp_path / "one.briefing.yaml", tmp_path / "two.briefing.yaml"
    window.doc.set_metadata("title", "One")
    dialogs.choose_file(first)
    assert window.save()
    window.act_new.trigger()
    window.doc.set_metadata("title", "Two")
    dialogs.choose_file(second)
    assert window.save()
    actions = window.recent_menu_actions
    # The full path (folders tell apart briefings of one name), elided in the middle if long.
    assert [a.text() for a in actions] == [_menu_text(window, second), _menu_text(window, first)]
    assert actions[0].text().endswith("two.briefing.yaml")
    assert actions[1].toolTip() == str(first.resolve())
    assert actions[1].statusTip() == str(first.resolve())
    assert window.recent_menu.isEnabled()
    # Kept in the settings, for the next start.
    assert Settings.load().recent_files == [str(second.resolve()), str(first.resolve())]
    fresh = make_window(qtbot, bundled, settings=Settings.load())
    assert [a.text() for a in fresh.recent_menu_actions] == [
        _menu_text(fresh, second),
        _menu_text(fresh, first),
    ]

    # Choosing one opens it (after asking about unsaved changes).
    window.doc.set_metadata("author", "x")
    dialogs.answer(Button.Discard)
    actions[1].trigger()
    assert window.doc.path == first.resolve()
    assert window.doc.briefing.title == "One" and not window.doc.modified
    assert [a.text() for a in window.recent_menu_actions] == [
        _menu_text(window, first),
        _menu_text(window, second),
    ]
    # A file that has gone is shown greyed out, and its tip says so.
    second.unlink()
    window._refresh_recent_menu()
    assert [a.isEnabled() for a in window.recent_menu_actions] == [True, False]
    # Deleted while the app runs: greyed out as soon as the menu opens.
    first.unlink()
    window.recent_menu.aboutToShow.emit()
    assert [a.isEnabled() for a in window.recent_menu_actions] == [False, False]
    assert window.recent_menu_actions[1].toolTip() == f"{second.resolve()} (no longer there)"


def _menu_text(window: MainWindow, path: Path) -> str:
    metrics = window.recent_menu.fontMetrics()
    text = metrics.elidedText(str(path.resolve()), Qt.TextElideMode.ElideMiddle, 560)
    return text.replace("&", "&&")


def test_recent_files_show_a_long_path_elided_in_the_middle(
    qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    deep = tmp_path / ("Committee papers & drafts " * 6).strip() / "2026" / "board.briefing.yaml"
    deep.parent.mkdir(parents=True)
    deep.write_text("briefing: 1\ntitle: Board\n", encoding="utf-8")
    settings = Settings(recent_files=[str(deep.resolve())])
    window = make_window(qtbot, bundled, settings=settings)
    [action] = window.recent_menu_actions
    text = action.text()
    assert "…" in text and len(text) < len(str(deep))
    assert text.startswith(str(tmp_path.resolve())[:10])
    assert text.endswith("2026/board.briefing.yaml")
    assert action.toolTip() == str(deep.resolve()) and action.isEnabled()


def test_reopen_last_can_be_turned_off_from_open_recent(
    qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    settings = Settings(recent_files=[str(tmp_path / "a.briefing.yaml")])
    window = make_window(qtbot, bundled, settings=settings)
    assert window.act_reopen_last in window.recent_menu.actions()
    assert window.act_reopen_last.isChecked()
    window.act_reopen_last.trigger()
    assert Settings.load().reopen_last is False
    window.recent_menu.aboutToShow.emit()
    assert not window.act_reopen_last.isChecked()


def test_open_a_file_with_an_impossible_date_or_an_alias_bomb_warns(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    cases = {
        "date.briefing.yaml": ("briefing: 1\ntitle: X\ndate: 2026-02-30\n", 3, "not a real date"),
        "bomb.briefing.yaml": (
            "briefing: 1\ntitle: X\nsources:\n  a: &a {x: [1, 1]}\n  b: {x: [*a, *a]}\n",
            4,
            "may not use YAML aliases",
        ),
    }
    for name, (text, line, expected) in cases.items():
        bad = tmp_path / name
        bad.write_text(text, encoding="utf-8")
        dialogs.choose_file(bad)
        dialogs.answer(Button.Ok)
        window.act_open.trigger()
        kind, title, message = dialogs.calls[-1]
        assert (kind, title) == ("warning", "Cannot open briefing")
        assert f"{bad}:{line}: " in message and expected in message
        assert window.doc.path is None


def test_open_with_an_unknown_style_and_a_missing_library_warns_once_and_works(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    path = tmp_path / "b.briefing.yaml"
    path.write_text(
        "briefing: 1\ntitle: T\nstyle: chicago\nlibrary: gone/lib\nsections:\n"
        "  - heading: One\n    items:\n      - finding: copacc-2015-004\n",
        encoding="utf-8",
    )
    dialogs.answer(Button.Ok)
    assert window.open_briefing(path)
    warnings = [c for c in dialogs.calls if c[0] == "warning"]
    assert len(warnings) == 1
    _, title, text = warnings[0]
    assert title == "Briefing opened with warnings"
    assert "b.briefing.yaml:3: the citation style 'chicago'" in text
    assert "library folder" in text and "not found" in text
    # Selecting findings shows their citations in the fallback style (this used to raise).
    window.list.selectRow(0)
    window.list.selectRow(1)
    assert "Cited as:" in window.detail.browser.toPlainText()
