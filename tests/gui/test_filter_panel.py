"""The filter panel: ticking facet values (by model and by keyboard), counts, the search box's
debounce, clearing, and the any/all theme switch — each checked in the findings list itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from briefing_builder.gui.filter_panel import CountRole, FacetModel, LabelRole, ValueRole
from briefing_builder.gui.main_window import MainWindow

from .helpers import list_ids

Checked, Unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
CheckRole = Qt.ItemDataRole.CheckStateRole


def row_of(model: FacetModel, value: str) -> QModelIndex:
    for r in range(model.rowCount()):
        idx = model.index(r)
        if idx.data(ValueRole) == value:
            return idx
    raise AssertionError(f"{value!r} is not in the {model.facet} facet")


def counts(model: FacetModel) -> dict[str, int]:
    return {
        model.index(r).data(ValueRole): model.index(r).data(CountRole)
        for r in range(model.rowCount())
    }


def finding(window: MainWindow, fid: str):  # type: ignore[no-untyped-def]
    f = window.opened.library.finding(fid)
    assert f is not None
    return f


# --- ticking through the model -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("facet", "value", "label", "attr"),
    [
        ("themes", "co-location", "Co-location and integrated services", "themes"),
        ("sources", "npia-2009", "NPIA 2009", "source"),
        ("kinds", "recommendation", "recommendation", "kind"),
        ("places", "Scotland", "Scotland", "places"),
    ],
)
def test_ticking_a_value_through_the_model_filters_the_list(
    window: MainWindow, facet: str, value: str, label: str, attr: str
) -> None:
    model = window.filters.models[facet]
    idx = row_of(model, value)
    expected = idx.data(CountRole)
    assert 0 < expected < 247
    assert window.model.rowCount() == 247

    assert model.setData(idx, Checked, CheckRole)

    assert idx.data(CheckRole) == Checked
    assert window.model.rowCount() == expected
    for fid in list_ids(window):
        got = getattr(finding(window, fid), attr)
        assert value == got if isinstance(got, str) else value in got
    summary = window.filters.summary.text()
    assert label in summary and f"{expected} finding" in summary
    assert window.count_label.text() == f"<b>{expected}</b> of 247 findings"
    assert window.filters.clear_button.isEnabled()

    # Ticking an already ticked value again leaves it ticked; unticking restores everything.
    model.setData(idx, Checked, CheckRole)
    assert idx.data(CheckRole) == Checked and window.model.rowCount() == expected
    assert model.setData(idx, Unchecked, CheckRole)
    assert idx.data(CheckRole) == Unchecked
    assert window.model.rowCount() == 247
    assert window.filters.summary.text() == "All findings — 247 findings"
    assert not window.filters.clear_button.isEnabled()


def test_ticks_in_two_facets_combine_and_counts_follow(window: MainWindow) -> None:
    sources, kinds = window.filters.models["sources"], window.filters.models["kinds"]
    assert sum(counts(kinds).values()) == 247
    sources.setData(row_of(sources, "npia-2009"), Checked, CheckRole)
    shown = window.model.rowCount()
    assert shown == 15
    # Kinds are counted under the source filter: they add up to the list; sources are not
    # narrowed by their own ticks, so the other sources keep their totals.
    assert sum(counts(kinds).values()) == shown
    assert counts(sources)["copacc-2015"] == 80
    quotes = counts(kinds)["quote"]
    kinds.setData(row_of(kinds, "quote"), Checked, CheckRole)
    assert window.model.rowCount() == quotes
    assert all(
        finding(window, f).kind == "quote" and finding(window, f).source == "npia-2009"
        for f in list_ids(window)
    )
    # Ticking a second source widens the list again (values of one facet are "or").
    sources.setData(row_of(sources, "n8prp"), Checked, CheckRole)
    assert window.model.rowCount() == counts(sources)["npia-2009"] + counts(sources)["n8prp"]


def test_zero_count_values_are_dimmed_not_hidden(window: MainWindow) -> None:
    places = window.filters.models["places"]
    n_places = places.rowCount()
    scotland = row_of(places, "Scotland")
    assert places.data(scotland, Qt.ItemDataRole.ForegroundRole) is None
    sources = window.filters.models["sources"]
    sources.setData(row_of(sources, "npia-2009"), Checked, CheckRole)

    assert places.rowCount() == n_places  # nothing is hidden
    assert scotland.data(CountRole) == 0
    brush = places.data(scotland, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush)
    ealing = row_of(places, "Ealing")
    assert ealing.data(CountRole) > 0
    assert places.data(ealing, Qt.ItemDataRole.ForegroundRole) is None
    # A dimmed value can still be ticked, to widen the filter.
    assert places.flags(scotland) & Qt.ItemFlag.ItemIsEnabled
    assert places.flags(scotland) & Qt.ItemFlag.ItemIsUserCheckable
    places.setData(scotland, Checked, CheckRole)
    assert window.model.rowCount() == 0
    assert window.filters.summary.text().endswith("— 0 findings")
    # A ticked value is not dimmed even at zero.
    assert places.data(scotland, Qt.ItemDataRole.ForegroundRole) is None
    assert window.detail.finding is None


# --- ticking from the keyboard -----------------------------------------------------------------


@pytest.mark.parametrize("facet", ["themes", "sources", "kinds", "places"])
@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_space_and_enter_toggle_the_current_value(
    qtbot: QtBot, window: MainWindow, facet: str, key: Qt.Key
) -> None:
    view, model = window.filters.views[facet], window.filters.models[facet]
    view.setFocus()
    idx = model.index(1)
    view.setCurrentIndex(idx)
    expected = idx.data(CountRole)
    qtbot.keyClick(view, key)
    assert idx.data(CheckRole) == Checked
    assert window.model.rowCount() == expected
    assert idx.data(LabelRole).lower() in window.filters.summary.text().lower()
    qtbot.keyClick(view, key)
    assert idx.data(CheckRole) == Unchecked
    assert window.model.rowCount() == 247


def test_ctrl_3_goes_to_the_themes_filter(qtbot: QtBot, window: MainWindow) -> None:
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.filters.views["themes"]


# --- the search box ----------------------------------------------------------------------------


def test_typing_filters_after_the_debounce(qtbot: QtBot, window: MainWindow) -> None:
    emitted: list[object] = []
    window.filters.filterChanged.connect(emitted.append)
    qtbot.keyClicks(window.filters.search, "ealing")
    # Keystrokes arrive faster than the debounce: nothing has been filtered yet.
    assert emitted == [] and window.model.rowCount() == 247
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert len(emitted) == 1  # one query for the whole word, not one per letter
    assert list_ids(window) == ["npia-2009-002"]
    assert "matching “ealing”" in window.filters.summary.text()
    assert window.detail.finding is not None and window.detail.finding.id == "npia-2009-002"

    window.focus_search()
    qtbot.keyClick(window.filters.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.model.rowCount() == 247, timeout=3000)
    assert window.filters.summary.text() == "All findings — 247 findings"


def test_search_combines_with_ticks(qtbot: QtBot, window: MainWindow) -> None:
    sources = window.filters.models["sources"]
    sources.setData(row_of(sources, "copacc-2015"), Checked, CheckRole)
    qtbot.keyClicks(window.filters.search, "commissioners")
    qtbot.waitUntil(lambda: "commissioners" in window.filters.summary.text(), timeout=3000)
    ids = list_ids(window)
    assert ids and all(i.startswith("copacc-2015-") for i in ids)
    assert len(ids) < 80
    # The source counts now follow the search too.
    assert counts(sources)["copacc-2015"] == len(ids)


def test_clear_filters_restores_everything(qtbot: QtBot, window: MainWindow) -> None:
    f = window.filters
    f.models["themes"].setData(row_of(f.models["themes"], "leadership"), Checked, CheckRole)
    f.models["kinds"].setData(row_of(f.models["kinds"], "quote"), Checked, CheckRole)
    qtbot.keyClicks(f.search, "police")
    qtbot.waitUntil(lambda: "police" in f.summary.text(), timeout=3000)
    assert window.model.rowCount() < 247
    assert f.clear_button.isEnabled()

    qtbot.mouseClick(f.clear_button, Qt.MouseButton.LeftButton)

    assert window.model.rowCount() == 247
    assert f.search.text() == ""
    assert f.summary.text() == "All findings — 247 findings"
    for model in f.models.values():
        assert all(model.index(r).data(CheckRole) == Unchecked for r in range(model.rowCount()))
    assert not f.clear_button.isEnabled()
    # The cleared search box does not re-apply the old text when its debounce would have fired.
    qtbot.wait(150)
    assert window.model.rowCount() == 247


def test_clear_filters_shortcut_cancels_pending_search(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.filters.search, "ealing")
    window.act_clear.trigger()  # before the debounce fires
    qtbot.wait(200)
    assert window.model.rowCount() == 247
    assert window.filters.search.text() == ""


def test_theme_any_or_all(qtbot: QtBot, window: MainWindow) -> None:
    themes = window.filters.models["themes"]
    a, b = "culture-trust", "leadership"
    themes.setData(row_of(themes, a), Checked, CheckRole)
    themes.setData(row_of(themes, b), Checked, CheckRole)
    any_ids = list_ids(window)
    assert all({a, b} & set(finding(window, f).themes) for f in any_ids)
    assert " or " in window.filters.summary.text()

    window.filters.theme_mode.setCurrentIndex(window.filters.theme_mode.findData("all"))
    all_ids = list_ids(window)
    assert 0 < len(all_ids) < len(any_ids)
    assert all({a, b} <= set(finding(window, f).themes) for f in all_ids)
    assert " and " in window.filters.summary.text()
    # In "all" mode the theme counts are taken under the whole filter.
    assert row_of(themes, a).data(CountRole) == len(all_ids)

    window.filters.theme_mode.setCurrentIndex(window.filters.theme_mode.findData("any"))
    assert list_ids(window) == any_ids
