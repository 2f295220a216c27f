"""Safe YAML reading that keeps line numbers, so every problem can name its file and line.

Only the safe subset is ever constructed (no Python objects), with the C loader where PyYAML has it.
Mappings come back as :class:`LineDict` (``line`` and ``key_lines`` attributes) and sequences as
:class:`LineList` (``line`` and ``item_lines``). Aliases construct shared references, never copies,
so an "alias bomb" stays small in memory; callers check types before walking into a value.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .files import UnreadableFile, read_regular_file

try:  # the libyaml parser when available: several times faster on large libraries
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class LineDict(dict):
    """A mapping that remembers the line it started on and the line of each key."""

    __slots__ = ("duplicates", "key_lines", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers the line it started on and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR = yaml.ScalarNode
_nothing_with_two = slice  # called for its (absent) effect only: see _Loader.__init__
_nothing = tuple


class _Loader(_BaseLoader):
    """The safe loader, made to report every failure to construct a value at that value's line."""

    allow_aliases = True

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}
        if not self.yaml_path_resolvers:
            # libyaml's composer calls these around every node (two million times in a large
            # library); with no path resolvers PyYAML's do nothing. A built-in that takes the
            # same arguments and does nothing either (no Python frame) stands in for each.
            self.descend_resolver = _nothing_with_two
            self.ascend_resolver = _nothing

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's tag for a value, each plain scalar's worked out once per document: the same
        keys and values (``id``, ``text``, ``quote``) recur in every finding. Quoted text,
        mappings and lists take PyYAML's default tags without a call (it would give them)."""
        if self.yaml_path_resolvers:
            return str(super().resolve(kind, value, implicit))
        if kind is _SCALAR:
            if not implicit[0]:
                return _STR
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = self._plain_tags[value] = str(super().resolve(kind, value, implicit))
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's values: by the direct walk when the document is plain text in
        mappings and lists (as library files are), else by PyYAML's general construction."""
        try:
            return _Direct(self).value(node)
        except _Unusual:
            self.constructed_objects: dict[yaml.Node, Any] = {}  # made afresh, not reused
            return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if not self.allow_aliases and node in self.constructed_objects:
            # The same node reached twice is an alias (*name) of an anchor (&name).
            raise YamlProblem(
                node.start_mark.line + 1,
                "this file may not use YAML aliases (*name) of the value that starts here; "
                "write the value out in full",
            )
        try:
            return super().construct_object(node, deep=deep)
        except (YamlProblem, RecursionError):
            raise
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark or node.start_mark
            raise YamlProblem(mark.line + 1, _plain_reason(exc)) from None
        except (
            Exception
        ) as exc:  # ValueError, KeyError, AttributeError... from PyYAML's constructors
            raise YamlProblem(node.start_mark.line + 1, _value_reason(node, exc)) from None


class _Unusual(Exception):
    """A value the direct walk leaves to PyYAML's general construction."""


