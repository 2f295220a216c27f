"""A small library for the curation tests: sources laid out as real ones are (a paginated report
with printed page labels and numbered headings, a Markdown text, a slide deck, a text with no
headings at all), written byte for byte as given."""

from __future__ import annotations

from pathlib import Path

LIBRARY = """\
# The unit's library: kept by hand as well as by the app.
title: Curation test library
themes:
  - id: trust   # keep this comment
    label: Culture and trust
    description: Relationships between partners.

  - id: money
    label: 'Resources'
  - id: data
    label: Information sharing
"""

SOURCES = """\
references:
  - id: review
    type: report
    title: Annual review of partnerships
    author: [{literal: Home Office}]
    issued: {date-parts: [[2021]]}
    text: texts/review.txt
    page-labels: [Cover, 1–2]

  - id: guide
    type: report
    title: Policing together
    author: [{family: Smith, given: Ann}]
    issued: {date-parts: [[2019]]}
    text: texts/guide.txt

  - id: deck
    type: speech
    title: Working in partnership
    genre: Slide presentation
    author: [{family: Mortimore, given: Steve}]
    issued: {date-parts: [[2009]]}
    text: texts/deck.txt

  - id: notes
    type: report
    title: Meeting notes
    author: [{literal: Partnership Board}]
    text: texts/notes.txt
"""

# Three pages: the cover, printed page 1, printed page 2.
REVIEW = (
    "Annual review of partnerships\n\nHome Office\n"
    "\f\n"
    "1. Introduction\n\n"
    "Partnerships have to be for a purpose. They must\ndemonstrate added value.\n\n"
    "1.1 Scope\n\n"
    "This review covers the # marks and the police in   England.\n"
    "\f\n"
    "2. Findings\n\n"
    "Partners pooled their resources to cope with budget cuts.\n"
    "'We're all trying to do more with less. We share data every day.' (B02 Police)\n\n"
    "Interviewee: Manchester\n"
    "“Meetings every morning broke down the silos.”\n"
)

GUIDE = (
    "# Policing together\n\n"
    "## 3.1 Range of partners\n\n"
    "Police work with health, education and housing.\n\n"
    "### Working with schools\n\n"
    "Schools see officers every week.\n\n"
    "# Appendix\n\n"
    "Police work with health, education and housing.\n"
)

DECK = (
    "Working in partnership\n\nSteve Mortimore\n"
    "\f\n"
    "Current partnership landscape\n\n"
    "Partnership work is closer at the CDRP level.\n"
    "\f\n"
    "Aspiration\n\n"
    "Fully integrated service delivery at the frontline.\n"
)

NOTES = (
    "the board met twice this year and agreed its priorities.\n\n"
    "the partners agreed to share one office from the spring.\n"
)

FINDINGS_REVIEW = """\
# Findings from the annual review, curated by hand.

- id: review-001
  source: review
  kind: key-finding
  text: >-
    Partnerships have to be for a purpose.
  locator: {label: page, value: "1"}
  themes: [trust]   # a comment that must survive
  places: [England]

- id: review-002
  source: review
  kind: key-finding
  text: Partners pooled their resources to cope with budget cuts.
  locator: {label: page, value: "2"}
  themes: [money, data]
"""

FINDINGS_GUIDE = """\
- id: guide-001
  source: guide
  kind: example
  text: Schools see officers every week.
  locator: {label: section, value: "3.1", title: Range of partners}
  themes: [trust]
"""


def make_library(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """The library at ``root``; ``files`` replaces or adds files by path (None leaves one out)."""
    contents: dict[str, str | bytes | None] = {
        "library.yaml": LIBRARY,
        "sources.yaml": SOURCES,
        "texts/review.txt": REVIEW,
        "texts/guide.txt": GUIDE,
        "texts/deck.txt": DECK,
        "texts/notes.txt": NOTES,
        "findings/review.yaml": FINDINGS_REVIEW,
        "findings/guide.yaml": FINDINGS_GUIDE,
    }
    contents.update(files or {})
    for rel, content in contents.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the library (hidden ones too), by path: to show nothing was written."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
