"""The reader's layout of any text keeps every character it shows where the map says, so a
quote found in the original is highlighted on the same words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core.model import Finding, Locator
from briefing_builder.core.reading import layout_text, passages

# Lines built from words, marks the layout treats specially, and blank lines.
WORDS = st.sampled_from(
    ["Police", "partners", "met.", "data", "**", "- ", "  • ", "# ", "3.1 ", "“Trust”", "é", "😀"]
)
LINE = st.lists(WORDS, min_size=0, max_size=8).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=12).map("\n".join)


@given(TEXT)
def test_every_shown_character_is_where_the_map_says(text: str) -> None:
    layout = layout_text(text)
    assert layout.text == "\n".join(b.text for b in layout.blocks)
    for block in layout.blocks:
        for p in block.pieces:
            assert layout.text[p.at : p.at + p.end - p.start] == text[p.start : p.end]
            for i in range(p.start, p.end):
                assert layout.position(i) == p.at + i - p.start
    for i in range(len(text) + 1):
        assert 0 <= layout.position(i) <= len(layout.text)


@given(TEXT, st.data())
def test_a_quote_of_the_text_is_shown_on_its_own_words(text: str, data: st.DataObject) -> None:
    words = text.split()
    if not words:
        return
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quote = " ".join(words[start:end])
    (p,) = passages(text, [Finding("f", "s", "quote", quote, Locator("page", "1"), ())])
    assert p.found
    layout = layout_text(text)
    pieces = [piece for block in layout.blocks for piece in block.pieces]
    for s, e in p.spans:
        a, b = layout.span(s, e)
        assert 0 <= a <= b <= len(layout.text)
        # Shown: exactly the characters of the span that the layout shows (not bullets, **, #),
        # with the spaces and line breaks between blocks and lines.
        kept = "".join(text[max(q.start, s) : min(q.end, e)] for q in pieces)
        assert "".join(layout.text[a:b].split()) == "".join(kept.split())
