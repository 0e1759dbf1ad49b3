"""The parsed-library snapshot: hits, misses, invalidation, and never worse than a full load."""

from __future__ import annotations

import gc
import itertools
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.cache import listing, opening
from briefing_tui.cache import snapshot as libcache
from briefing_tui.cache.opening import open_library
from briefing_tui.cache.snapshot import LibraryCache
from briefing_tui.collector import gc_paused
from tests.cache.conftest import age
from tests.conftest import MINIMAL


@pytest.fixture
def snapdir(tmp_path: Path) -> Path:
    return tmp_path / "snapshots"


def load(lib: Path, snapdir: Path) -> tuple[Library, LibraryCache]:
    cache = LibraryCache([lib], snapdir)
    return cache.load(), cache


def same_as_fresh(library: Library, paths: list[Path]) -> None:
    fresh = load_library(paths)
    assert library == fresh
    assert library.results == fresh.results
    assert [r.ref_pos for r in library.results] == [r.ref_pos for r in fresh.results]
    assert library.problems == fresh.problems


def test_first_load_misses_and_writes_the_snapshot_then_every_file_hits(
    lib: Path, snapdir: Path
) -> None:
    first, c1 = load(lib, snapdir)
    assert (c1.hits, c1.misses) == (0, 4)
    assert c1.file.is_file()
    second, c2 = load(lib, snapdir)
    assert (c2.hits, c2.misses) == (4, 0)
    assert c2.snapshot_error is None
    same_as_fresh(second, [lib])
    assert first == second


def test_the_snapshot_is_private_and_written_atomically(lib: Path, snapdir: Path) -> None:
    _, cache = load(lib, snapdir)
    mode = cache.file.stat().st_mode
    assert mode & 0o077 == 0
    assert snapdir.stat().st_mode & 0o077 == 0
    assert [p.name for p in snapdir.iterdir()] == [cache.file.name]  # no temporary left


def test_an_edited_briefing_is_loaded_again_alone(lib: Path, snapdir: Path) -> None:
    load(lib, snapdir)
    edited = lib / "extra-1.yaml"
    edited.write_text(
        MINIMAL.format(id="extra-1").replace("A small briefing", "An edited title"), "utf-8"
    )
    age(edited)  # even with an old time: the size and change time differ
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (3, 1)
    briefing = library.briefing("extra-1")
    assert briefing is not None and briefing.title == "An edited title"
    same_as_fresh(library, [lib])


def test_a_same_size_edit_with_the_old_time_is_still_seen(lib: Path, snapdir: Path) -> None:
    load(lib, snapdir)
    edited = lib / "extra-2.yaml"
    text = edited.read_text("utf-8")
    edited.write_text(text.replace("A small briefing", "A SMALL BRIEFING"), "utf-8")
    age(edited)  # size and modification time as before: the change time still differs
    library, cache = load(lib, snapdir)
    assert cache.misses == 1
    briefing = library.briefing("extra-2")
    assert briefing is not None and briefing.title == "A SMALL BRIEFING"


def test_an_edited_article_reloads_the_briefings_that_read_it(lib: Path, snapdir: Path) -> None:
    load(lib, snapdir)
    article = next((lib.parent / "seeds").glob("*.txt"))
    article.write_text(article.read_text("utf-8") + "\nOne more sentence at the end.\n", "utf-8")
    age(article)
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (0, 4)  # all four read this article
    same_as_fresh(library, [lib])


def test_added_and_removed_files(lib: Path, snapdir: Path) -> None:
    load(lib, snapdir)
    (lib / "extra-0.yaml").unlink()
    added = lib / "zz-new.yaml"
    added.write_text(MINIMAL.format(id="zz-new"), "utf-8")
    age(added)
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (3, 1)
    assert library.briefing("extra-0") is None and library.briefing("zz-new") is not None
    same_as_fresh(library, [lib])
    _, again = load(lib, snapdir)
    assert (again.hits, again.misses) == (4, 0)


