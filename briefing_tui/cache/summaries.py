"""The app's summary of each briefing file (:class:`~briefing_tui.briefing.library.Filed`),
kept beside the library snapshot between runs, so that opening a large library again reads no
result to summarise it (at 10,000 briefings: every result unpickled and summarised, ~6 s before
the search could open).

The file (``library-<key>.summaries`` beside the snapshot) maps each briefing file, by the name
the watcher lists it under (in pickles of :data:`CHUNK` files each, after a header), to the
signature of the file its summary was made from, the
summary (as plain tuples: only the classes a load result is made of are unpickled) and its
article's path. It is used for a file only when the snapshot's entry for it is still valid and
was made from that same file (:meth:`LibraryCache.reuse`), and only when it was written by the
same code, for the same library, from the same working directory (:meth:`LibraryCache.identity`).
It is read under the snapshot's rules (a regular file of this user that no one else may write;
:func:`~briefing_tui.cache.diskfile.safe_to_read`) and written atomically; any trouble with it
means the results are read as before.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from briefing_tui.briefing.files import Signature
from briefing_tui.briefing.library import BriefingSummary, Filed
from briefing_tui.cache.diskfile import safe_to_read
from briefing_tui.cache.pickles import unpickle_file

MAGIC = b"BTSUMv2\n"
MAX_BYTES = 4 * 1024 * 1024 * 1024  # far beyond 100,000 briefings' summaries
# Rows per pickle: the file is read in a thread while the app takes keys, and one unpickling
# call holds the interpreter throughout (10,000 rows in one: 30-40 ms; 512: ~2 ms).
CHUNK = 512
# a file's entry: (signature it was made from, its Filed as tuples, its article's path)
Kept = tuple[Signature, Filed, str]


def _plain(f: Filed) -> tuple[Any, ...]:
    s = f.summary
    fields = None if s is None else tuple(getattr(s, n) for n in BriefingSummary.__slots__)
    return (f.path, fields, f.id_pos, f.cross_pos)


def _filed(t: Any) -> Filed:
    path, fields, id_pos, cross_pos = t
    return Filed(path, None if fields is None else BriefingSummary(*fields), id_pos, cross_pos)


class SummaryFile:
    """The summaries kept beside the snapshot of ``cache`` (a LibraryCache)."""

    def __init__(self, cache: Any) -> None:
        self.path: Path = cache.file.with_suffix(".summaries")
        self._cache = cache

    @property
    def identity(self) -> tuple[object, ...]:
        return tuple(self._cache.identity())

    def read(self) -> dict[str, Kept]:
        """Every file's kept summary; empty when there is no usable file."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (OSError, ValueError):
            return {}
        try:
            if not safe_to_read(fd, MAX_BYTES):
                return {}
            kept: dict[str, Kept] = {}
            with os.fdopen(os.dup(fd), "rb") as fh:  # (read as it is unpickled, not whole)
                if fh.read(len(MAGIC)) != MAGIC:
                    return {}
                identity, chunks = unpickle_file(fh)
                if identity != self.identity or not isinstance(chunks, int):
                    return {}
                for _ in range(chunks):
                    rows = unpickle_file(fh)
                    if not isinstance(rows, list):
                        return {}
                    for k, (sig, t, src) in rows:
                        kept[str(k)] = (tuple(sig), _filed(t), str(src))
            return kept
        except Exception:  # damaged, foreign, another version: read the results instead
            return {}
        finally:
            os.close(fd)

    def write(self, kept: dict[str, Kept]) -> None:
        """Keep ``kept`` for the next run (atomically; nothing when it cannot be written)."""
        rows = [(k, (sig, _plain(f), src)) for k, (sig, f, src) in kept.items()]
        chunks = [rows[at : at + CHUNK] for at in range(0, len(rows), CHUNK)]
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".summaries", dir=self.path.parent)
            with os.fdopen(fd, "wb") as fh:  # mkstemp: mode 0600, owned by this user
                fh.write(MAGIC)
                pickle.dump((self.identity, len(chunks)), fh, protocol=pickle.HIGHEST_PROTOCOL)
                for chunk in chunks:
                    pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
