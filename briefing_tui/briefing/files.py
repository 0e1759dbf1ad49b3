"""What says a file is unchanged, in one place: the stat signature the library snapshot
keeps (briefing_tui.cache.snapshot), the stat a poll compares (briefing_tui.watch), and how
recent a modification must be for a later write to hide behind the same timestamp.

File system timestamps are coarse (a few milliseconds on Linux, up to two seconds on FAT):
a second write within one tick can leave the time and even the size unchanged. As git does
for its index, a file modified within that tick of when it was read is *racy* and is read
again once the tick has passed.
"""

from __future__ import annotations

import os
import stat as st_mode
from dataclasses import dataclass
from pathlib import Path

RACY_NS = 2_000_000_000  # coarse timestamps: a modification this recent may hide another
FINE_RACY_NS = 20_000_000  # nanosecond timestamps: the kernel's clock ticks (1 to 10 ms)


@dataclass(frozen=True, slots=True)
class FileStat:
    """What a poll compares: modification time, size, identity and kind of a path."""

    mtime_ns: int
    size: int
    ino: int
    dev: int
    kind: str  # "file", "dir" or "other"


# (size, mtime_ns, ctime_ns, inode, device): what says a regular file is unchanged
Signature = tuple[int, int, int, int, int]


def signature(path: Path | str) -> Signature | None:
    """The file's :data:`Signature` (following symlinks), or None if it is not a regular file."""
    try:
        s = os.stat(path)
    except (OSError, ValueError):
        return None
    if not st_mode.S_ISREG(s.st_mode):
        return None
    return (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev)


def stat_path(path: Path) -> FileStat | None:
    """The path's :class:`FileStat` (following symlinks), or None when it does not exist."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):  # gone, unreadable directory, NUL in the name
        return None
    if st_mode.S_ISDIR(st.st_mode):
        kind = "dir"
    elif st_mode.S_ISREG(st.st_mode):
        kind = "file"
    else:
        kind = "other"
    return FileStat(st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev, kind)


def is_racy(stat: FileStat | None, seen_at_ns: int, margin_ns: int = RACY_NS) -> bool:
    """Whether a later write could leave ``stat`` as it is: the path was modified within a
    timestamp tick of when it was seen (or later, by a clock ahead of ours).

    The tick is ``margin_ns`` for a time in whole milliseconds (a coarse file system), at
    most :data:`FINE_RACY_NS` for a finer one.
    """
    if stat is None:
        return False
    if stat.mtime_ns % 1_000_000:
        margin_ns = min(margin_ns, FINE_RACY_NS)
    return stat.mtime_ns + margin_ns >= seen_at_ns
