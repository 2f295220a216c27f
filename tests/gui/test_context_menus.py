"""Right-click menus: the window's own actions, and filters for the finding clicked."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from briefing_builder.gui.context_menus import OUTLINE_MENU
from briefing_builder.gui.filter_panel import ValueRole
from briefing_builder.gui.main_window import MainWindow

from .helpers import list_ids


def _actions(menu: QMenu) -> list[QAction]:
    return [a for a in menu.actions() if not a.isSeparator()]


def _texts(menu: QMenu) -> list[str]:
    return [a.text() for a in _actions(menu)]


def test_findings_menu_has_the_windows_actions(window: MainWindow) -> None:
    window.list.setCurrentIndex(window.model.index(0))
    menu = window.context_menus.findings_menu()
    actions = _actions(menu)
    assert actions[:3] == [
        window.act_add,
        window.act_show_source,
        window.context_menus.act_copy_citation,
    ]
    texts = _texts(menu)
    assert any(t.startswith("Filter by this source") for t in texts)
    assert any(t.startswith("Filter by this theme") for t in texts)


def test_filter_by_this_source_and_theme(window: MainWindow) -> None:
    finding = window.model.finding_at(0)
    assert finding is not None
    window.list.setCurrentIndex(window.model.index(0))
    menu = window.context_menus.findings_menu()
    by_source = next(a for a in _actions(menu) if a.text().startswith("Filter by this source"))
    by_source.trigger()
    assert window.filters.current.sources == {finding.source}
    ids = list_ids(window)
    assert finding.id in ids
    assert all(window.opened.library.finding(i).source == finding.source for i in ids)
    assert len(ids) < len(window.opened.library.findings)

    window.filters.clear()
    window.list.setCurrentIndex(window.model.index(window.model.row_of(finding.id)))
    window.context_menus.filter_by("themes", finding.themes[0])
    assert window.filters.current.themes == {finding.themes[0]}
    assert all(
        finding.themes[0] in window.opened.library.finding(i).themes for i in list_ids(window)
    )


def test_copy_quote_with_citation(window: MainWindow) -> None:
    window.list.setCurrentIndex(window.model.index(0))
    finding = window.model.finding_at(0)
    assert finding is not None
    window.context_menus.act_copy_citation.trigger()
    copied = QApplication.clipboard().text()
    # The quote, then the citation as the briefing's style prints it (Harvard by default).
    assert copied == f"“{finding.text.strip()}” (Scottish Government, n.d., section 3)"


def test_quote_with_a_note_style_citation() -> None:
    from briefing_builder.gui.context_menus import quote_with_citation

    class F:
        text = " Partners met weekly. "

    note = "Note 1: Scottish Government, Evaluation of police reform, section 3."
    assert quote_with_citation(F(), note) == (  # type: ignore[arg-type]
        "“Partners met weekly.” — Scottish Government, Evaluation of police reform, section 3."
    )


def test_outline_menu_is_built_from_the_edit_actions(window: MainWindow) -> None:
    menu = window.context_menus.outline_menu()
    expected = [getattr(window, n) for n in OUTLINE_MENU if n and hasattr(window, n)]
    assert _actions(menu) == expected
    for name in ("act_edit", "act_delete", "act_new_section", "act_new_note", "act_indent"):
        assert getattr(window, name) in expected
    # No separator first, last or twice in a row.
    kinds = [a.isSeparator() for a in menu.actions()]
    assert not kinds[0] and not kinds[-1]
    assert not any(a and b for a, b in pairwise(kinds))


def test_outline_menu_takes_up_actions_added_later(window: MainWindow) -> None:
    if not hasattr(window, "act_paste"):
        window.act_paste = QAction("&Paste", window)  # type: ignore[attr-defined]
    menu = window.context_menus.outline_menu()
    assert window.act_paste in _actions(menu)  # type: ignore[attr-defined]


def test_filter_list_menu(window: MainWindow) -> None:
    filters = window.filters
    sources = filters.models["sources"]
    first = sources.index(0).data(ValueRole)
    second = sources.index(1).data(ValueRole)
    filters.set_filter(filters.current.with_values("sources", {first, second}))
    menu = filters.facet_menu("sources", first)
    only, clear = _actions(menu)
    assert (only.text(), clear.text()) == ("Select only this", "Clear this filter")
    assert only.isEnabled() and clear.isEnabled()
    only.trigger()
    assert filters.current.sources == {first}
    assert not filters.facet_menu("sources", first).actions()[0].isEnabled()
    filters.facet_menu("sources", None).actions()[1].trigger()
    assert filters.current.sources == frozenset()
    assert not filters.facet_menu("sources", None).actions()[1].isEnabled()
