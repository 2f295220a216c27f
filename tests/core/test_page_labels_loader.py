"""``page-labels:`` on a source: read by the loader, checked against its text's pages."""

from __future__ import annotations

from pathlib import Path

from briefing_builder.core.loader import load_library
from tests.conftest import ALPHA_TEXT, SOURCES_YAML, write_library

LABELLED = SOURCES_YAML.replace(
    "    text: texts/alpha.txt\n", "    text: texts/alpha.txt\n    page-labels: [ii, 1–2]\n"
)
THREE_PAGES = "Front matter.\n\f\n" + ALPHA_TEXT + "\f\nThe last page.\n"


def test_page_labels_are_read(tmp_path: Path) -> None:
    lib = load_library(
        write_library(tmp_path, {"sources.yaml": LABELLED, "texts/alpha.txt": THREE_PAGES})
    )
    assert lib.problems == []
    alpha = lib.source("alpha")
    assert alpha is not None and alpha.page_labels == ("ii", "1", "2")
    beta = lib.source("beta")
    assert beta is not None and beta.page_labels is None


def test_page_labels_that_do_not_fit_the_text_are_a_warning(tmp_path: Path) -> None:
    lib = load_library(write_library(tmp_path, {"sources.yaml": LABELLED}))
    assert [(p.line, p.warning, p.message) for p in lib.problems] == [
        (
            9,
            True,
            "'page-labels' of source 'alpha' name 3 pages but its text has 1 "
            "(pages are separated by form feeds)",
        )
    ]


def test_unreadable_page_labels_are_an_error_at_their_line(tmp_path: Path) -> None:
    bad = LABELLED.replace("[ii, 1–2]", "[ii, 9–2]")
    lib = load_library(
        write_library(tmp_path, {"sources.yaml": bad, "texts/alpha.txt": THREE_PAGES})
    )
    assert [(p.line, p.warning, p.message) for p in lib.problems] == [
        (9, False, "'page-labels' of source 'alpha': the range '9–2' runs backwards")
    ]
    assert lib.source("alpha") is not None  # the source itself still loads


def test_a_quote_may_run_over_a_page_break(tmp_path: Path) -> None:
    """A form feed is white space: a quote that runs from one page to the next is found."""
    text = ALPHA_TEXT.replace("The police and", "The police\n\f\nand")
    lib = load_library(
        write_library(tmp_path, {"texts/alpha.txt": "Front.\n\f\n" + text + "\f\nEnd.\n"})
    )
    assert [p for p in lib.problems if p.warning is False] == []
    assert lib.verified_count == len(lib.findings)
