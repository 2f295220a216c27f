"""Importing reportlab's paragraph module without compiling its URL pattern at import.

``reportlab.platypus.paragraph`` compiles, when imported, a case-insensitive pattern for URLs
whose character classes span all of Unicode (``[a-z\\xa1-\\uffff0-9]``, several times): about
25 ms, a tenth of everything the Word export does before it writes, on every export (the
contents' page numbers need a PDF layout). Reportlab uses the pattern only when it splits a
word that does not fit its line (hyphenation or ``uriWasteReduce``, both off here: the PDF
writer breaks long URLs itself). Imported through this module, the pattern is compiled the
first time it is used instead, to the same compiled pattern. Importing this module first is all
it takes: the PDF writer's imports of reportlab then find the paragraph module already loaded.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

# How reportlab's URL pattern begins (reportlab 4 and 5); any other pattern compiles as usual.
URL_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"

_lock = threading.Lock()


class LazyPattern:
    """A compiled pattern, compiled when first used."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled(), name)


def _import() -> None:
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    with _lock:
        if "reportlab.platypus.paragraph" in sys.modules:
            return
        real = re.compile

        def compile_url_pattern_later(pattern: Any, flags: Any = 0) -> Any:
            if isinstance(pattern, str) and pattern.startswith(URL_PATTERN_START):
                return LazyPattern(pattern, flags)
            return real(pattern, flags)

        re.compile = compile_url_pattern_later
        try:
            import reportlab.platypus.paragraph  # noqa: F401
        finally:
            re.compile = real


_import()
