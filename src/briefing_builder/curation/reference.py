"""A source's reference: read from a reference manager's export, or made from a few fields.

Zotero, Mendeley, EndNote and the like export CSL JSON, CSL YAML, BibTeX or RIS. Each is turned
into the CSL data a library's ``sources.yaml`` holds (docs/evidence-format.md): type, title,
authors as persons (``family``/``given``) or organisations (``literal``), dates as ``date-parts``
as far as they are known (a year alone stays a year; no year stays no date), publisher, series
(``collection-title``), URL and its access date, event. Fields the library does not use are left
out rather than guessed at.

CSL JSON and RIS are read by this module (both are simple line or JSON formats); BibTeX by
bibtexparser (MIT), which handles its nested braces, string macros and LaTeX accents.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.csl import CSL_DATE_VARIABLES, CSL_NAME_VARIABLES, CSL_TEXT_VARIABLES, CSL_TYPES
from ..core.files import UnreadableFile, read_regular_file
from ..core.loader import ID_PATTERN
from ..core.yamlio import YamlProblem, load_yaml_text

MAX_REFERENCE_BYTES = 5 * 1024 * 1024

# The CSL variables a library's sources use: the rest of an export (abstract, keywords, Zotero's
# own ids) is not carried into sources.yaml.
TEXT_FIELDS = (
    "title",
    "container-title",
    "collection-title",
    "collection-number",
    "publisher",
    "publisher-place",
    "event-title",
    "event",
    "event-place",
    "genre",
    "edition",
    "volume",
    "issue",
    "number",
    "page",
    "DOI",
    "ISBN",
    "URL",
)
NAME_FIELDS = ("author", "editor", "contributor")
DATE_FIELDS = ("issued", "accessed", "event-date")
FIELD_ORDER = ("type", *TEXT_FIELDS[:1], *NAME_FIELDS, *TEXT_FIELDS[1:], *DATE_FIELDS)


class ReferenceError(Exception):
    """Why a reference cannot be read, naming the file (and line, where there is one)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- names and dates ------------------------------------------------------------------------


def parse_name(text: str, *, organisation: bool = False) -> dict[str, str]:
    """A CSL name from ``Family, Given``, ``Given Family`` or an organisation's name.

    One word, a name in braces (``{World Health Organization}``) or ``organisation=True`` gives a
    ``literal``; ``Given Family`` is split at its last space, as reference managers do.
    """
    text = " ".join(text.split())
    if organisation or (text.startswith("{") and text.endswith("}")):
        return {"literal": text.strip("{}").strip()}
    if "," in text:
        family, _, given = text.partition(",")
        family, given = family.strip(), given.strip()
        return {"family": family, "given": given} if given else {"literal": family}
    if " " not in text:
        return {"literal": text}
    given, _, family = text.rpartition(" ")
    return {"family": family, "given": given}


_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?")
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}


def parse_date(text: str) -> dict[str, Any] | None:
    """``{date-parts: [[y, m, d]]}`` as far as ``text`` (``2024``, ``2024-03``, ``2024/03/01/``)
    gives it; None when it gives no year."""
    m = _DATE.match(str(text))
    if not m:
        return None
    parts = [int(m.group(1))]
    for g in (m.group(2), m.group(3)):
        if g is None:
            break
        parts.append(int(g))
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        parts = parts[:2]
    return {"date-parts": [parts]}


def _csl_date(value: Any) -> dict[str, Any] | None:
    """A CSL JSON/YAML date: ``date-parts``, ``raw``, ``literal`` or a plain ``2024-03-01``."""
    if isinstance(value, Mapping):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                first = [int(x) for x in parts[0][:3]]
            except (TypeError, ValueError):
                first = []
            if first:
                return {"date-parts": [first]}
        for key in ("raw", "literal"):
            if isinstance(value.get(key), str):
                return parse_date(value[key])
        return None
    if hasattr(value, "isoformat"):  # YAML read 2024-03-01 as a date
        return parse_date(value.isoformat())
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return parse_date(str(value))
    return None


# --- CSL JSON and CSL YAML ------------------------------------------------------------------


