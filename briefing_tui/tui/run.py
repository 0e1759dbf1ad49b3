"""Running the app as a process: SSH mode, the terminal's size, the collector during
start-up, signals and hang-ups (briefing_tui.tui.shutdown), the crash message, and leaving.

``briefing-tui [PATH ...]`` ends here (briefing_tui.cli.cmd_open calls :func:`run_app`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from briefing_tui.tui.app import BriefingApp
from briefing_tui.watch import LibraryWatcher

if TYPE_CHECKING:
    from briefing_tui.briefing.library import Library
    from briefing_tui.briefing.loader import LoadResult
    from briefing_tui.cache.snapshot import LibraryCache
    from briefing_tui.search import ProgressCallback, SearchIndex
    from briefing_tui.search.background import ColdStart
    from briefing_tui.tui.app import IndexFactory

SSH_SETTING = "BRIEFING_TUI_SSH"  # 1/yes/on: always quiet; 0/no/off: never (even over SSH)


def ssh_session(env: dict[str, str] | None = None) -> bool:
    """Whether to run in ssh_mode: the BRIEFING_TUI_SSH setting, else an SSH session."""
    env = dict(os.environ) if env is None else env
    setting = env.get(SSH_SETTING, "").strip().lower()
    if setting in ("1", "yes", "on", "true"):
        return True
    if setting in ("0", "no", "off", "false"):
        return False
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def forget_stale_size(
    environ: dict[str, str] | os._Environ[str] = os.environ, fd: int | None = None
) -> None:
    """Drop COLUMNS and LINES when the terminal (on ``fd``, default stdout) can say its size.

    Textual sizes the screen with shutil.get_terminal_size, which believes these variables
    over the terminal: exported by a shell or a wrapper, they would pin the app to one size
    (no resizing, no 'terminal too small').
    """
    if "COLUMNS" not in environ and "LINES" not in environ:
        return
    try:
        os.get_terminal_size(fd if fd is not None else sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return
    environ.pop("COLUMNS", None)
    environ.pop("LINES", None)


def index_digest(result: LoadResult) -> str | None:
    """The search index's content hash of a briefing (kept in the library snapshot)."""
    from briefing_tui.search.scan import index_digest as digest

    return digest(result)


def cold_start(
    paths: list[Path], stop: threading.Event
) -> tuple[Callable[[LibraryCache], Callable[[], None]], IndexFactory, Callable[[], None]]:
    """The app's child builds (:class:`briefing_tui.search.background.ColdStart`: a cold
    library is read, and a large cold index built, in a child process), made when first
    used, after the first paint: (what prepares the library's load, the index factory, what
    stops a child nothing waits for)."""
    made: list[ColdStart] = []

    def builds() -> ColdStart:
        if not made:
            from briefing_tui.search.background import ColdStart

            made.append(ColdStart(paths, stop=stop))
        return made[0]

    def prepare(cache: LibraryCache) -> Callable[[], None]:
        return builds().prepare(cache)

    def factory(library: Library, progress: ProgressCallback) -> SearchIndex:
        return builds().factory(library, progress)

    def close() -> None:
        if made:
            made[0].close()

    return prepare, factory, close


def run_app(paths: list[Path], args: argparse.Namespace | None = None) -> int:
    from briefing_tui.cache.opening import open_library
    from briefing_tui.cache.snapshot import LibraryCache
    from briefing_tui.cache.summaries import SummaryFile

    ssh = bool(getattr(args, "ssh", False)) or ssh_session()
    forget_stale_size()
    gc.disable()  # until the first paint: start-up allocates much and frees little
    cache = LibraryCache(paths, freeze=True)
    watcher = (
        None
        if getattr(args, "no_watch", False)
        else LibraryWatcher(paths, loader=cache.result, store=cache, known=SummaryFile(cache))
    )
    # A cold library is read, and a large cold index built, in a child process: the UI
    # keeps its interpreter.
    exiting = threading.Event()  # set by the app as it exits: loading the library stops
    prepare, index_factory, close_builds = cold_start(paths, exiting)
    whole = partial(watcher.load, stop=exiting) if watcher is not None else None
    library, rest = open_library(cache, whole, index_digest, prepare, exiting)
    app = BriefingApp(
        library,
        ssh_mode=ssh,
        watcher=watcher,
        rest=rest,
        index_factory=index_factory,
        exiting=exiting,
    )
    if os.name != "posix":
        app.run()
        close_builds()
        gc.enable()  # (on already if the app painted)
        if app.crash_message:  # the terminal is restored by now
            print(app.crash_message, file=sys.stderr)
        return app.return_code or 0
    from briefing_tui.tui.shutdown import ExitGuard

    # SIGTERM, SIGHUP, SIGINT and a hung-up terminal end the app through its normal shutdown
    # (terminal modes restored, index closed), and the process within a second.
    with ExitGuard(app.request_exit) as guard:
        app.run()
    close_builds()  # (a child still reading or indexing, should nothing have waited for it)
    gc.enable()  # (on already if the app painted)
    if app.crash_message:  # the terminal is restored by now
        print(app.crash_message, file=sys.stderr)
    code = guard.exit_code if guard.exit_code is not None else app.return_code or 0
    leave_now(code)


def leave_now(code: int) -> NoReturn:
    """End the process at once, once the app has shut down.

    By now the terminal is restored, the index closed and its worker finished (asyncio.run
    waits for it). Tearing the interpreter down would only free the library's objects one
    by one, which takes a second for a large library, and a watchdog thread cannot run
    then (daemon threads are stopped while the interpreter finalises).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
