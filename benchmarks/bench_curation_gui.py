"""Curation in the window: Save → the finding visible, and how long the window stalls meanwhile.

A library is generated (:mod:`generate_library`, 20,000 findings in 100 sources by default) into
``benchmarks/out/curation-N-S/`` (shared with ``bench_curation.py``) and opened in a window, as
the app has it (from the cache). Each run then:

- **new finding**: a 15-word passage selected in the reader, New finding…, one theme ticked,
  Save; timed from the click to the new finding chosen in the list and the dialog closed;
- **edit**: Edit finding… on a finding, its note changed, Save; timed to the changed finding
  shown in the detail pane;
- **undo**: Library → Undo of that edit, timed to the old note shown again;

and the new finding is taken out again with Library → Undo, so each run starts from the same
library. A 2 ms heartbeat timer measures the event loop: the longest gap between its ticks
(less the interval) is the longest time the window could not react to a key, a click or a
repaint. Run by hand:

    .venv/bin/python benchmarks/bench_curation_gui.py [--findings 20000] [--runs 3]

``BENCH_SRC`` names another checkout's ``src`` folder to measure that code instead (the
figures before the writes moved off the window's thread were taken so).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SCRATCH = Path(tempfile.mkdtemp(prefix="bench-curation-gui-"))
os.environ["BRIEFING_BUILDER_CONFIG_DIR"] = str(_SCRATCH / "config")
os.environ["BRIEFING_BUILDER_DATA_DIR"] = str(_SCRATCH / "data")
os.environ["BRIEFING_BUILDER_CACHE_DIR"] = str(_SCRATCH / "cache")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(HERE.parent / "src"))

from generate_library import generate  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from briefing_builder.core import loader  # noqa: E402
from briefing_builder.core.cache import open_library  # noqa: E402
from briefing_builder.core.settings import Settings  # noqa: E402
from briefing_builder.curation.findings import locate_passage  # noqa: E402
from briefing_builder.gui.main_window import MainWindow  # noqa: E402

TIMEOUT_S = 300.0


def watched(
    app: QApplication, start: Callable[[], None], done: Callable[[], bool]
) -> tuple[float, float]:
    """Call ``start`` (the click) and run the event loop until ``done()``: (seconds from the
    click to done, the longest stall of the event loop meanwhile)."""
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(2)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    for _ in range(5):  # a few ticks before the click
        app.processEvents()
        time.sleep(0.003)
    begin = time.perf_counter()
    ticks.append(begin)
    start()
    while not done():
        app.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() - begin > TIMEOUT_S:
            raise SystemExit("the window never showed the result")
    end = time.perf_counter()
    ticks.append(end)
    heartbeat.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return end - begin, max(0.0, max(gaps) - 0.002)


def writing(window: MainWindow) -> bool:
    return bool(getattr(window.curation, "writing", False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = HERE / "out" / f"curation-{args.findings}-{args.sources}"
    if not (root / "library.yaml").exists():
        print(f"Generating {args.findings:,} findings into {root} ...")
        generate(root, findings=args.findings, sources=args.sources, themes=40)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    open_library(root)  # fill the cache, as the app has it on every open but the first
    # As the app opened from the cache: no findings file read in this process yet, so the first
    # save reads every file (later ones only the file they change).
    getattr(loader, "forget_kept_reads", lambda: None)()
    window = MainWindow(open_library(root), settings=Settings())
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    lib = window.opened.library
    finding = lib.findings[len(lib.findings) // 2]
    source = lib.source(finding.source)
    assert source is not None and source.text_path is not None
    text = source.text_path.read_text("utf-8")
    rng = random.Random(1)
    rows: dict[str, list[tuple[float, float]]] = {"new finding": [], "edit": [], "undo": []}
    for run in range(args.runs):
        # New finding… from a passage found only once in the source.
        window.curation.read_source(source.id)
        app.processEvents()
        reader = window.reader
        # 15 words, across a line break or not (a text of short lines has few passages that
        # are not), as a drag over them selects them.
        words = [m.span() for m in re.finditer(r"\S+", reader.source_text)]
        for _ in range(1000):
            at = rng.randrange(0, len(words) - 15)
            start, end = words[at][0], words[at + 14][1]
            passage = " ".join(reader.source_text[start:end].split())
            if len(locate_passage(text, passage)) == 1:
                break
        reader.select_range(start, end)
        window.curation.act_new_finding.trigger()
        dialog = window.curation.new_finding_dialog
        assert dialog is not None
        item = dialog.fields.themes.item(0)
        item.setCheckState(Qt.CheckState.Checked)

        def added(p: str = passage) -> bool:
            shown = window.detail.finding
            return (
                window.curation.new_finding_dialog is None
                and not writing(window)
                and shown is not None
                and " ".join(shown.text.split()) == p
            )

        rows["new finding"].append(watched(app, dialog.try_save, added))

        # Edit finding…: its note.
        target = window.opened.library.finding(finding.id)
        assert target is not None
        edit = window.curation.edit_finding(target)
        assert edit is not None
        note = f"checked in run {run} at {time.time()}"
        edit.fields.note.setPlainText(note)
        app.processEvents()

        def edited(n: str = note) -> bool:
            shown = window.detail.finding
            return not writing(window) and shown is not None and shown.note == n

        rows["edit"].append(watched(app, edit.try_save, edited))
        old = target.note

        def undone(n: str | None = old) -> bool:
            shown = window.opened.library.finding(finding.id)
            return not writing(window) and shown is not None and shown.note == n

        rows["undo"].append(watched(app, window.curation.act_undo.trigger, undone))
        # The new finding out again (not timed).
        window.curation.act_undo.trigger()
        while writing(window):
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
    print(f"\n{len(lib.findings):,} findings, {len(lib.sources)} sources; median of {args.runs}\n")
    print(f"  {'what':<14} {'Save → shown':>13} {'longest stall':>14}   each run")
    for name, got in rows.items():
        took = statistics.median(t for t, _ in got)
        stall = statistics.median(s for _, s in got)
        runs = ", ".join(f"{t:.2f}s/{s * 1000:.0f}ms" for t, s in got)
        print(f"  {name:<14} {took:12.2f}s {stall * 1000:12.0f} ms   {runs}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
