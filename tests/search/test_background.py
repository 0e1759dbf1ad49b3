"""The index built in a child process: progress comes back, the index is published for the
parent to open, stopping ends the child, a failing child is an error message, and no child
is ever left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import Library
from briefing_tui.cache import opening
from briefing_tui.cache.snapshot import LibraryCache, load_library
from briefing_tui.search import BuildCancelled, SearchIndex, background
from briefing_tui.search.background import (
    BackgroundBuildFailed,
    ChildBuild,
    ColdStart,
    build_in_child,
    child_index_factory,
    missing_from_index,
)
from tests.conftest import DATA


def gone(pid: int) -> bool:
    """The process has exited and been waited for (no zombie: the pid is free)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def fake_child(tmp_path: Path, body: str) -> list[str]:
    """A child command running ``body`` (Python), which writes its pid to ``pid``."""
    script = tmp_path / "child.py"
    pid_file = tmp_path / "pid"
    script.write_text(
        f"import os, sys, time, signal\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    return [sys.executable, str(script)]


def child_pid(tmp_path: Path) -> int:
    return int((tmp_path / "pid").read_text(encoding="utf-8"))


def stop_at_first_figures(done: int, total: int) -> None:
    """A progress callback that stops the build once the child reports any progress."""
    if done:
        raise RuntimeError("stop")


def test_the_child_builds_and_publishes_the_index_with_progress(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    library = load_library([DATA], cache / "libraries")  # what the app loaded (and saved)
    assert missing_from_index(library, cache) == len(library.briefings) == 1
    calls: list[tuple[int, int]] = []

    status = build_in_child([DATA], cache, lambda done, total: calls.append((done, total)))

    assert status == "built"
    assert (1, 1) in calls  # the child's progress, relayed
    assert missing_from_index(library, cache) == 0
    index = SearchIndex.open(library, cache_dir=cache)
    try:
        assert index.status == "cached"  # opened as the child published it: nothing rebuilt
        assert index.search("narcotics").hits
    finally:
        index.close()


def test_the_factory_builds_in_a_child_only_when_many_briefings_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    library = load_library([DATA], cache / "libraries")
    children: list[int] = []
    real = background.build_in_child

    def counting(*args: object, **kwargs: object) -> str:
        children.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(background, "build_in_child", counting)
    factory = child_index_factory([DATA], lambda: cache)
    index = factory(library, lambda done, total: None)  # 1 missing < CHILD_FROM: in here
    assert (index.status, children) == ("built", [])
    index.close()

    (cache / "index").rename(tmp_path / "old-index")  # cold again
    monkeypatch.setattr(background, "CHILD_FROM", 1)
    index = factory(library, lambda done, total: None)
    assert (index.status, children) == ("cached", [1])  # built by the child, opened here
    index.close()


def test_stopping_through_progress_ends_the_child(tmp_path: Path) -> None:
    command = fake_child(
        tmp_path,
        """
        for n in range(1, 100000):
            print(f"progress {n} 100000", flush=True)
            time.sleep(0.01)
        """,
    )
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) >= 3:
            raise RuntimeError("the app is leaving")

    started = time.monotonic()
    with pytest.raises(BuildCancelled, match="the app is leaving"):
        build_in_child([DATA], tmp_path / "cache", progress, command=command)
    assert time.monotonic() - started < background.STOP_GRACE
    assert gone(child_pid(tmp_path))


def test_a_child_deaf_to_sigterm_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "STOP_GRACE", 0.3)
    command = fake_child(
        tmp_path,
        """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("progress 1 2", flush=True)
        time.sleep(60)
        """,
    )

    with pytest.raises(BuildCancelled):
        build_in_child([DATA], tmp_path / "cache", stop_at_first_figures, command=command)
    assert gone(child_pid(tmp_path))


