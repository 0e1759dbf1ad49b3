"""Full-text search over a library (the core; imports no Textual).

The interface the app and the command line use. The index itself is Whoosh
(:mod:`briefing_tui.search.engine`, :mod:`briefing_tui.search.store`), imported only when
an index is opened, so importing this module stays cheap.

Typical use, off the UI thread::

    index = SearchIndex.open(library, progress=lambda done, total: ...)
    result = index.search("narcotics kind:commitment")
    for hit in result.hits: ...
    index.update(new_library)     # after briefings changed: re-indexes only those
    index.close()

``open``, ``search``, ``update`` and ``goto`` may be called from any thread; searches are
serialised on one shared Whoosh searcher. They never raise for any query text, nor for a
missing, corrupted, read-only or concurrently written cache.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing_tui.briefing.library import Library
from briefing_tui.search.results import (
    HIT_KINDS,
    ITEM_KINDS,
    BuildCancelled,
    Cancelled,
    Hit,
    ProgressCallback,
    SearchResult,
)

if TYPE_CHECKING:
    from briefing_tui.search.store import IndexPlan

__all__ = [
    "HIT_KINDS",
    "ITEM_KINDS",
    "BuildCancelled",
    "Cancelled",
    "Hit",
    "ProgressCallback",
    "SearchIndex",
    "SearchResult",
]

log = logging.getLogger(__name__)


def _stoppable(progress: ProgressCallback | None) -> ProgressCallback | None:
    """``progress``, where any exception it raises stops the build as BuildCancelled
    (the caller's way to stop a build, e.g. the app exiting), never taken for a fault."""
    if progress is None:
        return None

    def call(done: int, total: int) -> None:
        try:
            progress(done, total)
        except Exception as exc:
            raise BuildCancelled(str(exc)) from exc

    return call


class SearchIndex:
    """The library's search index. One instance is reused for every query.

    Attributes after opening: ``status`` is ``"cached"`` (used as it was), ``"updated"``
    (changed briefings re-indexed), ``"built"`` (written from scratch) or ``"memory"``
    (kept in memory: the cache directory could not be written); ``location`` is the
    index's directory (None in memory); ``reindexed`` the ids of the briefings indexed
    by the last open or update.

    With a ``plan`` (:class:`briefing_tui.search.store.IndexPlan`) the index is brought up
    to date with it, reading only the briefings that changed, and ``library`` need only
    find the briefings of the hits (see :meth:`briefing_tui.cache.snapshot.LibraryCache.on_demand`).
    """

    def __init__(
        self,
        library: Library,
        cache_dir: Path | None = None,
        progress: ProgressCallback | None = None,
        *,
        memory: bool = False,
        rebuild: bool = False,
        plan: IndexPlan | None = None,
    ) -> None:
        self.library = library
        self.plan = plan
        self.cache_dir = cache_dir
        self.memory = memory
        self.time_limit = 0.25  # seconds; a search returns the best found by then
        self._lock = threading.Lock()
        self._engine: Any = None
        self._recovered = False
        self.status = "closed"
        self.location: Path | None = None
        self.reindexed: tuple[str, ...] = ()
        self.error = ""
        self.notice = ""  # why the index on disk was refused, when it was (said once)
        self._open(library, progress, rebuild=rebuild)

    @classmethod
    def open(
        cls,
        library: Library,
        cache_dir: Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> SearchIndex:
        """Open (or build) the index for ``library``; persistent under ``cache_dir``
        (default: the user's cache directory, ``$BRIEFING_TUI_CACHE`` or XDG)."""
        return cls(library, cache_dir, progress)

    def _open(
        self, library: Library, progress: ProgressCallback | None, *, rebuild: bool = False
    ) -> None:
        from briefing_tui.paths import cache_dir as default_cache_dir
        from briefing_tui.search.engine import Engine
        from briefing_tui.search.store import open_or_build

        root = self.cache_dir if self.cache_dir is not None else default_cache_dir()
        progress = _stoppable(progress)
        plan = self.plan if library is self.library else None
        try:
            opened = open_or_build(
                library, root, progress, rebuild=rebuild, memory=self.memory, plan=plan
            )
        except BuildCancelled:
            raise  # the caller stopped the build (the app is exiting): not a fault
        except Exception as exc:
            log.warning("search index: %s; building it in memory", exc, exc_info=True)
            try:
                opened = open_or_build(library, None, progress, memory=True, plan=plan)
            except BuildCancelled:
                raise
            except Exception as exc2:
                log.error("search index unavailable: %s", exc2, exc_info=True)
                self.error = f"search is unavailable: {exc2}"
                self.status = "unavailable"
                return
        engine = Engine(library, opened)
        with self._lock:
            old, self._engine = self._engine, engine
            if library is not self.library:
                self.plan = None  # the plan was the old library's
            self.library = library
            self.status = opened.status
            self.location = opened.location
            self.reindexed = opened.reindexed
            self.notice = opened.notice
            self.error = ""
        if old is not None:
            old.close()  # waits for a search still running on it

    def update(self, library: Library, progress: ProgressCallback | None = None) -> tuple[str, ...]:
        """Bring the index up to date with ``library`` (re-indexing only the briefings that
        changed); returns the ids of the briefings re-indexed."""
        self._open(library, progress)
        return self.reindexed

    def rebuild(self, progress: ProgressCallback | None = None) -> None:
        """Write the index again from scratch."""
        self._open(self.library, progress, rebuild=True)

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        kinds: Sequence[str] | None = None,
        time_limit: float | None = None,
        cancelled: Callable[[], bool] | None = None,
        count: bool = True,
    ) -> SearchResult:
        """The best ``limit`` hits for ``query``; never raises.

        ``kinds`` keeps only hits of those kinds (see HIT_KINDS); ``time_limit`` overrides
        the default cap in seconds; ``cancelled`` is polled while searching (a worker's
        ``is_cancelled``): when it returns True the search stops and answers nothing.
        ``count=False``: matches beyond the hits are not counted now (``total`` None), to
        show the hits sooner; :meth:`count` counts them after.
        """
        text = query if isinstance(query, str) else str(query)
        engine = self._engine
        limit_s = self.time_limit if time_limit is None else time_limit
        options = dict(kinds=kinds, time_limit=limit_s, cancelled=cancelled, count=count)
        try:
            return self._search_on(engine, text, limit, options)
        except Exception as exc:
            if self._engine is not engine:
                # Closed or replaced (by close() or update()) while this search ran.
                return SearchResult(text, ())
            log.warning("search for %r failed (%s); the index is rebuilt", text, exc, exc_info=True)
            if self._recovered:
                return SearchResult(text, (), note=f"search failed: {exc}")
        # The index may be damaged on disk: rebuild it once, then try again.
        self._recovered = True
        self._open(self.library, None, rebuild=True)
        try:
            return self._search_on(self._engine, text, limit, options)
        except Exception as exc:
            log.warning("search for %r failed again: %s", text, exc, exc_info=True)
            return SearchResult(text, (), note=f"search failed: {exc}")

    def _search_on(
        self, engine: Any, text: str, limit: int, options: dict[str, Any]
    ) -> SearchResult:
        """One search on ``engine`` (``options``: its keyword arguments): the hits; none when
        cancelled; the reason when there is no engine. Other failures are raised."""
        if engine is None:
            return SearchResult(text, (), note=self.error or "search is unavailable")
        try:
            return engine.search(text, limit, **options)  # type: ignore[no-any-return]
        except Cancelled:
            return SearchResult(text, ())

    def count(
        self,
        query: str,
        *,
        kinds: Sequence[str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[int, bool] | None:
        """How many documents match ``query``, searched before with ``count=False``:
        ``(n, exact)`` (``n`` a lower bound when counting ran out of time); None when that
        search is not known or counting was cancelled. Never raises."""
        engine = self._engine
        if engine is None:
            return None
        try:
            return engine.count_matches(  # type: ignore[no-any-return]
                query, kinds=kinds, cancelled=cancelled
            )
        except Exception:  # cancelled, closed or replaced meanwhile: no count
            return None

    def goto(self, text: str, limit: int = 20) -> SearchResult:
        """Items (not sentences) for a "go to item" command: those whose id starts with
        ``text`` first, then those matching ``text`` as a query. Never raises."""
        engine = self._engine
        if engine is None:
            return SearchResult(text, (), note=self.error or "search is unavailable")
        try:
            return engine.goto(text, limit, self.time_limit)  # type: ignore[no-any-return]
        except Exception as exc:
            log.warning("go to %r failed: %s", text, exc, exc_info=True)
            return self.search(text, limit, kinds=ITEM_KINDS)

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
            self.status = "closed"
        if engine is not None:
            engine.close()
