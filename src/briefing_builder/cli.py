"""The ``briefing-builder`` command: the desktop app, and ``check`` / ``list`` for curators."""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, cli_curation
from .core.cache import open_library
from .core.filtering import Filter
from .core.library_columns import records
from .core.loader import gc_paused
from .core.logs import one_sentence, setup_logging, where_logged
from .core.model import KINDS, Library
from .core.paths import bundled_library
from .core.strength import MARYLAND_LEVELS, NOT_RATED
from .core.wording import count_label

log = logging.getLogger(__name__)

STRENGTH_CHOICES = [*(str(n) for n in MARYLAND_LEVELS), NOT_RATED]


def _library_arg(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `--library` works before or after the command.
    parser.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        help="library folder (default: the bundled library)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-builder",
        description="Build referenced briefings from a curated library of evidence findings. "
        "With no command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _library_arg(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="validate a library and report every problem")
    _library_arg(check)
    check.add_argument("--no-cache", action="store_true", help="read every file afresh")

    lst = sub.add_parser("list", help="print the findings that match a filter")
    _library_arg(lst)
    lst.add_argument(
        "--theme", action="append", default=[], metavar="ID", help="theme id (repeatable; any of)"
    )
    lst.add_argument(
        "--all-themes", action="store_true", help="require all the given themes, not any"
    )
    lst.add_argument(
        "--source", action="append", default=[], metavar="ID", help="source id (repeatable)"
    )
    lst.add_argument(
        "--kind", action="append", default=[], choices=KINDS, help="kind of finding (repeatable)"
    )
    lst.add_argument("--place", action="append", default=[], metavar="P", help="place (repeatable)")
    lst.add_argument(
        "--strength",
        action="append",
        default=[],
        choices=STRENGTH_CHOICES,
        metavar="LEVEL",
        help="Maryland SMS level of the evidence, 1-5, or 'none' for sources not rated "
        "(repeatable)",
    )
    lst.add_argument(
        "--search", default="", metavar="TEXT", help='free text; "quoted phrase" allowed'
    )
    lst.add_argument("--json", action="store_true", help="print a JSON array")

    exp = sub.add_parser(
        "export",
        help="export a briefing as a referenced Word document (.docx), PDF or web page (.html)",
    )
    exp.add_argument("briefing", metavar="BRIEFING", type=Path, help="a .briefing.yaml file")
    exp.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        type=Path,
        required=True,
        help="OUT.docx, OUT.pdf or OUT.html",
    )
    exp.add_argument(
        "--style",
        metavar="ID",
        default=None,
        help="citation style: harvard or numbered-notes (default: the briefing's, else harvard)",
    )
    _library_arg(exp)
    exp.add_argument("--no-contents", action="store_true", help="leave out the contents list")
    exp.add_argument(
        "--evidence-table",
        action="store_true",
        help="add the evidence annex: every quote cited, its source, locator and the paragraph "
        "citing it, on landscape pages",
    )
    exp.add_argument(
        "--annex-ids",
        action="store_true",
        help="show each finding's id in the evidence annex (implies --evidence-table)",
    )
    exp.add_argument(
        "--numbered-paragraphs",
        action="store_true",
        default=None,
        help="number the paragraphs 1.1, 1.2 … per section (default: the briefing's 'numbering:')",
    )
    exp.add_argument(
        "--require-marking",
        action="store_true",
        help="refuse to export (exit status 1) a briefing without a protective marking",
    )
    exp.add_argument(
        "--template",
        metavar="FILE",
        type=Path,
        default=None,
        help="the organisation's Word template (.dotx or .docx): page setup, styles, logo "
        "(default: the briefing's 'template:', if any)",
    )

    add = sub.add_parser(
        "add-source",
        help="add a document (PDF, Word, HTML, text, Markdown) and its reference to a library",
        description="Extract the document's text into the library's texts/ folder and append its "
        "reference to sources.yaml. Prints the new source's id.",
    )
    add.add_argument("document", metavar="FILE", type=Path, help="the document to add")
    _library_arg(add)
    add.add_argument("--id", metavar="ID", help="the source's id (default: author-year)")
    add.add_argument(
        "--reference",
        metavar="REF",
        type=Path,
        help="its reference exported from a reference manager (.json CSL JSON, .yaml CSL YAML, "
        ".bib BibTeX, .ris RIS); the options below override its fields",
    )
    add.add_argument("--type", metavar="TYPE", help="CSL type: report (default), book, speech...")
    add.add_argument("--title", metavar="TEXT", help="its title")
    add.add_argument(
        "--author",
        action="append",
        default=[],
        metavar="NAME",
        help="an author as 'Family, Given' (repeatable)",
    )
    add.add_argument(
        "--organisation",
        action="append",
        default=[],
        metavar="NAME",
        help="an organisation as author (repeatable)",
    )
    add.add_argument("--year", metavar="DATE", help="when issued: YYYY, YYYY-MM or YYYY-MM-DD")
    add.add_argument("--publisher", metavar="NAME")
    add.add_argument("--series", metavar="TEXT", help="the series it is part of")
    add.add_argument("--url", metavar="URL", help="where it is published online")
    add.add_argument("--accessed", metavar="DATE", help="when the URL was viewed: YYYY-MM-DD")
    add.add_argument("--event", metavar="TEXT", help="the event it was given at (a speech)")
    add.add_argument("--short", metavar="TEXT", help="a short label for lists and filters")

    new = sub.add_parser(
        "new-library",
        help="start an empty evidence library in a new or empty folder",
        description="Create library.yaml (a title and a starter list of themes to edit), "
        "sources.yaml, findings/ and texts/ in DIR. Prints the folder.",
    )
    new.add_argument("folder", metavar="DIR", type=Path, help="the folder (new, or empty)")
    new.add_argument("--title", metavar="TEXT", help="the library's title (default: DIR's name)")

    cli_curation.add_parsers(sub, _library_arg)

    gui = sub.add_parser("gui", help="start the desktop app (the default)")
    _library_arg(gui)
    gui.add_argument("briefing", nargs="?", type=Path, help="a briefing file to open")
    return parser


