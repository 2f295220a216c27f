"""File → Add source document… driven as an officer drives it: a PDF with printed page labels
read on its own thread, the form filled, the source added and in the window's library at once; a
Word file with an imported BibTeX reference; a pasted reference; a stopped reading, an encrypted
PDF and a refused id, each with nothing written."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAccessible, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from briefing_builder.core.loader import load_library
from briefing_builder.gui import add_source_dialog
from briefing_builder.gui.add_source_dialog import AddSourceDialog
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import BUNDLED
from tests.curation.documents import PDF_LABELS, make_docx, make_pdf, make_scanned_pdf
from tests.curation.test_reference import BIBTEX, RIS

from .conftest import Dialogs
from .helpers import switch_library, wait_for_library

# Set ADD_SOURCE_SHOTS to a folder to look at the dialog at each step.
SHOTS = Path(os.environ["ADD_SOURCE_SHOTS"]) if os.environ.get("ADD_SOURCE_SHOTS") else None


def shot(widget: QDialog, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(exist_ok=True)
        QApplication.processEvents()
        widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def library(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Path:
    """The window working on a copy of the bundled library (never the bundled one itself)."""
    root = tmp_path / "library"
    shutil.copytree(BUNDLED, root)
    switch_library(qtbot, window, root)
    return window.opened.library.root


def open_dialog(window: MainWindow) -> AddSourceDialog:
    window.sources.act_add_source.trigger()
    dialog = window.sources.add_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def read(qtbot: QtBot, dialog: AddSourceDialog, path: Path) -> None:
    dialog.set_document(path)
    qtbot.waitUntil(lambda: not dialog.reading, timeout=60000)


def sources(root: Path) -> list[dict[str, object]]:
    return yaml.safe_load((root / "sources.yaml").read_text(encoding="utf-8"))["references"]


def test_add_a_pdf_and_find_it_in_the_window(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    assert window.sources.act_add_source in window.menuBar().actions()[0].menu().actions()
    before = (library / "sources.yaml").read_bytes()
    dialog = open_dialog(window)
    shot(dialog, "1-empty")
    assert not dialog.add_button.isEnabled()
    read(qtbot, dialog, make_pdf(tmp_path / "review.pdf"))
    shot(dialog, "2-read")
    assert dialog.extracted is not None
    assert "5 pages, printed i to A-1, 4 headings" in dialog.document_message.text()
    assert (dialog.progress.value(), dialog.progress.maximum()) == (5, 5)  # page by page
    # The preview shows page 1 is the third page of the file.
    preview = dialog.preview.toPlainText()
    assert "Page i (page 1 of the file)" in preview
    assert "Page 1 (page 3 of the file)" in preview.split("demonstrate added value")[0]
    # The title comes from the document; the rest is typed.
    form = dialog.form
    assert form.fields["title"].text() == "Partnership Working Review"
    form.authors.add_row("Smith", "Jo")
    form.authors.add_row("Home Office")
    form.issued.setText("2024-3")
    form.fields["publisher"].setText("Home Office")
    qtbot.keyClicks(form.fields["URL"], "https://example.org/review")
    assert form.accessed.text()  # today, once a web address is typed
    form.accessed.setText("2025-03-03")
    assert dialog.id_edit.text() == "smith-2024"
    shot(dialog, "3-filled")
    assert dialog.add_button.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=60000) as closed:
        dialog.add_button.click()
        # Written on a thread of its own: the dialog says so, and cannot be added twice.
        assert dialog.adding and not dialog.add_button.isEnabled()
        assert dialog.add_message.text() == "Adding the source and checking the library…"
    assert closed.args == [QDialog.DialogCode.Accepted]
    wait_for_library(qtbot, window)

    # The text file, the sources.yaml entry after every byte that was there, the window's library.
    text = (library / "texts" / "smith-2024.txt").read_text(encoding="utf-8")
    assert text.count("\f") == 4 and "demonstrate added value" in text
    after = (library / "sources.yaml").read_bytes()
    assert after.startswith(before)
    entry = sources(library)[-1]
    assert entry == {
        "id": "smith-2024",
        "type": "report",
        "title": "Partnership Working Review",
        "author": [{"family": "Smith", "given": "Jo"}, {"literal": "Home Office"}],
        "publisher": "Home Office",
        "URL": "https://example.org/review",
        "issued": {"date-parts": [[2024, 3]]},
        "accessed": {"date-parts": [[2025, 3, 3]]},
        "text": "texts/smith-2024.txt",
        "page-labels": ["i", "ii", "1", "2", "A-1"],
    }
    src = window.opened.library.source("smith-2024")
    assert src is not None and src.page_labels == tuple(PDF_LABELS)
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Added “Partnership Working Review” to the library as source 'smith-2024'")
    )
    assert not load_library(library).errors


def test_word_document_with_an_imported_bibtex_reference(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path, dialogs: Dialogs
) -> None:
    dialog = open_dialog(window)
    read(qtbot, dialog, make_docx(tmp_path / "csp.docx"))
    bib = tmp_path / "ref.bib"
    bib.write_text(BIBTEX, encoding="utf-8")
    dialogs.choose_file(bib)
    dialog.import_button.click()
    shot(dialog, "4-bibtex")
    assert "Filled from ref.bib" in dialog.reference_message.text()
    csl = dialog.form.csl()
    assert csl["type"] == "report"
    assert dialog.id_edit.text() == "smith-2024"
    # The officer's own id wins over the proposal, and stays when the form changes.
    dialog.id_edit.clear()
    qtbot.keyClicks(dialog.id_edit, "csp-review")
    dialog.form.fields["publisher"].setText("Another publisher")
    assert dialog.id_edit.text() == "csp-review"
    with qtbot.waitSignal(dialog.finished, timeout=60000):
        dialog.add_button.click()
    wait_for_library(qtbot, window)
    entry = sources(library)[-1]
    assert entry["id"] == "csp-review" and entry["title"] == csl["title"]
    assert entry["publisher"] == "Another publisher"
    assert window.opened.library.source("csp-review") is not None
    assert "# 1 Background" in (library / "texts" / "csp-review.txt").read_text(encoding="utf-8")


def test_pasted_ris_reference_and_an_unreadable_paste(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    dialog = open_dialog(window)
    QApplication.clipboard().setText("this is not a reference")
    dialog.paste_button.click()
    assert "not a reference this can read" in dialog.reference_message.text()
    QApplication.clipboard().setText(RIS)
    dialog.paste_button.click()
    assert dialog.form.fields["title"].text()
    assert dialog.form.csl()["author"][0]["family"] == "Patel"
    assert dialog.id_edit.text() == "patel-2019"


def test_id_and_date_are_checked_as_typed(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(window)
    read(qtbot, dialog, make_pdf(tmp_path / "review.pdf"))
    dialog.id_edit.setText("n8prp")
    assert "already has a source 'n8prp'" in dialog.id_reason.text()
    assert not dialog.add_button.isEnabled()
    dialog.id_edit.setText("Bad Id")
    assert "a-z, 0-9 and '-'" in dialog.id_reason.text()
    dialog.id_edit.setText("review-2024")
    assert dialog.id_reason.text() == ""
    dialog.form.issued.setText("March 2024")
    assert dialog.form.issued_reason.isVisibleTo(dialog)
    assert not dialog.add_button.isEnabled()
    assert "the date issued" in dialog.add_message.text()
    dialog.form.issued.setText("")  # unknown stays unknown
    assert dialog.add_button.isEnabled()
    assert "issued" not in dialog.form.csl()


def test_a_stopped_reading_writes_nothing(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    before = (library / "sources.yaml").read_bytes()
    texts = sorted(p.name for p in (library / "texts").iterdir())
    dialog = open_dialog(window)
    dialog.set_document(make_pdf(tmp_path / "review.pdf"))
    reading = dialog._reading
    assert reading is not None
    assert dialog.reading and dialog.progress_box.isVisibleTo(dialog)
    dialog.stop_button.click()
    assert not dialog.reading
    assert "Stopped reading review.pdf; nothing was added" in dialog.document_message.text()
    # The thread ends (at the next page, or having read it all); what it read never comes back.
    qtbot.waitUntil(lambda: not reading.job.running, timeout=60000)
    QApplication.processEvents()
    assert dialog.extracted is None and dialog.preview.toPlainText() == ""
    assert not dialog.add_button.isEnabled()
    dialog.reject()
    assert (library / "sources.yaml").read_bytes() == before
    assert sorted(p.name for p in (library / "texts").iterdir()) == texts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("locked.pdf", "is encrypted (password-protected)"),
        ("scan.pdf", "looks like a scanned document"),
        ("broken.docx", "cannot be read as a Word document"),
        ("slides.pptx", "is a PowerPoint file"),
    ],
)
def test_hostile_documents_show_the_core_message(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path, name: str, expected: str
) -> None:
    before = (library / "sources.yaml").read_bytes()
    path = tmp_path / name
    if name == "scan.pdf":
        make_scanned_pdf(path)
    elif name.endswith(".pdf"):
        make_pdf(path, password="secret")
    else:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    dialog = open_dialog(window)
    read(qtbot, dialog, path)
    shot(dialog, f"5-{name}")
    assert dialog.document_message.text().startswith(f"{name} ")  # short: the field has it all
    assert expected in dialog.document_message.text()
    assert "Nothing was added to the library." in dialog.document_message.text()
    assert dialog.extracted is None and not dialog.add_button.isEnabled()
    dialog.reject()
    assert (library / "sources.yaml").read_bytes() == before


def test_a_refusal_keeps_the_form(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(window)
    read(qtbot, dialog, make_pdf(tmp_path / "review.pdf"))
    dialog.form.authors.add_row("Smith", "Jo")
    assert dialog.id_edit.text() == "smith-nd"
    # A colleague adds a source with that id meanwhile: the core refuses, nothing typed is lost.
    with open(library / "sources.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n  - id: smith-nd\n    type: report\n    title: Another report\n")
    before = (library / "sources.yaml").read_bytes()
    dialog.add_button.click()
    qtbot.waitUntil(lambda: not dialog.adding, timeout=60000)
    assert dialog.isVisible() and dialog.added is None
    assert "already has a source 'smith-nd'" in dialog.add_message.text()
    assert dialog.form.authors.names() == [{"family": "Smith", "given": "Jo"}]
    assert (library / "sources.yaml").read_bytes() == before
    assert not (library / "texts" / "smith-nd.txt").exists()
    assert not dialog.add_button.isEnabled()  # the id is now taken
    dialog.reject()


def test_the_dialog_stays_until_the_source_being_added_is_in(
    qtbot: QtBot,
    window: MainWindow,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = threading.Event()
    write = add_source_dialog.add_source

    def held(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(60), "the test never let the write go"
        return write(*args, **kwargs)

    monkeypatch.setattr(add_source_dialog, "add_source", held)
    dialog = open_dialog(window)
    read(qtbot, dialog, make_pdf(tmp_path / "review.pdf"))
    dialog.form.authors.add_row("Smith", "Jo")
    dialog.add_button.click()
    assert dialog.adding
    # Cancel while it is being written: a write is never cut half-way, the dialog says so.
    dialog.reject()
    assert dialog.isVisible() and dialog.adding
    assert "closes when it is done" in dialog.add_message.text()
    with qtbot.waitSignal(dialog.finished, timeout=60000) as closed:
        gate.set()
    assert closed.args == [QDialog.DialogCode.Accepted]
    wait_for_library(qtbot, window)
    assert window.opened.library.source("smith-nd") is not None


def test_a_read_only_library_cannot_have_sources_added(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.sources.act_add_source.isEnabled()
    root = tmp_path / "shared"
    shutil.copytree(BUNDLED, root)
    meta = root / "library.yaml"
    meta.write_text("read-only: true\n" + meta.read_text(encoding="utf-8"), encoding="utf-8")
    switch_library(qtbot, window, root)
    action = window.sources.act_add_source
    assert not action.isEnabled()
    assert "marked read-only" in action.toolTip() and "read-only: true" in action.statusTip()
    assert window.sources.add_source() is None and window.sources.add_dialog is None
    # Back on a library that can be changed, it can be used again.
    other = tmp_path / "own"
    shutil.copytree(BUNDLED, other)
    switch_library(qtbot, window, other)
    assert action.isEnabled() and action.toolTip().startswith("Add a report")


def test_a_document_dropped_on_the_dialog_is_read(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "dropped.pdf")
    dialog = open_dialog(window)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(pdf))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(event)
    assert dialog.path_edit.text() == str(pdf)
    qtbot.waitUntil(lambda: not dialog.reading, timeout=60000)
    assert dialog.extracted is not None and dialog.extracted.pages == 5
    dialog.reject()


def test_every_control_of_both_dialogs_has_a_name(window: MainWindow) -> None:
    """What a screen reader says for each control a keyboard user reaches."""
    for dialog in (open_dialog(window), window.sources.new_library()):
        assert dialog is not None
        reached = [
            w
            for w in dialog.findChildren(QWidget)
            if w.window() is dialog
            and w.isVisibleTo(dialog)
            and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox, QLineEdit))
            and (w.focusPolicy() & Qt.FocusPolicy.TabFocus or isinstance(w, QAbstractButton))
        ]
        assert len(reached) >= 8
        for w in reached:
            iface = QAccessible.queryAccessibleInterface(w)
            assert iface is not None and iface.text(QAccessible.Text.Name).strip(), w
        dialog.reject()
