"""What a scan's loads made besides their results, kept until the scan's caller is done
(the core; no Textual).

A cold ``briefing-tui index`` parses every briefing file in worker processes, and the search
index then needs each briefing's documents. Reading them back from the snapshot means
unpickling every result and walking every briefing again (about a tenth of a cold index of
10,000 briefings), although the worker that parsed the file had them in hand. So the
caller of :class:`~briefing_tui.cache.snapshot.LibraryCache` may ask each load for a
by-product (``extra``: bytes made from the result, in the worker), which the scan keeps here
and tells where (:attr:`~briefing_tui.cache.snapshot.Scanned.extra`).

They are kept in an anonymous temporary file (``tempfile.TemporaryFile`` in the cache
directory: unlinked, mode 0600, reachable only through this process's descriptor, which the
worker processes forked later share), not in memory: 10,000 briefings make about 60 MB.
Nothing else can name the file, so what is read back is what this process wrote; it lasts
as long as this object (or its process).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO

from briefing_tui.cache.diskfile import pwrite_all

# where a by-product lies: (the open file, offset, length); readable in a forked worker too
Spot = tuple[int, int, int]


class Byproducts:
    """An append-only store of byte strings in an anonymous temporary file."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._file: IO[bytes] | None = None
        self._fd: int | None = None
        self._size = 0
        self._failed = False

    def put(self, data: bytes) -> Spot | None:
        """Keep ``data``; where it lies, or None when it cannot be kept (no disk space,
        no cache directory): the caller then does without it."""
        if self._failed:
            return None
        try:
            if self._fd is None:
                self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                f = tempfile.TemporaryFile(dir=self._directory, prefix=".byproducts-")  # noqa: SIM115 (kept open until close)
                self._file, self._fd = f, f.fileno()
            offset = self._size
            pwrite_all(self._fd, data, offset)
        except OSError:
            self._failed = True
            return None
        self._size += len(data)
        return (self._fd, offset, len(data))

    def close(self) -> None:
        f, self._file, self._fd = self._file, None, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()


def read(spot: Spot) -> bytes | None:
    """The bytes kept at ``spot`` (in this process or a worker forked after they were
    kept); None when they cannot be read whole."""
    fd, offset, length = spot
    try:
        data = os.pread(fd, length, offset)
    except OSError:
        return None
    return data if len(data) == length else None
