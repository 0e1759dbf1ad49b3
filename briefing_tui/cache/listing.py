"""The library's listing, kept in its snapshot and reused while none of its folders changed
(the core; no Textual).

Listing a library of 10,000 briefing files (:func:`~briefing_tui.briefing.library.briefing_names`:
every folder read, the names sorted) took about a quarter of a warm ``briefing-tui search``.
A folder's modification time changes whenever an entry is added to it, removed from it or
renamed in it; a file's contents changing does not (the scan's stat of each file catches
that). So the snapshot keeps the names listed with the signature of every folder walked
(modification and change times, inode, device), and the next run lists again only when one
of them differs: one stat per folder instead of reading every folder.

A listing is kept only when it can be trusted next time: every path given is a folder, the
listing found no problem and no symlinked briefing file (a symlink's target can change
without its folder changing), and no folder was modified within :data:`RACY_NS` of being
read (a coarse timestamp could hide a later change, as for files).
"""

from __future__ import annotations

import os
import stat as st
import time
from collections.abc import Sequence
from pathlib import Path

from briefing_tui.briefing.confine import add_library_root
from briefing_tui.briefing.files import RACY_NS
from briefing_tui.briefing.library import Walked, briefing_names
from briefing_tui.briefing.problems import Problem

# (modification time, change time, inode, device) of a folder
FolderSignature = tuple[int, int, int, int]
# (the working directory, the paths given, every folder walked and its signature, the names)
Listing = tuple[str, tuple[str, ...], tuple[tuple[str, FolderSignature], ...], tuple[str, ...]]


def folder_signature(path: str) -> FolderSignature | None:
    """The folder's :data:`FolderSignature`; None when it is not a folder (or is gone)."""
    try:
        s = os.stat(path)
    except (OSError, ValueError):
        return None
    if not st.S_ISDIR(s.st_mode):
        return None
    return (s.st_mtime_ns, s.st_ctime_ns, s.st_ino, s.st_dev)


def list_library(
    paths: Sequence[Path], cwd: str, kept: object
) -> tuple[list[str], list[Problem], Listing | None]:
    """The library's names and problems (as :func:`briefing_names` gives them), from the
    listing ``kept`` in the snapshot when it still holds, and the listing to keep next time
    (None when it could not be trusted)."""
    given = tuple(str(p) for p in paths)
    if _holds(kept, cwd, given):
        assert isinstance(kept, tuple)
        for p in paths:
            add_library_root(p)  # as listing it does: its briefings may read articles beside it
        return list(kept[3]), [], kept
    now = time.time_ns()
    walked = Walked()
    names, problems = briefing_names(paths, walked)
    if problems or walked.links or not paths or not set(given) <= set(walked.folders):
        return names, problems, None
    folders = []
    for folder in walked.folders:
        sig = folder_signature(folder)
        if sig is None or sig[0] + RACY_NS >= now:
            return names, problems, None
        folders.append((folder, sig))
    return names, problems, (cwd, given, tuple(folders), tuple(names))


def _holds(kept: object, cwd: str, given: tuple[str, ...]) -> bool:
    """Whether ``kept`` is a listing of these paths (from this directory, when any is
    relative) whose folders are all as they were."""
    if not (isinstance(kept, tuple) and len(kept) == 4):
        return False
    k_cwd, k_given, folders, names = kept
    if k_given != given or not isinstance(names, tuple):
        return False
    # names listed under relative paths are relative to the directory they were listed from;
    # under absolute ones they are the same from anywhere (at 10,000 briefings, listing
    # again cost a search run from another folder 55 ms: benchmark `commands`)
    if k_cwd != cwd and not all(os.path.isabs(p) for p in given):
        return False
    try:
        return all(folder_signature(f) == sig for f, sig in folders)
    except (TypeError, ValueError):
        return False
