"""The committee front sheet and the marking's descriptor in the briefing file (format 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_builder.core.briefing import Briefing, full_marking
from briefing_builder.core.briefing_io import (
    FORMAT_VERSION,
    BriefingError,
    dumps_briefing,
    read_briefing,
    save_briefing,
)

FRONT = """briefing: 2
title: Partnership working
marking: OFFICIAL-SENSITIVE
marking-descriptor: PERSONAL
meeting: Community Safety Committee
meeting-date: 2026-12-10
agenda-item: "7b"
report-of: Head of Policy
contact: Sam Jones, Policy Unit
purpose: To set out the evidence.
decision: For decision
recommendations:
  - note the evidence summarised in this paper;
  - agree the three priorities for 2027.
sections: []
"""


def test_front_sheet_fields_are_read_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "front.briefing.yaml"
    path.write_text(FRONT, encoding="utf-8")
    b = read_briefing(path)
    assert (b.meeting, b.meeting_date, b.agenda_item) == (
        "Community Safety Committee",
        "2026-12-10",
        "7b",
    )
    assert (b.report_of, b.contact, b.purpose) == (
        "Head of Policy",
        "Sam Jones, Policy Unit",
        "To set out the evidence.",
    )
    assert b.decision == "decision"
    assert b.recommendations == [
        "note the evidence summarised in this paper;",
        "agree the three priorities for 2027.",
    ]
    assert b.printed_marking() == "OFFICIAL-SENSITIVE PERSONAL"
    assert b.has_front_sheet()
    out = tmp_path / "again.briefing.yaml"
    save_briefing(b, out)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[1] == f"briefing: {FORMAT_VERSION}" and FORMAT_VERSION == 2
    for key in ("meeting-date:", "agenda-item:", "report-of:", "marking-descriptor:"):
        assert key in text
    again = read_briefing(out)
    assert again == b


def test_version_1_and_the_minimal_form_still_read_without_a_front_sheet(tmp_path: Path) -> None:
    path = tmp_path / "old.briefing.yaml"
    path.write_text("briefing: 1\ntitle: T\nmarking: OFFICIAL\nsections: []\n", encoding="utf-8")
    b = read_briefing(path)
    assert not b.has_front_sheet()
    assert b.printed_marking() == "OFFICIAL"
    text = dumps_briefing(b)
    for key in ("meeting", "decision", "recommendations", "descriptor"):
        assert key not in text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("decision: maybe", "'decision' should be 'decision' (for decision) or 'information'"),
        ("meeting-date: 10/12/2026", "meeting-date '10/12/2026' should be written as YYYY-MM-DD"),
        ("recommendations: {a: 1}", "'recommendations' should be a list"),
        ("recommendations:\n  - [x]", "each recommendation should be text"),
        ("meeting: [x]", "'meeting' of the briefing should be text"),
    ],
)
def test_bad_front_sheet_values_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.briefing.yaml"
    path.write_text(f"briefing: 2\ntitle: T\n{line}\n", encoding="utf-8")
    with pytest.raises(BriefingError) as err:
        read_briefing(path)
    (problem,) = err.value.problems
    assert message in problem.message
    assert problem.file == str(path) and problem.line in (3, 4)


def test_information_and_a_single_recommendation(tmp_path: Path) -> None:
    path = tmp_path / "info.briefing.yaml"
    path.write_text(
        "briefing: 2\ntitle: T\ndecision: information\nrecommendations: note this paper\n",
        encoding="utf-8",
    )
    b = read_briefing(path)
    assert (b.decision, b.recommendations) == ("information", ["note this paper"])


def test_full_marking() -> None:
    assert full_marking("OFFICIAL-SENSITIVE", "COMMERCIAL") == "OFFICIAL-SENSITIVE COMMERCIAL"
    assert full_marking("", "PERSONAL") == ""  # a descriptor alone is not a marking
    assert full_marking("  RESTRICTED  policy ", "") == "RESTRICTED policy"
    assert not Briefing(recommendations=["  "]).has_front_sheet()
