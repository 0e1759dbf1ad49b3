"""In-process tests of what issue 5 asks of the app (the real-terminal proof is in tests/e2e):
the ssh_mode setting, nothing timed while idle in ssh_mode, ctrl+c, leaving on a signal or
a hung-up terminal (briefing_tui.tui.shutdown), and the too-small screen's place in the stack."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from textual import events
from textual.geometry import Size
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from briefing_tui.briefing.library import Library
from briefing_tui.tui import shutdown
from briefing_tui.tui.app import NOTIFICATION_HOLD, BriefingApp
from briefing_tui.tui.compat import notifications
from briefing_tui.tui.run import forget_stale_size, ssh_session
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.screens.too_small import TooSmallScreen
from tests.tui.helpers import aio, browser, make_app, replaced, settle, started, until

NARROW = (80, 24)

# -- the setting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}, True),
        ({"SSH_TTY": "/dev/pts/3"}, True),
        ({"BRIEFING_TUI_SSH": "1"}, True),
        ({"BRIEFING_TUI_SSH": "yes"}, True),
        ({"BRIEFING_TUI_SSH": "0", "SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}, False),
        ({"BRIEFING_TUI_SSH": "off", "SSH_TTY": "/dev/pts/3"}, False),
        ({"BRIEFING_TUI_SSH": "", "SSH_TTY": "/dev/pts/3"}, True),
    ],
)
def test_ssh_mode_setting(env: dict[str, str], expected: bool) -> None:
    assert ssh_session(env) is expected


# -- nothing timed while idle ---------------------------------------------------------------


@contextlib.asynccontextmanager
async def copied(
    library: Library, ssh_mode: bool
) -> AsyncIterator[tuple[Pilot[None], BriefingApp, Notification]]:
    """The app at NARROW once ``y`` (copy) has shown its one notification: the pilot, the
    app and that notification."""
    app = make_app(library, ssh_mode=ssh_mode)
    async with started(app, NARROW) as pilot:
        await pilot.press("y")
        await until(pilot, lambda: len(notifications(app)) == 1)
        (note,) = notifications(app)
        yield pilot, app, note


@aio
async def test_ssh_mode_notifications_wait_for_a_key(seed_library: Library) -> None:
    async with copied(seed_library, ssh_mode=True) as (pilot, app, note):
        assert note.timeout >= NOTIFICATION_HOLD  # no timer redraws the screen later
        await pilot.press("j")  # the next key clears it
        await until(pilot, lambda: len(notifications(app)) == 0)
        await pilot.press("y")  # and a key that notifies shows its own notification
        await until(pilot, lambda: len(notifications(app)) == 1)


@aio
async def test_notifications_time_out_outside_ssh_mode(seed_library: Library) -> None:
    async with copied(seed_library, ssh_mode=False) as (pilot, app, note):
        assert note.timeout == app.NOTIFICATION_TIMEOUT
        await pilot.press("j")
        await pilot.pause()
        assert len(notifications(app)) == 1


@aio
async def test_ssh_mode_stops_the_blink_of_any_focused_input(seed_library: Library) -> None:
    from textual.screen import ModalScreen

    class Ask(ModalScreen[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Input(id="ask")

    for ssh in (True, False):
        app = make_app(seed_library, ssh_mode=ssh)
        async with app.run_test(size=NARROW) as pilot:
            await settle(pilot)
            await app.push_screen(Ask())
            app.screen.query_one("#ask", Input).focus()
            await pilot.pause()
            assert app.screen.query_one("#ask", Input).cursor_blink is (not ssh)


# -- leaving --------------------------------------------------------------------------------


@pytest.mark.parametrize("pane_key", [None, "slash"])
@aio
async def test_ctrl_c_quits_even_in_the_search_box(
    seed_library: Library, pane_key: str | None
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        if pane_key:
            await pilot.press(pane_key)
            await pilot.pause()
            assert isinstance(app.focused, Input)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app._exit)
    assert app.return_code == 0


@aio
async def test_request_exit_from_another_thread(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        thread = threading.Thread(target=app.request_exit, args=(143,))
        thread.start()
        thread.join()
        await until(pilot, lambda: app._exit)
    assert app.return_code == 143


@aio
async def test_request_exit_with_the_terminal_gone_writes_nothing_more(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        written: list[str] = []
        driver = app._driver
        assert driver is not None
        original = driver.write
        driver.write = lambda data: written.append(data)  # type: ignore[method-assign]
        app.request_exit(129, terminal_gone=True)
        assert driver.write is not original
        driver.write("probe")
        await until(pilot, lambda: app._exit)
    assert written == []
    assert app.return_code == 129


@aio
async def test_a_signal_before_the_app_runs_exits_at_once(seed_library: Library) -> None:
    app = make_app(seed_library)
    app.request_exit(143)  # no event loop yet: remembered
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: app._exit)
    assert app.return_code == 143


# -- the too-small screen -------------------------------------------------------------------


@aio
async def test_too_small_from_the_start_sits_above_the_browser(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(50, 12)) as pilot:
        await settle(pilot)
        names = [type(s) for s in app.screen_stack]
        assert names.count(TooSmallScreen) == 1 and names[-1] is TooSmallScreen
        assert BrowserScreen in names
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen))
        assert TooSmallScreen not in [type(s) for s in app.screen_stack]


class ResizeLoop(Exception):
    """A screen handled more resize events than a storm sent: they feed themselves."""


@contextlib.contextmanager
def resize_loop_caught(limit: int) -> Iterator[None]:
    """Every screen's resize handler, counting: past ``limit`` events on one screen it
    raises ResizeLoop, which ends the app (a resize loop never idles, so no timeout could
    fire: this is how it shows instead of hanging the test)."""
    handler = Screen._on_resize
    counts: Counter[int] = Counter()

    async def counting(screen: Screen[Any], event: events.Resize) -> None:
        counts[id(screen)] += 1
        if counts[id(screen)] > limit:
            raise ResizeLoop(f"{type(screen).__name__} handled {limit} resize events")
        await handler(screen, event)

    with replaced(Screen, "_on_resize", counting):
        yield


@aio
async def test_a_resize_storm_settles_at_the_last_size(seed_library: Library) -> None:
    """Sizes arriving faster than the app keeps up (a window dragged, tmux resized in a
    loop), across the too-small limit and the breakpoints: the app ends laid out at the
    last one, every screen idle. (Before, two stale sizes could post each other to a screen
    forever: the app stopped drawing and reading keys.)"""
    app = make_app(seed_library)
    rng = random.Random(5)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        with resize_loop_caught(limit=2000):
            for _ in range(6):  # (before the fix, the second storm looped)
                for width, height in [(rng.randint(1, 200), rng.randint(1, 60)) for _ in range(6)]:
                    app.post_message(events.Resize(Size(width, height), Size(width, height)))
                    await asyncio.sleep(rng.random() * 0.004)
                app.post_message(events.Resize(Size(100, 30), Size(100, 30)))
                await until(pilot, lambda: isinstance(app.screen, BrowserScreen))
                await pilot.pause()
                screen = browser(app)
                assert (screen.size, app.size) == (Size(100, 30), Size(100, 30))
                assert screen.has_class("-wide") and not screen.has_class("-narrow")
            await pilot.press("j")  # and it still reads keys
            await pilot.pause()
    assert app.return_code in (None, 0)


# -- stale COLUMNS and LINES ----------------------------------------------------------------


@pytest.fixture
def terminal_fds() -> Iterator[tuple[int, int]]:
    master, slave = pty.openpty()
    try:
        yield master, slave
    finally:
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def test_forget_stale_size_on_a_terminal(terminal_fds: tuple[int, int]) -> None:
    _, slave = terminal_fds
    env = {"COLUMNS": "80", "LINES": "24", "HOME": "/x"}
    forget_stale_size(env, slave)
    assert env == {"HOME": "/x"}


def test_keep_columns_and_lines_without_a_terminal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"COLUMNS": "80", "LINES": "24"}
    with open(tmp_path / "out", "w") as f:
        forget_stale_size(env, f.fileno())
    assert env == {"COLUMNS": "80", "LINES": "24"}


# -- briefing_tui.tui.shutdown ------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[int, bool]] = []
        self.forced: list[int] = []
        self.event = threading.Event()

    def request(self, code: int, gone: bool) -> None:
        self.requests.append((code, gone))

    def force(self, code: int) -> None:
        self.forced.append(code)
        self.event.set()


def test_terminal_gone(terminal_fds: tuple[int, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    master, slave = terminal_fds
    assert not shutdown.terminal_gone(slave)
    with open(tmp_path / "f", "w") as f:
        assert not shutdown.terminal_gone(f.fileno())  # not a terminal: not a hang-up
    os.close(master)
    assert shutdown.terminal_gone(slave)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_guard_turns_signals_into_an_exit_request(
    terminal_fds: tuple[int, int], sig: signal.Signals
) -> None:
    _, slave = terminal_fds
    before = {s: signal.getsignal(s) for s in shutdown.EXIT_SIGNALS}
    rec = Recorder()
    with shutdown.ExitGuard(
        rec.request, fd=slave, grace=0.05, force_exit=rec.force, hard_deadline=None
    ) as guard:
        os.kill(os.getpid(), sig)
        deadline = time.monotonic() + 5
        while not rec.requests and time.monotonic() < deadline:
            time.sleep(0.001)  # the handler runs in this (the main) thread, between bytecodes
        assert rec.requests == [(128 + sig, False)]  # the terminal is still there
        assert guard.exit_code == 128 + sig
        os.kill(os.getpid(), signal.SIGTERM)  # a second signal changes nothing
        assert rec.event.wait(5)  # the watchdog fires if the app has not exited by then
        assert rec.forced == [128 + sig]
        assert rec.requests == [(128 + sig, False)]
    assert {s: signal.getsignal(s) for s in shutdown.EXIT_SIGNALS} == before


def test_guard_sees_the_terminal_hang_up(terminal_fds: tuple[int, int]) -> None:
    """No SIGHUP needed: a process in a session of its own gets none when the link drops."""
    master, slave = terminal_fds
    rec = Recorder()
    with shutdown.ExitGuard(
        rec.request, fd=slave, grace=0.05, force_exit=rec.force, hard_deadline=None
    ):
        time.sleep(0.05)  # not synchronisation: the watcher must not fire on a live terminal
        assert rec.requests == []
        os.close(master)
        assert rec.event.wait(5)
    assert rec.requests == [(129, True)]
    assert rec.forced == [129]


def test_guard_watchdog_does_not_fire_without_a_request(terminal_fds: tuple[int, int]) -> None:
    _, slave = terminal_fds
    rec = Recorder()
    guard = shutdown.ExitGuard(
        rec.request, fd=slave, grace=0.01, force_exit=rec.force, hard_deadline=None
    )
    with guard:
        pass
    assert not rec.event.wait(0.1)
    assert guard.exit_code is None and rec.requests == []


def test_watchdog_restores_a_live_terminal(terminal_fds: tuple[int, int]) -> None:
    """When the normal shutdown hangs, the watchdog writes the reset sequence itself."""
    _master, slave = terminal_fds
    rec = Recorder()
    guard = shutdown.ExitGuard(
        rec.request, fd=slave, grace=0.01, force_exit=rec.force, hard_deadline=None
    )
    read, write = os.pipe()
    try:
        original = shutdown._stderr_fd
        shutdown._stderr_fd = lambda: write  # type: ignore[assignment]
        try:
            guard.trigger(143, False)
            assert rec.event.wait(5)
        finally:
            shutdown._stderr_fd = original  # type: ignore[assignment]
        assert os.read(read, 4096) == shutdown.RESET_SEQUENCE
    finally:
        os.close(read)
        os.close(write)


def test_reset_sequence_turns_off_what_textual_turns_on() -> None:
    from tests.e2e.terminal import modes_left_on

    on = b"\x1b[>11u\x1b[?1049h\x1b[?1000h\x1b[?1003h\x1b[?1006h\x1b[?2004h\x1b[?1004h\x1b[?25l\x1b[?7l"
    assert set(modes_left_on(on)) >= {"alternate screen", "kitty keyboard", "mouse reporting"}
    assert modes_left_on(on + shutdown.RESET_SEQUENCE) == []


def test_the_kernel_ends_a_process_whose_threads_cannot_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The last resort: with the UI never exiting and the watchdog thread unable to run
    (here it does nothing; in life a C call holding the GIL), SIGALRM's default action ends
    the process at HARD_DEADLINE."""
    import subprocess
    import sys

    code = (
        "import os, signal, time\n"
        "from briefing_tui.tui import shutdown\n"
        "guard = shutdown.ExitGuard(lambda code, gone: None, fd=-1, force_exit=lambda code: None)\n"
        "guard.install()\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(10)\n"
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], timeout=20, check=False)
    took = time.monotonic() - start
    assert done.returncode == -signal.SIGALRM
    assert took < 5  # interpreter start-up included; the alarm itself fires at 0.9 s
