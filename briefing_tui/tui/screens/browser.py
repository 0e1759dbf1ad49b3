"""The browser: navigator, detail, source and search, linked, with history.

From 150 columns the four panes sit side by side. From 100 there are three: navigator,
detail, and a third column showing the source, or search while searching (a preview of the
highlighted result fills the detail and the source). Below 100 they become tabs: the focused
pane takes the whole width (a tab strip names them all, Tab cycles), so moving a selection
repaints only that pane's changed lines; search takes the screen while in use and gives it
back on Escape.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import AwaitMount, MountError, Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from briefing_tui.briefing.coverage import cited_label, coverage
from briefing_tui.briefing.library import Library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import Briefing, Item, ItemRef
from briefing_tui.tui.compat import BatchedScreen
from briefing_tui.tui.history import History, Location
from briefing_tui.tui.host import Host, host
from briefing_tui.tui.widgets.detail import DetailPane
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.navigator import (
    SECTION_TITLES,
    SECTIONS,
    Navigator,
    section_items,
    section_of,
)
from briefing_tui.tui.widgets.search_pane import SearchAnswered, SearchPane
from briefing_tui.tui.widgets.source import SourcePane
from briefing_tui.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from briefing_tui.search import Hit, SearchResult

WIDE = 100  # columns from which three panes are side by side (the third: source or search)
WIDEST = 150  # columns from which all four are
COUNT_WAIT = 0.012  # seconds new hits wait for their count, to be shown with it in one frame
PREVIEW_DELAY = 0.12  # seconds a search result stays highlighted before it is previewed
BREAKPOINTS = ((0, "-narrow"), (WIDE, "-wide"), (WIDEST, "-widest"))  # screen classes by width
PANES = ("navigator", "detail", "source", "search")
PANE_TITLES = {"detail": "Detail", "source": "Source", "search": "Search"}


def breakpoint_class(width: int) -> str:
    """The class BrowserScreen.HORIZONTAL_BREAKPOINTS give a screen ``width`` columns wide."""
    return next(name for edge, name in reversed(BREAKPOINTS) if width >= edge)


class BrowserScreen(BatchedScreen):
    """The main screen. Bindings carry ids so a keymap can rebind them."""

    HORIZONTAL_BREAKPOINTS = list(BREAKPOINTS)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "pane(1)", "Next pane", show=False, id="browser.next_pane"),
        Binding("shift+tab", "pane(-1)", "Previous pane", show=False, id="browser.prev_pane"),
        Binding("1", "section('actors')", "Actors", show=False, id="browser.actors"),
        Binding("2", "section('commitments')", "Commitments", show=False, id="browser.commitments"),
        Binding("3", "section('context')", "Context", show=False, id="browser.context"),
        Binding("4", "section('notes')", "Notes", show=False, id="browser.notes"),
        Binding("5", "section('assessments')", "Assessments", show=False, id="browser.assessments"),
        Binding("6", "section('speakers')", "Speakers", show=False, id="browser.speakers"),
        Binding("i", "overview", "Overview", show=False, id="browser.overview"),
        Binding("s", "source", "Source", show=False, id="browser.source"),
        # priority: the app runs it before it hands on the keys typed after it, so "/narcotics"
        # arriving in one burst (a paste, one SSH packet) all lands in the search box.
        Binding("slash", "search", "Search", id="browser.search", priority=True),
        Binding("left_square_bracket", "back", "Back", id="browser.back"),
        Binding("backspace", "back", "Back", show=False, id="browser.back_bs"),
        Binding("right_square_bracket", "forward", "Forward", id="browser.forward"),
        Binding("escape", "escape", "Back out", id="browser.escape"),
        Binding("b", "switcher", "Briefings", id="browser.switcher"),
        Binding("y", "copy", "Copy", id="browser.copy"),
        Binding("n", "result(1)", "Next hit", id="browser.next_result"),
        Binding("N", "result(-1)", "Prev hit", show=False, id="browser.prev_result"),
    ]

    def __init__(self, library: Library, graph: LinkGraph) -> None:
        super().__init__()
        self._panes_pending = False
        # The breakpoint class from the start: Textual sets it on the first resize, after a
        # layout and a render of the narrow screen, which the first frame would throw away.
        with contextlib.suppress(RuntimeError):  # no app running: Textual sets it on resize
            self.add_class(breakpoint_class(self.app.size.width), update=False)
            if not getattr(self.app, "first_frame_shown", True):  # see mount_deferred
                self._panes_pending = True
                self.add_class("-filling", update=False)
        self.library = library
        self.graph = graph
        self.briefing: Briefing = library.briefings[0]
        first = self.briefing.actors[0].id if self.briefing.actors else None
        self.history: History[Location] = History(Location(self.briefing.id, "actors", first))
        self.main_pane = "navigator"  # the pane shown below WIDE columns
        self._before_search = "navigator"  # where Escape leaves search for
        self._last_pane = "navigator"
        self._last_bindings_state: tuple[object, ...] = ()
        self._search_gen = 0
        self._opened_result: int | None = None
        self._footer_mounted = False
        self._previewing = False  # the detail (and source) show a search result's preview
        self._preview_timer: Timer | None = None
        self._pending_answer: SearchAnswered | None = None  # hits waiting for their count
        self._answer_timer: Timer | None = None
        # composed with the rest where all four panes show, else mounted after the first
        # frame (or when first opened, if that is sooner): see mount_deferred
        self._search_pane = SearchPane(library.titles(), id="search", classes="pane")
        self._search_pane.inferred_years = library.inferred_years()
        self._search_mount: AwaitMount | None = None

    @property
    def briefing_app(self) -> Host:
        return host(self.app)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar")
        yield Static(id="tabs")
        with Horizontal(id="body"):
            yield Navigator(id="navigator", classes="pane -shown")  # as on_mount shows it
            yield DetailPane(self.library, self.graph, id="detail", classes="pane")
            yield SourcePane(self.graph, id="source", classes="pane")
            if self.has_class("-widest"):
                yield self._search_pane
        # (the footer, and the search pane where it is hidden: see mount_deferred)

    navigator = getters.query_one("#navigator", Navigator)
    detail = getters.query_one("#detail", DetailPane)
    source = getters.query_one("#source", SourcePane)

    @property
    def search(self) -> SearchPane:
        """The search pane (not mounted yet before the first frame, unless it shows then)."""
        return self._search_pane

    def on_mount(self) -> None:
        if getattr(self.app, "first_frame_shown", True):  # (else: after the app's first frame)
            self.call_after_refresh(self.mount_deferred)
        self._show_main(self.main_pane)
        current = self.history.current
        assert current is not None
        self._go(current)

    async def mount_deferred(self) -> None:
        """What the first frame does not show: what the detail and the source show (half the
        time from start-up to the first frame; the title bar and the navigator show the
        briefing), the footer (a widget per key), and the search pane where it is hidden."""
        from briefing_tui.tui.widgets.footer import BriefFooter

        if self._footer_mounted or not self.is_mounted:
            return  # (or the app is closing already: a q typed before the first frame)
        self._fill_panes()
        self._footer_mounted = True
        try:
            search = self.mount_search()
            await self.mount(BriefFooter())
            await search
        except MountError:  # closing while they were on their way
            return
        self.refresh_bindings()

    def _fill_panes(self) -> None:
        """The detail and the source, if the first frame went without them: where the
        navigator is now (keys may have moved it)."""
        if self._panes_pending:
            self._panes_pending = False
            try:
                self._show_navigated()
            finally:
                self.remove_class("-filling")

    def mount_search(self) -> AwaitMount:
        """Mount the search pane if it is not yet; awaited, until it is (its input too)."""
        if self._search_mount is None:
            if self._search_pane.parent is None:
                self._search_mount = self.query_one("#body").mount(self._search_pane)
            else:  # composed with the screen
                self._search_mount = AwaitMount(self, [])
        return self._search_mount

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE if self.size.width else self.app.size.width >= WIDE

    def _show_main(self, pane: str) -> None:
        """Choose the pane shown below WIDE columns (all four are shown above)."""
        self.main_pane = pane
        for name in PANES:
            widget = self._search_pane if name == "search" else self.query_one(f"#{name}")
            widget.set_class(name == pane, "-shown")
        self._update_tabs()

    def _update_tabs(self) -> None:
        tabs = Text()
        for i, name in enumerate(PANES):
            if i:
                tabs.append("│", style="dim")
            title = PANE_TITLES.get(name) or SECTION_TITLES.get(self.navigator.section, "List")
            tabs.append(f" {title} ", style="reverse bold" if name == self.main_pane else "")
        tabs.append("  Tab ⇥ next pane", style="dim")
        self.query_one("#tabs", Static).update(tabs)

    def pane_widget(self, pane: str) -> Widget:
        if pane == "search":
            return self.search.input
        return self.query_one(f"#{pane}")

    def current_pane(self) -> str:
        node: Any = self.focused
        while node is not None and node is not self:
            if node.id in PANES:
                return str(node.id)
            node = node.parent
        return "navigator"

    def focus_pane(self, pane: str) -> None:
        if pane != "navigator":
            self._fill_panes()  # (a key came before they were filled after the first frame)
        if pane != self.main_pane:
            self._show_main(pane)
        # Focus now, not after the keys already queued (Widget.focus defers): "/narcotics" typed
        # in one burst (a paste, one SSH packet) must all reach the search box.
        self.set_focus(self.pane_widget(pane))

    def on_descendant_focus(self) -> None:
        pane = self.current_pane()
        if pane == "search" and self._last_pane != "search":
            self._before_search = self._last_pane
        if pane in ("search", "source"):  # the third column at -wide shows what has the focus
            self.set_class(pane == "search", "-searching")
        if pane != "search" and self._last_pane == "search":
            self._end_preview()
            if self.search.hits:  # a query left with Escape is a recent query too
                self.search.add_recent(self.search.query_text)
        self._last_pane = pane
        if pane != self.main_pane:
            self._show_main(pane)
        self.update_bindings()

    # -- showing things ---------------------------------------------------------------------

    def _open_briefing(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.navigator.show_briefing(briefing)
        if not self._panes_pending:
            self.source.show_source(briefing, coverage(briefing))
        self._update_title()

    # -- live reload ------------------------------------------------------------------------

    def reload(self, library: Library, graph: LinkGraph, changed: frozenset[str]) -> None:
        """Show a reloaded library, keeping the reader's place wherever it still exists.

        The same briefing and item stay selected; an item that went away gives way to the
        one now at its place in the list, a briefing that went away to its neighbour in the
        library. Only what may have changed is redrawn: the open briefing when it changed,
        the title bar and the detail pane (whose backlinks may come from any briefing).
        """
        here = self._capture()
        old_ids = list(self.library.ids)
        old_items = [it.id for it in section_items(self.briefing, here.section)]
        self.library = library
        self.graph = graph
        self.detail.library, self.detail.graph = library, graph
        self.source.graph = graph
        self.search.titles = library.titles()
        self.search.inferred_years = library.inferred_years()
        path = self.briefing.path
        briefing = library.briefing(here.briefing) or next(
            (library.briefing(s.id) for s in library.summaries if s.path == str(path)),
            None,  # its id was edited
        )
        if briefing is None:  # the open briefing went away: its neighbour, or the first
            at = old_ids.index(here.briefing) if here.briefing in old_ids else 0
            order = old_ids[at + 1 :] + old_ids[:at][::-1]
            briefing = next(
                (b for i in order if (b := library.briefing(i)) is not None),
                library.briefings[0],
            )
            first = briefing.actors[0].id if briefing.actors else None
            loc = Location(briefing.id, "actors", first, "navigator")
            self.history.replace(loc)
        else:
            loc = here.with_(briefing=briefing.id)
            if here.item and here.item[0] != "#" and briefing.item(here.item) is None:
                at = old_items.index(here.item) if here.item in old_items else 0
                items = [it.id for it in section_items(briefing, here.section)]
                loc = loc.with_(item=items[min(at, len(items) - 1)] if items else None)
            if loc.briefing != here.briefing:
                self.history.replace(loc)
        if briefing.id in changed or briefing is not self.briefing:
            same = briefing.id == here.briefing
            remembered = self.navigator.remembered_places() if same else {}
            self._open_briefing(briefing)
            self.navigator.remember_places(remembered)
        else:
            self._update_title()
        self.detail.ref = None  # show the item again: its links may have changed
        self._go(loc)

    def _update_title(self) -> None:
        """The title bar again (the library's size or this file's state may have changed)."""
        b = self.briefing
        n = len(self.library.briefings)
        pos = ""
        index = self.library.position(b.id)
        if n > 1 and index is not None:
            pos = f"[{index + 1}/{n}]"
        cov = self.source.coverage
        label = cov.label() if cov is not None and self.source.briefing is b else cited_label(b)
        stale = b.path in getattr(self.app, "kept_paths", ())
        self.query_one(TitleBar).show(b, pos, label, stale)

    def index_updated(self) -> None:
        """Called by the app when the index took in a reload: search again (not when the
        app is quitting: the screen is still mounted while its panes are taken down)."""
        panes = self.query(SearchPane)
        query = panes.first().query_text if panes else ""
        if query.strip():
            self.start_search(query)

    def library_loaded(self, library: Library, graph: LinkGraph) -> None:
        """The whole library, after the screen showed only its first briefing (to paint
        sooner): the same briefing stays, with its place in the library, its links to other
        briefings, and the switcher."""
        self.reload(library, graph, frozenset())
        self.refresh_bindings()  # the switcher's key, now that there are other briefings

    def _show_item(self, item: Item | None) -> None:
        """Show ``item`` in the detail pane and its evidence in the source."""
        ref = ItemRef(self.briefing.id, item.id) if item is not None else None
        if ref is not None and ref == self.detail.ref and not self._previewing:
            return
        self._cancel_preview()
        if self._panes_pending:
            return  # shown right after the first frame (see _fill_panes)
        if self.source.briefing is not self.briefing:  # a preview showed another article
            self.source.show_source(self.briefing, coverage(self.briefing))
        self.detail.show_item(self.briefing, item)
        self.source.mark_evidence(
            n for ev in (item.evidence if item is not None else ()) for n in ev.sentences
        )
        self.update_bindings()

    def _capture(self) -> Location:
        """Where the reader is now, for the history."""
        pane = self.current_pane()
        index: int | None = None
        if pane == "detail":
            index = self.detail.highlighted
        elif pane == "search":
            index = self.search.index
        return Location(
            self.briefing.id,
            self.navigator.section,
            self.navigator.highlighted_target,
            pane,
            self.source.sentence,
            index,
            self.search.query_text if pane == "search" else None,
        )

    def _go(self, loc: Location) -> None:
        """Show ``loc``: briefing, section, item, cursor and focused pane."""
        briefing = self.library.briefing(loc.briefing) or self.briefing
        if briefing is not self.briefing or self.navigator.briefing is None:
            self._open_briefing(briefing)
        self.navigator.show_section(loc.section, loc.item)
        if loc.pane != "navigator" or loc.sentence is not None:
            self._fill_panes()  # before their cursors are set
        self._show_navigated()
        if loc.pane == "detail" and loc.index is not None:
            self.detail.highlighted = loc.index
        if loc.sentence is not None:
            self.source.select_sentence(loc.sentence)
        if loc.pane == "search":
            self.search.restore(loc.query or "", loc.index)
        self.focus_pane(loc.pane)
        self._update_tabs()  # the section may have changed under the same pane
        self.update_bindings()

    def visit(self, loc: Location) -> None:
        """Go to ``loc`` as a new history entry (forward entries are dropped)."""
        self.history.replace(self._capture())
        self.history.visit(loc)
        self._go(loc)

    def location_for(self, ref: ItemRef, pane: str = "detail") -> Location | None:
        item = self.library.item(ref)
        if item is None:
            return None
        return Location(ref.briefing, section_of(item), ref.item, pane)

    def go_to_item(self, ref: ItemRef, pane: str = "detail") -> None:
        loc = self.location_for(ref, pane)
        if loc is None:
            self.notify(f"{ref} is not in the library", severity="warning", markup=False)
            return
        self.visit(loc)

    def open_hit(self, hit: Hit, index: int | None = None) -> None:
        """Open a search hit in the browser; a sentence opens the source at that sentence."""
        if hit.kind == "sentence":
            if self.library.briefing(hit.briefing) is None:
                self.notify(f"briefing {hit.briefing} is not in the library", markup=False)
                return
            here = hit.briefing == self.briefing.id
            item = self.navigator.highlighted_item if here else None
            self.visit(
                Location(
                    hit.briefing,
                    self.navigator.section if here else "actors",
                    item.id if item is not None else None,
                    "source",
                    hit.sentence,
                )
            )
        else:
            self.go_to_item(hit.ref, "detail")
        self.remove_class("-searching")  # side by side, the third column shows the source
        self._opened_result = index

    # -- list events ------------------------------------------------------------------------

    @on(BriefList.OptionHighlighted, "#navigator")
    def _nav_moved(self, event: BriefList.OptionHighlighted) -> None:
        self._show_navigated()

    def _show_navigated(self) -> None:
        """Show what the navigator's cursor is on: an item, or a speaker's sentence."""
        sentence = self.navigator.highlighted_sentence
        if sentence is not None:  # Speakers: a sentence of the speaker's
            self._show_item(None)
            self.source.mark_evidence((sentence,))
            return
        self._show_item(self.navigator.highlighted_item)

    @on(BriefList.OptionSelected, "#navigator")
    def _nav_open(self, event: BriefList.OptionSelected) -> None:
        sentence = self.navigator.highlighted_sentence
        if sentence is not None:
            self.visit(self._capture().with_(pane="source", sentence=sentence, index=None))
            return
        self.focus_pane("detail")

    def action_overview(self) -> None:
        """Key judgements, unknowns and the source assessment (one key from anywhere)."""
        from briefing_tui.tui.screens.overview import OverviewScreen

        self.app.push_screen(OverviewScreen(self.briefing), self._chosen_item)

    @on(BriefList.OptionHighlighted, "#detail")
    def _detail_moved(self, event: BriefList.OptionHighlighted) -> None:
        self.update_bindings()

    @on(BriefList.OptionSelected, "#detail")
    def _follow(self, event: BriefList.OptionSelected) -> None:
        target = self.detail.target
        if target is None:
            return
        if target.ref is not None:
            self.go_to_item(target.ref, "detail")
        elif target.sentence is not None:
            self.visit(self._capture().with_(pane="source", sentence=target.sentence, index=None))

    @on(BriefList.OptionSelected, "#source")
    def _citing(self, event: BriefList.OptionSelected) -> None:
        from briefing_tui.tui.screens.citing import CitingScreen

        number = self.source.sentence
        if number is None:
            return
        refs = self.graph.citing(self.briefing.id, number)
        if not refs:
            self.notify(f"No item cites sentence {number}.", markup=False)
            return

        self.app.push_screen(CitingScreen(self.library, refs, number), self._chosen_item)

    def _chosen_item(self, ref: ItemRef | None) -> None:
        """An item chosen in a dialog (the overview, the items citing a sentence)."""
        if ref is not None:
            self.go_to_item(ref, "detail")

    # -- search -----------------------------------------------------------------------------

    @on(SearchPane.QueryChanged)
    def _query_changed(self, event: SearchPane.QueryChanged) -> None:
        self.start_search(event.query, event.limit)

    def start_search(self, query: str, limit: int | None = None) -> None:
        """Search for ``query`` in a thread (the pane asks only once the index is ready);
        a newer search cancels this one, and the count that follows it."""
        self._search_gen += 1
        self._opened_result = None
        if self.briefing_app.index is not None:
            self._search(self._search_gen, query, self.search.limit if limit is None else limit)

    @work(thread=True, exclusive=True, group="search", name="search", exit_on_error=False)
    def _search(self, gen: int, query: str, limit: int) -> tuple[int, str, tuple[int, bool] | None]:
        """Search; hand the hits to the screen, then count the matches beyond them (a
        newer key cancels both)."""
        worker = get_current_worker()
        app = self.briefing_app
        result = app.search_sync(query, limit, lambda: worker.is_cancelled)
        if worker.is_cancelled:
            return gen, query, None
        counting = result.total is None and not result.total_exact and bool(result.hits)
        self.post_message(SearchAnswered(gen, result, counting))
        if not counting:
            return gen, query, None
        return gen, query, app.count_sync(query, lambda: worker.is_cancelled)

    @on(SearchAnswered)
    def _search_answered(self, event: SearchAnswered) -> None:
        if event.gen != self._search_gen:
            return  # a newer key searches again
        if not event.counting:
            self._show_answer(event.result)
            return
        # Benchmark row `keystroke` (docs/benchmarks.md) justifies the wait. The hits wait
        # up to COUNT_WAIT for their count, which is counted meanwhile: a count that comes
        # in time is shown with them, in one frame; one that does not follows them. (A count
        # drawn on its own costs a second frame, often a frame interval later.)
        self._stop_answer_timer()
        self._pending_answer = event
        self._answer_timer = self.set_timer(COUNT_WAIT, self._show_pending_answer)

    def _show_pending_answer(self) -> None:
        self._answer_timer = None
        event, self._pending_answer = self._pending_answer, None
        if event is not None and event.gen == self._search_gen:
            self._show_answer(event.result)

    def _stop_answer_timer(self) -> None:
        if self._answer_timer is not None:
            self._answer_timer.stop()
            self._answer_timer = None

    def _show_answer(self, result: SearchResult) -> None:
        before = self.search.result
        if self.search.show_result(result):
            if self._previewing and (before is None or before.query != result.query):
                self._end_preview()  # a new query: the preview was of an old result
            self.update_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "search":
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            gen, query, counted = worker.result
            if gen != self._search_gen:
                return
            pending = self._pending_answer
            if pending is not None and pending.gen == gen:  # the hits still wait: now, counted
                self._stop_answer_timer()
                self._pending_answer = None
                result = pending.result
                if counted is not None:
                    total, exact = counted
                    result = replace(result, total=max(total, len(result.hits)), total_exact=exact)
                self._show_answer(result)
            elif counted is not None:
                self.search.show_count(query, *counted)
        elif event.state == WorkerState.ERROR:
            self.search.set_status(f"Search failed: {worker.error}")

    @on(SearchPane.Opened)
    def _search_opened(self, event: SearchPane.Opened) -> None:
        if event.hit is not None:
            self.action_open_result()
        elif event.query is not None:
            self.search.restore(event.query, None)
            self.focus_pane("search")

    # -- previewing search results (side by side only) ------------------------------------

    @on(SearchPane.Moved)
    def _result_moved(self, event: SearchPane.Moved) -> None:
        """Side by side, the result the reader moves to shows in the detail and the source
        after a short pause. Typing in the query previews nothing: a key's answer stays the
        results alone (bytes and latency per key)."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if self.has_class("-narrow") or self.current_pane() != "search":
            return
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self.preview_result)

    def preview_result(self) -> None:
        """Show the highlighted search result in the detail and the source (no visit)."""
        self._preview_timer = None
        hit, _ = self.search.highlighted_choice()
        if hit is None or self.current_pane() != "search":
            return
        briefing = self.library.briefing(hit.briefing)
        if briefing is None:
            return
        self._previewing = True
        if self.source.briefing is not briefing:
            self.source.show_source(briefing, coverage(briefing))
        if hit.kind == "sentence":
            self.source.mark_evidence(())
            self.source.select_sentence(hit.sentence)
            return
        item = briefing.item(hit.id)
        if item is None:
            return
        self.detail.show_item(briefing, item)
        self.source.mark_evidence(n for ev in item.evidence for n in ev.sentences)

    def _cancel_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        self._previewing = False

    def _end_preview(self) -> None:
        """Leaving search without opening a result: the detail and source show the
        navigator's item again."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None
        if self._previewing:
            self._show_item(self.navigator.highlighted_item)

    def action_open_result(self) -> None:
        hit, query = self.search.highlighted_choice()
        if query is not None:
            self.search.restore(query, None)
            return
        if hit is None:
            self.app.bell()
            return
        self.search.add_recent(self.search.query_text)
        self.open_hit(hit, self.search.index)

    def action_result_step(self, delta: int) -> None:
        self.search.step(delta)

    def action_result(self, delta: int) -> None:
        hits = self.search.hits
        if not hits:
            return
        if self._opened_result is None:
            target = 0 if delta > 0 else len(hits) - 1
        else:
            target = self._opened_result + delta
        if not 0 <= target < len(hits):
            self.notify("No more results." if delta > 0 else "This is the first result.")
            return
        self.search.results.highlighted = target
        self.search.add_recent(self.search.query_text)
        self.open_hit(hits[target], target)

    # -- actions ----------------------------------------------------------------------------

    def _bindings_state(self) -> tuple[object, ...]:
        return (
            self.current_pane(),
            self.history.can_back,
            self.history.can_forward,
            bool(self.search.hits) and self.current_pane() != "search",  # as check_action
            self.navigator.highlighted_item is not None,
            self.detail.target is not None,
        )

    def update_bindings(self) -> None:
        """Refresh the footer only when what it shows changes.

        A footer refresh recomposes it and repaints the screen's bottom line and more:
        doing it on every cursor move would cost kilobytes per key over SSH.
        """
        state = self._bindings_state()
        if state != self._last_bindings_state:
            self._last_bindings_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True if self.history.can_back else None
        if action == "forward":
            return True if self.history.can_forward else None
        if action == "switcher":
            return len(self.library.briefings) > 1
        if action == "result":
            return bool(self.search.hits) and self.current_pane() != "search"
        if action == "escape":
            return self.current_pane() != "navigator"
        if action == "copy":
            return True if self.navigator.highlighted_item is not None else None
        return True

    async def action_pane(self, delta: int) -> None:
        i = PANES.index(self.current_pane())
        pane = PANES[(i + delta) % len(PANES)]
        if pane == "search":
            await self.mount_search()
        self.focus_pane(pane)

    def action_section(self, section: str) -> None:
        if section in SECTIONS:
            self.navigator.show_section(section)
            self._show_item(self.navigator.highlighted_item)
            self.focus_pane("navigator")
            self._update_tabs()

    def action_source(self) -> None:
        self.focus_pane("source")

    async def action_search(self) -> None:
        # (before the first frame the pane may not be mounted yet: the keys typed after "/"
        # wait for it, and land in its box)
        await self.mount_search()
        box = self.pane_widget("search")
        if self.focused is box:  # a "/" typed in the query is a character of the query
            box.insert_text_at_cursor("/")  # type: ignore[attr-defined]
            return
        self.focus_pane("search")

    def action_escape(self) -> None:
        pane = self.current_pane()
        if pane == "search":
            back = self._before_search if self._before_search != "search" else "navigator"
            self.remove_class("-searching")  # the third column shows the source again
            self.focus_pane(back)
        elif pane != "navigator":
            self.focus_pane("navigator")

    def action_back(self) -> None:
        self.history.replace(self._capture())
        loc = self.history.back()
        if loc is not None:
            self._go(loc)

    def action_forward(self) -> None:
        self.history.replace(self._capture())
        loc = self.history.forward()
        if loc is not None:
            self._go(loc)

    def action_switcher(self) -> None:
        from briefing_tui.tui.screens.switcher import SwitcherScreen

        def chosen(briefing_id: str | None) -> None:
            b = self.library.briefing(briefing_id) if briefing_id else None
            if b is not None and b.id != self.briefing.id:
                first = b.actors[0].id if b.actors else None
                self.visit(Location(b.id, "actors", first, "navigator"))

        self.app.push_screen(SwitcherScreen(self.library, self.briefing.id), chosen)

    def action_copy(self) -> None:
        from briefing_tui.briefing.export import citation  # (json, the exporters: when used)

        briefing, item, sentence = self.briefing, self.navigator.highlighted_item, None
        pane = self.current_pane()
        if pane == "source" and self.source.sentence is not None:
            item, sentence = None, self.source.sentence
        elif pane == "detail" and self.detail.item is not None:
            item = self.detail.item
        elif pane == "search":
            hit, _ = self.search.highlighted_choice()
            shown = self.library.briefing(hit.briefing) if hit is not None else None
            if hit is not None and shown is not None:  # the hit's item, or its sentence
                briefing, item = shown, self.library.item(hit.ref)
                sentence = hit.sentence if item is None else None
        if item is None and sentence is None:
            self.app.bell()
            return
        self._copy(citation(self.library, briefing, item, sentence))

    def _copy(self, text: str) -> None:
        self.app.copy_to_clipboard(text)
        first = text.splitlines()[0] if text else ""
        self.notify(f"Copied (OSC 52): {first}", title="Citation copied", markup=False)
