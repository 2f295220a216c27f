"""Add-source benchmark: the text of a 500-page report, as ``briefing-builder add-source`` reads it.

A 500-page PDF of dense text (about 45 lines of 90 characters a page, a bookmark every tenth page,
printed page labels i-x then 1-490) is made with reportlab and pypdf into
``benchmarks/out/extract/``; :func:`briefing_builder.curation.extract.extract` is timed on it
in-process (median of ``--repeat`` runs), beside the whole command in a new process (Python
start-up, extraction, appending the reference, checking the library again).

Target (project issue "Grow the library in the app"): a 500-page PDF in under 30 s.

    .venv/bin/python benchmarks/bench_extract.py [--pages 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
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
        f"median {statistics.median(times):.2f} s of {args.repeat}"
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
