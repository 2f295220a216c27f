"""Curation benchmark: adding, editing, retiring and restoring one finding in a large library.

A library is generated (:mod:`generate_library`) into ``benchmarks/out/curation-N-S/``; each
curation write of :mod:`briefing_builder.curation.findings` is timed on it (median of
``--repeat`` runs). Each write reads the file it changes, writes it atomically and checks the
whole library again, so the check (a full load, without the cache) is most of the cost; it is
timed on its own for comparison. The library before the write comes from the cache, as it does
in the app, and the check after it fills the cache for the app's reload.

    .venv/bin/python benchmarks/bench_curation.py [--findings 20000] [--sources 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from generate_library import generate  # noqa: E402

from briefing_builder.core.cache import open_library  # noqa: E402
from briefing_builder.core.loader import load_library  # noqa: E402
from briefing_builder.curation.findings import (  # noqa: E402
    add_finding,
    edit_finding,
    locate_passage,
    remove_added_finding,
    restore_finding,
    retire_finding,
)


def _median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _unique_passage(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(1000):
        at = rng.randrange(0, max(1, len(words) - 15))
        passage = " ".join(words[at : at + 15])
        if len(locate_passage(text, passage)) == 1:
            return passage
    raise SystemExit("no passage found only once in the source text")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = HERE / "out" / f"curation-{args.findings}-{args.sources}"
    if not (root / "library.yaml").exists():
        print(f"Generating {args.findings:,} findings into {root} ...")
        generate(root, findings=args.findings, sources=args.sources, themes=40)
    lib = load_library(root)
    open_library(root)  # as the app has it open: in the cache
    rng = random.Random(1)
    finding = lib.findings[len(lib.findings) // 2]
    source = lib.source(finding.source)
    assert source is not None and source.text_path is not None
    per_file = len(lib.findings_of(source.id))
    passage = _unique_passage(source.text_path.read_text("utf-8"), rng)
    theme = lib.themes[0].id
    rows: list[tuple[str, float]] = [
        ("check the library (load, no cache)", _median(lambda: load_library(root), args.repeat))
    ]
    added: list[str] = []

    def add() -> None:
        written = add_finding(root, {"source": source.id, "text": passage, "themes": [theme]})
        added.append(written.finding_id or "")

    def undo_add() -> None:
        remove_added_finding(root, added.pop())

    def edit() -> None:
        edit_finding(root, finding.id, {"note": f"checked {time.time()}"})

    adds, undos = [], []
    for _ in range(args.repeat):  # add, then undo it: the library is as it was after each pair
        start = time.perf_counter()
        add()
        middle = time.perf_counter()
        undo_add()
        adds.append(middle - start)
        undos.append(time.perf_counter() - middle)
    rows.append(("add a finding", statistics.median(adds)))
    rows.append(("undo it (remove_added_finding)", statistics.median(undos)))
    rows.append(("edit a finding (its note)", _median(edit, args.repeat)))
    retire = _median(
        lambda: (retire_finding(root, finding.id), restore_finding(root, finding.id)), args.repeat
    )
    rows.append(("retire and restore a finding", retire))
    print(
        f"\n{len(lib.findings):,} findings, {len(lib.sources)} sources; the file edited holds "
        f"{per_file} findings\n"
    )
    for name, seconds in rows:
        print(f"  {name:<40} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
