"""The toolbar: the menus' own actions, with icons that exist and render in the palette's colours."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from briefing_builder.gui.icons import icon_path, themed_icon
from briefing_builder.gui.main_window import MainWindow


def _menu_actions(window: MainWindow) -> set[int]:
    found: set[int] = set()

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub)
            else:
                found.add(id(action))

    for top in window.menuBar().actions():
        if isinstance(top.menu(), QMenu):
            walk(top.menu())  # type: ignore[arg-type]
    return found


def test_toolbar_actions_are_the_menus_actions(window: MainWindow) -> None:
    actions = [a for a in window.toolbar.actions() if not a.isSeparator()]
    names = [e[0] for e in window.TOOLBAR if e is not None]
    assert actions == [getattr(window, n) for n in names]
    in_menus = _menu_actions(window)
    assert all(id(a) in in_menus for a in actions)
    # One action, two places: disabling it in the menu disables the button.
    window.act_export.setEnabled(False)
    button = window.toolbar.widgetForAction(window.act_export)
    assert not button.isEnabled()
    window.act_export.setEnabled(True)
    assert button.isEnabled()


def test_every_toolbar_icon_exists_and_renders(window: MainWindow) -> None:
    for entry in window.TOOLBAR:
        if entry is None:
            continue
        name, icon = entry
        assert icon_path(icon).is_file(), icon
        action: QAction = getattr(window, name)
        assert not action.icon().isNull(), name
        image = action.icon().pixmap(QSize(24, 24)).toImage()
        assert any(
            image.pixelColor(x, y).alpha() > 0
            for x in range(image.width())
            for y in range(image.height())
        ), f"{icon} renders empty"


def _ink(icon_name: str, palette: QPalette) -> QColor:
    image = themed_icon(icon_name, palette).pixmap(QSize(24, 24)).toImage()
    opaque = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert opaque
    return opaque[0]


def test_icons_take_the_palettes_text_colour(window: MainWindow) -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.WindowText, QColor("#101010"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    assert _ink("save", light).lightness() < 40
    assert _ink("save", dark).lightness() > 215
    # The window re-colours its icons when the palette changes (the desktop goes dark).
    before = window.act_save.icon().pixmap(QSize(24, 24)).toImage()
    window.setPalette(dark)
    QApplication.processEvents()
    after = window.act_save.icon().pixmap(QSize(24, 24)).toImage()
    assert before != after


def test_a_missing_icon_is_an_empty_icon_not_an_error() -> None:
    assert themed_icon("no-such-icon").isNull()


def test_tooltips_name_the_shortcut(window: MainWindow) -> None:
    assert window.act_save.toolTip().startswith("Save (Ctrl+S)")
    assert window.act_export.toolTip() == (
        "Export (Ctrl+E)\nExport the briefing as a referenced Word document or PDF"
    )


def test_toolbar_can_be_hidden_from_the_view_menu_and_is_kept_by_save_state(
    window: MainWindow,
) -> None:
    assert window.toolbar.objectName()
    assert window.act_toolbar in window.view_menu.actions()
    window.act_toolbar.trigger()
    assert window.toolbar.isHidden()
    state = window.saveState()
    window.act_toolbar.trigger()
    assert not window.toolbar.isHidden()
    window.restoreState(state)
    assert window.toolbar.isHidden()


def test_toolbar_does_not_widen_the_window(window: MainWindow) -> None:
    assert window.toolbar.minimumSizeHint().width() < 400  # it folds into its » menu instead
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 640)
    QApplication.processEvents()
    assert window.width() == 1024
    assert window.toolbar.width() <= 1024


def test_undo_tooltip_names_the_change_and_its_key(window: MainWindow) -> None:
    window.list.setCurrentIndex(window.model.index(0))
    window.act_add.trigger()
    tip = window.act_undo.toolTip()
    assert tip.startswith("Undo ") and tip != "Undo" and "(Ctrl+Z" in tip
    window.act_undo.trigger()
    assert window.act_redo.toolTip().startswith("Redo ")
    assert "Ctrl+Y" in window.act_redo.toolTip()
