"""The library benchmark: how fast a large library loads, caches and filters.

Generates a synthetic library (``generate_library.py``; reused from ``benchmarks/out/`` when it
was made with the same parameters and generator), then times each stage and prints a table.

    .venv/bin/python benchmarks/bench_library.py                  # 100,000 findings
    .venv/bin/python benchmarks/bench_library.py --findings 20000 --repeat 1

See ``benchmarks/README.md`` for what each row means.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_library  # noqa: E402

from briefing_builder.core.cache import open_library  # noqa: E402
from briefing_builder.core.filtering import Filter, FilterIndex  # noqa: E402
from briefing_builder.core.loader import load_library, load_library_indexed  # noqa: E402
from briefing_builder.core.model import KINDS, Library  # noqa: E402

QUERY_TARGET_S = 0.016
CACHED_TARGET_S = 1.0
INDEX_TARGET_S = 0.5
COLD_TARGET_RATIO = 0.8  # a cold open against the YAML parse alone
LIST_SEARCH = "pa"  # `list --search pa --json`: 52,859 of the 100,000 findings
LIST_TARGET_RATIO = 0.15  # that whole command, in a new process, against the YAML parse alone
ENTRY_TARGET = 0.5  # cache entry size / the library's size on disk


# --- timing ---------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    samples: list[float]
    target: str = "—"
    passed: bool | None = None
    note: str = ""
    unit: str = "s"  # or "MB": samples in megabytes

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceiling
    return ordered[int(rank) - 1]


def cpu_seconds() -> float:
    """Processor time of this process and of its finished children (the loader's workers): on
    a shared machine, what a step costs even when other work slows its wall-clock time."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def repeat(fn: Callable[[], Any], times: int) -> tuple[list[float], Any]:
    """Time ``fn`` ``times`` times, each from the same heap: the last result is dropped first.

    (Loading is sensitive to how much is already in memory, through the garbage collector.)
    """
    samples = []
    result = None
    for _ in range(times):
        result = None
        gc.collect()
        dt, result = timed(fn)
        samples.append(dt)
    return samples, result


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.2f} ms"


# --- the library ----------------------------------------------------------------------------


def library_folder(args: argparse.Namespace) -> tuple[Path, str]:
    """The folder to benchmark, generating it unless an identical one is already there."""
    wanted = generate_library.parameters(args.findings, args.sources, args.themes, args.seed)
    if args.tmp:
        root = Path(tempfile.mkdtemp(prefix="bench-library-"))
    elif args.out is not None:
        root = args.out
    else:
        root = HERE / "out" / f"library-{args.findings}-{args.sources}-{args.themes}-s{args.seed}"
    marker = root / ".generated.json"
    if not args.regenerate and not args.tmp and marker.is_file():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == wanted:
                return root, "reused"
        except (OSError, ValueError):
            pass
    if root.exists() and not args.tmp:
        if not marker.is_file():
            sys.exit(f"{root} exists and was not made by generate_library.py; not overwriting it")
        shutil.rmtree(root)
    dt, _ = timed(
        lambda: generate_library.generate(root, args.findings, args.sources, args.themes, args.seed)
    )
    return root, f"generated in {dt:.1f} s"


def yaml_files(root: Path) -> list[Path]:
    findings = sorted((root / "findings").glob("*.yaml"))
    return [root / "library.yaml", root / "sources.yaml", *findings]


def parse_yaml_alone(files: list[Path]) -> int:
    count = 0
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        count += len(data) if isinstance(data, list) else 1
    return count


# --- the query mix --------------------------------------------------------------------------

SEARCH_WORDS = (
    "police",
    "partnership",
    "safeguarding",
    "housing",
    "mental",
    "trust",
    "evidence",
    "governance",
    "funding",
    "victims",
    "schools",
    "exploitation",
    "data",
    "co-location",
    "leadership",
    "prevention",
    "austerity",
    "reoffending",
    "ambulance",
    "homelessness",
)
SECOND_WORDS = (
    "sharing",
    "local",
    "risk",
    "health",
    "training",
    "outcomes",
    "budgets",
    "frontline",
    "community",
    "young",
)
PREFIXES = (
    "partn",
    "safeg",
    "commun",
    "vulner",
    "evid",
    "polic",
    "integr",
    "collab",
    "prev",
    "resp",
    "neighbour",
    "commission",
    "account",
    "co-loc",
    "homel",
)
ACCENT_FREE = (
    "maori",
    "zurich",
    "sao paulo",
    "tromso",
    "whanau",
    "cafe",
    "role",
    "malmo",
    "quebec",
    "kokiri",
    "reykjavik",
    "naive",
)
MISSES = ("zzyzx", "pólice-xyz", '"partnership zebra"', "qwerty", "nonexistentword")


