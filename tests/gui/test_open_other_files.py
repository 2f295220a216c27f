"""Opening a Word document or a library file as a briefing says what it is and what to do."""

from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument

from briefing_builder.gui.main_window import MainWindow
from tests.conftest import BUNDLED


def test_opening_a_word_document(window: MainWindow, tmp_path: Path, dialogs) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "Partnership working.docx"
    DocxDocument().save(str(path))
    dialogs.answer(None)
    assert not window.open_briefing(path)
    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("warning", "Cannot open briefing")
    assert "this is a Word document, not a briefing file" in text
    assert "UTF-8" not in text
    assert window.doc.path is None  # nothing replaced the briefing being edited


def test_opening_a_librarys_library_yaml(window: MainWindow, dialogs) -> None:  # type: ignore[no-untyped-def]
    dialogs.answer(None)
    assert not window.open_briefing(BUNDLED / "library.yaml")
    text = dialogs.calls[-1][2]
    assert "this is an evidence library's library.yaml" in text
    assert "File → Open library…" in text
    assert "unknown key" not in text
