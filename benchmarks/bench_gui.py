"""The desktop benchmark: how fast the window follows a filter, stays responsive while typing, starts.

Uses the generated library of ``bench_library.py`` (100,000 findings by default; reused from
``benchmarks/out/``, generated if missing) and the bundled library for start-up. Run by hand:

    .venv/bin/python benchmarks/bench_gui.py
    .venv/bin/python benchmarks/bench_gui.py --findings 20000 --startup-runs 3
    .venv/bin/python benchmarks/bench_gui.py --loading    # only: opening libraries in the background

Without a display it uses Qt's offscreen platform, which paints into memory like a real window
(set QT_QPA_PLATFORM to choose another). Settings, recovery and the start-up runs' library caches
live in temporary folders; the large library's cache is kept in ``benchmarks/out/cache`` so only
the first run pays for reading 100,000 findings. See ``benchmarks/README.md`` for what each row
means.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the officer's own settings or autosaves.
_SCRATCH = Path(tempfile.mkdtemp(prefix="bench-gui-"))
os.environ["BRIEFING_BUILDER_CONFIG_DIR"] = str(_SCRATCH / "config")
os.environ["BRIEFING_BUILDER_DATA_DIR"] = str(_SCRATCH / "data")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_library  # noqa: E402
from bench_library import Row, fmt, percentile, print_table, query_mix  # noqa: E402
from PySide6 import __version__ as pyside_version  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from briefing_builder.core.cache import OpenedLibrary, open_library  # noqa: E402
from briefing_builder.core.filtering import Filter  # noqa: E402
from briefing_builder.core.paths import bundled_library  # noqa: E402
from briefing_builder.gui.main_window import MainWindow  # noqa: E402

FILTER_TARGET_S = 0.050
STALL_TARGET_S = 0.100
STARTUP_TARGET_S = 1.5
TYPED = "partnership working"
TYPING_TIMEOUT_MS = 30_000  # after the last key: a key lost must end the run, not hang it


class TypingTimeout(RuntimeError):
    """The typed text never reached the search box (a key was lost or undone)."""


# --- filter to view -----------------------------------------------------------------------------


def filter_to_view(app: QApplication, window: MainWindow, flt: Filter, whole: bool) -> float:
    """From a new filter to the list having processed the reset and painted its first rows."""
    t0 = time.perf_counter()
    if whole:  # what the window does on filterChanged: list, facet counts, summary, detail
        window.apply_filter(flt)
    else:
        window.model.apply_filter(flt)
    app.processEvents()
    window.list.viewport().grab()
    return time.perf_counter() - t0


def run_filters(
    app: QApplication,
    window: MainWindow,
    filters: list[tuple[str, Filter]],
    rounds: int,
    whole: bool,
) -> tuple[list[float], list[float]]:
    """(every sample, samples of the show-everything filter)."""
    for _, flt in filters[:20]:  # warm up
        filter_to_view(app, window, flt, whole)
    every, everything = [], []
    for _ in range(rounds):
        for _, flt in filters:
            dt = filter_to_view(app, window, flt, whole)
            every.append(dt)
            if flt.is_empty:
                everything.append(dt)
    window.apply_filter(Filter())
    app.processEvents()
    return every, everything


# --- typing -------------------------------------------------------------------------------------


def type_and_watch(app: QApplication, window: MainWindow, per_key_ms: int) -> tuple[float, int]:
    """Type TYPED into the search box, one key every ``per_key_ms``, through the real debounce.

    A 2 ms heartbeat timer measures the event loop: the longest gap between its ticks (less the
    interval) is the longest time the window could not react to a key, a click or a repaint.
    Keys are scheduled at fixed times from the start, so a stall delays them as it would a typist's.
    Returns (longest stall in seconds, how many filters ran).
    """
    search = window.filters.search
    window.filters.clear()
    app.processEvents()
    search.setFocus()
    runs = [0]
    count = lambda _f: runs.__setitem__(0, runs[0] + 1)  # noqa: E731
    window.filters.filterChanged.connect(count)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(2)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    for i, ch in enumerate(TYPED):
        QTimer.singleShot(
            (i + 1) * per_key_ms,
            lambda ch=ch: QTest.keyClick(search, ch),  # type: ignore[misc]
        )
    heartbeat.start()
    clock = QElapsedTimer()
    clock.start()
    # Until the last key and the filter after it have been handled, and a little more.
    end_ms = (len(TYPED) + 1) * per_key_ms + 400
    while clock.elapsed() < end_ms or search.text() != TYPED:
        if clock.elapsed() > end_ms + TYPING_TIMEOUT_MS:
            heartbeat.stop()
            window.filters.filterChanged.disconnect(count)
            raise TypingTimeout(
                f"the typed text did not reach the search box within "
                f"{TYPING_TIMEOUT_MS / 1000:.0f} s of the last key: it holds {search.text()!r} "
                f"(enabled {search.isEnabled()}, read-only {search.isReadOnly()}, "
                f"focus on {type(app.focusWidget()).__name__}, "
                f"modal {type(app.activeModalWidget()).__name__})"
            )
        app.processEvents()
        time.sleep(0.0005)
    heartbeat.stop()
    window.filters.filterChanged.disconnect(count)
    assert window.filters.current.text == TYPED, window.filters.current.text
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(0.0, max(gaps) - 0.002), runs[0]


# --- start-up -----------------------------------------------------------------------------------

STARTUP_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])

    first = []

    def shown():
        # The window shows at once; its library opens in the background: wait for it.
        from briefing_builder.gui.main_window import MainWindow
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        assert windows and windows[0].isVisible()
        first.append(first[0] if first else time.time())
        if windows[0].library_loader.loading is not None:
            QTimer.singleShot(5, shown)
            return
        app.processEvents()
        assert windows[0].model.rowCount() > 0
        done = time.time()
        import resource, threading
        for thread in threading.enumerate():  # the loader readying phrase searches: its memory counts
            if thread.name == "library-loader":
                thread.join()
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("SHOWN", repr(done), windows[0].model.rowCount(), repr(first[0]), peak_kib, flush=True)
        os._exit(0)

    QTimer.singleShot(0, shown)  # runs once app.exec() has started, the window shown
    from briefing_builder.gui.app import run
    from pathlib import Path
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    """
)


