"""One safe-file-name rule for the names Save As and Export propose from a title."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core.filenames import MAX_NAME_BYTES, safe_file_name

FORBIDDEN = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)}


def follows_the_rule(name: str) -> bool:
    return (
        bool(name)
        and not (set(name) & FORBIDDEN)
        and not any(unicodedata.category(ch).startswith("C") for ch in name)
        and name == name.strip(" .")
        and not name.startswith(("-", "~"))
        and name.split(".")[0].strip().upper() not in RESERVED
        and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    )


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Partnership working: what works?", "Partnership working - what works"),
        ("Policing plan 2025/26", "Policing plan 2025-26"),
        ('The "what works" agenda', "The 'what works' agenda"),
        ("Māori communities & partners (draft)", "Māori communities & partners (draft)"),
        ("Tabs\tand\nnew lines", "Tabs and new lines"),
        ("Ends with dots...", "Ends with dots"),
        ("  .hidden  ", "hidden"),
        ("a * b < c > d | e", "a b c d - e"),
        ("CON", "CON (briefing)"),
        ("nul.txt", "nul (briefing).txt"),
        ("Com1", "Com1 (briefing)"),
        ("???", "briefing"),
        ("", "briefing"),
        ("Zero\u200bwidth", "Zero width"),
    ],
)
def test_examples(title: str, name: str) -> None:
    assert safe_file_name(title) == name
    assert follows_the_rule(name)


def test_long_titles_end_at_a_word_within_the_bound() -> None:
    title = "Evidence on partnership working between police and partners " * 5
    name = safe_file_name(title)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert title.startswith(name) and title[len(name)] == " "
    # Non-ASCII counts in bytes, and is never cut inside a character.
    name = safe_file_name("ā" * 200)
    assert name == "ā" * (MAX_NAME_BYTES // 2)


@given(st.text(max_size=300))
def test_every_title_gives_a_safe_name(title: str) -> None:
    assert follows_the_rule(safe_file_name(title))


def test_what_a_swap_leaves_at_the_ends_is_trimmed() -> None:
    assert safe_file_name(":0") == "0"
    assert safe_file_name("~$draft: v2.") == "$draft - v2"
