"""Whether the search index's folders and files may be trusted (the core; no Textual).

The index is read from the user's cache directory: a folder or file that another user owns
or may write, or a symlink, could have been swapped for anything, so it is neither read nor
written (:mod:`briefing_tui.search.store` keeps the index in memory then). What this
process writes is made private before it is published.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


class UntrustedIndex(ValueError):
    """An index file or directory another user owns or may write."""


def distrust(path: Path, *, directory: bool) -> str | None:
    """Why ``path`` may not be trusted (None when it may): not ours, writable by others,
    not the kind expected (symlinks are never followed)."""
    try:
        s = os.lstat(path)
    except OSError as exc:
        return f"cannot check {path}: {exc.strerror or exc}"
    if directory and not stat.S_ISDIR(s.st_mode):
        return f"{path} is not a directory"
    if not directory and not stat.S_ISREG(s.st_mode):
        return f"{path} is not a regular file"
    if hasattr(os, "getuid") and s.st_uid != os.getuid():
        return f"{path} belongs to another user"
    if s.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} may be written by other users"
    return None


def distrust_folders(cache_dir: Path, base: Path, tightened: list[str] | None = None) -> str | None:
    """Why the folders from ``cache_dir`` down to ``base`` may not be trusted (None: they
    may, or do not exist yet).

    A folder of this user that others may write (made by an older version under a umask
    such as 002) is made private first (its name added to ``tightened``): once it is, no
    one else can change what is in it, and every file in it is still checked on its own.
    A folder of another user, or a symlink, is never trusted.
    """
    try:
        below = base.relative_to(cache_dir).parts
    except ValueError:
        below = ()
    folder = cache_dir
    for part in ("", *below):
        folder = folder / part if part else folder
        if not os.path.lexists(folder):
            return None
        why = distrust(folder, directory=True)
        if why is not None and why.endswith("may be written by other users"):
            try:
                mode = stat.S_IMODE(os.lstat(folder).st_mode)
                os.chmod(folder, mode & ~(stat.S_IWGRP | stat.S_IWOTH))
            except OSError:
                return why
            if tightened is not None:
                tightened.append(str(folder))
            why = distrust(folder, directory=True)
        if why is not None:
            return why
    return None


def check_generation(path: Path) -> None:
    """Raise :class:`UntrustedIndex` unless the generation and every file in it is trusted."""
    why = distrust(path, directory=True)
    if why is None:
        with os.scandir(path) as it:
            for entry in it:
                why = distrust(Path(entry.path), directory=False)
                if why is not None:
                    break
    if why is not None:
        raise UntrustedIndex(why)


def make_private(folder: Path) -> None:
    """Only this user may read or write what is in ``folder`` (before it is published)."""
    os.chmod(folder, 0o700)
    with os.scandir(folder) as it:
        for entry in it:
            if entry.is_file(follow_symlinks=False):
                os.chmod(entry.path, 0o600)


def private_dirs(cache_dir: Path | None, base: Path) -> None:
    """Create ``base`` and the folders above it up to ``cache_dir``, each 0700."""
    missing = []
    folder = base
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        if cache_dir is not None and folder == cache_dir:
            break
        folder = folder.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
