from briefing_builder.core.textmatch import FoldedText, fold_whitespace, locate_quote, quote_parts

SOURCE = (
    "The police\u00a0and  partners\nmet weekly. Budgets – as ever – were tight; “trust” mattered."
)


def test_fold_whitespace_includes_no_break_spaces_and_newlines() -> None:
    assert fold_whitespace(" a\u00a0 b\n\tc ") == "a b c"


def test_quote_parts_split_on_both_omission_marks() -> None:
    assert quote_parts("one … two [...] three") == ["one", "two", "three"]


def test_word_for_word_only_white_space_may_differ() -> None:
    folded = FoldedText.of(SOURCE)
    assert folded.contains_quote("The police and partners met weekly.")
    assert folded.contains_quote("Budgets – as ever – were tight; “trust” mattered.")
    assert not folded.contains_quote("Budgets - as ever - were tight")  # hyphen is not an en dash
    assert not folded.contains_quote("the police and partners")  # case matters
    assert not folded.contains_quote("")


def test_omissions_must_keep_order() -> None:
    folded = FoldedText.of(SOURCE)
    assert folded.contains_quote("The police … met weekly. … “trust” mattered.")
    assert not folded.contains_quote("met weekly. … The police")


def test_locate_quote_maps_back_to_the_original_text() -> None:
    start, end = locate_quote(SOURCE, "partners met weekly") or (0, 0)
    assert SOURCE[start:end] == "partners\nmet weekly"
    assert locate_quote(SOURCE, "not there") is None


def test_white_space_is_what_a_regular_expression_calls_white_space() -> None:
    import re
    import sys

    space = re.compile(r"\s")
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if space.fullmatch(chr(c))]
    assert "\u00a0" in spaces and "\u2028" in spaces and "\x1c" in spaces
    assert fold_whitespace("x".join(spaces)) == " ".join("x" * (len(spaces) - 1))
    for ch in spaces:
        assert fold_whitespace(f"{ch}a{ch}{ch}b{ch}") == "a b"
    assert fold_whitespace("a\u200bb") == "a\u200bb"  # a zero-width space is not white space
    assert quote_parts("one … two [...] three […] four") == ["one", "two", "three", "four"]
    assert quote_parts("  plain  quote ") == ["plain quote"]
    assert quote_parts(" … ") == []


def test_a_quote_is_found_wherever_it_is_from_any_starting_point() -> None:
    """The loader passes where the last quote it found starts: a quote after it, before it, or
    that spans it is found all the same, and one that is not there is not."""
    folded = FoldedText.of(SOURCE)
    text = folded.folded
    quotes = [
        "The police and partners met weekly.",
        "Budgets – as ever",
        "The police … “trust” mattered.",
        "partners met … were tight",
        "mattered.",
    ]
    for quote in quotes:
        first = folded.find_quote(quote)
        assert first is not None, quote
        for near in range(len(text) + 2):
            span = folded.find_quote(quote, near)
            assert span is not None, (quote, near)
            # The one after ``near`` when there is one, else the first of all.
            assert span == first or span[0] >= near, (quote, near)
    for missing in ("met weekly. … The police", "Budgets - as ever", "mattered. … The"):
        assert all(folded.find_quote(missing, near) is None for near in range(len(text) + 2))
    twice = FoldedText.of("a cat, a dog, a cat")
    assert twice.find_quote("a cat") == (0, 5) and twice.find_quote("a cat", 1) == (14, 19)
