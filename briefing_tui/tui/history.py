"""Navigation history with browser semantics. A plain class: imports no Textual.

The app keeps one :class:`History` of :class:`Location` entries. A *visit* (following a
link, opening a search result, switching briefing) adds an entry after the current one
and drops every forward entry, as a web browser does. Moving the selection within a
pane does not add an entry: the app records it with :meth:`History.replace` so that
going back returns to the exact item and pane the reader left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

T = TypeVar("T")

PANES = ("navigator", "detail", "source", "search")
SECTIONS = ("actors", "commitments", "context", "notes")


@dataclass(frozen=True, slots=True)
class Location:
    """Where the reader is: a briefing, a navigator section and item, and the focused pane.

    ``item`` is an item's id, or ``#5`` for a sentence row of the Speakers section.
    ``index`` is the cursor in the focused pane (a link in the detail pane, a result in the
    search pane); ``sentence`` the source sentence under the cursor; ``query`` the search
    text when the search pane is focused.
    """

    briefing: str
    section: str = "actors"
    item: str | None = None
    pane: str = "navigator"
    sentence: int | None = None
    index: int | None = None
    query: str | None = None

    def with_(self, **changes: object) -> Location:
        return replace(self, **changes)  # type: ignore[arg-type]


class History(Generic[T]):
    """A list of visited entries and a position in it, at most ``limit`` long."""

    def __init__(self, first: T | None = None, limit: int = 500) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._entries: list[T] = [] if first is None else [first]
        self._pos = len(self._entries) - 1
        self.limit = limit

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries)

    @property
    def position(self) -> int:
        """Index of the current entry (-1 when empty)."""
        return self._pos

    @property
    def current(self) -> T | None:
        return self._entries[self._pos] if self._entries else None

    @property
    def can_back(self) -> bool:
        return self._pos > 0

    @property
    def can_forward(self) -> bool:
        return 0 <= self._pos < len(self._entries) - 1

    def visit(self, entry: T) -> None:
        """Go to ``entry``: it becomes current, and every forward entry is dropped.

        Visiting the current entry again changes nothing.
        """
        if self._entries and self._entries[self._pos] == entry:
            del self._entries[self._pos + 1 :]
            return
        del self._entries[self._pos + 1 :]
        self._entries.append(entry)
        if len(self._entries) > self.limit:
            del self._entries[: len(self._entries) - self.limit]
        self._pos = len(self._entries) - 1

    def replace(self, entry: T) -> None:
        """Update the current entry in place (the reader moved within the same visit)."""
        if not self._entries:
            self._entries.append(entry)
            self._pos = 0
        else:
            self._entries[self._pos] = entry

    def back(self) -> T | None:
        """Step back; the entry now current, or None when there is nothing before."""
        if not self.can_back:
            return None
        self._pos -= 1
        return self._entries[self._pos]

    def forward(self) -> T | None:
        """Step forward; the entry now current, or None when there is nothing after."""
        if not self.can_forward:
            return None
        self._pos += 1
        return self._entries[self._pos]

    def clear(self, first: T | None = None) -> None:
        self._entries = [] if first is None else [first]
        self._pos = len(self._entries) - 1
