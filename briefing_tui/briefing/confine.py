"""Where a briefing's article may live: inside the library, never anywhere on the disk.

A briefing from a colleague is untrusted input; its ``source.file`` must not read
``/etc/passwd`` or ``~/.ssh/id_rsa`` into the app, the search index and exports. An article
may live in the library folder (the folder given; for a briefing file given alone, its
folder), or below it, or in the article folder beside the library folder: ``seeds/`` (what
``briefing-tui new`` makes), or ``articles/`` or ``sources/``.
Paths are compared once every symlink is resolved, so a symlink that leaves counts as
leaving.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ARTICLE_FOLDERS = ("seeds", "articles", "sources")


# The library folders this process was asked to open (resolved): a briefing in a folder
# below one of them may read articles from it, or from the article folders beside it.
_LIBRARY_ROOTS: set[Path] = set()


def add_library_root(folder: Path) -> None:
    """``folder`` was given as a library: its briefings, however deep, may use its articles."""
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        _LIBRARY_ROOTS.add(folder.resolve())


def library_roots() -> tuple[Path, ...]:
    """The library folders given so far (for a worker process to be given them too)."""
    return tuple(sorted(_LIBRARY_ROOTS))


def article_roots(briefing: Path) -> tuple[Path, ...]:
    """The folders a briefing at ``briefing`` may read its article from: its own folder (or
    the library folder it is in), resolved, and the article folders beside that folder as
    they are named (not resolved)."""
    folder = briefing.parent.resolve()
    tops = [folder, *(r for r in tuple(_LIBRARY_ROOTS) if folder.is_relative_to(r))]
    return tuple(
        path for top in tops for path in (top, *(top.parent / name for name in ARTICLE_FOLDERS))
    )


def is_inside(resolved: Path, roots: tuple[Path, ...]) -> bool:
    """Whether the resolved path ``resolved`` lies in one of ``roots`` (or below it)."""
    # the roots are not resolved again: a seeds/ that is a symlink to elsewhere leaves
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def where_articles_live(briefing: Path) -> str:
    """The end of the message for an article outside the library."""
    folder = briefing.parent.resolve()
    beside = os.sep.join((str(folder.parent), "seeds"))
    return (
        f"articles may live in the briefing's folder ({folder}) or below it, or in the "
        f"folder beside it {beside} (or articles/, sources/); copy the article there "
        "(briefing-tui new does) and name it relative to the briefing"
    )
