"""Reportlab's paragraph module, imported by the PDF writer without compiling its URL pattern
until it is used: the pattern is the same when it is, and nothing else changes."""

from __future__ import annotations

import subprocess
import sys

CHECK = r"""
import re, sys
real = re.compile
from briefing_builder.export import pdf_writer, pdf_paragraph
import reportlab.platypus.paragraph as paragraph

assert re.compile is real, "re.compile is put back"
lazy = paragraph.uri_pat
assert isinstance(lazy, pdf_paragraph.LazyPattern), type(lazy)
assert lazy._compiled is None, "not compiled at import"
uri = "https://example.org/reports/2024/partnership-working.pdf"
pairs = paragraph._uri_split_pairs(uri)
assert lazy._compiled is not None
source = open(paragraph.__file__, encoding="utf-8").read()
start = source.index("uri_pat = re.compile(") + len("uri_pat = ")
expected = eval(source[start : source.index("\n", start)], {"re": re})
assert lazy.compiled() == expected, "the same pattern and flags"
assert lazy.match(uri).groups() == expected.match(uri).groups()
assert pairs and pairs[-1] == ("https://", "example.org/reports/2024/partnership-working.pdf")
# The other patterns of the module are compiled as usual.
assert isinstance(paragraph._hy_letters_pat, re.Pattern)
print("ok")
"""


def test_the_url_pattern_is_compiled_when_first_used() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok"
