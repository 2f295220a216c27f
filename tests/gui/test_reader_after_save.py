"""After a curation save the window shows the new library; the reader, open on a source, keeps
its text as laid out when the text did not change (only the passages are located again), lays
it out once when it did, and never lays out the text of a finding it only passes on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from briefing_builder.core.textmatch import fold_whitespace
from briefing_builder.curation.findings import locate_passage
from briefing_builder.gui import source_reader
from briefing_builder.gui.main_window import MainWindow

from .curating import library_copy, read_source, select_words, tick_themes, window_on
from .helpers import settle, wait_for_writes

SOURCE = "scotgov-y4"
PASSAGE = "All four case study police forces work with a wide range of different partners."


def _last_source(window: MainWindow) -> tuple[str, str]:
    """The source of the list's last finding (not its first's), and a passage of its text that
    stands there once and is no finding yet."""
    rows = window.model.rowCount()
    last = window.model.finding_at(rows - 1)
    first = window.model.finding_at(0)
    assert last is not None and first is not None and last.source != first.source
    reader = read_source_of(window, last.source)
    quoted = {f.text for f in window.opened.library.findings}
    words = reader.source_text.split()
    for at in range(40, len(words) - 12, 7):
        passage = " ".join(words[at : at + 12])
        if (
            passage in reader.source_text
            and passage not in quoted
            and len(locate_passage(reader.source_text, passage)) == 1
        ):
            return last.source, passage
    raise AssertionError("no passage to make a finding of")


def read_source_of(window: MainWindow, source_id: str) -> source_reader.SourceReader:
    window.curation.read_source(source_id)
    return window.reader


def _layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first words of every text the reader lays out from now on."""
    laid_out: list[str] = []
    build = source_reader.build_document

    def counting(layout: source_reader.Layout, *args: object, **kwargs: object) -> object:
        laid_out.append(layout.text[:40])
        return build(layout, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(source_reader, "build_document", counting)
    return laid_out


class _Hides(QObject):
    """Counts the times a widget is hidden (shown again, a text view lays its text out anew)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide:
            self.count += 1
        return False


def _save_new_finding(qtbot: QtBot, window: MainWindow, passage: str = PASSAGE) -> str:
    reader = window.reader
    select_words(reader, passage)
    window.curation.act_new_finding.trigger()
    dialog = window.curation.new_finding_dialog
    assert dialog is not None
    tick_themes(dialog, "information-sharing")
    dialog.try_save()
    wait_for_writes(qtbot)
    settle(qtbot)
    made = [f for f in window.opened.library.findings if f.text == fold_whitespace(passage)]
    assert len(made) == 1, window.statusBar().currentMessage()
    return made[0].id


def test_a_save_keeps_the_readers_text_and_shows_the_new_passage(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    # The list's first row is a finding of another source: the swap passes it on the way.
    source, passage = _last_source(window)
    reader = read_source(qtbot, window, source)
    document = reader.view.document()
    laid_out = _layouts(monkeypatch)
    hides = _Hides()
    reader.view.installEventFilter(hides)

    new_id = _save_new_finding(qtbot, window, passage)

    assert laid_out == []  # neither the first row's source nor this one laid out again
    assert hides.count == 0  # nor hidden and shown again meanwhile
    assert reader.view.document() is document
    assert reader.finding is not None and reader.finding.id == new_id
    assert [fold_whitespace(t) for t in reader.highlighted_text()] == [passage]
    assert new_id in {m.finding.id for m in reader.marks()}
    assert reader.view.isVisible() and not reader.message.isVisible()

    # The reader follows the list again afterwards.
    other = next(f for f in window.opened.library.findings if f.source != source)
    window.list.setCurrentIndex(window.model.index(window.model.row_of(other.id)))
    settle(qtbot)
    assert reader.finding is not None and reader.finding.id == other.id
    assert len(laid_out) == 1


def test_a_changed_text_is_laid_out_again_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = library_copy(tmp_path)
    window = window_on(qtbot, root)
    reader = read_source(qtbot, window, SOURCE)
    source = window.opened.library.source(SOURCE)
    assert source is not None and source.text_path is not None
    text_file = source.text_path
    text_file.write_text(
        text_file.read_text(encoding="utf-8") + "\nA closing paragraph added since.\n",
        encoding="utf-8",
    )
    laid_out = _layouts(monkeypatch)

    new_id = _save_new_finding(qtbot, window)

    assert len(laid_out) == 1
    assert reader.source_text.rstrip().endswith("A closing paragraph added since.")
    assert reader.finding is not None and reader.finding.id == new_id
    assert [fold_whitespace(t) for t in reader.highlighted_text()] == [PASSAGE]
