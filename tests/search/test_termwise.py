"""Term-at-a-time search over the impact files (search/termwise.py, search/impacts.py): the
same hits, scores and counts as Whoosh's exhaustive search, on a generated library whose
index has several segments and deleted documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.cache import snapshot
from briefing_tui.search import SearchIndex, impacts, store
from briefing_tui.search.query import parse

BRIEFINGS = 120


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks import make_library

    out = tmp_path_factory.mktemp("termwise")
    make_library.main(["--briefings", str(BRIEFINGS), str(out)])
    return out / "briefings"


@pytest.fixture(scope="module")
def index(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The index of the generated library, then updated after one briefing was deleted and
    two edited: several segments, some with deleted documents. Terms of 16 postings or more
    get runs (the others are read through Whoosh), so both kinds are searched."""
    cache = tmp_path_factory.mktemp("termwise-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(impacts, "MIN_POSTINGS", 16)
        # Written by workers, each flushing several segments (as tests/search/test_parallel_index.py).
        mp.setattr(snapshot, "PARALLEL_FROM", 1)
        mp.setattr(store, "PARALLEL_FROM", 1)
        mp.setattr(store, "SHARE", 10)
        mp.setattr(store, "FLUSH_POSTINGS", 40_000)
        library = load_library([generated])
        assert len(library.briefings) == BRIEFINGS and not library.errors
        ix = SearchIndex(library, cache)
        files = sorted(generated.glob("*.yaml"))
        files[3].unlink()
        for f in files[10:12]:
            text = f.read_text("utf-8")
            assert "talks" in text
            f.write_text(text.replace("talks", "deliberations", 2), "utf-8")
        ix.update(load_library([generated]))
    assert ix.status == "updated", ix.error
    yield ix
    ix.close()


def queries(library: Library) -> list[str]:
    from benchmarks import corpus

    typed = corpus.typed_queries(library, 12, words=3)
    keys = {q[:n] for q in typed for n in range(2, len(q) + 1)}
    keys.update(
        [
            "discussions",
            "discussions -border",
            "kind:commitment talks",
            "minister kind:actor",
            "talks -minister -region",
            "agreed month:2025",
            "zebra",
            "talks kind:nothing",
        ]
    )
    return sorted(keys)


def exhaustive(engine: Any, q: Any) -> tuple[list[tuple[int, float]], int]:
    """Every live match scored by Whoosh (no block skipping): (docnum, score) all, and how
    many there are. Exclusions are applied here, document by document: Whoosh's AndNot
    matcher keeps some documents that match an ``Or`` of excluded words (see the test
    below)."""
    from whoosh import collectors
    from whoosh import query as wq

    from briefing_tui.search.collectors import DeadlineCollector

    excluded: set[int] = set()
    if isinstance(q, wq.AndNot):
        excluded = set(engine.searcher.docs_for_query(q.b))
        q = q.a
    top = collectors.TopCollector(limit=10**9, usequality=False)
    col = DeadlineCollector(top, float("inf"), None, engine.deleted)
    engine.searcher.search_with_collector(q, col)
    found = [(int(d), float(s)) for s, d in top.results().top_n if d not in excluded]
    return found, len(found)


def canonical(found: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """The best ``limit``, best first; scores equal to 1e-9 (sums taken in another order)
    are one score, their documents by docnum."""
    ranked = sorted(found, key=lambda h: -h[1])
    groups: list[list[tuple[int, float]]] = []
    for h in ranked:
        if groups and abs(groups[-1][0][1] - h[1]) <= 1e-9 * max(1.0, abs(h[1])):
            groups[-1].append(h)
        else:
            groups.append([h])
    out = [h for g in groups for h in sorted(g)]
    return out[:limit]


@pytest.mark.parametrize("way", ["chosen", "bitmaps", "tables"])
def test_the_same_hits_scores_and_counts_as_an_exhaustive_search(
    index: SearchIndex, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every way: by groups of bitmaps or by tables as the search chooses, every query of
    common terms by bitmaps, or every query by tables (as a query with a rare term is)."""
    from briefing_tui.search import termwise

    engine = index._engine
    monkeypatch.setattr(engine.termwise, "grouped", way != "tables")
    if way == "bitmaps":
        monkeypatch.setattr(termwise, "DOCS_PER_PAIR", 0)
        monkeypatch.setattr(termwise, "FEW_PAIRS", 10**9)
    assert engine.termwise.available
    assert engine.deleted, "the update left deleted documents to skip"
    assert len(engine.termwise.leaves) >= 2
    compared = matched = 0
    for text in queries(index.library):
        plan = engine.plan(parse(text))
        q = plan.query()
        if q is None:
            continue
        fast = engine.termwise.search(q, 20, float("inf"))
        if fast is None:  # a phrase: Whoosh's
            continue
        hits, timed_out, total = fast
        found, count = exhaustive(engine, q)
        assert not timed_out
        assert total == count, text
        want = canonical(found, 20)
        assert [d for d, _ in hits] == [d for d, _ in want], text
        for (_, a), (_, b) in zip(hits, want, strict=True):
            assert a == pytest.approx(b, rel=1e-9), text
        compared += 1
        matched += bool(count)
    assert compared > 100 and matched > 80


def test_common_terms_are_intersected_as_bitmaps_not_tables(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query of words common in a segment (a word and a two-letter prefix) is answered there
    without a ``{docnum: score}`` table, with the same hits, scores and count as by tables.
    (This small library's segments are below the thresholds that choose the bitmaps at
    10,000 briefings; they are lowered.)"""
    from briefing_tui.search import termwise

    monkeypatch.setattr(termwise, "DOCS_PER_PAIR", 0)
    monkeypatch.setattr(termwise, "FEW_PAIRS", 10**9)
    engine = index._engine
    tw = engine.termwise
    q = engine.plan(parse("discussions di")).query()
    common = [leaf for leaf in tw.leaves if tw._dense(leaf, q)]
    assert common  # (a small segment holds them as rare terms: by tables)
    monkeypatch.setattr(tw, "grouped", False)
    by_tables = tw.search(q, 20, float("inf"))
    monkeypatch.setattr(tw, "grouped", True)
    tables: list[Any] = []
    as_table = tw._eval

    def spy(leaf: Any, *args: Any, **kwargs: Any) -> Any:
        tables.append(leaf)
        return as_table(leaf, *args, **kwargs)

    monkeypatch.setattr(tw, "_eval", spy)
    by_groups = tw.search(q, 20, float("inf"))
    assert by_groups == by_tables
    assert not any(leaf in common for leaf in tables)
    assert by_groups is not None and by_groups[2] > 20 and len(by_groups[0]) == 20


def test_a_search_counts_its_matches_as_it_finds_them(index: SearchIndex) -> None:
    engine = index._engine
    result = index.search("discussions", limit=5, count=False)
    _, count = exhaustive(engine, engine.plan(parse("discussions")).query())
    assert count > 5
    assert len(result.hits) == 5
    assert (result.total, result.total_exact) == (count, True)
    assert result.count_label() == f"5 of {count:,}"


def test_an_excluded_word_excludes_every_document_that_has_it(index: SearchIndex) -> None:
    from whoosh import query as wq

    engine = index._engine
    excluded = wq.Or([wq.Term("text", "minist"), wq.Term("text", "region")])
    docs = set(engine.searcher.docs_for_query(excluded))
    talks = set(engine.searcher.docs_for_query(wq.Term("text", "talk")))
    assert talks & docs and talks - docs
    q = engine.plan(parse("talks -minister -region")).query()
    hits, _, total = engine.termwise.search(q, 10_000, float("inf"))
    live = talks - docs - _deleted(engine)
    assert {d for d, _ in hits} == live and total == len(live)
    result = index.search("talks -minister -region", limit=500)
    assert (result.total, result.total_exact) == (len(live), True)


def _deleted(engine: Any) -> set[int]:
    """The deleted documents (Whoosh is told of none: the engine skips them itself)."""
    return {leaf.offset + d for leaf in engine.termwise.leaves for d in leaf.skip}


def test_phrases_are_left_to_whoosh(index: SearchIndex) -> None:
    engine = index._engine
    q = engine.plan(parse('"joint working group"')).query()
    assert engine.termwise.search(q, 20, float("inf")) is None
    assert index.search('"joint working group"').hits


def test_runs_group_a_terms_postings_by_weight_and_length(tmp_path: Path) -> None:
    w = impacts.ImpactWriter()
    n = impacts.MIN_POSTINGS
    ids = list(range(0, 3 * n, 3))
    weights = [1001.0 if i % 5 == 0 else float(1 + i % 2) for i in range(n)]
    lengths = [10 if i % 3 else 200 for i in range(n)]
    w.add("text", "word", ids, weights, lengths)
    w.add("text", "rare", ids[:3], weights[:3], lengths[:3])
    w.add("pre", "wo", ids, [3.0] * n, None)
    path = tmp_path / "x.imp"
    w.write(path.open("wb"))
    seg = impacts.SegmentImpacts(path.open("rb"))
    assert seg.runs("text", "rare") is None  # too few postings: read from Whoosh
    runs = seg.runs("text", "word")
    assert runs is not None and seg.size("text", "word") == n
    back = sorted((d, w, c) for w, c, run in runs for d in run)
    from whoosh.util.numeric import length_to_byte

    assert back == [
        (d, wt, length_to_byte(ln)) for d, wt, ln in zip(ids, weights, lengths, strict=True)
    ]
    assert len({(w, c) for w, c, _ in runs}) == len(runs)  # one run per (weight, code)
    for _w, _c, run in runs:
        assert list(run) == sorted(run)
    assert [(w, list(r)) for w, _c, r in seg.runs("pre", "wo") or []] == [(3.0, ids)]
    seg.close()


def test_a_dense_run_is_stored_as_a_bitmap_too(tmp_path: Path) -> None:
    """A run of many documents is also stored as a bitmap (when that is smaller than its
    docnums); the same documents read either way."""
    n = 4 * impacts.MIN_POSTINGS
    dense = list(range(1, 2 * n, 2))  # every other document: 1 bit each instead of 32
    sparse = list(range(0, 64 * n, 64))  # 1 document in 64: its docnums are smaller
    w = impacts.ImpactWriter()
    w.add("pre", "de", dense, [1.0] * n, None)
    w.add("pre", "sp", sparse, [1.0] * (n // 2) + [3.0] * (n // 2), None)
    path = tmp_path / "x.imp"
    w.write(path.open("wb"))
    seg = impacts.SegmentImpacts(path.open("rb"))
    assert [len(bits) for *_, bits in seg.stored("pre", "de") or []] == [n // 4]
    assert [len(bits) for *_, bits in seg.stored("pre", "sp") or []] == [0, 0]
    assert [(w, list(r)) for w, _c, r in seg.runs("pre", "de") or []] == [(1.0, dense)]
    assert [(w, list(r)) for w, _c, r in seg.runs("pre", "sp") or []] == [
        (1.0, sparse[: n // 2]),
        (3.0, sparse[n // 2 :]),
    ]
    for term in ("de", "sp"):
        runs, bitmaps = seg.runs("pre", term) or [], seg.bitmaps("pre", term) or []
        assert [(w, c, sum(1 << d for d in r)) for w, c, r in runs] == bitmaps
    seg.close()
    for ids in ([], [0], [7], [8], [5, 9, 1000], list(range(300)), list(range(0, 900, 3))):
        assert impacts.to_bits(ids) == sum(1 << d for d in ids)


@pytest.mark.parametrize("damage", [b"", b"short", b"x" * 64])
def test_a_damaged_impact_file_is_refused(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "bad.imp"
    path.write_bytes(damage)
    with pytest.raises(ValueError), path.open("rb") as f:
        impacts.SegmentImpacts(f)


def test_a_directory_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    """The directory of impact files written before version 3 (a list of rows) is refused."""
    path = tmp_path / "old.imp"
    rows = json.dumps([["text", "word", 0, 1, 300]]).encode()
    path.write_bytes(rows + impacts._TRAILER.pack(0, impacts.MAGIC))
    with pytest.raises(ValueError), path.open("rb") as f:
        impacts.SegmentImpacts(f)


@pytest.mark.parametrize("entry", [[0, 1], "0,1,2", [0, -1, 300], [0, 1, "300"], [0, 1, 2.5]])
def test_a_damaged_directory_entry_is_refused_when_looked_up(tmp_path: Path, entry: object) -> None:
    path = tmp_path / "bad.imp"
    table = json.dumps({"text\0word": entry}).encode()
    path.write_bytes(table + impacts._TRAILER.pack(0, impacts.MAGIC))
    seg = impacts.SegmentImpacts(path.open("rb"))
    assert seg.size("text", "other") is None  # the rest of the directory is still read
    with pytest.raises(ValueError, match="damaged"):
        seg.size("text", "word")
    with pytest.raises(ValueError, match="damaged"):
        seg.stored("text", "word")
    seg.close()
