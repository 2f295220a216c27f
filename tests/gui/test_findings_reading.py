"""Reading findings in the list: search hits marked in the rows and the detail pane, the whole
quote in a row's tooltip, long quotes cut with an ellipsis."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from briefing_builder.core.filtering import Filter
from briefing_builder.gui.finding_delegate import QUOTE_LINES, FindingDelegate
from briefing_builder.gui.findings_model import (
    TOOLTIP_CHARS,
    FindingIdRole,
    HitsRole,
    SourceLabelRole,
    SourceShortRole,
)
from briefing_builder.gui.highlight import HIT_BACKGROUND, wrap_lines
from briefing_builder.gui.main_window import MainWindow

from .helpers import list_ids, tooltip_lines

HIT = QColor(HIT_BACKGROUND)


def search(window: MainWindow, text: str) -> None:
    window.apply_filter(Filter(text=text))


def select_finding(window: MainWindow, fid: str) -> int:
    row = list_ids(window).index(fid)
    window.list.setCurrentIndex(window.model.index(row))
    return row


def hit_pixels(image: QImage, rect: QRect | None = None) -> int:
    """How many pixels of ``image`` (within ``rect``) have the hit colour."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rect = rect or image.rect()
    want = HIT.rgb()
    return sum(
        1
        for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1))
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1))
        if image.pixel(x, y) == want
    )


def paint_row(window: MainWindow, row: int, selected: bool = False) -> QImage:
    """One row as the list's delegate paints it, alone on an image."""
    view = window.list
    rect = view.visualRect(window.model.index(row))
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = QRect(0, 0, rect.width(), rect.height())
    option.widget = view
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    view.itemDelegate().paint(painter, option, window.model.index(row))
    painter.end()
    return image


def marked_text(document: QTextDocument) -> list[str]:
    """The runs of a rich-text document painted with the hit background."""
    out: list[str] = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().background().color() == HIT and frag.text():
                out.append(frag.text())
            it += 1
        block = block.next()
    return out


# --- the list ----------------------------------------------------------------------------------


def test_the_list_marks_hits_in_the_rows_that_have_them(window: MainWindow) -> None:
    search(window, "partner")
    model = window.model
    with_hits = next(r for r in range(model.rowCount()) if model.index(r).data(HitsRole))
    # "partner" is in some sources' titles: those findings match without a hit in their quote.
    without = next(r for r in range(model.rowCount()) if not model.index(r).data(HitsRole))
    finding = model.finding_at(with_hits)
    assert finding is not None
    assert [finding.text[a:b].lower() for a, b in model.index(with_hits).data(HitsRole)] == [
        "partner"
    ] * len(model.index(with_hits).data(HitsRole))
    assert hit_pixels(paint_row(window, with_hits)) > 20
    assert hit_pixels(paint_row(window, with_hits, selected=True)) > 20
    assert hit_pixels(paint_row(window, without)) == 0
    # Nothing is marked without a search.
    search(window, "")
    row = list_ids(window).index(finding.id)
    assert model.index(row).data(HitsRole) == []
    assert hit_pixels(paint_row(window, row)) == 0


def test_the_window_paints_the_marks(qtbot: QtBot, window: MainWindow) -> None:
    search(window, "co-operation")
    assert window.model.rowCount() == 4
    image = window.list.viewport().grab().toImage()
    for row in range(window.model.rowCount()):
        rect = window.list.visualRect(window.model.index(row))
        assert hit_pixels(image, rect) > 20, row
    search(window, "")
    qtbot.wait(1)
    assert hit_pixels(window.list.viewport().grab().toImage()) == 0


def test_long_quotes_show_their_first_lines_and_an_ellipsis(window: MainWindow) -> None:
    delegate = window.list.itemDelegate()
    assert isinstance(delegate, FindingDelegate)
    font = QFont(window.list.font())
    width = window.list.viewport().width() - 20
    longest = max(window.opened.library.findings, key=lambda f: len(f.text))
    layout, cut = delegate.quote_layout(longest.text, [], font, width, QUOTE_LINES)
    assert cut and layout.lineCount() == QUOTE_LINES
    shown = sum(layout.lineAt(i).textLength() for i in range(layout.lineCount()))
    assert shown < len(longest.text)
    # The last line ends at a word, leaving room for the ellipsis within the row.
    last = layout.lineAt(QUOTE_LINES - 1)
    assert last.naturalTextWidth() + window.list.fontMetrics().horizontalAdvance("…") <= width
    shortest = min(window.opened.library.findings, key=lambda f: len(f.text))
    layout, cut = delegate.quote_layout(shortest.text, [], font, width, QUOTE_LINES)
    assert not cut
    assert sum(layout.lineAt(i).textLength() for i in range(layout.lineCount())) == len(
        shortest.text
    ) + len("“”")


def test_a_hit_past_the_first_lines_is_shown_in_its_context(window: MainWindow) -> None:
    search(window, "co-operation")
    row = list_ids(window).index("scotgov-y3-012")  # "cooperation" in its fifth line or so
    f = window.model.finding_at(row)
    assert f is not None
    hits = window.model.index(row).data(HitsRole)
    delegate = window.list.itemDelegate()
    assert isinstance(delegate, FindingDelegate)
    width = window.list.viewport().width() - 20
    font = QFont(window.list.font())
    first, _ = delegate.quote_layout(f.text, [], font, width, QUOTE_LINES)
    assert first.text().startswith("“") and "cooperation" not in _shown(first)
    layout, _ = delegate.quote_layout(f.text, hits, font, width, QUOTE_LINES)
    shown = _shown(layout)
    assert shown.startswith("…") and "cooperation" in shown
    assert len(shown.split("cooperation")[0].split()) >= 3  # a few words lead up to it
    assert hit_pixels(paint_row(window, row)) > 20


