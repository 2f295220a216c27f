"""What the officer types in the search box while the first library opens is kept and applied.

(Opening another library later clears the filter, search included: see test_library_loading.)
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from briefing_builder.core.filtering import Filter
from briefing_builder.core.paths import bundled_library
from briefing_builder.gui.library_loader import nothing_yet

from .helpers import list_ids, make_window, wait_for_library


def test_search_typed_during_the_start_up_load_is_kept(qtbot: QtBot) -> None:
    folder = bundled_library()
    window = make_window(qtbot, nothing_yet(folder))  # as the app starts: the window at once
    window.switch_library(folder)
    window.focus_search()
    qtbot.keyClicks(window.filters.search, "police")  # before the library is in
    assert window.library_loader.loading is not None
    wait_for_library(qtbot, window)
    assert window.opened.library.findings

    assert window.filters.search.text() == "police"
    assert window.filters.current.text == "police"
    wanted = window.opened.index.query(Filter(text="police")).indices.tolist()
    ids = [window.opened.library.findings[i].id for i in wanted]
    qtbot.waitUntil(lambda: sorted(list_ids(window)) == sorted(ids), timeout=3000)
    assert 0 < len(ids) < len(window.opened.library.findings)
    assert "police" in window.filters.summary.text()
