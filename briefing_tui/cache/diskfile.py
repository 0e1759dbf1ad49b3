"""Files on disk for the library snapshot (see :mod:`briefing_tui.cache.snapshot`): whether
the snapshot may be read, where its index lies and appending a new one, copying results from
one file to another without holding them in memory, and whether an entry's article is
unchanged."""

from __future__ import annotations

import contextlib
import os
import stat as st
import time
from collections.abc import Iterable
from pathlib import Path

from briefing_tui.briefing.files import Signature, signature


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


def article_unchanged(
    source: tuple[str, str, Signature] | None, real_dirs: dict[str, str] | None = None
) -> bool:
    """Whether a snapshot entry's article (``source``: the path its briefing names, the path
    that resolved to, the file's signature) is as it was: the named path is the same file
    (signature) and still resolves to the same path (the result holds that path, and the
    article was checked to lie inside the library there).

    ``real_dirs`` (folder as named -> resolved, kept for one scan): when the named path is
    not itself a symlink, it resolves to its folder's resolved path joined with its name, so
    one ``lstat`` answers both (at 10,000 briefings, 10,000 stats fewer); a symlink is
    statted as named and as resolved."""
    if source is None:
        return False
    named, resolved, sig = source
    if real_dirs is not None:
        try:
            s = os.lstat(named)
        except (OSError, ValueError):
            return False
        if st.S_ISREG(s.st_mode):
            if (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev) != sig:
                return False
            if named[:1] != "/" or os.sep != "/":
                folder, name = os.path.split(named)
                real = real_dirs.get(folder)
                if real is None:
                    real = real_dirs[folder] = os.path.realpath(folder)
                return os.path.join(real, name) == resolved
            # an absolute POSIX name: str methods, a tenth of os.path's cost
            folder, _, name = named.rpartition("/")
            real = real_dirs.get(folder)
            if real is None:
                real = real_dirs[folder] = os.path.realpath(folder or "/")
            if real == folder:  # no symlink or ".." on the way: it resolves to itself
                return named == resolved
            return (real + "/" + name if real != "/" else "/" + name) == resolved
    return signature(named) == sig and signature(resolved) == sig


def pwrite_all(fd: int, data: bytes, offset: int) -> None:
    """Write all of ``data`` at ``offset`` of the open file ``fd`` (a write may be short)."""
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def index_place(fd: int, magic: bytes, size: int, max_index: int) -> tuple[int, int]:
    """Where the snapshot's index lies (offset, length), as its start says; ValueError when
    the start is not a snapshot's or points outside the file (``size`` bytes)."""
    start = os.pread(fd, len(magic) + 16, 0)
    if len(start) != len(magic) + 16 or start[: len(magic)] != magic:
        raise ValueError("not a snapshot")
    at = int.from_bytes(start[len(magic) : len(magic) + 8], "little")
    length = int.from_bytes(start[len(magic) + 8 :], "little")
    if length > max_index or at < len(magic) + 16 or at + length > size:
        raise ValueError("the snapshot's index lies outside it")
    return at, length


def append_index(fd: int, magic: bytes, at: int, head: bytes) -> None:
    """Write ``head`` (a snapshot's index) at ``at``, then point the file's start at it:
    everything it names is written before the start says so (a crash in between leaves
    the index before), and nothing before ``at`` is changed."""
    pwrite_all(fd, head, at)
    pwrite_all(fd, magic + at.to_bytes(8, "little") + len(head).to_bytes(8, "little"), 0)


def open_to_append(
    path: str | os.PathLike[str], read: int, size: int, max_bytes: int
) -> int | None:
    """The snapshot ``path`` open to write and locked (flock, released when closed) when it
    is still the file open as ``read``, still ``size`` bytes long (no one wrote to it since
    it was read) and safe (:func:`safe_to_read`); None otherwise (then it is written anew)."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another writer at work: write anew
        s, r = os.fstat(fd), os.fstat(read)
        same = (s.st_ino, s.st_dev, s.st_size) == (r.st_ino, r.st_dev, size)
        if same and safe_to_read(fd, max_bytes):
            return fd
    except (OSError, ImportError):  # (no fcntl: not POSIX)
        pass
    os.close(fd)
    return None


def place_results(
    entries: Iterable[tuple[str, tuple[object, ...], tuple[int, int, int]]],
    sources: dict[int, int | None],
    dst: int,
    at: int,
    keep: int | None,
) -> tuple[dict[str, tuple[object, ...]], int]:
    """Each entry's result (``(key, fields, (source, offset, length))``) written to ``dst``
    from ``at`` on, copied from the file ``sources[source]``, each run of results lying one
    after the other in one file copied in one call (one file edited in 10,000: two or three
    calls, not 10,000); those whose source is ``keep`` (``dst`` itself) stay where they are.
    The index of where each lies (``fields + (offset, length)``), and the end written."""
    index: dict[str, tuple[object, ...]] = {}
    run: list[int] = []  # [source file, offset, length] of the run so far
    os.lseek(dst, at, os.SEEK_SET)
    for key, fields, (where, offset, length) in entries:
        if where == keep:
            index[key] = (*fields, offset, length)
            continue
        src = sources.get(where)
        if src is None:
            raise ValueError("the snapshot is closed")
        index[key] = (*fields, at, length)
        at += length
        if run and run[0] == src and run[1] + run[2] == offset:
            run[2] += length
            continue
        if run:
            copy_range(run[0], dst, run[1], run[2])
        run = [src, offset, length]
    if run:
        copy_range(run[0], dst, run[1], run[2])
    return index, at


def prune(directory: Path, pattern: str, keep: int, current: Path) -> None:
    """Keep the ``keep`` most recently written files of ``directory`` named as ``pattern``
    (``current`` always)."""
    try:
        found = []
        for p in directory.glob(pattern):
            with contextlib.suppress(OSError):
                found.append((p.stat().st_mtime_ns, p))
        found.sort(reverse=True)
        for _, p in found[keep:]:
            if p != current:
                p.unlink()
                with contextlib.suppress(OSError):  # what was kept beside it
                    p.with_suffix(".summaries").unlink()
    except OSError:
        pass


ABANDONED_AFTER = 3600  # seconds: a temporary file this old was left by a killed process


def remove_abandoned(directory: Path, prefixes: tuple[str, ...]) -> None:
    """Remove the temporary files of ``directory`` (names starting with one of
    ``prefixes``) unchanged for :data:`ABANDONED_AFTER` seconds: left by a process killed
    while it wrote them (one writing now changes its file all the time)."""
    cutoff = time.time() - ABANDONED_AFTER
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(prefixes) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
