"""The curation commands of ``briefing-builder``: add, edit and retire findings, and correct a
source's reference, from scripts.

Each prints one plain message and exits 1 when anything is wrong, and then nothing is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from .core.model import KINDS, LOCATOR_LABELS

COMMANDS = ("add-finding", "edit-finding", "retire-finding", "restore-finding", "edit-source")


def add_parsers(
    sub: Any, library_arg: Callable[[argparse.ArgumentParser], None]
) -> None:  # sub: argparse's subparsers action (a private type)
    add = sub.add_parser(
        "add-finding",
        help="add a finding: a passage of a source, found word for word and located",
        description="Find the passage in the source's text (white space folded; ' … ' for "
        "left-out words), derive its locator, append it to findings/SOURCE.yaml with the next "
        "free id, and print the id and locator.",
    )
    library_arg(add)
    add.add_argument("--source", metavar="ID", required=True, help="the source's id")
    add.add_argument("--text", metavar="TEXT", required=True, help="the passage, word for word")
    add.add_argument("--kind", choices=KINDS, default="quote", help="kind (default: quote)")
    _finding_options(add)
    add.add_argument(
        "--occurrence",
        metavar="N",
        type=int,
        help="which occurrence of the text (from 1) when it stands in the source more than once",
    )
    add.add_argument("--id", metavar="ID", help="the finding's id (default: the next free one)")
    add.add_argument(
        "--locator",
        metavar="LABEL:VALUE",
        help="give the locator instead of deriving it, e.g. 'page:12' or 'section:3.1'",
    )

    edit = sub.add_parser(
        "edit-finding",
        help="change a finding's themes, kind, places, speaker, note or locator",
        description="Change the given keys of a finding in its file; every other line of the "
        "file stays as it was. An empty value (--speaker '') removes the key.",
    )
    edit.add_argument("finding", metavar="ID", help="the finding's id")
    library_arg(edit)
    edit.add_argument("--kind", choices=KINDS)
    _finding_options(edit)
    edit.add_argument("--no-places", action="store_true", help="remove the finding's places")
    edit.add_argument(
        "--locator",
        metavar="LABEL:VALUE",
        help="the locator, e.g. 'page:12' or 'section:3.1' (with --title for its heading)",
    )
    edit.add_argument("--title", metavar="TEXT", help="the heading of the locator's section")

    retire = sub.add_parser(
        "retire-finding",
        help="retire a finding: it leaves the library, and its id is never used again",
    )
    retire.add_argument("finding", metavar="ID", help="the finding's id")
    library_arg(retire)
    retire.add_argument("--reason", metavar="TEXT", help="why it was retired")

    restore = sub.add_parser("restore-finding", help="bring a retired finding back")
    restore.add_argument("finding", metavar="ID", help="the finding's id")
    library_arg(restore)

    source = sub.add_parser(
        "edit-source",
        help="change a source's reference: title, authors, date, publisher, web address...",
        description="Change the given fields of a source's reference in sources.yaml; every "
        "other line of the file stays as it was. An empty value (--publisher '') removes the "
        "field. The id cannot be changed: findings and briefings cite the source by it.",
    )
    source.add_argument("source", metavar="ID", help="the source's id")
    library_arg(source)
    source.add_argument("--type", metavar="TYPE", help="CSL type: report, book, speech...")
    source.add_argument("--title", metavar="TEXT", help="its title")
    source.add_argument(
        "--author",
        action="append",
        default=[],
        metavar="NAME",
        help="an author as 'Family, Given' (repeatable; replaces the authors)",
    )
    source.add_argument(
        "--organisation",
        action="append",
        default=[],
        metavar="NAME",
        help="an organisation as author (repeatable; replaces the authors)",
    )
    source.add_argument("--no-authors", action="store_true", help="remove the authors")
    source.add_argument("--year", metavar="DATE", help="when issued: YYYY, YYYY-MM or YYYY-MM-DD")
    source.add_argument("--publisher", metavar="NAME")
    source.add_argument("--series", metavar="TEXT", help="the series it is part of")
    source.add_argument("--url", metavar="URL", help="where it is published online")
    source.add_argument("--accessed", metavar="DATE", help="when the URL was viewed: YYYY-MM-DD")
    source.add_argument("--event", metavar="TEXT", help="the event it was given at (a speech)")
    source.add_argument("--short", metavar="TEXT", help="a short label for lists and filters")
    source.add_argument(
        "--design", metavar="TEXT", help="the study design, in words (its evidence strength)"
    )
    source.add_argument(
        "--maryland",
        metavar="LEVEL",
        help="its Maryland Scientific Methods Scale level, 1 to 5 ('' for not rated)",
    )
    source.add_argument(
        "--id", metavar="NEW", help="refused: findings and briefings cite a source by its id"
    )


def _finding_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--theme", action="append", default=[], metavar="ID", help="theme id (repeatable)"
    )
    parser.add_argument(
        "--place", action="append", default=[], metavar="P", help="place (repeatable)"
    )
    parser.add_argument("--speaker", metavar="TEXT", help="who is speaking")
    parser.add_argument("--note", metavar="TEXT", help="a curator's note (never exported)")


def _fail(command: str, err: TextIO, message: str, details: Sequence[object] = ()) -> int:
    print(f"briefing-builder: {command}: {message}", file=err)
    for line in details:
        print(f"  {line}", file=err)
    return 1


def _library(args: argparse.Namespace, command: str, err: TextIO, *, to: str = "") -> Path | None:
    """The library folder the command names with --library, or None once why not is printed
    (``to``: what the command does to it, for the message)."""
    library: Path | None = getattr(args, "library", None)
    if library is None:
        _fail(command, err, f"say which library{to} with --library DIR")
    elif not library.is_dir():
        _fail(command, err, f"the library folder {library} does not exist")
    else:
        return library
    return None


def _locator(text: str) -> dict[str, str] | None:
    label, sep, value = text.partition(":")
    if not sep or label.strip() not in LOCATOR_LABELS or not value.strip():
        return None
    return {"label": label.strip(), "value": value.strip()}


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run one of :data:`COMMANDS`."""
    if args.command == "add-finding":
        return _add_finding(args, out, err)
    if args.command == "edit-source":
        return _edit_source(args, out, err)
    return _change_finding(args, out, err)