def test_a_crashing_child_is_an_error_message_naming_what_it_said(tmp_path: Path) -> None:
    command = fake_child(
        tmp_path,
        """
        print("progress 1 5", flush=True)
        raise ValueError("segment \\x1b[2Jboom")
        """,
    )
    with pytest.raises(BackgroundBuildFailed) as caught:
        build_in_child([DATA], tmp_path / "cache", None, command=command)
    message = str(caught.value)
    assert "exit status 1" in message
    assert "ValueError: segment ␛[2Jboom" in message  # its last line, controls made visible
    assert "\x1b" not in message
    assert gone(child_pid(tmp_path))


def test_a_child_killed_by_a_signal_says_so(tmp_path: Path) -> None:
    command = fake_child(tmp_path, "os.kill(os.getpid(), signal.SIGKILL)\n")
    with pytest.raises(BackgroundBuildFailed, match="killed by signal 9"):
        build_in_child([DATA], tmp_path / "cache", None, command=command)


def test_a_child_that_ends_without_saying_done_failed(tmp_path: Path) -> None:
    command = fake_child(tmp_path, "print('progress 1 1', flush=True)\n")
    with pytest.raises(BackgroundBuildFailed, match="exit status 0"):
        build_in_child([DATA], tmp_path / "cache", None, command=command)


def test_the_real_child_stopped_mid_build_publishes_nothing(
    tmp_path: Path, library_dir: Path, write_briefing: object
) -> None:
    # A library of many small briefings, so that the build takes a while.
    for n in range(120):
        write_briefing(None, name=f"b{n:03}.yaml", id=f"b{n:03}")  # type: ignore[operator]
    cache = tmp_path / "cache"
    library: Library = load_library([library_dir], cache / "libraries")
    assert len(library.briefings) > 120

    with pytest.raises(BuildCancelled):
        build_in_child([library_dir], cache, stop_at_first_figures)
    assert missing_from_index(library, cache) == len(library.briefings)  # nothing published
    leftovers = (
        [p.name for p in (cache / "index").rglob("tmp-*")] if (cache / "index").exists() else []
    )
    assert leftovers == []  # the work directory went with the build


def test_stopping_the_child_before_it_builds_ends_it_at_once_and_later_stops_the_build() -> None:
    script = textwrap.dedent(
        """
        import sys
        from briefing_tui.search.background import _Stop
        stop = _Stop()
        if sys.argv[1] == "building":
            stop.building = True
            stop.set()
            print("still here, stop requested:", stop.is_set())
        else:
            stop.set()
            print("not reached")
        """
    )
    loading = subprocess.run(
        [sys.executable, "-c", script, "loading"], capture_output=True, text=True, timeout=60
    )
    assert (loading.returncode, loading.stdout) == (3, "")  # nothing written yet: gone at once
    building = subprocess.run(
        [sys.executable, "-c", script, "building"], capture_output=True, text=True, timeout=60
    )
    assert building.returncode == 0
    assert building.stdout.strip() == "still here, stop requested: True"  # the build stops


