"""The installed briefing-tui in a real terminal (tmux) and over a real SSH connection."""

from __future__ import annotations

import pytest

from .terminal import SshServer, app_command, tmux_session

TITLE = "Pakistan and US agree"


@pytest.mark.parametrize(("width", "height"), [(80, 24), (160, 48)])
def test_starts_and_quits_in_tmux(private_env: dict[str, str], width: int, height: int) -> None:
    with tmux_session(app_command(env=private_env), width, height, {"TERM": "xterm-256color"}) as t:
        screen = t.wait_for(TITLE)
        assert "Mohsin Naqvi" in screen
        t.send("q")
        t.wait_dead(timeout=5)


def test_over_ssh(private_env: dict[str, str], sshd: SshServer) -> None:
    remote = app_command(env={**private_env, "TERM": "xterm-256color"})
    with tmux_session(sshd.ssh_command(remote), 80, 24) as t:
        screen = t.wait_for(TITLE, timeout=30)
        assert "Mohsin Naqvi" in screen
        t.send("q")
        t.wait_dead(timeout=10)