@dataclass
class QueryMix:
    filters: list[tuple[str, Filter]] = field(default_factory=list)

    def add(self, category: str, flt: Filter) -> None:
        self.filters.append((category, flt))


def query_mix(library: Library, seed: int) -> QueryMix:
    """About 240 filters an officer might set, from facet clicks to typed searches."""
    rng = random.Random(seed)
    themes = [t.id for t in library.themes]
    sources = [s.id for s in library.sources]
    places = library.places
    mix = QueryMix()

    def phrase() -> str:
        finding = library.findings[rng.randrange(len(library.findings))]
        words = [w.strip("“”,.:–") for w in finding.text.split()]
        words = [w for w in words if w and w != "…"]
        i = rng.randrange(max(1, len(words) - 3))
        return '"' + " ".join(words[i : i + rng.choice((2, 2, 3))]) + '"'

    for _ in range(5):
        mix.add("facets", Filter())
    for _ in range(30):
        mix.add("facets", Filter(themes=frozenset({rng.choice(themes)})))
    for mode in ("any", "all"):
        for _ in range(20):
            mix.add("facets", Filter(themes=frozenset(rng.sample(themes, 2)), theme_mode=mode))
    for _ in range(20):
        mix.add("facets", Filter(sources=frozenset({rng.choice(sources)})))
    for _ in range(20):
        mix.add(
            "facets",
            Filter(kinds=frozenset({rng.choice(KINDS)}), places=frozenset({rng.choice(places)})),
        )
    for word in SEARCH_WORDS:
        mix.add("text", Filter(text=word))
    for _ in range(20):
        mix.add("text", Filter(text=f"{rng.choice(SEARCH_WORDS)} {rng.choice(SECOND_WORDS)}"))
    for prefix in PREFIXES:
        mix.add("text", Filter(text=prefix))
    for _ in range(20):
        mix.add("text", Filter(text=phrase()))
    for word in ACCENT_FREE:
        mix.add("text", Filter(text=word))
    for miss in MISSES:
        mix.add("text", Filter(text=miss))
    for i in range(30):
        text = (rng.choice(SEARCH_WORDS), rng.choice(PREFIXES), phrase(), "maori")[i % 4]
        flt = Filter(text=text, themes=frozenset({rng.choice(themes)}))
        if i % 3 == 0:
            flt = flt.with_values("kinds", {rng.choice(KINDS)})
        if i % 3 == 1:
            flt = flt.with_values("places", {rng.choice(places)})
        if i % 5 == 0:
            flt = flt.with_values("sources", {rng.choice(sources)})
        mix.add("text+facets", flt)
    return mix


def run_queries(
    index: FilterIndex, mix: QueryMix, rounds: int
) -> tuple[dict[str, list[float]], list[tuple[float, Filter, int]]]:
    """Times per category, and each filter's best time with its hits, slowest first."""
    for _, flt in mix.filters:  # warm up: first-use costs are not what an officer waits for
        index.query(flt)
    samples: dict[str, list[float]] = {"facets": [], "text": [], "text+facets": []}
    best = [float("inf")] * len(mix.filters)
    hits = [0] * len(mix.filters)
    for _ in range(rounds):
        for i, (category, flt) in enumerate(mix.filters):
            t0 = time.perf_counter()
            result = index.query(flt)
            dt = time.perf_counter() - t0
            samples[category].append(dt)
            best[i] = min(best[i], dt)
            hits[i] = len(result)
    slowest = sorted(zip(best, (f for _, f in mix.filters), hits, strict=True), key=lambda x: -x[0])
    return samples, slowest


# --- profiling ------------------------------------------------------------------------------


def profile(label: str, fn: Callable[[], Any], top: int) -> Any:
    prof = cProfile.Profile()
    prof.enable()
    result = fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\n--- cProfile: {label} (sorted by own time) ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    root = str(Path.cwd()) + os.sep
    for line in lines[start:]:
        if line.strip():
            print(line.replace(root, ""))
    return result


# --- main -----------------------------------------------------------------------------------


def print_header(root: Path, how: str) -> None:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "NO libyaml"
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"numpy {np.__version__}, PyYAML {yaml.__version__} {libyaml}"
    )
    print(f"CPUs: {os.cpu_count()} ({usable} usable); {platform.platform()}")
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(f"Library: {root} ({how}; {size / 1e6:.0f} MB on disk)")


