"""The Textual app: the briefing browser, its search index worker and its screens.

Start-up paints first: the search index (and Whoosh, which the search module imports) is
opened in a thread worker after the first screen is up. Every search runs in a thread
worker too; nothing slow runs on the UI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, OptionList
from textual.worker import Worker, WorkerState

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import Briefing, ItemRef
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.results import display_path
from briefing_tui.briefing.text import defang, one_line
from briefing_tui.collector import gc_after_start_up, gc_paused
from briefing_tui.tui import compat
from briefing_tui.tui.compat import FrameHookApp
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.screens.too_small import TooSmallScreen
from briefing_tui.tui.widgets.detail import DetailPane
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.navigator import Navigator
from briefing_tui.tui.widgets.search_pane import SearchInput
from briefing_tui.tui.widgets.source import SourcePane

# Imported where used, after the first paint (or never): the empty, help, problems and
# switcher screens, the palette's providers, live reload (briefing_tui.watch).
if TYPE_CHECKING:  # briefing_tui.search imports Whoosh: only inside the index worker
    from textual.command import Provider

    from briefing_tui.search import Hit, ProgressCallback, SearchIndex, SearchResult
    from briefing_tui.tui.screens.empty import EmptyScreen
    from briefing_tui.tui.screens.help import HelpGroups
    from briefing_tui.watch import LibraryWatcher, Reload, WatchLoop

    IndexFactory = Callable[[Library, ProgressCallback], SearchIndex]

MIN_WIDTH = 60
MIN_HEIGHT = 16


class IndexCancelled(Exception):
    """Raised from the progress callback to stop an index build when the app exits (the
    index takes any exception from its progress callback as a request to stop)."""


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


NOTIFICATION_HOLD = 24 * 3600.0  # ssh_mode: a notification stays until the next key


class LibraryReloaded(Message):
    """Posted by the watch thread: files changed, here is the library to show."""

    def __init__(self, change: Reload, graph: LinkGraph) -> None:
        super().__init__()
        self.change = change
        self.graph = graph


def _app_commands() -> type[Provider]:
    from briefing_tui.tui.widgets.commands import AppCommandsProvider

    return AppCommandsProvider


def _goto_items() -> type[Provider]:
    from briefing_tui.tui.widgets.goto import GotoItemProvider

    return GotoItemProvider


def default_index_factory(library: Library, progress: ProgressCallback) -> SearchIndex:
    from briefing_tui import search  # imports Whoosh: here, in the worker thread, only
    from briefing_tui.paths import cache_dir

    return search.SearchIndex.open(library, cache_dir=cache_dir(), progress=progress)


class BriefingApp(FrameHookApp):
    """Browse a library of briefings.

    ``ssh_mode``: nothing blinks or animates (no cursor blink in any input, no smooth
    scrolling, no animated indicator) and notifications stay until the next key instead of
    timing out, so nothing at all is sent to the terminal while the user is idle.
    """

    CSS_PATH = "app.tcss"
    TITLE = "briefing-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        # ctrl+c quits everywhere (Textual's default only says how to quit).
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl_c"),
        Binding("p", "problems", "Problems", id="app.problems"),
    ]
    COMMANDS = App.COMMANDS | {_app_commands, _goto_items}  # imported when the palette opens
    COMMAND_PALETTE_DISPLAY = "Go to"

    # The search index's state, watched by what shows it (the search pane): set here, never
    # pushed to the screens. Ready (``index`` is open), or why not: an error, the build's
    # progress (briefings indexed, to index), or neither (opening).
    index_ready: reactive[bool] = reactive(False, init=False)
    index_error: reactive[str | None] = reactive(None, init=False)
    index_progress: reactive[tuple[int, int] | None] = reactive(None, init=False)

    def __init__(
        self,
        library: Library,
        *,
        ssh_mode: bool = False,
        index_factory: IndexFactory | None = None,
        rest: Callable[[], Library] | None = None,
        watcher: LibraryWatcher | None = None,
        watch_interval: float = 0.5,
        exiting: threading.Event | None = None,
    ) -> None:
        """``rest``: when ``library`` is only the start of the library (its first briefing,
        to paint sooner), loads the whole of it; called in a thread after the first paint.
        ``exiting``: set when the app exits (what ``rest`` watches to stop loading)."""
        super().__init__()
        self.library = library
        self.rest = rest
        self._library_loaded = asyncio.Event()
        self._gc_frozen = False
        self.first_frame_shown = False
        self.graph = LinkGraph(library)
        self.ssh_mode = ssh_mode
        self.index_factory = index_factory or default_index_factory
        self.index: SearchIndex | None = None
        self._index_opened = asyncio.Event()
        self._started_up = threading.Event()  # the index opened (or will not): start-up is over
        self._search_lock = threading.Lock()
        self._exiting = exiting if exiting is not None else threading.Event()
        self._last_pct = -1
        self._exit_loop: asyncio.AbstractEventLoop | None = None
        self._pending_exit: int | None = None
        self._main_screen_up = False
        self.crash_log: str | None = None  # where an unexpected exception was logged
        self.crash_message = ""  # what run_app prints about it once the terminal is restored
        # live reload (watcher None: off): see the "live reload" section
        self.watcher = watcher
        self.watch_interval = watch_interval
        self.reloads = 0  # reloads shown
        self.kept_paths: frozenset[Path] = frozenset()  # files shown as their last good version
        self.failing: dict[str, tuple[Problem, ...]] = {}  # file -> its errors, while it has any
        self.reindexed: tuple[str, ...] | None = None  # briefings the last index update took
        self.index_updates = 0
        self._indexed: Library | None = None  # the library the index holds
        self._update_lock = threading.Lock()
        self.watch_thread: threading.Thread | None = None
        self.watch_loop: WatchLoop | None = None
        self._watch_pending = False  # the whole library is up, the first frame not yet
        if ssh_mode:
            self.animation_level = "none"

    # -- leaving on a signal or a hang-up ---------------------------------------------------

    def on_load(self) -> None:
        self._exit_loop = asyncio.get_running_loop()
        if self._pending_exit is not None:
            self.exit(return_code=self._pending_exit)

    def request_exit(self, return_code: int, terminal_gone: bool = False) -> None:
        """Exit through Textual's normal shutdown, which restores the terminal's modes.

        Safe to call from a signal handler or another thread (briefing_tui.tui.shutdown).
        ``terminal_gone``: the terminal hung up, so nothing more is written to it.
        """
        self._exiting.set()
        if terminal_gone:
            terminal = compat.driver(self)
            if terminal is not None:
                terminal.write = lambda data: None  # a dead terminal must not block the exit
        loop = self._exit_loop
        if loop is None:
            self._pending_exit = return_code
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app is gone
            loop.call_soon_threadsafe(partial(self.exit, return_code=return_code))

    # -- ssh_mode: nothing moves while the user is idle -------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget: Any = event.widget
        if self.ssh_mode and getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        if self.ssh_mode and timeout is None:
            timeout = NOTIFICATION_HOLD  # no timed redraw: cleared by the next key
        # data is defanged where it is loaded; this keeps any other string just as safe
        message, title = defang(message), defang(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52: never with a control character in it (a pasted ESC [ 201 ~ ends a
        bracketed paste, and what follows runs in the reader's shell)."""
        super().copy_to_clipboard(defang(text))

    async def on_event(self, event: events.Event) -> None:
        if (
            self.ssh_mode
            and isinstance(event, events.Key)
            and not event.is_forwarded
            and compat.notifications(self)
        ):
            self.clear_notifications()
        await super().on_event(event)

    # -- screens ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        # After the first frame (see frame_displayed): the rest of the library (if the screen shows
        # only its start), then the search index, in threads; the footer; and the collector
        # back on (see run_app).
        if self.library.briefings:
            self.push_screen(BrowserScreen(self.library, self.graph))
        else:
            from briefing_tui.tui.screens.empty import EmptyScreen

            self.push_screen(EmptyScreen(self.library))
            self.index_error = "no briefings"
            self._index_done()
        self._main_screen_up = True
        if self.rest is None:
            self._whole_library_up()
        self._check_size(self.size)

    def _whole_library_up(self) -> None:
        """The whole library is shown (at once, or after its first briefing): say what is
        broken in it, and start watching its files."""
        self._library_loaded.set()
        if self.first_frame_shown:
            self._start_watching()
        else:
            self._watch_pending = True  # started after the first paint
        if self.library.errors and self.library.briefings:
            from briefing_tui.tui.screens.problems import notify_broken

            notify_broken(self, self.library)  # the empty screen lists them itself

    def frame_displayed(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        """A frame went to the terminal: the first one of the main screen (or of the
        too-small one) starts what the first paint must not wait for."""
        if (
            not self.first_frame_shown
            and renderable is not None
            and not compat.in_batch(self)
            and type(screen) is not Screen
        ):
            self.first_frame_shown = True
            # Not at once: the frame is queued for Textual's writer thread, which needs the
            # interpreter to itself for a moment to send it; what follows (a collection, a
            # thread unpickling the library) would hold it up. Idle for a tick first.
            self.set_timer(0.01, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self._gc_frozen = gc_after_start_up()
        if self._watch_pending:
            self._start_watching()
        browser = self.browser
        if browser is not None:
            self.call_next(browser.mount_deferred)
        if self.rest is not None:
            self._load_rest()
        elif self.library.briefings:
            self._start_index()

    def _start_index(self) -> None:
        self._open_index()

    @work(thread=True, name="library", exit_on_error=False)
    def _load_rest(self) -> None:
        assert self.rest is not None
        with gc_paused(freeze=self._gc_frozen):
            library = self.rest()
            graph = LinkGraph(library).prepare()
        self.post_message(LibraryLoaded(library, graph))

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        self.rest = None
        self.library, self.graph = message.library, message.graph
        browser = self.browser
        if browser is not None:
            browser.library_loaded(message.library, message.graph)
        self._whole_library_up()
        self._start_index()

    async def wait_for_library(self) -> None:
        """Wait until the whole library is shown (at once, or after its start): for tests."""
        await self._library_loaded.wait()

    @property
    def browser_screen(self) -> BrowserScreen | None:
        return self.browser

    @property
    def current_briefing(self) -> Briefing | None:
        browser = self.browser
        return browser.briefing if browser is not None else None

    @property
    def browser(self) -> BrowserScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, BrowserScreen):
                return screen
        return None

    def on_resize(self, event: Resize) -> None:
        # A resize can arrive before on_mount: the too-small screen must go above the main one.
        if self._main_screen_up:
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
        from briefing_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def action_problems(self) -> None:
        from briefing_tui.tui.screens.problems import ProblemsScreen

        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.library))

    def help_groups(self) -> HelpGroups:
        """The key map, by where each key applies, straight from the bindings."""
        from briefing_tui.tui.screens.switcher import SwitcherInput, SwitcherScreen

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
            ("Briefings (b)", bindings(SwitcherScreen.BINDINGS, SwitcherInput.BINDINGS)),
        ]

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel would be a second, different help: ? is the app's.
        return (c for c in super().get_system_commands(screen) if c.title != "Keys")

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

    @work(thread=True, group="index", name="index", exit_on_error=False)
    def _open_index(self) -> SearchIndex:
        library = self.library
        index = self.index_factory(library, self._progress)
        self._indexed = library
        return index

    def on_index_progress(self, message: IndexProgress) -> None:
        self.index_progress = (message.done, message.total)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name == "library" and event.state == WorkerState.ERROR:
            if self._exiting.is_set():
                return  # stopped as the app exits (see run_app): nothing to say
            # a bug (loading never raises for bad input): keep the part shown, say so
            self.rest = None
            self.index_error = "the library did not load"
            self._index_done()
            self._library_loaded.set()
            self.notify(
                f"The library did not load in full: {type(worker.error).__name__}",
                severity="error",
                markup=False,
            )
            return
        if worker.name == "index-update":
            self._index_updated(event.state, worker)
        if worker.name != "index":
            return
        if event.state == WorkerState.SUCCESS:
            self.index = worker.result
            self.index_ready = True
            self._index_done()
            notice = getattr(self.index, "notice", "")
            if notice:  # an index on disk refused as untrusted: said once
                self.notify(notice, title="Search index", severity="warning", markup=False)
            if self._indexed is not self.library:  # reloaded while the index was opening
                self._update_index()
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            error = worker.error
            self.index_error = f"{type(error).__name__}: {error}" if error else "cancelled"
            self._index_done()

    def _index_done(self) -> None:
        self._index_opened.set()
        self._started_up.set()

    async def wait_for_index(self) -> None:
        """Wait until the index is open (or failed to open): for tests and snapshots."""
        await self._index_opened.wait()

    def search_sync(
        self, query: str, limit: int = 20, cancelled: Callable[[], bool] | None = None
    ) -> SearchResult:
        """Search the index, not counting matches beyond the hits (:meth:`count_sync` does,
        once they are shown); called from worker threads (one search at a time)."""
        index = self.index
        if index is None:
            raise RuntimeError("the search index is not open")
        with self._search_lock:
            return index.search(query, limit=limit, cancelled=cancelled, count=False)

    def count_sync(
        self, query: str, cancelled: Callable[[], bool] | None = None
    ) -> tuple[int, bool] | None:
        """Count the matches of ``query`` (searched before by :meth:`search_sync`): ``(n,
        exact)``, or None (not known, or cancelled); from a worker thread."""
        index = self.index
        if index is None:
            return None
        with self._search_lock:
            return index.count(query, cancelled=cancelled)

    def briefing_title(self, briefing_id: str) -> str:
        return self.library.title(briefing_id) or briefing_id

    def open_hit(self, hit: Hit) -> None:
        browser = self.browser
        if browser is not None:
            browser.open_hit(hit)

    def go_to_ref(self, briefing_id: str, item_id: str) -> None:
        browser = self.browser
        if browser is not None:
            browser.go_to_item(ItemRef(briefing_id, item_id))

    # -- live reload ------------------------------------------------------------------------

    def _start_watching(self) -> None:
        """Start the watch thread (once the whole library is up and the first frame shown;
        it waits for the index to open before it imports watchfiles)."""
        self._watch_pending = False
        if self.watcher is None or self.watch_thread is not None:
            return
        from briefing_tui.watch import WatchLoop

        self.watch_loop = WatchLoop(
            self.watcher, self._exiting, self._deliver_reload, interval=self.watch_interval
        )
        # A plain daemon thread, not a worker: it runs as long as the app, and waiting
        # for the app's workers (tests, snapshots) must not wait for it.
        self.watch_thread = threading.Thread(
            target=self._watch, name="briefing-tui-watch", daemon=True
        )
        self.watch_thread.start()

    def _watch(self) -> None:
        """The watch thread: wait for file events, poll the library's files; post what changed.

        A poll only stats files, and only when files changed (see briefing_tui.watch): while
        nothing changes, nothing is posted to the app, so nothing is drawn and nothing
        reaches the terminal.
        """
        loop = self.watch_loop
        assert loop is not None
        # Start-up first (the rest of the library, the index, their redraws): watching
        # imports watchfiles and sets up the watches. Edits made meanwhile are found by the
        # loop's first poll.
        while not self._started_up.wait(0.1):
            if self._exiting.is_set():
                return
        try:
            loop.run()
        except Exception as exc:  # a bug: keep the library shown, say it once
            self.notify(  # thread-safe
                one_line(f"Live reload stopped: {type(exc).__name__}: {exc}"),
                severity="error",
                markup=False,
            )

    def _deliver_reload(self, change: Reload) -> bool:
        """Hand a reload to the app (from the watch thread); False once the app is gone."""
        graph = LinkGraph(change.library).prepare()
        try:
            self.post_message(LibraryReloaded(change, graph))
        except RuntimeError:  # the app's loop is closed: it is gone
            return False
        return True

    def on_library_reloaded(self, message: LibraryReloaded) -> None:
        change = message.change
        self.library = change.library
        self.graph = message.graph
        self.reloads += 1
        self.kept_paths = frozenset(change.kept)
        self.failing = {
            display_path(result.path): tuple(p for p in result.problems if p.is_error)
            for result in change.failing
        }
        self._report(change)
        browser = self.browser
        if change.library.briefings:
            if browser is not None:
                browser.reload(change.library, message.graph, change.changed_ids)
            else:
                self._replace_base(BrowserScreen(change.library, message.graph))
        else:
            from briefing_tui.tui.screens.empty import EmptyScreen

            self._replace_base(EmptyScreen(change.library))
        if self.index is not None:
            self._update_index()
        elif self.index_error == "no briefings" and change.library.briefings:
            self.index_error = None
            self._index_opened.clear()
            self._open_index()

    def _replace_base(self, screen: BrowserScreen | EmptyScreen) -> None:
        """Show ``screen`` instead of the browser or the empty screen (closing any dialog)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)
        self.call_after_refresh(self._check_size, self.size)

    def _report(self, change: Reload) -> None:
        """Say what the reload did that the screen does not show by itself."""
        kept = set(change.kept)
        for result in change.broken:
            errors = [p for p in result.problems if p.is_error] or list(result.problems)
            lines = [one_line(str(errors[0]))] if errors else []
            if len(errors) > 1:
                lines.append(f"… and {len(errors) - 1} more (briefing-tui validate lists them)")
            if result.path in kept:
                lines.append("The last good version stays on screen until the file is fixed.")
            name = one_line(display_path(result.path))
            title = f"Not reloaded: {name}" if result.path in kept else f"Errors in {name}"
            self.notify("\n".join(lines), title=title, severity="error", markup=False)
        for path in change.fixed:
            name = one_line(display_path(path))
            self.notify(f"{name} has no errors now.", title="Reloaded", markup=False)
        reported = {result.path for result in change.broken}
        for path in change.added:
            if path in reported:
                continue  # its errors are the news
            name = one_line(display_path(path))
            self.notify(f"New briefing file: {name}", title="Reloaded", markup=False)
        for path in change.removed:
            name = one_line(display_path(path))
            self.notify(f"Briefing file removed: {name}", title="Reloaded", markup=False)

    @work(thread=True, group="index-update", name="index-update", exit_on_error=False)
    def _update_index(self) -> tuple[str, ...] | None:
        """Bring the index up to date with the library shown (one update at a time)."""
        with self._update_lock:
            library, index = self.library, self.index
            if index is None or library is self._indexed or self._exiting.is_set():
                return None
            update = getattr(index, "update", None)
            if update is not None:  # re-indexes only the briefings that changed
                reindexed: tuple[str, ...] = tuple(update(library))
            else:  # an index without updates (a stand-in in tests): open it again
                fresh = self.index_factory(library, lambda done, total: None)
                with self._search_lock:
                    self.index = fresh
                index.close()
                reindexed = library.ids
            self._indexed = library
            return reindexed

    def _index_updated(self, state: WorkerState, worker: Worker[Any]) -> None:
        if state == WorkerState.SUCCESS and worker.result is not None:
            self.reindexed = worker.result
            self.index_updates += 1
            browser = self.browser
            if browser is not None and browser.is_mounted:
                browser.index_updated()
        elif state == WorkerState.ERROR:
            self.notify(
                one_line(f"The search index was not updated: {worker.error}"),
                severity="warning",
                markup=False,
            )

    def on_unmount(self) -> None:
        self._exiting.set()
        if self.watch_thread is not None:
            self.watch_thread.join(timeout=2)  # it stops within 50 ms, or a poll
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

    # -- the boundary -----------------------------------------------------------------------

    def unexpected_exception(self, error: Exception) -> None:
        """Every unexpected exception inside the app ends here (Textual calls this).

        Instead of Textual's traceback on the terminal: the traceback goes to a log file in
        the state directory (``crash_log``), the app exits with EXIT_INTERNAL (70), and
        once the terminal is restored :func:`run_app` prints ``crash_message``: what failed
        and where the log is. Under ``run_test`` the exception is still raised at the end,
        as Textual does for test frameworks.
        """
        try:
            from textual.worker import WorkerFailed

            from briefing_tui.exits import EXIT_INTERNAL, crash_message

            cause: BaseException = error
            if isinstance(error, WorkerFailed):  # the worker's own exception has the traceback
                cause = error.error
            if self.crash_log is None:  # the first one; any later one comes of it
                self.crash_message, self.crash_log = crash_message(cause)
            self._exiting.set()
            compat.fail(self, error, EXIT_INTERNAL)  # exit: Textual restores the terminal
        except Exception:  # never worse than Textual's own handling
            self.default_exception_handling(error)
