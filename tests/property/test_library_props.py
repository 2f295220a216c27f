"""Property-based tests: the library loader takes any document or bytes in library.yaml,
sources.yaml, a findings file or a source text and gives a Library with problems — never an
exception, never a hang — and the cache serves exactly what a fresh load gives.

Bounded and derandomized by default (the "ci" profile of ``conftest.py``); for a long run by hand:
``HYPOTHESIS_PROFILE=deep pytest tests/property/test_library_props.py``.
"""

from __future__ import annotations

import copy
import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core.cache import open_library
from briefing_builder.core.loader import ID_PATTERN, load_library
from briefing_builder.core.model import KINDS, LOCATOR_LABELS, Library, Problem
from briefing_builder.core.textmatch import FoldedText
from tests.conftest import (
    BETA_FINDINGS_YAML,
    FINDINGS_YAML,
    LIBRARY_YAML,
    SOURCES_YAML,
    write_library,
)

from .conftest import time_bound

VALID = {
    "library.yaml": LIBRARY_YAML,
    "sources.yaml": SOURCES_YAML,
    "findings/alpha.yaml": FINDINGS_YAML,
    "findings/beta.yaml": BETA_FINDINGS_YAML,
}
YAML_FILES = sorted(VALID)
TIME_BOUND = 20  # seconds per example, against hangs (a load here takes milliseconds)

# Keys the three files use, so that edits reach the validation behind the parser.
KEYS = [
    *("title", "description", "themes", "id", "label", "references", "type", "author"),
    *("family", "given", "literal", "issued", "date-parts", "text", "short", "volume"),
    *("number", "source", "kind", "speaker", "locator", "value", "places", "note", "<<"),
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(
        [
            *("alpha", "beta", "trust", "data", "quote", "section", "report", "3.10", "007"),
            *("texts/alpha.txt", "texts/beta.txt", "../x.txt", "/etc/hostname", "texts", ""),
            *("findings", ".texts/a.txt", "texts/" + "x" * 300, "a\0b", "2015-02-29"),
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)
# Pieces of YAML syntax to splice into a valid file's text.
TOKENS = st.sampled_from(
    [
        *(":", ": ", "- ", "-", "&a ", "*a", "*b", "!!int ", "!!float ", "!!bool ", "!!str "),
        *("!!timestamp ", "!!binary ", "!!set ", "!x ", "!!python/object:os.system ", "? "),
        *("'", '"', "|", ">-", "{", "}", "[", "]", ",", "#", "%YAML 1.1\n", "---\n", "...\n"),
        *("\t", "\n", "\n  ", "\r", "\0", "\ufeff", "\x85", "\u2028", "\x07", "\ud800"),
        *("<<: *a\n", "1:30", "0x1F", ".nan", "~", "2026-02-30", "2026-11-23 25:00:00"),
        *("text: texts/loop.txt\n", "  - id: alpha\n", "id: alpha-001\n", "value: 3.10\n"),
    ]
)


def _edit(data: st.DataObject, doc: Any) -> Any:
    """Replace, delete or add one value somewhere in a parsed document."""
    if not isinstance(doc, (dict, list)) or not doc or data.draw(st.integers(0, 3)) == 0:
        return data.draw(VALUES)
    if isinstance(doc, list):
        i = data.draw(st.integers(0, len(doc) - 1))
        action = data.draw(st.sampled_from(["edit", "delete", "insert"]))
        if action == "delete":
            del doc[i]
        elif action == "insert":
            doc.insert(i, data.draw(VALUES))
        else:
            doc[i] = _edit(data, doc[i])
        return doc
    key = data.draw(st.sampled_from(sorted(doc, key=str)))
    action = data.draw(st.sampled_from(["edit", "delete", "add"]))
    if action == "delete":
        del doc[key]
    elif action == "add":
        doc[data.draw(st.sampled_from(KEYS))] = data.draw(VALUES)
    else:
        doc[key] = _edit(data, doc[key])
    return doc


@st.composite
def edited_document(draw: st.DrawFn) -> bytes:
    """A valid file, parsed, edited in 1-4 places and written back as YAML."""
    data = draw(st.data())
    doc = yaml.safe_load(textwrap.dedent(VALID[draw(st.sampled_from(YAML_FILES))]))
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 4))):
        doc = _edit(data, doc)
    flow = draw(st.booleans())
    return yaml.safe_dump(doc, allow_unicode=True, default_flow_style=flow).encode("utf-8")


@st.composite
def spliced_text(draw: st.DrawFn) -> bytes:
    """A valid file's text with YAML syntax spliced in, lines cut or repeated."""
    text = textwrap.dedent(VALID[draw(st.sampled_from(YAML_FILES))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["token", "cut", "repeat"]))
        if action == "token":
            text = text[:at] + draw(TOKENS) + text[at:]
        elif action == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            lines = text.splitlines(keepends=True) or [""]
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace")