def test_a_file_modified_just_now_is_not_trusted_until_it_is_older(
    lib: Path, snapdir: Path
) -> None:
    fresh = lib / "extra-0.yaml"
    fresh.write_text(MINIMAL.format(id="extra-0"), "utf-8")  # modified now: racy
    load(lib, snapdir)
    _, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (3, 1)
    age(fresh)
    load(lib, snapdir)
    _, later = load(lib, snapdir)
    assert (later.hits, later.misses) == (4, 0)


def test_a_broken_file_is_never_cached_and_its_problems_stay(lib: Path, snapdir: Path) -> None:
    broken = lib / "extra-1.yaml"
    broken.write_text("format: 1\nid: [unclosed\n", "utf-8")
    age(broken)
    first, _ = load(lib, snapdir)
    assert first.errors
    second, cache = load(lib, snapdir)
    assert cache.misses == 1 and cache.hits == 3
    same_as_fresh(second, [lib])


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[:20],
        lambda data: b"not a pickle at all" * 10,
        lambda data: pickle.dumps({"something": "else"}),
        lambda data: pickle.dumps(((libcache.FORMAT, "wrong", ()), {}, None)),
    ],
    ids=["empty", "cut-in-its-index", "garbage", "other-object", "wrong-header"],
)
def test_a_damaged_snapshot_means_a_full_load(
    lib: Path, snapdir: Path, damage: Callable[[bytes], bytes]
) -> None:
    _, c1 = load(lib, snapdir)
    c1.file.write_bytes(damage(c1.file.read_bytes()))
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (0, 4)
    assert cache.snapshot_error is not None
    same_as_fresh(library, [lib])
    _, repaired = load(lib, snapdir)  # the full load wrote a good snapshot again
    assert repaired.hits == 4


def test_a_damaged_entry_is_loaded_again(lib: Path, snapdir: Path) -> None:
    _, c1 = load(lib, snapdir)
    data = bytearray(c1.file.read_bytes())
    at = int.from_bytes(data[len(libcache.MAGIC) : len(libcache.MAGIC) + 8], "little")
    data[at - 40 : at] = b"\x00" * 40  # the end of the last pickled result (the index follows)
    c1.file.write_bytes(bytes(data))
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (3, 1)
    same_as_fresh(library, [lib])


