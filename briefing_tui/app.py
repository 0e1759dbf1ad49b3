"""The Textual app: the briefing browser, its search index worker and its screens.

Start-up paints first: the search index (and Whoosh, which the search module imports) is
opened in a thread worker after the first screen is up. Every search runs in a thread
worker too; nothing slow runs on the UI thread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.worker import Worker, WorkerState

from briefing_tui.library import Library
from briefing_tui.links import LinkGraph
from briefing_tui.model import ItemRef
from briefing_tui.screens.browser import BrowserScreen
from briefing_tui.screens.empty import EmptyScreen
from briefing_tui.screens.help import HelpGroups, HelpScreen
from briefing_tui.screens.too_small import TooSmallScreen
from briefing_tui.widgets.detail import DetailPane
from briefing_tui.widgets.goto import GotoItemProvider
from briefing_tui.widgets.lists import BriefList
from briefing_tui.widgets.navigator import Navigator
from briefing_tui.widgets.search_pane import SearchInput
from briefing_tui.widgets.source import SourcePane

if TYPE_CHECKING:  # briefing_tui.search imports Whoosh: only inside the index worker
    from briefing_tui.search import Hit, ProgressCallback, SearchIndex, SearchResult

    IndexFactory = Callable[[Library, ProgressCallback], SearchIndex]

MIN_WIDTH = 60
MIN_HEIGHT = 16


class IndexCancelled(Exception):
    """Raised from the progress callback to stop an index build when the app exits."""


class LibraryLoaded(Message):
    """Posted by the library worker: the whole library, when the screen showed part of it."""

    def __init__(self, library: Library, graph: LinkGraph) -> None:
        super().__init__()
        self.library = library
        self.graph = graph


class IndexProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


def ssh_session(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def default_index_factory(library: Library, progress: ProgressCallback) -> SearchIndex:
    from briefing_tui import search  # imports Whoosh: here, in the worker thread, only
    from briefing_tui.paths import cache_dir

    return search.SearchIndex.open(library, cache_dir=cache_dir(), progress=progress)


class BriefingApp(App[None]):
    """Browse a library of briefings. ``ssh_mode``: nothing blinks or animates."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]
    COMMANDS = App.COMMANDS | {GotoItemProvider}
    COMMAND_PALETTE_DISPLAY = "Go to"

    def __init__(
        self,
        library: Library,
        *,
        ssh_mode: bool = False,
        index_factory: IndexFactory | None = None,
        rest: Callable[[], Library] | None = None,
    ) -> None:
        """``rest``: when ``library`` is only the start of the library (its first briefing,
        to paint sooner), loads the whole of it; called in a thread after the first paint."""
        super().__init__()
        self.library = library
        self.rest = rest
        self._library_loaded = asyncio.Event()
        self._gc_frozen = False
        self.graph = LinkGraph(library)
        self.ssh_mode = ssh_mode
        self.index_factory = index_factory or default_index_factory
        self.index: SearchIndex | None = None
        self.index_error: str | None = None
        self.index_progress: tuple[int, int] | None = None
        self._index_opened = asyncio.Event()
        self._search_lock = threading.Lock()
        self._exiting = threading.Event()
        self._last_pct = -1
        if ssh_mode:
            self.animation_level = "none"

    # -- screens ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        # After the first paint: the rest of the library (if the screen shows only its
        # start), then the search index, in threads; and the collector back on (see run_app).
        self.call_after_refresh(self._after_first_paint)
        if self.library.briefings:
            self.push_screen(BrowserScreen(self.library, self.graph))
        else:
            self.push_screen(EmptyScreen(self.library))
            self.index_error = "no briefings"
            self._index_opened.set()
        if self.rest is None:
            self._library_loaded.set()
            self._tell_problems()
        self._check_size(self.size)

    def _after_first_paint(self) -> None:
        self._gc_frozen = gc_after_start_up()
        if self.rest is not None:
            self.run_worker(self._load_rest, thread=True, name="library", exit_on_error=False)
        elif self.library.briefings:
            self._start_index()

    def _start_index(self) -> None:
        self.run_worker(
            self._open_index, thread=True, group="index", name="index", exit_on_error=False
        )

    def _load_rest(self) -> None:
        from briefing_tui.libcache import gc_paused

        assert self.rest is not None
        with gc_paused(freeze=self._gc_frozen):
            library = self.rest()
            graph = LinkGraph(library)
        self.post_message(LibraryLoaded(library, graph))

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        self.rest = None
        self.library, self.graph = message.library, message.graph
        browser = self.browser
        if browser is not None:
            browser.library_loaded(message.library, message.graph)
        self._library_loaded.set()
        self._tell_problems()
        self._start_index()

    async def wait_for_library(self) -> None:
        """Wait until the whole library is shown (at once, or after its start): for tests."""
        await self._library_loaded.wait()

    def _tell_problems(self) -> None:
        errors = len(self.library.errors)
        if errors and self.library.briefings:
            self.notify(
                f"{errors} problem{'s' if errors != 1 else ''} in the library: some items or "
                "files are not shown. Run `briefing-tui validate` for details.",
                severity="warning",
                markup=False,
            )

    @property
    def browser(self) -> BrowserScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, BrowserScreen):
                return screen
        return None

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size) -> None:
        if not size.width or not size.height:
            return
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif not small and showing:
            self.pop_screen()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def help_groups(self) -> HelpGroups:
        """The key map, by where each key applies, straight from the bindings."""

        def bindings(*sources: list[BindingType]) -> list[Binding]:
            return [b for src in sources for b in Binding.make_bindings(src)]

        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Go to item (palette)")
        return [
            ("Everywhere", bindings(BrowserScreen.BINDINGS, self.BINDINGS, [palette])),
            ("In lists", bindings(BriefList.BINDINGS, OptionList.BINDINGS)),
            ("Navigator", bindings(Navigator.BINDINGS)),
            ("Detail", bindings(DetailPane.BINDINGS)),
            ("Source", bindings(SourcePane.BINDINGS)),
            ("Search", bindings(SearchInput.BINDINGS)),
        ]

    def action_command_palette(self) -> None:
        app: Any = self
        if self.use_command_palette and not CommandPalette.is_open(app):
            palette = CommandPalette(id="--command-palette")
            self.push_screen(palette)
            if self.ssh_mode:
                palette.call_after_refresh(self._quiet_inputs, palette)

    def _quiet_inputs(self, node: Any) -> None:
        for widget in node.query(Input):
            widget.cursor_blink = False

    # -- index and search -------------------------------------------------------------------

    def _progress(self, done: int, total: int) -> None:
        """Called from the index worker thread."""
        if self._exiting.is_set():
            raise IndexCancelled
        pct = 100 * done // total if total else 0
        if pct != self._last_pct:
            self._last_pct = pct
            self.post_message(IndexProgress(done, total))

    def _open_index(self) -> SearchIndex:
        return self.index_factory(self.library, self._progress)

    def on_index_progress(self, message: IndexProgress) -> None:
        self.index_progress = (message.done, message.total)
        self._tell_browser()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name == "library" and event.state == WorkerState.ERROR:
            # a bug (loading never raises for bad input): keep the part shown, say so
            self.rest = None
            self.index_error = "the library did not load"
            self._index_opened.set()
            self._library_loaded.set()
            self._tell_browser()
            self.notify(
                f"The library did not load in full: {type(worker.error).__name__}",
                severity="error",
                markup=False,
            )
            return
        if worker.name != "index":
            return
        if event.state == WorkerState.SUCCESS:
            self.index = worker.result
            self._index_opened.set()
            self._tell_browser()
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            error = worker.error
            self.index_error = f"{type(error).__name__}: {error}" if error else "cancelled"
            self._index_opened.set()
            self._tell_browser()

    def _tell_browser(self) -> None:
        browser = self.browser
        if browser is not None and browser.is_mounted:
            with contextlib.suppress(NoMatches):  # the app is closing: its panes are gone
                browser.index_state_changed()

    async def wait_for_index(self) -> None:
        """Wait until the index is open (or failed to open): for tests and snapshots."""
        await self._index_opened.wait()

    def search_sync(self, query: str, limit: int = 20) -> SearchResult:
        """Search the index; called from worker threads (one search at a time)."""
        index = self.index
        if index is None:
            raise RuntimeError("the search index is not open")
        with self._search_lock:
            return index.search(query, limit=limit)

    def briefing_title(self, briefing_id: str) -> str:
        b = self.library.briefing(briefing_id)
        return b.title if b else briefing_id

    def open_hit(self, hit: Hit) -> None:
        browser = self.browser
        if browser is not None:
            browser.open_hit(hit)

    def go_to_ref(self, briefing_id: str, item_id: str) -> None:
        browser = self.browser
        if browser is not None:
            browser.go_to_item(ItemRef(briefing_id, item_id))

    def on_unmount(self) -> None:
        self._exiting.set()
        index, self.index = self.index, None
        if index is not None:
            try:
                with self._search_lock:
                    index.close()
            except Exception:  # closing must never stop the app from exiting
                pass

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self._exiting.set()
        super().exit(*args, **kwargs)


def gc_after_start_up() -> bool:
    """Start-up is over (the first paint): if :func:`run_app` paused the garbage collector
    for it, what exists now lives as long as the app (the library, the widgets), so it leaves
    the collector's generations (``gc.freeze``) and the collector goes back on. Collections
    then look at new objects only: no pause on a keystroke to walk the library again.

    True if it did (the library loaded later is frozen too); False when the collector was
    on (the app run by a test or another program: its collector is left alone).
    """
    if gc.isenabled():
        return False
    gc.freeze()
    gc.enable()
    return True


def run_app(paths: list[Path], args: argparse.Namespace | None = None) -> int:
    from briefing_tui.libcache import open_library

    ssh = bool(getattr(args, "ssh", False)) or ssh_session()
    gc.disable()  # until the first paint: start-up allocates much and frees little
    library, rest = open_library(paths)
    app = BriefingApp(library, ssh_mode=ssh, rest=rest)
    app.run()
    return app.return_code or 0
