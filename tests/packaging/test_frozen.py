"""The built bundle, run as a user would: a bare environment (no venv on PATH, HOME in a temporary
folder, another working folder). Needs packaging/build.sh first; run with ``-m packaging``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from briefing_builder import __version__
from tests.conftest import REPO

from .conftest import APP_ID, Bundle, clean_run

pytestmark = pytest.mark.packaging
EXAMPLE = REPO / "examples" / "partnership-working.briefing.yaml"
QUIT = {"BRIEFING_BUILDER_QUIT_WHEN_SHOWN": "1"}
MAX_BUNDLE_MB = 200


def test_bundle_size_is_within_the_limit(bundle: Bundle) -> None:
    total = sum(
        p.stat().st_size for p in bundle.folder.rglob("*") if p.is_file() and not p.is_symlink()
    )
    assert total <= MAX_BUNDLE_MB * 1_000_000, f"{total / 1e6:.0f} MB"


def test_bundle_leaves_out_the_qt_it_does_not_use(bundle: Bundle) -> None:
    qt = bundle.folder / "_internal" / "PySide6"
    modules = sorted(p.name.split(".")[0] for p in qt.glob("Qt*.so"))
    assert modules == ["QtCore", "QtGui", "QtWidgets"]
    platforms = sorted(p.name for p in (qt / "Qt" / "plugins" / "platforms").iterdir())
    assert platforms == ["libqoffscreen.so", "libqwayland.so", "libqxcb.so"]
    assert not list(qt.rglob("*Quick*")) and not list(qt.rglob("*WebEngine*"))
    assert not (qt / "Qt" / "translations").exists()


def test_version(bundle: Bundle, tmp_path: Path) -> None:
    proc = clean_run([bundle.cli, "--version"], tmp_path / "home", tmp_path / "cwd")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"briefing-builder {__version__}"


def test_check_the_bundled_library(bundle: Bundle, tmp_path: Path) -> None:
    proc = clean_run([bundle.cli, "check"], tmp_path / "home", tmp_path / "cwd")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 sources, 247 findings, 14 themes; 247 of 247 quotes verified" in proc.stdout
    # No errors; its one warning is the online source with no recorded access date.
    assert "(0 errors, 1 warning)" in proc.stdout, proc.stdout
    assert "sources.yaml:4: warning: source 'scotgov-y4' has a URL" in proc.stdout
    # Its cache went to the (temporary) home, nowhere near the bundle.
    assert list((tmp_path / "home" / ".cache" / "briefing-builder").rglob("*.columns"))


def test_list_searches(bundle: Bundle, tmp_path: Path) -> None:
    proc = clean_run(
        [bundle.cli, "list", "--search", "information sharing", "--json"],
        tmp_path / "home",
        tmp_path / "cwd",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.lstrip().startswith("[") and '"id":' in proc.stdout


def test_export_docx_and_pdf(bundle: Bundle, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    for name, style in (("briefing.pdf", "harvard"), ("briefing.docx", "numbered-notes")):
        proc = clean_run(
            [bundle.cli, "export", EXAMPLE, "-o", name, "--style", style], tmp_path / "home", cwd
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.startswith(f"Wrote {name} (")
    pdf = PdfReader(cwd / "briefing.pdf")
    assert len(pdf.pages) >= 3
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "References" in text and "Tizard" in text
    # The bundled DejaVu fonts are found and embedded.
    fonts = {
        str(f["/BaseFont"])
        for page in pdf.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in f.get_object()
    }
    assert any("DejaVuSans" in f for f in fonts), fonts
    with zipfile.ZipFile(cwd / "briefing.docx") as docx:
        assert docx.testzip() is None
        names = set(docx.namelist())
        assert {"word/document.xml", "word/styles.xml", "word/footnotes.xml"} <= names
        assert b"Tizard" in docx.read("word/footnotes.xml")


def test_a_library_grown_from_the_command_line(bundle: Bundle, tmp_path: Path) -> None:
    """New library, a source from a text file, a finding of it, an edit kept in place (ruamel.yaml
    in the bundle), and the check passing on the result: the curation commands, frozen."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "review.md").write_text(
        "# 1 Introduction\n\nPartnerships have to be for a purpose and they must demonstrate "
        "added value to the people they serve.\n",
        encoding="utf-8",
    )

    def run(*args: object) -> str:
        proc = clean_run([bundle.cli, *args], home, cwd)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        return proc.stdout

    run("new-library", "lib", "--title", "Unit library")
    library = yaml.safe_load((cwd / "lib" / "library.yaml").read_text(encoding="utf-8"))
    theme = library["themes"][0]["id"]
    run(
        "add-source",
        "review.md",
        "--library",
        "lib",
        "--id",
        "review-2024",
        "--title",
        "Review",
        "--organisation",
        "Home Office",
        "--year",
        "2024",
    )
    out = run(
        "add-finding",
        "--library",
        "lib",
        "--source",
        "review-2024",
        "--text",
        "they must demonstrate added value",
        "--theme",
        theme,
    )
    fid = out.split()[0]
    run("edit-finding", fid, "--library", "lib", "--speaker", "A reviewer")
    findings = (cwd / "lib" / "findings" / "review-2024.yaml").read_text(encoding="utf-8")
    assert f"id: {fid}" in findings and "speaker: A reviewer" in findings
    assert "section" in findings  # the locator derived from the numbered heading
    assert "1 of 1 quote verified" in run("check", "--library", "lib")  # exit 0: no errors


