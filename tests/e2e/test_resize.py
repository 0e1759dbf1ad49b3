"""Small terminals and live resizing: below 60x16 the app says 'terminal too small (needs
60x16)' instead of a broken layout, comes back as it was when the terminal grows, and never
crashes however the terminal is resized."""

from __future__ import annotations

import random
from pathlib import Path

from . import session
from .terminal import app_command, panes, tmux_session

TOO_SMALL = "terminal too small (needs 60x16)"


def drawn_for(screen: str, width: int, height: int) -> bool:
    """The screen is drawn for this size: its borders reach the last column and the
    footer sits on the last line."""
    lines = screen.splitlines()
    return (
        len(lines) >= height
        and max(len(line) for line in lines) == width
        and "q Quit" in lines[height - 1]
    )


def test_too_small_and_recovery(private_env: dict[str, str]) -> None:
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(env=env), 50, 12) as t:
        screen = t.wait_for(TOO_SMALL, timeout=30)
        assert "Actors" not in screen  # no broken layout behind the message
        t.resize(80, 24)
        session.start(t)
        t.press("j", session.cursor_on("Actors", "United States"))
        for width, height in [(59, 24), (80, 15), (20, 5)]:
            t.resize(width, height)
            t.wait_for(lambda s: "terminal too small" in s and "Actors" not in s)
        t.resize(60, 16)  # the minimum: usable, and as it was
        t.wait_for(session.cursor_on("Actors", "United States"))
        assert TOO_SMALL not in t.screen()
        t.press("j", session.cursor_on("Actors", "Afghanistan"))
        session.quit_app(t)
        session.assert_modes_restored(t)
        assert t.dead_status() == "0"


def test_resizing_never_crashes(private_env: dict[str, str]) -> None:
    env = {**private_env, "TERM": "xterm-256color"}
    rng = random.Random(5)
    sizes = [(rng.randint(1, 200), rng.randint(1, 60)) for _ in range(40)]
    sizes += [(59, 16), (60, 15), (60, 16), (99, 30), (100, 30), (1, 1), (200, 60)]
    with tmux_session(app_command(env=env), 80, 24) as t:
        session.start(t)
        t.press("2", session.cursor_on("Commitments", session.FIRST_COMMITMENT[:21]))
        for width, height in sizes:  # as fast as tmux takes them: no waiting in between
            t.resize(width, height)
            assert not t.pane_dead(), t.screen()
        t.resize(100, 30)  # wide: three panes side by side, drawn for 100 columns
        wide = session.cursor_on("Commitments", "Intensify")
        t.wait_for(lambda s: drawn_for(s, 100, 30) and wide(s) and "Source" in panes(s))
        t.resize(160, 40)  # widest: the four
        t.wait_for(lambda s: drawn_for(s, 160, 40) and wide(s) and "Search" in panes(s))
        t.resize(80, 24)  # narrow: one pane and the tab strip
        narrow = session.cursor_on("Commitments", session.FIRST_COMMITMENT[:21])
        t.wait_for(lambda s: drawn_for(s, 80, 24) and narrow(s) and "Tab ⇥ next pane" in s)
        t.press("j", session.cursor_on("Commitments", session.SECOND_COMMITMENT))
        session.quit_app(t)
        assert t.dead_status() == "0"
    assert list(Path(private_env["BRIEFING_TUI_STATE"]).glob("crash-*")) == []


def test_exported_columns_and_lines_do_not_pin_the_size(private_env: dict[str, str]) -> None:
    """A shell that exports COLUMNS and LINES must not fix the app's size: the terminal's
    own size wins, so the too-small view and resizing still work."""
    env = {**private_env, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    with tmux_session(app_command(env=env), 50, 12) as t:
        t.wait_for(TOO_SMALL, timeout=30)
        t.resize(100, 30)
        t.wait_for(lambda s: drawn_for(s, 100, 30) and "Source" in panes(s))
        session.quit_app(t)
