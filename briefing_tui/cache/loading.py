"""Loading a briefing file for the library snapshot, the same in this process and in a
worker process (see :meth:`briefing_tui.cache.snapshot.LibraryCache.scan`): its summary, and
what to keep of its result when it may be trusted next time."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from briefing_tui.briefing.files import RACY_NS, Signature, signature
from briefing_tui.briefing.library import load_one
from briefing_tui.briefing.results import LoadResult, display_path
from briefing_tui.cache.pickles import _pickle

# A file's summary as the snapshot's index keeps it (plain values: read without unpickling
# any result): the briefing's id, its digest (see LibraryCache), its error lines, and how
# many warnings it has.
_Summary = tuple[str | None, str | None, tuple[str, ...], int]


@dataclasses.dataclass(frozen=True, slots=True)
class _Loaded:
    """A file loaded for a scan (here or in a worker): its summary, and its signature,
    article and pickled result when it may be trusted next time (else ``kept`` is None)."""

    summary: _Summary
    kept: _Kept | None
    shown: str  # the file's name as its problems give it
    extra: bytes | None = None  # the caller's by-product of the result (see byproducts.py)


Digest = Callable[[LoadResult], str | None]  # a result's digest (LibraryCache's ``digest``)
Extra = Callable[[LoadResult], bytes | None]  # what a load makes besides (its ``extra``)


def _summarise(result: LoadResult, digest: Digest | None) -> _Summary:
    b = result.briefing
    errors = tuple(str(p) for p in result.problems if p.is_error)
    value = None
    if b is not None and digest is not None:
        with contextlib.suppress(Exception):  # never a reason for the load to fail
            value = digest(result)
    return (b.id if b is not None else None, value, errors, len(result.problems) - len(errors))


# a result to keep: the file's signature, its article's (named path, resolved path,
# signature) and the pickled result
_Kept = tuple[Signature, tuple[str, str, Signature], bytes]


def _keepable(
    path: Path, sig: Signature | None, now: int, result: LoadResult, cwd: str
) -> _Kept | None:
    """What to keep of ``result`` when it may be trusted next time: neither the file nor
    its article racy (see :data:`RACY_NS`)."""
    if sig is None or result.briefing is None:
        return None  # unreadable, or no article read: load it again next time (it is rare)
    if sig[1] + RACY_NS >= now:
        return None  # modified just before it was read: it could change again unseen
    source = result.briefing.source
    named = os.path.join(cwd, str(path.parent / source.file))
    source_sig = signature(named)
    if source_sig is None or source_sig != signature(source.path):
        return None
    if source_sig[1] + RACY_NS >= now:
        return None
    try:
        return sig, (named, str(source.path), source_sig), _pickle(result)
    except Exception:
        return None


def _load(name: str, cwd: str, digest: Digest | None, extra: Extra | None = None) -> _Loaded:
    """Load one file for a scan: the same here and in a worker process."""
    now = time.time_ns()
    sig = signature(name)
    path = Path(name)
    result = load_one(path)
    kept = _keepable(path, sig, now, result, cwd)
    shown = display_path(path) if kept is not None else ""
    summary = _summarise(result, digest)
    made = None
    if extra is not None:  # (after the digest, which may have made what it needs)
        with contextlib.suppress(Exception):  # never a reason for the load to fail
            made = extra(result)
    return _Loaded(summary, kept, shown, made)


_WORKER: dict[str, Any] = {}  # a worker process's digest and extra


def _start_worker(roots: Sequence[Path], digest: Digest | None, extra: Extra | None) -> None:
    from briefing_tui.briefing.confine import add_library_root

    for root in roots:
        add_library_root(root)
    _WORKER["digest"] = digest
    _WORKER["extra"] = extra


def _load_in_worker(name: str) -> _Loaded:
    return _load(name, os.getcwd(), _WORKER.get("digest"), _WORKER.get("extra"))
