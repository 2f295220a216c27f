"""The reference form's row of fields it does not show ("Kept unchanged:"), in both dialogs
that use the form: its text is shown in full, at the dialog's own size and at a narrow one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from briefing_builder.curation.source_edit import source_entry
from briefing_builder.gui.add_source_dialog import AddSourceDialog
from briefing_builder.gui.reference_form import ReferenceForm
from briefing_builder.gui.source_editor import EditSourceDialog

from .curating import library_copy

SID = "scotgov-y4"  # a contributor, a genre and a long note the form does not show


def imported(root: Path) -> dict[str, object]:
    """A reference as a reference manager gives it: more than the form shows."""
    csl = {k: v for k, v in source_entry(root, SID).items() if k not in ("id", "short")}
    csl["container-title"] = "Journal of Scottish Policing Studies and Community Safety Research"
    csl["DOI"] = "10.1234/abcd.2024.56789"
    return csl


def fully_shown(form: ReferenceForm) -> None:
    kept = form.kept
    assert kept.isVisible() and form.kept_label.isVisible()
    assert kept.height() >= kept.heightForWidth(kept.width()), (kept.size(), kept.text())
    # Within the dialog, not cut off by its edge.
    dialog = kept.window()
    bottom = kept.mapTo(dialog, kept.rect().bottomLeft()).y()
    assert bottom <= dialog.height()


def edit_dialog(qtbot: QtBot, root: Path) -> QDialog:
    dialog = EditSourceDialog(SID, source_entry(root, SID), 3, lambda _c, _e: False)
    qtbot.addWidget(dialog)
    return dialog


def add_dialog(qtbot: QtBot, root: Path) -> QDialog:
    dialog = AddSourceDialog(root)
    qtbot.addWidget(dialog)
    dialog.form.set_csl(imported(root))
    return dialog


@pytest.mark.parametrize("make", [edit_dialog, add_dialog], ids=["edit source", "add source"])
@pytest.mark.parametrize("width", [None, 640, 520], ids=["own size", "640 px", "520 px"])
def test_the_fields_kept_are_shown_in_full(
    qtbot: QtBot, tmp_path: Path, make: object, width: int | None
) -> None:
    dialog = make(qtbot, library_copy(tmp_path))  # type: ignore[operator]
    form = dialog.form
    dialog.show()
    qtbot.waitExposed(dialog)
    if width is not None:
        dialog.resize(width, dialog.height())
    QApplication.processEvents()
    QApplication.processEvents()
    assert "note: Chapter 3" in form.kept.text()
    fully_shown(form)


def test_a_long_value_is_shortened_in_the_row_and_given_in_full_as_its_tip(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = library_copy(tmp_path)
    form = ReferenceForm()
    qtbot.addWidget(form)
    csl = imported(root)
    form.set_csl(csl)
    note = " ".join(str(csl["note"]).split())
    line = next(x for x in form.kept.text().splitlines() if x.startswith("note: "))
    assert line.endswith("…") and len(line) < len(note)
    assert note.startswith(line[len("note: ") : -1])
    assert f"note: {note}" in form.kept.toolTip()
    assert "DOI: 10.1234/abcd.2024.56789" in form.kept.text()
    # What is kept is given back as it was.
    assert form.csl()["note"] == csl["note"] and form.csl()["DOI"] == csl["DOI"]
    # A reference with nothing the form does not show has no such row.
    form.set_csl({"type": "report", "title": "A title"})
    assert form.kept.isHidden() and form.kept_label.isHidden() and not form.kept.toolTip()


def test_why_a_date_or_an_id_cannot_be_used_is_shown_in_full(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AddSourceDialog(library_copy(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.form.fields["title"].setText("A title")
    dialog.form.issued.setText("March 2024")
    dialog.id_edit.setText("copacc-2015")
    dialog.id_edit.textEdited.emit("copacc-2015")
    for _ in range(3):
        QApplication.processEvents()
    for reason in (dialog.form.issued_reason, dialog.id_reason):
        assert reason.isVisible() and reason.text()
        assert reason.height() >= reason.heightForWidth(reason.width()), reason.text()
    assert "already has a source" in dialog.id_reason.text()
