"""File → Export…: the dialog exports off the UI thread and reports success or failure plainly."""

from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(open_library(bundled_library()))
    qtbot.addWidget(window)
    assert window.open_briefing(EXAMPLE)
    return window


def test_export_pdf_and_docx_from_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    dialog = window.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.path.setText(str(tmp_path / "committee.pdf"))
    dialog.table.setChecked(True)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.output is not None, timeout=60000)
    assert dialog.open_button.isVisible() and dialog.folder_button.isVisible()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "committee.pdf").pages)
    assert window.doc.briefing.title.split()[0] in text
    assert "≠" in text

    dialog.format.setCurrentIndex(dialog.format.findData("docx"))
    assert dialog.path.text().endswith("committee.docx")
    dialog.style_box.setCurrentIndex(dialog.style_box.findData("numbered-notes"))
    dialog.start()
    qtbot.waitUntil(
        lambda: dialog.output is not None and dialog.output.suffix == ".docx", timeout=60000
    )
    doc = DocxDocument(str(tmp_path / "committee.docx"))
    assert doc.core_properties.title == window.doc.briefing.title
    dialog.reject()


def test_failed_export_says_why_and_writes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    dialog = window.export_dialog()
    target = tmp_path / "missing-folder" / "out.pdf"
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: "Nothing was exported" in dialog.status.text(), timeout=30000)
    assert "does not exist" in dialog.status.text()
    assert not target.parent.exists()
    assert dialog.export_button.isEnabled()
    dialog.reject()


def test_export_a_web_page_from_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    """A typed .html chooses the web page format; the page written is the briefing."""
    from bs4 import BeautifulSoup

    window = _window(qtbot)
    dialog = window.export_dialog()
    assert dialog.format.findText("Web page (HTML)") >= 0
    dialog.path.setText(str(tmp_path / "intranet.html"))
    dialog.path.textEdited.emit(dialog.path.text())
    assert dialog.format.currentData() == "html"
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.path.text().endswith("intranet.pdf")
    dialog.path.setText(str(tmp_path / "intranet.htm"))
    dialog.path.textEdited.emit(dialog.path.text())
    assert dialog.format.currentData() == "html"
    dialog.start()
    qtbot.waitUntil(lambda: dialog.output is not None, timeout=60000)
    soup = BeautifulSoup((tmp_path / "intranet.htm").read_text(encoding="utf-8"), "html.parser")
    assert soup.h1 is not None and soup.h1.get_text() == window.doc.briefing.title
    assert dialog.report is not None and dialog.report.format == "html"
    assert dialog.report.length_text.startswith("Web page: about ")
    assert dialog.report.length_text.endswith(" when printed")
    assert "Web page: about" in window.statusBar().currentMessage()
    dialog.reject()
