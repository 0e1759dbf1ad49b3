"""The search pane: an input, a status line and the results (or recent queries).

The pane never searches itself: it posts :class:`SearchPane.QueryChanged` and the app
runs the search in a thread worker, handing results back with :meth:`show_result`.
Results for a query other than the one now typed are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Self, cast

from rich.cells import cell_len
from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import INFERRED_MARK, MONTH_NAMES
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.compat import HookedInput
from briefing_tui.tui.host import host
from briefing_tui.tui.widgets.lists import BriefList, list_keys

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
PAGE = 20  # results asked for at first
MORE = 50  # more asked for as the cursor nears the end of those shown
NEAR_END = 5  # results from the end at which more are asked for
MAX_RESULTS = 2000  # the most the pane lists for one query (the count says how many match)


def month_label(month: str | None) -> str:
    if not month or len(month) != 7 or month[4] != "-":
        return ""
    try:
        return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"
    except (ValueError, IndexError):
        return ""


MATCH_STYLE = "bold reverse"


def matched_words(hit: Hit) -> set[str]:
    """The words the query matched, as they appear in the hit's snippet (folded to lower
    case): to mark them in the title too."""
    return {
        hit.snippet[a:b].casefold()
        for a, b in hit.highlights
        if 0 <= a < b <= len(hit.snippet) and hit.snippet[a:b].strip()
    }


def mark_words(text: Text, words: set[str]) -> None:
    """Style every occurrence of ``words`` in ``text`` (case-insensitive) as a match."""
    folded = text.plain.casefold()
    if len(folded) != len(text.plain):
        return  # case folding changed the length: offsets would not line up
    for word in words:
        at = folded.find(word)
        while at >= 0:
            text.stylize(MATCH_STYLE, at, at + len(word))
            at = folded.find(word, at + len(word))


def count_label(result: SearchResult) -> str:
    """``"20 of 1,012"``; ``"20 of … (counting)"`` until the count follows the hits."""
    if result.total is None and not result.total_exact:
        return f"{len(result.hits):,} of … (counting)"
    return result.count_label()


BRIEFING_CUT = 24  # characters of a briefing's title before a result's snippet


def hit_prompt(hit: Hit, briefing_title: str | None, inferred_year: int | None = None) -> Group:
    """A result in two lines: the kind badge, the title and its month; then the snippet,
    after the briefing's title (cut short) when the library holds several. Both lines are
    cut to the width.

    Matched words are styled with ``Text.stylize`` on the hit's spans (and the same words
    in the title): the data is never parsed as markup.
    """
    badge = BADGES.get(hit.kind, hit.kind.upper()[:BADGE_WIDTH]).ljust(BADGE_WIDTH)
    head = Text(no_wrap=True, overflow="ellipsis")
    head.append(badge, style="reverse")  # the badge alone: the title keeps its own style
    head.append(" ")
    start = len(head.plain)
    title = one_line_chars(hit.title)
    head.append(title, style="bold")
    title_text = Text(title)
    mark_words(title_text, matched_words(hit))
    for span in title_text.spans:
        head.stylize(span.style, start + span.start, start + span.end)
    month = month_label(hit.month)
    if month and inferred_year is not None and hit.month and hit.month[:4] == str(inferred_year):
        month += INFERRED_MARK  # the briefing's year is inferred: "Nov 2025*"
    if month:
        head.append(f" · {month}", style="dim")
    lines = [head]
    snip = Text(no_wrap=True, overflow="ellipsis")
    if briefing_title:
        name = one_line(briefing_title)
        if len(name) > BRIEFING_CUT:
            name = name[: BRIEFING_CUT - 1].rstrip() + "…"
        snip.append(name, style="dim italic")
        snip.append(" · " if hit.snippet else "", style="dim")
    if hit.snippet:
        clean = one_line_chars(hit.snippet)
        at = len(snip.plain)
        snip.append(clean)
        for a, b in hit.highlights:
            if 0 <= a < b <= len(clean):
                snip.stylize(MATCH_STYLE, at + a, at + b)
    if snip.plain:
        lines.append(snip)
    return Group(*lines)


def shown_as(hit: Hit) -> tuple[object, ...]:
    """What the pane shows of ``hit`` (and opens): all but its score. Two results that show
    the same hits are not repainted (bytes per key: "narcot" to "narcotic" scores its hits
    anew, the screen stays the same)."""
    return (
        hit.briefing,
        hit.kind,
        hit.id,
        hit.sentence,
        hit.title,
        hit.month,
        hit.snippet,
        hit.highlights,
    )


def one_line_chars(text: str) -> str:
    """Neutralise ``text`` character by character so that offsets are preserved."""
    if text.isprintable():
        return text  # no control, format or space character but " ": nothing to change
    out = []
    for ch in text:
        safe = one_line(ch) if ch not in " \t\n\r" else " "
        out.append(safe[:1] if safe else " ")
    return "".join(out)


class HitLines(Visual):
    """A result's lines, never wrapped (``no_wrap`` Texts): as tall as it has lines, known
    without drawing them, and drawn once per width and style.

    Benchmark row `keystroke` (docs/benchmarks.md) justifies it: an OptionList draws every
    new option once just to measure its height (a Rich renderable's height is known only by
    rendering it), and each key brings a page of new results.
    """

    def __init__(self, lines: Sequence[Text], console: Console) -> None:
        self.lines = lines
        self.console = console
        self._strips: dict[tuple[int, RichStyle], list[Strip]] = {}

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((line.cell_len for line in self.lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines)

    def render_strips(
        self, width: int, height: int | None, style: VisualStyle, options: RenderOptions
    ) -> list[Strip]:
        base = style.rich_style
        strips = self._strips.get((width, base))
        if strips is None:
            # As a Rich renderable is drawn in a widget, on the widget's style; but each line
            # is one line (no_wrap), so it is cut to the width as Rich cuts it (an ellipsis)
            # and its segments taken as they are: Rich's wrapping, joining and splitting
            # of lines were more than half the cost of drawing a page of new results
            # (benchmark row `keystroke`; tests/tui/test_search_render.py: the same strips).
            console = self.console
            strips = []
            for line in self.lines:
                cut = line.copy()
                cut.truncate(width, overflow=line.overflow or "ellipsis")
                strips.append(Strip(Segment.apply_style(cut.render(console), base)))
            self._strips[(width, base)] = strips
        return strips if height is None else strips[:height]


class SearchInput(HookedInput):
    """The query box. Up/Down move through the results without leaving it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys(
            "search",
            "screen.result_step",
            "page",
            ("Next result", "Previous result", "Results page down", "Results page up"),
        ),
        Binding("enter", "screen.open_result", "Open result", id="search.open"),
        Binding("end", "last", "End of query, then last result", show=False, id="search.last"),
        Binding(
            "home", "first", "Start of query, then first result", show=False, id="search.first"
        ),
    ]

    def _pane(self) -> SearchPane | None:
        parent = self.parent
        return parent if isinstance(parent, SearchPane) else None

    def action_last(self) -> None:
        """End moves to the end of the query; at its end, to the last result."""
        pane = self._pane()
        if self.cursor_position < len(self.value) or pane is None:
            self.action_end()
        else:
            pane.last()

    def action_first(self) -> None:
        pane = self._pane()
        if self.cursor_position > 0 or pane is None:
            self.action_home()
        else:
            pane.first()

    def action_page(self, delta: int) -> None:
        pane = self._pane()
        if pane is not None:
            pane.page(delta)

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


