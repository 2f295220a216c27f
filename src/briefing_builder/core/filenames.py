"""One rule for the file names the app proposes from a briefing's title (Save As, Export).

A name that works on Windows, macOS and Linux and uploads to SharePoint or OneDrive: none of
``: * ? " < > | / \\`` nor control characters; no leading or trailing dot or space; not one of
Windows' reserved device names (CON, NUL, COM1...); at most :data:`MAX_NAME_BYTES` bytes of
UTF-8, so the suffix still fits the 255-byte limit of most file systems. The title's words are
kept: "Partnership working: what works?" becomes "Partnership working - what works".
"""

from __future__ import annotations

import unicodedata

MAX_NAME_BYTES = 120

# Punctuation that reads the same after the swap; the rest of the forbidden set becomes a space.
_REPLACE = {":": " - ", "/": "-", "\\": "-", "|": "-", '"': "'"}
_FORBIDDEN = frozenset('<>:"/\\|?*')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)


def _allowed(ch: str) -> bool:
    # Control, format (zero-width, bidi), private-use, surrogate and unassigned characters.
    return ch not in _FORBIDDEN and not unicodedata.category(ch).startswith("C")


def _trim(name: str) -> str:
    return name.lstrip(" .-~").rstrip(" .")


def safe_file_name(title: str, fallback: str = "briefing", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name (without suffix) for a document called ``title``."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(_REPLACE.get(ch, ch if _allowed(ch) else " ") for ch in text)
    name = _trim(" ".join(text.split()))
    # Repeated swaps ("a: - b") read better once.
    while " - - " in name:
        name = name.replace(" - - ", " - ")
    if len(name.encode("utf-8")) > max_bytes:
        cut = name.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
        # At a word's end where one is near, rather than mid-word.
        space = cut.rfind(" ")
        name = _trim(cut[:space] if space > len(cut) // 2 else cut)
    if not name:
        return fallback
    stem, dot, rest = name.partition(".")
    if stem.strip().upper() in _RESERVED:  # Windows reserves "NUL" and "NUL.txt" alike
        name = f"{stem.strip()} ({fallback}){dot}{rest}"
    return name
