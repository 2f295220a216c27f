"""The setting "Require a protective marking before export": the export dialog refuses a briefing
without a marking, says so plainly and takes the officer to the marking field."""

from __future__ import annotations

from pathlib import Path

import docx
from pytestqt.qtbot import QtBot

from briefing_builder.core.settings import Settings
from briefing_builder.gui.main_window import MainWindow

from .helpers import settle


def test_export_without_a_marking_is_refused_when_required(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.show()
    assert window.doc.briefing.marking == ""
    dialog = window.export_dialog()
    assert not dialog.require_marking.isChecked()  # off unless the officer turns it on
    dialog.require_marking.setChecked(True)
    assert window.settings.require_marking
    assert Settings.load().require_marking  # saved for next time
    target = tmp_path / "paper.docx"
    dialog.path.setText(str(target))
    dialog.start()
    text = dialog.status.text()
    assert "Nothing was exported" in text and "no protective marking" in text
    assert "Briefing details → Marking" in text
    assert not target.exists() and dialog.output is None
    assert dialog.marking_button.isVisible()
    dialog.marking_button.click()
    settle(qtbot)
    panel = window.briefing_panel
    assert panel.currentWidget() is panel.details
    marking = panel.details.marking
    qtbot.waitUntil(lambda: marking.hasFocus() or marking.lineEdit().hasFocus(), timeout=2000)

    # With a marking set, the same export goes ahead.
    panel.details.marking.setCurrentText("OFFICIAL")
    dialog = window.export_dialog()
    assert dialog.require_marking.isChecked()  # the setting is remembered
    dialog.path.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=60000)
    assert dialog.wait()
    assert dialog.output == target
    assert docx.Document(str(target)).paragraphs[0].text == "OFFICIAL"
    dialog.reject()
