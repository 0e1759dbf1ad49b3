"""Full-text search over a library (the core; imports no Textual).

PLACEHOLDER implementation with the final interface: a plain substring scan. It is
replaced by the Whoosh index (issue 4) without changing the interface below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing_tui.library import Library
from briefing_tui.model import Actor, ItemRef
from briefing_tui.text import fold_for_search, one_line

HIT_KINDS = ("actor", "commitment", "event", "note", "sentence")


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


ProgressCallback = Callable[[int, int], None]  # (done, total)


class SearchIndex:
    """The library's search index. One instance is reused for every query."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._docs: list[tuple[Hit, str]] = []
        for b in library.briefings:
            for it in b.items:
                title = it.name if isinstance(it, Actor) else it.title
                when = getattr(it, "when", None)
                month = when.month if when is not None else None
                body = " ".join(
                    [title, getattr(it, "summary", ""), getattr(it, "text", "")]
                    + [e.quote for e in it.evidence]
                    + list(getattr(it, "aliases", ()))
                )
                hit = Hit(
                    b.id, it.item_kind, it.id, one_line(title), month, one_line(body)[:160], (), 0.0
                )
                self._docs.append((hit, fold_for_search(body)))
            for s in b.source.sentences:
                hit = Hit(
                    b.id,
                    "sentence",
                    f"s{s.number}",
                    f"Sentence {s.number}",
                    None,
                    one_line(s.text)[:160],
                    (),
                    0.0,
                    s.number,
                )
                self._docs.append((hit, fold_for_search(s.text)))

    @classmethod
    def open(
        cls,
        library: Library,
        cache_dir: Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> SearchIndex:
        """Open (or build) the index for ``library``; persistent under ``cache_dir``."""
        return cls(library)

    def search(self, query: str, limit: int = 20) -> SearchResult:
        words = fold_for_search(query).split()
        if not words:
            return SearchResult(query, ())
        hits = [h for h, text in self._docs if all(w in text for w in words)]
        return SearchResult(query, tuple(hits[:limit]))

    def close(self) -> None:
        pass