def _resolve_library(args: argparse.Namespace) -> Path:
    return args.library if args.library is not None else bundled_library()


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    root = _resolve_library(args)
    opened = open_library(root, use_cache=not args.no_cache)
    lib = opened.library
    for problem in lib.problems:
        print(problem, file=out)
    total, verified = len(lib.findings), lib.verified_count
    unchecked = f"; {total - verified} not checked (see above)" if verified < total else ""
    print(
        f"{lib.title or root}: {count_label(len(lib.sources), 'source')}, "
        f"{count_label(total, 'finding')}, {count_label(len(lib.themes), 'theme')}; "
        f"{verified} of {count_label(total, 'quote')} verified word for word{unchecked}",
        file=out,
    )
    if lib.problems:
        errors, warnings = len(lib.errors), len(lib.problems) - len(lib.errors)
        print(
            f"{_count(len(lib.problems), 'problem')} found "
            f"({_count(errors, 'error')}, {_count(warnings, 'warning')}).",
            file=out,
        )
        return 0 if lib.ok else 1
    if unchecked:  # never "No problems found" beside quotes nobody checked
        print("Not every quote was checked.", file=out)
        return 1
    print("No problems found.", file=out)
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _line_encoder() -> Callable[[object], str]:
    """``json.dumps(value, ensure_ascii=False)`` for plain data (no cycles), many times over.

    ``JSONEncoder.encode`` sets up the C encoder afresh for each value, which cost more than the
    encoding itself for a finding; this sets it up once (the standard library's own C encoder,
    when present: it always is in CPython).
    """
    plain = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    chunks = make(
        None, plain.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


JSON_CHUNK = 2048  # findings encoded and written at a time


def _write_json(rows: list[int], lib: Library, out: TextIO) -> None:
    """The findings at ``rows`` as a JSON array, one finding a line.

    Each finding by the C encoder (an indented dump goes through the pure-Python encoder, which
    took most of the time for tens of thousands of findings), written a chunk at a time so that
    the whole text (tens of megabytes) is never held twice, with the collector paused: the
    findings and their dictionaries are many objects and no cycles.
    """
    if not rows:
        out.write("[]\n")
        return
    encode = _line_encoder()
    titles = {s.id: s.title for s in lib.sources}
    listed = records(lib.findings, rows)
    out.write("[\n")
    with gc_paused():
        for start in range(0, len(rows), JSON_CHUNK):
            if start:
                out.write(",\n")
            out.write(
                ",\n".join(
                    encode(
                        {
                            "id": fid,
                            "source": source,
                            "source_title": titles.get(source),
                            "kind": kind,
                            "text": text,
                            "speaker": speaker,
                            "themes": themes,
                            "places": places,
                            "locator": {"label": label, "value": value, "title": title},
                        }
                    )
                    for fid, source, kind, text, speaker, themes, places, label, value, title in (
                        itertools.islice(listed, JSON_CHUNK)
                    )
                )
            )
    out.write("\n]\n")


def _cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = _resolve_library(args)
    opened = open_library(root)
    lib = opened.library
    if not lib.findings and lib.problems:
        for problem in lib.problems:
            print(problem, file=err)
        return 1
    unknown = [f"theme '{t}'" for t in args.theme if lib.theme(t) is None] + [
        f"source '{s}'" for s in args.source if lib.source(s) is None
    ]
    if unknown:
        print(f"briefing-builder: not in this library: {', '.join(unknown)}", file=err)
        return 2
    flt = Filter(
        themes=frozenset(args.theme),
        theme_mode="all" if args.all_themes else "any",
        sources=frozenset(args.source),
        kinds=frozenset(args.kind),
        places=frozenset(args.place),
        text=args.search,
        strength=frozenset(args.strength),
    )
    result = opened.index.query(flt, facets=False)
    if args.json:
        _write_json(result.indices.tolist(), lib, out)
        return 0
    findings = [lib.findings[i] for i in result.indices.tolist()]
    for f in findings:
        src = lib.source(f.source)
        label = src.short if src else f.source
        print(f"{f.id}  [{f.kind}]  {label}, {f.locator}", file=out)
        if f.speaker:
            print(f"    Speaker: {f.speaker}", file=out)
        print(f"    {f.text}", file=out)
        print(f"    Themes: {', '.join(f.themes)}", file=out)
        print(file=out)
    print(f"{len(findings)} of {len(lib.findings)} findings — {flt.describe(lib)}", file=out)
    return 0


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """The cyclic garbage collector off for one command; reference counting still frees memory.

    An export leaves few cycles, but while it imports the writers' libraries and lays the
    document out, the collector walks everything alive (the modules, the library) again and
    again: about 50 ms of a 0.7 s Word export, for half a megabyte of memory not freed early.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Export a briefing file; every failure is one plain message and exit code 1."""
    from .core.briefing_io import BriefingError, library_path, read_briefing
    from .export import ExportError, ExportOptions, export_to_file

    def fail(message: str, details: Sequence[object] = ()) -> int:
        print(f"briefing-builder: export failed: {message}", file=err)
        for line in details:
            print(f"  {line}", file=err)
        return 1

    path: Path = args.briefing
    if not path.exists() and not path.is_symlink():
        return fail(f"there is no briefing file {path}")
    try:
        briefing = read_briefing(path)
    except BriefingError as exc:
        return fail(f"{path} cannot be read; nothing was written", exc.problems)
    except OSError as exc:
        return fail(f"{path} cannot be read: {exc.strerror or exc}")
    root = args.library or library_path(briefing, path) or bundled_library()
    library = None
    if root.is_dir():
        library = open_library(root).library
    elif args.library is not None:
        return fail(f"the library folder {root} does not exist")
    else:
        # As docs/briefing-format.md promises: the file's own snapshots of each quote serve.
        line = briefing.key_lines.get("library")
        where = f"{path}:{line}" if line else str(path)
        print(
            f"briefing-builder: warning: {where}: the library folder {root} is not found; "
            "exporting the quotes saved in the briefing file",
            file=err,
        )
    options = ExportOptions(
        style=args.style,
        include_contents=not args.no_contents,
        include_evidence_table=args.evidence_table or args.annex_ids,
        annex_ids=args.annex_ids,
        numbered_paragraphs=args.numbered_paragraphs,
        require_marking=args.require_marking,
        template=args.template,
    )
    try:
        result = export_to_file(briefing, library, args.output, options, briefing_file=path)
    except ExportError as exc:
        details: list[object] = list(exc.problems)
        if exc.problems and library is not None and library.problems:
            details.append(
                f"(the library at {root} has {len(library.problems)} problems: "
                f"run 'briefing-builder check --library {root}')"
            )
        return fail(exc.message, details)
    except Exception as exc:  # never a traceback for the user; say what happened
        log.error("Export of %s to %s failed unexpectedly", path, args.output, exc_info=True)
        return fail(f"{type(exc).__name__}: {exc}", [where_logged()])
    from .export.length import over_limit_message, pages_phrase, written_pages

    # A PDF's own page count; for Word, the estimate (Word lays out its own pages); for a web
    # page, the estimate of its printed pages.
    pages, known = written_pages(result.document)
    length = pages_phrase(pages, known) + (" printed" if result.format == "html" else "")
    print(f"Wrote {result.path} ({length}): {result.summary()}.", file=out)
    for warning in result.document.warnings:
        print(f"briefing-builder: warning: {warning}", file=err)
    over = over_limit_message(pages, briefing.max_pages)
    if over:
        print(f"briefing-builder: warning: {path}: {over}", file=err)
    return 0


def _cmd_add_source(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Add a source document; every failure is one plain message and exit code 1."""
    from .curation.add_source import AddSourceError, add_source, existing_ids
    from .curation.extract import ExtractionError, extract
    from .curation.reference import (
        ReferenceError,
        merge,
        parse_date,
        parse_name,
        propose_id,
        read_reference,
    )

    def fail(message: str, details: Sequence[object] = ()) -> int:
        print(f"briefing-builder: add-source: {message}", file=err)
        for line in details:
            print(f"  {line}", file=err)
        return 1

    if args.library is None:
        return fail("say which library to add to with --library DIR")
    root: Path = args.library
    if not root.is_dir():
        return fail(f"the library folder {root} does not exist")
    given: dict[str, object] = {
        "type": args.type,
        "title": args.title,
        "publisher": args.publisher,
        "collection-title": args.series,
        "URL": args.url,
        "event-title": args.event,
    }
    names = [parse_name(a) for a in args.author] + [
        parse_name(o, organisation=True) for o in args.organisation
    ]
    if names:
        given["author"] = names
    for key, value, option in (
        ("issued", args.year, "--year"),
        ("accessed", args.accessed, "--accessed"),
    ):
        if value:
            date = parse_date(value)
            if date is None:
                return fail(f"{option} {value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
            given[key] = date
    try:
        base = read_reference(args.reference) if args.reference else {}
        extracted = extract(args.document)
    except (ReferenceError, ExtractionError) as exc:
        return fail(exc.message)
    csl = merge(base, given)
    csl.setdefault("type", "report")
    if not csl.get("title") and extracted.title:
        csl["title"] = extracted.title
        print(
            f"briefing-builder: add-source: title taken from the document: {extracted.title}",
            file=err,
        )
    if not csl.get("title"):
        return fail(f"{args.document} gives no title: give one with --title")
    existing = existing_ids(root)
    sid = args.id or propose_id(csl, existing)
    try:
        added = add_source(root, extracted, csl, sid, short=args.short)
    except AddSourceError as exc:
        return fail(exc.message, exc.problems)
    for remark in extracted.remarks:
        print(f"briefing-builder: add-source: {args.document}: {remark}", file=err)
    for problem in added.warnings:
        print(f"briefing-builder: warning: {problem}", file=err)
    pages = f"{extracted.pages} page{'s' if extracted.pages != 1 else ''}"
    written = added.entry.get("page-labels") or []
    if written:
        shown = written if len(written) <= 6 else [*written[:5], "…"]
        pages += f" (printed {', '.join(shown)})"
    print(
        f"Added source '{sid}' from {extracted.format}: {added.text_path} ({pages}, "
        f"{count_label(extracted.headings, 'heading')}); its reference is in {added.sources_path}.",
        file=err,
    )
    print(sid, file=out)
    return 0


def _cmd_new_library(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Start a library; a refusal is one plain message and exit code 1."""
    from .curation.new_library import NewLibraryError, new_library

    folder: Path = args.folder
    title = args.title or folder.resolve().name
    try:
        new_library(folder, title)
    except NewLibraryError as exc:
        print(f"briefing-builder: new-library: {exc.message}", file=err)
        for problem in exc.problems:
            print(f"  {problem}", file=err)
        return 1
    print(
        f"Started the library “{' '.join(title.split())}” in {folder}: edit its themes in "
        f"{folder / 'library.yaml'}, then add source documents.",
        file=err,
    )
    print(folder, file=out)
    return 0


def _cmd_gui(args: argparse.Namespace) -> int:
    try:
        from .gui.app import run
    except ImportError as exc:  # Qt's system libraries are missing on this machine
        print(
            f"briefing-builder: the desktop app cannot start: {exc}\n"
            "On Debian or Ubuntu install: libegl1 libgl1 libxkbcommon0 libfontconfig1 "
            "libglib2.0-0 libdbus-1-3 fonts-dejavu-core",
            file=sys.stderr,
        )
        return 1
    return run(library=args.library, briefing=getattr(args, "briefing", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Without a usable log folder nothing is logged: the terminal gets plain messages only.
    # (The desktop app sets up its own again, falling back to standard error.)
    setup_logging(fallback_level=logging.CRITICAL + 1)
    log.info(
        "briefing-builder %s %s", __version__, " ".join(sys.argv[1:] if argv is None else argv)
    )
    try:
        if args.command == "check":
            return _cmd_check(args, sys.stdout)
        if args.command == "list":
            return _cmd_list(args, sys.stdout, sys.stderr)
        if args.command == "export":
            with _collector_off():
                return _cmd_export(args, sys.stdout, sys.stderr)
        if args.command == "add-source":
            return _cmd_add_source(args, sys.stdout, sys.stderr)
        if args.command == "new-library":
            return _cmd_new_library(args, sys.stdout, sys.stderr)
        if args.command in cli_curation.COMMANDS:
            return cli_curation.run(args, sys.stdout, sys.stderr)
        return _cmd_gui(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except Exception as exc:
        # Never a traceback in the terminal: one plain message; the traceback goes to the log.
        log.error("Unexpected error in briefing-builder %s", args.command or "gui", exc_info=True)
        print(
            f"briefing-builder: something went wrong: {one_sentence(exc)}. {where_logged()}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
