"""Building the search index in a child process (the core; imports no Textual).

A cold build of a large library is minutes of pure-Python work. Run in a thread of the app
it shares the interpreter (and its lock) with the UI, and every key waits for it. So when
many briefings are missing from the index, :func:`build_in_child` runs the build in a
separate interpreter (``python -m briefing_tui.search.background``), which loads the
library through its snapshot, writes the index and publishes it (atomically: see
:mod:`briefing_tui.search.store`); the app then opens the published index.

The protocol, one line at a time:

* parent -> child (stdin): a JSON object ``{"paths": [...], "cache_dir": "..."}``; stdin then
  stays open, and its end (the parent gone) stops the child;
* child -> parent (stdout, with stderr merged): ``read`` once it has read the library (and
  saved its snapshot), ``progress DONE TOTAL`` while it builds, then ``done STATUS``; any
  other line is the child's own output (a warning, a traceback), kept for the error.

Stopping: the parent closes stdin and signals the child's process group (SIGTERM). Before
``read`` the child ends at once; while it builds, it and its workers stop within the segment
being written (the store removes its work directory, nothing is published). A child that
does not exit within :data:`STOP_GRACE` seconds is killed. The child is always waited for:
no zombie is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.text import visible
from briefing_tui.search.results import BuildCancelled, ProgressCallback

if TYPE_CHECKING:
    from briefing_tui.cache.snapshot import LibraryCache
    from briefing_tui.search import SearchIndex

MODULE = "briefing_tui.search.background"
# briefings to index, or files the snapshot lacks: from this many on, a child does the work
CHILD_FROM = 200
STOP_GRACE = 2.0  # seconds a stopped child has to exit before it is killed
TICK = 0.1  # seconds: progress is called at least this often while the child runs
TAIL_LINES = 20  # lines of the child's own output kept for an error message


class BackgroundBuildFailed(RuntimeError):
    """The child process failed (crashed, killed, or said something went wrong)."""


def missing_from_index(library: Library, cache_dir: Path) -> int:
    """How many of the library's briefings the published index does not hold (cheap:
    reads the index's manifest only; every briefing when there is no usable index).

    Changed briefings are not counted: bringing them up to date is an update, small.
    """
    from briefing_tui.search import store
    from briefing_tui.search.schema import INDEX_VERSION

    ids = set(library.ids)
    try:
        base = store.library_dir(cache_dir, library)
        name = (base / store.CURRENT).read_text(encoding="utf-8").strip()
        if not name.startswith("g-") or "/" in name or "\\" in name:
            return len(ids)
        with (base / name / store.MANIFEST).open(encoding="utf-8") as f:
            manifest = json.load(f)
        held = manifest.get("briefings") if isinstance(manifest, dict) else None
        if not isinstance(held, dict) or manifest.get("version") != INDEX_VERSION:
            return len(ids)
    except (OSError, ValueError):
        return len(ids)
    return len(ids - set(held))


def _child_command() -> tuple[list[str], dict[str, str]]:
    """The child's command line and environment: this interpreter, with this package
    importable whatever the working directory holds (-P: the working directory is not put
    on the import path)."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return [sys.executable, "-P", "-m", MODULE], env


def build_in_child(
    paths: Sequence[Path],
    cache_dir: Path,
    progress: ProgressCallback | None = None,
    *,
    command: Sequence[str] | None = None,
) -> str:
    """Build (or bring up to date) the index of the library under ``paths`` in a child
    process; returns its status (``"built"``, ``"updated"``, ``"cached"``, ``"memory"``).

    ``progress(done, total)`` is called with the child's progress, and at least every
    :data:`TICK` seconds (with the last figures) while the child runs: an exception from it
    stops the child and is raised as :class:`BuildCancelled`. The child failing raises
    :class:`BackgroundBuildFailed` with what it said. Either way the child has exited (and
    been waited for) when this returns or raises. ``command`` replaces the child's command
    line (tests).
    """
    child = ChildBuild(paths, cache_dir, command=command)
    try:
        child.start()
        return child.finish(progress)
    finally:
        child.stop()


