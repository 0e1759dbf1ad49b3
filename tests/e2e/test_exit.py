"""Clean exit on q, ctrl+c, SIGTERM, SIGHUP and SIGINT, and when the SSH link drops.

Clean: the terminal modes restored (tmux's view of them, and the bytes the app wrote:
kitty's keyboard protocol, which tmux ignores, too), the process gone within 1 s, the exit
status a shell expects, and no index lock or half-written index left in the cache.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from pathlib import Path

import pytest

from . import session
from .terminal import (
    SshServer,
    app_command,
    find_app_pid,
    leftovers,
    modes_left_on,
    need,
    parent_pid,
    process_alive,
    tmux_session,
    wait_gone,
)

GONE_WITHIN = 1.0  # seconds

EXITS = {
    "q": ("key", "q", "0"),
    "ctrl+c": ("key", "C-c", "0"),
    "SIGTERM": ("signal", signal.SIGTERM, "143"),
    "SIGHUP": ("signal", signal.SIGHUP, "129"),
    "SIGINT": ("signal", signal.SIGINT, "130"),
}


def no_crash_logs(state: Path) -> list[str]:
    return [p.name for p in state.glob("crash-*")] if state.exists() else []


@pytest.mark.parametrize("how", list(EXITS))
def test_clean_exit(private_env: dict[str, str], tmp_path: Path, how: str) -> None:
    kind, what, status = EXITS[how]
    log = tmp_path / "output.bin"
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(env=env), 80, 24, log=log) as t:
        session.start(t)
        pid = t.pane_pid()  # env execs the app: the pane's process is the app
        assert t.flags()["alternate_on"] == "1" and t.flags()["mouse_any_flag"] == "1"
        if kind == "key":
            t.send(str(what))
        else:
            assert isinstance(what, signal.Signals)
            os.kill(pid, what)
        took = wait_gone(pid, timeout=5)
        assert took < GONE_WITHIN, f"{how}: the process took {took:.2f} s to exit"
        t.wait_dead()
        session.assert_modes_restored(t)
        assert t.dead_status() == status
    written = log.read_bytes()
    assert b"\x1b[?1049h" in written and b"\x1b[>" in written  # the modes were turned on ...
    assert modes_left_on(written) == []  # ... and off again
    assert leftovers(Path(private_env["BRIEFING_TUI_CACHE"])) == []
    assert no_crash_logs(Path(private_env["BRIEFING_TUI_STATE"])) == []


def sshd_session_process(app_pid: int) -> int:
    """The sshd process serving the app's connection (its nearest sshd ancestor)."""
    pid = app_pid
    for _ in range(10):
        pid = parent_pid(pid)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if f.read().startswith(b"sshd"):
                return pid
    raise AssertionError(f"no sshd above process {app_pid}")


@pytest.mark.parametrize(
    "how",
    ["ssh client killed", "sshd child killed", "own session, ssh client killed"],
)
def test_ssh_link_dropped(private_env: dict[str, str], sshd: SshServer, how: str) -> None:
    """The link drops: the remote app gets SIGHUP (or, in a session of its own where no
    SIGHUP reaches it, sees the terminal hang up) and is gone within 1 s, leaving no lock."""
    cache = Path(private_env["BRIEFING_TUI_CACHE"])
    remote = app_command(env={**private_env, "TERM": "xterm-256color"})
    if how.startswith("own session"):
        setsid = need("setsid", "the app is started in a session of its own")
        remote = f"{setsid} -w {remote}"
    with tmux_session(sshd.ssh_command(remote), 80, 24) as t:
        session.start(t)
        app = find_app_pid(cache)
        try:
            if how == "sshd child killed":
                os.kill(sshd_session_process(app), signal.SIGKILL)
            else:
                os.kill(t.pane_pid(), signal.SIGKILL)  # the ssh client
            took = wait_gone(app, timeout=5)
            assert took < GONE_WITHIN, f"{how}: the remote app took {took:.2f} s to exit"
        finally:
            if process_alive(app):  # a stuck app must not outlive the test
                os.kill(app, signal.SIGKILL)
    assert leftovers(cache) == []
    assert no_crash_logs(Path(private_env["BRIEFING_TUI_STATE"])) == []


@pytest.fixture(scope="session")
def large_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A thousand generated briefings (benchmarks/make_library.py): a big heap, and a
    search index that takes a while to build."""
    spec = importlib.util.spec_from_file_location(
        "make_library", Path(__file__).resolve().parents[2] / "benchmarks" / "make_library.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_library"] = module
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("large")
    module.make_library(600, out)
    return out / "briefings"


def test_clean_exit_with_a_large_library_while_indexing(
    private_env: dict[str, str], large_library: Path
) -> None:
    """SIGTERM while the index is being built, with a large library in memory: the index
    build stops and leaves nothing half-written, and the process does not linger freeing
    a thousand briefings' objects (that alone took a second)."""
    env = {**private_env, "TERM": "xterm-256color"}
    with tmux_session(app_command(str(large_library), env=env), 80, 24) as t:
        t.wait_for(lambda s: "▶" in s and "Actors" in s, timeout=60, what="the first screen")
        pid = t.pane_pid()
        os.kill(pid, signal.SIGTERM)
        took = wait_gone(pid, timeout=5)
        assert took < GONE_WITHIN, f"the process took {took:.2f} s to exit"
        t.wait_dead()
        session.assert_modes_restored(t)
        assert t.dead_status() == "143"
    assert leftovers(Path(private_env["BRIEFING_TUI_CACHE"])) == []
