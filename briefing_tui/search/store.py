"""Where the search index lives, and how it is kept up to date (the core; no Textual).

Layout, under the user's cache directory (:func:`briefing_tui.paths.cache_dir`)::

    index/v<INDEX_VERSION>/<library key>/
        current                 the name of the generation in use (replaced atomically)
        g-<time>-<pid>-<rand>/  a generation: a complete Whoosh index, manifest.json
                                (each briefing's content hash) and words.txt (the vocabulary)
        tmp-<pid>-<rand>/       a generation being written by one process

A published generation is never modified. To bring the index up to date a process writes a
new generation in a directory of its own (hard links to the unchanged segment files of the
current generation, plus a new segment with the changed briefings), renames it into place
and then points ``current`` at it. Readers never take a lock and writers never share one,
so any number of processes can open, build and refresh the same index at once: none ever
waits on another or sees a LockError. The last to finish wins; all of them are correct.

The library key is a digest of the directory holding the library's files, so editing a
briefing keeps its index (and re-indexes that briefing only). A generation that cannot be
read (missing or truncated files, a garbage TOC, a manifest that does not match) is
ignored and rebuilt; an index of another INDEX_VERSION lives in another directory and is
deleted. When the cache directory cannot be written, the index is kept in memory.

Whoosh's TOC files are pickles, so the index is trusted no more than its folders: every
folder from the cache directory down, the pointer and every file of a generation must be
this user's and writable by no one else before Whoosh opens anything (:func:`distrust`);
an index that is not is rebuilt, or kept in memory when its folders are not.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing_tui.briefing.library import Library
from briefing_tui.search.results import BuildCancelled
from briefing_tui.search.schema import (
    INDEX_VERSION,
    SENTENCE_KIND,
    RawDoc,
    analysed,
    briefing_hash,
    make_schema,
    raw_documents,
)
from briefing_tui.search.trust import (
    UntrustedIndex,
    check_generation,
    distrust,
    distrust_folders,
    make_private,
    private_dirs,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]

MANIFEST = "manifest.json"
WORDS = "words.txt"
CURRENT = "current"
OPEN_ATTEMPTS = 3
# A generation no longer current is deleted once it is this old (a process that read the
# pointer just before it changed has long opened its files by then).
STALE_GENERATION_SECONDS = 60.0
# A work directory left by a process that died is deleted once it is this old.
STALE_WORK_SECONDS = 3600.0
# Flush a segment after this many postings, to bound the memory a build takes.
FLUSH_POSTINGS = 6_000_000
# Merge everything into one segment when this share of documents is deleted.
OPTIMIZE_DELETED_SHARE = 0.25


@dataclass
class OpenIndex:
    """An open, current index: the Whoosh index and what it holds."""

    ix: Any  # whoosh FileIndex
    searcher: Any  # a whoosh Searcher on it, scored by search_scoring.FastBM25F
    briefings: dict[str, str]  # briefing id -> content hash
    docs: int
    location: Path | None  # the generation directory; None when in memory
    status: str  # "cached", "updated", "built", "memory"
    reindexed: tuple[str, ...] = ()  # briefing ids (re)indexed by this open
    notice: str = ""  # said once: why the index on disk was refused (and rebuilt)
    _words: list[str] | None = field(default=None, repr=False)

    def words(self) -> list[str]:
        """The indexed vocabulary (folded, unstemmed words), sorted."""
        if self._words is None:
            words: list[str] = []
            if self.location is not None:
                try:
                    text = (self.location / WORDS).read_text(encoding="utf-8")
                    words = text.split("\n") if text else []
                except (OSError, UnicodeDecodeError):
                    words = []
            self._words = words
        return self._words


@dataclass(frozen=True)
class IndexPlan:
    """What the index must hold, told without the library: which index (``key``), each
    briefing's content hash (``wanted``: id -> :func:`briefing_hash`) and how to get the
    documents of a briefing to (re)index (``documents``: called only for those)."""

    key: str
    wanted: dict[str, str]
    documents: Callable[[str], Iterable[RawDoc]]
    # the analysed documents (:func:`analysed`) of these briefings, one list per briefing
    # in order: faster for many (worker processes); by default ``documents`` analysed here
    analysed: Callable[[Sequence[str]], Iterable[list[dict[str, Any]]]] | None = None

    def analysed_documents(self, bids: Sequence[str]) -> Iterable[list[dict[str, Any]]]:
        if self.analysed is not None:
            return self.analysed(bids)
        return ([analysed(raw) for raw in self.documents(bid)] for bid in bids)


def plan_of(library: Library) -> IndexPlan:
    """The :class:`IndexPlan` of a loaded library."""

    def documents(bid: str) -> list[RawDoc]:
        b = library.briefing(bid)
        return raw_documents(b) if b is not None else []

    return IndexPlan(library_key(library), wanted_hashes(library), documents)


def library_key(library: Library) -> str:
    """Which index a library uses: a digest of the directory holding its files."""
    return files_key(library.paths)


def files_key(paths: Iterable[Path | str]) -> str:
    """:func:`library_key` of the library of these files (each folder resolved once)."""
    dirs = []
    # each folder made absolute once (not each file: 10,000 of them at a time), found by
    # cutting each name at its last separator (os.path.dirname, a Python function, is
    # called once per folder: 10% of a warm search's scan at 10,000 briefings)
    if os.sep == "/" and not os.altsep:
        heads = {p[: p.rfind("/") + 1] for p in map(str, paths)}
    else:  # pragma: no cover - Windows
        heads = {os.path.dirname(p) for p in map(str, paths)}
    for folder in {os.path.abspath(os.path.dirname(h) if h else h) for h in heads}:
        try:
            dirs.append(str(Path(folder).resolve()))
        except (OSError, RuntimeError):
            dirs.append(folder)
    if not dirs:
        return "empty"
    try:
        common = os.path.commonpath(dirs)
    except ValueError:  # different drives
        common = "\n".join(sorted(set(dirs)))
    digest = hashlib.blake2b(common.encode("utf-8", "surrogatepass"), digest_size=10)
    return digest.hexdigest()


def index_root(cache_dir: Path) -> Path:
    return cache_dir / "index"


def library_dir(cache_dir: Path, library: Library | str) -> Path:
    """The index's folder for ``library`` (or a library key)."""
    key = library if isinstance(library, str) else library_key(library)
    return index_root(cache_dir) / f"v{INDEX_VERSION}" / key


