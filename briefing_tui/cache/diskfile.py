"""Files on disk for the library snapshot (see :mod:`briefing_tui.cache.snapshot`): whether
the snapshot may be read, copying results from one file to another without holding them in
memory, and whether an entry's article is unchanged."""

from __future__ import annotations

import os
import stat as st

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