@dataclass
class Start:
    """One start of the app: seconds to the window with its library in it, to the window first
    on screen (the library still opening), and the process's peak resident memory (bytes)."""

    with_library: float
    first_shown: float
    peak_rss: int


def start_once(library: Path | None, cache: Path, scratch: Path) -> float:
    return start_measured(library, cache, scratch).with_library


def start_measured(library: Path | None, cache: Path, scratch: Path) -> Start:
    script = scratch / "startup.py"
    script.write_text(STARTUP_SCRIPT, encoding="utf-8")
    env = dict(
        os.environ,
        BRIEFING_BUILDER_CACHE_DIR=str(cache),
        BRIEFING_BUILDER_CONFIG_DIR=str(scratch / "startup-config"),
        BRIEFING_BUILDER_DATA_DIR=str(scratch / "startup-data"),
    )
    args = [sys.executable, str(script), *([str(library)] if library else [])]
    t0 = time.time()
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    line = next((x for x in out.stdout.splitlines() if x.startswith("SHOWN")), None)
    if line is None:
        raise RuntimeError(f"the app did not start:\n{out.stdout}\n{out.stderr}")
    _, done, _rows, first, peak_kib = line.split()
    return Start(float(done) - t0, float(first) - t0, int(peak_kib) * 1024)


BIG_WINDOW_TARGET_S = 0.8
BIG_RSS_TARGET_MB = 600


