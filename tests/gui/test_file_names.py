"""Save As and Export propose the same safe file name from the title; the export dialog's
labels show their shortcut letter, not a literal '&'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from briefing_builder.gui.main_window import MainWindow

TITLE = "Partnership working: what works?"
NAME = "Partnership working - what works"


def test_save_as_proposes_a_safe_name(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    proposed: list[str] = []

    def save_dialog(_parent: Any, _title: str, start: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        proposed.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window.doc.set_metadata("title", TITLE)
    assert not window.save_as()
    assert Path(proposed[0]).name == f"{NAME}.briefing.yaml"


def test_export_proposes_the_same_name(qtbot: QtBot, window: MainWindow) -> None:
    window.doc.set_metadata("title", TITLE)
    dialog = window.export_dialog()
    assert Path(dialog.path.text()).name == f"{NAME}.docx"
    dialog.reject()


def test_export_dialog_labels_have_buddies(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.export_dialog()
    labels = {label.text(): label for label in dialog.findChildren(QLabel)}
    assert labels["Save &to"].buddy() is dialog.path
    for text, label in labels.items():
        if "&" in text.replace("&&", ""):
            assert label.buddy() is not None, f"{text!r} would show its '&'"
    dialog.reject()
