"""Property-based tests of the outline's edits: any sequence of edits, refused or made, leaves a
tree the observer's notifications describe exactly, and undoing every edit (last first) gives
back the first tree; redoing them gives back the last."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from briefing_builder.core.briefing import (
    Briefing,
    Change,
    EvidenceItem,
    Node,
    NoteItem,
    OutlineError,
    OutlineObserver,
    Section,
    copy_with_new_ids,
)


def shape(brief: Briefing) -> list[Any]:
    def one(s: Section) -> list[Any]:
        return [s.node_id, [i.node_id for i in s.items], [one(c) for c in s.sections]]

    return [one(s) for s in brief.sections]


class Shadow(OutlineObserver):
    """The outline as the notifications describe it: children ids by parent id (None: top)."""

    def __init__(self, brief: Briefing) -> None:
        self.items: dict[str | None, list[str]] = {}
        self.sections: dict[str | None, list[str]] = {None: []}
        for s in brief.sections:
            self._add(s, None, len(self.sections[None]))
        self.pending: tuple[Any, ...] | None = None

    def _add(self, node: Node, parent: Section | None, row: int) -> None:
        pid = parent.node_id if parent is not None else None
        if isinstance(node, Section):
            self.sections[pid].insert(row, node.node_id)
            self.items[node.node_id] = []
            self.sections[node.node_id] = []
            for item in node.items:
                self.items[node.node_id].append(item.node_id)
            for k, sub in enumerate(node.sections):
                self._add(sub, node, k)
        else:
            self.items[pid].insert(row, node.node_id)

    def _list(self, node: Node, parent: Section | None) -> list[str]:
        pid = parent.node_id if parent is not None else None
        return (self.sections if isinstance(node, Section) else self.items)[pid]

    def about_to_insert(self, node: Node, parent: Section | None, row: int) -> None:
        self.pending = ("insert", node, parent, row)

    def inserted(self, node: Node, parent: Section | None, row: int) -> None:
        assert self.pending == ("insert", node, parent, row)
        self._add(node, parent, row)
        self.pending = None

    def about_to_remove(self, node: Node, parent: Section | None, row: int) -> None:
        assert self._list(node, parent)[row] == node.node_id
        self.pending = ("remove", node)

    def removed(self, node: Node, parent: Section | None, row: int) -> None:
        assert self.pending == ("remove", node)
        del self._list(node, parent)[row]
        self.pending = None

    def about_to_move(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        assert self._list(node, old)[old_row] == node.node_id
        self.pending = ("move", node)

    def moved(
        self, node: Node, old: Section | None, old_row: int, new: Section | None, new_row: int
    ) -> None:
        assert self.pending == ("move", node)
        del self._list(node, old)[old_row]
        self._list(node, new).insert(new_row, node.node_id)
        self.pending = None

    def shape(self) -> list[Any]:
        def one(sid: str) -> list[Any]:
            return [sid, list(self.items[sid]), [one(c) for c in self.sections[sid]]]

        return [one(s) for s in self.sections[None]]


def nodes_of(brief: Briefing) -> list[Node]:
    out: list[Node] = []
    for s in brief.all_sections():
        out.append(s)
        out.extend(s.items)
    return out


def start() -> Briefing:
    counter = iter(range(10_000))

    def item() -> EvidenceItem | NoteItem:
        n = next(counter)
        return (
            NoteItem(f"n{n}", node_id=f"i{n}")
            if n % 4 == 0
            else EvidenceItem(f"f{n}", node_id=f"i{n}")
        )

    sub = Section("A.1", node_id="A1", items=[item(), item()])
    return Briefing(
        sections=[
            Section("A", node_id="A", items=[item(), item(), item()], sections=[sub]),
            Section("B", node_id="B", items=[item()]),
            Section("C", node_id="C"),
        ]
    )


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "move_items",
                "move_sections",
                "move_into",
                "move_by",
                "indent",
                "outdent",
                "remove",
                "insert",
                "paste",
            ]
        ),
        st.lists(st.integers(0, 30), min_size=1, max_size=3),
        st.integers(0, 30),
        st.integers(-1, 6),
    ),
    max_size=12,
)


def run(brief: Briefing, op: str, picks: list[int], target: int, row: int, ear: Shadow) -> Change:
    nodes = nodes_of(brief)
    chosen: list[Node] = []
    for p in picks:
        if nodes and not any(n is nodes[p % len(nodes)] for n in chosen):
            chosen.append(nodes[p % len(nodes)])
    sections = [n for n in chosen if isinstance(n, Section)]
    items = [n for n in chosen if not isinstance(n, Section)]
    all_sections = list(brief.all_sections())
    if not all_sections or not chosen:
        raise OutlineError("nothing to do")
    dest = all_sections[target % len(all_sections)]
    if op == "move_items":
        return brief.move_items(items, dest, row, ear)
    if op == "move_sections":
        return brief.move_sections(sections, dest if target % 3 else None, row, ear)
    if op == "move_into":
        return brief.move_into(chosen, dest, ear)
    if op == "move_by":
        return brief.move_by(chosen[0], 1 if row % 2 else -1, ear)
    if op == "indent" and sections:
        return brief.indent_section(sections[0], ear)
    if op == "outdent" and sections:
        return brief.outdent_section(sections[0], ear)
    if op == "remove":
        return brief.remove_nodes(chosen, ear)
    if op == "insert":
        return brief.insert_items(dest, row, [NoteItem("new")], ear)
    if op == "paste":
        return brief.insert_sections(dest, row, [copy_with_new_ids(s) for s in sections], ear)
    raise OutlineError("not for these nodes")


@given(ops=OPS)
def test_any_edits_are_heard_exactly_and_undo_to_the_start(
    ops: list[tuple[str, list[int], int, int]],
) -> None:
    brief = start()
    ear = Shadow(brief)
    history: list[tuple[Change, list[Any], list[Any]]] = []
    for op, picks, target, row in ops:
        before = shape(brief)
        try:
            change = run(brief, op, picks, target, row, ear)
        except OutlineError:
            assert shape(brief) == before  # a refused edit changes nothing
            continue
        assert ear.shape() == shape(brief)
        history.append((change, before, shape(brief)))
    for change, before, _after in reversed(history):
        change.undo(brief, ear)
        assert shape(brief) == before == ear.shape()
    for change, _before, after in history:
        change.redo(brief, ear)
        assert shape(brief) == after == ear.shape()
