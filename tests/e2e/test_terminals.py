"""The terminal matrix: each TERM (and NO_COLOR, COLORTERM=truecolor) starts, is readable,
shows the selection (the ▶ marker, and a highlight that differs from the other rows) and
uses only the colours the terminal has."""

from __future__ import annotations

import pytest

from . import session
from .terminal import (
    achromatic,
    app_command,
    sgr_colours,
    style_at,
    tmux_session,
)

MATRIX = {
    "xterm-256color": {"TERM": "xterm-256color"},
    "xterm": {"TERM": "xterm"},
    "screen-256color": {"TERM": "screen-256color"},
    "tmux-256color": {"TERM": "tmux-256color"},
    "linux": {"TERM": "linux"},
    "NO_COLOR=1": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    "COLORTERM=truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
}


def check_colours(name: str, colours: list[str]) -> None:
    assert colours, "no colour at all"
    kinds = {c.split(":")[0] for c in colours}
    if name == "NO_COLOR=1":
        assert [c for c in colours if not achromatic(c)] == []
    elif name == "COLORTERM=truecolor":
        assert "rgb" in kinds
    elif name in ("xterm", "linux"):
        assert kinds == {"16"}, f"{name} has 16 colours; the app used {sorted(kinds)}"
    else:
        assert "rgb" not in kinds and "256" in kinds


@pytest.mark.parametrize("name", list(MATRIX))
def test_terminal(private_env: dict[str, str], name: str) -> None:
    env = {**private_env, **MATRIX[name]}
    with tmux_session(app_command(env=env), 80, 24) as t:
        session.start(t)
        moved = session.cursor_on("Actors", "United States")
        # (the footer's keys come just after the first screen: wait for them too)
        screen = t.press("j", lambda s: moved(s) and "q Quit" in s)
        # Readable: the names, the focused pane's heavy border, the footer's keys.
        for text in ("Pakistan", "Afghanistan", "Mohsin Naqvi", "┏━ Actors (", "q Quit"):
            assert text in screen, text
        lines = t.styled_screen().splitlines()
        selected = next(line for line in lines if "▶United States" in line)
        other = next(line for line in lines if "Afghanistan" in line)
        on = style_at(selected, "▶United States")
        off = style_at(other, "Afghanistan")
        assert on is not None and off is not None
        assert (on.bg, on.reverse) != (off.bg, off.reverse), "the selection is not highlighted"
        check_colours(name, sgr_colours("\n".join(lines)))
        session.quit_app(t)
        session.assert_modes_restored(t)
