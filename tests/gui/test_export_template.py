"""The organisation's template in the export dialog: chosen with a file picker, checked at once,
remembered in the settings for the next export, and a template gone bad is shown, not raised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.settings import Settings
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO
from tests.export.test_template import pdf_images

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"
TEMPLATE = REPO / "resources" / "templates" / "example-unit.dotx"


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(open_library(bundled_library()))
    qtbot.addWidget(window)
    assert window.open_briefing(EXAMPLE)
    return window


def _pick(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )


def test_choose_a_template_export_with_it_and_it_is_remembered(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "unit.dotx"
    shutil.copy(TEMPLATE, template)
    window = _window(qtbot)
    dialog = window.export_dialog()
    assert dialog.template.path.text() == ""
    _pick(monkeypatch, template)
    dialog.template._choose()
    assert dialog.template.path.text() == str(template)
    assert window.settings.export_template == str(template)
    assert Settings.load().export_template == str(template)  # saved, not only in memory
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.path.setText(str(tmp_path / "branded.pdf"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.output is not None, timeout=60000)
    page = PdfReader(tmp_path / "branded.pdf").pages[0]
    assert pdf_images(page["/Resources"]), "the template's logo is not on page 1"
    dialog.reject()

    again = window.export_dialog()
    assert again.template.path.text() == str(template)
    again.format.setCurrentIndex(again.format.findData("docx"))
    again.path.setText(str(tmp_path / "branded.docx"))
    again.start()
    qtbot.waitUntil(lambda: again.output is not None, timeout=60000)
    doc = DocxDocument(str(tmp_path / "branded.docx"))
    assert str(doc.styles["Heading 1"].font.color.rgb) == "0B6E69"
    again.template.clear_button.click()
    assert window.settings.export_template is None
    again.reject()


def test_the_template_is_not_offered_for_the_web_page(qtbot: QtBot) -> None:
    window = _window(qtbot)
    dialog = window.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    assert not dialog.template.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.template.isEnabled()
    dialog.reject()


def test_a_bad_template_is_refused_when_chosen(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "minutes.docx"
    bad.write_text("not a Word file", encoding="utf-8")
    window = _window(qtbot)
    dialog = window.export_dialog()
    _pick(monkeypatch, bad)
    dialog.template._choose()
    assert dialog.template.path.text() == ""
    assert dialog.template.note.isVisibleTo(dialog)
    assert str(bad) in dialog.template.note.text()
    assert "is not a Word document" in dialog.template.note.text()
    assert window.settings.export_template is None
    dialog.reject()


def test_a_font_the_pdf_cannot_use_is_said_with_the_result(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "unit.dotx"
    shutil.copy(TEMPLATE, template)
    (tmp_path / "unit.yaml").write_text("font: Frutiger Nonexistent\n", encoding="utf-8")
    window = _window(qtbot)
    dialog = window.export_dialog()
    _pick(monkeypatch, template)
    dialog.template._choose()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.path.setText(str(tmp_path / "out.pdf"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.output is not None, timeout=60000)
    assert (
        "⚠ The template unit.dotx names the font Frutiger Nonexistent, which is not installed "
        "here, so the PDF uses DejaVu Sans." in dialog.status.text()
    )
    dialog.reject()


def test_a_remembered_template_since_gone_is_shown_on_export(qtbot: QtBot, tmp_path: Path) -> None:
    gone = tmp_path / "moved-away.dotx"
    window = _window(qtbot)
    window.settings.export_template = str(gone)
    dialog = window.export_dialog()
    target = tmp_path / "out.pdf"
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: "Nothing was exported" in dialog.status.text(), timeout=30000)
    assert str(gone) in dialog.status.text() and "does not exist" in dialog.status.text()
    assert not target.exists()
    dialog.reject()
