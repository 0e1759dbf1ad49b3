"""The search pane: an input, a status line and the results (or recent queries).

The pane never searches itself: it posts :class:`SearchPane.QueryChanged` and the app
runs the search in a thread worker, handing results back with :meth:`show_result`.
Results for a query other than the one now typed are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import INFERRED_MARK, MONTH_NAMES
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.compat import HookedInput
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.memo import Memo

if TYPE_CHECKING:  # the search module imports Whoosh: never at start-up
    from briefing_tui.search import Hit, SearchResult

BADGES = {
    "actor": "ACTOR",
    "commitment": "COMMIT",
    "event": "EVENT",
    "note": "NOTE",
    "assessment": "ASSESS",
    "sentence": "SOURCE",
}
BADGE_WIDTH = 6
MAX_RECENT = 8


def month_label(month: str | None) -> str:
    if not month or len(month) != 7 or month[4] != "-":
        return ""
    try:
        return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"
    except (ValueError, IndexError):
        return ""


def hit_prompt(hit: Hit, briefing_title: str, inferred_year: int | None = None) -> Group:
    """A result: kind badge and title, then briefing and month, then the snippet.

    Matched words are styled with ``Text.stylize`` on the hit's spans: the data is never
    parsed as markup.
    """
    badge = BADGES.get(hit.kind, hit.kind.upper()[:BADGE_WIDTH]).ljust(BADGE_WIDTH)
    head = Text(badge, style="reverse")
    head.append(" ")
    head.append(one_line(hit.title), style="bold")
    month = month_label(hit.month)
    if month and inferred_year is not None and hit.month and hit.month[:4] == str(inferred_year):
        month += INFERRED_MARK  # the briefing's year is inferred: "Nov 2025*"
    facts = " · ".join(f for f in (month, one_line(briefing_title)) if f)
    lines = [head, Text(facts, style="dim", no_wrap=True, overflow="ellipsis")]
    if hit.snippet:
        clean = one_line_chars(hit.snippet)
        snip = Text(clean)
        for start, end in hit.highlights:
            if 0 <= start < end <= len(clean):
                snip.stylize("bold reverse", start, end)
        lines.append(snip)
    return Group(*lines)


def one_line_chars(text: str) -> str:
    """Neutralise ``text`` character by character so that offsets are preserved."""
    out = []
    for ch in text:
        safe = one_line(ch) if ch not in " \t\n\r" else " "
        out.append(safe[:1] if safe else " ")
    return "".join(out)


class SearchInput(HookedInput):
    """The query box. Up/Down move through the results without leaving it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.result_step(1)", "Next result", show=False, id="search.down"),
        Binding("up", "screen.result_step(-1)", "Previous result", show=False, id="search.up"),
        Binding("enter", "screen.open_result", "Open result", id="search.open"),
    ]

    _typing = False

    def value_watched(self, value: str) -> None:
        self._typing = True
        try:
            super().value_watched(value)
        finally:
            self._typing = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        # Benchmark row `keystroke` (docs/benchmarks.md) justifies this.
        # Each key changes the text's width (the Input's virtual size), which asks for a
        # layout of the whole screen. This box's size never depends on its text (no auto
        # width or height): a repaint of the box is all a key needs.
        if self._typing and layout and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class SearchPane(Vertical):
    """Search, always on screen at 100 columns and more; the main area at 80x24."""

    class QueryChanged(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Opened(Message):
        """The reader chose a result (``hit``) or a recent query (``query``)."""

        def __init__(self, hit: Hit | None = None, query: str | None = None) -> None:
            super().__init__()
            self.hit = hit
            self.query = query

    DEFAULT_CSS = """
    SearchPane { height: 1fr; }
    SearchPane > #search-status { height: auto; max-height: 2; color: $text-muted; padding: 0 1; }
    """

    def __init__(
        self, titles: dict[str, str], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.titles = titles  # briefing id -> title, for the results
        self.inferred_years: dict[str, int] = {}  # briefing id -> its inferred year (dating)
        self.result: SearchResult | None = None
        self.recent: list[str] = []
        self.status = ""
        self._pending_index: int | None = None
        self.ready = False

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="search…", id="search-input", select_on_focus=False)
        yield Static(id="search-status")
        results = BriefList(id="search-results")
        results.can_focus = False
        yield results

    def on_mount(self) -> None:
        self.border_title = "Search"
        self.set_status("Type to search. Enter opens a result.")
        self.show_recent()

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def results(self) -> BriefList:
        return self.query_one("#search-results", BriefList)

    @property
    def query_text(self) -> str:
        return self.input.value

    def set_status(self, message: str) -> None:
        if message == self.status and self.is_mounted:
            return  # unchanged: no repaint
        before, self.status = self.status, message
        status = self.query_one("#search-status", Static)
        text = Text(one_line(message))
        # The line's height follows its text (one line, or two): when the old and the new
        # text both fit on one line, the screen needs no new layout, only this line redrawn.
        # Hidden (the search pane is a tab not shown at 80 columns): no layout now, which
        # would repaint the whole screen's scrollbars for nothing (index progress while
        # idle); showing the pane lays it out.
        width = status.content_region.width
        one = 0 < text.cell_len <= width and 0 < cell_len(one_line(before)) <= width
        shown = status.size.width > 0
        status.update(text, layout=shown and not (one and status.size.height == 1))

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        query = event.value
        if not query.strip():
            self.result = None
            self.show_recent()
            return
        if self.result is not None and self.result.query == query:
            return
        self.post_message(self.QueryChanged(query))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    def show_recent(self) -> None:
        results = self.results
        options: list[Option] = []
        if self.recent:
            options.append(Option(Text("Recent queries", style="bold underline"), disabled=True))
            options += [Option(Text(one_line(q))) for q in self.recent]
        results.highlighted = None
        results.set_options(options)
        results.highlight_first_enabled()
        if self.ready:
            self.set_status(
                "Type to search. Enter opens a result."
                + (" Recent queries below." if self.recent else "")
            )

    def show_result(self, result: SearchResult) -> bool:
        """Show ``result`` if it answers the query now typed; False when it is stale."""
        if result.query != self.query_text:
            return False
        same = self.result is not None and self.result.hits == result.hits
        self.result = result
        if same:  # e.g. a trailing space typed: nothing to repaint
            return True
        options = [
            Option(
                Memo(
                    hit_prompt(
                        h,
                        self.titles.get(h.briefing, h.briefing),
                        self.inferred_years.get(h.briefing),
                    )
                )
            )
            for h in result.hits
        ]
        results = self.results
        results.highlighted = None
        results.set_options(options)
        n = len(result.hits)
        status = f"{n} result{'s' if n != 1 else ''}" if n else "No results."
        if result.note:
            status += " " + result.note
        elif result.corrected:
            status += " (close matches)"
        self.set_status(status)
        index = self._pending_index
        self._pending_index = None
        if n:
            results.highlighted = index if index is not None and index < n else 0
        return True

    def add_recent(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.recent:
            self.recent.remove(query)
        self.recent.insert(0, query)
        del self.recent[MAX_RECENT:]

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self.result.hits if self.result is not None and self.query_text else ()

    @property
    def index(self) -> int | None:
        return self.results.highlighted if self.hits else None

    def step(self, delta: int) -> None:
        results = self.results
        if results.option_count == 0:
            return
        if delta > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def highlighted_choice(self) -> tuple[Hit | None, str | None]:
        """The highlighted hit, or the highlighted recent query."""
        h = self.results.highlighted
        if h is None:
            return None, None
        if self.hits:
            return (self.hits[h], None) if h < len(self.hits) else (None, None)
        if not self.query_text and self.recent:
            i = h - 1
            return (None, self.recent[i]) if 0 <= i < len(self.recent) else (None, None)
        return None, None

    def restore(self, query: str, index: int | None) -> None:
        """Show ``query`` again with result ``index`` highlighted (going back to the results)."""
        if self.result is not None and self.result.query == query and self.query_text == query:
            if index is not None and index < len(self.result.hits):
                self.results.highlighted = index
            return
        self._pending_index = index
        self.input.value = query
        self.input.cursor_position = len(query)

    @on(BriefList.OptionSelected, "#search-results")
    def _clicked(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        hit, query = self.highlighted_choice()
        self.post_message(self.Opened(hit, query))