class ChildBuild:
    """One child process building the index of the library under ``paths``: started, then
    followed (by one thread at a time) until it has read the library (:meth:`read`) and
    until it ends (:meth:`finish`); :meth:`stop` ends it and waits for it."""

    def __init__(
        self, paths: Sequence[Path], cache_dir: Path, *, command: Sequence[str] | None = None
    ) -> None:
        self.paths = list(paths)
        self.cache_dir = cache_dir
        self.command = command
        self.child: subprocess.Popen[bytes] | None = None
        self.has_read = False  # it said it has read the library (its snapshot is saved)
        self.status: str | None = None  # what its `done` line said
        self._figures = (0, 0)
        self._tail: list[str] = []
        self._pending = b""
        self._eof = False

    def start(self) -> None:
        argv, env = _child_command()
        if self.command is not None:
            argv = list(self.command)
        request = {"paths": [str(p) for p in self.paths], "cache_dir": str(self.cache_dir)}
        child = self.child = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # never the terminal: the app's screen is on it
            env=env,
            close_fds=True,
            start_new_session=True,  # a ^C or hang-up of the terminal is the app's to handle
        )
        assert child.stdin is not None and child.stdout is not None
        os.set_blocking(child.stdout.fileno(), False)
        try:
            child.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            child.stdin.flush()
        except OSError:
            pass  # it died already: its output says why

    def read(self, progress: ProgressCallback | None = None) -> None:
        """Wait until the child has read the library (and saved its snapshot): the library
        then loads through the snapshot without parsing a file. Raises as :meth:`finish`
        does if the child ends first."""
        self._follow(progress, until_read=True)
        if not self.has_read:
            self._ended()

    def finish(self, progress: ProgressCallback | None = None) -> str:
        """Wait until the child ends; its status (see :func:`build_in_child`)."""
        self._follow(progress, until_read=False)
        return self._ended()

    def stop(self) -> None:
        if self.child is not None:
            _stop(self.child)

    def _follow(self, progress: ProgressCallback | None, *, until_read: bool) -> None:
        """Read the child's lines until it ends (or has read the library), calling
        ``progress``."""
        assert self.child is not None and self.child.stdout is not None
        out = self.child.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(out, selectors.EVENT_READ)
            while not self._eof and not (until_read and self.has_read):
                if sel.select(TICK):
                    chunk = out.read()
                    if chunk == b"":
                        self._eof = True
                    self._pending += chunk or b""
                    *lines, self._pending = self._pending.split(b"\n")
                    for raw in lines:
                        self._take(raw.decode("utf-8", "replace").rstrip())
                if progress is not None:
                    try:
                        progress(*self._figures)
                    except Exception as exc:
                        raise BuildCancelled(str(exc) or type(exc).__name__) from exc

    def _take(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        parsed = rest.split()
        if word == "progress" and len(parsed) == 2 and all(p.isdigit() for p in parsed):
            self._figures = (int(parsed[0]), int(parsed[1]))
        elif line == "read":
            self.has_read = True
        elif word == "done" and rest:
            self.status = rest
        elif line:
            self._tail = [*self._tail, line][-TAIL_LINES:]

    def _ended(self) -> str:
        assert self.child is not None
        code = self.child.wait()
        if self._pending.strip():  # a last line without its newline
            last = self._pending.decode("utf-8", "replace").rstrip()
            self._tail, self._pending = [*self._tail, last][-TAIL_LINES:], b""
        if self.status is not None and code == 0:
            return self.status
        raise BackgroundBuildFailed(_failure(code, self._tail))


def _failure(code: int, tail: list[str]) -> str:
    """What to say about a failed child: its last line of output and how it ended."""
    how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
    said = next((line for line in reversed(tail) if line.strip()), "")
    said = visible(said)[:200]  # the one neutralising rule for a line of text
    return f"the index build stopped ({how})" + (f": {said}" if said else "")


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End the child (if it still runs) and wait for it: never a zombie."""
    for stream in (child.stdin, child.stdout):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()
    if child.poll() is None:
        _signal(child, signal.SIGTERM)
        try:
            child.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            _signal(child, signal.SIGKILL)
            child.wait()


def _signal(child: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the child and its worker processes: its process group (it leads a session of
    its own). Workers outlive it otherwise where the kernel does not end them with it."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(child.pid, signum)
        else:  # pragma: no cover - no child on Windows
            child.send_signal(signum)


def child_index_factory(
    paths: Sequence[Path], cache_dir: Callable[[], Path] | None = None
) -> Callable[[Library, ProgressCallback], SearchIndex]:
    """An index factory for the app (``BriefingApp(index_factory=...)``): when at least
    :data:`CHILD_FROM` briefings are missing from the index, they are indexed in a child
    process first; the index is then opened here (an update at most, for what changed
    meanwhile). ``paths``: what the library was loaded from (the child loads it again,
    through the snapshot the app saved)."""

    def factory(library: Library, progress: ProgressCallback) -> SearchIndex:
        from briefing_tui import search  # imports Whoosh
        from briefing_tui.paths import cache_dir as default_cache_dir

        root = cache_dir() if cache_dir is not None else default_cache_dir()
        # (POSIX only: the child's output is read by selecting on a pipe)
        if os.name == "posix" and missing_from_index(library, root) >= CHILD_FROM:
            build_in_child(paths, root, progress)
        return search.SearchIndex.open(library, cache_dir=root, progress=progress)

    return factory


class ColdStart:
    """The app's child builds of the library under ``paths``.

    When the library's snapshot lacks many of its files (a first start, or the first after
    an upgrade), :meth:`prepare` starts the child while the library loads: it parses them in
    its worker processes (the app's own process, with Textual's threads running, never
    forks) and saves the snapshot, which the app then loads through without parsing a file;
    the index (:meth:`factory`) then waits for the same child. Otherwise the index is built
    as :func:`child_index_factory` builds it. ``cache_dir``: as for that function; ``stop``:
    set when the app exits, which stops the child reading the library within a tick."""

    def __init__(
        self,
        paths: Sequence[Path],
        cache_dir: Callable[[], Path] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.paths = list(paths)
        self.cache_dir = cache_dir
        self.stop = stop  # set when the app exits: a child reading the library is stopped
        self.child: ChildBuild | None = None  # started by prepare, for the index to wait for

    def root(self) -> Path:
        from briefing_tui.paths import cache_dir

        return self.cache_dir() if self.cache_dir is not None else cache_dir()

    def prepare(self, cache: LibraryCache) -> Callable[[], None]:
        """In the loading thread, before the library loads through ``cache``; returns what
        to call if that load fails (:meth:`close`)."""
        from briefing_tui.cache.snapshot import SUBDIR

        root = self.root()
        # (POSIX only, as the index's child; the child saves the snapshot where it reads it)
        if os.name != "posix" or cache.directory != root / SUBDIR:
            return self.close
        self._check(0, 0)  # (the app exiting already: no child)
        if cache.unknown() < CHILD_FROM or not _writable(cache.directory):
            return self.close  # (a snapshot that cannot be saved would be read here again)
        child = ChildBuild(self.paths, root)
        try:
            child.start()
            child.read(self._check)
            cache.reread()
        except (OSError, BackgroundBuildFailed):
            child.stop()
            return self.close  # parsed here, as without a child; the index tries again
        except BaseException:  # stopped (the app exits): so is the child
            child.stop()
            raise
        self.child = child
        return self.close

    def close(self) -> None:
        """Stop the child if no index waits for it (the load failed, or the app exits)."""
        child, self.child = self.child, None
        if child is not None:
            child.stop()

    def _check(self, done: int, total: int) -> None:
        if self.stop is not None and self.stop.is_set():
            raise BuildCancelled("the app is exiting")

    def factory(self, library: Library, progress: ProgressCallback) -> SearchIndex:
        """The app's index factory (``BriefingApp(index_factory=...)``)."""
        child, self.child = self.child, None
        if child is None:
            return child_index_factory(self.paths, self.root)(library, progress)
        from briefing_tui import search  # imports Whoosh

        try:
            child.finish(progress)
        finally:
            child.stop()
        return search.SearchIndex.open(library, cache_dir=self.root(), progress=progress)


