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

try:  # the libyaml parser when available: several times faster on large libraries
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers the line it started on and the line of each key."""

    __slots__ = ("duplicates", "key_lines", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
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


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_map(loader: Any, node: yaml.MappingNode) -> Iterator[LineDict]:
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


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=False))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _plain_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    reason = f"{context}, {problem}" if context else problem
    return f"this is not valid YAML ({reason}); check the indentation and quote text that contains ': ' or '#'"


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with line-keeping containers. Raises :class:`YamlProblem`."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(mark.line + 1 if mark else None, _plain_reason(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, _plain_reason(exc)) from None
    except RecursionError:
        raise YamlProblem(None, "the YAML is nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file. Raises :class:`YamlProblem` with a plain reason."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlProblem(None, "file not found") from None
    except IsADirectoryError:
        raise YamlProblem(None, "expected a file but found a folder") from None
    except OSError as exc:
        raise YamlProblem(None, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, "is not UTF-8 text; save it as UTF-8") from None
    return load_yaml_text(text)


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
