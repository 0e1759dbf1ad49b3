"""The library watcher (briefing_tui.watch): stat snapshots, diffs, reloading what changed."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.files import FINE_RACY_NS, RACY_NS, FileStat, is_racy, stat_path
from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import LoadResult
from briefing_tui.watch import (
    TRIGGER_EVENTS,
    TRIGGER_INTERVAL,
    LibraryWatcher,
    LoadStopped,
    Reload,
    StatDiff,
    WatchLoop,
    diff_stats,
    polling_forced,
    watched_dirs,
    watched_dirs_changed,
)
from tests.conftest import MINIMAL, SEED_BRIEFING
from tests.tui.helpers import SEED_ID


def seed_path(library_dir: Path) -> Path:
    return library_dir / SEED_BRIEFING.name


def watcher_for(library_dir: Path, **kwargs: object) -> LibraryWatcher:
    kwargs.setdefault("margin_ns", 0)  # no racy re-reads unless a test asks for them
    w = LibraryWatcher([library_dir], **kwargs)  # type: ignore[arg-type]
    w.load()
    return w


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- stats and diffs -------------------------------------------------------------------------


def test_stat_path_kinds(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("x", encoding="utf-8")
    fs = stat_path(f)
    assert fs is not None and fs.kind == "file" and fs.size == 1
    ds = stat_path(tmp_path)
    assert ds is not None and ds.kind == "dir"
    assert stat_path(tmp_path / "missing") is None
    assert stat_path(Path("bad\0name")) is None


def test_stat_changes_with_size_content_time_and_inode(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("one", encoding="utf-8")
    first = stat_path(f)
    assert first is not None
    f.write_text("three", encoding="utf-8")
    assert stat_path(f) != first  # size
    before = stat_path(f)
    assert before is not None
    os.utime(f, ns=(before.mtime_ns + 5_000_000, before.mtime_ns + 5_000_000))
    assert stat_path(f) != before  # time only
    same = stat_path(f)
    tmp = tmp_path / "a.yaml.tmp"
    tmp.write_text("three", encoding="utf-8")
    assert same is not None
    os.utime(tmp, ns=(same.mtime_ns, same.mtime_ns))
    os.replace(tmp, f)  # an editor's atomic save: same size and time, new inode
    after = stat_path(f)
    assert after is not None and after.ino != same.ino and after != same


def st(n: int) -> FileStat:
    return FileStat(n, n, n, 1, "file")


def test_diff_stats_added_removed_changed() -> None:
    a, b, c, d, e = (Path(x) for x in "abcde")
    old = {a: st(1), b: st(2), c: st(3), e: None}
    new = {a: st(1), b: st(9), d: st(4), e: None, c: None}
    diff = diff_stats(old, new)
    assert diff == StatDiff(added=(d,), removed=(c,), changed=(b,))
    assert diff
    assert not diff_stats(old, dict(old))
    assert diff_stats({}, {a: st(1)}).added == (a,)


def test_is_racy() -> None:
    s = st(10_000_000_000)
    assert is_racy(s, s.mtime_ns)  # seen in the tick it was written
    assert is_racy(s, s.mtime_ns + RACY_NS)
    assert not is_racy(s, s.mtime_ns + RACY_NS + 1)
    assert is_racy(s, s.mtime_ns - 5)  # written "after" it was seen: a clock ahead of ours
    assert not is_racy(None, 0)
    assert not is_racy(s, s.mtime_ns + 11, margin_ns=10)


def test_fine_timestamps_have_a_short_tick() -> None:
    fine = FileStat(10_000_000_123, 1, 1, 1, "file")  # nanoseconds: ext4, tmpfs, APFS...
    assert is_racy(fine, fine.mtime_ns + FINE_RACY_NS)
    assert not is_racy(fine, fine.mtime_ns + FINE_RACY_NS + 1)
    coarse = FileStat(10_000_000_000, 1, 1, 1, "file")  # whole seconds: FAT, HFS+...
    assert is_racy(coarse, coarse.mtime_ns + FINE_RACY_NS + 1)
    assert is_racy(coarse, coarse.mtime_ns + RACY_NS)


def test_watched_dirs_roots_and_subdirectories(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "sub" / "deeper").mkdir(parents=True)
    (lib / ".hidden" / "inside").mkdir(parents=True)
    single = tmp_path / "one.yaml"
    single.write_text("x", encoding="utf-8")
    missing = tmp_path / "nowhere"
    dirs = watched_dirs([lib, single, missing])
    assert set(dirs) == {lib, lib / "sub", lib / "sub" / "deeper", single, missing}
    assert dirs[missing] is None
    assert dirs[single] == FileStat(0, 0, 0, 0, "file")  # a file root: its kind only
    assert not watched_dirs_changed(dirs)
    single.write_text("an edit of the file is not a change of listing", encoding="utf-8")
    assert not watched_dirs_changed(dirs)
    (lib / "sub" / "new.yaml").write_text("x", encoding="utf-8")
    assert watched_dirs_changed(dirs)
    dirs = watched_dirs([lib, single, missing])
    missing.mkdir()
    assert watched_dirs_changed(dirs)


# -- the watcher -----------------------------------------------------------------------------


def test_load_matches_load_library(library_dir: Path, write_briefing: Callable[..., Path]) -> None:
    write_briefing()
    w = watcher_for(library_dir)
    expected = load_library([library_dir])
    assert [b.id for b in w.library.briefings] == [b.id for b in expected.briefings]
    assert w.library.briefings == expected.briefings
    assert w.library.problems == expected.problems
    assert w.reads == 2
    assert w.files == (library_dir / "extra.yaml", seed_path(library_dir))  # sorted


def test_a_load_stops_when_asked_to_reading_no_more_files(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    # The app exiting while a large library loads (in a thread) stops the load: else the
    # process waits for that thread to finish before it can end (at 10,000 briefings on a
    # first start, 35 s after the q). Checked every 32 files.
    for k in range(40):
        write_briefing(name=f"extra-{k:02}.yaml", id=f"extra-{k:02}")
    stop = threading.Event()
    w = LibraryWatcher([library_dir], margin_ns=0)
    reads: list[Path] = []
    real = w.loader

    def reading(path: Path) -> LoadResult:
        reads.append(path)
        if len(reads) == 5:
            stop.set()  # asked while the load is under way
        return real(path)

    w.loader = reading
    with pytest.raises(LoadStopped):
        w.load(stop=stop)
    assert len(reads) == 32  # the next check, not the end (41 files)
    assert len(LibraryWatcher([library_dir], margin_ns=0).load().briefings) == 41


def test_idle_poll_reads_nothing(library_dir: Path, write_briefing: Callable[..., Path]) -> None:
    write_briefing()
    w = watcher_for(library_dir)
    for _ in range(3):
        assert w.poll() is None
    assert w.reads == 2
    assert w.polls == 3


def test_an_edit_reloads_that_file_only(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    w = watcher_for(library_dir)
    seed_before = w.library.briefing(SEED_ID)
    edit(extra, "name: Pakistan", "name: Islamic Republic of Pakistan")
    change = w.poll()
    assert change is not None
    assert change.reloaded == (extra,)
    assert change.changed_ids == frozenset({"extra"})
    assert not (change.added or change.removed or change.broken or change.kept)
    b = change.library.briefing("extra")
    assert b is not None and b.actors[0].name == "Islamic Republic of Pakistan"
    assert w.reads == 3  # one file read again
    assert change.library.briefing(SEED_ID) is seed_before  # the other briefing untouched
    assert w.poll() is None


def test_a_touch_without_change_reports_nothing(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    w = watcher_for(library_dir)
    before = w.library.briefing("extra")
    s = extra.stat()
    os.utime(extra, ns=(s.st_atime_ns, s.st_mtime_ns + 1_000_000_000))
    assert w.poll() is None
    assert w.reads == 3  # it was read again, found the same, and nothing is reported
    assert w.library.briefing("extra") is before


def test_a_broken_save_keeps_the_last_good_version_until_fixed(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    w = watcher_for(library_dir)
    good = w.library.briefing("extra")
    edit(extra, "kind: country", "kind: planet")
    change = w.poll()
    assert change is not None
    assert change.kept == (extra,)
    assert [r.path for r in change.broken] == [extra]
    assert [r.path for r in change.failing] == [extra]
    assert change.library.briefing("extra") is good  # still shown
    assert any("planet" in p.message and p.is_error for p in change.library.problems)
    latest = w.latest(extra)
    assert latest is not None and not latest.ok
    # Broken worse: not YAML at all. Still the last good version.
    extra.write_text("id: [unclosed\n", encoding="utf-8")
    change = w.poll()
    assert change is not None and change.kept == (extra,)
    assert change.library.briefing("extra") is good
    # Fixed, with a new name: shown, and the problems are gone.
    extra.write_text(MINIMAL.format(id="extra").replace("name: Pakistan", "name: PK"), "utf-8")
    change = w.poll()
    assert change is not None
    assert change.fixed == (extra,)
    assert not change.kept and not change.failing and not change.broken
    b = change.library.briefing("extra")
    assert b is not None and b.actors[0].name == "PK"
    assert not change.library.problems


def test_a_file_broken_from_the_start_shows_what_loads(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    w = watcher_for(library_dir)
    extra = write_briefing(MINIMAL.format(id="extra").replace("kind: country", "kind: planet"))
    change = w.poll()
    assert change is not None
    assert change.added == (extra,)
    assert change.kept == ()  # no good version to keep: the file is shown as it loads
    assert [r.path for r in change.broken] == [extra]
    assert [r.path for r in change.failing] == [extra]
    assert change.library.briefing("extra") is not None  # the briefing loads, minus the actor
    assert any("planet" in p.message for p in change.library.problems)
    # A later partial version replaces an earlier partial one.
    edit(extra, "title: A small briefing", "title: Still broken")
    change = w.poll()
    assert change is not None and change.kept == ()
    b = change.library.briefing("extra")
    assert b is not None and b.title == "Still broken"


def test_new_and_deleted_files_and_folders(library_dir: Path) -> None:
    w = watcher_for(library_dir)
    sub = library_dir / "more" / "deeper"
    sub.mkdir(parents=True)
    new = sub / "new.yml"
    new.write_text(MINIMAL.format(id="new-one").replace("../seeds", "../../../seeds"), "utf-8")
    change = w.poll()
    assert change is not None
    assert change.added == (new,)
    assert change.changed_ids == frozenset({"new-one"})
    assert change.library.briefing("new-one") is not None
    hidden = library_dir / ".drafts"
    hidden.mkdir()
    (hidden / "draft.yaml").write_text(MINIMAL.format(id="draft"), encoding="utf-8")
    (library_dir / "notes.txt").write_text("not a briefing", encoding="utf-8")
    assert w.poll() is None  # hidden folders and other files are never loaded
    shutil.rmtree(library_dir / "more")
    change = w.poll()
    assert change is not None
    assert change.removed == (new,)
    assert change.changed_ids == frozenset({"new-one"})
    assert change.library.briefing("new-one") is None
    assert [b.id for b in change.library.briefings] == [SEED_ID]


def test_deleting_every_briefing_leaves_an_empty_library_with_a_problem(
    library_dir: Path,
) -> None:
    w = watcher_for(library_dir)
    seed_path(library_dir).unlink()
    change = w.poll()
    assert change is not None
    assert change.removed == (seed_path(library_dir),)
    assert not change.library.briefings
    assert any("no briefing files" in p.message for p in change.library.problems)


def test_a_renamed_file_is_removed_and_added(library_dir: Path) -> None:
    w = watcher_for(library_dir)
    old = seed_path(library_dir)
    new = library_dir / "renamed.yaml"
    old.rename(new)
    change = w.poll()
    assert change is not None
    assert change.added == (new,) and change.removed == (old,)
    assert [b.id for b in change.library.briefings] == [SEED_ID]


def test_an_atomic_save_of_the_same_size_and_time_is_seen(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    w = watcher_for(library_dir)
    s = extra.stat()
    tmp = library_dir / ".extra.yaml.swp"
    tmp.write_text(extra.read_text("utf-8").replace("Pakistan\n", "Pakistam\n"), "utf-8")
    os.utime(tmp, ns=(s.st_atime_ns, s.st_mtime_ns))
    os.replace(tmp, extra)
    change = w.poll()
    assert change is not None and change.reloaded == (extra,)
    b = change.library.briefing("extra")
    assert b is not None and b.actors[0].name == "Pakistam"


def test_an_edit_hidden_by_a_coarse_clock_is_caught_once_no_longer_racy(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    """A second write in the same timestamp tick, of the same size, leaves the stat as it
    was: the file is read once more after the racy interval."""
    extra = write_briefing()
    s = extra.stat()
    now = [s.st_mtime_ns + 1]  # loaded in the tick the file was written
    w = LibraryWatcher([library_dir], clock=lambda: now[0])
    w.load()
    text = extra.read_text("utf-8")
    extra.write_text(text.replace("Pakistan\n", "Pakistam\n"), "utf-8")  # same size
    os.utime(extra, ns=(s.st_atime_ns, s.st_mtime_ns))  # same tick
    reads = w.reads
    assert w.poll() is None  # the stat is the same, and the interval has not passed
    assert w.reads == reads
    now[0] = s.st_mtime_ns + RACY_NS + 1
    change = w.poll()
    assert change is not None and change.reloaded == (extra,)
    b = change.library.briefing("extra")
    assert b is not None and b.actors[0].name == "Pakistam"
    reads = w.reads
    assert w.poll() is None  # read once more only
    assert w.reads == reads


def test_a_coarse_timestamp_keeps_a_file_racy_longer(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    whole = (extra.stat().st_mtime_ns // 1_000_000_000) * 1_000_000_000  # as FAT would say
    os.utime(extra, ns=(whole, whole))
    now = [whole + 1_000_000_000]  # a second later: racy on such a file system
    w = LibraryWatcher([library_dir], clock=lambda: now[0])
    w.load()
    text = extra.read_text("utf-8")
    extra.write_text(text.replace("Pakistan\n", "Pakistam\n"), "utf-8")
    os.utime(extra, ns=(whole, whole))
    assert w.poll() is None
    now[0] = whole + RACY_NS + 1
    change = w.poll()
    assert change is not None and change.reloaded == (extra,)


def test_a_file_added_in_the_directory_s_last_tick_is_found(library_dir: Path) -> None:
    """A directory whose time may hide a change is listed again (names only) until its
    tick has passed."""
    d = library_dir.stat()
    now = [d.st_mtime_ns + 1]
    w = LibraryWatcher([library_dir], clock=lambda: now[0])
    w.load()
    new = library_dir / "new.yaml"
    new.write_text(MINIMAL.format(id="new"), encoding="utf-8")
    os.utime(library_dir, ns=(d.st_atime_ns, d.st_mtime_ns))  # the same tick: no change seen
    change = w.poll()
    assert change is not None and change.added == (new,)
    now[0] = d.st_mtime_ns + RACY_NS + 1
    assert w.poll() is None
    assert w.poll() is None


def test_editing_an_article_reloads_the_briefings_that_read_it(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    seeds = library_dir.parent / "seeds"
    article = seeds / "water.txt"
    article.write_text("The Water Board met. Pakistan agreed to cut leaks.\n", "utf-8")
    water = write_briefing(
        MINIMAL.format(id="water")
        .replace("pakistan-us-security-narcotics-immigration-talks.txt", "water.txt")
        .replace("Pakistan and the United States agreed", "Pakistan agreed"),
        name="water.yaml",
    )
    w = watcher_for(library_dir)
    assert article.resolve() in w.sources
    reads = w.reads
    article.write_text(
        "The Water Board met on Monday. Pakistan agreed to cut leaks by half.\n", "utf-8"
    )
    change = w.poll()
    assert change is not None
    assert change.reloaded == (water,)
    assert w.reads == reads + 1  # the seed briefing reads another article: not read again
    b = change.library.briefing("water")
    assert b is not None and "by half" in b.source.text
    # The quote no longer in the article: an error; the last good version stays.
    article.write_text("The Water Board met on Monday.\n", "utf-8")
    change = w.poll()
    assert change is not None and change.kept == (water,)
    b = change.library.briefing("water")
    assert b is not None and "by half" in b.source.text
    # The article deleted, then written back: still watched, and fixed.
    article.unlink()
    change = w.poll()
    assert change is not None and change.kept == (water,)
    latest = w.latest(water)
    assert latest is not None and latest.briefing is None
    article.write_text("Pakistan agreed to cut leaks, said the Water Board.\n", "utf-8")
    change = w.poll()
    assert change is not None and change.fixed == (water,) and not change.kept
    b = change.library.briefing("water")
    assert b is not None and "said the Water Board" in b.source.text


def test_an_edited_briefing_id_changes_both_ids(
    library_dir: Path, write_briefing: Callable[..., Path]
) -> None:
    extra = write_briefing()
    w = watcher_for(library_dir)
    edit(extra, "id: extra", "id: extra-renamed")
    change = w.poll()
    assert change is not None
    assert change.changed_ids == frozenset({"extra", "extra-renamed"})
    assert change.library.briefing("extra") is None
    assert change.library.briefing("extra-renamed") is not None


def test_files_are_read_through_the_given_loader_only_when_changed(library_dir: Path) -> None:
    calls: list[Path] = []

    def loader(path: Path) -> LoadResult:
        calls.append(path)
        from briefing_tui.briefing.library import load_one

        return load_one(path)

    w = watcher_for(library_dir, loader=loader)
    assert calls == [seed_path(library_dir)]
    assert w.poll() is None
    assert calls == [seed_path(library_dir)]


@pytest.mark.parametrize("briefings", [200])
def test_polling_many_briefings_only_stats(tmp_path: Path, briefings: int) -> None:
    """A poll of a big library reads no file; an edit reads one."""
    lib = tmp_path / "data"
    lib.mkdir()
    shutil.copytree(SEED_BRIEFING.parent.parent / "seeds", tmp_path / "seeds")
    for i in range(briefings):
        (lib / f"b{i:04}.yaml").write_text(MINIMAL.format(id=f"b{i:04}"), encoding="utf-8")
    w = watcher_for(lib)
    assert len(w.library.briefings) == briefings
    reads = w.reads
    assert w.poll() is None
    assert w.reads == reads
    edit(lib / "b0100.yaml", "A small briefing", "A changed briefing")
    change = w.poll()
    assert change is not None and change.changed_ids == frozenset({"b0100"})
    assert w.reads == reads + 1


# -- what to watch, and the watch loop ----------------------------------------------------------


def test_watch_targets_are_every_folder_a_poll_depends_on(
    tmp_path: Path, library_dir: Path
) -> None:
    (library_dir / "sub" / "deeper").mkdir(parents=True)
    (library_dir / ".hidden").mkdir()
    single = tmp_path / "elsewhere" / "one.yaml"
    single.parent.mkdir()
    single.write_text(MINIMAL.format(id="one"), "utf-8")  # its article: ../seeds
    missing = tmp_path / "not" / "yet"
    linked_dir = tmp_path / "real"
    linked_dir.mkdir()
    real = linked_dir / "linked.yaml"
    real.write_text(MINIMAL.format(id="linked"), "utf-8")
    (library_dir / "linked.yaml").symlink_to(real)
    w = LibraryWatcher([library_dir, single, missing])
    w.load()
    seeds = library_dir.parent / "seeds"
    assert w.watch_targets() == tuple(
        sorted(
            {
                library_dir,
                library_dir / "sub",
                library_dir / "sub" / "deeper",
                single.parent,  # a file root: its folder
                tmp_path,  # a missing root: the nearest folder that exists
                seeds,  # the articles, outside the roots
                linked_dir,  # where a symlinked briefing really is
            }
        )
    )
    (tmp_path / "not").mkdir()
    assert tmp_path / "not" in w.watch_targets()


def test_racy_pending_until_read_again(library_dir: Path) -> None:
    now = [0]
    w = watcher_for(library_dir, margin_ns=RACY_NS, clock=lambda: now[0])
    s = stat_path(seed_path(library_dir))
    assert s is not None
    assert w.racy_pending  # read at time 0: modified "later" by this clock
    now[0] = s.mtime_ns + RACY_NS + 1
    assert w.poll() is None
    assert not w.racy_pending


def test_polling_forced_reads_the_variable_as_watchfiles_does() -> None:
    assert not polling_forced({})
    assert not polling_forced({"WATCHFILES_FORCE_POLLING": ""})
    assert not polling_forced({"WATCHFILES_FORCE_POLLING": "Disabled"})
    assert polling_forced({"WATCHFILES_FORCE_POLLING": "1"})
    assert polling_forced({"WATCHFILES_FORCE_POLLING": "true"})


@pytest.mark.parametrize("use_events", [True, False])
def test_watch_loop_delivers_edits_and_stops(library_dir: Path, use_events: bool) -> None:
    w = watcher_for(library_dir)
    stop = threading.Event()
    got: list[Reload] = []
    loop = WatchLoop(w, stop, lambda r: got.append(r) is None, interval=0.05, use_events=use_events)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()

    def wait(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 10
        while not condition():
            assert time.monotonic() < deadline, "not in time"
            time.sleep(0.01)

    wait(lambda: loop.wakeups > 0)
    assert loop.trigger == (TRIGGER_EVENTS if use_events else TRIGGER_INTERVAL)
    edit(seed_path(library_dir), "name: Mohsin Naqvi", "name: Mohsin W. Naqvi")
    wait(lambda: bool(got))
    assert got[0].reloaded == (seed_path(library_dir),)
    stop.set()
    thread.join(2)
    assert not thread.is_alive()


def test_watch_loop_stops_when_nobody_wants_more(library_dir: Path) -> None:
    w = watcher_for(library_dir)
    stop = threading.Event()
    loop = WatchLoop(w, stop, lambda r: False, interval=0.05)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while loop.wakeups == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    edit(seed_path(library_dir), "name: Mohsin Naqvi", "name: Mohsin W. Naqvi")
    thread.join(10)
    assert not thread.is_alive() and not stop.is_set()
