"""The index's life: built once, reused, refreshed for changed briefings only, rebuilt when
damaged or of another version, kept in memory when the cache cannot be written, shared by
processes at once; and the fast segment writer writes what Whoosh's own writer writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.paths import cache_dir
from briefing_tui.search import SearchIndex
from briefing_tui.search import store as search_store
from briefing_tui.search.schema import INDEX_VERSION

QUERIES = [
    "narcotics",
    "naqvi baker ",
    '"intelligence sharing"',
    "kind:commitment",
    "actor:naqvi",
    "month:2025-10",
    "topic:narcotics",
    "traff",
    "pakistan zebra",
    "narcotcs ",
]

ZEBRA = """\
format: 1
id: extra
title: A small briefing
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: Pakistan and the US agree to intensify cooperation
  when: {precision: month, month: 2025-11}
actors:
  - id: pakistan
    name: Pakistan Zebra
    kind: country
    evidence: ["Pakistan and the United States agreed"]
"""


Answers = dict[str, list[tuple[object, ...]]]


def answers(ix: SearchIndex, scores: bool = True) -> Answers:
    """Every query's complete answer: ([score,] briefing, kind, id), in a stable order.

    An index refreshed in place still counts its deleted documents in its statistics
    (Whoosh merges them away later), so its scores differ a little from a fresh one's:
    compare those without scores.
    """
    out: Answers = {}
    for q in QUERIES:
        r = ix.search(q, limit=1000)
        rows = [
            ((round(h.score, 3),) if scores else ()) + (h.briefing, h.kind, h.id) for h in r.hits
        ]
        out[q] = sorted(rows)
    return out


def fresh_answers(library: Library, scores: bool = True) -> Answers:
    ix = SearchIndex(library, memory=True)
    try:
        return answers(ix, scores)
    finally:
        ix.close()


def generations(ix: SearchIndex) -> list[Path]:
    assert ix.location is not None
    return sorted(p for p in ix.location.parent.iterdir() if p.name.startswith("g-"))


@pytest.fixture
def two_briefings(library_dir: Path, write_briefing: Callable[..., Path]) -> Path:
    write_briefing()
    return library_dir


# -- built, cached, refreshed ----------------------------------------------------------------


def test_built_once_then_reused(two_briefings: Path) -> None:
    library = load_library([two_briefings])
    first = SearchIndex.open(library)
    assert first.status == "built"
    assert sorted(first.reindexed) == ["extra", "pk-us-security-talks-2025-11"]
    assert first.location is not None
    assert first.location.is_relative_to(cache_dir() / "index" / f"v{INDEX_VERSION}")
    before = answers(first)
    first.close()

    again = SearchIndex.open(load_library([two_briefings]))
    assert again.status == "cached"
    assert again.reindexed == ()
    assert answers(again) == before == fresh_answers(library)
    again.close()


def test_a_new_index_is_read_back_only_to_check_it(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a generation counts its documents from its table of contents: the only
    reader opened is the check of the generation published, without memory-mapped files.
    A reader over the fresh segments, memory-mapped, read them all into memory (~1.3 GB for
    an index of 100,000 briefings)."""
    from whoosh.index import FileIndex

    opened: list[bool] = []  # for each reader opened: whether its files were memory-mapped
    reader = FileIndex.reader

    def recording(self: FileIndex, *args: object, **kwargs: object) -> object:
        opened.append(bool(self.storage.supports_mmap))
        return reader(self, *args, **kwargs)

    monkeypatch.setattr(FileIndex, "reader", recording)
    for edit in (False, True):  # a new index, then one brought up to date
        if edit:
            (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
        ix = SearchIndex.open(load_library([two_briefings]))
        assert ix.status == ("updated" if edit else "built")
        assert bool(ix.search("zebra ").hits) == edit
        ix.close()
    assert opened and not any(opened)


def test_editing_one_briefing_reindexes_only_it(two_briefings: Path) -> None:
    ix = SearchIndex.open(load_library([two_briefings]))
    assert ix.search("zebra ").hits == ()
    (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
    edited = load_library([two_briefings])

    assert ix.update(edited) == ("extra",)
    assert ix.status == "updated"
    hits = ix.search("zebra ").hits
    assert [(h.briefing, h.id) for h in hits] == [("extra", "pakistan")]
    assert answers(ix, scores=False) == fresh_answers(edited, scores=False)
    ix.close()

    # Another process (or a later run) finds it up to date.
    later = SearchIndex.open(load_library([two_briefings]))
    assert later.status == "cached"
    assert [h.id for h in later.search("zebra ").hits] == ["pakistan"]
    later.close()


def test_removed_and_added_briefings(
    two_briefings: Path, write_briefing: Callable[..., Path]
) -> None:
    ix = SearchIndex.open(load_library([two_briefings]))
    assert "extra" in {h.briefing for h in ix.search("pakistan", limit=1000).hits}
    (two_briefings / "extra.yaml").unlink()
    write_briefing(ZEBRA.replace("id: extra", "id: third"), name="third.yaml")
    changed = load_library([two_briefings])
    assert ix.update(changed) == ("third",)
    briefings = {h.briefing for h in ix.search("pakistan", limit=1000).hits}
    assert "extra" not in briefings and "third" in briefings
    assert answers(ix, scores=False) == fresh_answers(changed, scores=False)
    ix.close()


def test_progress_reports_briefings(two_briefings: Path) -> None:
    calls: list[tuple[int, int]] = []
    ix = SearchIndex.open(load_library([two_briefings]), progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 2), (1, 2), (2, 2)]  # the last only once the index is written
    ix.close()


def test_old_generations_are_cleaned_up(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_store, "STALE_GENERATION_SECONDS", 0.0)
    ix = SearchIndex.open(load_library([two_briefings]))
    for n in range(3):
        (two_briefings / "extra.yaml").write_text(
            ZEBRA.replace("Pakistan Zebra", f"Pakistan Zebra{n}"), encoding="utf-8"
        )
        ix.update(load_library([two_briefings]))
    assert generations(ix) == [ix.location]
    leftovers = [p for p in ix.location.parent.iterdir() if p.name.startswith("tmp-")]
    assert leftovers == []
    ix.close()


def test_other_index_versions_are_removed(two_briefings: Path) -> None:
    old = cache_dir() / "index" / f"v{INDEX_VERSION - 1}" / "somekey" / "g-old"
    old.mkdir(parents=True)
    (old / "_MAIN_1.toc").write_bytes(b"an index of an older version")
    ix = SearchIndex.open(load_library([two_briefings]))
    assert ix.status == "built"
    assert not old.exists()
    ix.close()


def test_manifest_of_an_older_version_is_rebuilt(two_briefings: Path) -> None:
    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    manifest = ix.location / search_store.MANIFEST
    data = json.loads(manifest.read_text())
    data["version"] = INDEX_VERSION - 1
    manifest.write_text(json.dumps(data))
    ix.close()
    again = SearchIndex.open(library)
    assert again.status == "built"
    assert answers(again) == fresh_answers(library)
    again.close()


# -- damaged ---------------------------------------------------------------------------------


def _truncate_segments(gen: Path) -> None:
    for p in gen.glob("*.seg"):
        with p.open("r+b") as f:
            f.truncate(p.stat().st_size // 2)


def _delete_segments(gen: Path) -> None:
    for p in gen.glob("*.seg"):
        p.unlink()


def _garbage_toc(gen: Path) -> None:
    for p in gen.glob("_MAIN_*.toc"):
        p.write_bytes(os.urandom(200))


def _delete_toc(gen: Path) -> None:
    for p in gen.glob("_MAIN_*.toc"):
        p.unlink()


def _garbage_manifest(gen: Path) -> None:
    (gen / search_store.MANIFEST).write_text("{not json")


def _wrong_doc_count(gen: Path) -> None:
    m = gen / search_store.MANIFEST
    data = json.loads(m.read_text())
    data["docs"] += 1
    m.write_text(json.dumps(data))


def _dangling_pointer(gen: Path) -> None:
    (gen.parent / search_store.CURRENT).write_text("g-does-not-exist")


def _hostile_pointer(gen: Path) -> None:
    (gen.parent / search_store.CURRENT).write_text("../../../../etc")


def _zero_segments(gen: Path) -> None:
    for p in gen.glob("*.seg"):
        p.write_bytes(b"\0" * p.stat().st_size)


@pytest.mark.parametrize(
    "damage",
    [
        _truncate_segments,
        _delete_segments,
        _zero_segments,
        _garbage_toc,
        _delete_toc,
        _garbage_manifest,
        _wrong_doc_count,
        _dangling_pointer,
        _hostile_pointer,
    ],
)
def test_damaged_index_is_rebuilt(two_briefings: Path, damage: Callable[[Path], None]) -> None:
    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    gen = ix.location
    assert gen is not None
    ix.close()
    damage(gen)
    again = SearchIndex.open(library)
    assert again.status == "built"
    assert again.location != gen
    assert answers(again) == fresh_answers(library)
    again.close()


def test_missing_vocabulary_still_finds_prefixes(two_briefings: Path) -> None:
    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    (ix.location / search_store.WORDS).unlink()
    ix.close()
    again = SearchIndex.open(library)
    assert again.status == "built"  # checked like the other index files (issue 13.6)
    assert "zero-tolerance-narcotics-policy" in [h.id for h in again.search("narc").hits]
    again.close()


def test_failure_while_searching_rebuilds_once(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    engine = ix._engine
    calls = {"n": 0}
    real = engine.search

    def broken(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        raise OSError("a segment file went away")

    expected = real("narcotics", 20).hits
    monkeypatch.setattr(engine, "search", broken)
    result = ix.search("narcotics")
    assert calls["n"] == 1
    assert ix.status == "built"  # rebuilt, on a new engine
    assert ix._engine is not engine
    assert result.hits and result.hits == expected
    # Only once: a second failure is answered with a note, not another rebuild.
    monkeypatch.setattr(ix._engine, "search", broken)
    again = ix.search("narcotics")
    assert again.hits == () and "failed" in again.note
    assert calls["n"] == 2
    ix.close()


# -- cache not writable ----------------------------------------------------------------------


def test_cache_path_is_a_regular_file(two_briefings: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    library = load_library([two_briefings])
    ix = SearchIndex.open(library, cache_dir=blocker)
    assert ix.status == "memory"
    assert ix.location is None
    assert answers(ix) == fresh_answers(library)
    assert blocker.read_text().startswith("a file")
    ix.close()


def _refuse_mkdir(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)


def test_unwritable_cache_keeps_the_index_in_memory(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([two_briefings])
    _refuse_mkdir(monkeypatch)
    ix = SearchIndex.open(library)
    assert ix.status == "memory"
    assert answers(ix) == fresh_answers(library)
    ix.close()


def test_unwritable_cache_with_an_index_in_it(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([two_briefings])
    SearchIndex.open(library).close()
    with monkeypatch.context() as m:
        _refuse_mkdir(m)
        # Unchanged: used read-only where it is.
        cached = SearchIndex.open(library)
        assert cached.status == "cached"
        assert answers(cached) == fresh_answers(library)
        cached.close()
        # Changed: the cached index is copied into memory and brought up to date there.
        (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
        edited = load_library([two_briefings])
        ix = SearchIndex.open(edited)
        assert ix.status == "memory"
        assert ix.reindexed == ("extra",)
        assert answers(ix, scores=False) == fresh_answers(edited, scores=False)
        ix.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_directory(two_briefings: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro-cache"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        library = load_library([two_briefings])
        ix = SearchIndex.open(library, cache_dir=ro)
        assert ix.status == "memory"
        assert answers(ix) == fresh_answers(library)
        ix.close()
    finally:
        ro.chmod(0o700)


def test_memory_index_needs_no_temp_directory(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", "/nonexistent/tmp")
    ix = SearchIndex(seed_library, memory=True)
    assert ix.status == "memory"
    assert ix.search("narcotics").hits
    ix.close()


# -- several processes at once ---------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from briefing_tui.briefing.library import load_library
    from briefing_tui.search import SearchIndex

    library = load_library([Path(sys.argv[1])])
    go, ready = Path(sys.argv[2]), Path(sys.argv[3])
    ready.write_text("ready")
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    ix = SearchIndex.open(library)
    out = {{
        "status": ix.status,
        "answers": {{q: sorted([h.briefing, h.id] for h in ix.search(q, limit=1000).hits)
                    for q in {queries!r}}},
    }}
    print(json.dumps(out))
    """
).format(queries=QUERIES)


def _run_together(libraries: list[Path], tmp_path: Path) -> list[dict[str, object]]:
    go = tmp_path / "go"
    procs = []
    readies = []
    for n, lib in enumerate(libraries):
        ready = tmp_path / f"ready-{n}"
        readies.append(ready)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _WORKER, str(lib), str(go), str(ready)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=os.environ.copy(),
            )
        )
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.write_text("go")
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "Error" not in err, err
        outs.append(json.loads(out))
    return outs


def _expected(library: Library) -> dict[str, list[list[str]]]:
    ix = SearchIndex(library, memory=True)
    try:
        return {
            q: sorted([h.briefing, h.id] for h in ix.search(q, limit=1000).hits) for q in QUERIES
        }
    finally:
        ix.close()


def test_processes_building_at_once(two_briefings: Path, tmp_path: Path) -> None:
    library = load_library([two_briefings])
    outs = _run_together([two_briefings] * 3, tmp_path)
    expected = _expected(library)
    for out in outs:
        assert out["status"] in ("built", "cached")
        assert out["answers"] == expected
    # The cache they left behind is sound and current.
    ix = SearchIndex.open(library)
    assert ix.status == "cached"
    ix.close()


def test_processes_updating_at_once(two_briefings: Path, tmp_path: Path) -> None:
    SearchIndex.open(load_library([two_briefings])).close()
    (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
    edited = load_library([two_briefings])
    outs = _run_together([two_briefings] * 3, tmp_path)
    expected = _expected(edited)
    for out in outs:
        assert out["status"] in ("updated", "cached")
        assert out["answers"] == expected


def test_a_held_whoosh_lock_does_not_matter(two_briefings: Path) -> None:
    from whoosh.filedb.filestore import FileStorage

    ix = SearchIndex.open(load_library([two_briefings]))
    lock = FileStorage(str(ix.location)).lock("MAIN_WRITELOCK")
    assert lock.acquire()
    try:
        (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
        assert ix.update(load_library([two_briefings])) == ("extra",)
        assert ix.status == "updated"
    finally:
        lock.release()
        ix.close()


# -- segments and merges ---------------------------------------------------------------------


def test_many_segments_and_merges_give_the_same_answers(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([two_briefings])
    monkeypatch.setattr(search_store, "FLUSH_POSTINGS", 500)  # a segment every few documents
    ix = SearchIndex.open(library)
    assert len(ix._engine.reader.leaf_readers()) == 2  # one per briefing
    assert answers(ix) == fresh_answers(library)
    # Deleting enough documents merges everything into one segment (through the pool).
    monkeypatch.setattr(search_store, "FLUSH_POSTINGS", 10**9)
    monkeypatch.setattr(search_store, "OPTIMIZE_DELETED_SHARE", 0.0)
    (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
    edited = load_library([two_briefings])
    ix.update(edited)
    assert len(ix._engine.reader.leaf_readers()) == 1
    # Merged (no deleted documents left). Whoosh sums documents' stored (one-byte, rounded)
    # lengths when it merges, so average lengths, and scores, differ a little.
    assert answers(ix, scores=False) == fresh_answers(edited, scores=False)
    ix.close()


def test_fast_writer_writes_what_whoosh_writes(tmp_path: Path) -> None:
    from whoosh import fields, formats, index
    from whoosh.analysis import IDTokenizer

    from briefing_tui.search.writer import FastSegmentWriter

    def schema() -> fields.Schema:
        return fields.Schema(
            ref=fields.STORED(),
            text=fields.FieldType(formats.Positions(), IDTokenizer(), scorable=True),
            freq=fields.FieldType(formats.Frequency(field_boost=2.0), IDTokenizer(), scorable=True),
            tag=fields.FieldType(formats.Existence(), IDTokenizer(), scorable=False),
        )

    words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta"]
    docs = []
    for n in range(400):  # enough for several posting blocks per term
        text = [words[(n * k + k) % len(words)] for k in range(1 + n % 7)]
        docs.append(
            {
                "ref": f"doc{n}",
                "text": text,
                "freq": text[: 1 + n % 3],
                "tag": [words[n % 4], words[(n + 1) % 4]],
            }
        )

    def build(folder: Path, writer_class: type) -> object:
        folder.mkdir()
        ix = index.create_in(str(folder), schema())
        w = writer_class(ix)
        for d in docs:
            w.add_document(**d)
        w.commit()
        return ix

    from whoosh.writing import SegmentWriter

    ours = build(tmp_path / "ours", FastSegmentWriter)
    theirs = build(tmp_path / "theirs", SegmentWriter)
    with ours.searcher() as a, theirs.searcher() as b:  # type: ignore[attr-defined]
        ra, rb = a.reader(), b.reader()
        assert ra.doc_count_all() == rb.doc_count_all() == len(docs)
        for fieldname in ("text", "freq", "tag"):
            assert list(ra.lexicon(fieldname)) == list(rb.lexicon(fieldname))
            for term in ra.lexicon(fieldname):
                ia, ib = ra.term_info(fieldname, term), rb.term_info(fieldname, term)
                assert (ia.doc_frequency(), ia.weight(), ia.max_weight()) == (
                    ib.doc_frequency(),
                    ib.weight(),
                    ib.max_weight(),
                )
                assert (ia.min_length(), ia.max_length()) == (ib.min_length(), ib.max_length())
                pa = list(ra.postings(fieldname, term).items_as("weight"))
                pb = list(rb.postings(fieldname, term).items_as("weight"))
                assert pa == pb
                if fieldname == "text":
                    va = list(ra.postings(fieldname, term).items_as("positions"))
                    vb = list(rb.postings(fieldname, term).items_as("positions"))
                    assert va == vb
            for d in range(len(docs)):
                assert ra.doc_field_length(d, fieldname) == rb.doc_field_length(d, fieldname)
        for d in range(len(docs)):
            assert a.stored_fields(d) == b.stored_fields(d)


def test_update_while_other_threads_search(two_briefings: Path) -> None:
    import threading

    ix = SearchIndex.open(load_library([two_briefings]))
    stop = threading.Event()
    notes: list[str] = []
    counts = {"searches": 0}

    def searcher() -> None:
        while not stop.is_set():
            ix._engine._cache.clear() if ix._engine is not None else None
            r = ix.search("pakistan narcotics", limit=50)
            counts["searches"] += 1
            if r.note:
                notes.append(r.note)

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for n in range(3):
            (two_briefings / "extra.yaml").write_text(
                ZEBRA.replace("Pakistan Zebra", f"Pakistan Zebra{n}"), encoding="utf-8"
            )
            assert ix.update(load_library([two_briefings])) == ("extra",)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert counts["searches"] > 0
    assert notes == []
    assert not ix._recovered  # no search failed (and so nothing was rebuilt)
    assert [h.id for h in ix.search("zebra2 ").hits] == ["pakistan"]
    ix.close()


@pytest.mark.parametrize("action", ["close", "update"])
def test_a_running_search_finishes_before_its_searcher_closes(
    two_briefings: Path, action: str
) -> None:
    import threading

    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    old_engine = ix._engine
    entered, release = threading.Event(), threading.Event()
    box: list[object] = []

    def hook() -> bool:
        entered.set()
        release.wait(10)
        return False

    def search() -> None:
        box.append(ix.search("kind:item", limit=1000, cancelled=hook))

    t = threading.Thread(target=search)
    t.start()
    assert entered.wait(10)
    if action == "close":
        other = threading.Thread(target=ix.close)
    else:
        (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
        edited = load_library([two_briefings])
        other = threading.Thread(target=ix.update, args=(edited,))
    other.start()
    deadline = time.monotonic() + 30
    while ix._engine is old_engine and time.monotonic() < deadline:
        time.sleep(0.01)  # until the index has let go of the engine the search is using
    assert ix._engine is not old_engine
    release.set()
    t.join(timeout=30)
    other.join(timeout=30)
    result = box[0]
    assert result.note == ""  # type: ignore[attr-defined]
    every = sum(len(b.items) for b in library.briefings)
    assert len(result.hits) == every  # type: ignore[attr-defined]  # every item, finished
    assert not ix._recovered
    ix.close()
