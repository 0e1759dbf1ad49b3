"""A snapshot of a parsed library, so that opening it again skips YAML parsing and checking.

Loading a briefing (YAML parse, validation, sentence splitting, evidence mapping) costs a few
milliseconds; a library of thousands of briefings takes seconds. What a load produces
(:class:`briefing_tui.briefing.loader.LoadResult`, frozen dataclasses) depends only on the briefing
file, the article it reads and the code that loads (problems name files relative to the
working directory: each entry keeps where it was loaded from, and a result read from another
working directory names its file as seen from there). So the app keeps the results of its last
load in the user's cache directory (:func:`briefing_tui.paths.cache_dir`), one snapshot per
library (the paths given, made absolute: any working directory reuses it), and reuses a
file's result while:

- the briefing file has the same path, size, modification and change times (ns) and inode;
- its article has too (through the path the briefing names, and the path it resolved to);
- briefing-tui's version, the loader's code, Python's version and :data:`FORMAT` are the same;
- neither file had been modified within :data:`RACY_NS` of being read (timestamps are
  coarse: a second write within one tick can leave time and size unchanged, as git knows
  for its index), so a racy file is loaded again until it is not.

Anything else is loaded again, alone, and the library re-assembled with
:func:`briefing_tui.briefing.library.assemble`; the result is the library a fresh load gives.

A snapshot is written atomically (a temporary file, then a rename) into a directory only the
user may enter, and read only when it is a regular file owned by the user that no one else
may write (unpickling runs code: a snapshot anyone else could have written is ignored; only
briefing-tui's own classes are accepted). Any problem with a snapshot (missing, corrupt,
stale, unsafe, unwritable) means a full load: the cache can make loading faster, never fail.

The app's library (:func:`briefing_tui.cache.opening.open_library`) keeps a summary of each
briefing and reads a briefing again, when it is shown, from the snapshot saved after loading
(:meth:`LibraryCache.recall`).

Each entry also keeps the file's summary (its briefing's id, a digest given by the caller (the
search index's content hash), its error lines and how many warnings): :meth:`LibraryCache.scan`
answers from those alone for ``search`` and ``index`` (many files to load: worker processes,
:mod:`briefing_tui.cache.workers`), and the app's load from those and the summaries kept
beside (:mod:`briefing_tui.cache.summaries`). Results loaded in a run are spooled beside.

``briefing-tui validate`` does not use it: it always reads and checks every file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from briefing_tui.briefing.files import Signature, signature
from briefing_tui.briefing.library import (
    BriefingReader,
    Library,
    assemble,
    first_files,
    load_one,
)
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.results import LoadResult, display_path
from briefing_tui.cache.byproducts import Byproducts, Spot
from briefing_tui.cache.diskfile import (
    append_index,
    article_unchanged,
    index_place,
    open_to_append,
    place_results,
    prune,
    pwrite_all,
    remove_abandoned,
    safe_to_read,
)
from briefing_tui.cache.fingerprint import code_fingerprint
from briefing_tui.cache.loading import (
    Digest,
    Extra,
    _keepable,
    _load,
    _load_in_worker,
    _Loaded,
    _start_worker,
    _summarise,
    _Summary,
)
from briefing_tui.cache.pickles import Located, _result_at, _unpickle
from briefing_tui.collector import gc_paused

FORMAT = 6  # bump when the snapshot's layout changes
# The file: MAGIC, where the index lies (offset and length, 8 bytes each, little-endian), the
# pickled results one after the other, then the index (a pickle of the header, per briefing
# file its signatures, its summary and where its pickled result lies in the file, and the
# library's listing (cache/listing.py) or None). A save that changes a few files appends
# their results and a new index and then points the start at it (cache/diskfile.py:
# append_index); what was appended before is never changed, so a reader holding the file
# open reads on; the file is written anew when most of it would be left behind.
MAGIC = b"BTLIBv6\n"
SUBDIR = "libraries"
MAX_SNAPSHOTS = 8  # libraries remembered; the oldest go first
APPEND_SLACK = 1 << 20  # bytes of results no entry uses that a snapshot may hold beyond half
MAX_INDEX_BYTES = 512 * 1024 * 1024  # far beyond any real library: refuse to read more
MAX_SNAPSHOT_BYTES = 64 * MAX_INDEX_BYTES  # the results of 100,000 briefings take ~1 GB


class Scanned(NamedTuple):
    """What :meth:`LibraryCache.scan` tells of one briefing file, without its briefing.

    (A named tuple, as :class:`_Entry`: made for every file of every scan, at a third of
    a frozen dataclass's cost; benchmark `commands`.)"""

    path: str  # as listed (a Path is made only for a file loaded)
    id: str | None  # None: the file loads no briefing
    digest: str | None  # LibraryCache's ``digest`` of the load result (None without one)
    errors: tuple[str, ...]  # the file's errors, one line each (path:line:col: message)
    warnings: int
    loaded: bool  # parsed in this scan (not taken from the snapshot)
    extra: Spot | None = None  # where LibraryCache's ``extra`` of the result is kept


class _Entry(NamedTuple):
    """One briefing file's load result and what it was read from."""

    file: Signature
    source: tuple[str, str, Signature] | None  # (named path, resolved path, signature)
    # where the pickled LoadResult is: (_OLD, offset, length) in the snapshot read, or
    # (_SPOOL, offset, length) in the spool of results loaded since
    blob: tuple[int, int, int]
    summary: _Summary | None = None
    # the working directory it was loaded from and the file's name as shown from there
    # (its problems name it so): read from elsewhere, that name is replaced
    origin: tuple[str, str] = ("", "")


_OLD, _SPOOL = 0, 1
_RECALL_LOCK = threading.Lock()


class LibraryCache:
    """The library under ``paths``, loaded through its snapshot in ``directory``.

    ``directory`` defaults to ``<cache_dir>/libraries``. Typical use::

        cache = LibraryCache(paths)
        library = cache.load()  # reads the snapshot, loads what changed, saves the snapshot

    or, to show something before everything is loaded, :meth:`first` and then :meth:`load`.
    Use from one thread at a time.
    """

    _fd: int | None = None  # the snapshot file, open while its results may be read
    kept = False  # finish(keep=True) kept the snapshot as read open
    _spool: tuple[int, str] | None = None  # results loaded since: (fd, its name or '')

    def __init__(
        self,
        paths: Sequence[Path],
        directory: Path | None = None,
        *,
        freeze: bool = False,
        digest: Digest | None = None,
        extra: Extra | None = None,
    ) -> None:
        self.paths = tuple(paths)
        self.freeze = freeze  # see gc_paused
        # kept in each entry's summary, so that scan() tells it without unpickling (the
        # search index's content hash); entries written without one get it when scanned
        self.digest = digest
        if directory is None:
            from briefing_tui.paths import cache_dir

            directory = cache_dir() / SUBDIR
        self.directory = directory
        # made in the load of each file a scan parses, kept until let go (cache/byproducts.py)
        self.extra = extra
        self.byproducts = Byproducts(directory)
        try:
            self._cwd = str(Path.cwd())
        except OSError:
            self._cwd = ""
        # the paths made absolute (not resolved): the same snapshot from any directory
        self._key = tuple(os.path.normpath(self._abs(str(p))) for p in self.paths)
        name = hashlib.sha256(repr(self._key).encode("utf-8", "surrogatepass")).hexdigest()
        self.file = directory / f"library-{name[:24]}.pickle"
        self.hits = 0  # results taken from the snapshot
        self.misses = 0  # files loaded (no snapshot entry, or a stale or racy one)
        self.snapshot_error: str | None = None  # why the snapshot was not used, if it was not
        self._old: dict[str, tuple[object, ...]] | None = None  # the index as read
        self._end = 0  # the snapshot file's size as read (its results lie before)
        self._new: dict[str, _Entry] = {}
        self._listing: tuple[list[Path], list[Problem]] | None = None
        self._names: tuple[list[str], list[Problem]] | None = None
        self._kept_listing: object = None  # the listing the snapshot read keeps
        # the articles' folders resolved, until finish() (see article_unchanged)
        self._real_dirs: dict[str, str] | None = {}
        self._listing_kept: object = None  # the listing to keep in the snapshot saved
        self._dirty = False
        self._finished = False
        self._fd = None
        self._spool = None
        self._spool_size = 0
        self._reader: LibraryCache | None = None  # the saved snapshot, for recall()
        # where its results lie (and the name to give the file in their problems, if another)
        self._spots: dict[str, tuple[tuple[int, int, int], tuple[str, str] | None]] = {}

    # -- the snapshot ---------------------------------------------------------------------

    def _header(self) -> tuple[object, ...]:
        return (FORMAT, self._key, code_fingerprint(FORMAT))

    def _read_snapshot(self) -> dict[str, tuple[object, ...]]:
        """The snapshot's index: every entry (as saved: see :meth:`_entry`) but its pickled
        result, which stays in the file (read when used): the first screen of a large
        library needs one of them."""
        if self._old is not None:
            return self._old
        self._old = {}
        try:
            fd = os.open(self.file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            self.snapshot_error = "no snapshot yet"
            return self._old
        except OSError as exc:
            self.snapshot_error = f"cannot open the snapshot: {exc}"
            return self._old
        try:
            if not safe_to_read(fd, MAX_SNAPSHOT_BYTES):
                os.close(fd)
                self.snapshot_error = "the snapshot is not safe to read (owner or mode)"
                return self._old
            # kept open: results are read from it when used (os.pread); benchmark rows
            # `first_paint` at 1,000 briefings and `load` (docs/benchmarks.md)
            self._fd = fd
            end = os.fstat(fd).st_size
            at, size = index_place(fd, MAGIC, end, MAX_INDEX_BYTES)
            head = os.pread(fd, size, at)
            if len(head) != size:
                raise ValueError("the snapshot is shorter than its start says")
            header, entries, self._kept_listing = _unpickle(head)
            if header != self._header():
                self.snapshot_error = "the snapshot is for another version or library"
                return self._old
            if not isinstance(entries, dict):
                raise ValueError("malformed index")
            # each entry is made when first looked up (_entry): most runs look up every
            # file, but making 10,000 of them here took half the time of reading the index
            self._end = end
            self._old = entries
        except Exception as exc:  # corrupt, truncated, foreign: load everything
            self.snapshot_error = f"unreadable snapshot ({type(exc).__name__})"
            self._old = {}
        return self._old

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self._spool is not None:
            fd, name = self._spool
            self._spool = None
            with contextlib.suppress(OSError):
                os.close(fd)
            if name:
                with contextlib.suppress(OSError):
                    os.unlink(name)

    def __del__(self) -> None:
        self._close()

    def _spooled(self, blob: bytes) -> tuple[int, int, int] | None:
        """Where ``blob`` (a result loaded now) is kept until the snapshot is saved: in a
        temporary file in its folder (nameless on POSIX), not in memory (a cold load of a
        large library would hold every result twice). None when it cannot be kept (then it
        is not remembered)."""
        try:
            if self._spool is None:
                self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd, name = tempfile.mkstemp(prefix=".spool-", dir=self.directory)
                if os.name == "posix":  # read and written through fd: no name left behind
                    os.unlink(name)  # when the process is killed (as an app quit mid-load)
                    name = ""
                self._spool, self._spool_size = (fd, name), 0
            fd = self._spool[0]
            offset = self._spool_size
            pwrite_all(fd, blob, offset)
        except OSError:
            return None
        self._spool_size += len(blob)
        return (_SPOOL, offset, len(blob))

    def save(self) -> bool:
        """Write the snapshot if anything changed since it was read; False if it could not be.

        When the snapshot read is still the file (no one replaced it or wrote to it since)
        and most of it is still used, only the results loaded since and a new index are
        appended to it (an edit at 10,000 briefings: kilobytes written, not 80 MB copied and
        freed); otherwise it is written anew beside and put in its place."""
        if not self._dirty:
            return True
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._write()
        except Exception:  # a read-only or full disk: the next start loads in full again
            return False
        self._dirty = False
        self._prune()
        return True

    def _write(self) -> None:
        new = self._new
        live = sum(e.blob[2] for e in new.values())
        added = sum(e.blob[2] for e in new.values() if e.blob[0] != _OLD)
        fd, tmp = None, None
        if self._fd is not None and self._old and self._end + added <= 2 * live + APPEND_SLACK:
            fd = open_to_append(self.file, self._fd, self._end, MAX_SNAPSHOT_BYTES)
        if fd is None:  # written anew (mkstemp: mode 0600, owned by this user)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=self.directory)
        try:
            try:
                index, end = place_results(
                    ((k, (e.file, e.source, e.summary, e.origin), e.blob) for k, e in new.items()),
                    {_OLD: self._fd, _SPOOL: self._spool[0] if self._spool else None},
                    fd,
                    len(MAGIC) + 16 if tmp else self._end,
                    None if tmp else _OLD,  # appended: what it holds stays where it is
                )
                head = (self._header(), index, self._listing_kept)
                append_index(fd, MAGIC, end, pickle.dumps(head, pickle.HIGHEST_PROTOCOL))
            finally:
                os.close(fd)  # (and the lock of one appended to)
            if tmp:
                os.replace(tmp, self.file)
        except BaseException:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise

    def _prune(self) -> None:
        """Keep the :data:`MAX_SNAPSHOTS` most recently written snapshots; remove what a
        process killed while writing one left (or its summaries, or a spool elsewhere)."""
        prune(self.directory, "library-*.pickle", MAX_SNAPSHOTS, self.file)
        remove_abandoned(self.directory, (".tmp-", ".spool-"))

    # -- loading ----------------------------------------------------------------------------

    def listing(self) -> tuple[list[Path], list[Problem]]:
        """The library's briefing files and listing problems (:func:`briefing_files`)."""
        if self._listing is None:
            names, problems = self.names()
            self._listing = [Path(n) for n in names], problems
        return self._listing

    def names(self) -> tuple[list[str], list[Problem]]:
        """:meth:`listing` as strings (:func:`briefing_names`)."""
        if self._names is None:
            from briefing_tui.cache.listing import list_library

            self._read_snapshot()
            kept = self._kept_listing if self._old else None  # (an index read and trusted)
            names, problems, self._listing_kept = list_library(self.paths, self._cwd, kept)
            self._names = names, problems
        return self._names

    def _abs(self, name: str) -> str:
        """A listed name as the snapshot keys it: absolute (the working directory joined
        to a relative one; not resolved, which would cost a system call per component)."""
        if name[:1] == os.sep or os.path.isabs(name):  # (the first test is the quick one)
            return name
        return os.path.join(self._cwd, name)

    def _renamed(self, entry: _Entry, path: Path | str) -> tuple[str, str] | None:
        """(the name the entry's problems give the file, the name to give it now), when
        they differ: loaded from another working directory."""
        cwd, shown = entry.origin
        if cwd == self._cwd:
            return None
        now = display_path(Path(path))
        return (shown, now) if now != shown else None

    def _valid(
        self, path: Path | str, sig: Signature | None, key: str | None = None
    ) -> _Entry | None:
        """The file's snapshot entry, when it still describes the file (and its article);
        ``key``: the file's name as the snapshot keys it, when known. The signature is
        compared with the entry as saved before anything is made of it (at 10,000 briefings
        this check is most of a warm `search`: benchmark `commands`)."""
        key = self._abs(str(path)) if key is None else key
        raw = self._read_snapshot().get(key)
        if sig is None or type(raw) is not tuple or not raw or raw[0] != sig:
            return None
        entry = self._entry(key)
        if entry is None or not article_unchanged(entry.source, self._real_dirs):
            return None
        return entry

    def _entry(self, key: str) -> _Entry | None:
        """The snapshot's entry for ``key`` (an absolute name), None when it has none or
        its result was cut short (then that file is loaded); a malformed one is ignored."""
        raw: Any = self._read_snapshot().get(key)
        if raw is None:
            return None
        try:
            file, source, summary, origin, offset, length = raw
        except (TypeError, ValueError):
            return None
        if not _lies_within(offset, length, self._end):
            return None
        return _Entry(file, source, (_OLD, offset, length), summary, origin)

    def _unpickled(self, entry: _Entry, path: Path) -> LoadResult | None:
        return self._unpickled_at(entry.blob, path, self._renamed(entry, path))

    def _unpickled_at(
        self, spot: tuple[int, int, int], path: Path, renamed: tuple[str, str] | None = None
    ) -> LoadResult | None:
        where, offset, length = spot
        fd = self._fd if where == _OLD else self._spool[0] if self._spool is not None else None
        return _result_at(fd, offset, length, path, renamed) if fd is not None else None

    def result(self, path: Path) -> LoadResult:
        """The file's load result: from the snapshot when still valid, else loaded now.

        A loader for :class:`briefing_tui.watch.LibraryWatcher` too (then :meth:`finish`).
        """
        if self._finished:  # a file reloaded later (live reload): nothing to remember
            self.misses += 1
            return load_one(path)
        key = self._abs(str(path))
        now = time.time_ns()
        sig = signature(path)
        entry = self._valid(path, sig)
        result = self._unpickled(entry, path) if entry is not None else None
        if entry is not None and result is not None:
            self.hits += 1
            self._new[key] = entry
            self._with_digest(key, result)
            return result
        result = load_one(path)
        self.misses += 1
        self._remember(key, path, sig, now, result)
        return result

    def _with_digest(self, key: str, result: LoadResult) -> None:
        """Give the file's entry its digest if it was written without one (made now, once)."""
        entry = self._new.get(key)
        if self.digest is None or entry is None or result.briefing is None:
            return
        if entry.summary is None or entry.summary[1] is None:
            self._new[key] = entry._replace(summary=self._summary(result))
            self._dirty = True

    def stored(self, path: Path | str) -> LoadResult:
        """The file's load result from the snapshot as it was read (unpickled when its entry
        still describes the file, else loaded now); nothing is remembered or saved. For
        reading a few briefings of a library that :meth:`scan` went through."""
        path = Path(path)
        entry = self._valid(path, signature(path))
        result = self._unpickled(entry, path) if entry is not None else None
        if result is None:
            self.misses += 1
            return load_one(path)
        self.hits += 1
        return result

    def located(self, path: Path | str) -> Located | None:
        """Where the file's pickled result lies in the snapshot as it was read, when its
        entry still describes the file: for :func:`~briefing_tui.cache.pickles.read_located`
        (in this process or in a worker forked from it, which shares the open file)."""
        entry = self._valid(path, signature(path))
        if entry is None or entry.blob[0] != _OLD or self._fd is None:
            return None
        return (self._fd, entry.blob[1], entry.blob[2], self._renamed(entry, path))

    def on_demand(self, paths: dict[str, str]) -> Library:
        """A library whose :meth:`~Library.briefing` reads a briefing (by id, from ``paths``:
        id -> file) when first asked for, through :meth:`stored`. Its ``briefings`` and
        ``results`` are empty: for showing search hits without loading the library."""
        reader = BriefingReader(lambda path: self.stored(path), paths, {})
        return Library((), _by_id=reader)  # type: ignore[arg-type]

    # -- the app's library, read on demand ------------------------------------------------

    def remembered(self, path: Path | str) -> bool:
        """Whether the file's result, as loaded in this run, goes into the snapshot saved by
        :meth:`finish` (so :meth:`recall` can read it again)."""
        return self._abs(str(path)) in self._new

    def digest_of(self, path: Path | str) -> str | None:
        """The ``digest`` of the file's result as loaded in this run (None if not known)."""
        entry = self._new.get(self._abs(str(path)))
        return entry.summary[1] if entry is not None and entry.summary is not None else None

    def kept_signature(self, path: Path | str) -> Signature | None:
        """The signature of the file whose result goes into the snapshot saved (None: none)."""
        entry = self._new.get(self._abs(str(path)))
        return entry.file if entry is not None else None

    def reuse(self, path: Path, sig: Signature) -> bool:
        """Take the file as :meth:`result` does without unpickling its result, when its entry
        still describes it, was made of the file with signature ``sig``, has no problems and
        its digest if one is wanted (the app's summary of it is kept elsewhere)."""
        entry = None if self._finished else self._valid(path, signature(path))
        s = entry.summary if entry is not None and entry.file == sig else None
        if entry is None or s is None or s[2] or s[3] or (s[1] is None and self.digest):
            return False
        self.hits += 1
        self._new[self._abs(str(path))] = entry
        return True

    def identity(self) -> tuple[object, ...]:
        """What a file kept beside the snapshot must have been written for: this code, this
        library, this working directory (its names and positions depend on it)."""
        return (*self._header(), self._cwd)

    def recall(self, path: Path | str) -> LoadResult | None:
        """The file's result as loaded in this run (before :meth:`finish`), or as the saved
        snapshot has it (after), whatever the file holds now; None when it is in neither.
        The app's library reads its briefings so, matching the summaries it made of them."""
        key = self._abs(str(path))
        if not self._finished:
            entry = self._new.get(key)
            return self._unpickled(entry, Path(path)) if entry is not None else None
        reader = self._saved()
        spot = self._spots.get(key)
        return reader._unpickled_at(spot[0], Path(path), spot[1]) if spot is not None else None

    def _saved(self) -> LibraryCache:
        """The saved snapshot, opened for :meth:`recall` (once; after :meth:`finish`)."""
        with _RECALL_LOCK:
            reader = self._reader
            if reader is None:
                reader = self._reader = LibraryCache(self.paths, self.directory)
                # only where each result lies (and the name its problems give the file,
                # when saved from another working directory) is kept, not its entry
                self._spots = {}
                for k in reader._read_snapshot():
                    e = reader._entry(k)
                    if e is not None:
                        self._spots[k] = (e.blob, reader._renamed(e, k))
                reader._old = {}
            return reader

    def _summary(self, result: LoadResult) -> _Summary:
        return _summarise(result, self.digest)

    def scan(
        self, progress: Callable[[int, int], None] | None = None, *, keep: bool = False
    ) -> list[Scanned]:
        """Every briefing file of the library, summarised (its briefing's id, digest and
        problems), in library order; only files the snapshot does not describe are loaded,
        and no result is unpickled but those of entries written without a summary (or a
        digest). Saves the snapshot, then lets go of it, as :meth:`load` does (``keep``: see
        :meth:`finish`).

        From :data:`PARALLEL_FROM` files to load on, they are loaded in worker processes
        (:mod:`briefing_tui.cache.workers`; ``digest`` must then be a module-level
        function), with the same results. ``progress(done, total)`` is called as files are
        done: those the snapshot describes first, then each file loaded.
        """
        files, _ = self.names()
        total = len(files)
        out: list[Scanned | None] = []
        loading: Iterator[_Loaded] = iter(())
        keys = [self._abs(name) for name in files]  # (made once per file)
        try:
            with gc_paused(self.freeze):
                out.extend(self._scan_hits(files, keys))
                misses = [i for i, s in enumerate(out) if s is None]
                done = total - len(misses)
                if progress is not None and (done or not total):
                    progress(done, total)
                loading = self._load_all([files[i] for i in misses])
                for i, loaded in zip(misses, loading, strict=True):
                    out[i] = self._take(files[i], loaded)
                    done += 1
                    if progress is not None:
                        progress(done, total)
        except BaseException:  # Ctrl+C: nothing saved, the spool removed, workers stopped
            getattr(loading, "close", lambda: None)()
            self._close()
            raise
        self.finish(files, keep=keep, keys=keys)
        return [s for s in out if s is not None]

    def _load_all(self, names: list[str]) -> Iterator[_Loaded]:
        """Each file loaded for the snapshot, in order: in worker processes when many."""
        if len(names) < PARALLEL_FROM or self.digest is None:
            return (_load(name, self._cwd, self.digest, self.extra) for name in names)
        from briefing_tui.briefing.confine import library_roots
        from briefing_tui.cache.workers import ordered_map

        return ordered_map(
            _load_in_worker,
            names,
            initializer=_start_worker,
            initargs=(library_roots(), self.digest, self.extra),
        )

    def _scan_hits(self, files: list[str], keys: list[str]) -> list[Scanned | None]:
        """:meth:`_scan_hit` of every file, the usual case (an entry whose file and article
        are unchanged, with a summary and no errors) done here in one loop: at 10,000
        briefings, the calls and objects of one file at a time were half of a warm
        `search`'s scan (benchmark `commands`). Anything else is left to :meth:`_scan_hit`."""
        snap = self._read_snapshot()
        real_dirs, new, end, digest = self._real_dirs, self._new, self._end, self.digest
        out: list[Scanned | None] = []
        hits = 0
        for name, key in zip(files, keys, strict=True):
            raw: Any = snap.get(key)  # as saved: checked here, as _entry checks it
            try:
                sig, source, summary, origin, offset, length = raw
                bid, found, errors, warnings = summary
            except (TypeError, ValueError):
                out.append(self._scan_hit(name, key))
                continue
            now = signature(name)
            if now is None:  # gone, or not a regular file
                out.append(None)
                continue
            if (
                errors
                or (bid and found is None and digest)
                or now != sig
                or not _lies_within(offset, length, end)
                or not article_unchanged(source, real_dirs)
            ):
                out.append(self._scan_hit(name, key))
                continue
            new[key] = _Entry(sig, source, (_OLD, offset, length), summary, origin)
            out.append(Scanned(name, bid, found, errors, warnings, False))
            hits += 1
        self.hits += hits
        return out

    def _scan_hit(self, key: str, absolute: str) -> Scanned | None:
        """The file's summary from the snapshot; None when the file must be loaded."""
        entry = self._valid(key, signature(key), absolute)
        if entry is None:
            return None
        summary = entry.summary
        if summary is None or (summary[0] and summary[1] is None and self.digest):
            result = self._unpickled(entry, Path(key))  # written without: made now, once
            summary = self._summary(result) if result is not None else None
            entry = entry._replace(summary=summary)
            self._dirty = True
        if summary is None:
            return None
        self.hits += 1
        self._new[absolute] = entry
        bid, digest, errors, warnings = summary
        renamed = self._renamed(entry, key) if errors else None
        if renamed is not None:  # loaded from another directory: name it as seen here
            old, new = (f"{name}:" for name in renamed)
            errors = tuple(new + e[len(old) :] if e.startswith(old) else e for e in errors)
        return Scanned(key, bid, digest, errors, warnings, loaded=False)

    def _take(self, name: str, loaded: _Loaded) -> Scanned:
        """A file loaded by the scan: its result kept for the snapshot when it may be."""
        self.misses += 1
        key = self._abs(name)
        self._dirty = True
        self._new.pop(key, None)
        if loaded.kept is not None:
            sig, source, blob = loaded.kept
            where = self._spooled(blob)
            if where is not None:
                origin = (self._cwd, loaded.shown)
                self._new[key] = _Entry(sig, source, where, loaded.summary, origin)
        extra = self.byproducts.put(loaded.extra) if loaded.extra is not None else None
        return Scanned(name, *loaded.summary, loaded=True, extra=extra)

    def _remember(
        self,
        key: str,
        path: Path,
        sig: Signature | None,
        now: int,
        result: LoadResult,
    ) -> None:
        """Keep ``result`` (of the file ``path``, ``key`` in the snapshot) for the next
        snapshot when it may be trusted next time."""
        self._dirty = True
        self._new.pop(key, None)
        kept = _keepable(path, sig, now, result, self._cwd)
        where = self._spooled(kept[2]) if kept is not None else None
        if kept is not None and where is not None:
            origin = (self._cwd, display_path(path))
            self._new[key] = _Entry(kept[0], kept[1], where, self._summary(result), origin)

    def first(self, files: Iterable[str] | None = None) -> Library | None:
        """A library of the first file (in library order) that loads a briefing, alone.

        For showing something before the whole library is loaded; None when no file loads
        a briefing. Its problems are not the library's (references to other briefings are
        reported missing): take problems from :meth:`load` only.

        Read from the file itself, found without listing the whole library
        (:func:`~briefing_tui.briefing.library.first_files`): for a large library, listing
        it and reading the snapshot's index take several times as long as parsing one file.
        """
        with gc_paused():
            for f in first_files(self.paths) if files is None else files:
                r = load_one(Path(f))
                if r.briefing is not None:
                    return assemble([r])
        return None

    def unknown(self) -> int:
        """How many of the library's files the snapshot has no entry for: every one when
        there is no snapshot, or one of other code (a cold load parses them all). The
        snapshot is read as :meth:`load` reads it (not twice); the listing is the kept one
        while no folder changed (~3 ms at 10,000 briefings)."""
        names, _ = self.names()
        snap = self._read_snapshot()
        return sum(1 for name in names if self._abs(name) not in snap)

    def reread(self) -> None:
        """Forget the snapshot and listing as read: another process has saved them since
        (:meth:`unknown`). Only before anything is loaded through this instance."""
        if self._new or self._finished:
            raise RuntimeError("results were loaded through this snapshot already")
        self._close()
        self._old = self._names = self._listing = self._kept_listing = None
        self._end, self._listing_kept, self._real_dirs, self.snapshot_error = 0, None, {}, None

    def load(self) -> Library:
        """The whole library, as :func:`briefing_tui.briefing.library.load_library` loads it.

        Saves the snapshot, then lets go of it: call once (a new instance loads again).
        """
        files, problems = self.listing()
        with gc_paused(self.freeze):
            results = [self.result(f) for f in files]
            library = assemble(results, problems)
        self.finish(files)
        return library

    def finish(
        self, files: Sequence[Path | str], *, keep: bool = False, keys: Iterable[str] = ()
    ) -> None:
        """The library is loaded (these are its files): save the snapshot, let go of it.

        ``keep``: when nothing needed saving, the snapshot as read stays open (``kept`` is
        True), for :meth:`stored` and :meth:`located` without reading its index again.
        ``keys``: the files' names as the snapshot keys them, when already made.
        """
        current = set(keys) or {self._abs(str(f)) for f in files}
        if self._old is not None and not current.issuperset(self._old):
            self._dirty = True  # files went away: drop them from the snapshot
        for k in list(self._new):
            if k not in current:
                del self._new[k]
                self._dirty = True
        self.kept = keep and not self._dirty and self._fd is not None
        self.save()
        self._new = {}
        self._finished = True
        self._real_dirs = None
        if not self.kept:
            self._old = {}  # the pickled copies are not needed
            self._close()


PARALLEL_FROM = 200  # files to load: from this many on, a scan loads them in workers


def _lies_within(offset: object, length: object, end: int) -> bool:
    """Whether a snapshot entry's result (``offset``, ``length``, as saved) lies between the
    snapshot's start and ``end``, the size it was read at."""
    return (
        type(offset) is int
        and type(length) is int
        and len(MAGIC) <= offset
        and 0 <= length <= MAX_INDEX_BYTES
        and offset + length <= end
    )


def load_library(paths: Sequence[Path], directory: Path | None = None) -> Library:
    """:func:`briefing_tui.briefing.library.load_library` through the snapshot cache (never fails
    because of the cache: any trouble with it means a full load)."""
    return LibraryCache(paths, directory).load()
