"""QAbstractItemModelTester (Fatal: any broken model rule aborts the run) on each model, attached
before the models change so every reset, layout change and data change is checked as it happens."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from briefing_builder.core.briefing import OutlineError, Section
from briefing_builder.core.cache import OpenedLibrary, open_library
from briefing_builder.core.filtering import Filter
from briefing_builder.gui.filter_panel import CountRole, FacetModel
from briefing_builder.gui.findings_model import FindingsModel, InBriefingRole
from briefing_builder.gui.main_window import MainWindow
from briefing_builder.gui.outline_model import OutlineModel

from ..conftest import write_library
from .helpers import outline_rows, settle, switch_library, tree

Fatal = QAbstractItemModelTester.FailureReportingMode.Fatal


def test_findings_model(qtbot: QtBot, bundled: OpenedLibrary, tmp_path: Path) -> None:
    model = FindingsModel(bundled.library, bundled.index)
    tester = QAbstractItemModelTester(model, Fatal)
    assert model.rowCount() == 247
    for flt in (
        Filter(themes=frozenset({"leadership"})),
        Filter(text="police"),
        Filter(text="zzzz"),
        Filter(kinds=frozenset({"quote"}), places=frozenset({"Scotland"})),
        Filter(),
    ):
        model.apply_filter(flt)
    for mode in ("date-desc", "date-asc", "source"):
        model.set_sort(mode)
    model.set_in_briefing({"npia-2009-002": 2})
    assert model.index(model.row_of("npia-2009-002")).data(InBriefingRole) == 2
    small = open_library(write_library(tmp_path / "lib"))
    model.set_library(small.library, small.index)
    assert model.rowCount() == 5
    model.apply_filter(Filter(text="zzzz"))
    assert model.rowCount() == 0
    model.set_sort("date-desc")  # an empty list sorts too
    del tester


def test_findings_model_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    tester = QAbstractItemModelTester(window.model, Fatal)
    window.list.setCurrentIndex(window.model.index(10))
    window.sort.setCurrentIndex(1)
    qtbot.keyClicks(window.filters.search, "police")
    qtbot.waitUntil(lambda: window.model.rowCount() < 247, timeout=3000)
    window.add_selected_findings()
    window.filters.clear()
    assert window.model.rowCount() == 247
    del tester


def test_outline_model_through_edits_moves_and_undo(qtbot: QtBot, window: MainWindow) -> None:
    model = window.briefing_panel.model
    tester = QAbstractItemModelTester(model, Fatal)
    doc, stack = window.doc, window.doc.undo_stack
    intro = doc.briefing.sections[0]
    model.add_findings(["npia-2009-002", "npia-2009-004"], intro, 0)
    model.add_note(doc.briefing.sections[0], 1, "a note")
    model.add_section(None, 1, "Second")
    model.add_section(doc.briefing.sections[1], 0, "Sub")
    model.add_findings(["copacc-2015-004"], doc.briefing.sections[1].sections[0], 0)
    settle(qtbot)
    b = doc.briefing
    model.move_items([b.sections[0].items[0]], b.sections[1].sections[0], 1)
    model.move_sections([doc.briefing.sections[1].sections[0]], None, 0)
    model.indent(doc.briefing.sections[1])
    model.move_by(doc.briefing.sections[0], 1)
    model.setData(model.index(0, 0), "Renamed")
    model.delete_nodes([next(doc.briefing.evidence_items())])
    final = outline_rows(model)
    final_tree = tree(model)
    n = stack.count()
    for _ in range(n):
        stack.undo()
    assert tree(model) == [["Introduction", [], []]]
    for _ in range(n):
        stack.redo()
    assert outline_rows(model) == final and tree(model) == final_tree
    # Library changes reset the model too.
    switch_library(qtbot, window, window.opened.library.root)
    assert outline_rows(model) == final
    # A whole new briefing.
    window.doc.undo_stack.setClean()
    window.new_briefing()
    assert tree(model) == [["Introduction", [], []]]
    # Rows of a non-section have no children; column 1 does not exist.
    model.add_findings(["npia-2009-002"], doc.briefing.sections[0], 0)
    item = model.index(0, 0, model.index(0, 0))
    assert model.rowCount(item) == 0 and not model.index(0, 0, item).isValid()
    assert not model.index(0, 1).isValid() and model.parent(QModelIndex()) == QModelIndex()
    del tester


def test_outline_edits_signal_rows_not_resets(qtbot: QtBot, window: MainWindow) -> None:
    """Every outline edit, undo and redo is told to the view as inserted and removed rows (a
    move is a row taken out and put back) and changed headings, never as a reset: what the
    officer folded stays folded, and what an edit moved is what is selected."""
    model, view = window.briefing_panel.model, window.outline
    tester = QAbstractItemModelTester(model, Fatal)
    doc, stack = window.doc, window.doc.undo_stack
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    intro = doc.briefing.sections[0]
    model.add_findings(["npia-2009-002", "npia-2009-004", "npia-2009-005"], intro, 0)
    model.add_section(None, 1, "Second")
    second = doc.briefing.sections[1]
    model.add_section(second, 0, "Sub")
    sub = second.sections[0]
    model.add_findings(["copacc-2015-004"], sub, 0)
    settle(qtbot)
    before, rows_before = tree(model), outline_rows(model)
    third = intro.items[2]
    start = stack.count()
    # Moves of items and sections, both ways, across levels, and "Move to section".
    moved = [intro.items[0], intro.items[1]]
    model.move_items(moved, sub, 1)
    settle(qtbot)
    selected = [model.node(i) for i in view.selectionModel().selectedRows()]
    assert len(selected) == 2 and all(any(n is m for m in moved) for n in selected)
    assert model.node(view.currentIndex()) is moved[0]
    model.move_by(sub.items[0], 1)
    settle(qtbot)
    view.collapse(model.index_of(sub))  # (moving items into it unfolded it, to show them)
    model.move_sections([sub], None, 0)
    model.move_sections([sub], second, 0)
    model.move_into([intro.items[0], second], intro)
    model.outdent(second)
    model.indent(second)
    settle(qtbot)
    # The officer's fold went with the section through every move.
    assert not view.isExpanded(model.index_of(sub)) and view.isExpanded(model.index_of(second))
    model.delete_nodes([sub])
    n = stack.count() - start
    for _ in range(n):
        stack.undo()
    for _ in range(n):
        stack.redo()
    for _ in range(n):
        stack.undo()
    settle(qtbot)
    assert not resets
    # Every row is back where it was, and the view shows the model's tree.
    assert model.index_of(third).row() == 2 and model.node(model.index_of(third)) is third
    assert tree(model) == before and outline_rows(model) == rows_before
    # Section numbers were repainted as they changed.
    assert model.index_of(second).data().startswith("2  ")
    del tester


def test_facet_model(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    testers = [QAbstractItemModelTester(m, Fatal) for m in window.filters.models.values()]
    f = window.filters
    f.set_filter(f.current.with_values("sources", {"npia-2009"}))
    f.set_filter(f.current.with_values("themes", {"leadership", "culture-trust"}))
    f.theme_mode.setCurrentIndex(1)
    f.clear()
    switch_library(qtbot, window, write_library(tmp_path / "lib"))
    assert f.models["themes"].rowCount() == 3
    standalone = FacetModel("kinds")
    t2 = QAbstractItemModelTester(standalone, Fatal)
    standalone.set_values([("a", "A", ""), ("b", "B", "tip")])
    standalone.update({"a": 3}, frozenset({"b"}))
    assert standalone.index(0).data(CountRole) == 3
    assert standalone.index(1).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    standalone.set_values([])
    standalone.update({}, frozenset())
    del testers, t2


def _core_rows(model: OutlineModel) -> list[str]:
    """The core's tree in the order and shape the outline shows it."""
    out: list[str] = []

    def visit(section: Section, depth: int) -> None:
        out.append("  " * depth + section.node_id)
        out.extend("  " * (depth + 1) + i.node_id for i in section.items)
        for sub in section.sections:
            visit(sub, depth + 1)

    for s in model.briefing.sections:
        visit(s, 0)
    return out


