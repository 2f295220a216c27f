"""The export dialog's committee options: numbered paragraphs and the evidence annex (with or
without finding ids), read back from the files written and remembered for the next export."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from briefing_builder.core.cache import open_library
from briefing_builder.core.paths import bundled_library
from briefing_builder.core.settings import Settings
from briefing_builder.gui.export_dialog import ExportDialog
from briefing_builder.gui.main_window import MainWindow
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"


def _window(qtbot: QtBot, briefing: Path) -> MainWindow:
    window = MainWindow(open_library(bundled_library()))
    qtbot.addWidget(window)
    assert window.open_briefing(briefing)
    return window


def _export(qtbot: QtBot, dialog: ExportDialog, target: Path) -> str:
    dialog.format.setCurrentIndex(dialog.format.findData(target.suffix[1:]))
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
    assert dialog.wait()
    return "\n".join(p.extract_text() for p in PdfReader(target).pages)


def test_numbered_paragraphs_and_annex_from_the_dialog_are_remembered(
    qtbot: QtBot, tmp_path: Path
) -> None:
    briefing = tmp_path / "pack.briefing.yaml"
    briefing.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "library: ../evidence", f"library: {bundled_library()}"
        ),
        encoding="utf-8",
    )
    window = _window(qtbot, briefing)
    dialog = window.export_dialog()
    assert not dialog.numbered.isChecked() and not dialog.table.isChecked()
    assert not dialog.annex_ids.isEnabled()  # only with the annex
    dialog.numbered.setChecked(True)
    dialog.table.setChecked(True)
    assert dialog.annex_ids.isEnabled()
    dialog.annex_ids.setChecked(True)
    text = _export(qtbot, dialog, tmp_path / "pack.pdf")
    assert re.search(r"^1\.1 ?Every source agrees", text, re.M)
    assert "Paragraph 1.2" in text and "Finding id" in text and "copacc-2015-" in text
    pages = PdfReader(tmp_path / "pack.pdf").pages
    assert pages[-1].mediabox.width > pages[-1].mediabox.height
    # The status bar says how long it came out, as the command line does.
    assert window.statusBar().currentMessage() == (
        f"Exported to {tmp_path / 'pack.pdf'} — PDF: {len(pages)} pages"
    )
    dialog.reject()

    # The choices are remembered for this briefing (and kept in the settings file).
    choice = Settings.load().export_choice(briefing)
    assert choice["numbered-paragraphs"] == "yes" and choice["annex-ids"] == "yes"
    again = window.export_dialog()
    assert again.numbered.isChecked() and again.table.isChecked() and again.annex_ids.isChecked()
    again.numbered.setChecked(False)
    again.table.setChecked(False)
    text = _export(qtbot, again, tmp_path / "plain.pdf")
    assert not re.search(r"^1\.1 ?Every source agrees", text, re.M)
    assert "Annex" not in text
    assert again.options().annex_ids is False  # no ids without the annex
    again.reject()


def test_a_briefing_that_numbers_its_paragraphs_starts_the_box_ticked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    briefing = tmp_path / "numbered.briefing.yaml"
    briefing.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        .replace("library: ../evidence", f"library: {bundled_library()}")
        .replace("\ntitle:", "\nnumbering: paragraphs\ntitle:", 1),
        encoding="utf-8",
    )
    window = _window(qtbot, briefing)
    dialog = window.export_dialog()
    assert dialog.numbered.isChecked()
    text = _export(qtbot, dialog, tmp_path / "numbered.pdf")
    assert re.search(r"^1\.1 ?Every source agrees", text, re.M)
    dialog.reject()
    # Another briefing, never exported, does not take this one's numbering.
    settings = Settings.load()
    assert "numbered-paragraphs" not in settings.export_choice(tmp_path / "other.briefing.yaml")