def _shown(layout: QtGui.QTextLayout) -> str:
    end = layout.lineAt(layout.lineCount() - 1)
    return layout.text()[: end.textStart() + end.textLength()]


def test_rows_name_the_source_by_its_short_label(window: MainWindow) -> None:
    row = select_finding(window, "copacc-2015-004")
    index = window.model.index(row)
    assert index.data(SourceShortRole) == "CoPaCC 2015"
    assert index.data(SourceLabelRole) == "CoPaCC 2015, section 1 (Introduction)"
    assert not paint_row(window, row).isNull()


# --- the tooltip -------------------------------------------------------------------------------


def test_a_rows_tooltip_has_the_whole_quote_wrapped_and_where_it_comes_from(
    window: MainWindow,
) -> None:
    fid = "copacc-2015-004"
    row = select_finding(window, fid)
    f = window.opened.library.finding(fid)
    assert f is not None
    tip = window.model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert QtGui.Qt.mightBeRichText(tip)
    lines = tooltip_lines(tip)
    assert all(len(line) <= TOOLTIP_CHARS for line in lines), lines
    assert len(lines) > 3  # wrapped, not one long line
    text = " ".join(lines)
    assert " ".join(f"“{f.text}”".split()) in text
    assert "— Alun Michael, South Wales PCC" in text
    assert "CoPaCC 2015, section 1 (Introduction)" in text
    assert "Themes: Governance and accountability" in text
    # Never an internal id: not the finding's, not its source's.
    assert fid not in tip and f.source not in tip
    # As a tooltip shows it: no wider than its lines.
    doc = QTextDocument()
    doc.setDefaultFont(QApplication.font("QTipLabel"))
    doc.setHtml(tip)
    longest = max(lines, key=len)
    assert doc.idealWidth() < window.fontMetrics().horizontalAdvance(longest) * 1.3


def test_every_tooltip_avoids_internal_ids(window: MainWindow) -> None:
    lib = window.opened.library
    source_ids = [s.id for s in lib.sources]
    model = window.model
    for row in range(0, model.rowCount(), 7):
        tip = model.index(row).data(Qt.ItemDataRole.ToolTipRole)
        assert model.index(row).data(FindingIdRole) not in tip
        assert not any(sid in tip for sid in source_ids), tip
    for facet, facet_model in window.filters.models.items():
        for row in range(facet_model.rowCount()):
            tip = facet_model.index(row).data(Qt.ItemDataRole.ToolTipRole)
            assert tip, (facet, row)
            if facet == "sources":
                assert not any(sid in tip for sid in source_ids), tip


def test_the_tooltip_marks_hits(window: MainWindow) -> None:
    search(window, '"joined-up intelligence"')
    assert window.model.rowCount() == 1
    tip = window.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    doc = QTextDocument()
    doc.setHtml(tip)
    assert [t.lower() for t in marked_text(doc)] == ["joined-up intelligence"]


def test_wrap_lines_breaks_at_spaces() -> None:
    text = "one two three four five six seven"
    assert [text[a:b] for a, b in wrap_lines(text, 10)] == [
        "one two",
        "three four",
        "five six",
        "seven",
    ]
    long = "a " + "x" * 30 + " b"
    assert [long[a:b] for a, b in wrap_lines(long, 10)] == ["a", "x" * 30, "b"]
    assert wrap_lines("   ", 10) == []


# --- the detail pane ---------------------------------------------------------------------------


def test_the_detail_pane_marks_hits(window: MainWindow) -> None:
    search(window, "co-operation")
    select_finding(window, "n8prp-032")  # "cooperation", unhyphenated
    doc = window.detail.browser.document()
    assert [t.lower() for t in marked_text(doc)] == ["cooperation"]
    assert f"background-color:{HIT_BACKGROUND}" in window.detail.browser.toHtml()
    select_finding(window, "n8prp-008")  # "co-operation"
    assert [t.lower() for t in marked_text(window.detail.browser.document())] == ["co-operation"]
    # A new search re-marks the finding shown; none clears the marks.
    search(window, "co-operation police")
    assert window.detail.finding is not None and window.detail.finding.id == "n8prp-008"
    marks = [t.lower() for t in marked_text(window.detail.browser.document())]
    assert "co-operation" in marks and "police" in marks
    search(window, "")
    assert marked_text(window.detail.browser.document()) == []


def test_the_detail_pane_marks_a_search_that_matched_the_source_title(window: MainWindow) -> None:
    search(window, "perspectives")  # in the title of "SG reform year 4" only
    assert window.model.rowCount() > 0
    window.list.setCurrentIndex(window.model.index(0))
    assert marked_text(window.detail.browser.document()) == ["perspectives"]


def test_switching_library_clears_the_marks(window: MainWindow) -> None:
    window.filters.search.setText("partner")
    window.filters._debounce.timeout.emit()
    assert window.detail.query.words == ("partner",)
    window._show_library()
    assert window.detail.query.empty
    assert marked_text(window.detail.browser.document()) == []
