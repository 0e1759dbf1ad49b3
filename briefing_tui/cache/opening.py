"""What the app shows first of a library, and how it loads the rest (the core; no Textual).

A large library's first screen shows one briefing: :func:`open_library` reads the first file
that loads one, alone, so that the app paints without waiting for the others, and hands back
a function that loads the whole library through its snapshot
(:class:`~briefing_tui.cache.snapshot.LibraryCache`), to be called in a thread after the
first paint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from itertools import chain, islice

from briefing_tui.briefing.library import Library, OnDemandLibrary, first_files
from briefing_tui.cache.loading import Digest
from briefing_tui.cache.snapshot import LibraryCache
from briefing_tui.collector import gc_paused

PAINT_FIRST_FROM = 32  # files: from this many on, the app paints the first briefing first


def open_library(
    cache: LibraryCache,
    whole: Callable[[], Library] | None = None,
    digest: Digest | None = None,
    prepare: Callable[[LibraryCache], Callable[[], None]] | None = None,
    stop: threading.Event | None = None,
) -> tuple[Library, Callable[[], Library] | None]:
    """What the app shows first, and how to load the rest (None when that is all).

    ``whole`` loads the whole library through ``cache``: a
    :class:`~briefing_tui.watch.LibraryWatcher`'s ``load`` with ``cache.result`` as its
    loader and ``cache`` as its store, so that the library keeps a summary of each briefing
    and reads the briefing itself from the saved snapshot when asked for (by default such a
    watcher, never polled). A small library is loaded whole. From :data:`PAINT_FIRST_FROM`
    files on, only the first file that loads a briefing is, so the first screen (which shows
    one briefing) paints without waiting for the others; the returned function loads the
    whole library (the same first briefing included), to be called in a thread after the
    first paint.

    ``digest``: the search index's content hash of a result, kept for each briefing (see
    :attr:`LibraryCache.digest`) when the rest is loaded in that thread, so that opening
    the index need not read every briefing.

    ``prepare(cache)``: called first in that thread (the app: a child process reads a cold
    library in its workers and saves the snapshot, which ``cache`` then reads anew); it
    returns what to call should the load then fail.
    ``stop``: when set (the app exits), the default watcher's load stops.
    """

    def load() -> Library:
        undo = prepare(cache) if prepare is not None and first is not None else None
        try:
            return loaded()
        except BaseException:
            if undo is not None:
                undo()  # (the app: the child started for this load is stopped)
            raise

    def loaded() -> Library:
        if digest is not None and first is not None:
            cache.digest = digest  # (not before the first paint: it imports the search)
        loader = whole
        if loader is None:
            from briefing_tui.watch import LibraryWatcher

            loader = partial(
                LibraryWatcher(cache.paths, loader=cache.result, store=cache).load, stop=stop
            )
        with gc_paused(cache.freeze):
            library = loader()
        cache.finish(library.paths)
        if isinstance(library, OnDemandLibrary) and first is not None:
            library.reader.seed(first.results)  # shown already: the same objects
            # In this thread, not on the first briefing read back: that is a search's
            # hits (or a visit), and opening the saved snapshot (reading where each of
            # 10,000 results lies) took ~130 ms (benchmark row `keystroke`).
            with gc_paused(cache.freeze):
                cache._saved()
        return library

    first: Library | None = None
    found = first_files(cache.paths)  # walked once: counted, then the first read
    head = list(islice(found, PAINT_FIRST_FROM))
    if len(head) >= PAINT_FIRST_FROM:
        first = cache.first(chain(head, found))
        if first is not None:
            return first, load
    return load(), None