def _from_csl(item: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    stype = item.get("type")
    if isinstance(stype, str) and stype in CSL_TYPES:
        out["type"] = stype
    for key in TEXT_FIELDS:
        value = item.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = " ".join(str(value).split())
            if text:
                out[key] = text
    for key in NAME_FIELDS:
        names = item.get(key)
        if isinstance(names, list):
            kept = []
            for name in names:
                if isinstance(name, Mapping):
                    one = {
                        k: " ".join(str(name[k]).split())
                        for k in ("family", "given", "literal")
                        if isinstance(name.get(k), str) and name[k].strip()
                    }
                    if one.get("family") or one.get("literal"):
                        kept.append(one)
                elif isinstance(name, str) and name.strip():
                    kept.append(parse_name(name))
            if kept:
                out[key] = kept
    for key in DATE_FIELDS:
        if key in item:
            date = _csl_date(item[key])
            if date is not None:
                out[key] = date
    return out


def _one(items: list[Any], path: Path, what: str) -> Mapping[str, Any]:
    items = [i for i in items if isinstance(i, Mapping)]
    if not items:
        raise ReferenceError(f"{path} holds no reference ({what}).")
    if len(items) > 1:
        raise ReferenceError(
            f"{path} holds {len(items)} references; export only the one for this document."
        )
    return items[0]


def _csl_json(path: Path, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceError(
            f"{path}:{exc.lineno}: this is not valid CSL JSON ({exc.msg})."
        ) from None
    items = data if isinstance(data, list) else [data]
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        items = data["items"]
    return _from_csl(_one(items, path, "CSL JSON"))


def _csl_yaml(path: Path, text: str) -> dict[str, Any]:
    try:
        data = load_yaml_text(text, allow_aliases=False)
    except YamlProblem as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise ReferenceError(f"{where}: {exc.message}.") from None
    if isinstance(data, Mapping) and isinstance(data.get("references"), list):
        items = data["references"]
    else:
        items = data if isinstance(data, list) else [data]
    return _from_csl(_one(items, path, "CSL YAML"))


# --- RIS ------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS_TYPES = {
    "RPRT": "report",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "JOUR": "article-journal",
    "EJOUR": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "post-weblog",
    "GOVDOC": "report",
    "STAND": "standard",
    "STAT": "legislation",
    "BILL": "bill",
    "CASE": "legal_case",
    "DATA": "dataset",
    "COMP": "software",
    "SLIDE": "speech",
    "PAMP": "pamphlet",
    "UNPB": "manuscript",
    "GEN": "document",
}


def _ris(path: Path, text: str) -> dict[str, Any]:
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    last: str | None = None
    for n, line in enumerate(text.splitlines(), 1):
        m = _RIS_LINE.match(line.rstrip())
        if m is None:
            if line.strip() and current is not None and last is not None:
                current[last][-1] += " " + line.strip()  # a value continued on the next line
            elif line.strip():
                raise ReferenceError(
                    f"{path}:{n}: this is not a RIS line (a tag such as 'TI  - ' is expected)."
                )
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            current = {"TY": [value]}
            last = tag
        elif tag == "ER":
            if current is not None:
                records.append(current)
            current, last = None, None
        elif current is None:
            raise ReferenceError(f"{path}:{n}: a RIS reference must start with a 'TY  - ' line.")
        else:
            current.setdefault(tag, []).append(value)
            last = tag
    if current is not None:
        records.append(current)
    rec = _one(records, path, "RIS")

    def first(*tags: str) -> str | None:
        for tag in tags:
            for value in rec.get(tag, []):
                if value.strip():
                    return " ".join(value.split())
        return None

    out: dict[str, Any] = {"type": _RIS_TYPES.get((first("TY") or "").upper(), "document")}
    names = {
        "author": [v for t in ("AU", "A1") for v in rec.get(t, []) if v.strip()],
        "editor": [v for t in ("ED", "A3") for v in rec.get(t, []) if v.strip()],
    }
    corporate = [v for v in rec.get("A2", []) if v.strip()] if out["type"] == "report" else []
    fields = {
        "title": first("TI", "T1", "CT"),
        "container-title": first("JO", "JF", "T2") if out["type"] != "paper-conference" else None,
        "event-title": first("T2") if out["type"] == "paper-conference" else None,
        "collection-title": first("T3"),
        "publisher": first("PB", "I2"),
        "publisher-place": first("CY", "PP"),
        "volume": first("VL"),
        "issue": first("IS"),
        "edition": first("ET"),
        "number": first("M1") if out["type"] == "report" else None,
        "DOI": first("DO"),
        "ISBN": first("SN"),
        "URL": first("UR", "L2"),
    }
    for key, value in fields.items():
        if value:
            out[key] = value
    sp, ep = first("SP"), first("EP")
    if sp:
        out["page"] = f"{sp}–{ep}" if ep else sp
    for key, values in names.items():
        if values:
            # RIS writes people "Family, Given"; a name without a comma is an organisation.
            out[key] = [parse_name(v, organisation="," not in v) for v in values]
    if corporate and "author" not in out:
        out["author"] = [parse_name(v, organisation=True) for v in corporate]
    for key, tags in (("issued", ("DA", "PY", "Y1")), ("accessed", ("Y2",))):
        for tag in tags:
            value = first(tag)
            date = parse_date(value) if value else None
            if date is not None:
                out[key] = date
                break
    return out


# --- BibTeX ---------------------------------------------------------------------------------

_BIB_TYPES = {
    "techreport": "report",
    "report": "report",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "manual": "report",
    "unpublished": "manuscript",
    "misc": "document",
}
_LATEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
                  "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
                  "H": "\u030b", "k": "\u0328"}  # fmt: skip
