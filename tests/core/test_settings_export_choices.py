"""Settings for the export dialog's memory and for reopening the last briefing at start."""

from __future__ import annotations

import json
from pathlib import Path

from briefing_builder.core.settings import MAX_EXPORT_CHOICES, Settings


def test_reopen_last_is_on_by_default_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    assert s.reopen_last is True and s.last_briefing is None
    s.reopen_last = False
    s.last_briefing = str(tmp_path / "a.briefing.yaml")
    s.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["reopen_last"] is False
    assert data["last_briefing"] == str(tmp_path / "a.briefing.yaml")
    back = Settings.load(path)
    assert back.reopen_last is False and back.last_briefing == s.last_briefing


def test_export_choices_per_briefing_and_the_latest_for_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    a, b = tmp_path / "a.briefing.yaml", tmp_path / "b.briefing.yaml"
    s.remember_export(a, "pdf", "numbered-notes", tmp_path / "packs")
    s.remember_export(b, "docx", "harvard", tmp_path / "drafts")
    s.save(path)
    back = Settings.load(path)
    assert back.export_choice(a) == {
        "format": "pdf",
        "style": "numbered-notes",
        "folder": str(tmp_path / "packs"),
    }
    assert back.export_choice(b)["folder"] == str(tmp_path / "drafts")
    # A briefing never exported, or not yet saved, starts from the last choices.
    assert back.export_choice(tmp_path / "c.briefing.yaml")["format"] == "docx"
    assert back.export_choice(None)["style"] == "harvard"
    assert Settings().export_choice(a) == {}
    # ... except the style, when the briefing names its own.
    assert back.export_choice(tmp_path / "c.briefing.yaml", "numbered-notes") == {
        "format": "docx",
        "style": "numbered-notes",
        "folder": str(tmp_path / "drafts"),
    }
    assert back.export_choice(a, "harvard")["style"] == "numbered-notes"  # its own choice


def test_export_choices_are_bounded_oldest_first_out(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    first = tmp_path / "0.briefing.yaml"
    for i in range(MAX_EXPORT_CHOICES + 5):
        s.remember_export(tmp_path / f"{i}.briefing.yaml", "pdf", "harvard", tmp_path)
    # Exporting an old one again makes it the newest.
    s.remember_export(tmp_path / "10.briefing.yaml", "docx", "harvard", tmp_path)
    s.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["export_choices"]) == MAX_EXPORT_CHOICES
    back = Settings.load(path)
    assert back.export_choice(first)["format"] == "docx"  # gone: the latest choice instead
    assert list(back.export_choices)[-1].endswith("10.briefing.yaml")
    assert back.export_choices[list(back.export_choices)[-1]]["format"] == "docx"


def test_damaged_export_choices_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "reopen_last": "yes",
                "export_choices": {"/x.briefing.yaml": ["pdf"], "/y.briefing.yaml": {"format": 3}},
                "last_export": "pdf",
                "recent_files": ["/r.briefing.yaml"],
            }
        ),
        encoding="utf-8",
    )
    s = Settings.load(path)
    assert s.reopen_last is True
    assert s.export_choices == {"/y.briefing.yaml": {}}
    assert s.last_export == {}
    assert s.recent_files == ["/r.briefing.yaml"]


def test_the_dialogs_other_choices_are_kept_and_numbering_stays_with_its_briefing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    s = Settings()
    a = tmp_path / "a.briefing.yaml"
    extra = {"annex": "yes", "annex-ids": "no", "numbered-paragraphs": "yes", "junk": "x"}
    s.remember_export(a, "pdf", "harvard", tmp_path, extra)
    s.save(path)
    back = Settings.load(path)
    assert back.export_choice(a) == {
        "format": "pdf",
        "style": "harvard",
        "folder": str(tmp_path),
        "annex": "yes",
        "annex-ids": "no",
        "numbered-paragraphs": "yes",
    }
    # A briefing exported for the first time takes the annex habit, not another's numbering.
    other = back.export_choice(tmp_path / "b.briefing.yaml")
    assert other["annex"] == "yes" and "numbered-paragraphs" not in other