def startup_rows(runs: int, big: Path | None) -> list[Row]:
    rows = []
    scratch = _SCRATCH / "startup"
    scratch.mkdir(exist_ok=True)
    target = f"median < {fmt(STARTUP_TARGET_S)}"
    warm_cache = scratch / "warm-cache"
    start_once(None, warm_cache, scratch)  # fills the cache (and warms the OS file cache)
    warm = [start_once(None, warm_cache, scratch) for _ in range(runs)]
    rows.append(
        Row(
            "start → window shown, bundled library, warm library cache",
            warm,
            target=target,
            passed=statistics.median(warm) < STARTUP_TARGET_S,
        )
    )
    cold = []
    for i in range(runs):
        cold.append(start_once(None, scratch / f"cold-cache-{i}", scratch))
    rows.append(
        Row(
            "start → window shown, bundled library, cold library cache",
            cold,
            target=target,
            passed=statistics.median(cold) < STARTUP_TARGET_S,
        )
    )
    if big is not None:
        big_cache = HERE / "out" / "cache"
        start_once(big, big_cache, scratch)
        starts = [start_measured(big, big_cache, scratch) for _ in range(runs)]
        rows.append(
            Row(
                "start → window shown, 100,000-finding library, warm cache",
                [s.first_shown for s in starts],
                target=f"median ≤ {fmt(BIG_WINDOW_TARGET_S)}",
                passed=statistics.median(s.first_shown for s in starts) <= BIG_WINDOW_TARGET_S,
                note="the library opening in the background",
            )
        )
        rows.append(
            Row(
                "start → window with the 100,000 findings in it, warm cache",
                [s.with_library for s in starts],
            )
        )
        peak = max(s.peak_rss for s in starts)
        rows.append(
            Row(
                "peak memory (RSS) with the 100,000-finding library open",
                [s.peak_rss / 1024 / 1024 for s in starts],
                target=f"≤ {BIG_RSS_TARGET_MB} MB",
                passed=peak <= BIG_RSS_TARGET_MB * 1024 * 1024,
                unit="MB",
            )
        )
    return rows


# --- opening a library in the background -------------------------------------------------------

LOAD_GAP_TARGET_S = 0.100
HEARTBEAT_MS = 10


@dataclass
class LoadWatch:
    """One library opening watched from the window's event loop."""

    label: str
    load_s: float  # from the request to the new library shown (or the swap skipped)
    max_gap_s: float  # longest interval between heartbeat ticks before the swap
    p99_gap_s: float
    swap_s: float  # the interval holding the swap into the window (the UI thread's own work)


def watch_event_loop(app: QApplication, start, done) -> tuple[list[float], float, float]:  # type: ignore[no-untyped-def]
    """Run ``start()`` from the event loop and keep it running until ``done()``; a 10 ms
    heartbeat records when the loop was free. Returns (tick times, start time, end time)."""
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(5)
    began = [0.0]
    poll.timeout.connect(lambda: began[0] and done() and loop.quit())

    def go() -> None:
        began[0] = time.perf_counter()
        start()

    heartbeat.start()
    poll.start()
    QTimer.singleShot(HEARTBEAT_MS * 5, go)  # a few ticks first: the loop's usual rhythm
    loop.exec()
    ended = time.perf_counter()
    heartbeat.stop()
    poll.stop()
    return ticks, began[0], ended


def _gaps(ticks: list[float], t0: float, t1: float) -> list[float]:
    """Intervals between ticks that overlap [t0, t1]."""
    return [b - a for a, b in itertools.pairwise(ticks) if b >= t0 and a <= t1]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * int(pct) // 100) - 1)] if ordered else 0.0


def watch_background_load(app: QApplication, window: MainWindow, folder: Path) -> LoadWatch:
    """File → Open library as it is now: the load runs on its thread, the window swaps at the end."""
    swapped: list[float] = []
    loader = window.library_loader
    # After the window's own slot: the moment the swap has finished.
    on_loaded = lambda *_a: swapped.append(time.perf_counter())  # noqa: E731
    loader.loaded.connect(on_loaded)
    ticks, t0, t1 = watch_event_loop(
        app, lambda: window.switch_library(folder), lambda: loader.loading is None
    )
    loader.loaded.disconnect(on_loaded)
    assert window.opened.library.root == folder.resolve(), "the library was not swapped in"
    end = swapped[0] if swapped else t1
    before = [t for t in ticks if t < end]
    gaps = _gaps(before, t0, end)
    last = before[-1] if before else t0
    after = next((t for t in ticks if t >= end), t1)
    swap_gap = after - last
    # The interval that holds the swap belongs to the swap, not to the load.
    return LoadWatch(folder.name, end - t0, max(gaps, default=0), _percentile(gaps, 99), swap_gap)


