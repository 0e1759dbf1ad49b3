"""What a search answers (hits and results) and the names shared by the search modules and
their callers; imports neither Whoosh nor the rest of the package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefing_tui.briefing.model import ItemRef


class Cancelled(Exception):
    """The caller no longer wants this search."""


class BuildCancelled(Exception):
    """Raised by a progress callback to stop building the index (the app is exiting)."""


HIT_KINDS = ("actor", "commitment", "event", "note", "assessment", "sentence")
ITEM_KINDS = ("actor", "commitment", "event", "note", "assessment")


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    briefing: str
    kind: str  # one of HIT_KINDS
    id: str  # the item id, or "s<N>" for sentence N
    title: str
    month: str | None  # YYYY-MM, None when undated or a sentence
    snippet: str  # plain text, never markup
    highlights: tuple[tuple[int, int], ...]  # (start, end) spans of matched words in snippet
    score: float
    sentence: int | None = None  # for sentence hits: the sentence number

    @property
    def ref(self) -> ItemRef:
        return ItemRef(self.briefing, self.id)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    corrected: bool = False  # True when edit-distance-1 (typo) matches were used
    note: str = ""  # what the pane says about the result ("showing close matches for ...")
    total: int | None = None  # how many documents match in all (None: not counted)
    total_exact: bool = True  # False: counting ran out of time; ``total`` is a lower bound

    @property
    def count(self) -> int:
        """How many hits there are in all, at least the ones returned."""
        return max(self.total or 0, len(self.hits))

    @property
    def more(self) -> bool:
        """True when there are hits beyond the ones returned (a larger limit finds them)."""
        return self.count > len(self.hits) or not self.total_exact

    def count_label(self) -> str:
        """``"20 of 1,012"``, ``"23 results"``, ``"20 of 1,000+"`` (plain text)."""
        n, total = len(self.hits), self.count
        plus = "" if self.total_exact else "+"
        if total > n or plus:
            return f"{n:,} of {total:,}{plus}"
        return f"{n:,} result{'s' if n != 1 else ''}"


ProgressCallback = Callable[[int, int], None]  # (briefings indexed, briefings to index)
