"""The search's collectors: a deadline and a cancellation checked every few matches, and a
top-N collector that raises its bar as soon as it is full (the core; imports Whoosh)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from whoosh import collectors

from briefing_tui.search.results import Cancelled
from briefing_tui.search.whoosh_compat import HookedTopCollector


class DeadlineCollector(collectors.WrappingCollector):  # type: ignore[misc]
    """Stops collecting at a deadline (raises TimeLimit) or when the caller cancels.

    Whoosh's own TimeLimitCollector starts a timer thread per search and, by default,
    installs a SIGALRM handler (which only works on the main thread); this one checks the
    clock every few matches, so it works from any thread and costs next to nothing.
    """

    def __init__(
        self,
        child: Any,
        deadline: float,
        cancelled: Callable[[], bool] | None = None,
        deleted: dict[int, frozenset[int]] | None = None,
    ) -> None:
        super().__init__(child)
        self.deadline = deadline
        self.cancelled = cancelled
        self.timed_out = False
        self.deleted = deleted or {}
        self._skip: frozenset[int] = frozenset()

    def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)
        self._skip = self.deleted.get(id(subsearcher.reader()), frozenset())

    def collect_matches(self) -> None:
        child = self.child
        clock = time.perf_counter
        skip = self._skip
        for n, sub_docnum in enumerate(child.matches(), 1):
            if skip and sub_docnum in skip:
                continue
            child.collect(sub_docnum)
            if not n & 31:
                if clock() > self.deadline:
                    self.timed_out = True
                    raise collectors.TimeLimit
                if self.cancelled is not None and self.cancelled():
                    raise Cancelled


class TopCollector(HookedTopCollector):
    """Whoosh's TopCollector, raising its bar as soon as the top ``limit`` are full
    (benchmark row `search`, docs/benchmarks.md).

    Whoosh only raises the minimum score needed to enter the top N when a better document
    replaces one; when every match scores the same (a filter or a short prefix alone) it
    never does, and every match is visited. A document must score *more* than the lowest
    of a full top N to enter it, so blocks that cannot do better can be skipped from the
    moment it is full. Used for unscored queries only: on scored ones, Whoosh's skipping
    through intersections at a raised bar goes document by document and costs more.
    """

    minscore: float
    items: list[tuple[float, int]]
    limit: int

    def collect_one(self, global_docnum: int, score: float) -> float:
        out = super().collect_one(global_docnum, score)
        items = self.items
        if len(items) == self.limit and self.minscore < items[0][0]:
            self.minscore = items[0][0]
        return out
