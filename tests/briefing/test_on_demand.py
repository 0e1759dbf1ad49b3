"""The app's library read on demand: a summary per briefing, briefings read from the
snapshot when asked for (a few kept), the same links and backlinks as a library loaded whole."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from briefing_tui.briefing.library import READ_CACHE, Library, OnDemandLibrary, load_library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import ItemRef
from briefing_tui.cache.opening import open_library
from briefing_tui.cache.snapshot import LibraryCache
from briefing_tui.collector import gc_paused
from briefing_tui.watch import LibraryWatcher

OLD = time.time() - 3600  # outside the racy window: the snapshot keeps every file


def _aged(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 generated briefings whose actors recur across briefings, every file an hour old."""
    from benchmarks import make_library

    out = tmp_path_factory.mktemp("gen") / "lib"
    make_library.main(["--briefings", str(2 * READ_CACHE + 24), str(out)])
    _aged(out)
    return out / "briefings"


def on_demand(lib: Path, snapdir: Path) -> tuple[OnDemandLibrary, LibraryWatcher]:
    cache = LibraryCache([lib], snapdir)
    watcher = LibraryWatcher([lib], loader=cache.result, store=cache)
    with gc_paused():
        library, rest = open_library(cache, watcher.load)
        assert rest is not None
        library = rest()
    assert isinstance(library, OnDemandLibrary)
    return library, watcher


