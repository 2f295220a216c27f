"""The briefing's length while writing, its page limit, and the page count of each export."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing_io import read_briefing
from briefing_builder.core.cache import OpenedLibrary
from briefing_builder.core.settings import Settings, settings_path
from briefing_builder.export.length import briefing_length
from briefing_builder.gui.export_dialog import ExportDialog
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO

from .conftest import Dialogs
from .helpers import make_window

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def _example_copy(tmp_path: Path, max_pages: int | None = None) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "library: ../evidence", f"library: {REPO / 'evidence'}"
    )
    if max_pages is not None:
        text = text.replace("style: harvard\n", f"style: harvard\nmax-pages: {max_pages}\n")
    path = tmp_path / "partnership.briefing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _export(qtbot: QtBot, dialog: ExportDialog, target: Path) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(target.suffix.lstrip(".")))
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.output == target and dialog.report is not None, timeout=60000)


def test_status_bar_shows_words_and_pages_and_follows_edits(
    qtbot: QtBot, window: MainWindow, bundled: OpenedLibrary, tmp_path: Path
) -> None:
    path = _example_copy(tmp_path)
    assert window.open_briefing(path)
    status = window.length_status
    qtbot.waitUntil(lambda: "7 pages" in status.text())
    expected = briefing_length(read_briefing(path), bundled.library)
    assert status.text() == f"{expected.words:,} words · about 7 pages"
    assert status.isVisible() and not status.text().startswith("⚠")

    # Typing in the summary: counted again once the officer pauses.
    form = window.briefing_panel.details
    window.briefing_panel.setCurrentWidget(form)
    form.summary.moveCursor(form.summary.textCursor().MoveOperation.End)
    form.summary.setFocus()
    qtbot.keyClicks(form.summary, " Five more words for counting.")
    qtbot.waitUntil(lambda: status.text().startswith(f"{expected.words + 5:,} words"))


def test_max_pages_is_an_undoable_detail_that_warns_and_saves(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = _example_copy(tmp_path)
    assert window.open_briefing(path)
    form = window.briefing_panel.details
    window.briefing_panel.setCurrentWidget(form)
    assert form.max_pages.value() == 0 and form.max_pages.text() == "No limit"
    form.max_pages.setValue(4)
    assert window.doc.briefing.max_pages == 4
    assert window.doc.undo_stack.undoText() == "Edit max pages"
    status = window.length_status
    qtbot.waitUntil(lambda: status.text().startswith("⚠"))
    assert status.text().endswith("about 7 pages · over the 4-page limit")
    assert "color" in status.styleSheet()

    window.doc.undo_stack.undo()
    assert window.doc.briefing.max_pages is None and form.max_pages.value() == 0
    qtbot.waitUntil(lambda: not status.text().startswith("⚠"))
    assert status.styleSheet() == ""
    window.doc.undo_stack.redo()
    assert form.max_pages.value() == 4
    form.max_pages.setValue(8)
    qtbot.waitUntil(lambda: status.text().endswith("limit 8 pages"))
    assert status.styleSheet() == ""
    assert window.save()
    assert read_briefing(path).max_pages == 8
    assert "max-pages: 8\n" in path.read_text(encoding="utf-8")


def test_export_reports_real_pages_and_the_limit(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.open_briefing(_example_copy(tmp_path, max_pages=4))
    dialog = window.export_dialog()
    _export(qtbot, dialog, tmp_path / "pack.pdf")
    lines = dialog.status.text().splitlines()
    assert lines == [
        f"Exported to {tmp_path / 'pack.pdf'}",
        "PDF: 7 pages",
        "⚠ This briefing is 7 pages; its limit is 4",
    ]
    message = window.statusBar().currentMessage()
    assert message == (
        f"Exported to {tmp_path / 'pack.pdf'} — PDF: 7 pages. "
        "⚠ This briefing is 7 pages; its limit is 4"
    )
    assert "last export — PDF: 7 pages" in window.length_status.text()

    _export(qtbot, dialog, tmp_path / "draft.docx")
    assert dialog.status.text().splitlines()[1] == "Word: about 7 pages"
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(f"Exported to {tmp_path / 'draft.docx'} — Word: about 7 pages")
    )
    dialog.reject()

    # Any change to the briefing: what was said about the export no longer holds.
    window.doc.set_metadata("author", "Someone else")
    assert window.statusBar().currentMessage() == ""
    assert "last export" not in window.length_status.text()


def test_result_line_clears_when_a_choice_changes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.open_briefing(_example_copy(tmp_path))
    dialog = window.export_dialog()
    for n, change in enumerate(
        (
            lambda: dialog.format.setCurrentIndex(dialog.format.findData("docx")),
            lambda: dialog.style_box.setCurrentIndex(dialog.style_box.findData("numbered-notes")),
            lambda: dialog.path.setText(str(tmp_path / "other name.pdf")),
            lambda: dialog.path.setText(str(tmp_path / "sub" / "pack.pdf")),
            lambda: dialog.table.setChecked(not dialog.table.isChecked()),
        )
    ):
        _export(qtbot, dialog, tmp_path / f"pack {n}.pdf")
        assert dialog.status.text().startswith("Exported to")
        assert dialog.open_button.isVisibleTo(dialog)
        change()
        assert dialog.status.text() == ""
        assert not dialog.open_button.isVisibleTo(dialog)
    dialog.reject()


def test_export_choices_are_remembered_per_briefing(
    qtbot: QtBot, bundled: OpenedLibrary, dialogs: Dialogs, tmp_path: Path
) -> None:
    window = make_window(qtbot, bundled)
    path = _example_copy(tmp_path)
    assert window.open_briefing(path)
    packs = tmp_path / "packs"
    packs.mkdir()
    dialog = window.export_dialog()
    dialog.style_box.setCurrentIndex(dialog.style_box.findData("numbered-notes"))
    _export(qtbot, dialog, packs / "board.pdf")
    dialog.reject()

    data = json.loads(settings_path().read_text(encoding="utf-8"))
    [(key, choice)] = data["export_choices"].items()
    assert key.endswith("partnership.briefing.yaml")
    assert choice == {
        "format": "pdf",
        "style": "numbered-notes",
        "folder": str(packs),
        "annex": "no",
        "annex-ids": "no",
        "numbered-paragraphs": "no",
    }

    # The next time, in a new window, the dialog starts where this one left off.
    again = make_window(qtbot, bundled, settings=Settings.load())
    assert again.open_briefing(path)
    dialog = again.export_dialog()
    assert dialog.format.currentData() == "pdf"
    assert dialog.style_box.currentData() == "numbered-notes"
    assert Path(dialog.path.text()).parent == packs and dialog.path.text().endswith(".pdf")
    dialog.reject()

    # A new briefing, never saved, uses the last values used.
    again.act_new.trigger()
    dialog = again.export_dialog()
    assert dialog.format.currentData() == "pdf"
    assert dialog.style_box.currentData() == "numbered-notes"
    assert Path(dialog.path.text()).parent == packs
    dialog.reject()

    # Another briefing, never exported: the last values, but the style it names itself.
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    assert again.open_briefing(_example_copy(other_dir))
    dialog = again.export_dialog()
    assert dialog.format.currentData() == "pdf"
    assert dialog.style_box.currentData() == "harvard"
    assert Path(dialog.path.text()).parent == packs
    dialog.reject()
