"""Drive a real terminal: the installed briefing-tui inside tmux, locally or over SSH.

Everything waits by polling with a deadline (never a fixed sleep as synchronisation).
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import signal
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
    "setsid": "util-linux",
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


def clean_environment() -> dict[str, str]:
    """The environment for tmux (and so for the app): this process's, without COLUMNS and
    LINES, which something under pytest exports at the C level (80 and 24) and which
    would fix the size of every program in the panes."""
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


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
            env=clean_environment(),
        )

    def start(
        self,
        command: str,
        width: int,
        height: int,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
    ) -> None:
        """Start ``command`` in a detached session; ``log`` gets every byte it writes
        (pipe-pane is set up by the same tmux command, before any output is read)."""
        env_args: list[str] = []
        for key, value in (env or {}).items():
            env_args += ["-e", f"{key}={value}"]
        args = ["new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height)]
        args += [*env_args, command]
        args += [";", "set-option", "-t", self.session, "remain-on-exit", "on"]
        args += [";", "set-option", "-g", "set-clipboard", "on"]
        if log is not None:
            args += [";", "pipe-pane", "-O", "-t", self.session, f"cat >> {shlex.quote(str(log))}"]
        self.tmux(*args)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def styled_screen(self) -> str:
        """The screen with its SGR escape sequences (colours, bold, reverse)."""
        return self.tmux("capture-pane", "-p", "-e", "-t", self.session).stdout

    def flags(self) -> dict[str, str]:
        """tmux's view of the terminal modes the program left set (see MODE_FLAGS)."""
        fmt = "\t".join(f"#{{{name}}}" for name in MODE_FLAGS)
        out = self.tmux("display-message", "-p", "-t", self.session, fmt).stdout
        return dict(zip(MODE_FLAGS, out.rstrip("\n").split("\t"), strict=True))

    def pipe_output(self, log: Path) -> None:
        """Append every byte the pane's program writes to ``log`` (tmux pipe-pane)."""
        self.tmux("pipe-pane", "-O", "-t", self.session, f"cat >> {shlex.quote(str(log))}")

    def buffer(self) -> str:
        """The newest tmux paste buffer (where OSC 52 lands with set-clipboard on), or ''."""
        out = self.tmux("show-buffer", check=False)
        return out.stdout if out.returncode == 0 else ""

    def dead_status(self, timeout: float = 5.0) -> str:
        """The exit status of the pane's program, or '' if tmux has none.

        Debian's tmux is built with libutempter, whose own SIGCHLD handler can swallow the
        signal of a pane's program exiting while tmux updates utmp (tmux/tmux#311): the
        program then stays an unreaped zombie and tmux knows no status. Sending tmux
        SIGCHLD again (its server, by pid) makes it reap.
        """
        deadline = time.monotonic() + timeout
        kicked = time.monotonic() + 0.2
        while True:
            status = self.tmux(
                "display-message", "-p", "-t", self.session, "#{pane_dead_status}", check=False
            ).stdout.strip()
            if status or time.monotonic() > deadline:
                return status
            if time.monotonic() > kicked:
                server = self.tmux("display-message", "-p", "#{pid}", check=False).stdout
                if server.strip().isdigit():
                    os.kill(int(server), signal.SIGCHLD)
                kicked = time.monotonic() + 0.2
            time.sleep(0.02)

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

    def wait_for(
        self,
        predicate: Callable[[str], object] | str,
        timeout: float = 15.0,
        what: str = "",
    ) -> str:
        """Poll the screen until ``predicate`` holds (or the text appears); fail with the screen."""
        test = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.03)
        label = what or repr(predicate)
        raise AssertionError(f"timed out waiting for {label}; the screen was:\n{screen}")

    def press(
        self,
        key: str,
        until: Callable[[str], object] | str,
        timeout: float = 15.0,
        what: str = "",
    ) -> str:
        """Send one key, then wait for its effect (the next key must not race this one:
        an Escape followed too soon by a letter reads as alt+letter)."""
        self.send(key)
        return self.wait_for(until, timeout, what or f"{until!r} after {key}")

    def wait_dead(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pane_dead():
                return
            time.sleep(0.05)
        raise AssertionError(f"the program did not exit; the screen was:\n{self.screen()}")

    def kill(self) -> None:
        socket_path = self.tmux("display-message", "-p", "#{socket_path}", check=False).stdout
        self.tmux("kill-server", check=False)
        if socket_path.strip():  # tmux leaves its socket file behind
            Path(socket_path.strip()).unlink(missing_ok=True)


MODE_FLAGS = (
    "alternate_on",  # the alternate screen
    "mouse_any_flag",  # any mouse reporting
    "mouse_all_flag",
    "mouse_button_flag",
    "mouse_standard_flag",
    "mouse_sgr_flag",
    "mouse_utf8_flag",
    "keypad_flag",
    "keypad_cursor_flag",
    "wrap_flag",
    "insert_flag",
    "origin_flag",
)
RESTORED = {name: "0" for name in MODE_FLAGS} | {"wrap_flag": "1"}

# Modes a program turns on with one sequence and off with another, checked in the bytes it
# wrote: the last of the two must be the one that turns the mode off. Kitty's keyboard
# protocol (push CSI > flags u, pop CSI < u) is here because tmux ignores it.
MODE_SEQUENCES = {
    "alternate screen": (re.compile(rb"\x1b\[\?1049h"), re.compile(rb"\x1b\[\?1049l")),
    "kitty keyboard": (re.compile(rb"\x1b\[>\d*u"), re.compile(rb"\x1b\[<\d*u")),
    "mouse reporting": (
        re.compile(rb"\x1b\[\?100[0236]h"),
        re.compile(rb"\x1b\[\?100[0236]l"),
    ),
    "SGR mouse": (re.compile(rb"\x1b\[\?1006h"), re.compile(rb"\x1b\[\?1006l")),
    "bracketed paste": (re.compile(rb"\x1b\[\?2004h"), re.compile(rb"\x1b\[\?2004l")),
    "focus events": (re.compile(rb"\x1b\[\?1004h"), re.compile(rb"\x1b\[\?1004l")),
    "hidden cursor": (re.compile(rb"\x1b\[\?25l"), re.compile(rb"\x1b\[\?25h")),
    "no line wrap": (re.compile(rb"\x1b\[\?7l"), re.compile(rb"\x1b\[\?7h")),
}


def modes_left_on(output: bytes) -> list[str]:
    """The modes ``output`` turned on and did not turn off again (after the last 'on')."""
    left = []
    for name, (on, off) in MODE_SEQUENCES.items():
        ons = [m.end() for m in on.finditer(output)]
        offs = [m.end() for m in off.finditer(output)]
        if ons and (not offs or max(offs) < max(ons)):
            left.append(name)
    return left


# -- reading the screen ---------------------------------------------------------------------

TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT = "╭┏┌", "╮┓┐", "╰┗└"


@dataclass
class Pane:
    """A bordered pane found on the screen by its title."""

    title: str
    focused: bool  # a heavy border marks the focused pane
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def cursor(self) -> str | None:
        """The line the pane's cursor (▶) is on, without the marker."""
        for line in self.lines:
            if line.startswith("▶"):
                return line[1:].strip()
        return None


def panes(screen: str) -> dict[str, Pane]:
    """Every bordered pane on the screen, by the first word of its title."""
    rows = screen.splitlines()
    found: dict[str, Pane] = {}
    title_re = re.compile(r"([╭┏┌])[─━] ([^─━]+?) [─━]")
    for i, row in enumerate(rows):
        for m in title_re.finditer(row):
            left = m.start(1)
            right = next((j for j in range(m.end(), len(row)) if row[j] in TOP_RIGHT), len(row))
            lines = []
            for below in rows[i + 1 :]:
                if left < len(below) and below[left] in BOTTOM_LEFT:
                    break
                lines.append(below[left + 1 : right].rstrip())
            title = m.group(2).strip()
            found[title.split()[0]] = Pane(title, m.group(1) == "┏", lines)
    return found


def pane(screen: str, name: str) -> Pane | None:
    return panes(screen).get(name)


def focused_pane(screen: str) -> str | None:
    return next((name for name, p in panes(screen).items() if p.focused), None)


# -- processes ------------------------------------------------------------------------------


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, timeout: float) -> float:
    """Seconds until ``pid`` is gone; fails after ``timeout``."""
    start = time.monotonic()
    while process_alive(pid):
        if time.monotonic() - start > timeout:
            raise AssertionError(f"process {pid} still running after {timeout} s")
        time.sleep(0.01)
    return time.monotonic() - start


