"""Issue 11's "Done when", in the app alone: File → New library… makes a library in an empty
folder; File → Add source document… reads a new report (a PDF made here, whose printed page 1 is
its third page, with bookmarks) and adds it with its reference; ten findings are curated from it
in the source reader — two of them leaving words out — and are seen in the filters; they go into
a briefing, the first by a drag from the list onto the outline; the briefing is exported to Word
and PDF through the export dialog; both cite the printed pages, and the library's check finds
nothing wrong."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QDrag
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from briefing_builder.core.loader import load_library
from briefing_builder.gui.export_dialog import ExportDialog
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.new_finding_dialog import NewFindingDialog
from briefing_builder.gui.new_library_dialog import DESCRIPTION, ID, LABEL

from .curating import facet_counts, read_source, select_words, tick_themes
from .helpers import list_ids, settle, wait_for_library
from .test_outline_dnd import send_drag

# The new library's themes, typed in the New library dialog in place of the starter ones.
THEMES = [
    ("trust", "Trust between partners", "How partners come to rely on each other."),
    ("data", "Data and information sharing", "What partners can and cannot see."),
    ("money", "Money and funding", "Budgets, pooling and how long funding lasts."),
]

# The report's pages: cover (i), contents (ii), then printed pages 1-3. Each line is drawn as
# it stands; a bookmark marks each page's first line.
PAGES: list[list[str]] = [
    ["Partnerships in the North", "A review for the Home Office"],
    ["Contents", "1 Introduction", "2 What we found", "3 What should change"],
    [
        "1 Introduction",
        "Community safety partnerships bring the police and councils together.",
        "The review visited twelve partnerships over two years.",
        "Leaders said shared budgets made joint work possible.",
        "Several partnerships had no written agreement at all.",
    ],
    [
        "2 What we found",
        "Information sharing was the hardest thing to get right.",
        "Officers could not see the records held by social workers.",
        "Trust between partners took years to build and days to lose.",
        "Co-located teams resolved cases faster than separate ones.",
    ],
    [
        "3 What should change",
        "Every partnership should publish a data sharing agreement.",
        "Funding should be pooled for at least three years.",
        "Partners should train together twice a year.",
    ],
]
LABELS = ["i", "ii", "1", "2", "3"]

# (first part, second part or None, themes, kind): ten findings, two in two parts.
PLAN: list[tuple[str, str | None, list[str], str]] = [
    (
        "Community safety partnerships bring the police and councils together.",
        None,
        ["trust"],
        "key-finding",
    ),
    ("The review visited twelve partnerships", None, ["trust"], "key-finding"),
    ("Leaders said shared budgets", "made joint work possible.", ["money"], "quote"),
    ("Several partnerships had no written agreement at all.", None, ["data"], "key-finding"),
    ("Information sharing was the hardest thing to get right.", None, ["data"], "key-finding"),
    ("Officers could not see the records held by social workers.", None, ["data"], "quote"),
    ("Trust between partners took years to build", "and days to lose.", ["trust"], "quote"),
    (
        "Co-located teams resolved cases faster than separate ones.",
        None,
        ["trust", "data"],
        "example",
    ),
    (
        "Every partnership should publish a data sharing agreement.",
        None,
        ["data"],
        "recommendation",
    ),
    ("Funding should be pooled for at least three years.", None, ["money"], "recommendation"),
]
# The printed page each finding is on.
PAGE_OF = ["1", "1", "1", "1", "2", "2", "2", "2", "3", "3"]


def make_report(path: Path) -> Path:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Partnerships in the North")
    for n, lines in enumerate(PAGES):
        y = 780
        for k, line in enumerate(lines):
            heading = k == 0
            c.setFont("Helvetica-Bold" if heading else "Helvetica", 16 if heading else 10)
            c.drawString(72, y, line)
            y -= 30 if heading else 20
        if n >= 2:
            key = f"page{n}"
            c.bookmarkPage(key)
            c.addOutlineEntry(lines[0], key, level=0)
        c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.set_page_label(0, 1, style="/r")
    writer.set_page_label(2, 4, style="/D", start=1)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def curate(window: MainWindow, qtbot: QtBot) -> list[str]:
    """The ten findings, made in the reader as the officer makes them; their ids."""
    reader = read_source(qtbot, window, "north-2023")
    ids = []
    for first, second, themes, kind in PLAN:
        _start, end = select_words(reader, first)
        window.curation.act_new_finding.trigger()
        dialog = window.curation.new_finding_dialog
        assert isinstance(dialog, NewFindingDialog)
        if second is not None:
            select_words(reader, second, end)
            assert dialog.add_part()
        dialog.fields.kind.setCurrentIndex(dialog.fields.kind.findData(kind))
        tick_themes(dialog, *themes)
        assert dialog.save_button.isEnabled(), dialog.problem.text()
        dialog.try_save()
        settle(qtbot)
        assert window.curation.new_finding_dialog is None, dialog.problem.text()
        assert window.detail.finding is not None
        ids.append(window.detail.finding.id)
    return ids


def new_library(qtbot: QtBot, window: MainWindow, folder: Path) -> Path:
    """File → New library… into an empty folder, with the library's own three themes."""
    window.sources.act_new_library.trigger()
    dialog = window.sources.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.folder_edit.setText(str(folder))
    dialog.title_edit.setText("Community safety evidence")
    while dialog.themes.rowCount() > len(THEMES):
        dialog.themes.selectRow(dialog.themes.rowCount() - 1)
        dialog.remove_theme()
    for row, (tid, label, description) in enumerate(THEMES):
        dialog.themes.item(row, ID).setText(tid)
        dialog.themes.item(row, LABEL).setText(label)
        dialog.themes.item(row, DESCRIPTION).setText(description)
    assert dialog.theme_rows() == THEMES
    assert dialog.create_button.isEnabled(), dialog.message.text()
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    wait_for_library(qtbot, window)
    root = window.opened.library.root
    assert root == folder.resolve()
    assert window.model.rowCount() == 0
    return root