_LATEX_ACCENT = re.compile(r"\\([`'^\"~=.]|[cvuHk](?=[\s{]))\s*\{?\s*([A-Za-z]|\\[ij])\s*\}?")
_LATEX_SYMBOLS = {r"\&": "&", r"\%": "%", r"\$": "$", r"\_": "_", r"\#": "#", "---": "—",
                  "--": "–", r"\ss": "ß", r"\o": "ø", r"\O": "Ø", r"\aa": "å", r"\AA": "Å",
                  r"\ae": "æ", r"\AE": "Æ", r"\l": "ł", r"\L": "Ł", "~": "\u00a0"}  # fmt: skip


def latex_to_text(value: str) -> str:
    """A BibTeX value as plain text: accents (``{\\"o}``), escapes and protective braces."""

    def accent(m: re.Match[str]) -> str:
        letter = {r"\i": "i", r"\j": "j"}.get(m.group(2), m.group(2))
        return unicodedata.normalize("NFC", letter + _LATEX_ACCENTS[m.group(1)])

    value = _LATEX_ACCENT.sub(accent, value)
    for latex, char in _LATEX_SYMBOLS.items():
        value = value.replace(latex, char)
    value = re.sub(r"\\(?:emph|textit|textbf|textsc|url)\s*\{", "{", value)
    return " ".join(value.replace("{", "").replace("}", "").split())


def _bib_names(raw: str) -> list[dict[str, str]]:
    names = []
    for part in re.split(r"\s+and\s+(?![^{]*\})", raw.strip()):
        part = part.strip()
        if not part:
            continue
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            names.append({"literal": latex_to_text(part)})
        else:
            names.append(parse_name(latex_to_text(part)))
    return names


def _bibtex(path: Path, text: str) -> dict[str, Any]:
    import bibtexparser

    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the parser's own errors: the file is not BibTeX it can read
        raise ReferenceError(f"{path} cannot be read as BibTeX ({exc}).") from None
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", None)
        where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
        raise ReferenceError(
            f"{where}: this BibTeX entry cannot be read; check its braces and commas."
        )
    entries = list(library.entries)
    if len(entries) != 1:
        raise ReferenceError(
            f"{path} holds no reference (BibTeX)."
            if not entries
            else f"{path} holds {len(entries)} references; export only the one for this document."
        )
    entry = entries[0]
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    etype = str(entry.entry_type).lower()

    def get(*keys: str) -> str | None:
        for key in keys:
            value = fields.get(key)
            if value and latex_to_text(value):
                return latex_to_text(value)
        return None

    out: dict[str, Any] = {"type": _BIB_TYPES.get(etype, "document")}
    if out["type"] == "document" and get("url") and not get("publisher", "institution"):
        out["type"] = "webpage"
    for key, value in {
        "title": get("title"),
        "container-title": get("journal", "journaltitle", "booktitle")
        if out["type"] != "paper-conference"
        else get("booktitle"),
        "event-title": get("eventtitle"),
        "collection-title": get("series"),
        "publisher": get("publisher", "institution", "organization", "school"),
        "publisher-place": get("address", "location"),
        "volume": get("volume"),
        "issue": get("number") if out["type"] == "article-journal" else None,
        "number": get("number") if out["type"] == "report" else None,
        "edition": get("edition"),
        "page": get("pages"),
        "DOI": get("doi"),
        "ISBN": get("isbn"),
        "URL": get("url"),
    }.items():
        if value:
            out[key] = value.replace("--", "–") if key == "page" else value
    for key in ("author", "editor"):
        if fields.get(key):
            names = _bib_names(fields[key])
            if names:
                out[key] = names
    date = parse_date(get("date") or "") if get("date") else None
    if date is None and get("year"):
        date = parse_date(get("year") or "")
        month = (get("month") or "").lower().rstrip(".")
        if date is not None and month:
            m = _MONTHS.get(month) or (int(month) if month.isdigit() else None)
            if m and 1 <= m <= 12:
                date["date-parts"][0].append(m)
    if date is not None:
        out["issued"] = date
    if get("urldate"):
        accessed = parse_date(get("urldate") or "")
        if accessed is not None:
            out["accessed"] = accessed
    return out


# --- the front door -------------------------------------------------------------------------