def wait_quiet(log: Path, timeout: float = 10.0, still: float = 0.3) -> bool:
    """Wait until the app has stopped writing to ``log`` for ``still`` seconds; False when it
    was still writing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.stat().st_size if log.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            return True
        time.sleep(0.02)
    return False


def find_app_pid(cache_dir: Path, timeout: float = 20.0) -> int:
    """The pid of the briefing-tui process whose environment names ``cache_dir`` (the
    app started under SSH has no other handle here)."""
    marker = f"BRIEFING_TUI_CACHE={cache_dir}".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    env = f.read().split(b"\0")
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if marker in env and b"briefing-tui" in cmd and b"python" in cmd:
                return int(entry)
        time.sleep(0.05)
    raise AssertionError(f"no briefing-tui process with {marker.decode()}")


def parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def leftovers(cache_dir: Path) -> list[str]:
    """Index locks still held and half-written work left in the cache directory.

    Whoosh's lock files (``MAIN_WRITELOCK``) are flock()ed, not created to lock: the file
    may stay after a clean close, and only an flock still held (by a process that outlived
    the app) would stop the next writer. Work directories (``tmp-*``, ``*.tmp``) must be
    gone: they are what a killed index build leaves.
    """
    found = []
    if cache_dir.exists():
        for path in cache_dir.rglob("*"):
            name = path.name.lower()
            rel = str(path.relative_to(cache_dir))
            if name.startswith(("tmp-", "current.tmp")) or name.endswith(".tmp"):
                found.append(rel)
            elif "lock" in name and path.is_file() and lock_held(path):
                found.append(f"{rel} (held)")
    return found


def lock_held(path: Path) -> bool:
    import fcntl

    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the lock taken to test
    return False


@contextmanager
def tmux_session(
    command: str,
    width: int = 80,
    height: int = 24,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[Tmux]:
    need("tmux", "the real-terminal tests run the app inside tmux")
    t = Tmux()
    t.start(command, width, height, env, log)
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

    def ssh_command(self, remote: str, *extra: str) -> str:
        """``ssh -tt`` to this server running ``remote``; ``extra`` options go first (the
        first value given for an option wins, so they override the defaults below)."""
        user = pwd.getpwuid(os.getuid()).pw_name  # sshd logs in only as the running user
        opts = [
            *extra,
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


# -- colours and styles in a captured screen (tmux capture-pane -e) -------------------------

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


@dataclass
class Style:
    fg: str = "default"
    bg: str = "default"
    bold: bool = False
    reverse: bool = False


def sgr_colours(styled: str) -> list[str]:
    """Every colour the screen uses: '16:<code>', '256:<n>' or 'rgb:<r>,<g>,<b>'."""
    colours = []
    for m in SGR.finditer(styled):
        params = [int(p) if p else 0 for p in re.split("[;:]", m.group(1))]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == 5 and i + 2 < len(params):
                    colours.append(f"256:{params[i + 2]}")
                    i += 3
                    continue
                if params[i + 1] == 2 and i + 4 < len(params):
                    colours.append("rgb:{},{},{}".format(*params[i + 2 : i + 5]))
                    i += 5
                    continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                colours.append(f"16:{p}")
            i += 1
    return colours


def achromatic(colour: str) -> bool:
    """Black, white or a grey: what NO_COLOR leaves."""
    kind, value = colour.split(":")
    if kind == "16":
        return int(value) % 10 in (0, 7)  # black and white, normal and bright
    if kind == "256":
        n = int(value)
        if n in (0, 7, 8, 15) or n >= 232:
            return True
        if 16 <= n <= 231:
            r, g, b = (n - 16) // 36, (n - 16) // 6 % 6, (n - 16) % 6
            return r == g == b
        return False
    r, g, b = (int(x) for x in value.split(","))
    return r == g == b


def style_at(styled_line: str, text: str) -> Style | None:
    """The style the first character of ``text`` is drawn with on a captured line."""
    style = Style()
    plain: list[str] = []
    styles: list[Style] = []
    pos = 0
    for m in [*SGR.finditer(styled_line), None]:
        chunk = styled_line[pos : m.start() if m else len(styled_line)]
        plain.extend(chunk)
        styles.extend([style] * len(chunk))
        if m is None:
            break
        style = _apply_sgr(style, m.group(1))
        pos = m.end()
    index = "".join(plain).find(text)
    return styles[index] if index >= 0 else None


def _apply_sgr(style: Style, params_text: str) -> Style:
    params = [int(p) if p else 0 for p in re.split("[;:]", params_text)]
    s = Style(style.fg, style.bg, style.bold, style.reverse)
    i = 0
    while i < len(params):
        p = params[i]
        if p == 0:
            s = Style()
        elif p == 1:
            s.bold = True
        elif p == 22:
            s.bold = False
        elif p == 7:
            s.reverse = True
        elif p == 27:
            s.reverse = False
        elif p in (38, 48) and i + 1 < len(params):
            n = 3 if params[i + 1] == 5 else 5
            value = ";".join(map(str, params[i : i + n]))
            if p == 38:
                s.fg = value
            else:
                s.bg = value
            i += n
            continue
        elif 30 <= p <= 37 or 90 <= p <= 97 or p == 39:
            s.fg = str(p)
        elif 40 <= p <= 47 or 100 <= p <= 107 or p == 49:
            s.bg = str(p)
        i += 1
    return s
