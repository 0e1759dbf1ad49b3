"""In a real terminal (tmux): the footer keeps Help and Quit at 80x24 in every pane, and the
briefing switcher filters a generated library as you type."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_library_module

from . import session
from .terminal import app_command, focused_pane, tmux_session


def last_line(screen: str) -> str:
    lines = screen.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


def test_footer_keeps_help_and_quit_at_80x24(private_env: dict[str, str]) -> None:
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(env=env), 80, 24) as t:
        session.start(t)
        for pane, key, quit_key in [
            ("Actors", "⏎ Open", "q Quit"),
            ("Detail", "⏎ Follow", "q Quit"),
            ("Source", "⏎ Citing items", "q Quit"),
            ("Search", "⏎ Open result", "^c Quit"),
        ]:
            if pane != "Actors":
                t.press("Tab", session.focused(pane), what=f"the {pane} pane")
            screen = t.wait_for(lambda s, k=key: k in last_line(s), what=f"{pane}'s footer")
            footer = last_line(screen)
            assert "Help" in footer and quit_key in footer, footer
        t.press("Escape", lambda s: focused_pane(s) != "Search")
        session.quit_app(t)
        assert t.dead_status() == "0"


def make_library(out: Path, n: int) -> None:
    mod = make_library_module()
    mod.main(["--briefings", str(n), str(out)])


def test_switcher_filters_a_generated_library(private_env: dict[str, str], tmp_path: Path) -> None:
    library = tmp_path / "lib"
    make_library(library, 200)
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(str(library), env=env), 80, 24) as t:
        t.wait_for("[1/200]", timeout=60, what="the first briefing of 200")
        t.press("b", "200 briefings · by date, newest first", what="the switcher")
        t.type("argentina")

        def filtered(screen: str) -> bool:
            rows = [line for line in screen.splitlines() if "▶" in line and "talks on" in line]
            return "of 200 match" in screen and bool(rows) and "Argentina" in rows[0]

        # (the whole frame, not its status line alone: under load tmux was once read while
        # the frame was half written, the new count above the old rows)
        t.wait_for(filtered, what="the filtered list, the cursor on an Argentina briefing")
        t.press("Enter", lambda s: "Argentina" in s.splitlines()[0], what="the chosen briefing")
        assert "of 200 match" not in t.screen()
        session.quit_app(t)
        assert t.dead_status() == "0"