def add_report(qtbot: QtBot, window: MainWindow, pdf: Path) -> None:
    """File → Add source document… with the PDF, its reference typed in the form."""
    window.sources.act_add_source.trigger()
    dialog = window.sources.add_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_document(pdf)
    qtbot.waitUntil(lambda: not dialog.reading, timeout=60000)
    assert dialog.extracted is not None
    assert "5 pages, printed i to 3, 3 headings" in dialog.document_message.text()
    form = dialog.form
    assert form.fields["title"].text() == "Partnerships in the North"  # from the PDF
    form.authors.add_row("Home Office")
    form.issued.setText("2023")
    form.short.setText("Home Office 2023")
    dialog.id_edit.setText("north-2023")
    assert dialog.id_reason.text() == ""
    assert dialog.add_button.isEnabled(), dialog.add_message.text()
    # The write runs in the background; the dialog closes once the source is in.
    with qtbot.waitSignal(dialog.finished, timeout=60000):
        dialog.add_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    wait_for_library(qtbot, window)


def select_findings(window: MainWindow, ids: list[str]) -> None:
    """Select these findings in the list, as Ctrl+clicks on each would."""
    rows = list_ids(window)
    selection = QItemSelection()
    for fid in ids:
        index = window.model.index(rows.index(fid))
        selection.select(index, index)
    window.list.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def drag_to_outline(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, finding_id: str, target: QPoint
) -> Qt.DropAction:
    """Press on the finding in the list and move the mouse past the drag distance, so the list
    starts its drag; the drag then moves over the outline at ``target`` and drops there. (The
    offscreen platform runs no drag of its own: ``QDrag.exec`` is stood in for by what the
    window system would send the outline. test_real_drag.py does it on a real X server.)"""
    dropped: list[bool] = []

    def exec_(drag: QDrag, *_actions: Qt.DropAction) -> Qt.DropAction:
        moved, accepted = send_drag(window.outline.viewport(), target, drag.mimeData())
        dropped.append(moved and accepted)
        return Qt.DropAction.CopyAction if moved and accepted else Qt.DropAction.IgnoreAction

    monkeypatch.setattr(QDrag, "exec", exec_)
    view, index = window.list, window.model.index(list_ids(window).index(finding_id))
    view.scrollTo(index)
    start = view.visualRect(index).center()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(view.viewport(), left, none, start)
    QTest.mouseMove(view.viewport(), start + QPoint(4, 0))
    QTest.mouseMove(view.viewport(), start + QPoint(4 + QApplication.startDragDistance() * 3, 0))
    QTest.mouseRelease(view.viewport(), left, none, start)
    assert len(dropped) == 1, "the press and move did not start a drag"
    return Qt.DropAction.CopyAction if dropped[0] else Qt.DropAction.IgnoreAction