def test_a_snapshot_cut_short_loads_what_is_missing(lib: Path, snapdir: Path) -> None:
    _, c1 = load(lib, snapdir)
    data = c1.file.read_bytes()
    c1.file.write_bytes(data[: len(data) * 2 // 3])  # the index (at the end) lost
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (0, 4) and cache.snapshot_error
    same_as_fresh(library, [lib])
    _, again = load(lib, snapdir)
    assert again.hits == 4


def test_the_first_briefing_is_read_from_its_file_alone(
    lib: Path, snapdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For the first screen neither the snapshot (its index grows with the library) nor
    the whole listing is read: the first file is parsed (as fast as one result is read)."""
    load(lib, snapdir)
    reads: list[int] = []
    real = os.pread

    def counting(fd: int, n: int, offset: int) -> bytes:
        reads.append(n)
        return real(fd, n, offset)

    monkeypatch.setattr(libcache.os, "pread", counting)
    monkeypatch.setattr(listing, "briefing_names", lambda *_: pytest.fail("listed"))
    cache = LibraryCache([lib], snapdir)
    first = cache.first()
    assert first is not None and reads == [] and cache.hits == 0
    assert first.briefings[0] == load_library([lib]).briefings[0]


class _Evil:
    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, ("touch pwned-by-snapshot",))


def test_a_snapshot_naming_other_code_is_refused_unrun(
    lib: Path, snapdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cache = LibraryCache([lib], snapdir)
    snapdir.mkdir(mode=0o700)
    cache.file.write_bytes(pickle.dumps(_Evil()))
    cache.file.chmod(0o600)
    library = cache.load()
    assert not (tmp_path / "pwned-by-snapshot").exists()
    assert cache.snapshot_error is not None and cache.misses == 4
    same_as_fresh(library, [lib])


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_snapshot_others_may_write_is_ignored(lib: Path, snapdir: Path, mode: int) -> None:
    _, c1 = load(lib, snapdir)
    c1.file.chmod(mode)
    library, cache = load(lib, snapdir)
    assert cache.hits == 0 and cache.misses == 4
    assert "not safe" in (cache.snapshot_error or "")
    same_as_fresh(library, [lib])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_snapshot_owned_by_someone_else_is_ignored(lib: Path, snapdir: Path) -> None:
    _, c1 = load(lib, snapdir)
    os.chown(c1.file, 12345, -1)
    _, cache = load(lib, snapdir)
    assert cache.hits == 0 and "not safe" in (cache.snapshot_error or "")


def test_a_symlinked_snapshot_is_not_followed(lib: Path, snapdir: Path, tmp_path: Path) -> None:
    _, c1 = load(lib, snapdir)
    elsewhere = tmp_path / "elsewhere.pickle"
    c1.file.rename(elsewhere)
    c1.file.symlink_to(elsewhere)
    _, cache = load(lib, snapdir)
    assert cache.hits == 0 and cache.snapshot_error is not None


def test_another_version_or_format_does_not_use_the_snapshot(
    lib: Path, snapdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(lib, snapdir)
    from briefing_tui.cache import fingerprint

    monkeypatch.setattr(fingerprint, "__version__", "999.0")
    _, cache = load(lib, snapdir)
    assert cache.hits == 0
    monkeypatch.setattr(libcache, "FORMAT", libcache.FORMAT + 1)
    _, cache = load(lib, snapdir)
    assert cache.hits == 0


def test_results_name_files_from_the_working_directory_of_each_run(
    lib: Path, snapdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned = lib / "extra-1.yaml"
    warned.write_text(MINIMAL.format(id="extra-1") + "unknown_field: 1\n", "utf-8")
    age(warned)
    for cwd in (lib, tmp_path, lib, tmp_path):
        monkeypatch.chdir(cwd)
        library, cache = load(lib, snapdir)
        same_as_fresh(library, [lib])
        assert str(warned.relative_to(cwd)) in {p.pos.path for p in library.problems}
    assert cache.hits == 4  # one snapshot for every working directory: all reused
    assert len(list(snapdir.glob("*.pickle"))) == 1


def test_an_unwritable_cache_directory_still_loads(lib: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be", "utf-8")
    cache = LibraryCache([lib], blocker / "snapshots")
    library = cache.load()
    assert cache.save() is False
    same_as_fresh(library, [lib])
    assert not (blocker / "snapshots").exists()


def test_the_default_directory_is_in_the_cache_dir(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_TUI_CACHE", str(tmp_path / "c"))
    cache = LibraryCache([lib])
    assert cache.file.parent == tmp_path / "c" / libcache.SUBDIR
    libcache.load_library([lib])
    assert cache.file.is_file()


def test_only_a_few_snapshots_are_kept(lib: Path, snapdir: Path, tmp_path: Path) -> None:
    for i in range(libcache.MAX_SNAPSHOTS + 3):
        one = tmp_path / f"lib-{i}"
        one.mkdir()
        (one / "x.yaml").write_text("format: 1\n", "utf-8")
        LibraryCache([one], snapdir).load()
    assert len(list(snapdir.glob("library-*.pickle"))) == libcache.MAX_SNAPSHOTS


# -- open_library: what the app paints first -------------------------------------------------


def test_a_small_library_is_opened_whole(lib: Path, snapdir: Path) -> None:
    library, rest = open_library(LibraryCache([lib], snapdir))
    assert rest is None
    same_as_fresh(library, [lib])


def test_a_large_library_paints_its_first_briefing_first(
    lib: Path, snapdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening, "PAINT_FIRST_FROM", 2)
    broken = lib / "000-broken.yaml"  # first in library order, loads no briefing
    broken.write_text("- just a list\n", "utf-8")
    age(broken)
    with gc_paused():  # open_library freezes what it loads for the app: not in tests
        first, rest = open_library(LibraryCache([lib], snapdir, freeze=True))
        assert rest is not None
        fresh = load_library([lib])
        assert [b.id for b in first.briefings] == [fresh.briefings[0].id]
        whole = rest()
    same_as_fresh(whole, [lib])
    assert whole.briefings[0] is first.briefings[0]  # loaded once
    gc.unfreeze()


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_a_watcher_loads_through_the_cache_and_still_sees_edits(lib: Path, snapdir: Path) -> None:
    from briefing_tui.watch import LibraryWatcher

    def opened() -> tuple[Library, LibraryCache, LibraryWatcher]:
        cache = LibraryCache([lib], snapdir)
        watcher = LibraryWatcher([lib], loader=cache.result, margin_ns=0)
        library, rest = open_library(cache, watcher.load)
        assert rest is None
        return library, cache, watcher

    _, c1, _ = opened()
    assert c1.misses == 4
    library, c2, watcher = opened()
    assert (c2.hits, c2.misses) == (4, 0)
    same_as_fresh(library, [lib])
    edited = lib / "extra-0.yaml"
    edited.write_text(
        MINIMAL.format(id="extra-0").replace("A small briefing", "Edited while open"), "utf-8"
    )
    age(edited)
    change = watcher.poll()
    assert change is not None
    briefing = change.library.briefing("extra-0")
    assert briefing is not None and briefing.title == "Edited while open"
    same_as_fresh(change.library, [lib])
    assert c2.misses == 1  # read again through the cache's loader, after the snapshot


def test_the_listing_sorts_names_as_paths_sort(tmp_path: Path) -> None:
    """Names are sorted as strings, folder by folder: the order Paths sort in ("a/b" before
    "a-c", which a plain string sort would invert)."""
    root = tmp_path / "lib"
    for name in ("a-c.yaml", "a/b.yaml", "a/a/z.yml", "B.yaml", "a.yaml", "ä.yaml", "_.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("format: 1\n", "utf-8")
    cache = LibraryCache([root], tmp_path / "snap")
    names, problems = cache.names()
    assert not problems
    assert names == [str(p) for p in sorted(Path(n) for n in names)]
    assert names != sorted(names)  # a plain string sort would differ
    assert cache.listing()[0] == [Path(n) for n in names]


def test_an_article_resolved_elsewhere_is_read_again(lib: Path, snapdir: Path) -> None:
    """The article's folder moved and a symlink left in its place: the same file (same
    inode and times) through the path the briefings name, but resolved elsewhere (outside
    the library now). A scan loads those briefings again and reports what a fresh load
    does, not the snapshot's result of before."""
    LibraryCache([lib], snapdir).scan()
    seeds = lib.parent / "seeds"
    moved = lib.parent / "moved"
    seeds.rename(moved)
    seeds.symlink_to(moved)
    cache = LibraryCache([lib], snapdir)
    scanned = cache.scan()
    assert (cache.hits, cache.misses) == (0, 4)  # all four read the article
    errors = [e for f in scanned for e in f.errors]
    fresh = load_library([lib])
    assert len(errors) == 4 and errors == [str(p) for p in fresh.problems if p.is_error]
    assert all("is outside the library" in e and str(moved) in e for e in errors)


def test_an_article_resolved_elsewhere_loads_again(lib: Path, snapdir: Path) -> None:
    """The same through the app's load (a file's result at a time)."""
    load(lib, snapdir)
    seeds = lib.parent / "seeds"
    seeds.rename(lib.parent / "moved")
    seeds.symlink_to(lib.parent / "moved")
    library, cache = load(lib, snapdir)
    assert (cache.hits, cache.misses) == (0, 4)
    same_as_fresh(library, [lib])


def test_an_article_symlink_pointed_elsewhere_is_read_again(lib: Path, snapdir: Path) -> None:
    """An article that is a symlink is statted as named and as resolved: pointed at another
    copy (same text, another file), the briefings reading it are loaded again."""
    seeds = lib.parent / "seeds"
    article = next(seeds.glob("*.txt"))
    text = article.read_text("utf-8")
    for copy in ("copy-a.txt", "copy-b.txt"):
        (seeds / copy).write_text(text, "utf-8")
        age(seeds / copy)
    article.unlink()
    article.symlink_to(seeds / "copy-a.txt")
    LibraryCache([lib], snapdir).scan()
    same = LibraryCache([lib], snapdir)
    same.scan()
    assert (same.hits, same.misses) == (4, 0)
    article.unlink()
    article.symlink_to(seeds / "copy-b.txt")
    cache = LibraryCache([lib], snapdir)
    cache.scan()
    assert (cache.hits, cache.misses) == (0, 4)
    library, _ = load(lib, snapdir)
    same_as_fresh(library, [lib])


def test_article_unchanged_through_each_way_of_naming_it(tmp_path: Path) -> None:
    """The named path as it resolves: itself, through "..", through a symlinked folder;
    a signature that differs, or a resolved path that no longer matches, is a change."""
    from briefing_tui.briefing.files import signature
    from briefing_tui.cache.diskfile import article_unchanged

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(real)
    art = real / "a.txt"
    art.write_text("text\n", encoding="utf-8")
    sig = signature(art)
    assert sig is not None
    for named in (str(art), f"{tmp_path}/sub/../real/a.txt", f"{tmp_path}/link/a.txt"):
        dirs: dict[str, str] = {}
        assert article_unchanged((named, str(art), sig), dirs), named
        assert article_unchanged((named, str(art), sig), dirs), named  # its folder cached
        assert not article_unchanged((named, f"{tmp_path}/other/a.txt", sig), {}), named
        assert not article_unchanged((named, str(art), (*sig[:4], sig[4] + 1)), {}), named
    assert not article_unchanged(None, {})


def edit(lib: Path, n: int) -> None:
    f = lib / "extra-1.yaml"
    f.write_text(MINIMAL.format(id="extra-1").replace("A small briefing", f"Edit {n}"), "utf-8")
    age(f)


def test_an_edit_is_appended_to_the_snapshot_not_written_anew(lib: Path, snapdir: Path) -> None:
    _, c1 = load(lib, snapdir)
    before = c1.file.stat()
    edit(lib, 1)
    _, c2 = load(lib, snapdir)
    after = c2.file.stat()
    assert (c2.hits, c2.misses) == (3, 1)
    assert after.st_ino == before.st_ino and after.st_size > before.st_size  # appended
    library, c3 = load(lib, snapdir)
    assert (c3.hits, c3.misses, c3.snapshot_error) == (4, 0, None)
    assert library.briefing("extra-1").title == "Edit 1"  # type: ignore[union-attr]
    same_as_fresh(library, [lib])
    assert [p.name for p in snapdir.iterdir()] == [c1.file.name]


def test_a_reader_of_the_snapshot_reads_on_after_another_appends(lib: Path, snapdir: Path) -> None:
    load(lib, snapdir)
    reader = LibraryCache([lib], snapdir)
    files, _ = reader.listing()
    reader._read_snapshot()  # read as the app reads it, before another process saves
    edit(lib, 2)
    load(lib, snapdir)  # appends the edit
    kept = [f for f in files if f.name != "extra-1.yaml"]
    assert [reader.result(f) for f in kept] == [
        r for r in load_library([lib]).results if r.path in kept
    ]
    assert reader.hits == len(kept) and reader.misses == 0


class Killed(BaseException):
    """A writer killed where it raises this (nothing after it runs, as after SIGKILL)."""


def _killed_before_the_index(fd: int, magic: bytes, at: int, head: bytes) -> None:
    raise Killed  # the results are appended, no index names them


def _killed_before_the_start(fd: int, magic: bytes, at: int, head: bytes) -> None:
    from briefing_tui.cache.diskfile import pwrite_all

    pwrite_all(fd, head, at)
    raise Killed  # the new index is there, the file's start still names the old one


def _killed_in_the_start(fd: int, magic: bytes, at: int, head: bytes) -> None:
    from briefing_tui.cache.diskfile import pwrite_all

    pwrite_all(fd, head, at)
    start = magic + at.to_bytes(8, "little") + len(head).to_bytes(8, "little")
    pwrite_all(fd, start[: len(magic) + 1], 0)  # torn: the new offset's low byte only
    raise Killed


@pytest.mark.parametrize(
    "killed", [_killed_before_the_index, _killed_before_the_start, _killed_in_the_start]
)
def test_a_writer_killed_while_appending_loses_only_its_edit(
    lib: Path, snapdir: Path, monkeypatch: pytest.MonkeyPatch, killed: Callable[..., None]
) -> None:
    """The next start loads the library right (the edit parsed again), and saves a snapshot
    that every later start reads in full."""
    _, c1 = load(lib, snapdir)
    edit(lib, 4)
    with monkeypatch.context() as m:
        m.setattr(libcache, "append_index", killed)
        with pytest.raises(Killed):
            load(lib, snapdir)
    assert c1.file.stat().st_size > 0
    library, c2 = load(lib, snapdir)
    if killed is _killed_in_the_start:  # the start names no index: read as no snapshot
        assert (c2.hits, c2.misses) == (0, 4) and c2.snapshot_error
    else:  # the old index, whose entry for the edited file its signature no longer matches
        assert (c2.hits, c2.misses, c2.snapshot_error) == (3, 1, None)
    assert library.briefing("extra-1").title == "Edit 4"  # type: ignore[union-attr]
    same_as_fresh(library, [lib])
    again, c3 = load(lib, snapdir)
    assert (c3.hits, c3.misses, c3.snapshot_error) == (4, 0, None)
    same_as_fresh(again, [lib])


def test_a_snapshot_mostly_left_behind_is_written_anew(
    lib: Path, snapdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appending stops before the file holds as many unused results as used ones."""
    monkeypatch.setattr(libcache, "APPEND_SLACK", 0)
    _, cache = load(lib, snapdir)
    first = cache.file.stat()
    seen = []
    for n in range(12):
        edit(lib, n)
        load(lib, snapdir)
        seen.append(cache.file.stat())
    assert {s.st_ino for s in seen} - {first.st_ino}  # written anew at least once
    assert any(a.st_ino == b.st_ino for a, b in itertools.pairwise(seen))  # appended
    assert max(s.st_size for s in seen) <= 2 * first.st_size + 4096
    library, c = load(lib, snapdir)
    assert c.misses == 0
    same_as_fresh(library, [lib])


def test_a_snapshot_another_writer_holds_is_written_anew(lib: Path, snapdir: Path) -> None:
    import fcntl

    _, c1 = load(lib, snapdir)
    before = c1.file.stat()
    with c1.file.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process appending to it
        edit(lib, 3)
        _, c2 = load(lib, snapdir)
    assert c2.file.stat().st_ino != before.st_ino
    library, c3 = load(lib, snapdir)
    assert (c3.hits, c3.misses) == (4, 0)
    same_as_fresh(library, [lib])


def test_saving_a_snapshot_removes_what_a_killed_writer_left(
    library_dir: Path, tmp_path: Path
) -> None:
    # A process killed while it wrote a snapshot (or its summaries) leaves its temporary
    # file (80 MB at 10,000 briefings); the next save removes those an hour old, not the
    # one another process may be writing now, nor anything else.
    snapdir = tmp_path / "snap"
    snapdir.mkdir()
    old = snapdir / ".tmp-abandoned.pickle"
    spool = snapdir / ".spool-abandoned"
    fresh = snapdir / ".tmp-being-written.pickle"
    other = snapdir / "notes.txt"
    for p in (old, spool, fresh, other):
        p.write_bytes(b"x")
    an_hour_ago = os.stat(old).st_mtime - 3700
    for p in (old, spool, other):
        os.utime(p, (an_hour_ago, an_hour_ago))
    LibraryCache([library_dir], snapdir).load()  # a first load: saved
    assert sorted(p.name for p in snapdir.iterdir() if p.name.startswith((".", "n"))) == [
        fresh.name,
        other.name,
    ]