def print_table(rows: list[Row]) -> None:
    header = ("operation", "n", "best", "median", "p95", "target", "result")
    table = [header]
    for r in rows:
        result = "—" if r.passed is None else ("pass" if r.passed else "FAIL")
        show = fmt if r.unit == "s" else (lambda v, u=r.unit: f"{v:,.0f} {u}")
        table.append(
            (
                r.operation,
                str(r.n),
                show(r.best),
                show(r.median),
                show(r.p95),
                r.target,
                result + (f" ({r.note})" if r.note else ""),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "| " + " | ".join(cells) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table[1:]:
        print(line(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=100_000, metavar="N")
    parser.add_argument("--sources", type=int, default=300, metavar="N")
    parser.add_argument("--themes", type=int, default=40, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="K",
        help="runs of each whole-library step; the best counts (default 3)",
    )
    parser.add_argument(
        "--hits", type=int, default=5, metavar="K", help="cached opens to time (default 5)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        metavar="K",
        help="timed passes over the query mix (default 3)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="library folder (default: benchmarks/out/library-N-...)",
    )
    where.add_argument(
        "--tmp",
        action="store_true",
        help="generate into a temporary folder and delete it afterwards",
    )
    parser.add_argument("--regenerate", action="store_true", help="generate even if present")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the table, cProfile each step that missed its target",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    root, how = library_folder(args)
    try:
        return _run(args, root, how, started)
    finally:
        if args.tmp:
            shutil.rmtree(root, ignore_errors=True)


def list_json_row(root: Path, cache: Path, times: int, baseline: Row) -> Row:
    """``briefing-builder list --search LIST_SEARCH --json`` as a user runs it: a new process
    (interpreter start and imports included) reading the library from the cache, its output
    thrown away. The code run is the code this benchmark imported."""
    import briefing_builder

    env = dict(os.environ, BRIEFING_BUILDER_CACHE_DIR=str(cache))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(briefing_builder.__file__).resolve().parents[1]), env.get("PYTHONPATH", "")]
    )
    command = [sys.executable, "-m", "briefing_builder", "list", "--library", str(root)]
    command += ["--search", LIST_SEARCH, "--json"]
    hits = json.loads(subprocess.run(command, env=env, capture_output=True, check=True).stdout)
    samples = []
    for _ in range(times):
        t0 = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - t0)
    median = statistics.median(samples)
    return Row(
        f"list --search {LIST_SEARCH} --json ({len(hits):,} hits), whole process",
        samples,
        target=f"≤ {LIST_TARGET_RATIO}× YAML",
        passed=median <= LIST_TARGET_RATIO * baseline.best,
        note=f"median {median / baseline.best:.2f}× YAML",
    )


