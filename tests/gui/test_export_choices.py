"""File → Export…: an existing file is replaced only when the officer says so, and a typed
.pdf or .docx chooses the format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from briefing_builder.gui.export_dialog import ExportDialog
from briefing_builder.gui.main_window import MainWindow

Button = QMessageBox.StandardButton


def export_and_wait(qtbot: QtBot, dialog: ExportDialog) -> None:
    dialog.start()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=60000)
    assert dialog.wait()


def test_an_existing_file_is_replaced_only_when_confirmed(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "committee.docx"
    target.write_bytes(b"the clerk's edited copy")
    dialog = window.export_dialog()
    dialog.path.setText(str(target))

    dialogs.answer(Button.Cancel)
    dialog.start()
    assert dialogs.titles("question") == ["Replace the existing file?"]
    assert "committee.docx" in dialogs.calls[-1][2]
    assert dialog.output is None and dialog.export_button.isEnabled()
    assert target.read_bytes() == b"the clerk's edited copy"
    assert "Not exported" in dialog.status.text()

    dialogs.answer(Button.Yes)
    export_and_wait(qtbot, dialog)
    assert dialog.output == target
    assert DocxDocument(str(target)).core_properties.title == window.doc.briefing.title
    dialog.reject()


def test_a_new_file_is_written_without_asking(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.export_dialog()
    dialog.path.setText(str(tmp_path / "new.docx"))
    export_and_wait(qtbot, dialog)
    assert (tmp_path / "new.docx").is_file()
    assert dialogs.titles("question") == []
    dialog.reject()


@pytest.mark.parametrize(
    ("typed", "written", "fmt"),
    [
        ("briefing.pdf", "briefing.pdf", "pdf"),
        ("Briefing.PDF", "Briefing.PDF", "pdf"),
        ("briefing", "briefing.docx", "docx"),
        ("v1.2 briefing", "v1.2 briefing.docx", "docx"),
    ],
)
def test_a_typed_extension_chooses_the_format(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, typed: str, written: str, fmt: str
) -> None:
    dialog = window.export_dialog()
    assert dialog.format.currentData() == "docx"
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(tmp_path / typed))
    export_and_wait(qtbot, dialog)
    assert dialog.format.currentData() == fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == [written]
    head = (tmp_path / written).read_bytes()[:4]
    assert head == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    dialog.reject()


def test_browse_takes_the_typed_extension_or_the_chosen_type(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [
        (str(tmp_path / "x.pdf"), "Word document (.docx) (*.docx)"),
        (str(tmp_path / "y"), "PDF for a committee pack (.pdf) (*.pdf)"),
        (str(tmp_path / "z"), "Word document (.docx) (*.docx)"),
    ]

    def save_dialog(*_a: Any, **_k: Any) -> tuple[str, str]:
        return answers.pop(0)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    dialog = window.export_dialog()
    for name, fmt in [("x.pdf", "pdf"), ("y.pdf", "pdf"), ("z.docx", "docx")]:
        dialog._browse()
        assert Path(dialog.path.text()).name == name
        assert dialog.format.currentData() == fmt
    dialog.reject()


def test_a_file_chosen_in_the_file_dialog_is_not_asked_about_twice(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "chosen.docx"
    target.write_bytes(b"old")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    dialog = window.export_dialog()
    dialog._browse()  # the file dialog asks about replacing it
    export_and_wait(qtbot, dialog)
    assert dialogs.titles("question") == []
    assert target.read_bytes()[:2] == b"PK"
    # Exporting again to it asks: it may have been edited since.
    dialogs.answer(Button.Cancel)
    dialog.start()
    assert dialogs.titles("question") == ["Replace the existing file?"]
    dialog.reject()