def test_the_outline_mirrors_the_briefing_through_random_edits(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Qt's items are a copy of the core's tree, changed edit by edit: after every edit, undo
    and redo of a long random run they still show exactly the briefing, row for row, with
    each row's text current (section numbers, flags)."""
    model, doc, stack = window.briefing_panel.model, window.doc, window.doc.undo_stack
    tester = QAbstractItemModelTester(model, Fatal)
    b = doc.briefing
    ids = [f.id for f in window.opened.library.findings][:40]
    rng = random.Random(7)
    for step in range(120):
        sections = list(b.all_sections())
        items = list(b.evidence_items())
        roll = rng.random()
        with contextlib.suppress(OutlineError):  # e.g. no section above to indent under
            if roll < 0.25 or not items:
                model.add_findings(rng.sample(ids, rng.randint(1, 3)), rng.choice(sections), 0)
            elif roll < 0.35:
                parent = rng.choice([None, *sections])
                model.add_section(parent, 0, f"S{step}")
            elif roll < 0.55:
                target = rng.choice(sections)
                model.move_items(rng.sample(items, min(2, len(items))), target, 0)
            elif roll < 0.62 and len(b.sections) > 1:
                model.move_sections([b.sections[-1]], None, 0)
            elif roll < 0.7:
                model.indent(rng.choice(sections))
            elif roll < 0.76:
                model.outdent(rng.choice(sections))
            elif roll < 0.86:
                model.delete_nodes([rng.choice(items)])
            elif roll < 0.93 and stack.canUndo():
                stack.undo()
            elif stack.canRedo():
                stack.redo()
        assert outline_rows(model) == _core_rows(model), f"after step {step}"
    while stack.canUndo():
        stack.undo()
        assert outline_rows(model) == _core_rows(model)
    numbers = b.numbering()
    for section in b.all_sections():
        assert model.index_of(section).data().startswith(numbers[section.node_id] + "  ")
    del tester
