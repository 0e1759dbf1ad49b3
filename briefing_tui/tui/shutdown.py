"""Leaving cleanly when told to by a signal or by a dropped terminal (imports no Textual).

``briefing-tui`` must exit cleanly on SIGTERM, SIGHUP (the SSH link dropped) and SIGINT,
and whenever its terminal goes away: through the UI's normal shutdown, so that the
terminal modes are restored (when the terminal is still there) and the search index is
closed, and within a second whatever happens.

:class:`ExitGuard` does the plumbing around a running UI:

- signal handlers for SIGTERM, SIGHUP and SIGINT ask the UI to exit, with the status a
  shell reports for that signal (128 + the signal's number);
- a thread waits (without polling: ``poll()`` with no events asked for, which still
  reports a hang-up) for the terminal to hang up, and treats that as SIGHUP: a process
  that is not the session leader gets no SIGHUP when the link drops, and would otherwise
  stay behind reading end-of-file forever;
- once asked to exit, a watchdog ends the process after ``grace`` seconds if the
  normal shutdown has not (a terminal that no longer takes output can block it),
  after restoring the terminal's modes itself when the terminal is still there; and
  should even the watchdog not get to run (another thread holding the GIL in a long C
  call), the kernel ends the process at ``hard_deadline`` (an ITIMER_REAL alarm whose
  SIGALRM keeps its default action).
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import sys
import termios
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
GRACE = 0.7  # seconds from the request to exit to the watchdog ending the process
# ... and to the kernel ending it (SIGALRM, default action), should no thread of ours get to
# run: a thread busy in one long C call holds Python's lock (the GIL) and stops them all.
HARD_DEADLINE = 0.9

# What a full-screen app turns on and must turn off: the kitty keyboard protocol, mouse
# reporting, bracketed paste, focus events, in-band resize; then the main screen, the
# cursor and line wrapping come back.
RESET_SEQUENCE = (
    b"\x1b[<u"
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?2004l\x1b[?1004l\x1b[?2048l"
    b"\x1b[?1049l\x1b[?25h\x1b[?7h"
)

# request_exit(return_code, terminal_gone): ask the UI to exit; called from a signal
# handler (the main thread) or from the hang-up thread. Must not block.
ExitRequest = Callable[[int, bool], None]


def terminal_gone(fd: int) -> bool:
    """True when ``fd`` is a terminal that has hung up (every operation fails with EIO)."""
    try:
        termios.tcgetattr(fd)
    except termios.error as exc:
        return bool(exc.args) and exc.args[0] in (errno.EIO, errno.ENXIO)
    except (OSError, ValueError):
        return False
    return False


class ExitGuard:
    """Signal handlers, a hang-up watcher and a watchdog around a running UI.

    Use as a context manager around the UI's run; ``exit_code`` is the status the
    process should exit with when a signal or a hang-up ended it (else None).
    """

    def __init__(
        self,
        request_exit: ExitRequest,
        *,
        fd: int | None = None,
        grace: float = GRACE,
        force_exit: Callable[[int], object] = os._exit,
        hard_deadline: float | None = HARD_DEADLINE,
    ) -> None:
        self.request_exit = request_exit
        self.fd = fd if fd is not None else _stdin_fd()
        self.grace = grace
        self.force_exit = force_exit
        self.hard_deadline = hard_deadline
        self._alarm_ok = False
        self.exit_code: int | None = None
        self._lock = threading.Lock()
        self._previous: dict[int, Any] = {}
        self._saved_modes: list[Any] | None = None
        self._terminal_gone = False
        self._wake: tuple[int, int] | None = None
        self._watcher: threading.Thread | None = None

    # -- installing -------------------------------------------------------------------------

    def __enter__(self) -> ExitGuard:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uninstall()

    def install(self) -> None:
        is_tty = self.fd >= 0 and os.isatty(self.fd)
        if is_tty:
            with contextlib.suppress(termios.error, OSError):
                self._saved_modes = termios.tcgetattr(self.fd)
        for sig in EXIT_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)
        # The backstop needs SIGALRM's default action (terminate) and an unused timer.
        self._alarm_ok = (
            self.hard_deadline is not None
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        )
        if is_tty:
            self._wake = os.pipe()
            self._watcher = threading.Thread(
                target=self._watch_hangup, name="briefing-tui-hangup", daemon=True
            )
            self._watcher.start()

    def uninstall(self) -> None:
        for sig, handler in self._previous.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, handler)
        self._previous.clear()
        if self._wake is not None:
            read_end, write_end = self._wake
            with contextlib.suppress(OSError):
                os.write(write_end, b"x")
            if self._watcher is not None:
                self._watcher.join(timeout=1)
            for end in (read_end, write_end):
                with contextlib.suppress(OSError):
                    os.close(end)
            self._wake = None

    # -- the triggers -----------------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        gone = signum == signal.SIGHUP and terminal_gone(self.fd)
        self.trigger(128 + signum, gone)

    def _watch_hangup(self) -> None:
        assert self._wake is not None
        poller = select.poll()
        poller.register(self.fd, 0)  # no events asked for: hang-ups and errors still show
        poller.register(self._wake[0], select.POLLIN)
        while True:
            try:
                events = poller.poll()
            except InterruptedError:  # pragma: no cover - PEP 475 retries poll itself
                continue
            except OSError:
                return
            for fd, mask in events:
                if fd != self.fd:
                    return  # woken: uninstalled
                if mask & select.POLLNVAL:
                    return
                if mask & (select.POLLHUP | select.POLLERR):
                    self.trigger(128 + signal.SIGHUP, True)
                    return

    def trigger(self, code: int, terminal_gone: bool) -> None:
        """Ask the UI to exit with ``code``; arm the watchdog. Later triggers are ignored."""
        with self._lock:
            if self.exit_code is not None:
                return
            self.exit_code = code
            self._terminal_gone = terminal_gone
        if self._alarm_ok and self.hard_deadline is not None:
            signal.setitimer(signal.ITIMER_REAL, self.hard_deadline)
        timer = threading.Timer(self.grace, self._force, (code,))
        timer.daemon = True
        timer.name = "briefing-tui-watchdog"
        timer.start()
        self.request_exit(code, terminal_gone)

    # -- the watchdog -----------------------------------------------------------------------

    def _force(self, code: int) -> None:
        """The normal shutdown did not finish in time: restore what we can, then go."""
        if not self._terminal_gone and self.fd >= 0:
            # In a thread of its own: a terminal that takes no output must not block this.
            writer = threading.Thread(target=self._restore_terminal, daemon=True)
            writer.start()
            writer.join(timeout=0.1)
        self.force_exit(code)

    def _restore_terminal(self) -> None:
        with contextlib.suppress(OSError):
            os.write(_stderr_fd(), RESET_SEQUENCE)
        if self._saved_modes is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.fd, termios.TCSANOW, self._saved_modes)


def _stdin_fd() -> int:
    try:
        return (sys.__stdin__ or sys.stdin).fileno()
    except (AttributeError, ValueError, OSError):
        return -1


def _stderr_fd() -> int:
    """Where Textual draws (its Linux driver writes to ``sys.__stderr__``)."""
    try:
        return (sys.__stderr__ or sys.stderr).fileno()
    except (AttributeError, ValueError, OSError):
        return 2
