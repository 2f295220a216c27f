"""The filter index built in parts — by the worker processes that read a large library, per file
here, in slices of any size — is the same index, and answers every filter the same way."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import yaml

from briefing_builder.core import filtering, loader
from briefing_builder.core.cache import open_library
from briefing_builder.core.columns import BLOCK_ROWS, Columns
from briefing_builder.core.filtering import Filter, FilterIndex
from briefing_builder.core.finding_columns import join_columns, run_columns
from briefing_builder.core.index_parts import index_part, join_parts
from briefing_builder.core.library_columns import FindingTable, read_library
from briefing_builder.core.library_columns import write_library as write_library_columns
from briefing_builder.core.loader import load_library, load_library_indexed
from briefing_builder.core.model import Finding, Library, Locator
from briefing_builder.core.search import index_words, join_hyphens, split_hyphens
from tests.conftest import REPO


def _generate(root: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_library", REPO / "benchmarks" / "generate_library.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        module.generate(root, findings=1500, sources=24, themes=12, seed=7)
    finally:
        del sys.modules[spec.name]


@pytest.fixture(scope="module")
def library_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated library, and a last file with the odd cases: a finding whose id is used
    before (left out, so that file's part is redone), a speaker with a NUL, a non-breaking
    hyphen, accents and the same place in two cases."""
    root = tmp_path_factory.mktemp("generated")
    _generate(root)
    first_file = sorted((root / "findings").glob("*.yaml"))[0]
    first = yaml.safe_load(first_file.read_text(encoding="utf-8"))[0]
    odd = dict(first, id="zz-odd", speaker="Ann\0Smith, “Ōtautahi” co\u2011operation—e_g")
    odd["places"] = ["Zürich", "zürich", "Tromsø"]
    (root / "findings" / "zz-odd.yaml").write_text(
        yaml.safe_dump([first, odd], allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return root


def _arrays(index: FilterIndex) -> dict[str, object]:
    return {
        "source_code": index.source_code.tolist(),
        "kind_code": index.kind_code.tolist(),
        "themes": (index.theme_doc.tolist(), index.theme_val.tolist()),
        "places": (index.place_doc.tolist(), index.place_val.tolist()),
        "vocab": list(index._vocab),
        "postings": index._postings.tolist(),
        "offsets": index._offsets.tolist(),
        "doc_words": list(index._doc_words),
        "compounds": index._compounds,
        "source_words": index._source_words,
    }


def _reference(library: Library) -> dict[str, object]:
    """The word index worked out finding by finding, from its definition."""
    postings: dict[str, list[int]] = {}
    doc_words = []
    compounds: dict[str, set[str]] = {}
    for row, f in enumerate(library.findings):
        words, hyphenated = index_words(f"{f.text} {f.speaker}" if f.speaker else f.text)
        doc_words.append(" " + " ".join(words))
        unique = set(words)
        for word in hyphenated:
            unique.add(join_hyphens(word))
            compounds.setdefault(join_hyphens(word), set()).add(split_hyphens(word))
        for word in unique:
            postings.setdefault(word, []).append(row)
    vocab = sorted(postings)
    return {
        "vocab": vocab,
        "postings": [row for word in vocab for row in postings[word]],
        "doc_words": doc_words,
        "compounds": {w: sorted(forms) for w, forms in compounds.items()},
    }


def _filters(library: Library) -> list[Filter]:
    themes = [t.id for t in library.themes]
    sources = [s.id for s in library.sources]
    places = library.places
    words = [w for f in library.findings[:40:3] for w in f.text.split()[2:4]]
    phrases = [" ".join(f.text.split()[3:6]) for f in library.findings[5:400:37]]
    texts = [
        *words,
        *(f'"{p}"' for p in phrases),
        *(w[:4] for w in words),
        "maori",
        "zurich",
        "tromsø",
        "cooperation",
        "co-operation",
        '"co operation"',
        "ann smith",
        "e_g",
        "nothingmatchesthis",
    ]
    out = [Filter(), Filter(theme_mode="all")]
    out += [Filter(themes=frozenset(themes[i : i + 2])) for i in range(0, len(themes), 3)]
    out += [Filter(themes=frozenset(themes[:2]), theme_mode="all")]
    out += [Filter(sources=frozenset({s})) for s in sources[:5]]
    out += [Filter(places=frozenset({p}), kinds=frozenset({"quote"})) for p in places[:6]]
    out += [Filter(text=t) for t in texts]
    out += [
        Filter(
            text=t,
            themes=frozenset({themes[k % len(themes)]}),
            places=frozenset(places[k % len(places) : k % len(places) + 1]),
        )
        for k, t in enumerate(texts)
    ]
    return out


def test_the_index_is_the_same_however_it_is_built(
    library_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read here (a small library): each file indexed as it is read.
    serial, serial_parts = load_library_indexed(library_root)
    assert len(serial_parts) == len(list((library_root / "findings").glob("*.yaml")))
    # Read by worker processes, which index the files they read.
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    parallel, parallel_parts = load_library_indexed(library_root)
    monkeypatch.undo()
    assert parallel.findings == serial.findings and parallel.problems == serial.problems
    dropped = [p for p in serial.problems if "already used" in p.message]
    assert [Path(p.file).name for p in dropped] == ["zz-odd.yaml"]
    odd = serial.finding("zz-odd")
    assert odd is not None and odd.speaker is not None and "\0" in odd.speaker
    # Indexed in this process, in slices of an odd size that cut across the files.
    monkeypatch.setattr(filtering, "PART_SIZE", 97)
    sliced = FilterIndex(load_library(library_root))
    monkeypatch.undo()

    by_parts = FilterIndex(parallel, parts=parallel_parts)
    by_files = FilterIndex(serial, parts=serial_parts)
    expected = _arrays(by_parts)
    assert _arrays(by_files) == expected
    assert _arrays(sliced) == expected
    reference = _reference(serial)
    assert {k: expected[k] for k in reference} == reference
    assert "ann" in expected["vocab"] and "cooperation" in expected["vocab"]  # type: ignore[operator]

    filters = _filters(serial)
    hits = 0
    for flt in filters:
        answer = by_parts.query(flt)
        hits += len(answer)
        for other in (by_files, sliced):
            again = other.query(flt)
            assert again.indices.tolist() == answer.indices.tolist(), flt
            assert again.facets == answer.facets, flt
    assert hits > 0
    # The facet counts of the empty filter, counted finding by finding.
    counts = by_parts.query(Filter()).facets
    assert counts["places"] == {p: serial.place_count(p) for p in serial.places}
    for source in serial.sources[:3]:
        assert counts["sources"][source.id] == len(serial.findings_of(source.id))
    assert sum(counts["kinds"].values()) == len(serial.findings)
    assert counts["places"]["Zürich"] >= 1 and counts["places"]["zürich"] == 1


def _finding(row: int, text: str, speaker: str | None = None) -> Finding:
    return Finding(
        id=f"f-{row}",
        source="s",
        kind="quote",
        text=text,
        locator=Locator("page", "1"),
        themes=("t",),
        speaker=speaker,
    )


ODD_TEXTS = [
    "Plain ASCII text, with co-operation and cross-border work.",
    "…",  # no words at all
    "Māori and São Paulo: “quoted” – dashed — rôle of whānau in Zürich",
    "ﬁnance Straße ＦＵＬＬ width",  # ligature, sharp s, full-width letters
    "हिन्दी शब्द",  # marks that are not word characters split words
    "a--b -x-y- long\u2010term non\u2011breaking day-to-day",
    "snake_case under_score 3.5 1,000",
    "a NUL\0inside",
    "soft\u00adhyphen",
    "",
]


def test_odd_texts_are_indexed_as_one_finding_at_a_time_would_be() -> None:
    findings = [_finding(i, t) for i, t in enumerate(ODD_TEXTS)]
    findings.append(_finding(len(findings), "A speaker too", speaker="Dr Ōtautahi\0x-ray"))
    library = Library(root=Path("."), findings=findings)
    whole = join_parts([index_part(findings, ["t"], ["s"])], {})
    one_by_one = join_parts([index_part([f], ["t"], ["s"]) for f in findings], {})
    reference = _reference(library)
    for joined in (whole, one_by_one):
        assert joined.vocab == reference["vocab"]
        assert joined.postings.tolist() == reference["postings"]
        assert joined.doc_words == reference["doc_words"]
        assert joined.compounds == reference["compounds"]
        assert np.diff(joined.offsets).sum() == joined.postings.size
    assert {"longterm", "x", "snake_case", "strasse", "finance"} <= set(whole.vocab)


def test_parts_that_do_not_cover_the_findings_are_refused() -> None:
    findings = [_finding(i, t) for i, t in enumerate(ODD_TEXTS[:3])]
    library = Library(root=Path("."), findings=findings)
    with pytest.raises(ValueError):
        FilterIndex(library, parts=[index_part(findings[:2], ["t"], ["s"])])


class _FailingPool:
    """Worker processes that read the first two files, then break (as a killed worker does)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.submitted = 0

    def submit(self, fn: Callable[..., object], *args: object) -> Future[object]:
        future: Future[object] = Future()
        if fn is loader._worker_started:  # started before the files are read: no file read
            future.set_result(fn(*args))
            return future
        self.submitted += 1
        if self.submitted <= 2:
            future.set_result(fn(*args))
        else:
            future.set_exception(BrokenProcessPool("a worker died"))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_files_left_when_the_workers_fail_are_indexed_here(
    library_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, serial_parts = load_library_indexed(library_root)
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(loader, "ProcessPoolExecutor", _FailingPool)
    reads: list[loader.FileRead] = []
    read_all = loader._read_all

    def recording(*args: object, **kwargs: object) -> Iterator[loader.FileRead]:
        for read in read_all(*args, **kwargs):  # type: ignore[arg-type]
            reads.append(read)
            yield read

    monkeypatch.setattr(loader, "_read_all", recording)
    library, parts = load_library_indexed(library_root)
    # The first two files from the workers (as parts alone), the rest read here.
    assert [r.findings is None for r in reads[:3]] == [True, True, False]
    assert library.findings == serial.findings
    assert len(parts) == len(serial_parts)
    assert _arrays(FilterIndex(library, parts=parts)) == _arrays(
        FilterIndex(serial, parts=serial_parts)
    )


def _entry(path: Path, library: Library, index: FilterIndex) -> bytes:
    with path.open("wb") as fh:
        write_library_columns(fh, ["key"], library, index)
    return path.read_bytes()


def test_the_cache_entry_is_the_same_however_the_index_is_built(
    library_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Worker processes compress their files' texts and words for the cache entry; the entry
    is the same, byte for byte, as the one compressed in this process from the same files, and
    one built from slices that cut across the files reads back the same."""
    serial, serial_parts = load_library_indexed(library_root)
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    parallel, parallel_parts = load_library_indexed(library_root)
    monkeypatch.undo()
    # Every file's part holds its findings' columns, made by its worker or here (the file
    # with an id used before is read again here), and the findings are the table of them.
    for parts in (serial_parts, parallel_parts):
        assert all(None not in (p.texts, p.words, p.columns) for p in parts)
    assert len(parallel_parts) == len(serial_parts)
    assert isinstance(parallel.findings, FindingTable)
    assert isinstance(serial.findings, FindingTable)
    by_parts = FilterIndex(parallel, parts=parallel_parts)
    by_files = FilterIndex(serial, parts=serial_parts)
    entry = _entry(tmp_path / "parts.columns", parallel, by_parts)
    assert _entry(tmp_path / "files.columns", serial, by_files) == entry

    monkeypatch.setattr(filtering, "PART_SIZE", 97)
    sliced = FilterIndex(load_library(library_root))
    monkeypatch.undo()
    _entry(tmp_path / "sliced.columns", sliced.library, sliced)
    read = []
    for name in ("parts", "sliced"):
        with (tmp_path / f"{name}.columns").open("rb") as fh:
            got = read_library(fh, lambda key: key == ["key"])
        assert got is not None
        read.append(got)
    (lib_a, index_a), (lib_b, index_b) = read
    assert list(lib_a.findings) == list(lib_b.findings) == list(serial.findings)
    assert list(index_a._doc_words) == list(index_b._doc_words) == list(by_parts._doc_words)
    # The blocks follow the files: none holds findings of two files.
    with (tmp_path / "parts.columns").open("rb") as fh:
        rows = Columns(fh).integers("f.text.zrows").tolist()
    file_ends = np.cumsum([p.size for p in parallel_parts]).tolist()
    assert set(file_ends) <= set(rows) and max(np.diff([0, *rows])) <= BLOCK_ROWS
    for flt in _filters(serial)[:40]:
        assert index_a.query(flt).indices.tolist() == index_b.query(flt).indices.tolist(), flt


def test_finding_columns_are_the_same_however_the_findings_are_cut(library_root: Path) -> None:
    """Names are coded in order of first use across the runs, as in one run of them all."""
    findings = load_library(library_root).findings
    whole, names = join_columns([run_columns(findings)])
    cuts = [0, 1, 1, 97, 700, 701, len(findings)]
    arrays, cut_names = join_columns([run_columns(findings[a:b]) for a, b in pairwise(cuts)])
    assert cut_names == names and list(arrays) == list(whole)
    for name, array in whole.items():
        assert arrays[name].dtype == array.dtype and arrays[name].tolist() == array.tolist(), name
    assert len(names["places"]) > 3 and names["kinds"] == list(
        dict.fromkeys(f.kind for f in findings)
    )
    empty, _ = join_columns([])
    assert all(a.size == 0 for a in empty.values())


def _varied(root: Path, to: Path) -> Path:
    """``root`` copied with the library-wide checks given something to say: a source without a
    text (its quotes unchecked, counted), a theme with no findings, a retired finding whose id
    a later file uses again, a file with an id it repeats itself and a retired finding with
    an earlier finding's id."""
    shutil.copytree(root, to)
    sources = to / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("    text: texts/p-nd.txt\n", "", 1), encoding="utf-8")
    library = to / "library.yaml"
    library.write_text(
        library.read_text(encoding="utf-8")
        + "\n  - id: unused-theme\n    label: A theme nothing is filed under\n",
        encoding="utf-8",
    )
    files = sorted((to / "findings").glob("*.yaml"))
    first = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    later = yaml.safe_load(files[3].read_text(encoding="utf-8"))
    retired = {"id": later[2]["id"], "retired": "2025-03-03", "retired-reason": "withdrawn"}
    files[0].write_text(
        yaml.safe_dump([*first, retired], allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    files[5].write_text(
        files[5].read_text(encoding="utf-8")
        + yaml.safe_dump(
            [
                dict(later[0], id="twice"),
                dict(later[1], id="twice"),
                {"id": first[0]["id"], "retired": "2025-03-03"},
            ]
        ),
        encoding="utf-8",
    )
    return to


def test_a_cold_open_a_cached_open_and_load_library_agree(
    library_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The findings of a large library cross from the worker processes as columns only; the
    library they make is the table a cached open gives, and it is the one load_library builds
    finding by finding: the same findings, problems, retired ids and answers."""
    root = _varied(library_root, tmp_path / "lib")
    plain = load_library(root)
    messages = " | ".join(p.message for p in plain.problems)
    for said in ("(retired)", "retired finding keeps its id", "not checked word for word"):
        assert said in messages
    assert "theme 'unused-theme' has no findings" in messages

    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    reads: list[loader.FileRead] = []
    read_all = loader._read_all

    def recording(*args: object, **kwargs: object) -> Iterator[loader.FileRead]:
        for read in read_all(*args, **kwargs):  # type: ignore[arg-type]
            reads.append(read)
            yield read

    monkeypatch.setattr(loader, "_read_all", recording)
    from_workers = load_library(root)  # findings sent as objects: no index asked for
    assert reads and all(r.findings is not None for r in reads)
    reads.clear()
    cold = open_library(root, cache_dir=tmp_path / "cache")
    assert reads and all(r.findings is None and r.part is not None for r in reads)
    monkeypatch.undo()
    cached = open_library(root, cache_dir=tmp_path / "cache")
    assert not cold.from_cache and cached.from_cache
    assert isinstance(cold.library.findings, FindingTable)

    expected = list(plain.findings)
    index = FilterIndex(plain)
    for library in (from_workers, cold.library, cached.library):
        assert list(library.findings) == expected
        assert library.problems == plain.problems
        assert library.retired_ids == plain.retired_ids and plain.retired_ids
        assert library.places == plain.places
        assert library.verified_count == plain.verified_count
        assert [library.position(f.id) for f in expected] == list(range(len(expected)))
    for flt in _filters(plain):
        answer = index.query(flt)
        for other in (cold.index, cached.index):
            again = other.query(flt)
            assert again.indices.tolist() == answer.indices.tolist(), flt
            assert again.facets == answer.facets, flt
