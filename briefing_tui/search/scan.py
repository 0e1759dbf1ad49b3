"""The search index of a library on disk, brought up to date without loading the library
(the core; no Textual): what ``briefing-tui search`` and ``briefing-tui index`` use.

The library snapshot (:mod:`briefing_tui.cache.snapshot`) keeps, for every briefing file, its
briefing's id, its content hash as the index has it (:func:`briefing_hash`) and its errors.
So :func:`scan_library` lists the files (one directory walk), stats them, and parses only
the files the snapshot does not describe (new or changed); nothing is unpickled. The index
is then told every briefing's hash (:class:`~briefing_tui.search.store.IndexPlan`) and reads
the documents of only the briefings whose hash differs from the one it holds, one at a time
(from the snapshot). A search shows its hits from the few briefings they are in, each read
from the snapshot when first needed.

The whole library is never assembled, so the checks across files are not made here but in
``briefing-tui validate``: references to other briefings' items are not checked; a briefing
id used twice is (the first file keeps it, as in the app).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.loader import LoadResult, display_path
from briefing_tui.briefing.problems import Problem
from briefing_tui.cache import pickles, snapshot
from briefing_tui.cache.byproducts import Spot
from briefing_tui.cache.byproducts import read as read_byproduct
from briefing_tui.cache.pickles import Located
from briefing_tui.cache.snapshot import LibraryCache, Scanned
from briefing_tui.search.results import ProgressCallback
from briefing_tui.search.schema import (
    RawDoc,
    analysed,
    briefing_hash,
    docs_of_rows,
    raw_documents,
    rows_of,
)
from briefing_tui.search.store import IndexPlan, files_key


def index_digest(result: LoadResult) -> str | None:
    """A briefing's content hash as the index has it (kept in the library snapshot)."""
    b = result.briefing
    return briefing_hash(b, _documents(result)) if b is not None else None


def index_rows(result: LoadResult) -> bytes | None:
    """A briefing's documents for the index, made where the file was parsed (a scan's
    ``extra``: see briefing_tui.cache.byproducts), so that a new index needs no briefing
    read back from the snapshot."""
    b = result.briefing
    return rows_of(b.id, _documents(result, last=True)) if b is not None else None


# the result last digested and its documents: index_rows, called next, takes them
_LAST: list[Any] = []


def _documents(result: LoadResult, last: bool = False) -> list[RawDoc]:
    b = result.briefing
    assert b is not None
    if _LAST and _LAST[0] is result:
        docs: list[RawDoc] = _LAST[1]
    else:
        docs = raw_documents(b)
        _LAST[:] = [result, docs]
    if last:
        _LAST.clear()
    return docs


@dataclass(frozen=True)
class ScannedLibrary:
    """A library as :func:`scan_library` found it."""

    files: tuple[Scanned, ...]
    problems: tuple[Problem, ...]  # the listing's (a missing path, an unreadable folder)
    duplicates: tuple[str, ...]  # one line per briefing id used again (that file not shown)
    plan: IndexPlan
    library: Library  # finds a briefing by id when asked (LibraryCache.on_demand)
    loaded: int  # files parsed by the scan (the others were described by the snapshot)

    @property
    def briefings(self) -> int:
        return len(self.plan.wanted)

    def error_lines(self) -> list[str]:
        """Every error found, one line each: the listing's, each file's, ids used twice."""
        out = [str(p) for p in self.problems if p.is_error]
        for f in self.files:
            out.extend(f.errors)
        out.extend(self.duplicates)
        return out

    @property
    def files_with_errors(self) -> int:
        return sum(1 for f in self.files if f.errors)


def scan_library(
    paths: Sequence[Path],
    snapshot_dir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> ScannedLibrary:
    """Scan the library under ``paths`` through its snapshot (in ``snapshot_dir``, default
    the user's cache), saving the snapshot; see the module's docstring."""
    cache = LibraryCache(paths, snapshot_dir, digest=index_digest, extra=index_rows)
    _, problems = cache.names()
    files = cache.scan(progress, keep=True)
    wanted: dict[str, str] = {}
    where: dict[str, str] = {}
    rows: dict[str, Spot] = {}  # the documents the scan's loads made (new or changed files)
    duplicates: list[str] = []
    for f in files:
        if f.id is None:
            continue
        if f.id in where:
            duplicates.append(
                f"{display_path(Path(f.path))}: briefing id '{f.id}' is already used by "
                f"{display_path(Path(where[f.id]))}; give this briefing an id of its own (it is "
                "not shown)"
            )
            continue
        where[f.id] = f.path
        if f.extra is not None:
            rows[f.id] = f.extra
        wanted[f.id] = f.digest or ""  # none: never equal to the index's, so re-indexed
    # the results read on demand: from the snapshot as read when it needed no saving (its
    # index is not read twice), else from the one just saved
    reader = cache if cache.kept else LibraryCache(paths, snapshot_dir)
    library = reader.on_demand(where)

    def documents(bid: str) -> list[RawDoc]:  # read, used and let go (not kept)
        b = reader.stored(where[bid]).briefing
        return raw_documents(b) if b is not None and b.id == bid else []

    def analysed_documents(
        bids: Sequence[str], _rows_file: object = cache.byproducts
    ) -> Iterable[list[dict[str, Any]]]:
        # (``_rows_file``: the file ``rows`` lie in, held open as long as this plan is)
        tasks = [
            (bid, where[bid], rows[bid], None)
            if bid in rows
            else (bid, where[bid], None, reader.located(where[bid]))
            for bid in bids
        ]
        if len(tasks) < snapshot.PARALLEL_FROM:
            return map(_analysed_of, tasks)
        from briefing_tui.cache.workers import ordered_map

        return ordered_map(_analysed_of, tasks)  # workers forked: they share the snapshot

    plan = IndexPlan(files_key(f.path for f in files), wanted, documents, analysed_documents)
    loaded = sum(1 for f in files if f.loaded)
    return ScannedLibrary(tuple(files), tuple(problems), tuple(duplicates), plan, library, loaded)


def _analysed_of(task: tuple[str, str, Spot | None, Located | None]) -> list[dict[str, Any]]:
    """The analysed documents of one briefing (its id, file, where the documents its scan
    made lie, where its result lies): from the documents when they read back whole, else
    from the result."""
    bid, name, rows, where = task
    if rows is not None:
        data = read_byproduct(rows)
        docs = docs_of_rows(data, bid) if data is not None else None
        if docs is not None:
            with contextlib.suppress(Exception):
                return [analysed(raw) for raw in docs]
    b = pickles.read_located(Path(name), where).briefing
    return [analysed(raw) for raw in raw_documents(b)] if b is not None and b.id == bid else []
