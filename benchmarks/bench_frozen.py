"""The packaged app: start to window from the frozen build and from the venv, size, .deb size.

Needs the bundle (``packaging/build.sh``). Run by hand:

    .venv/bin/python benchmarks/bench_frozen.py            # 7 start-ups of each
    .venv/bin/python benchmarks/bench_frozen.py --runs 5 --bundle dist/briefing-builder

Each start-up is a new process of the desktop app on the bundled library, with
``BRIEFING_BUILDER_QUIT_WHEN_SHOWN`` set: the app prints the time once its event loop runs with the
window shown, and quits. Measured from just before the process is started to that time. The frozen
build (``briefing-builder-gui``) and the venv (``python -m briefing_builder gui``) take turns, with
the same environment: offscreen unless a display is set, settings, recovery and library cache in
temporary folders, the cache warmed by one start of each first. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_library import Row, fmt, print_table  # noqa: E402

STARTUP_TARGET_S = 1.0
SIZE_LIMIT_MB = 200


def start_once(command: list[str], env: dict[str, str]) -> float:
    t0 = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("SHOWN ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"{command[0]} did not show its window:\n{out.stdout}\n{out.stderr}")
    return float(line.split()[1]) - t0


def folder_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="start-ups of each (default 7)")
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "briefing-builder")
    args = parser.parse_args(argv)
    gui = args.bundle / "briefing-builder-gui"
    if not gui.is_file():
        print(f"No bundle at {args.bundle}: run packaging/build.sh first.", file=sys.stderr)
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="bench-frozen-"))
    env = dict(
        os.environ,
        BRIEFING_BUILDER_QUIT_WHEN_SHOWN="1",
        BRIEFING_BUILDER_CACHE_DIR=str(scratch / "cache"),
        BRIEFING_BUILDER_CONFIG_DIR=str(scratch / "config"),
        BRIEFING_BUILDER_DATA_DIR=str(scratch / "data"),
    )
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    commands = {
        "frozen": [str(gui)],
        "venv": [sys.executable, "-m", "briefing_builder", "gui"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        start_once(command, env)  # warms the library cache and the OS's file cache
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(start_once(command, env))

    frozen_target = f"median ≤ {fmt(STARTUP_TARGET_S)}"
    rows = [
        Row(
            "start → window shown, frozen build, bundled library",
            samples["frozen"],
            target=frozen_target,
            passed=statistics.median(samples["frozen"]) <= STARTUP_TARGET_S,
        ),
        Row("start → window shown, venv (python -m), bundled library", samples["venv"]),
    ]
    print(f"Python {platform.python_version()}; CPUs: {os.cpu_count()}; {platform.platform()}")
    print(f"Platform plugin: {env.get('QT_QPA_PLATFORM', '(the display)')}; {args.runs} runs each")
    print()
    print_table(rows)
    print()

    size = folder_mb(args.bundle)
    debs = sorted(args.bundle.parent.glob("briefing-builder_*.deb"))
    print("| size | value | target | result |\n|---|---:|---|---|")
    print(
        f"| unpacked bundle ({args.bundle.name}/) | {size:.0f} MB | ≤ {SIZE_LIMIT_MB} MB "
        f"| {'pass' if size <= SIZE_LIMIT_MB else 'FAIL'} |"
    )
    for deb in debs:
        print(f"| {deb.name} | {deb.stat().st_size / 1e6:.0f} MB | — | — |")
    ok = rows[0].passed and size <= SIZE_LIMIT_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