def test_a_new_report_curated_into_a_briefing_with_printed_page_locators(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_library(qtbot, window, tmp_path / "library")
    add_report(qtbot, window, make_report(tmp_path / "north.pdf"))
    source = window.opened.library.source("north-2023")
    assert source is not None
    assert source.page_labels == tuple(LABELS)

    ids = curate(window, qtbot)
    assert len(set(ids)) == 10
    lib = window.opened.library
    findings = [lib.finding(i) for i in ids]
    assert all(f is not None for f in findings)
    assert [f.locator.label for f in findings if f] == ["page"] * 10
    assert [f.locator.value for f in findings if f] == PAGE_OF
    two_parts = [f.text for f in findings if f and " … " in f.text]
    assert two_parts == [
        "Leaders said shared budgets … made joint work possible.",
        "Trust between partners took years to build … and days to lose.",
    ]

    # In the filters: the new source with its ten findings, and the themes' counts.
    assert facet_counts(window, "sources")["north-2023"] == 10
    window.filters.set_filter(window.filters.current.with_values("sources", {"north-2023"}))
    assert sorted(list_ids(window)) == sorted(ids)
    assert facet_counts(window, "themes") == {"trust": 4, "data": 5, "money": 2}

    # Into the briefing: the first finding dragged with the mouse from the list onto the
    # outline's section...
    outline = window.briefing_panel.model
    assert outline.rowCount() >= 1
    target = window.outline.visualRect(outline.index(0, 0)).center()
    assert drag_to_outline(window, monkeypatch, ids[0], target) == Qt.DropAction.CopyAction
    settle(qtbot)
    assert window.doc.briefing.finding_ids() == [ids[0]]
    # ... the other nine with the add action, at once.
    select_findings(window, ids[1:])
    window.act_add.trigger()
    assert sorted(window.doc.briefing.finding_ids()) == sorted(ids)
    assert len(window.doc.briefing.finding_ids()) == 10  # the dragged one not added twice

    # Exported to Word and PDF: each cites the printed page, never the PDF's page number.
    for fmt in ("docx", "pdf"):
        window.act_export.trigger()  # File → Export…
        (dialog,) = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        target_file = tmp_path / f"briefing.{fmt}"
        dialog.path.setText(str(target_file))
        dialog.start()
        qtbot.waitUntil(lambda d=dialog, t=target_file: d.output == t, timeout=60000)  # type: ignore[misc]
        if fmt == "docx":
            doc = DocxDocument(str(target_file))
            text = "\n".join(p.text for p in doc.paragraphs)
            text += "\n".join(
                cell.text for table in doc.tables for row in table.rows for cell in row.cells
            )
        else:
            text = "\n".join(page.extract_text() for page in PdfReader(target_file).pages)
        flat = " ".join(text.split())
        # Each quote, word for word, cited at its printed page (the PDF's pages 3-5).
        for f, page in zip(findings, PAGE_OF, strict=True):
            assert f is not None
            assert f"{f.text} (Home Office, 2023, p. {page})" in flat, (fmt, f.text)
        assert "p. 4" not in flat and "p. 5" not in flat, fmt
        dialog.reject()

    # The library's check finds nothing wrong with what the app wrote.
    checked = load_library(root)
    assert checked.errors == []
    assert {f.id for f in checked.findings} == set(ids)
    assert {t.id for t in checked.themes} == {t[0] for t in THEMES}
