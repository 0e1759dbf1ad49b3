"""The whole session of issue 5 in a real terminal (tmux) and through a real SSH connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import session
from .terminal import SshServer, app_command, leftovers, tmux_session

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["80x24", "160x48"])
def test_session_in_tmux(private_env: dict[str, str], width: int, height: int) -> None:
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(env=env), width, height) as t:
        session.full_session(t)
        session.assert_modes_restored(t)
        assert t.dead_status() == "0"
    assert leftovers(Path(private_env["BRIEFING_TUI_CACHE"])) == []


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["80x24", "160x48"])
def test_session_over_ssh(
    private_env: dict[str, str], sshd: SshServer, width: int, height: int
) -> None:
    # No --ssh: the app must notice the SSH session itself (SSH_CONNECTION).
    remote = app_command(env={**private_env, "TERM": "xterm-256color"})
    with tmux_session(sshd.ssh_command(remote), width, height) as t:
        session.full_session(t, timeout=30)
        session.assert_modes_restored(t)
        assert t.dead_status() == "0"
    assert leftovers(Path(private_env["BRIEFING_TUI_CACHE"])) == []