def watch_blocking_load(app: QApplication, window: MainWindow, folder: Path) -> LoadWatch:
    """The earlier File → Open library: open_library on the window's thread, then the swap."""
    finished = [False]

    def load() -> None:
        opened = open_library(folder)
        window._library_loaded(folder, opened)
        finished[0] = True

    ticks, t0, t1 = watch_event_loop(app, load, lambda: finished[0])
    gaps = _gaps(ticks, t0, t1)
    return LoadWatch(folder.name, t1 - t0, max(gaps), _percentile(gaps, 99), 0.0)


def library_loading(args: argparse.Namespace) -> int:
    """Open generated libraries from File → Open library, with a cold and with a warm cache,
    the earlier way (on the window's thread) and the background way; print the event loop's
    gaps while each loads."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    folders = []
    for n in args.loading_sizes:
        lib_args = argparse.Namespace(**{**vars(args), "findings": n}, tmp=False, out=None)
        lib_args.regenerate = False
        folders.append((n, bench_library.library_folder(lib_args)[0]))
    home = open_library(bundled_library(), cache_dir=_SCRATCH / "home-cache")
    window = MainWindow(home)
    window.show()
    QTest.qWaitForWindowExposed(window)
    results: list[tuple[str, str, LoadWatch]] = []
    for n, folder in folders:
        for way, watch in (
            ("blocking", watch_blocking_load),
            ("background", watch_background_load),
        ):
            for cache in ("cold", "warm"):
                if cache == "cold":  # a fresh cache folder: a miss, then written
                    cache_dir = Path(tempfile.mkdtemp(dir=_SCRATCH, prefix="load-cache-"))
                os.environ["BRIEFING_BUILDER_CACHE_DIR"] = str(cache_dir)
                window._library_loaded(Path(home.library.root), home)  # from elsewhere each time
                settle = QElapsedTimer()
                settle.start()
                while settle.elapsed() < 300:  # the last library freed, deferred deletes done
                    app.processEvents()
                    time.sleep(0.005)
                result = watch(app, window, folder)
                results.append((f"{n:,} findings", f"{way}, {cache} cache", result))
                print(
                    f"  {n:,} {way:10} {cache}: load {fmt(result.load_s)}, longest gap "
                    f"{fmt(result.max_gap_s)}, p99 {fmt(result.p99_gap_s)}, swap {fmt(result.swap_s)}",
                    flush=True,
                )
                if cache == "warm":
                    shutil.rmtree(cache_dir, ignore_errors=True)
    window.doc.undo_stack.setClean()
    window.close()
    print()
    print(
        f"Opening a library from File → Open library; heartbeat every {HEARTBEAT_MS} ms on the "
        f"window's thread; platform '{app.platformName()}'."
    )
    head = ("library", "how", "load → shown", "longest gap", "p99 gap", "swap", "result")
    rows = []
    failed = False
    for size, how, r in results:
        ok = r.max_gap_s < LOAD_GAP_TARGET_S
        background = how.startswith("background")
        failed = failed or (background and not ok)
        verdict = ("pass" if ok else "FAIL") if background else "—"
        rows.append(
            (
                size,
                how,
                fmt(r.load_s),
                fmt(r.max_gap_s),
                fmt(r.p99_gap_s),
                fmt(r.swap_s) if background else "—",
                verdict,
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print(
        f"\nTarget: the longest gap while a library loads in the background < {fmt(LOAD_GAP_TARGET_S)}."
    )
    return 1 if failed else 0


# --- main ---------------------------------------------------------------------------------------


def profile(label: str, fn, top: int = 25) -> None:  # type: ignore[no-untyped-def]
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    print(f"\n--- cProfile: {label} (sorted by own time) ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    for line in lines[start:]:
        if line.strip():
            print(line.replace(str(Path.cwd()) + os.sep, ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=100_000, metavar="N")
    parser.add_argument("--sources", type=int, default=300, metavar="N")
    parser.add_argument("--themes", type=int, default=40, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rounds", type=int, default=1, metavar="K", help="passes over the filter mix"
    )
    parser.add_argument("--typing-runs", type=int, default=3, metavar="K")
    parser.add_argument("--startup-runs", type=int, default=5, metavar="K")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    parser.add_argument("--profile", action="store_true", help="cProfile a pass of the filter mix")
    parser.add_argument(
        "--loading",
        action="store_true",
        help="only measure opening libraries in the background (event-loop gaps while loading)",
    )
    parser.add_argument(
        "--loading-sizes",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[5_000, 10_000, 100_000],
        metavar="N,N",
        help="findings in the libraries opened by --loading (from the bundled library)",
    )
    args = parser.parse_args(argv)
    if args.loading:
        try:
            return library_loading(args)
        finally:
            shutil.rmtree(_SCRATCH, ignore_errors=True)
    lib_args = argparse.Namespace(**vars(args), tmp=False, out=None, regenerate=False)
    started = time.perf_counter()
    try:
        return _run(args, lib_args, started)
    finally:
        shutil.rmtree(_SCRATCH, ignore_errors=True)


def _run(args: argparse.Namespace, lib_args: argparse.Namespace, started: float) -> int:
    root, how = bench_library.library_folder(lib_args)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    bench_library.print_header(root, how)
    t0 = time.perf_counter()
    opened: OpenedLibrary = open_library(root, cache_dir=HERE / "out" / "cache")
    loaded = time.perf_counter() - t0
    print(
        f"PySide6 {pyside_version}, Qt platform '{app.platformName()}'; library opened in "
        f"{fmt(loaded)} ({'cache hit' if opened.from_cache else 'cache miss'})"
    )
    rows: list[Row] = []

    t0 = time.perf_counter()
    window = MainWindow(opened)
    window.show()
    app.processEvents()
    QTest.qWaitForWindowExposed(window)
    rows.append(
        Row(
            "main window built and shown (100,000 findings, library in memory)",
            [time.perf_counter() - t0],
        )
    )

    filters = query_mix(opened.library, args.seed).filters
    target = f"median < {fmt(FILTER_TARGET_S)}"
    every, everything = run_filters(app, window, filters, args.rounds, whole=False)
    rows.append(
        Row(
            f"filter → list painted: FindingsModel.apply_filter ({len(filters)} filters)",
            every,
            target=target,
            passed=statistics.median(every) < FILTER_TARGET_S,
        )
    )
    rows.append(Row("  of which: show all 100,000 (no filter)", everything))
    every, everything = run_filters(app, window, filters, args.rounds, whole=True)
    rows.append(
        Row(
            "filter → window updated: MainWindow.apply_filter (+ facets, detail)",
            every,
            target=target,
            passed=statistics.median(every) < FILTER_TARGET_S,
        )
    )
    rows.append(Row("  of which: show all 100,000 (no filter)", everything))

    for per_key in (150, 60):
        stalls, runs = [], []
        for _ in range(args.typing_runs):
            stall, n = type_and_watch(app, window, per_key)
            stalls.append(stall)
            runs.append(n)
        rows.append(
            Row(
                f"typing “{TYPED}”, a key per {per_key} ms: longest stall",
                stalls,
                target=f"< {fmt(STALL_TARGET_S)}",
                passed=max(stalls) < STALL_TARGET_S,
                note=f"{statistics.median(runs):.0f} filters run",
            )
        )

    if not args.no_startup:
        rows.extend(startup_rows(args.startup_runs, root))

    print(
        f"Findings: {len(opened.library.findings):,}; window {window.width()}×{window.height()}; "
        f"filter mix as in bench_library.py"
    )
    print()
    print_table(rows)
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s")
    if args.profile:
        profile("filter mix → list painted", lambda: run_filters(app, window, filters, 1, False))
    window.doc.undo_stack.setClean()
    window.close()
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__" and "--outline-edits" not in sys.argv:
    sys.exit(main())


# --- outline edits ------------------------------------------------------------------------------
# Run alone: .venv/bin/python benchmarks/bench_gui.py --outline-edits [--items 2000]

EDIT_TARGET_S = 0.016  # one frame at 60 Hz


def outline_edit_rows(items: int = 2000, rounds: int = 30) -> list[Row]:
    """One outline edit (add, move, delete, indent, undo) in a briefing of ``items`` evidence
    items: from the call to the outline view having laid out and painted again. The baseline,
    measured in the same run, is a repaint of the same view with no edit."""
    from briefing_builder.core.briefing import Briefing, EvidenceItem, Section
    from briefing_builder.core.paths import bundled_library
    from briefing_builder.gui.document import BriefingDocument
    from briefing_builder.gui.outline_panel import BriefingPanel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    library = open_library(bundled_library(), cache_dir=_SCRATCH / "outline-cache").library
    ids = [f.id for f in library.findings]
    per = 50
    sections = []
    for s in range(items // per):
        chunk = [EvidenceItem(ids[(s * per + k) % len(ids)]) for k in range(per)]
        half = per // 2
        sections.append(
            Section(
                f"Section {s + 1}",
                items=chunk[:half],
                sections=[Section("Sub", items=chunk[half:])],
            )
        )
    doc = BriefingDocument(library, Briefing(sections=sections))
    panel = BriefingPanel(doc)
    panel.resize(500, 900)
    panel.show()
    model, view, stack = panel.model, panel.view, doc.undo_stack
    view.expandAll()
    app.processEvents()

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        fn()
        app.processEvents()
        view.viewport().grab()
        return time.perf_counter() - t0

    b = doc.briefing
    samples: dict[str, list[float]] = {
        k: [] for k in ("repaint, no edit (baseline)", "add", "move", "delete", "indent", "undo")
    }
    for r in range(rounds):
        mid = b.sections[len(b.sections) // 2]
        samples["repaint, no edit (baseline)"].append(timed(lambda: None))
        samples["add"].append(timed(lambda m=mid, r=r: model.add_findings([ids[r]], m, 3)))
        samples["undo"].append(timed(stack.undo))
        other = b.sections[(r * 7) % len(b.sections)]
        samples["move"].append(timed(lambda m=mid, o=other: model.move_items([m.items[0]], o, 1)))
        stack.undo()
        app.processEvents()
        samples["delete"].append(timed(lambda m=mid: model.delete_nodes([m.items[1]])))
        stack.undo()
        app.processEvents()
        samples["indent"].append(timed(lambda: model.indent(b.sections[5])))
        stack.undo()
        app.processEvents()
    base = statistics.median(samples["repaint, no edit (baseline)"])
    rows = []
    for name, values in samples.items():
        if name.startswith("repaint"):
            rows.append(Row(f"outline of {items:,} items: {name}", values))
            continue
        rows.append(
            Row(
                f"outline of {items:,} items: {name} → view updated",
                values,
                target=f"< {fmt(EDIT_TARGET_S)}",
                passed=percentile(values, 95) < EDIT_TARGET_S,
                note=f"{statistics.median(values) / base:.1f}× baseline",
            )
        )
    doc.undo_stack.setClean()
    panel.close()
    return rows


def outline_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Outline edits in a large briefing")
    parser.add_argument("--outline-edits", action="store_true")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    rows = outline_edit_rows(args.items, args.rounds)
    print(f"Qt {pyside_version}, platform {QApplication.platformName()}")
    print_table(rows)
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(outline_main(sys.argv[1:]))
