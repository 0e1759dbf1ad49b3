"""The snapshot file on disk: whether it may be read, and copying results from one file to
another without holding them in memory (see :mod:`briefing_tui.cache.snapshot`)."""

from __future__ import annotations

import os
import stat as st


def safe_to_read(fd: int, max_bytes: int) -> bool:
    """A regular file, owned by this user, that no other user may write."""
    s = os.fstat(fd)
    if not st.S_ISREG(s.st_mode) or s.st_size > max_bytes:
        return False
    if hasattr(os, "getuid") and s.st_uid != os.getuid():
        return False
    return not s.st_mode & (st.S_IWGRP | st.S_IWOTH)


def copy_range(src: int, dst: int, offset: int, length: int) -> None:
    """Append ``length`` bytes of ``src`` from ``offset`` to ``dst`` (at its position)."""
    copy = getattr(os, "copy_file_range", None)
    while length > 0:
        n = 0
        if copy is not None:
            try:
                n = copy(src, dst, length, offset)
            except OSError:  # not on this file system: read and write
                copy = None
                continue
        else:
            data = os.pread(src, min(length, 1 << 20), offset)
            view = memoryview(data)
            while view:
                view = view[os.write(dst, view) :]
            n = len(data)
        if n <= 0:
            raise ValueError("the snapshot is shorter than its index says")
        offset += n
        length -= n