def _run(args: argparse.Namespace, root: Path, how: str, started: float) -> int:
    print_header(root, how)
    rows: list[Row] = []

    files = yaml_files(root)
    cpu = cpu_seconds()
    samples, _ = repeat(lambda: parse_yaml_alone(files), args.repeat)
    yaml_cpu = (cpu_seconds() - cpu) / args.repeat
    baseline = Row(
        f"parse YAML alone (CSafeLoader, {len(files)} files)", samples, note=f"CPU {yaml_cpu:.1f} s"
    )
    rows.append(baseline)

    samples, library = repeat(lambda: load_library(root), args.repeat)
    load = Row(
        "first load: load_library (validate + quote check)",
        samples,
        target=f"≤ {fmt(baseline.best)} (YAML)",
        passed=min(samples) <= baseline.best,
        note=f"{min(samples) / baseline.best:.1f}× YAML",
    )
    rows.append(load)
    print(
        f"Findings: {len(library.findings):,}, sources: {len(library.sources)}, "
        f"themes: {len(library.themes)}, problems: {len(library.problems)}"
    )
    if library.problems or len(library.findings) != args.findings:
        print("WARNING: the generated library does not load cleanly:")
        for problem in library.problems[:10]:
            print(f"  {problem}")

    samples, index = repeat(lambda: FilterIndex(library), args.repeat)
    rows.append(Row("filter index build in one process: FilterIndex(library)", samples))
    del library, index  # the next steps start from an empty heap, as a freshly started app does
    rows.extend(indexed_as_read(root, args.repeat, baseline))
    gc.collect()

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache_dir:
        cache = Path(cache_dir)
        cpu = cpu_seconds()
        dt, opened = timed(lambda: open_library(root, cache_dir=cache))
        cpu = cpu_seconds() - cpu
        assert not opened.from_cache, "the first open should be a cache miss"
        entry_size = sum(p.stat().st_size for p in cache.iterdir())
        on_disk = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        in_yaml = sum(p.stat().st_size for p in files)
        rows.append(
            Row(
                "cache miss: open_library (load + index + write)",
                [dt],
                target=f"≤ {COLD_TARGET_RATIO}× YAML",
                passed=dt <= COLD_TARGET_RATIO * baseline.best,
                note=f"{dt / baseline.best:.2f}× YAML; CPU {cpu:.1f} s = {cpu / yaml_cpu:.2f}× "
                f"the YAML's; entry {entry_size / 1e6:.0f} MB",
            )
        )
        rows.append(
            Row(
                "cache entry size",
                [entry_size / 1e6],
                target=f"≤ {ENTRY_TARGET}× library",
                passed=entry_size <= ENTRY_TARGET * on_disk,
                note=f"{entry_size / on_disk:.2f}× the library ({on_disk / 1e6:.0f} MB), "
                f"{entry_size / in_yaml:.2f}× its YAML ({in_yaml / 1e6:.0f} MB)",
                unit="MB",
            )
        )
        del opened
        hits, opened = repeat(lambda: open_library(root, cache_dir=cache), args.hits)
        assert opened.from_cache, "a repeated open should be a cache hit"
        cached = Row(
            "cached load: open_library (hit)",
            hits,
            target=f"p95 < {fmt(CACHED_TARGET_S)}",
            passed=percentile(hits, 95) < CACHED_TARGET_S,
        )
        rows.append(cached)
        # The words phrase searches read are inflated from the entry when first read: what the
        # phrase searches cost if they come before the window's loader has warmed them (the
        # first of them inflates most blocks).
        mix = query_mix(opened.library, args.seed)
        cold = []
        for flt in (f for _, f in mix.filters if f.text.startswith('"')):
            dt, _ = timed(lambda flt=flt: opened.index.query(flt))
            cold.append(dt)
        rows.append(
            Row(
                f"phrase searches on a cached index not yet warmed ({len(cold)})",
                cold,
                note=f"the first {fmt(cold[0])}",
            )
        )
        again = open_library(root, cache_dir=cache)
        dt, _ = timed(again.index.warm)
        rows.append(Row("warming a cached index (the app's loader thread)", [dt]))
        del again
        rows.append(list_json_row(root, cache, args.hits, baseline))

    # Queries run on the library and index just read from the cache, as the app's are.
    library, index = opened.library, opened.index
    by_kind, slowest = run_queries(index, mix, args.rounds)
    every = [s for v in by_kind.values() for s in v]
    target = f"p95 < {fmt(QUERY_TARGET_S)}"
    query = Row(
        f"filter + facets query ({len(mix.filters)} filters × {args.rounds})",
        every,
        target=target,
        passed=percentile(every, 95) < QUERY_TARGET_S,
    )
    rows.append(query)
    labels = {"facets": "facets only", "text": "free text", "text+facets": "text + facets"}
    for kind, samples in by_kind.items():
        rows.append(
            Row(
                f"  of which {labels[kind]} ({len(samples) // args.rounds})",
                samples,
                target=target,
                passed=percentile(samples, 95) < QUERY_TARGET_S,
            )
        )

    print()
    print_table(rows)
    print("\nSlowest queries (best of the timed passes):")
    for dt, flt, hits_n in slowest[:6]:
        print(f"  {fmt(dt):>8}  {describe(flt)}  → {hits_n:,} findings")
    print(f"\nWhole run: {time.perf_counter() - started:.0f} s")

    if args.profile:
        if load.passed is False:
            del library, index, opened  # profile from an empty heap, as it was timed
            gc.collect()
            library = profile("load_library", lambda: load_library(root), 25)
            index = FilterIndex(library)
        if query.passed is False or any(r.passed is False for r in rows[-3:]):
            profile("query mix, one pass", lambda: run_queries(index, mix, 1), 25)
        if cached.passed is False:
            with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache_dir:
                open_library(root, cache_dir=Path(cache_dir))
                gc.collect()
                profile(
                    "cached open_library", lambda: open_library(root, cache_dir=Path(cache_dir)), 25
                )
    return 0 if all(r.passed is not False for r in rows) else 1


def indexed_as_read(root: Path, times: int, baseline: Row) -> list[Row]:
    """The cold open's way: the files indexed by the workers that read them, the parts joined."""
    samples, (library, parts) = repeat(lambda: load_library_indexed(root), times)
    load = Row(
        "first load, files indexed as read: load_library_indexed",
        samples,
        note=f"{min(samples) / baseline.best:.2f}× YAML",
    )
    samples, _ = repeat(lambda: FilterIndex(library, parts=parts), times)
    join = Row(
        "filter index build: FilterIndex(library, parts=…)",
        samples,
        target=f"≤ {fmt(INDEX_TARGET_S)}",
        passed=min(samples) <= INDEX_TARGET_S,
        note=f"{len(parts)} parts joined",
    )
    return [load, join]


def describe(flt: Filter) -> str:
    parts = [f"text={flt.text!r}"] if flt.text else []
    for facet in ("themes", "sources", "kinds", "places"):
        if flt.values(facet):
            parts.append(f"{facet}={sorted(flt.values(facet))}")
    if len(flt.themes) > 1:
        parts.append(f"theme_mode={flt.theme_mode}")
    return ", ".join(parts) or "(empty filter)"


if __name__ == "__main__":
    sys.exit(main())