class _Direct:
    """The values of a document made by walking its nodes once: text as it is, mappings and
    lists as :class:`LineDict` and :class:`LineList`, other scalars (numbers, dates, null) by the
    loader. About three times quicker than PyYAML's general construction, which goes through
    several calls and a generator per value. Anything else — a node reached twice (an alias),
    a key that is not text, a tag other than these — raises :class:`_Unusual`, and the whole
    document is constructed the general way (with its shared references and its messages)."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.seen: set[int] = set()
        # Text reached twice is the same string either way; only where aliases are refused
        # must each text's node be looked at for being reached before.
        self.text_once = not loader.allow_aliases

    def value(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            raise _Unusual
        self.seen.add(id(node))
        tag = node.tag
        kind = type(node)
        if kind is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            if tag in (_MAP, _SEQ):
                raise _Unusual
            data = self.loader.construct_object(node)  # a number, a date, null, true or false
            del self.loader.constructed_objects[node]
            return data
        if kind is yaml.MappingNode and tag == _MAP:
            mapping = LineDict()
            mapping.line = node.start_mark.line + 1
            text_once = self.text_once
            for key_node, value_node in node.value:
                if key_node.tag != _STR or type(key_node) is not yaml.ScalarNode:
                    raise _Unusual  # a merge key (<<), a number or a list as a key ...
                if text_once:
                    if id(key_node) in self.seen:
                        raise _Unusual
                    self.seen.add(id(key_node))
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in mapping:
                    mapping.duplicates.append((key, line))
                if not text_once and value_node.tag == _STR and type(value_node) is _SCALAR:
                    mapping[key] = value_node.value  # text, the usual value: no call
                else:
                    mapping[key] = self.value(value_node)
                mapping.key_lines[key] = line
            return mapping
        if kind is yaml.SequenceNode and tag == _SEQ:
            items = LineList()
            items.line = node.start_mark.line + 1
            text_once = self.text_once
            for child in node.value:
                if not text_once and child.tag == _STR and type(child) is _SCALAR:
                    items.append(child.value)  # text (a theme, a place): no call, as in mappings
                else:
                    items.append(self.value(child))
                items.item_lines.append(child.start_mark.line + 1)
            return items
        raise _Unusual


def _tag_name(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _value_reason(node: yaml.Node, exc: Exception) -> str:
    tag = node.tag.rsplit(":", 1)[-1]
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        shown = value if len(value) <= 60 else value[:57] + "..."
        if tag == "timestamp":
            why = f" ({exc})" if isinstance(exc, ValueError) else ""
            return f"'{shown}' is not a real date or time{why}; write dates as YYYY-MM-DD"
        what = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(tag)
        if what:
            return f"'{shown}' cannot be read as {what} ({_tag_name(node.tag)}); remove the tag or fix the value"
        return f"'{shown}' cannot be read as {_tag_name(node.tag)}"
    return f"this value cannot be read as {_tag_name(node.tag)}"


def _refuse_tag(loader: Any, node: yaml.Node) -> Any:
    raise YamlProblem(
        node.start_mark.line + 1,
        f"the YAML tag {_tag_name(node.tag)} is not used in these files; remove it",
    )


def _construct_map(loader: Any, node: yaml.Node) -> Iterator[LineDict]:
    if not isinstance(node, yaml.MappingNode):
        raise YamlProblem(node.start_mark.line + 1, "!!map must tag a mapping (key: value pairs)")
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlProblem(
                key_node.start_mark.line + 1, "merge keys (<<) are not supported in a library"
            )
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable) or isinstance(key, (list, dict)):
            raise YamlProblem(line, "a key must be a plain word, not a list or mapping")
        if key in data:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


def _construct_seq(loader: Any, node: yaml.Node) -> Iterator[LineList]:
    if not isinstance(node, yaml.SequenceNode):
        raise YamlProblem(node.start_mark.line + 1, "!!seq must tag a list")
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=False))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
# Tags no library or briefing file needs, whose values would be sets, byte strings or pair lists.
for _tag in ("set", "omap", "pairs", "binary"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_Loader.add_constructor(None, _refuse_tag)  # any other tag (!foo, !!python/...)


def _plain_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    reason = f"{context}, {problem}" if context else problem
    return f"this is not valid YAML ({reason}); check the indentation and quote text that contains ': ' or '#'"


def _problem_line(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark else None


class WrittenInt(int):
    """A whole number that remembers how the file wrote it (``007``, ``1_000``, ``1:30``)."""

    written: str


class WrittenFloat(float):
    """A number that remembers how the file wrote it (``3.10``, ``1e3``)."""

    written: str


def _construct_written(loader: Any, node: yaml.ScalarNode) -> WrittenInt | WrittenFloat:
    """(Opt-in, for the library loader: a curator's ``value: 3.10`` can be kept as written.)"""
    number: WrittenInt | WrittenFloat
    if node.tag.endswith(":int"):
        number = WrittenInt(loader.construct_yaml_int(node))
    else:
        number = WrittenFloat(loader.construct_yaml_float(node))
    number.written = str(node.value)
    return number


class _WrittenNumbersLoader(_Loader):
    pass


_WrittenNumbersLoader.add_constructor("tag:yaml.org,2002:int", _construct_written)
_WrittenNumbersLoader.add_constructor("tag:yaml.org,2002:float", _construct_written)


def load_yaml_text(
    text: str, *, allow_aliases: bool = True, numbers_as_written: bool = False
) -> Any:
    """Parse YAML text with line-keeping containers. Raises :class:`YamlProblem`.

    With ``allow_aliases=False`` an alias (``*name``) is an error at the line of the value it
    repeats: a file read into copies (a briefing) could otherwise expand to any size.
    """
    loader = (_WrittenNumbersLoader if numbers_as_written else _Loader)(text)
    loader.allow_aliases = allow_aliases
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as NUL
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        char = exc.character
        code = f"U+{ord(char) if isinstance(char, str) else int(char):04X}"
        raise YamlProblem(
            line, f"contains a character YAML does not allow ({code}); remove it"
        ) from None
    except yaml.MarkedYAMLError as exc:
        if "quoted scalar" in (getattr(exc, "context", None) or "") and exc.context_mark:
            raise YamlProblem(
                exc.context_mark.line + 1,
                "the quote that opens on this line is never closed; end the text with the same "
                "quote mark",
            ) from None
        raise YamlProblem(_problem_line(exc), _plain_reason(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, _plain_reason(exc)) from None
    except RecursionError:
        raise YamlProblem(None, "the YAML is nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml_file(
    path: Path, *, allow_aliases: bool = True, numbers_as_written: bool = False
) -> Any:
    """Read and parse a YAML file. Raises :class:`YamlProblem` with a plain reason."""
    try:
        raw = read_regular_file(path)
    except UnreadableFile as exc:
        raise YamlProblem(None, exc.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, "is not UTF-8 text; save it as UTF-8") from None
    return load_yaml_text(text, allow_aliases=allow_aliases, numbers_as_written=numbers_as_written)


def type_name(value: Any) -> str:
    """A curator-friendly name for the type of a YAML value (never its content)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return "a date" if hasattr(value, "isoformat") else type(value).__name__


# --- round trip: editing a curator's file ---------------------------------------------------
#
# Writing back a file someone keeps by hand must keep what they wrote: comments, key order,
# quoting, folded (>-) text and blank lines. ruamel.yaml reads a file into containers that carry
# all of that and writes it out again unchanged; everything else in the project reads YAML with
# the safe loader above. The round trip is used only for the value being edited: callers splice
# the rewritten lines of that one entry into the file's own bytes (see curation/).


class RoundTrip:
    """A YAML document read for editing (``data``), written back by :meth:`dump` in the file's
    own indentation. Raises :class:`YamlProblem` for text it cannot read."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import MarkedYAMLError, YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            _, sequence, offset = load_yaml_guess_indent(text)
            self._yaml = YAML(typ="rt", pure=True)
            self._yaml.preserve_quotes = True
            self._yaml.width = 4096  # never re-wrap a line the curator wrote
            self._yaml.indent(mapping=2, sequence=sequence or 2, offset=offset or 0)
            self.data: Any = self._yaml.load(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(
                mark.line + 1 if mark is not None else None,
                f"cannot be read for editing ({exc.problem or exc})",
            ) from None
        except (YAMLError, ValueError, TypeError) as exc:
            raise YamlProblem(None, f"cannot be read for editing ({exc})") from None

    def dump(self) -> str:
        import io

        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()


def item_lines(seq: Any) -> list[int]:
    """The line (from 0) each item of a round-trip sequence starts on."""
    return [seq.lc.item(i)[0] for i in range(len(seq))]


def flow_list(values: list[str]) -> Any:
    """A list written on one line, ``[a, b]`` (the house style for themes and places)."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def flow_map(values: dict[str, Any]) -> Any:
    """A mapping written on one line, ``{label: page, value: "3"}``."""
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap(values)
    mapping.fa.set_flow_style()
    return mapping


def is_flow(value: Any) -> bool:
    fa = getattr(value, "fa", None)
    return bool(fa is not None and fa.flow_style())


def block_list(values: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(values)
    seq.fa.set_block_style()
    return seq


def double_quoted(text: str) -> Any:
    """Text written in double quotes (``value: "3.1"`` stays text in every YAML reader)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def styled_like(old: Any, text: str) -> Any:
    """``text`` written in the same quoting as the value it replaces (a folded ``>-``, a quoted
    or a plain scalar), so an edit does not change how the curator wrote it."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    for kind in (
        DoubleQuotedScalarString,
        SingleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
    ):
        if isinstance(old, kind):
            if kind is SingleQuotedScalarString and not text.isprintable():
                return DoubleQuotedScalarString(text)
            if kind in (FoldedScalarString, LiteralScalarString) and not text.isprintable():
                return DoubleQuotedScalarString(text)
            return kind(text)
    return text
