"""A library marked read-only (or whose files cannot be written) offers no curation: every
curation action is greyed out, and says why where the officer looks (tooltip, status tip)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from .curating import library_copy, read_source, select_words, window_on


def test_a_read_only_library_disables_curation_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    meta = root / "library.yaml"
    meta.write_text("read-only: true\n" + meta.read_text(encoding="utf-8"), encoding="utf-8")
    window = window_on(qtbot, root)
    curation = window.curation
    assert curation.read_only is not None and "read-only" in curation.read_only
    reader = read_source(qtbot, window, "scotgov-y4")
    select_words(reader, "All four case study police forces")
    actions = [
        a
        for name in ("act_new_finding", "act_edit_finding", "act_retire_finding", "act_themes")
        if (a := getattr(curation, name, None)) is not None
    ]
    assert actions
    for action in actions:
        assert not action.isEnabled(), action.text()
        assert action.toolTip() == curation.read_only
        assert action.statusTip() == curation.read_only
    assert not curation.reader_button.isEnabled()
    # Nothing opens, whatever the route.
    assert curation.new_finding() is None
    assert curation.new_finding_dialog is None


def test_a_writable_library_offers_new_finding_once_a_passage_is_selected(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = window_on(qtbot, library_copy(tmp_path))
    curation = window.curation
    assert curation.read_only is None
    reader = read_source(qtbot, window, "scotgov-y4")
    assert not curation.act_new_finding.isEnabled()
    assert "Select a passage" in curation.act_new_finding.toolTip()
    select_words(reader, "All four case study police forces")
    assert curation.act_new_finding.isEnabled()
    assert curation.reader_button.isEnabled()