CONTENT = st.one_of(
    edited_document(),
    spliced_text(),
    st.binary(max_size=600),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def _check(lib: Library, root: Path) -> None:
    """What every loaded library satisfies, whatever its files held."""
    assert isinstance(lib, Library)
    for p in lib.problems:
        assert isinstance(p, Problem) and isinstance(p.file, str) and p.message.strip()
        assert p.line is None or (isinstance(p.line, int) and p.line >= 1)
        assert "Traceback" not in p.message
        str(p)
    ids = [f.id for f in lib.findings]
    assert len(ids) == len(set(ids))
    sources = {s.id for s in lib.sources}
    themes = {t.id for t in lib.themes}
    for f in lib.findings:
        assert ID_PATTERN.match(f.id) and f.source in sources and f.kind in KINDS
        assert isinstance(f.text, str) and f.text
        assert f.themes and set(f.themes) <= themes
        assert f.locator.label in LOCATOR_LABELS and isinstance(f.locator.value, str)
        assert all(isinstance(x, str) for x in (*f.places, f.speaker or "", f.note or ""))
        source = lib.source(f.source)
        # A quote counts as verified only against a text that was read; an unverified one is
        # always a problem (an error, or the warning of a source without a text).
        if not f.verified:
            assert lib.problems, f.id
        elif source is not None:
            assert source.text_path is not None
    assert lib.title and isinstance(lib.title, str)
    assert Path(lib.root) == root


def _load(files: dict[str, bytes]) -> tuple[Library, Path]:
    with tempfile.TemporaryDirectory(prefix="bb-props-") as tmp:
        root = write_library(Path(tmp) / "lib")
        for rel, content in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content)
        with time_bound(TIME_BOUND):
            lib = load_library(root)
        _check(lib, root)
        return lib, root


@given(target=st.sampled_from(YAML_FILES), content=CONTENT)
def test_any_content_in_a_library_file_gives_problems_not_exceptions(
    target: str, content: bytes
) -> None:
    _load({target: content})


@given(
    contents=st.lists(
        st.tuples(st.sampled_from(YAML_FILES), edited_document() | spliced_text()),
        min_size=2,
        max_size=4,
    )
)
def test_several_damaged_files_at_once(contents: list[tuple[str, bytes]]) -> None:
    _load(dict(contents))


ODD_PATHS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            *(
                "texts/alpha.txt",
                "texts//alpha.txt",
                "./texts/alpha.txt",
                "texts/../texts/alpha.txt",
            ),
            *("texts/loop.txt", "texts/fifo.txt", "texts/", "texts", ".", "..", "/", "~/x"),
            *("texts/alpha.txt\0", "texts/" + "a" * 5000, "C:\\texts\\alpha.txt", "\\\\srv\\x"),
        ]
    ),
)


@given(path=ODD_PATHS, text=st.binary(max_size=300) | st.sampled_from([b"", b"\xff\xfe", b"%PDF"]))
def test_any_text_path_and_any_text_bytes(path: str, text: bytes) -> None:
    sources = SOURCES_YAML.replace("text: texts/alpha.txt", f"text: {_quoted(path)}")
    with tempfile.TemporaryDirectory(prefix="bb-props-") as tmp:
        root = write_library(Path(tmp) / "lib", {"sources.yaml": sources})
        (root / "texts" / "beta.txt").write_bytes(text)
        (root / "texts" / "loop.txt").symlink_to("loop.txt")
        os.mkfifo(root / "texts" / "fifo.txt")
        with time_bound(TIME_BOUND):
            lib = load_library(root)
        _check(lib, root)
        # beta's text is random bytes: a quote is verified only if it is really there.
        for f in lib.findings:
            if f.source == "beta" and f.verified:
                assert FoldedText.of(text.decode("utf-8-sig")).contains_quote(f.text)


def _quoted(path: str) -> str:
    """A YAML double-quoted scalar for any string (escapes for controls, surrogates...)."""
    out = []
    for ch in path:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}" if ord(ch) > 0xFFFF else f"\\u{ord(ch):04x}")
    return '"' + "".join(out) + '"'


@given(target=st.sampled_from(YAML_FILES), content=edited_document() | spliced_text())
def test_the_cache_serves_what_a_fresh_load_gives(target: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="bb-props-") as tmp:
        root = write_library(Path(tmp) / "lib")
        cache_dir = Path(tmp) / "cache"
        open_library(root, cache_dir=cache_dir)  # the valid library, cached
        (root / target).write_bytes(content)
        with time_bound(TIME_BOUND):
            first = open_library(root, cache_dir=cache_dir)
            again = open_library(root, cache_dir=cache_dir)
            fresh = load_library(root)
        for opened in (first, again):
            assert [str(p) for p in opened.library.problems] == [str(p) for p in fresh.problems]
            assert opened.library.findings == fresh.findings
