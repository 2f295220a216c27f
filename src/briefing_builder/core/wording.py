"""Small pieces of wording shared by the command line and the app's labels."""

from __future__ import annotations


def count_label(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 finding", "3 findings" """
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def first_words(text: str, words: int = 6) -> str:
    """The start of a text, for a label: its first few words and "…" if there are more."""
    parts = text.split()
    head = " ".join(parts[:words])
    return head + "…" if len(parts) > words else head
