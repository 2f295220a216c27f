"""The PDF writer gives reportlab ready-made text fragments instead of markup to parse: they must
be exactly what reportlab's own parser makes of the markup, or lines would break differently."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.platypus.paragraph import Paragraph, cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from briefing_builder.export import pdf_writer
from briefing_builder.export.inline import Span

pdf_writer.register_fonts()
STYLES = pdf_writer._styles()

CASES: list[tuple[Span, ...]] = [
    (Span("Plain text, nothing else."),),
    (Span("  leading and trailing white space  "),),
    (Span("runs   of\tspaces\n\nand  new lines\r\n kept apart"),),
    (Span("no-break\xa0space  and\xa0 \xa0 more"),),
    (Span('Tom & Jerry <said> "this" > that &amp; &lt;'),),
    (Span("&"), Span("<"), Span(">")),
    (Span("before "), Span("bold", bold=True), Span(" after")),
    (Span("before"), Span(" italic ", italic=True), Span("after ")),
    (Span(" "), Span(" ", bold=True), Span("  x  ", italic=True), Span(" ")),
    (Span("a"), Span(""), Span("", bold=True), Span("b")),
    (Span("both", bold=True, italic=True), Span("sup", superscript=True)),
    (Span("x"), Span("12", superscript=True, italic=True), Span(" y")),
    (Span("one", bold=True), Span("two", bold=True), Span("three")),
    (Span("See "), Span("the report", link="#ref-a"), Span(", 2020, p. 3.")),
    (
        Span("Online at "),
        Span("https://example.org/a?b=1&c=2", link="https://example.org/a?b=1&c=2"),
    ),
    (Span("A", link="#ref-a", italic=True), Span("; "), Span("B & C", link="#ref-b")),
    (Span(" linked with spaces ", link=" #ref-a "),),
    (Span("Unicode ‘curly’ — dashes … ≠ ā\u200b zero width"),),
    (Span("\u2028line separator and\u00adsoft hyphen"),),
    (Span(""),),
    (),
]

ATTRS_SKIPPED = {"text", "link", "us_lines"}


def _parsed(spans: tuple[Span, ...], style: Any, link_colour: bool) -> list[Any]:
    text = cleanBlockQuotedText(pdf_writer.markup(spans, link_colour=link_colour))
    _, frags, _ = ParaParser().parse(text, style)
    assert frags is not None
    return list(frags)


def _described(frags: list[Any]) -> list[tuple[str, list[Any], dict[str, Any]]]:
    return [
        (
            f.text,
            list(f.link),
            {k: v for k, v in sorted(f.__dict__.items()) if k not in ATTRS_SKIPPED},
        )
        for f in frags
    ]


@pytest.mark.parametrize("spans", CASES)
@pytest.mark.parametrize("style", ["body", "quote", "note", "attribution", "cell-flag"])
@pytest.mark.parametrize("link_colour", [True, False])
def test_fragments_are_what_the_parser_makes(
    spans: tuple[Span, ...], style: str, link_colour: bool
) -> None:
    made = pdf_writer._frags(spans, STYLES[style], link_colour)
    assert made is not None
    assert _described(made) == _described(_parsed(spans, STYLES[style], link_colour))


def test_fragments_share_their_lists_as_parsed() -> None:
    """Outside links the fragments of a paragraph share one list of links (and all of them one
    list of lines), as the parser's copies of its paragraph fragment do; each link has its own."""
    spans = (Span("a "), Span("b", bold=True), Span(" c", link="#x"), Span(" d & e"))
    made = pdf_writer._frags(spans, STYLES["body"])
    assert made is not None
    outside = [f for f in made if not f.link]
    assert len({id(f.link) for f in outside}) == 1
    assert len({id(f.us_lines) for f in made}) == 1
    assert [f.link for f in made if f.link] == [[(0, "#x")]]


def test_a_url_broken_into_lines_goes_through_the_parser() -> None:
    url = "https://example.org/" + "/".join(["segment"] * 30)
    spans = (Span(url, link=url),)
    assert pdf_writer._frags(spans, STYLES["note"], url_width=(200.0, 9.0)) is None
    para = pdf_writer._para(spans, STYLES["note"], url_width=(200.0, 9.0))
    assert "<br/>" in para.text


def _plain(value: Any) -> Any:
    """A laid-out line as comparable data: fragments as their attributes."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in sorted(value.__dict__.items())}
    return value


@pytest.mark.parametrize("spans", CASES)
def test_lines_break_as_from_markup(spans: tuple[Span, ...]) -> None:
    """Laid out in a narrow column, the paragraph's lines are those of the markup's."""
    style = STYLES["quote"]
    made = pdf_writer._para(spans, style)
    parsed = Paragraph(pdf_writer.markup(spans), style)
    made.wrap(60, 1000)
    parsed.wrap(60, 1000)
    assert made.height == parsed.height
    assert _plain(made.blPara.lines) == _plain(parsed.blPara.lines)
