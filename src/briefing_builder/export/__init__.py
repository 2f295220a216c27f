"""Exporting a briefing as a referenced Word document, PDF or web page. Qt-free.

The whole API, for the export dialog and the command line::

    from briefing_builder.export import ExportOptions, export_briefing

    for progress in export_briefing(briefing, library, "out.pdf", ExportOptions(style="harvard")):
        bar.setValue(round(progress.fraction * 100))   # or ignore it

``export_briefing`` is a generator: it checks everything first (unknown findings, style, target
file), builds the document model once (:func:`build_document`), then lets the chosen writer render
it into a temporary file beside the target, which replaces the target only when complete. Any
failure raises :class:`ExportError` (with ``problems`` naming file and line where there are any)
and leaves no file behind; so does closing the generator early (a Cancel button).

:func:`capabilities` tells a dialog what each format can do; :func:`styles` lists the citation
styles, whose ids are what a briefing file's ``style:`` key holds.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..core.atomic import ReplaceError, atomic_output
from ..core.briefing import Briefing
from ..core.model import Library, Problem
from .base import Progress, WriterCapabilities
from .citations import DEFAULT_STYLE, STYLES, StyleInfo, UnknownStyle, styles
from .document import Document, ExportError, build_document, resolve_style
from .template import Template

__all__ = [
    "DEFAULT_STYLE",
    "FORMATS",
    "TEMPLATE_FORMATS",
    "Document",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "Progress",
    "StyleInfo",
    "WriterCapabilities",
    "build_document",
    "capabilities",
    "export_briefing",
    "export_to_file",
    "format_for",
    "styles",
]

FORMATS = ("docx", "pdf", "html")
# The formats that take the organisation's template (the web page keeps its own look).
TEMPLATE_FORMATS = ("docx", "pdf")
Writer = Callable[..., Iterator[Progress]]  # (document, out[, template=...])


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: str | None = None  # "docx", "pdf" or "html"; None: from the output file's suffix
    style: str | None = None  # a style id; None: the briefing's own style, else default_style
    default_style: str = DEFAULT_STYLE  # the app's setting, for briefings that name no style
    include_contents: bool = True
    include_evidence_table: bool = False  # the evidence annex, on landscape pages
    annex_ids: bool = False  # the annex shows each finding's id too
    numbered_paragraphs: bool | None = None  # None: as the briefing's ``numbering:`` says
    # Refuse to export a briefing without a protective marking (the app's setting, the command
    # line's --require-marking).
    require_marking: bool = False
    # The organisation's Word template (.docx/.dotx): ``template`` is the one asked for (the
    # command line's --template), which wins over the briefing's ``template:``, which wins over
    # ``default_template`` (the app's setting). None: the writers' own look.
    template: Path | str | None = None
    default_template: Path | str | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    format: str
    document: Document

    def summary(self) -> str:
        quotes = self.document.quotes()
        sources = {q.source_id for q in quotes}
        style = self.document.meta.style.label
        return (
            f"{len(quotes)} finding{'s' if len(quotes) != 1 else ''} from "
            f"{len(sources)} source{'s' if len(sources) != 1 else ''}, {style}"
        )


def capabilities() -> dict[str, WriterCapabilities]:
    """What each format can do, by format id (imports the writers' libraries on first use)."""
    from . import docx_writer, html_writer, pdf_writer

    return {
        "docx": docx_writer.CAPABILITIES,
        "pdf": pdf_writer.CAPABILITIES,
        "html": html_writer.CAPABILITIES,
    }


def _writer(fmt: str) -> Writer:
    if fmt == "docx":
        from .docx_writer import write_docx

        return write_docx
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf
    if fmt == "html":
        from .html_writer import write_html

        return write_html
    raise ExportError(f"unknown export format '{fmt}' (known: {', '.join(FORMATS)})")


def format_for(path: Path | str) -> str:
    """The format for an output file name: ``.docx``, ``.pdf`` or ``.html`` (``.htm``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot tell the format of '{Path(path).name}': name it .docx (Word), .pdf or "
            ".html (web page)"
        )
    return suffix


def _lock_file(path: Path) -> tuple[Path, str] | None:
    """A lock file that Word or LibreOffice keeps beside a document it has open."""
    candidates = [
        (path.with_name(f".~lock.{path.name}#"), "LibreOffice"),
        (path.with_name("~$" + path.name), "Word"),
        (path.with_name("~$" + path.name[2:]), "Word"),
    ]
    for lock, app in candidates:
        if lock != path and lock.exists():
            return lock, app
    return None


def check_target(path: Path) -> None:
    """Refuse, before any work, a target that cannot or should not be written."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name ending .docx, .pdf or .html")
    if not path.parent.is_dir():
        raise ExportError(f"the folder {path.parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"{path} is read-only; choose another name or make it writable")
    lock = _lock_file(path)
    if lock is not None:
        raise ExportError(
            f"{path.name} is open in {lock[1]} (lock file {lock[0].name}); close it there and "
            "export again, or delete the lock file if nobody has it open"
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """The core's atomic writer, with its failures phrased as :class:`ExportError`.

    The file is written to a temporary name beside ``path`` (through a symbolic link, to the file
    it names) and replaces it, keeping its permissions, only when written completely.
    """
    started = False
    try:
        with atomic_output(path) as fh:
            started = True
            yield fh
    except ReplaceError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
            raise ExportError(
                f"{path} could not be replaced: it is locked or open in another program"
            ) from None
        raise ExportError(f"could not write {path}: {exc.strerror or exc}") from None
    except OSError as exc:
        if not started:
            raise ExportError(f"cannot write in {path.parent}: {exc.strerror or exc}") from None
        raise ExportError(f"could not write {path}: {exc.strerror or exc}") from None


def _template(
    briefing: Briefing, options: ExportOptions, briefing_file: Path | str | None
) -> Template | None:
    """The template this export uses, read and checked before any work (see ExportOptions)."""
    from ..core.briefing_io import template_path
    from .template import load_template

    if options.template:
        return load_template(options.template)
    file = Path(briefing_file) if briefing_file else None
    own = template_path(briefing, file)
    if own is not None:
        try:
            return load_template(own)
        except ExportError as exc:
            line = briefing.key_lines.get("template")
            where = str(briefing_file or "the briefing")
            raise ExportError(
                f"the briefing's template cannot be used; fix 'template:' in {where}",
                [Problem(where, line, exc.message), *exc.problems],
            ) from None
    if options.default_template:
        return load_template(options.default_template)
    return None


def export_briefing(
    briefing: Briefing,
    library: Library | None,
    out_path: Path | str,
    options: ExportOptions | None = None,
    *,
    briefing_file: Path | str | None = None,
) -> Generator[Progress, None, Document]:
    """Export ``briefing`` to ``out_path``, yielding progress; raises :class:`ExportError`.

    ``library`` may be None (the briefing's snapshots are then used); ``briefing_file`` names the
    briefing in error messages about its lines. The generator's return value is the document
    model that was written.
    """
    options = options or ExportOptions()
    path = Path(out_path)
    fmt = options.format or format_for(path)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}' (known: {', '.join(FORMATS)})")
    if options.style is not None and options.style not in STYLES:
        raise ExportError(str(UnknownStyle(options.style)))
    try:
        style = resolve_style(briefing, options.style, options.default_style)
    except UnknownStyle as exc:
        where = str(briefing_file or "the briefing")
        line = briefing.key_lines.get("style")
        raise ExportError(
            f"the briefing's citation style cannot be used; choose one with --style or fix "
            f"'style:' in {where}",
            [Problem(where, line, str(exc))],
        ) from None
    if options.require_marking and not briefing.printed_marking():
        raise ExportError(missing_marking_message(briefing_file))
    check_target(path)
    template = _template(briefing, options, briefing_file) if fmt in TEMPLATE_FORMATS else None
    writer = _writer(fmt)
    yield Progress(0, 100, "Building the document")
    document = build_document(
        briefing,
        library,
        style=style,
        include_contents=options.include_contents,
        include_evidence_table=options.include_evidence_table,
        briefing_file=str(briefing_file or ""),
        numbered_paragraphs=options.numbered_paragraphs,
        annex_ids=options.annex_ids,
    )
    if template is not None and fmt == "pdf":
        document.warnings.extend(template.look.notes)
    with _atomic_output(path) as fh:
        extra = {"template": template} if fmt in TEMPLATE_FORMATS else {}
        for p in writer(document, fh, **extra):
            yield Progress(5 + round(90 * p.fraction), 100, p.message)
    yield Progress(100, 100, f"Saved {path.name}")
    return document


def missing_marking_message(briefing_file: Path | str | None = None) -> str:
    """Why an export was refused when a marking is required and the briefing has none."""
    where = f"add 'marking:' to {briefing_file}" if briefing_file else "add 'marking:' to the file"
    return (
        "this briefing has no protective marking, and a marking is required before export. "
        "Set one (such as OFFICIAL) in Briefing details → Marking, or " + where + "; nothing "
        "was written"
    )


def export_to_file(
    briefing: Briefing,
    library: Library | None,
    out_path: Path | str,
    options: ExportOptions | None = None,
    *,
    briefing_file: Path | str | None = None,
) -> ExportResult:
    """Run :func:`export_briefing` to the end; for scripts and the command line."""
    options = options or ExportOptions()
    path = Path(out_path)
    fmt = options.format or format_for(path)
    progress = export_briefing(briefing, library, path, options, briefing_file=briefing_file)
    while True:
        try:
            next(progress)
        except StopIteration as done:
            return ExportResult(path, fmt, done.value)