READERS = {".json": _csl_json, ".yaml": _csl_yaml, ".yml": _csl_yaml, ".bib": _bibtex,
           ".ris": _ris}  # fmt: skip


def read_reference(path: Path | str) -> dict[str, Any]:
    """The CSL data of the one reference in a CSL JSON, CSL YAML, BibTeX or RIS file."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReferenceError(
            f"{path} is not a reference file this can read: export the reference as CSL JSON "
            "(.json), CSL YAML (.yaml), BibTeX (.bib) or RIS (.ris)."
        )
    try:
        raw = read_regular_file(path, max_bytes=MAX_REFERENCE_BYTES)
    except UnreadableFile as exc:
        raise ReferenceError(f"{path} {exc.message}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return reader(path, text)


PASTED = Path("The pasted reference")


def parse_reference_text(text: str, where: Path = PASTED) -> dict[str, Any]:
    """The CSL data of one reference pasted as text (copied from a reference manager): CSL JSON,
    BibTeX, RIS or CSL YAML, told apart by how the text starts; messages name ``where``."""
    start = text.lstrip("\ufeff \t\r\n")
    if not start:
        raise ReferenceError(f"{where} is empty: copy a reference (CSL JSON, BibTeX or RIS) first.")
    if start.startswith(("{", "[")):
        return _csl_json(where, text)
    if start.startswith("@"):
        return _bibtex(where, text)
    if _RIS_LINE.match(start.splitlines()[0].rstrip()):
        return _ris(where, text)
    data = None
    with contextlib.suppress(YamlProblem):
        data = load_yaml_text(text, allow_aliases=False)
    if not isinstance(data, (Mapping, list)):
        raise ReferenceError(
            f"{where} is not a reference this can read: copy it from a reference manager as CSL "
            "JSON, BibTeX or RIS."
        )
    return _csl_yaml(where, text)


def merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with every field ``overrides`` gives replacing its own, in the usual key order."""
    merged = {**base, **{k: v for k, v in overrides.items() if v not in (None, "", [])}}
    ordered = {k: merged[k] for k in FIELD_ORDER if k in merged}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered


def check_fields(csl: Mapping[str, Any]) -> list[str]:
    """What a reference lacks or gets wrong for a library, in words for the curator."""
    problems = []
    if not csl.get("title"):
        problems.append("it has no title (give one with --title)")
    stype = csl.get("type")
    if stype and stype not in CSL_TYPES:
        problems.append(f"'{stype}' is not a CSL type (e.g. report, book, speech, webpage)")
    allowed = CSL_TEXT_VARIABLES | CSL_NAME_VARIABLES | CSL_DATE_VARIABLES | {"type"}
    problems += [f"'{k}' is not a CSL field" for k in csl if k not in allowed]
    return problems


# --- the id ---------------------------------------------------------------------------------


def slug(text: str, *, words: int = 3) -> str:
    """Lower-case a-z, 0-9 and hyphens, accents dropped: ``Ó Súilleabháin`` → ``o-suilleabhain``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(parts[:words])


_MINOR = frozenset({"of", "the", "and", "for", "on", "in", "to", "a", "an", "at", "&"})


def propose_id(csl: Mapping[str, Any], existing: Iterable[str]) -> str:
    """``family-year`` of the first author (an organisation: its initials when it has three or
    more main words, e.g. ``ncvo-2024``; else its name), ``nd`` for no year, else from the title;
    ``-b``, ``-c``... when the library already has that id."""
    taken = set(existing)
    stem = ""
    authors = csl.get("author") or csl.get("editor") or []
    if authors and isinstance(authors[0], Mapping):
        first = authors[0]
        if first.get("family"):
            stem = slug(str(first["family"]), words=2)
        elif first.get("literal"):
            main = [w for w in str(first["literal"]).split() if w.lower() not in _MINOR]
            stem = slug("".join(w[0] for w in main)) if len(main) >= 3 else slug(first["literal"])
    if not stem:
        stem = slug(str(csl.get("title") or ""), words=3) or "source"
    parts = (
        (csl.get("issued") or {}).get("date-parts")
        if isinstance(csl.get("issued"), Mapping)
        else None
    )
    year = str(parts[0][0]) if parts and parts[0] else "nd"
    base = f"{stem}-{year}"
    if base not in taken:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}{letter}" not in taken:
            return f"{base}{letter}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def id_problem(sid: str, existing: Iterable[str]) -> str | None:
    """Why ``sid`` cannot be a new source's id, or None."""
    if not ID_PATTERN.match(sid):
        return f"'{sid}' cannot be a source id: use only a-z, 0-9 and '-', starting with a letter or digit"
    if sid in set(existing):
        return f"the library already has a source '{sid}'; choose another id"
    return None