class SearchAnswered(Message):
    """The hits of search ``gen`` (posted by the browser's search worker, which counts the
    rest after)."""

    def __init__(self, gen: int, result: SearchResult, counting: bool) -> None:
        super().__init__()
        self.gen = gen
        self.result = result
        self.counting = counting  # the worker counts the matches beyond the hits next


class SearchPane(Vertical):
    """Search, always on screen at 100 columns and more; the main area at 80x24."""

    class QueryChanged(Message):
        """Search for ``query``, the best ``limit`` hits."""

        def __init__(self, query: str, limit: int = PAGE) -> None:
            super().__init__()
            self.query = query
            self.limit = limit

    class Moved(Message):
        """The reader moved the cursor through the results (not a new result arriving)."""

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
        self.limit = PAGE  # how many hits the query now typed asks for
        self._loading = False  # more hits asked for, not yet shown
        self._to_last = False  # highlight the last hit when the next result comes

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="search…", id="search-input", select_on_focus=False)
        yield Static(id="search-status")
        results = BriefList(id="search-results")
        results.can_focus = False
        results.auto_links = False  # results hold no links: not styled for them per line
        yield results

    def on_mount(self) -> None:
        if not self.query(SearchInput):
            return  # the app closed while the pane was on its way (mounted after the first
            # frame, see BrowserScreen.mount_deferred): its input and list never came
        if host(self.app).ssh_mode:
            self.input.cursor_blink = False
        self.border_title = "Search"
        self.set_status("Type to search. Enter opens a result.")
        self.show_recent()
        # The index's state is the app's (reactive): shown here as it changes.
        for name in ("index_ready", "index_error", "index_progress"):
            self.watch(self.app, name, self.index_state_changed, init=False)
        self.index_state_changed()

    input = getters.query_one(SearchInput)
    results = getters.query_one("#search-results", BriefList)

    def index_state_changed(self) -> None:
        """Say what the index is doing; once it is ready, search for the query typed."""
        app = host(self.app)
        if app.index_ready:
            was_ready, self.ready = self.ready, True
            query = self.query_text
            if query.strip() and (self.result is None or self.result.query != query):
                self.post_message(self.QueryChanged(query, self.limit))
            elif not query and not was_ready:
                self.show_recent()
        elif app.index_error is not None:
            self.set_status(f"Search unavailable: {app.index_error}")
        elif app.index_progress is not None:
            done, total = app.index_progress
            width = 12
            filled = width * done // total if total else 0
            bar = "█" * filled + "░" * (width - filled)
            pct = 100 * done // total if total else 0
            self.set_status(f"Indexing {bar} {pct}%")
        else:
            self.set_status("Opening the search index…")

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
        self.limit = PAGE
        self._loading = self._to_last = False
        if self.ready:
            self.post_message(self.QueryChanged(query, self.limit))
        elif host(self.app).index_error is None:
            self.set_status("Opening the search index…")  # searched once it is open

    @property
    def several_briefings(self) -> bool:
        return len(self.titles) > 1

    def load_more(self, upto: int | None = None) -> bool:
        """Ask for more hits of the query now shown (``upto`` in all, or another page);
        False when there are no more to ask for."""
        result = self.result
        if result is None or not result.more or self._loading:
            return False
        have = len(result.hits)
        if have >= MAX_RESULTS:
            return False
        want = upto if upto is not None else have + MORE
        self.limit = max(have + 1, min(want, MAX_RESULTS))
        self._loading = True
        self.post_message(self.QueryChanged(result.query, self.limit))
        return True

    def last(self) -> None:
        """Highlight the last hit: first asking for all of them when some are not shown."""
        result = self.result
        if result is None or not self.hits:
            return
        if result.more and len(result.hits) < MAX_RESULTS:
            self._to_last = True
            if not self._loading:
                self.load_more(upto=result.count if result.total_exact else MAX_RESULTS)
            self.set_status(f"{count_label(result)} · loading to the last…")
            return
        self.results.highlighted = len(result.hits) - 1
        self.post_message(self.Moved())

    def first(self) -> None:
        if self.hits:
            self.results.highlighted = 0
            self.post_message(self.Moved())

    @on(BriefList.OptionHighlighted, "#search-results")
    def _near_end(self, event: BriefList.OptionHighlighted) -> None:
        # Not stopped: the screen previews the highlighted result side by side.
        if self.hits and event.option_index >= len(self.hits) - NEAR_END:
            self.load_more()

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    def show_recent(self) -> None:
        results = self.results
        options: list[Option] = []
        if self.recent:
            options.append(Option(Text("Recent queries", style="bold underline"), disabled=True))
            options += [Option(Text(one_line(q))) for q in self.recent]
        if options or results.option_count:
            # Nothing to show and nothing shown: left alone, since a new option list lays the
            # screen out, a whole repaint (over SSH too) when the index opens while idle.
            results.highlighted = None
            results.set_options(options)
            results.highlight_first_enabled()
        if self.ready:
            self.set_status(
                "Type to search. Enter opens a result."
                + (" Recent queries below." if self.recent else "")
            )

    def _prompt(self, hit: Hit) -> HitLines:
        title = self.titles.get(hit.briefing, hit.briefing) if self.several_briefings else None
        prompt = hit_prompt(hit, title, self.inferred_years.get(hit.briefing))
        return HitLines(cast("list[Text]", prompt.renderables), self.app.console)

    def show_result(self, result: SearchResult) -> bool:
        """Show ``result`` if it answers the query now typed; False when it is stale."""
        if result.query != self.query_text:
            return False
        old = self.result
        same = old is not None and list(map(shown_as, old.hits)) == list(map(shown_as, result.hits))
        self.result = result
        self._loading = False
        if same:  # e.g. a trailing space, or "narcot" to "narcoti": nothing to repaint
            pending, self._pending_index = self._pending_index, None
            if pending is not None and pending < len(result.hits):  # back to these results
                self.results.highlighted = pending
            self.set_status(self._status(result))
            return True
        results = self.results
        n = len(result.hits)
        more = old is not None and old.query == result.query and old.hits
        if more and old is not None and result.hits[: len(old.hits)] == old.hits:
            # More hits of the same query: the ones shown stay, with the cursor.
            results.add_options([self._prompt(h) for h in result.hits[len(old.hits) :]])
            index = results.highlighted
        else:
            kept = results.highlighted if more else None
            results.highlighted = None
            results.set_options([self._prompt(h) for h in result.hits])
            index = self._pending_index if self._pending_index is not None else kept
        self._pending_index = None
        self.set_status(self._status(result))
        if n:
            if self._to_last:
                self._to_last = False
                index = n - 1
                self.post_message(self.Moved())
            results.highlighted = index if index is not None and index < n else 0
        return True

    def show_count(self, query: str, total: int, exact: bool) -> None:
        """Every match of ``query`` counted (after its hits were shown): say how many."""
        result = self.result
        if result is None or result.query != query or result.total is not None:
            return
        self.result = replace(result, total=max(total, len(result.hits)), total_exact=exact)
        self.set_status(self._status(self.result))

    def _status(self, result: SearchResult) -> str:
        n = len(result.hits)
        if not n:
            if len(result.query.strip()) == 1:
                return "Keep typing (one letter finds nothing)."  # one line at 100 columns
            status = "No results."
        else:
            status = count_label(result)
            if result.more and n >= MAX_RESULTS:
                status += " (the first shown: narrow the query)"
        if result.note:
            status += " " + result.note
        elif result.corrected:
            status += " (close matches)"
        return status

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

    def page(self, delta: int) -> None:
        results = self.results
        if results.option_count:
            if delta > 0:
                results.action_page_down()  # type: ignore[no-untyped-call]
            else:
                results.action_page_up()  # type: ignore[no-untyped-call]
            self.post_message(self.Moved())

    def step(self, delta: int) -> None:
        results = self.results
        if results.option_count == 0:
            return
        if delta > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()
        self.post_message(self.Moved())

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
