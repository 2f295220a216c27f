"""App settings: typed, kept as JSON, never fail to load, saved atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs
import pytest

from briefing_builder.core import settings as settings_mod
from briefing_builder.core.settings import CONFIG_ENV, MAX_RECENT, Settings, config_dir


def _full() -> Settings:
    return Settings(
        last_library="/data/library",
        recent_files=["/a/one.briefing.yaml", "/a/two.briefing.yaml"],
        default_style="apa",
        window_geometry="AdnQywADAAA=",
        window_state="AAAA/wAAAAD9",
        splitter_state="AAAA/wAAAAEAAAAD",
    )


def test_config_dir_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "cfg"))
    assert config_dir() == tmp_path / "cfg"
    assert settings_mod.settings_path() == tmp_path / "cfg" / "settings.json"


def test_config_dir_defaults_to_the_platform_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    expected = Path(platformdirs.user_config_dir("briefing-builder", appauthor=False))
    assert config_dir() == expected


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert Settings.load(tmp_path / "nope.json") == Settings()
    assert Settings().default_style == "harvard"


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _full().save(path)
    assert Settings.load(path) == _full()
    assert json.loads(path.read_text(encoding="utf-8"))["default_style"] == "apa"


def test_default_path_is_in_the_config_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "deep" / "cfg"))
    _full().save()  # creates the folder
    assert (tmp_path / "deep" / "cfg" / "settings.json").is_file()
    assert Settings.load() == _full()


def test_save_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "settings.json"
    Settings(default_style="apa").save(path)
    assert Settings.load(path).default_style == "apa"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"default_style": "apa"',  # truncated
        b"\xff\xfe\x00garbage\x80",  # not UTF-8
        b"[1, 2, 3]",
        b'"just a string"',
        b"42",
        b"null",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the parser allows
    ],
)
def test_bad_files_give_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    assert Settings.load(path) == Settings()


def test_a_folder_in_place_of_the_file_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()
    assert Settings.load(tmp_path / "settings.json") == Settings()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _full().save(path)
    path.chmod(0)
    try:
        assert Settings.load(path) == Settings()
    finally:
        path.chmod(0o600)


def test_read_errors_give_defaults(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "settings.json"
    _full().save(path)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert Settings.load(path) == Settings()


def test_wrong_types_fall_back_per_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "last_library": 5,
                "recent_files": "not a list",
                "default_style": "apa",
                "window_geometry": "AdnQywADAAA=",
                "window_state": ["x"],
                "splitter_state": True,
                "something_new": {"from": "a later version"},
            }
        ),
        encoding="utf-8",
    )
    loaded = Settings.load(path)
    assert loaded == Settings(default_style="apa", window_geometry="AdnQywADAAA=")


def test_bad_default_style_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for bad in (None, 3, "", "   "):
        path.write_text(json.dumps({"default_style": bad, "last_library": "/lib"}))
        assert Settings.load(path) == Settings(last_library="/lib")


def test_recent_files_keep_only_text_entries(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"recent_files": ["/a.yaml", 3, None, "", ["x"], "/b.yaml"]}))
    assert Settings.load(path).recent_files == ["/a.yaml", "/b.yaml"]


def test_loaded_recent_files_are_deduplicated_and_limited(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    files = [str(tmp_path / f"f{i}.briefing.yaml") for i in range(15)]
    messy = [files[0], str(tmp_path / "sub" / ".." / "f0.briefing.yaml"), *files[1:]]
    path.write_text(json.dumps({"recent_files": messy}))
    assert Settings.load(path).recent_files == files[:MAX_RECENT]


def test_add_recent_puts_newest_first_and_moves_repeats(tmp_path: Path) -> None:
    a, b, c = (tmp_path / f"{n}.briefing.yaml" for n in "abc")
    s = Settings()
    for p in (a, b, c):
        s.add_recent(p)
    assert s.recent_files == [str(c), str(b), str(a)]
    s.add_recent(str(a))
    assert s.recent_files == [str(a), str(c), str(b)]


def test_add_recent_dedupes_by_resolved_path(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "real" / "x.briefing.yaml"
    target.parent.mkdir()
    target.write_text("briefing: 1\n")
    s = Settings()
    s.add_recent(target)
    s.add_recent(tmp_path / "real" / ".." / "real" / "x.briefing.yaml")
    monkeypatch.chdir(tmp_path / "real")
    s.add_recent("x.briefing.yaml")  # relative to the working folder
    try:
        (tmp_path / "link").symlink_to(tmp_path / "real")
    except OSError:
        pass  # no symlinks here (e.g. Windows without the privilege)
    else:
        s.add_recent(tmp_path / "link" / "x.briefing.yaml")
    assert s.recent_files == [str(target.resolve())]


def test_add_recent_keeps_missing_files_and_limits_the_list(tmp_path: Path) -> None:
    s = Settings()
    paths = [tmp_path / "gone" / f"{i}.briefing.yaml" for i in range(MAX_RECENT + 2)]
    for p in paths:
        s.add_recent(p)
    assert s.recent_files == [str(p) for p in reversed(paths)][:MAX_RECENT]
    assert not any(Path(p).exists() for p in s.recent_files)


def test_recent_files_survive_a_round_trip(tmp_path: Path) -> None:
    s = Settings()
    s.add_recent(tmp_path / "one.briefing.yaml")
    s.add_recent(tmp_path / "two.briefing.yaml")
    s.save(tmp_path / "settings.json")
    assert Settings.load(tmp_path / "settings.json").recent_files == s.recent_files


def test_failed_replace_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "settings.json"
    Settings(default_style="old").save(path)
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        Settings(default_style="new").save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert Settings.load(path).default_style == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # no temp file left


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and links")
def test_settings_follow_the_umask_and_keep_a_link(tmp_path: Path) -> None:
    saved = os.umask(0o022)
    try:
        path = tmp_path / "settings.json"
        Settings(default_style="first").save(path)
        assert path.stat().st_mode & 0o777 == 0o644  # not 0600, as every save used to be
        # Settings kept elsewhere (a dotfiles repository) behind a link: the link stays.
        real = tmp_path / "dotfiles" / "settings.json"
        real.parent.mkdir()
        path.rename(real)
        real.chmod(0o600)
        path.symlink_to(real)
        Settings(default_style="second").save(path)
        assert path.is_symlink() and Settings.load(real).default_style == "second"
        assert real.stat().st_mode & 0o777 == 0o600  # its own mode kept
    finally:
        os.umask(saved)
