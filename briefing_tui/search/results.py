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


ProgressCallback = Callable[[int, int], None]  # (briefings indexed, briefings to index)
