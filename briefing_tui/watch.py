"""Watching a library for edits: stat snapshots, their differences, and reloading what changed.

Imports no Textual. The app runs a :class:`WatchLoop` in a background thread: it waits for
the operating system's file events (inotify, FSEvents, ReadDirectoryChangesW, through
`watchfiles <https://watchfiles.helpmanual.io>`_) on the folders a :class:`LibraryWatcher`
depends on (:meth:`LibraryWatcher.watch_targets`), and polls the watcher when some arrive.
While nothing changes, nothing is statted: stat-polling a library of 10,000 briefings twice a
second took 20-30% of a core while idle. Where file events are not available (watchfiles
missing or failing) the loop polls every ``interval`` instead; where the environment asks for
polling (``WATCHFILES_FORCE_POLLING``, or WSL) watchfiles polls those folders itself.

A poll only *stats*: the library's directories (to notice new, deleted and renamed files), its
briefing files and the articles they read. Events only say *when* to look; what changed is
always decided by the stats. Nothing is read unless a stat changed, and then only the files
concerned are loaded again (with :func:`briefing_tui.briefing.library.load_one`) and the
library is re-assembled (with :func:`briefing_tui.briefing.library.assemble_on_demand`: the
briefings that did not change are not read again, their summaries are kept). An article that
changed re-loads every briefing that reads it.

A save that breaks a briefing does not replace what is shown: the last version that loaded
without errors stays in the library, and the errors of the file on disk are added to the
library's problems until the file is fixed.

File system timestamps are coarse (a few milliseconds on Linux, up to two seconds on FAT): a
second write within one tick can leave the time and even the size unchanged. As git does for
its index, a file modified within that tick of when it was read is *racy*: it is read once
more after the tick has passed, and a re-read that finds the same content reports nothing.
Timestamps in whole milliseconds or coarser (FAT, HFS+, many network file systems) count as
:data:`RACY_NS` long; finer ones (ext4, XFS, Btrfs, tmpfs, APFS) as :data:`FINE_RACY_NS`.
A directory that is racy is listed again (names only, no stat) on every poll until it is not.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from briefing_tui.briefing.files import RACY_NS, FileStat, Signature, is_racy, stat_path
from briefing_tui.briefing.library import (
    Filed,
    Library,
    assemble_on_demand,
    briefing_files,
    filed,
    load_one,
)
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.results import LoadResult

Stats = Mapping[Path, FileStat | None]

log = logging.getLogger(__name__)


class LoadStopped(Exception):
    """The library's load was stopped (the app is exiting)."""