def test_the_library_is_summarised_not_held(generated: Path, tmp_path: Path) -> None:
    library, watcher = on_demand(generated, tmp_path / "snap")
    whole = load_library([generated])
    assert library.reader.reads == 0  # nothing read again to assemble it
    assert not library.with_problems and not watcher._held  # nothing kept in memory
    assert library.ids == whole.ids
    assert library.titles() == whole.titles()
    assert library.inferred_years() == whole.inferred_years()
    assert library.summaries == whole.summaries
    assert library.paths == whole.paths
    assert library.problems == whole.problems
    # one briefing asked for: one read, from the snapshot, equal to the one loaded whole
    some = whole.briefings[len(whole.briefings) // 2]
    assert library.briefing(some.id) == some
    assert library.reader.reads == 1
    assert library.briefing(some.id) is library.briefing(some.id)  # kept: not read again
    assert library.reader.reads == 1


def test_the_saved_snapshot_is_opened_with_the_rest_not_on_the_first_read(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rest of the library loads in a thread; the first briefing read back after it is
    # a keystroke's search hits, which must not wait for the saved snapshot to be opened
    # (at 10,000 briefings: ~130 ms, where each result lies).
    library, _ = on_demand(generated, tmp_path / "snap")
    opened: list[LibraryCache] = []
    read = LibraryCache._read_snapshot

    def counted(self: LibraryCache) -> dict[str, tuple[object, ...]]:
        if self._old is None:
            opened.append(self)
        return read(self)

    monkeypatch.setattr(LibraryCache, "_read_snapshot", counted)
    whole = load_library([generated])
    for b in whole.briefings[-3:]:  # (not the first: read with the first screen)
        assert library.briefing(b.id) == b
    assert library.reader.reads == 3
    assert opened == []


def test_only_a_few_briefings_are_kept(generated: Path, tmp_path: Path) -> None:
    library, _ = on_demand(generated, tmp_path / "snap")
    first = library.ids[0]
    kept = library.briefing(first)
    for bid in library.ids[1 : 2 * READ_CACHE]:
        assert library.briefing(bid) is not None
    assert len(library.reader._kept) == READ_CACHE
    assert library.briefing(first) is not kept  # let go of, read again
    assert library.briefing(first) == kept
    assert library.briefings == load_library([generated]).briefings  # one at a time


def test_links_and_backlinks_are_those_of_the_library_loaded_whole(
    generated: Path, tmp_path: Path
) -> None:
    library, _ = on_demand(generated, tmp_path / "snap")
    whole = load_library([generated])
    ours, theirs = LinkGraph(library), LinkGraph(whole)
    shared = 0
    for b in whole.briefings[:12]:
        for it in b.items:
            ref = ItemRef(b.id, it.id)
            assert ours.links(ref) == theirs.links(ref)
            back = ours.backlinks(ref)
            assert back == theirs.backlinks(ref)
            shared += sum(1 for lk in back if lk.source.briefing != b.id)
            for lk in back:
                source = whole.item(lk.source)
                assert source is not None and ours.title(lk.source) == source.title
            if it.item_kind == "actor":
                assert ours.appearances(it.id) == theirs.appearances(it.id)
        for s in b.source.sentences:
            assert ours.citing(b.id, s.number) == theirs.citing(b.id, s.number)
    assert shared > 0  # actors recur: backlinks came from other briefings
    # ... without reading the briefings they came from
    assert library.reader.reads <= 12 + 1


def test_a_library_loaded_whole_has_the_same_summaries(tmp_path: Path, library_dir: Path) -> None:
    whole = load_library([library_dir])
    assert isinstance(whole, Library) and not isinstance(whole, OnDemandLibrary)
    s = whole.summaries[0]
    b = whole.briefings[0]
    assert (s.id, s.title, s.path) == (b.id, b.title, str(b.path))
    assert s.counts == (len(b.actors), len(b.commitments), len(b.context), len(b.notes))
    assert [aid for aid, _ in s.actors] == [a.id for a in b.actors]
    assert whole.title(b.id) == b.title and whole.position(b.id) == 0


def test_live_reload_of_a_library_read_on_demand(generated: Path, tmp_path: Path) -> None:
    import shutil

    lib = tmp_path / "lib"
    shutil.copytree(generated.parent, lib)
    _aged(lib)
    cache = LibraryCache([lib / "briefings"], tmp_path / "snap")
    watcher = LibraryWatcher([lib / "briefings"], loader=cache.result, store=cache, margin_ns=0)
    with gc_paused():
        library = watcher.load()
        cache.finish(library.paths)
    assert isinstance(library, OnDemandLibrary)
    path = lib / "briefings" / "00007.yaml"
    text = path.read_text("utf-8")
    before = library.briefing(library.ids[6])
    assert before is not None and str(before.path) == str(path)
    # the same bytes written again: nothing to report (compared with the snapshot's)
    path.write_text(text, "utf-8")
    assert watcher.poll() is None
    # a new title: reloaded, in the summaries too; the other briefings are not read
    old_title = before.title
    path.write_text(text.replace(f'title: "{old_title}"', "title: A new title", 1), "utf-8")
    change = watcher.poll()
    assert change is not None and change.reloaded == (path,)
    assert change.changed_ids == frozenset({before.id})
    shown = change.library
    assert shown.title(before.id) == "A new title"
    after = shown.briefing(before.id)
    assert after is not None and after.title == "A new title"
    assert isinstance(shown, OnDemandLibrary) and shown.reader.reads == 0
    # broken: the last good version stays, its errors are the library's problems
    path.write_text("id: [unclosed\n", "utf-8")
    change = watcher.poll()
    assert change is not None and change.kept == (path,)
    assert change.library.briefing(before.id) == after
    assert change.library.errors and [r.path for r in change.failing] == [path]


def test_the_app_on_a_library_read_on_demand(generated: Path, tmp_path: Path) -> None:
    """Backlinks from other briefings, the switcher and the problems view, reading only a
    few briefings."""
    import asyncio

    from briefing_tui.tui.screens.problems import ProblemsScreen
    from briefing_tui.tui.screens.switcher import SwitcherScreen
    from tests.tui.helpers import make_app, started

    library, _ = on_demand(generated, tmp_path / "snap")
    whole = load_library([generated])
    b = whole.briefings[3]
    actor = b.actors[0]
    others = {
        lk.source.briefing
        for lk in LinkGraph(whole).backlinks(ItemRef(b.id, actor.id))
        if lk.source.briefing != b.id
    }
    assert others

    def no_index(lib: object, progress: object) -> object:
        raise RuntimeError("no search index in this test (building one reads every briefing)")

    reads: list[int] = []

    async def run() -> None:
        app = make_app(library, index_factory=no_index)
        async with started(app, (160, 48)) as pilot:
            screen = app.browser
            assert screen is not None
            screen.go_to_item(ItemRef(b.id, actor.id))
            await pilot.pause()
            texts = [str(getattr(o.prompt, "plain", "")) for o in screen.detail.options]
            for other in others:  # each other briefing's group, by its title
                assert any(f"in {whole.title(other)}" in t for t in texts)
            await pilot.press("b")
            await pilot.pause()
            assert isinstance(app.screen, SwitcherScreen)
            assert app.screen.list.option_count > 0
            reads.append(library.reader.reads)
            await pilot.press("escape", "p")  # (its curation check reads each, in turn)
            await pilot.pause()
            assert isinstance(app.screen, ProblemsScreen)

    asyncio.run(run())
    assert reads[0] <= 4  # the briefings shown, not the ones backlinks come from


def test_opening_the_index_reads_no_briefing(generated: Path, tmp_path: Path) -> None:
    """The snapshot keeps each briefing's index hash: an index that is current opens as it
    is, without reading the briefings to hash them."""
    from briefing_tui.search import SearchIndex
    from briefing_tui.search.scan import index_digest

    SearchIndex.open(load_library([generated]), cache_dir=tmp_path / "index").close()
    cache = LibraryCache([generated], tmp_path / "snap")
    watcher = LibraryWatcher([generated], loader=cache.result, store=cache)
    with gc_paused():
        _, rest = open_library(cache, watcher.load, digest=index_digest)
        assert rest is not None
        library = rest()
    assert isinstance(library, OnDemandLibrary)
    assert set(library.digests) == set(library.ids)
    index = SearchIndex.open(library, cache_dir=tmp_path / "index")
    try:
        assert index.status == "cached"
        assert library.reader.reads == 0
        hit = index.search("talks").hits[0]  # a hit reads its briefing (to show it)
        assert library.reader.reads >= 1 and library.briefing(hit.briefing) is not None
    finally:
        index.close()
