"""The window title: "Name — Briefing Builder", with Qt's unsaved mark."""

from __future__ import annotations

from pathlib import Path

from briefing_builder.gui.main_window import MainWindow

from .conftest import Dialogs


def test_title_names_the_briefing_and_marks_unsaved_changes(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    # Never saved: the briefing's title stands for the name.
    assert window.windowTitle() == "Untitled briefing[*] — Briefing Builder"
    assert not window.isWindowModified()
    window.doc.set_metadata("title", "Board paper on partnerships")
    assert window.windowTitle() == "Board paper on partnerships[*] — Briefing Builder"
    assert window.isWindowModified()
    window.doc.set_metadata("title", "   ")
    assert window.windowTitle() == "Untitled briefing[*] — Briefing Builder"

    # Saved: the file's name without its extension; the title no longer shows.
    window.doc.set_metadata("title", "Board paper")
    dialogs.choose_file(tmp_path / "board 2026-12")
    assert window.save()
    assert window.windowTitle() == "board 2026-12[*] — Briefing Builder"
    assert not window.isWindowModified()
    window.doc.set_metadata("author", "Policy Unit")
    assert window.isWindowModified()
    window.doc.undo_stack.undo()
    assert not window.isWindowModified()


def test_a_file_not_named_briefing_yaml_loses_its_last_extension(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "notes.v2.yaml"
    path.write_text("briefing: 1\ntitle: T\n", encoding="utf-8")
    assert window.open_briefing(path)
    assert window.windowTitle() == "notes.v2[*] — Briefing Builder"
