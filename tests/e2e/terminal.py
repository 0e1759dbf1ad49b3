"""Drive a real terminal: the installed briefing-tui inside tmux, locally or over SSH."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REQUIRED = os.environ.get("BRIEFING_TUI_REQUIRE_E2E") == "1"


def need(tool: str, why: str) -> str:
    """The tool's path; skip (or fail under .ci/run) with a clear reason when it is missing."""
    path = shutil.which(tool) or (
        f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None
    )
    if path:
        return path
    message = f"{tool} is not installed ({why}); install it with: apt-get install {PACKAGES.get(tool, tool)}"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


PACKAGES = {
    "tmux": "tmux",
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
}


def installed_app() -> str:
    """The installed ``briefing-tui`` console script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "briefing-tui"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("briefing-tui")
    if found:
        return found
    message = "briefing-tui is not installed in this environment: pip install -e '.[test]'"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Tmux:
    """One tmux server (its own socket) with one session running a command."""

    socket_name: str = field(default_factory=lambda: f"bt-{uuid.uuid4().hex[:8]}")
    session: str = "main"

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket_name, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=20,
        )

    def start(
        self, command: str, width: int, height: int, env: Mapping[str, str] | None = None
    ) -> None:
        env_args: list[str] = []
        for key, value in (env or {}).items():
            env_args += ["-e", f"{key}={value}"]
        self.tmux(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(width),
            "-y",
            str(height),
            *env_args,
            command,
        )
        self.tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        self.tmux("set-option", "-g", "set-clipboard", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))

    def pane_dead(self) -> bool:
        out = self.tmux("display-message", "-p", "-t", self.session, "#{pane_dead}", check=False)
        return out.stdout.strip() == "1"

    def pane_pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", self.session, "#{pane_pid}").stdout)

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 15.0) -> str:
        """Poll the screen until ``predicate`` holds (or the text appears); fail with the screen."""
        test = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {predicate!r}; the screen was:\n{screen}")

    def wait_dead(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pane_dead():
                return
            time.sleep(0.05)
        raise AssertionError(f"the program did not exit; the screen was:\n{self.screen()}")

    def kill(self) -> None:
        self.tmux("kill-server", check=False)


@contextmanager
def tmux_session(
    command: str, width: int = 80, height: int = 24, env: Mapping[str, str] | None = None
) -> Iterator[Tmux]:
    need("tmux", "the real-terminal tests run the app inside tmux")
    t = Tmux()
    t.start(command, width, height, env)
    try:
        yield t
    finally:
        t.kill()


def app_command(*args: str, env: Mapping[str, str] | None = None) -> str:
    """A shell command line that runs the installed app with a private cache and state dir."""
    parts = [f"{k}={shlex.quote(v)}" for k, v in (env or {}).items()]
    return " ".join(["env", *parts, shlex.quote(installed_app()), *map(shlex.quote, args)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SshServer:
    """A throwaway sshd on 127.0.0.1 with its own keys, stopped by its pid."""

    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        sshd = need("sshd", "the SSH tests start their own sshd on 127.0.0.1")
        keygen = need("ssh-keygen", "the SSH tests make throwaway keys")
        need("ssh", "the SSH tests connect with ssh -tt")
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o700)
        for name in ("host_key", "user_key"):
            subprocess.run(
                [keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True
            )
        shutil.copy(d / "user_key.pub", d / "authorized_keys")
        os.chmod(d / "authorized_keys", 0o600)
        Path("/run/sshd").mkdir(exist_ok=True) if os.geteuid() == 0 else None
        self.port = free_port()
        (d / "sshd_config").write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
            f"AuthorizedKeysFile {d / 'authorized_keys'}\nPidFile {d / 'sshd.pid'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "PermitRootLogin prohibit-password\nStrictModes no\nPrintMotd no\nPrintLastLog no\n"
            "AcceptEnv LANG LC_* TERM COLORTERM NO_COLOR\nLogLevel ERROR\n",
            encoding="utf-8",
        )
        with open(d / "sshd.log", "wb") as log:  # sshd keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sshd, "-D", "-e", "-f", str(d / "sshd_config")],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (d / "sshd.log").read_text(errors="replace")
                raise AssertionError(f"sshd exited: {log}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("sshd did not start listening within 10 s")

    def ssh_command(self, remote: str) -> str:
        user = os.environ.get("USER") or "root"
        opts = [
            "-tt",
            "-i",
            str(self.directory / "user_key"),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
        ]
        return " ".join(["ssh", *map(shlex.quote, opts), f"{user}@127.0.0.1", shlex.quote(remote)])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # by its pid
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