@dataclass(frozen=True, slots=True)
class StatDiff:
    """How two snapshots differ: paths that appeared, went away, or changed."""

    added: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    changed: tuple[Path, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_stats(old: Stats, new: Stats) -> StatDiff:
    """The difference between two snapshots (a path whose stat is None does not exist)."""
    added = [p for p, s in new.items() if s is not None and old.get(p) is None]
    removed = [p for p, s in old.items() if s is not None and new.get(p) is None]
    changed = [p for p, s in new.items() if s is not None and old.get(p) not in (None, s)]
    return StatDiff(tuple(sorted(added)), tuple(sorted(removed)), tuple(sorted(changed)))


def listing(path: Path) -> frozenset[str] | None:
    """The names in a directory (None when it cannot be listed): no stat, no reading."""
    try:
        return frozenset(os.listdir(path))
    except (OSError, ValueError):
        return None


def watched_dirs(paths: Iterable[Path]) -> dict[Path, FileStat | None]:
    """The state of every directory whose listing decides the library's files.

    Each root as it is (a directory, a file, or missing), and every directory under a root
    directory except hidden ones (their briefings are never loaded). Symlinked directories
    are not entered, as :func:`briefing_tui.briefing.library.briefing_files` does not enter them.
    """
    out: dict[Path, FileStat | None] = {}
    for root in paths:
        state = stat_path(root)
        if state is None or state.kind != "dir":
            # Only the kind matters: a file root's own edits are the file's business.
            out[root] = None if state is None else FileStat(0, 0, 0, 0, state.kind)
            continue
        out[root] = state
        for folder, dirs, _files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for d in dirs:
                path = Path(folder) / d
                out[path] = stat_path(path)
    return out


@dataclass(frozen=True, slots=True)
class Reload:
    """What one poll found, and the library to show now."""

    library: Library
    added: tuple[Path, ...] = ()  # briefing files that appeared
    removed: tuple[Path, ...] = ()  # briefing files that went away
    reloaded: tuple[Path, ...] = ()  # files read again whose result changed
    broken: tuple[LoadResult, ...] = ()  # added or reloaded files that have errors
    fixed: tuple[Path, ...] = ()  # of those, the ones that had errors and now have none
    failing: tuple[LoadResult, ...] = ()  # every file of the library that has errors now
    kept: tuple[Path, ...] = ()  # failing files whose last good version is still shown
    changed_ids: frozenset[str] = frozenset()  # briefings shown differently (or not at all)


def _shown_after(old: LoadResult | None, new: LoadResult) -> LoadResult:
    """What to show after ``new`` was read: it, unless it would replace a better version.

    A result without errors always shows. One with errors shows only where nothing without
    errors was shown before (a partly loaded briefing beats an older partly loaded one; an
    unreadable file never replaces a version that loaded).
    """
    if old is None or new.ok:
        return new
    if old.ok:
        return old
    return new if new.briefing is not None or old.briefing is None else old


class Store(Protocol):
    """Where a watcher's results can be read again instead of kept in memory (the library
    snapshot: :class:`briefing_tui.cache.snapshot.LibraryCache`)."""

    def remembered(self, path: Path | str) -> bool: ...
    def recall(self, path: Path | str) -> LoadResult | None: ...
    def digest_of(self, path: Path | str) -> str | None: ...
    def kept_signature(self, path: Path | str) -> Signature | None: ...
    def reuse(self, path: Path, sig: Signature) -> bool: ...


class Known(Protocol):
    """The summaries a watcher made of its files in an earlier run, kept with the store's
    results (:class:`briefing_tui.cache.summaries.SummaryFile`): name -> (the signature of
    the file it was made from, the summary, the article's path)."""

    def read(self) -> dict[str, tuple[Signature, Filed, str]]: ...
    def write(self, kept: dict[str, tuple[Signature, Filed, str]]) -> None: ...


class LibraryWatcher:
    """The library under ``paths``, kept up to date by :meth:`poll`.

    Use from one thread at a time: :meth:`load` once, then :meth:`poll` periodically.

    The library is an :class:`~briefing_tui.briefing.library.OnDemandLibrary`. With a
    ``store`` the results it can read again are not kept (a summary of each briefing is):
    only those with problems, those the store does not remember (and every file read again
    since) are. Without one, every result is kept.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        margin_ns: int = RACY_NS,
        clock: Callable[[], int] = time.time_ns,
        loader: Callable[[Path], LoadResult] = load_one,
        store: Store | None = None,
        known: Known | None = None,
    ) -> None:
        self.paths = tuple(paths)
        self.known = known if store is not None else None
        self.margin_ns = margin_ns
        self.clock = clock
        self.loader = loader
        self.store = store
        self.library: Library = Library(())
        self.reads = 0  # files read so far (briefings and, through them, articles)
        self.polls = 0
        self._dirs: dict[Path, FileStat | None] = {}
        self._names: dict[Path, frozenset[str] | None] = {}  # racy directories' listings
        self._files: list[Path] = []
        self._list_problems: tuple[Problem, ...] = ()
        self._stats: dict[Path, FileStat | None] = {}  # each briefing file, when last read
        self._racy: set[Path] = set()  # briefing files to read once more when no longer racy
        self._filed: dict[Path, Filed] = {}  # each file as the library shows it, summarised
        self._held: dict[Path, LoadResult] = {}  # results kept (the others: store.recall)
        self._newer: dict[Path, LoadResult] = {}  # the file on disk, where it is not shown
        self._digests: dict[Path, str] = {}  # the store's, for files not read again since
        self._sources: dict[Path, Path] = {}  # briefing file -> its article (last known)
        self._source_stats: dict[Path, FileStat | None] = {}
        self._racy_sources: set[Path] = set()

    # -- reading ------------------------------------------------------------------------------

    def load(self, stop: threading.Event | None = None) -> Library:
        """Load the whole library (stat first, then read: no edit can slip between).

        ``stop`` set (the app is exiting) ends the load within a few files, raising
        :class:`LoadStopped`."""
        now = self.clock()
        self._relist(now)
        store = self.store
        known = self.known.read() if self.known is not None else {}
        reused = 0
        for k, f in enumerate(self._files):
            if stop is not None and not k % 32 and stop.is_set():
                raise LoadStopped("the library's load was stopped")
            if known and self._reuse(f, known.get(str(f)), now):
                reused += 1
                continue
            self._read(f, now)
            if store is not None and f not in self._newer and store.remembered(f):
                result = self._held[f]
                if not result.problems:
                    del self._held[f]  # read again from the store when asked for
                digest = store.digest_of(f)
                if digest is not None:
                    self._digests[f] = digest
        self.library = self._assemble()
        if self.known is not None and (reused != len(self._files) or len(known) != reused):
            self.known.write(self._keepable())
        return self.library

    def _reuse(self, path: Path, kept: tuple[Signature, Filed, str] | None, now: int) -> bool:
        """Take the file as summarised in an earlier run (``kept``), reading nothing, when
        the store still holds its result made from the same file (see Known)."""
        store = self.store
        if kept is None or store is None:
            return False
        sig, filed_, source = kept
        stat = stat_path(path)
        if stat is None or is_racy(stat, now, self.margin_ns) or not store.reuse(path, sig):
            return False
        self._stats[path] = stat
        self._filed[path] = filed_
        digest = store.digest_of(path)
        if digest is not None:
            self._digests[path] = digest
        self._note_source(path, Path(source), now)
        return True

    def _keepable(self) -> dict[str, tuple[Signature, Filed, str]]:
        """The summaries to keep for the next run: of files the store keeps, read whole
        (none held for its problems, none newer on disk)."""
        store = self.store
        out: dict[str, tuple[Signature, Filed, str]] = {}
        for f in self._files:
            source = self._sources.get(f)
            if store is None or source is None or f in self._held or f in self._newer:
                continue
            sig = store.kept_signature(f)
            if sig is not None:
                out[str(f)] = (sig, self._filed[f], str(source))
        return out

    def _relist(self, now: int) -> None:
        self._dirs = watched_dirs(self.paths)
        self._names = {
            d: listing(d)
            for d, s in self._dirs.items()
            if s is not None and s.kind == "dir" and is_racy(s, now, self.margin_ns)
        }
        files, problems = briefing_files(self.paths)
        self._files = files
        self._list_problems = tuple(problems)

    def _shown(self, path: Path) -> LoadResult | None:
        """The file as the library shows it (None: not read yet)."""
        held = self._held.get(path)
        if held is not None or path not in self._filed:
            return held
        recalled = self.store.recall(path) if self.store is not None else None
        if recalled is None:  # the store lost it: as on disk (a poll reads any change)
            recalled = self._held[path] = self.loader(path)
        return recalled

    def _latest(self, path: Path) -> LoadResult | None:
        """The file as last read from disk (None: not read yet)."""
        newer = self._newer.get(path)
        return newer if newer is not None else self._shown(path)

    def _read_shown(self, name: str) -> LoadResult:
        """A file's result for the library (by the name it has there)."""
        path = Path(name)
        found = self._shown(path)
        return found if found is not None else self.loader(path)

    def _read(self, path: Path, now: int) -> LoadResult:
        stat = stat_path(path)
        result = self.loader(path)
        self.reads += 1
        before = self._latest(path) if path in self._filed else None
        if before is not None and result == before:
            result = before  # the same content: keep the objects the app already shows
        self._stats[path] = stat
        if is_racy(stat, now, self.margin_ns):
            self._racy.add(path)
        else:
            self._racy.discard(path)
        old_shown = self._shown(path) if path in self._filed else None
        shown = _shown_after(old_shown, result)
        if shown is not old_shown:
            self._held[path] = shown
            self._filed[path] = filed(shown)
            self._digests.pop(path, None)
        if shown is result:
            self._newer.pop(path, None)
        else:
            self._newer[path] = result
        if result.briefing is not None:
            self._note_source(path, result.briefing.source.path, now)
        return result

    def _note_source(self, path: Path, source: Path, now: int) -> None:
        self._sources[path] = source
        if source not in self._source_stats:
            # Taken after the article was read: an edit in between leaves it recent
            # (racy), so the briefing is read again once the interval has passed.
            stat = stat_path(source)
            self._source_stats[source] = stat
            if is_racy(stat, now, self.margin_ns):
                self._racy_sources.add(source)

    def _assemble(self) -> Library:
        problems = list(self._list_problems)
        for f in self._files:
            newer = self._newer.get(f)
            if newer is not None:
                problems.extend(newer.problems)  # the file on disk, not the version shown
        digests = {
            s.id: d for f, d in self._digests.items() if (s := self._filed[f].summary) is not None
        }
        return assemble_on_demand(
            [self._filed[f] for f in self._files],
            self._read_shown,
            {str(f): r for f, r in self._held.items()},
            problems,
            digests,
        )

    # -- polling ------------------------------------------------------------------------------

    def _ready(self, stat: FileStat | None, now: int) -> bool:
        """A racy path may be read again: its interval has passed."""
        return stat is None or not is_racy(stat, now, self.margin_ns)

    def poll(self) -> Reload | None:
        """Stat everything watched; read what changed. None when nothing did."""
        self.polls += 1
        now = self.clock()
        old_files = list(self._files)
        old_problems = self._list_problems
        if watched_dirs_changed(self._dirs) or self._racy_listing_changed(now):
            self._relist(now)
        current = set(self._files)
        removed = [f for f in old_files if f not in current]
        to_read: list[Path] = []
        for f in self._files:
            if f not in self._filed:
                to_read.append(f)
                continue
            stat = stat_path(f)
            if stat != self._stats.get(f) or (f in self._racy and self._ready(stat, now)):
                to_read.append(f)
        wanted = set(to_read)
        for source, old in list(self._source_stats.items()):
            stat = stat_path(source)
            racy_done = source in self._racy_sources and self._ready(stat, now)
            if stat == old and not racy_done:
                continue
            self._source_stats[source] = stat
            if is_racy(stat, now, self.margin_ns):
                self._racy_sources.add(source)
            else:
                self._racy_sources.discard(source)
            for f in self._files:
                if self._sources.get(f) == source and f not in wanted:
                    wanted.add(f)
                    to_read.append(f)

        old_shown = {f: self._shown(f) for f in [*to_read, *removed]}
        old_latest = {f: self._latest(f) for f in to_read}
        for f in removed:
            for state in (self._stats, self._filed, self._held, self._newer, self._digests):
                state.pop(f, None)
            self._sources.pop(f, None)
            self._racy.discard(f)
        added = [f for f in to_read if old_latest[f] is None]
        reloaded: list[Path] = []
        for f in to_read:
            before = old_latest[f]
            result = self._read(f, now)
            if before is not None and result != before:
                reloaded.append(f)
        self._forget_sources()

        if not (added or removed or reloaded) and self._list_problems == old_problems:
            return None
        self.library = self._assemble()
        changed_ids: set[str] = set()
        for f, before_shown in old_shown.items():
            after = self._shown(f) if f in self._filed else None
            if after == before_shown:
                continue
            for r in (before_shown, after):
                if r is not None and r.briefing is not None:
                    changed_ids.add(r.briefing.id)
        latest = {f: r for f in [*added, *reloaded] if (r := self._latest(f)) is not None}
        broken = tuple(r for r in latest.values() if not r.ok)
        fixed = tuple(
            f for f in reloaded if latest[f].ok and (b := old_latest[f]) is not None and not b.ok
        )
        # a file with errors is always kept (it has problems): the others need not be read
        failing = tuple(
            r
            for f in self._files
            if (r := self._newer.get(f) or self._held.get(f)) is not None and not r.ok
        )
        kept = tuple(f for f in self._files if f in self._newer)
        return Reload(
            self.library,
            tuple(added),
            tuple(removed),
            tuple(reloaded),
            broken,
            fixed,
            failing,
            kept,
            frozenset(changed_ids),
        )

    def _racy_listing_changed(self, now: int) -> bool:
        """Whether a directory whose time may hide a change lists other names now."""
        settled = []
        for d, names in self._names.items():
            if listing(d) != names:
                return True
            if not is_racy(self._dirs.get(d), now, self.margin_ns):
                settled.append(d)  # listed once more after its tick: no longer racy
        for d in settled:
            del self._names[d]
        return False

    def _forget_sources(self) -> None:
        used = set(self._sources.values())
        for source in [s for s in self._source_stats if s not in used]:
            del self._source_stats[source]
            self._racy_sources.discard(source)

    # -- state, for the app and tests ---------------------------------------------------------

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(self._files)

    @property
    def sources(self) -> tuple[Path, ...]:
        """The articles watched: those read by the library's briefings (last known)."""
        return tuple(self._source_stats)

    def latest(self, path: Path) -> LoadResult | None:
        """The file as last read from disk (which the library may not show)."""
        return self._latest(path) if path in self._filed else None

    @property
    def racy_pending(self) -> bool:
        """Whether a file or a directory waits to be read (or listed) once more after its
        timestamp tick: a poll is due then even if no event arrives."""
        return bool(self._racy or self._racy_sources or self._names)

    def watch_targets(self) -> tuple[Path, ...]:
        """The folders whose file events may change what a poll finds (watched one by one,
        not recursively).

        Every directory whose listing decides the library's files (as :func:`watched_dirs`:
        hidden ones are not), the folder of every article read, wherever it is, and of the
        target of every symlinked briefing or article. A root that is a file is watched
        through its folder; a missing root, or a missing folder, through the nearest folder
        above it that exists (its appearing changes the targets).
        """
        folders: set[Path] = set()
        out: set[Path] = set()
        for path, state in self._dirs.items():
            if state is not None and state.kind == "dir":
                out.add(path)
            else:
                folders.add(path.parent if state is not None else path)
        for path in [*self._files, *self._source_stats]:
            folders.add(path.parent)
            if os.path.islink(path):
                folders.add(Path(os.path.realpath(path)).parent)
        out.update(_existing_folder(f) for f in folders - out)
        return tuple(sorted(out))


def _existing_folder(path: Path) -> Path:
    """``path``, or the nearest directory above it that exists."""
    while not path.is_dir() and path.parent != path:
        path = path.parent
    return path


def watched_dirs_changed(before: Mapping[Path, FileStat | None]) -> bool:
    """Whether any watched directory (or root) changed since ``before`` was taken.

    Stats only the directories already known: a new subdirectory changes its parent.
    """
    for path, old in before.items():
        now = stat_path(path)
        if old is None or old.kind != "dir":
            kind = None if now is None else now.kind
            if kind != (None if old is None else old.kind):
                return True
            continue
        if now != old:
            return True
    return False


# -- the watch loop ---------------------------------------------------------------------------

TRIGGER_EVENTS = "events"  # the operating system's file events, through watchfiles
TRIGGER_POLLING = "polling"  # watchfiles polling the watched folders (asked for by the environment)
TRIGGER_INTERVAL = "interval"  # a poll every interval: watchfiles missing or failing
SETUP_ATTEMPTS = 3  # watchfiles failing to start this many times in a row: poll instead


def polling_forced(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks watchfiles to poll (``WATCHFILES_FORCE_POLLING``, as
    watchfiles reads it; watchfiles also polls on WSL)."""
    value = environ.get("WATCHFILES_FORCE_POLLING", "")
    return bool(value) and value.lower() not in {"false", "disable", "disabled"}


class WatchLoop:
    """Keeps a :class:`LibraryWatcher` polled when its files change, until ``stop`` is set.

    :meth:`run` blocks (run it in a thread). Each poll that finds a change is handed to
    ``deliver``, which returns False when nobody wants more. What :meth:`LibraryWatcher.poll`
    or ``deliver`` raise ends the loop and propagates (a bug: the caller reports it).

    With file events (``use_events``) the loop blocks in :func:`watchfiles.watch` over
    :meth:`LibraryWatcher.watch_targets` and polls:

    - when events arrive (watchfiles groups a burst of them, 50 ms after the last);
    - once right after watching starts (or starts again): what changed since the library
      was loaded, or between two watches, is found by the stats;
    - every ``interval`` while the watcher has racy files (:attr:`LibraryWatcher.racy_pending`:
      a write may hide behind an unchanged time, and it sends no further event).

    When the targets change (a folder or an article appeared or went away), watching starts
    again on the new ones. watchfiles is imported here, in the loop's thread, not before. If
    it cannot be imported, or fails to start :data:`SETUP_ATTEMPTS` times in a row, the
    loop polls every ``interval`` instead (:data:`TRIGGER_INTERVAL`), logs why, and says so
    in :attr:`fallback`.
    """

    def __init__(
        self,
        watcher: LibraryWatcher,
        stop: threading.Event,
        deliver: Callable[[Reload], bool],
        *,
        interval: float = 0.5,
        use_events: bool = True,
    ) -> None:
        self.watcher = watcher
        self.stop = stop
        self.deliver = deliver
        self.interval = interval
        self.use_events = use_events
        self.trigger = ""  # one of the TRIGGER_ names once running
        self.fallback = ""  # why file events are not used ("" while they are)
        self.wakeups = 0  # times the loop woke: events, timeouts, intervals
        self.watches = 0  # times watching (re)started

    def run(self) -> None:
        if self.use_events:
            reason = self._run_events()
            if reason is None:
                return
            self.fallback = reason
            log.info("live reload polls every %.1f s: %s", self.interval, reason)
        self._run_interval()

    def _poll(self) -> bool:
        """Poll the watcher and deliver what changed; False when nobody wants more."""
        change = self.watcher.poll()
        return change is None or self.deliver(change)

    def _run_interval(self) -> None:
        self.trigger = TRIGGER_INTERVAL
        while not self.stop.wait(self.interval):
            self.wakeups += 1
            if not self._poll():
                return

    def _run_events(self) -> str | None:
        """Watch with watchfiles until stopped (None), or say why it cannot be used."""
        try:
            import watchfiles
        except Exception as exc:  # not installed, or its compiled part does not load
            return f"watchfiles cannot be imported ({type(exc).__name__}: {exc})"
        self.trigger = TRIGGER_POLLING if polling_forced() else TRIGGER_EVENTS
        timeout_ms = max(1, round(self.interval * 1000))
        targets = self.watcher.watch_targets()
        failures = 0
        while not self.stop.is_set():
            changes = watchfiles.watch(
                *targets,
                watch_filter=None,  # every change: the stats decide what it was
                stop_event=self.stop,
                rust_timeout=timeout_ms,
                yield_on_timeout=True,
                raise_interrupt=False,
                poll_delay_ms=timeout_ms,  # when watchfiles polls
                recursive=False,  # the targets are every folder that matters, one by one
                ignore_permission_denied=True,
            )
            self.watches += 1
            started = False
            try:
                while True:
                    try:
                        batch = next(changes)
                    except StopIteration:
                        return None  # stopped
                    except Exception as exc:  # watching could not start, or broke
                        failures += 1
                        if failures >= SETUP_ATTEMPTS:
                            return f"watchfiles failed ({type(exc).__name__}: {exc})"
                        break  # poll, then watch the folders that exist now
                    self.wakeups += 1
                    if started and not batch and not self.watcher.racy_pending:
                        continue  # a timeout, with nothing to read again
                    started = True
                    failures = 0
                    if not self._poll():
                        return None
                    new_targets = self.watcher.watch_targets()
                    if new_targets != targets:
                        targets = new_targets
                        break
            finally:
                changes.close()
            if not started:
                if not self._poll():
                    return None
                targets = self.watcher.watch_targets()
        return None