def wanted_hashes(library: Library) -> dict[str, str]:
    """Each briefing's content hash (what the index must hold for it)."""
    known = library.digests  # kept by a library read on demand: its briefings are not read
    if not known:
        return {b.id: briefing_hash(b, raw_documents(b)) for b in library.briefings}
    out = {}
    for bid in library.ids:
        h = known.get(bid)
        if h is None and (b := library.briefing(bid)) is not None:
            h = briefing_hash(b, raw_documents(b))
        out[bid] = h or ""
    return out


# -- trust ---------------------------------------------------------------------------------
# Whoosh's TOC files are pickles: whoever can write an index file can run code as the reader.
# So every directory and file of an index is checked (owner, mode, kind) before Whoosh opens
# it, and an index that fails is treated as damaged: rebuilt where the folder is trusted,
# kept in memory where it is not.


# -- opening -------------------------------------------------------------------------------


def _read_pointer(base: Path) -> str | None:
    if distrust(base / CURRENT, directory=False) is not None:
        return None
    try:
        name = (base / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not name.startswith("g-") or "/" in name or "\\" in name or name in (".", ".."):
        return None
    return name


def _open_generation(path: Path) -> OpenIndex:
    """Open a published generation read-only and check it; raises when it is unusable."""
    from whoosh.filedb.filestore import FileStorage

    check_generation(path)  # before anything in it is read: its TOC is a pickle
    with (path / MANIFEST).open(encoding="utf-8") as f:
        manifest = json.load(f)
    if not isinstance(manifest, dict) or manifest.get("version") != INDEX_VERSION:
        raise ValueError("manifest of another version")
    briefings = manifest.get("briefings")
    docs = manifest.get("docs")
    if not isinstance(briefings, dict) or not isinstance(docs, int):
        raise ValueError("malformed manifest")
    if not set(map(type, briefings.values())) <= {str}:  # (JSON's keys are strings)
        raise ValueError("malformed manifest")
    # the vocabulary (typo search) is checked like the other files: present, and as long
    # as written (an index written before its size was recorded: not empty with documents)
    words_size = os.stat(path / WORDS).st_size
    expected = manifest.get("words_bytes")
    if isinstance(expected, int) and words_size != expected:
        raise ValueError(f"{WORDS} is {words_size} bytes, the manifest says {expected}")
    if expected is None and docs and not words_size:
        raise ValueError(f"{WORDS} is empty")
    # Whoosh copies each segment part into memory when it opens it; without mmap the file
    # is read once instead of also being mapped (which would count twice in the RSS).
    storage = FileStorage(str(path), readonly=True, supports_mmap=False)
    ix = storage.open_index()
    if sorted(ix.schema.names()) != sorted(make_schema().names()):
        raise ValueError("schema differs")
    # Opening a searcher opens every segment's files: a missing or truncated file fails here.
    s = _searcher(ix)
    try:
        if s.doc_count() != docs:
            raise ValueError(f"index holds {s.doc_count()} documents, manifest says {docs}")
        # Touch the term index (one term of every segment: listing a field's terms read
        # thousands of entries at 10,000 briefings) and the stored fields of the first and
        # last documents.
        r = s.reader()
        r.doc_frequency("kind", SENTENCE_KIND)
        n = r.doc_count_all()
        live = (d for d in range(n) if not r.is_deleted(d))
        back = (d for d in range(n - 1, -1, -1) if not r.is_deleted(d))
        for d in (next(live, None), next(back, None)):
            if d is not None:
                s.stored_fields(d)
    except BaseException:
        s.close()
        raise
    return OpenIndex(ix, s, briefings, docs, path, "cached")


def _searcher(ix: Any) -> Any:
    from briefing_tui.search.scoring import FastBM25F

    return ix.searcher(weighting=FastBM25F())


def open_current(base: Path, refused: list[str] | None = None) -> OpenIndex | None:
    """The current generation under ``base``, or None when there is none or it is unusable.

    Why an index was refused as untrusted (see :func:`distrust`) is added to ``refused``.
    """
    last_error: Exception | None = None
    tried: set[str] = set()
    pointer = base / CURRENT
    if os.path.lexists(pointer):
        why = distrust(pointer, directory=False)
        if why is not None:
            if refused is not None:
                refused.append(why)
            return None
    for _attempt in range(OPEN_ATTEMPTS):
        name = _read_pointer(base)
        if name is None:
            return None
        if name in tried:
            # The same generation failed before and the pointer has not moved: it is broken.
            break
        tried.add(name)
        try:
            return _open_generation(base / name)
        except UntrustedIndex as exc:  # never retried: waiting does not make it ours
            if refused is not None:
                refused.append(str(exc))
            return None
        except Exception as exc:  # any failure to read it means: do not use it
            last_error = exc
            time.sleep(0.02)
    if last_error is not None:
        log.info("search index under %s is unusable (%s); rebuilding", base, last_error)
    return None


# -- writing -------------------------------------------------------------------------------


def _ram_storage() -> Any:
    from whoosh.filedb.filestore import RamStorage

    class _Ram(RamStorage):  # type: ignore[misc]
        # Whoosh's RamStorage puts a writer's temporary files in the system temp directory,
        # which may be the very thing that cannot be written: keep them in memory too.
        def temp_storage(self, name: str | None = None) -> Any:
            return RamStorage()

    return _Ram()


def _copy_generation(src: Path, storage: Any) -> None:
    """Copy a generation's Whoosh files into ``storage`` (hard links on disk when possible)."""
    from whoosh.filedb.filestore import FileStorage

    for entry in os.scandir(src):
        name = entry.name
        if not entry.is_file() or name in (MANIFEST, WORDS) or "LOCK" in name.upper():
            continue
        if isinstance(storage, FileStorage):
            dst = os.path.join(storage.folder, name)
            try:
                os.link(entry.path, dst)
            except OSError:
                shutil.copyfile(entry.path, dst)
        else:
            with open(entry.path, "rb") as f:
                storage.files[name] = f.read()


def _merge_policy(writer: Any, segments: Sequence[Any]) -> Any:
    from whoosh.writing import MERGE_SMALL, OPTIMIZE

    total = sum(s.doc_count_all() for s in segments)
    deleted = sum(s.deleted_count() for s in segments)
    if total and deleted / total > OPTIMIZE_DELETED_SHARE:
        return OPTIMIZE(writer, segments)
    return MERGE_SMALL(writer, segments)


def write_index(
    storage: Any,
    base: OpenIndex | None,
    plan: IndexPlan,
    changed: Sequence[str],
    removed: Iterable[str],
    progress: ProgressCallback | None,
    *,
    parallel: bool = False,
) -> tuple[Any, set[str]]:
    """Bring the index in ``storage`` (a copy of ``base``, or empty) up to date.

    Deletes the documents of ``changed`` and ``removed`` briefings, adds those of
    ``changed`` (:meth:`IndexPlan.analysed_documents`, one briefing at a time); returns the
    Whoosh index and the vocabulary of the added documents.

    ``parallel`` (``storage`` on disk): a new index of many briefings is written by worker
    processes, each a segment of a share of them (see :func:`_write_in_workers`).
    """
    from briefing_tui.cache.workers import can_fork
    from briefing_tui.search.writer import FastSegmentWriter

    ix = storage.open_index() if base is not None else storage.create_index(make_schema())
    vocabulary: set[str] = set()
    total = len(changed)
    if progress is not None:
        progress(0, total)
    if parallel and base is None and total >= PARALLEL_FROM and can_fork():
        return _write_in_workers(ix, plan, changed, progress)
    stale = [*changed, *removed] if base is not None else []
    writer = FastSegmentWriter(ix)
    stream = iter(plan.analysed_documents(changed))
    try:
        for bid in stale:
            writer.delete_by_term("briefing", bid)
        postings = 0
        for done, docs in enumerate(stream, 1):
            for doc in docs:
                vocabulary.update(doc.pop("_words"))
                writer.add_document(**doc)
                postings += len(doc["pre"]) + len(doc["text"])
            if progress is not None and done < total:
                # The last step is reported once the index is written, not before.
                progress(done, total)
            if postings >= FLUSH_POSTINGS:
                writer.commit(merge=False)
                writer = FastSegmentWriter(ix)
                postings = 0
        writer.commit(mergetype=_merge_policy)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a generator: its workers are stopped
    if progress is not None:
        progress(total, total)
    return ix, vocabulary


PARALLEL_FROM = 200  # briefings of a new index: from this many on, written by workers
SHARE = 100  # briefings: a worker is started for every this many (up to worker_count())
_JOB: dict[str, Any] = {}  # what _write_share's workers find (set before they are forked)


def _write_in_workers(
    ix: Any, plan: IndexPlan, changed: Sequence[str], progress: ProgressCallback | None
) -> tuple[Any, set[str]]:
    """A new index written by worker processes (:func:`briefing_tui.cache.workers.run_all`):
    each writes one share of ``changed`` (in order) as segments of its own, and this
    process commits the TOC listing them all in that order: the same documents under the
    same numbers as one writer would give them, so the same search results. Memory: each
    worker flushes a segment every ``FLUSH_POSTINGS / workers`` postings."""
    import multiprocessing

    from briefing_tui.cache.workers import run_all, worker_count
    from briefing_tui.search.writer import FastSegmentWriter

    total = len(changed)
    n = max(1, min(worker_count(), total // SHARE))
    bounds = [total * k // n for k in range(n + 1)]
    counts = multiprocessing.get_context("fork").RawArray("q", n)  # briefings done, per worker

    def poll() -> None:
        if progress is not None:
            progress(min(sum(counts), total - 1), total)  # the last once committed

    _JOB.update(
        ix=ix,
        plan=plan,
        shares=[changed[bounds[k] : bounds[k + 1]] for k in range(n)],
        counts=counts,
        flush=max(1, FLUSH_POSTINGS // n),
    )
    try:
        results = run_all(_write_share, n, poll=poll)
    finally:
        _JOB.clear()
    segments = [seg for segs, _ in results for seg in segs]
    vocabulary: set[str] = set()
    for _, words in results:
        vocabulary |= words
    writer = FastSegmentWriter(ix)
    try:
        writer.commit(mergetype=lambda _writer, old: [*old, *segments])
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    if progress is not None:
        progress(total, total)
    return ix, vocabulary


def _write_share(k: int) -> tuple[list[Any], set[str]]:
    """In a worker: the segments of share ``k`` of a new index, and their vocabulary."""
    from briefing_tui.cache.workers import stopped
    from briefing_tui.search.whoosh_compat import finish_segment
    from briefing_tui.search.writer import FastSegmentWriter

    ix, plan, counts, flush = _JOB["ix"], _JOB["plan"], _JOB["counts"], _JOB["flush"]

    # at each briefing, and as the writer's progress while a segment is written (seconds)
    def check(done: int = 0, total: int = 0) -> None:
        if stopped():
            raise BuildCancelled("stopped")

    segments: list[Any] = []
    vocabulary: set[str] = set()
    writer = None  # made for the first document of each segment
    postings = 0
    try:
        for docs in plan.analysed_documents(_JOB["shares"][k]):
            check()
            for doc in docs:
                if writer is None:
                    writer = FastSegmentWriter(ix, _lk=False)  # no lock: the parent commits
                    writer.progress = check
                vocabulary.update(doc.pop("_words"))
                writer.add_document(**doc)
                postings += len(doc["pre"]) + len(doc["text"])
            counts[k] += 1
            if writer is not None and postings >= flush:
                segments.append(finish_segment(writer))
                writer, postings = None, 0
                # A finished Whoosh writer sits in reference cycles, and a worker runs with
                # the collector off (cache/workers.py): collected now, not kept with what it
                # held until the worker exits (a share of 100,000 briefings writes dozens).
                gc.collect()
        if writer is not None:
            segments.append(finish_segment(writer))
    except BaseException:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cancel()
        raise
    return segments, vocabulary


def _write_meta(folder: Path, briefings: dict[str, str], docs: int, words: Iterable[str]) -> None:
    vocabulary = "\n".join(sorted(words))
    manifest = {
        "version": INDEX_VERSION,
        "briefings": briefings,
        "docs": docs,
        "words_bytes": len(vocabulary.encode("utf-8")),
        "written": time.time(),
    }
    (folder / WORDS).write_text(vocabulary, encoding="utf-8")
    (folder / MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")


def _new_name(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000):x}-{os.getpid()}-{secrets.token_hex(3)}"


def _publish(base: Path, work: Path) -> Path:
    gen = base / _new_name("g")
    os.rename(work, gen)
    pointer_tmp = base / (_new_name("current.tmp"))
    pointer_tmp.write_text(gen.name, encoding="utf-8")
    os.chmod(pointer_tmp, 0o600)  # in a private folder: no one else saw it in between
    os.replace(pointer_tmp, base / CURRENT)
    return gen


def cleanup(base: Path, keep: Iterable[str] = ()) -> None:
    """Delete old generations and abandoned work directories (errors are ignored)."""
    now = time.time()
    current = _read_pointer(base)
    keep = set(keep)
    if current is not None:
        keep.add(current)
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        name = entry.name
        if name.startswith("g-") and name not in keep and age > STALE_GENERATION_SECONDS:
            shutil.rmtree(entry.path, ignore_errors=True)
        elif (name.startswith("tmp-") or name.startswith("current.tmp")) and (
            age > STALE_WORK_SECONDS
        ):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    # Indexes of other versions.
    versions = base.parent.parent
    try:
        for entry in os.scandir(versions):
            if entry.name.startswith("v") and entry.name != f"v{INDEX_VERSION}":
                shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:
        pass


def open_or_build(
    library: Library,
    cache_dir: Path | None,
    progress: ProgressCallback | None = None,
    *,
    rebuild: bool = False,
    memory: bool = False,
    plan: IndexPlan | None = None,
) -> OpenIndex:
    """Open the library's index, bringing it up to date; never raises for a bad cache.

    With a ``plan`` the index is brought up to date with it rather than with ``library``
    (which need not hold the briefings then): only the briefings whose hash differs from
    the index's are read.
    """
    if plan is None:
        plan = plan_of(library)
    wanted = plan.wanted
    base = library_dir(cache_dir, plan.key) if cache_dir is not None and not memory else None
    notice = ""
    if base is not None and cache_dir is not None:
        tightened: list[str] = []
        why = distrust_folders(cache_dir, base, tightened)
        if why is not None:  # anything in it could be swapped: neither read nor written
            notice = f"the search index cache was refused ({why}); the index is kept in memory"
            log.warning("%s", notice)
            base = None
        elif tightened:
            notice = f"other users could write {tightened[0]}: it is private now"
            log.warning("%s", notice)
    refused: list[str] = []
    current = None if base is None or rebuild else open_current(base, refused)
    if refused:
        notice = f"the search index was refused ({refused[0]}); it is rebuilt"
        log.warning("%s", notice)
    if current is not None and current.briefings == wanted:
        current.notice = notice
        return current
    try:
        opened = _bring_up_to_date(plan, base, current, progress, cache_dir)
        opened.notice = notice
        return opened
    finally:
        if current is not None:
            # Only read from (copied, or its words) while writing the new one.
            with contextlib.suppress(Exception):
                current.searcher.close()


def _bring_up_to_date(
    plan: IndexPlan,
    base: Path | None,
    current: OpenIndex | None,
    progress: ProgressCallback | None,
    cache_dir: Path | None = None,
) -> OpenIndex:
    wanted = plan.wanted
    if current is not None:
        changed = [bid for bid, h in wanted.items() if current.briefings.get(bid) != h]
        removed = [bid for bid in current.briefings if bid not in wanted]
    else:
        changed = list(wanted)
        removed = []
    status = "updated" if current is not None else "built"

    if base is not None and wanted:
        work: Path | None = None
        try:
            private_dirs(cache_dir, base)
            work = base / _new_name("tmp")
            work.mkdir(mode=0o700)
        except OSError as exc:
            log.info("search index cache %s is not writable (%s); using memory", base, exc)
            work = None
        if work is not None:
            try:
                return _build_on_disk(base, work, current, plan, changed, removed, status, progress)
            except (BuildCancelled, KeyboardInterrupt, SystemExit):
                shutil.rmtree(work, ignore_errors=True)  # nothing half-written is left
                raise
            except Exception as exc:
                log.warning("could not write the search index under %s: %s", base, exc)
                shutil.rmtree(work, ignore_errors=True)

    # In memory: from a copy of the current generation when there is one.
    storage = _ram_storage()
    base_words: list[str] = []
    if current is not None and current.location is not None:
        try:
            _copy_generation(current.location, storage)
            base_words = current.words()
        except OSError:
            storage = _ram_storage()
            current = None
            changed, removed = list(wanted), []
    ix, vocabulary = write_index(storage, current, plan, changed, removed, progress)
    vocabulary.update(base_words)
    s = _searcher(ix)
    return OpenIndex(
        ix,
        s,
        dict(wanted),
        s.doc_count(),
        None,
        "memory",
        tuple(changed),
        _words=sorted(vocabulary),
    )


def _build_on_disk(
    base: Path,
    work: Path,
    current: OpenIndex | None,
    plan: IndexPlan,
    changed: list[str],
    removed: list[str],
    status: str,
    progress: ProgressCallback | None,
) -> OpenIndex:
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(str(work))
    if current is not None and current.location is not None:
        _copy_generation(current.location, storage)
    ix, vocabulary = write_index(storage, current, plan, changed, removed, progress, parallel=True)
    if current is not None:
        vocabulary.update(current.words())
    # counted from the TOC's segments: a reader would read every segment into memory
    # (~1.3 GB at 100,000 briefings, after the workers had kept it near 280 MB)
    docs = sum(seg.doc_count() for seg in TOC.read(ix.storage, ix.indexname).segments)
    _write_meta(work, plan.wanted, docs, vocabulary)
    make_private(work)
    gen = _publish(base, work)
    cleanup(base, keep=(gen.name,))
    opened = _open_generation(gen)
    opened.status = status
    opened.reindexed = tuple(changed)
    opened._words = sorted(vocabulary)
    return opened
