"""The briefing switcher: filter as you type, sorted by date (newest first) or by title.

One row per briefing: its title, date and item counts. Typing filters over the title, id,
place, month and actors' names: every word typed must appear in one of them, or, failing
that, its letters in order in the title or id (``pkus`` finds ``pk-us-…``); exact matches
come first. The list shows the first rows and adds more as the cursor nears its end, so it
opens and filters at once even with 10,000 briefings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from briefing_tui.briefing.library import BriefingSummary, Library
from briefing_tui.briefing.model import MONTH_FULL_NAMES
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.screens.dialog import DialogScreen
from briefing_tui.tui.widgets.lists import BriefList, list_keys

SHOWN = 50  # rows listed at first (and added each time the cursor nears the end)
NEAR_END = 10
COUNT_WIDTH = 4


@dataclass(frozen=True, slots=True)
class Entry:
    """A briefing as the switcher lists and filters it (from its summary: the briefing
    itself is not read)."""

    summary: BriefingSummary
    words: str  # title, id, place, month (numeric and by name), actors: folded
    short: str  # title and id, folded: for letters-in-order matches
    date_key: tuple[int, str, int]


_made: list[tuple[Library, tuple[Entry, ...]]] = []  # the last library's entries


def entries(library: Library) -> tuple[Entry, ...]:
    """The library's briefings as entries, newest first (undated last); made once per
    library."""
    if _made and _made[0][0] is library:
        return _made[0][1]
    out = []
    for s in library.summaries:
        month = s.month
        named = ""
        if len(month) == 7 and month[5:].isdigit() and 1 <= int(month[5:]) <= 12:
            named = f"{MONTH_FULL_NAMES[int(month[5:]) - 1]} {month[:4]}"
        words = " ".join([s.title, s.id, s.place, month, named, s.when_label, *s.actor_names])
        out.append(Entry(s, words.casefold(), f"{s.title} {s.id}".casefold(), s.sort_key))
    dated = sorted((e for e in out if e.date_key[0] == 0), key=lambda e: e.date_key, reverse=True)
    undated = sorted((e for e in out if e.date_key[0] != 0), key=lambda e: e.short)
    result = tuple(dated + undated)
    _made[:] = [(library, result)]
    return result


def in_order(letters: str, text: str) -> bool:
    """True when the letters of ``letters`` appear in ``text`` in this order."""
    it = iter(text)
    return all(ch in it for ch in letters)


def filter_entries(items: Sequence[Entry], query: str, by_title: bool = False) -> list[Entry]:
    """The entries matching ``query`` (all of them when it is blank), exact matches first,
    each group in date order or, with ``by_title``, in title order."""
    ordered = sorted(items, key=lambda e: e.short) if by_title else list(items)
    words = query.casefold().split()
    if not words:
        return ordered
    exact: list[Entry] = []
    loose: list[Entry] = []
    for e in ordered:
        hay = e.words
        if all(w in hay for w in words):
            exact.append(e)
        elif all(w in hay or in_order(w, e.short) for w in words):
            loose.append(e)
    return exact + loose


DATE_WIDTH = 11  # "12 Nov 2025"
FIXED = 1 + DATE_WIDTH + 4 * (COUNT_WIDTH + 1)  # cells after the title


def briefing_row(b: BriefingSummary, current: bool, width: int) -> Text:
    """One row of ``width`` cells: the title (cut with … to fit), its date, and the counts
    of actors, commitments, events and notes."""
    title = Text(one_line(b.title), style="bold")
    if current:
        title.append(" (open)", style="dim")
    title.truncate(max(8, width - FIXED), overflow="ellipsis", pad=True)
    date = one_line(b.when_label.split(" (")[0] if b.month else "undated")
    row = title
    row.append(" " + date[:DATE_WIDTH].ljust(DATE_WIDTH), style="dim")
    for n in b.counts:
        row.append(" " + str(n).rjust(COUNT_WIDTH))
    return row


def header_row(width: int) -> Text:
    head = Text("briefing")
    head.truncate(max(8, width - FIXED), pad=True)
    head = Text(" ") + head  # under the titles, past the cursor's gutter
    head.append(" " + "date".ljust(DATE_WIDTH))
    for label in ("act", "com", "evt", "note"):
        head.append(" " + label.rjust(COUNT_WIDTH))
    head.stylize("dim")
    return head


class SwitcherInput(Input):
    """The filter box: Up/Down/PgUp/PgDn move through the list while typing."""

    BINDINGS: ClassVar[list[BindingType]] = list_keys(
        "switcher",
        "screen.move",
        "screen.page",
        ("Next briefing", "Previous briefing", "Page down", "Page up"),
    )


class SwitcherScreen(DialogScreen[str | None]):
    """Pick a briefing: type to filter, Enter opens, Tab changes the order, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="switcher.close"),
        Binding("enter", "open", "Open briefing", id="switcher.open"),
        Binding("tab", "sort", "Sort by title / date", id="switcher.sort"),
    ]

    BOX = "#switcher"
    BOX_SIZE = "width: 90%; max-width: 110; height: auto; max-height: 90%;"
    DEFAULT_CSS = """
    #switcher-filter { border: none; height: 1; padding: 0 1; background: $boost; }
    #switcher-status, #switcher-header { height: 1; padding: 0 0 0 1; color: $text-muted; }
    #switcher-list { height: auto; max-height: 70vh; }  /* 1fr in an auto box: clipped */
        """

    def __init__(self, library: Library, current: str | None) -> None:
        super().__init__()
        self.library = library
        self.current = current
        self.by_title = False
        self.matches: list[Entry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="switcher") as box:
            box.border_title = f"Briefings ({len(self.library.briefings):,})"
            box.border_subtitle = "Enter opens · Tab sorts · Esc closes"
            yield SwitcherInput(
                placeholder="filter: title, id, place, month, actor…", id="switcher-filter"
            )
            yield Static(id="switcher-status")
            yield Static(id="switcher-header")
            lst = BriefList(id="switcher-list")
            lst.can_focus = False
            yield lst

    list = getters.query_one("#switcher-list", BriefList)

    @property
    def filter_text(self) -> str:
        return self.query_one(SwitcherInput).value

    def on_mount(self) -> None:
        self.query_one(SwitcherInput).focus()
        if getattr(self.app, "ssh_mode", False):
            self.query_one(SwitcherInput).cursor_blink = False
        self.refilter(keep=self.current)

    def refilter(self, keep: str | None = None) -> None:
        """List the briefings matching the filter; the cursor on ``keep`` when listed."""
        self.matches = filter_entries(entries(self.library), self.filter_text, self.by_title)
        lst = self.list
        lst.highlighted = None
        lst.clear_options()
        shown = SHOWN
        if keep is not None:
            at = next((i for i, e in enumerate(self.matches) if e.summary.id == keep), None)
            if at is not None:
                shown = max(shown, at + NEAR_END + 1)
        self.query_one("#switcher-header", Static).update(header_row(self.row_width))
        self._add(shown)
        index = 0
        if keep is not None:
            try:
                index = lst.get_option_index(keep)
            except OptionDoesNotExist:  # filtered out
                index = 0
        if lst.option_count:
            lst.highlighted = index
        self._status()

    @property
    def row_width(self) -> int:
        """Cells of a row: the list's width less its cursor gutter (and scrollbar)."""
        width = self.list.scrollable_content_region.width
        if width <= 0:  # not laid out yet: as the CSS will make it
            width = min(110, self.app.size.width * 9 // 10) - 4
        return max(20, width - 2)

    def _add(self, n: int) -> None:
        lst = self.list
        have = lst.option_count
        width = self.row_width
        lst.add_options(
            Option(briefing_row(e.summary, e.summary.id == self.current, width), id=e.summary.id)
            for e in self.matches[have : have + n]
        )

    def _status(self) -> None:
        total = len(self.library.briefings)
        n = len(self.matches)
        order = "title" if self.by_title else "date, newest first"
        if not self.filter_text.strip():
            text = f"{total:,} briefings · by {order}"
        elif n:
            text = f"{n:,} of {total:,} match · by {order}"
        else:
            text = f"No briefing matches (of {total:,}). Esc closes."
        self.query_one("#switcher-status", Static).update(Text(text))

    def on_resize(self) -> None:
        option = self.list.highlighted_option
        self.call_after_refresh(self.refilter, option.id if option else self.current)

    @on(Input.Changed, "#switcher-filter")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter()

    @on(Input.Submitted, "#switcher-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(BriefList.OptionHighlighted, "#switcher-list")
    def _moved(self, event: BriefList.OptionHighlighted) -> None:
        event.stop()
        lst = self.list
        more = lst.option_count < len(self.matches)
        if more and event.option_index >= lst.option_count - NEAR_END:
            self._add(SHOWN)

    def action_move(self, delta: int) -> None:
        lst = self.list
        if delta > 0:
            lst.action_cursor_down()
        else:
            lst.action_cursor_up()

    def action_page(self, delta: int) -> None:
        lst = self.list
        if delta > 0:
            lst.action_page_down()  # type: ignore[no-untyped-call]
        else:
            lst.action_page_up()  # type: ignore[no-untyped-call]

    def action_sort(self) -> None:
        option = self.list.highlighted_option
        self.by_title = not self.by_title
        self.refilter(keep=option.id if option else None)

    def action_open(self) -> None:
        option = self.list.highlighted_option
        if option is None:
            self.app.bell()
            return
        self.dismiss(option.id)

    @on(BriefList.OptionSelected, "#switcher-list")
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
