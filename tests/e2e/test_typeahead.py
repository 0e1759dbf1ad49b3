"""Keys typed in one burst (a paste, one SSH packet) go where the earlier keys sent focus."""

from __future__ import annotations

from .session import COUNT
from .terminal import app_command, tmux_session


def counted(screen: str) -> bool:
    """The search pane says how many results ("23 results", "20 of 1,012")."""
    return any(COUNT.match(line.strip("┃ ")) for line in screen.splitlines())


def test_slash_then_a_query_in_one_burst_reaches_the_search_box(
    private_env: dict[str, str],
) -> None:
    with tmux_session(app_command(env=private_env), 80, 24, {"TERM": "xterm-256color"}) as t:
        t.wait_for("Mohsin Naqvi")
        t.type("/narcotics")  # one send-keys call: the app reads it as one burst
        screen = t.wait_for(counted, what="a count of results")
        assert "narcotics" in screen.splitlines()[3], screen
        assert "Source (16 sentences)" not in screen  # 's' did not jump to the source pane
        t.send("Escape")
        t.wait_for(lambda screen: "Open result" not in screen)
        t.send("q")
        t.wait_dead(timeout=5)