def _change_finding(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .curation.findings import CurationError, edit_finding, restore_finding, retire_finding

    command = args.command
    library = _library(args, command, err)
    if library is None:
        return 1
    try:
        if command == "retire-finding":
            written = retire_finding(library, args.finding, args.reason)
            done = f"Retired finding '{args.finding}' in {written.path}."
        elif command == "restore-finding":
            written = restore_finding(library, args.finding)
            done = f"Restored finding '{args.finding}' in {written.path}."
        else:
            changes: dict[str, Any] = {}
            if args.theme:
                changes["themes"] = args.theme
            if args.place or args.no_places:
                changes["places"] = args.place or None
            for key in ("kind", "speaker", "note"):
                value = getattr(args, key)
                if value is not None:
                    changes[key] = value or None
            if args.locator:
                locator = _locator(args.locator)
                if locator is None:
                    return _fail(
                        command,
                        err,
                        f"--locator {args.locator!r} should be LABEL:VALUE with a label from "
                        f"{', '.join(LOCATOR_LABELS)}, e.g. page:12",
                    )
                if args.title:
                    locator["title"] = args.title
                changes["locator"] = locator
            elif args.title:
                return _fail(command, err, "--title goes with --locator")
            if not changes:
                return _fail(command, err, "say what to change (see --help)")
            written = edit_finding(library, args.finding, changes)
            done = f"Changed finding '{args.finding}' in {written.path}."
    except CurationError as exc:
        return _fail(command, err, exc.message, exc.problems)
    for problem in written.warnings:
        print(f"briefing-builder: warning: {problem}", file=err)
    print(done, file=err)
    print(args.finding, file=out)
    return 0


def _add_finding(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .curation.findings import AmbiguousPassage, CurationError, add_finding

    library = _library(args, "add-finding", err, to=" to add to")
    if library is None:
        return 1
    finding: dict[str, Any] = {
        "source": args.source,
        "text": args.text,
        "kind": args.kind,
        "themes": args.theme,
        "places": args.place,
        "speaker": args.speaker,
        "note": args.note,
        "id": args.id,
        "occurrence": args.occurrence,
    }
    if args.locator:
        locator = _locator(args.locator)
        if locator is None:
            return _fail(
                "add-finding",
                err,
                f"--locator {args.locator!r} should be LABEL:VALUE with a label from "
                f"{', '.join(LOCATOR_LABELS)}, e.g. page:12",
            )
        finding["locator"] = locator
    try:
        written = add_finding(library, finding)
    except AmbiguousPassage as exc:
        where = [f"occurrence {n}: {loc.where()}" for n, loc in enumerate(exc.occurrences, 1)]
        if len(where) > 12:
            where = [*where[:10], f"… and {len(where) - 10} more"]
        return _fail(
            "add-finding",
            err,
            f"{exc.text_path}: these words appear {len(exc.occurrences)} times in the source; choose one "
            "with --occurrence N, or give more words (nothing was written):",
            where,
        )
    except CurationError as exc:
        return _fail("add-finding", err, exc.message, exc.problems)
    for problem in written.warnings:
        print(f"briefing-builder: warning: {problem}", file=err)
    from .curation.writes import current_library

    # The check after the write left the library in the cache: reading it back is quick.
    found = current_library(library).finding(written.finding_id or "")
    shown = str(found.locator) if found is not None else ""
    print(f"Added finding '{written.finding_id}' to {written.path}.", file=err)
    print(f"{written.finding_id}\t{shown}", file=out)
    return 0


# CSL field of a source -> the edit-source option giving it.
_SOURCE_TEXT_OPTIONS = {
    "type": "type",
    "title": "title",
    "publisher": "publisher",
    "collection-title": "series",
    "URL": "url",
    "event-title": "event",
    "short": "short",
}


def _edit_source(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .curation.reference import parse_date, parse_name
    from .curation.source_edit import (
        ID_FIXED,
        STRENGTH,
        CurationError,
        edit_source,
        source_entry,
    )

    command = args.command
    library = _library(args, command, err)
    if library is None:
        return 1
    if args.id is not None:
        return _fail(command, err, f"{ID_FIXED} (nothing was written)")
    changes: dict[str, Any] = {}
    for key, option in _SOURCE_TEXT_OPTIONS.items():
        value = getattr(args, option)
        if value is not None:
            changes[key] = value.strip() or None
    names = [parse_name(a) for a in args.author if a.strip()] + [
        parse_name(o, organisation=True) for o in args.organisation if o.strip()
    ]
    if names and args.no_authors:
        return _fail(command, err, "--no-authors goes without --author and --organisation")
    if names or args.no_authors:
        changes["author"] = names or None
    for key, value, option in (
        ("issued", args.year, "--year"),
        ("accessed", args.accessed, "--accessed"),
    ):
        if value is None:
            continue
        date = parse_date(value) if value.strip() else None
        if value.strip() and date is None:
            return _fail(
                command, err, f"{option} {value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
            )
        changes[key] = date
    try:
        if args.design is not None or args.maryland is not None:
            strength = _strength(args, source_entry(library, args.source).get(STRENGTH))
            if isinstance(strength, str):
                return _fail(command, err, strength)
            changes[STRENGTH] = strength
        if not changes:
            return _fail(command, err, "say what to change (see --help)")
        written = edit_source(library, args.source, changes)
    except CurationError as exc:
        return _fail(command, err, exc.message, exc.problems)
    for problem in written.warnings:
        print(f"briefing-builder: warning: {problem}", file=err)
    if not written.before:  # every value given was the source's already
        print(f"Source '{args.source}' already had that reference; nothing was changed.", file=err)
    else:
        print(f"Changed source '{args.source}' in {written.path}.", file=err)
    print(args.source, file=out)
    return 0


def _strength(args: argparse.Namespace, current: Any) -> dict[str, Any] | str | None:
    """The source's evidence strength with --design and --maryland applied (its EMMIE notes
    kept); None when nothing is left; a message when --maryland is not a level."""
    from .core.strength import MARYLAND_MAX

    out: dict[str, Any] = dict(current) if isinstance(current, dict) else {}
    if args.design is not None:
        out["design"] = args.design.strip() or None
    if args.maryland is not None:
        text = args.maryland.strip().lower()
        if text in ("", "none"):
            out["maryland"] = None
        elif text.isdigit() and 1 <= int(text) <= MARYLAND_MAX:
            out["maryland"] = int(text)
        else:
            return (
                f"--maryland {args.maryland!r} is not a Maryland Scientific Methods Scale level: "
                f"give a whole number from 1 to {MARYLAND_MAX}, or '' for not rated"
            )
    kept = {k: v for k, v in out.items() if v is not None}
    return kept or None
