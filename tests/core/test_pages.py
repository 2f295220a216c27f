"""Printed page labels: written as short ranges in sources.yaml, one label a page of the text."""

from __future__ import annotations

import pytest

from briefing_builder.core.pages import (
    PageLabelError,
    compress_page_labels,
    expand_page_labels,
    from_roman,
    page_label,
)


def test_ranges_expand_and_compress_back() -> None:
    labels = ["Cover", "i", "ii", "iii", "iv", "1", "2", "3", "4", "A-1", "A-2", "A-3", "3-1"]
    written = compress_page_labels(labels)
    assert written == ["Cover", "i–iv", "1–4", "A-1–A-3", "3-1"]
    assert expand_page_labels(written) == labels
    assert expand_page_labels(["IX–XII"]) == ["IX", "X", "XI", "XII"]
    assert compress_page_labels(["1", "2"]) == ["1", "2"]  # two pages are clearer as they are


def test_bad_ranges_are_explained() -> None:
    with pytest.raises(PageLabelError, match="runs backwards"):
        expand_page_labels(["9–3"])
    with pytest.raises(PageLabelError, match="same prefix and numbering"):
        expand_page_labels(["i–12"])
    with pytest.raises(PageLabelError, match="more than"):
        expand_page_labels(["1–10000000"])
    with pytest.raises(PageLabelError, match="empty"):
        expand_page_labels([" "])
    assert from_roman("iiii") is None and from_roman("xiv") == 14


def test_page_of_a_passage() -> None:
    text = "front\n\f\nbody one\n\f\nbody two"
    labels = ["ii", "1", "2"]
    assert page_label(text, text.index("front"), labels) == "ii"
    assert page_label(text, text.index("two"), labels) == "2"
    assert page_label(text, text.index("two"), None) == "3"