def _writable(folder: Path) -> bool:
    """Whether files can be made in ``folder`` (made now if missing, private)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


# -- the child -------------------------------------------------------------------------------


class _Stop(threading.Event):
    """In the child: the request to stop. Before the build has started (while the library
    loads) it ends the process at once: nothing is written yet."""

    building = False

    def set(self) -> None:
        if not self.building:
            os._exit(3)
        super().set()


def _watch_parent(fd: int, stop: threading.Event) -> None:
    """In the child: the parent closing stdin (or dying) stops the build. (Raw reads: a
    daemon thread blocked in a buffered read would abort the interpreter at its exit.)"""
    with contextlib.suppress(OSError):
        while os.read(fd, 4096):
            pass
    stop.set()


def watch_parent(fd: int, stop: threading.Event) -> threading.Thread:
    """In the child: start the thread that stops the build when the parent closes ``fd`` (or
    dies). It only waits in ``os.read``, so it is marked
    :func:`~briefing_tui.cache.workers.fork_safe`: the build still forks its workers (a cold
    build at 10,000 briefings written in one process took 54 s instead of 33 s)."""
    from briefing_tui.cache.workers import fork_safe

    thread = fork_safe(threading.Thread(target=_watch_parent, args=(fd, stop), daemon=True))
    thread.start()
    return thread


def child_main(stdin: IO[bytes], stdout: IO[str]) -> int:
    """The child: read the request, read the library (through its snapshot, parsing what
    it does not hold in worker processes, and saving it), say so, build the index, say how
    it went."""
    from briefing_tui.cache.snapshot import SUBDIR
    from briefing_tui.cache.workers import spare_a_core
    from briefing_tui.search import store
    from briefing_tui.search.scan import scan_library

    request = json.loads(stdin.readline() or b"{}")
    paths = [Path(p) for p in request["paths"]]
    cache_dir = Path(request["cache_dir"])
    stop = _Stop()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    watch_parent(stdin.fileno(), stop)
    with contextlib.suppress(OSError):
        os.nice(5)  # the app's interpreter comes first on a busy machine
    scanned = scan_library(paths, cache_dir / SUBDIR)  # as the `index` command reads it
    stdout.write("read\n")
    stdout.flush()
    # The index's workers leave the app a core. At 10,000 briefings on 2 cores, two of
    # them writing the index beside the app (even at the lowest priority) made one key in
    # 20 wait 50-90 ms for its frame, against 9 ms with one; reading the library in two
    # beside it did not (benchmark `scale`, navigation while the index builds).
    spare_a_core()
    stop.building = True  # from now on, stopping removes the work directory first
    if stop.is_set():
        return 3
    last = [0.0]

    def report(done: int, total: int) -> None:
        if stop.is_set():
            raise BuildCancelled("stopped by the app")
        now = time.monotonic()
        if now - last[0] >= TICK or done == total:  # (unread until the app's index waits)
            last[0] = now
            stdout.write(f"progress {done} {total}\n")
            stdout.flush()

    try:
        opened = store.open_or_build(scanned.library, cache_dir, report, plan=scanned.plan)
    except BuildCancelled:
        return 3
    opened.searcher.close()
    stdout.write(f"done {opened.status}\n")
    stdout.flush()
    return 0


if __name__ == "__main__":
    code = child_main(sys.stdin.buffer, sys.stdout)
    sys.stdout.flush()
    os._exit(code)  # at once: freeing a large library object by object takes seconds
