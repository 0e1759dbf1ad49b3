"""What goes over the wire: nothing while the user is idle (in an SSH session, with
BRIEFING_TUI_SSH=1 or --ssh), and much less with ssh -C.

The bytes are those the app writes to its terminal, taken by tmux pipe-pane (over SSH: the
bytes the ssh client received and wrote to the pane), and ssh's own count of the bytes on
the connection (``Transferred: ... received N bytes``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from . import session
from .terminal import SshServer, Tmux, app_command, tmux_session, wait_quiet

QUIET_FOR = 0.3  # seconds without output: the app has finished drawing
WINDOW = 0.7  # seconds measured: a blinking cursor toggles every 0.5 s
LONG_QUIET = 1.5  # seconds without a byte before a window that saw bytes is measured again
LONG_WINDOW = 2.5  # seconds measured then


def settle(log: Path, timeout: float = 10.0) -> None:
    """Wait until the app has stopped writing (QUIET_FOR seconds without a byte)."""
    if not wait_quiet(log, timeout, QUIET_FOR):
        raise AssertionError(f"the app kept writing for {timeout} s")


def idle_bytes(log: Path) -> int:
    """Bytes written during WINDOW seconds of the user doing nothing (after settling).

    On a loaded machine the last frame of a change can come in writes more than QUIET_FOR
    apart, so a window that saw bytes is measured again, after LONG_QUIET seconds without a
    byte, over LONG_WINDOW seconds: anything that writes while idle (a blinking cursor, a
    clock, a spinner with a period up to LONG_QUIET + LONG_WINDOW) is seen in both, or never
    lets the app be quiet that long, and the bytes of the first window are returned."""
    settle(log)
    before = log.stat().st_size
    time.sleep(WINDOW)  # a measurement window, not synchronisation
    seen = log.stat().st_size - before
    if seen == 0 or not wait_quiet(log, 15.0, LONG_QUIET):
        return seen
    before = log.stat().st_size
    time.sleep(LONG_WINDOW)  # a measurement window
    return log.stat().st_size - before


def idle_states(t: Tmux, log: Path) -> dict[str, int]:
    """Idle bytes in the states where something could move: the browser, the search box
    (a blinking cursor), after a copy (a notification), the command palette."""
    measured = {}
    session.start(t, timeout=30)
    measured["browser"] = idle_bytes(log)
    t.press("/", session.focused("Search"))
    measured["search box"] = idle_bytes(log)
    t.press("Escape", lambda s: session.focused_pane(s) not in ("Search", None))
    t.press("y", "Citation copied")
    measured["notification"] = idle_bytes(log)
    t.press("C-p", palette_open, what="the command palette")
    measured["palette"] = idle_bytes(log)
    t.press("Escape", lambda s: not palette_open(s), what="the palette to close")
    return measured


def palette_open(screen: str) -> bool:
    return "🔎" in screen


QUIET = {
    "BRIEFING_TUI_SSH=1": ({"BRIEFING_TUI_SSH": "1"}, ()),
    "--ssh": ({}, ("--ssh",)),
}


@pytest.mark.parametrize("how", list(QUIET))
def test_nothing_sent_while_idle_in_ssh_mode(
    private_env: dict[str, str], tmp_path: Path, how: str
) -> None:
    env, args = QUIET[how]
    log = tmp_path / "output.bin"
    command = app_command(*args, env={**private_env, "TERM": "xterm-256color", **env})
    with tmux_session(command, 80, 24, log=log) as t:
        session.start(t)
        t.press("/", session.focused("Search"))  # where the cursor would blink
        assert idle_bytes(log) == 0


def test_nothing_sent_while_idle_over_ssh(
    private_env: dict[str, str], sshd: SshServer, tmp_path: Path
) -> None:
    """No setting, no flag: the app sees SSH_CONNECTION and keeps quiet."""
    log = tmp_path / "output.bin"
    remote = app_command(env={**private_env, "TERM": "xterm-256color"})
    with tmux_session(sshd.ssh_command(remote), 80, 24, log=log) as t:
        measured = idle_states(t, log)
        assert measured == dict.fromkeys(measured, 0)
        session.quit_app(t)


def test_outside_ssh_mode_the_cursor_blinks(private_env: dict[str, str], tmp_path: Path) -> None:
    """The control: the measurement does see a blinking cursor (BRIEFING_TUI_SSH=0 turns
    ssh_mode off even where it would be on)."""
    log = tmp_path / "output.bin"
    env = {**private_env, "TERM": "xterm-256color", "BRIEFING_TUI_SSH": "0", "SSH_TTY": "x"}
    with tmux_session(app_command(env=env), 80, 24, log=log) as t:
        session.start(t)
        assert idle_bytes(log) == 0  # nothing blinks in the browser anyway
        t.press("/", session.focused("Search"))
        before = log.stat().st_size
        time.sleep(WINDOW)  # a measurement window
        assert log.stat().st_size - before > 0


TRANSFERRED = re.compile(r"Transferred: sent (\d+), received (\d+) bytes")


def received_over_ssh(sshd: SshServer, env: dict[str, str], tmp: Path, compression: str) -> int:
    """Bytes the ssh client received for a short session: start, move, search, quit."""
    log = tmp / f"ssh-{compression}.log"
    command = sshd.ssh_command(
        app_command(env=env), "-E", str(log), "-o", "LogLevel=VERBOSE", "-o", compression
    )
    with tmux_session(command, 80, 24) as t:
        session.start(t)
        session.move(t)
        session.search(t)
        t.press("Escape", lambda s: session.focused_pane(s) not in ("Search", None))
        session.quit_app(t)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            m = TRANSFERRED.search(log.read_text(errors="replace") if log.exists() else "")
            if m:
                return int(m.group(2))
            time.sleep(0.05)
    raise AssertionError(f"ssh did not report the bytes transferred: {log.read_text()}")


def test_ssh_compression_cuts_the_bytes(
    private_env: dict[str, str], sshd: SshServer, tmp_path: Path
) -> None:
    env = {**private_env, "TERM": "xterm-256color"}
    plain = received_over_ssh(sshd, env, tmp_path, "Compression=no")
    compressed = received_over_ssh(sshd, env, tmp_path, "Compression=yes")
    print(f"received over SSH: {plain} bytes plain, {compressed} bytes with -C")
    assert compressed * 4 < plain, (plain, compressed)