def test_bad_input_is_a_message_not_a_traceback(bundle: Bundle, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / "bad.briefing.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    proc = clean_run(
        [bundle.cli, "export", "bad.briefing.yaml", "-o", "out.pdf"], tmp_path / "home", cwd
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert re.search(r"^  bad\.briefing\.yaml:\d+: ", proc.stderr, re.M), proc.stderr
    assert not (cwd / "out.pdf").exists()


@pytest.mark.parametrize("exe", ["cli", "gui"])
def test_desktop_app_shows_its_window_offscreen(bundle: Bundle, tmp_path: Path, exe: str) -> None:
    args = [bundle.cli, "gui", EXAMPLE] if exe == "cli" else [bundle.gui, EXAMPLE]
    proc = clean_run(
        args, tmp_path / "home", tmp_path / "cwd", {**QUIT, "QT_QPA_PLATFORM": "offscreen"}
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = [line for line in proc.stdout.splitlines() if line.startswith("SHOWN ")]
    assert len(shown) == 1, proc.stdout
    # The briefing given on the command line is open, unchanged, in the bundled library's window.
    assert shown[0].endswith(" partnership-working — Briefing Builder"), shown[0]
    assert shown[0].split()[2] == APP_ID  # the installed desktop entry's id


def test_desktop_app_on_a_real_x_server(bundle: Bundle, tmp_path: Path) -> None:
    """The xcb platform plugin and its libraries, as on a desktop (Xvfb stands in for one)."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is not installed (apt-get install xvfb xauth)")
    proc = clean_run(
        [xvfb, "-a", bundle.gui],
        tmp_path / "home",
        tmp_path / "cwd",
        {**QUIT, "QT_QPA_PLATFORM": "xcb"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(line.startswith("SHOWN ") for line in proc.stdout.splitlines()), proc.stdout


# --- the loader's worker processes, frozen ------------------------------------------------------


@pytest.fixture(scope="module")
def large_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over the loader's 4 MB threshold, so that it reads the findings files in worker processes."""
    from briefing_builder.core.loader import PARALLEL_MIN_BYTES

    root = tmp_path_factory.mktemp("large") / "lib"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate_library.py"),
            str(root),
            "--findings",
            "12000",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    size = sum(p.stat().st_size for p in (root / "findings").glob("*.yaml"))
    assert size > PARALLEL_MIN_BYTES
    return root


def _descendants(pid: int) -> dict[int, str]:
    """Every living descendant of ``pid``, with its command line (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline:  # (empty: a process that has just ended)
            found[child] = cmdline.replace(b"\0", b" ").decode()
        todo.extend(children.get(child, []))
    return found


def _run_watching(
    args: list[str | Path], env: dict[str, str], cwd: Path
) -> tuple[subprocess.CompletedProcess[str], dict[int, str]]:
    cwd.mkdir(parents=True, exist_ok=True)
    seen: dict[int, str] = {}
    with subprocess.Popen(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        deadline = time.monotonic() + 180
        while proc.poll() is None:
            seen.update(_descendants(proc.pid))
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"no answer in 180 s; processes: {seen}")
            time.sleep(0.02)
        out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), seen


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the loader reads in-process")
@pytest.mark.parametrize("exe", ["cli", "gui"])
def test_large_library_is_read_by_frozen_workers(
    bundle: Bundle, large_library: Path, tmp_path: Path, exe: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    if exe == "cli":
        args: list[str | Path] = [bundle.cli, "check", "--no-cache", "--library", large_library]
    else:
        args = [bundle.gui, "--library", large_library]
        env.update(QUIT, QT_QPA_PLATFORM="offscreen")
    proc, seen = _run_watching(args, env, tmp_path / "cwd")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if exe == "cli":
        assert (
            "300 sources, 12000 findings, 40 themes; 12000 of 12000 quotes verified" in proc.stdout
        )
    else:
        assert [line for line in proc.stdout.splitlines() if line.startswith("SHOWN")] != []
    # The workers ran, as the app's own executable turned worker by freeze_support() ...
    workers = [c for c in seen.values() if "--multiprocessing-fork" in c]
    assert workers, f"no worker process was seen: {seen}"
    exe_path = str(bundle.cli if exe == "cli" else bundle.gui)
    assert all(c.startswith(exe_path) for c in seen.values()), seen
    # ... and none of them started the app again or read its arguments as a command line.
    others = [
        c
        for c in seen.values()
        if "--multiprocessing-fork" not in c and "resource_tracker" not in c
    ]
    assert others == [], others
    assert "usage:" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
