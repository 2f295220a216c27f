"""Add-source benchmark: the text of a 500-page report, as ``briefing-builder add-source`` reads it.

A 500-page PDF of dense text (about 45 lines of 90 characters a page, a bookmark every tenth page,
printed page labels i-x then 1-490) is made with reportlab and pypdf into
``benchmarks/out/extract/``; :func:`briefing_builder.curation.extract.extract` is timed on it
in-process (median of ``--repeat`` runs), beside the whole command in a new process (Python
start-up, extraction, appending the reference, checking the library again).

The same file is then read through the app's Add source document dialog (offscreen): the time
until its text is in, how often the page progress moved, and the longest the window went without
handling events while the reading thread worked (a timer ticks every 10 ms; a long gap is a
frozen window).

Target (project issue "Grow the library in the app"): a 500-page PDF in under 30 s, with the
window answering throughout.

    .venv/bin/python benchmarks/bench_extract.py [--pages 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "extract"
WORDS = [
    "partnership",
    "police",
    "local",
    "authority",
    "health",
    "data",
    "sharing",
    "trust",
    "budget",
    "evaluation",
    "officers",
    "community",
    "safety",
    "prevention",
    "outcomes",
    "governance",
    "leadership",
    "culture",
    "resources",
    "evidence",
]


def make_pdf(path: Path, pages: int) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    n = 0
    for page in range(pages):
        if page % 10 == 0:
            title = f"{page // 10 + 1} Chapter {page // 10 + 1}"
            c.drawString(72, 800, title)
            c.bookmarkPage(f"c{page}")
            c.addOutlineEntry(title, f"c{page}", level=0)
        y = 780
        for _ in range(45):
            line = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(12))
            c.drawString(60, y, line + ".")
            n += 7
            y -= 16
        c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.set_page_label(0, 9, style="/r")
    writer.set_page_label(10, pages - 1, style="/D", start=1)
    with open(path, "wb") as fh:
        writer.write(fh)


def read_in_dialog(pdf: Path) -> tuple[float, int, float]:
    """Seconds until the dialog has the text, progress updates seen, longest event-loop gap."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from briefing_builder.gui.add_source_dialog import AddSourceDialog

    app = QApplication.instance() or QApplication([])
    dialog = AddSourceDialog(HERE.parent / "evidence")
    dialog.show()
    moves = 0

    def moved(_value: int) -> None:
        nonlocal moves
        moves += 1

    dialog.progress.valueChanged.connect(moved)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    ticks.append(start)
    dialog.set_document(pdf)
    while dialog.reading:
        app.processEvents()
        time.sleep(0.001)
    took = time.perf_counter() - start
    timer.stop()
    assert dialog.extracted is not None, dialog.document_message.text()
    gap = max((b - a for a, b in itertools.pairwise(ticks)), default=0.0)
    dialog.reject()
    dialog.deleteLater()
    app.processEvents()
    return took, moves, gap


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))
    from briefing_builder.curation.extract import extract

    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / f"report-{args.pages}.pdf"
    if not pdf.exists():
        make_pdf(pdf, args.pages)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        got = extract(pdf)
        times.append(time.perf_counter() - start)
    print(
        f"extract {pdf.name} ({pdf.stat().st_size / 1_048_576:.1f} MB, {got.pages} pages, "
        f"{got.headings} headings, {len(got.text):,} characters): "
        f"best {min(times):.2f} s, median {statistics.median(times):.2f} s of {args.repeat}"
    )
    dialog_runs = [read_in_dialog(pdf) for _ in range(args.repeat)]
    took_s = [r[0] for r in dialog_runs]
    print(
        f"Add source dialog, text in: best {min(took_s):.2f} s, median "
        f"{statistics.median(took_s):.2f} s of {args.repeat}; progress moved "
        f"{min(r[1] for r in dialog_runs)}+ times; longest the window went without handling "
        f"events: {max(r[2] for r in dialog_runs) * 1000:.0f} ms (worst run)"
    )
    library = OUT / "library"
    shutil.rmtree(library, ignore_errors=True)
    shutil.copytree(HERE.parent / "evidence", library)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_builder", "add-source", str(pdf), "--library",
         str(library), "--title", "Long report", "--organisation", "Home Office", "--year",
         "2024"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    took = time.perf_counter() - start
    print(f"add-source, whole command: {took:.2f} s (exit {proc.returncode}) {proc.stderr.strip()}")


if __name__ == "__main__":
    main()
