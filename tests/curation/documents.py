"""Test documents made on the spot: a PDF with printed page labels and bookmarks (reportlab, then
pypdf for the labels), a Word file with heading styles (python-docx), HTML, text and Markdown."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

# The PDF's pages: two front-matter pages (i, ii), the body from page 1 (the third PDF page), an
# annex numbered A-1. Bookmarks: (title, level) on the pages that carry them.
PDF_PAGES: list[tuple[list[str], list[tuple[str, int]]]] = [
    (["Partnership Working Review", "A report for the Home Office"], []),
    (["Contents", "1 Introduction", "2 Findings"], []),
    (
        [
            "1 Introduction",
            "Partnerships have to be for a purpose and they must demonstrate added value to",
            "the people they serve.",
            "A second paragraph starts here and runs on for quite a few words to the end.",
        ],
        [("1 Introduction", 0)],
    ),
    (
        [
            "2 Findings",
            "2.1 Information sharing",
            "Officers said that sharing data was hard because systems did not talk to each other",
            "and trust was low.",
        ],
        [("2 Findings", 0), ("2.1 Information sharing", 1)],
    ),
    (["Annex A", "Methods used in the review."], [("Annex A", 0)]),
]
PDF_LABELS = ["i", "ii", "1", "2", "A-1"]


def make_pdf(path: Path, *, labels: bool = True, password: str | None = None) -> Path:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Partnership Working Review")
    for n, (lines, marks) in enumerate(PDF_PAGES):
        y = 780
        for k, line in enumerate(lines):
            # Titles and bookmarked headings in larger type, as reports set them.
            big = (n == 0 and k == 0) or any(line == title for title, _ in marks)
            c.setFont("Helvetica", 16 if big else 10)
            c.drawString(72, y, line)
            y -= 22 if big else 14
        for i, (title, level) in enumerate(marks):
            key = f"p{n}m{i}"
            c.bookmarkPage(key)
            c.addOutlineEntry(title, key, level=level)
        c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    if labels:
        writer.set_page_label(0, 1, style="/r")
        writer.set_page_label(2, 3, style="/D", start=1)
        writer.set_page_label(4, 4, style="/D", prefix="A-", start=1)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose pages are pictures only (here: filled shapes): no text layer."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.rect(72, 400, 400, 300, fill=1)
        c.showPage()
    c.save()
    return path


def make_docx(path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.core_properties.title = "Community safety partnerships"
    d.add_paragraph("Community safety partnerships", style="Title")
    d.add_heading("1 Background", level=1)
    d.add_paragraph("Partnerships were set up under the Crime and Disorder Act 1998.")
    d.add_heading("1.1 Duties", level=2)
    d.add_paragraph("Each partner must consider crime in all it does.")
    d.add_paragraph("Police", style="List Bullet")
    d.add_paragraph("Local authorities", style="List Bullet")
    p = d.add_paragraph("The end of the first page.")
    p.add_run().add_break(WD_BREAK.PAGE)
    d.add_heading("2 Findings", level=1)
    d.add_paragraph("Trust between partners took years to build.")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Area"
    table.rows[0].cells[1].text = "Outcome"
    d.save(str(path))
    return path


HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Neighbourhood policing</title>
<style>h1 { color: red }</style><script>var x = "not text";</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>Neighbourhood policing</h1>
<p>Neighbourhood teams work <em>with</em> residents &amp; partners.</p>
<h2>3.1 Engagement</h2>
<p>Residents said they rarely saw an officer.<br>Most wanted more contact.</p>
<ul><li>Street surgeries</li><li>Online meetings<ul><li>Monthly</li></ul></li></ul>
<h3>Costs</h3><p>Costs fell by a tenth.</p>
</body></html>
"""

TEXT = """Evaluation of the hub

1 Introduction

The hub brought partners into one building.

2 Findings

Staff said the hub changed how they worked.
"""

MARKDOWN = """# Evaluation of the hub

## 1 Introduction

The hub brought **partners** into one building.

- shared desks
- shared data
"""