def test_the_child_still_forks_its_workers_while_it_watches_its_parent() -> None:
    # The watch on stdin only waits in os.read: the build may fork beside it (written in one
    # process, a cold build at 10,000 briefings took 54 s instead of 33 s). Another thread,
    # not known to be quiet, still forbids forking. (In a fresh process: a test runner's own
    # threads would forbid it here.)
    script = textwrap.dedent(
        """
        import os, threading
        from briefing_tui.cache.workers import can_fork
        from briefing_tui.search.background import watch_parent
        before = can_fork()
        read, write = os.pipe()
        stop = threading.Event()
        watcher = watch_parent(read, stop)
        beside_watch = can_fork()
        other = threading.Event()
        threading.Thread(target=other.wait, daemon=True).start()
        beside_another = can_fork()
        other.set()
        os.close(write)  # the parent gone: the watch sets stop and ends
        watcher.join(10)
        print(before, watcher.is_alive() is False and stop.is_set(), beside_watch, beside_another)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "False"]


# -- the app's cold start (ColdStart): the child reads a cold library, the index waits for it


@pytest.fixture
def cold_library(
    write_briefing: Callable[..., Path], library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Six briefings, an hour old; the app paints the first one alone, and a child reads
    the rest of a cold library, from two files on (the real thresholds are 32 and 200)."""
    for k in range(5):
        write_briefing(name=f"extra-{k}.yaml", id=f"extra-{k}")
    old = time.time() - 3600  # not written a moment ago: a snapshot trusts them
    for p in library_dir.parent.rglob("*"):
        os.utime(p, (old, old))
    monkeypatch.setattr(opening, "PAINT_FIRST_FROM", 2)
    monkeypatch.setattr(background, "CHILD_FROM", 2)
    return library_dir


def record_starts(
    monkeypatch: pytest.MonkeyPatch, then: Callable[[], None] | None = None
) -> list[ChildBuild]:
    """The children started from now on (each once it runs; ``then`` called after each)."""
    started: list[ChildBuild] = []
    real_start = ChildBuild.start

    def start(self: ChildBuild) -> None:
        real_start(self)
        started.append(self)
        if then is not None:
            then()

    monkeypatch.setattr(ChildBuild, "start", start)
    return started


def open_as_the_app(lib: Path, cache: Path, cold: ColdStart) -> tuple[LibraryCache, Library]:
    """The first briefing, then the rest in full, as run_app opens a library."""
    from briefing_tui.search.scan import index_digest

    snapshots = LibraryCache([lib], cache / "libraries")
    first, rest = opening.open_library(snapshots, None, index_digest, cold.prepare)
    assert rest is not None and len(first.briefings) == 1
    return snapshots, rest()


def test_a_cold_library_is_read_by_a_child_and_its_index_waits_for_that_child(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = ColdStart([cold_library], lambda: cache)
    started = record_starts(monkeypatch)
    snapshots, library = open_as_the_app(cold_library, cache, cold)
    assert len(library.briefings) == 6 and not library.errors
    # the child read every file and saved the snapshot; the app parsed none of them
    assert (snapshots.hits, snapshots.misses) == (6, 0)
    assert len(started) == 1 and started[0].has_read and cold.child is started[0]
    calls: list[tuple[int, int]] = []
    index = cold.factory(library, lambda done, total: calls.append((done, total)))
    try:
        assert len(started) == 1  # the index waited for the same child
        assert started[0].status == "built" and started[0].child is not None
        assert started[0].child.returncode == 0 and cold.child is None
        assert (6, 6) in calls  # its progress, relayed
        assert index.status == "cached"  # published by the child, opened here
        assert {h.briefing for h in index.search("Pakistan", limit=50).hits} == set(library.ids)
        assert missing_from_index(library, cache) == 0
    finally:
        index.close()


def test_a_library_the_snapshot_holds_starts_no_child_to_read_it(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load_library([cold_library], cache / "libraries")  # saved already (the index is not)
    cold = ColdStart([cold_library], lambda: cache)

    def refused(self: ChildBuild) -> None:
        raise AssertionError("no child should read a library its snapshot holds")

    monkeypatch.setattr(ChildBuild, "start", refused)
    snapshots, library = open_as_the_app(cold_library, cache, cold)
    assert (snapshots.hits, snapshots.misses, len(library.briefings)) == (6, 0, 6)
    assert cold.child is None


def test_a_child_that_fails_to_read_the_library_leaves_it_to_be_read_here(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = ColdStart([cold_library], lambda: cache)
    failing = [sys.executable, "-c", "print('cannot read it'); raise SystemExit(1)"]
    monkeypatch.setattr(background, "_child_command", lambda: (failing, dict(os.environ)))
    snapshots, library = open_as_the_app(cold_library, cache, cold)
    assert (snapshots.misses, len(library.briefings)) == (6, 6)  # parsed here: none lost
    assert cold.child is None
    with pytest.raises(BackgroundBuildFailed, match="cannot read it"):
        cold.factory(library, lambda done, total: None)  # a child is tried again for the index


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux: sched_setaffinity")
def test_the_index_child_leaves_a_core_to_the_app() -> None:
    # spare_a_core (called by the child once it has read the library): one worker fewer for
    # the index, never none. (In a fresh process: it holds for the rest of the process.)
    script = textwrap.dedent(
        """
        import os
        from briefing_tui.cache import workers
        before = workers.worker_count()
        workers.spare_a_core()
        spared = workers.worker_count()
        os.sched_setaffinity(0, {next(iter(os.sched_getaffinity(0)))})  # one core only
        print(before, spared, workers.worker_count())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before, spared, alone = map(int, done.stdout.split())
    assert (spared, alone) == (max(1, before - 1), 1)


def test_the_app_exiting_stops_the_child_reading_the_library(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loading thread waits for the child: the app exiting (its event set) ends that wait
    # within a tick, and the child with it; the process can end at once.
    cache = tmp_path / "cache"
    stop = threading.Event()
    cold = ColdStart([cold_library], lambda: cache, stop)
    started = record_starts(monkeypatch, then=stop.set)  # the app quits as the child starts
    snapshots = LibraryCache([cold_library], cache / "libraries")
    t0 = time.monotonic()
    with pytest.raises(BuildCancelled):
        cold.prepare(snapshots)
    assert time.monotonic() - t0 < 3  # (a tick, and the child's exit)
    child = started[0].child
    assert child is not None and child.returncode is not None and gone(child.pid)
    assert cold.child is None and not started[0].has_read


def test_stopping_the_child_stops_its_workers_too(tmp_path: Path) -> None:
    # The child leads a process group of its own; its workers are in it. Stopping it signals
    # the group: where the kernel does not end workers with their parent (not Linux), they
    # would stay behind, holding its output open.
    worker_pid = tmp_path / "worker"
    command = fake_child(
        tmp_path,
        f"""
        import subprocess
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(worker_pid)!r}, "w").write(str(worker.pid))
        print("progress 1 2", flush=True)
        time.sleep(60)
        """,
    )

    with pytest.raises(BuildCancelled):
        build_in_child([DATA], tmp_path / "cache", stop_at_first_figures, command=command)
    assert gone(child_pid(tmp_path))
    pid = int(worker_pid.read_text(encoding="utf-8"))
    for _ in range(50):  # (reaped by init once it has ended)
        if gone(pid) or _zombie(pid):
            break
        time.sleep(0.1)
    assert gone(pid) or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return False


def test_a_load_that_fails_after_the_child_read_the_library_stops_the_child(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No index will wait for the child then: it is stopped (and waited for) at once, not
    # left to build and end as a zombie, its output unread.
    cache = tmp_path / "cache"
    cold = ColdStart([cold_library], lambda: cache)
    started = record_starts(monkeypatch)

    def failing(self: object, *args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the load")

    monkeypatch.setattr(LibraryCache, "finish", failing)  # after every file is read
    with pytest.raises(RuntimeError, match="a bug in the load"):
        open_as_the_app(cold_library, cache, cold)
    assert len(started) == 1 and started[0].has_read  # it had read the library
    child = started[0].child
    assert child is not None and child.returncode is not None and gone(child.pid)
    assert cold.child is None


def test_no_child_reads_a_library_whose_snapshot_cannot_be_saved(
    cold_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It would parse the library for nothing: the app would find no snapshot and parse it
    # again. (A folder that cannot be made is one that cannot be written.)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert not background._writable(blocker / "cache")
    assert background._writable(tmp_path / "new" / "cache")
    cache = tmp_path / "cache"
    cold = ColdStart([cold_library], lambda: cache)

    def refused(self: ChildBuild) -> None:
        raise AssertionError("no child should start")

    monkeypatch.setattr(ChildBuild, "start", refused)
    monkeypatch.setattr(background, "_writable", lambda folder: False)
    snapshots, library = open_as_the_app(cold_library, cache, cold)
    assert (snapshots.misses, len(library.briefings)) == (6, 6)  # read here, as before
    stop = threading.Event()
    stop.set()
    with pytest.raises(BuildCancelled):  # the app exiting already: no child either
        ColdStart([cold_library], lambda: cache, stop).prepare(
            LibraryCache([cold_library], cache / "libraries")
        )
