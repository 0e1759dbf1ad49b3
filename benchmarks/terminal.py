"""Real terminals for the benchmarks: a private tmux server watched through control mode, and a
pseudo-terminal we own (to count every byte a program writes). Stdlib only.

tmux (``TmuxTerminal``): the program runs in a pane of a fixed size (``window-size manual``, no
status line). A control-mode client (``tmux -C``) receives a ``%output`` notification each time the
program writes to its terminal, so we can timestamp output without polling, and asks for
``capture-pane`` through the same pipe (no process spawned per poll). "The text is on the screen"
is decided on tmux's own rendering of the pane.

pty (``PtyTerminal``): the program's stdin/stdout/stderr are the slave side of a pty whose window
size we set with TIOCSWINSZ; we read the master side and count bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import termios
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SSH_VARS = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
FAKE_SSH = {
    "SSH_CONNECTION": "127.0.0.1 50022 127.0.0.1 22",
    "SSH_CLIENT": "127.0.0.1 50022 22",
}


def child_env(extra: Mapping[str, str] | None = None, *, ssh: bool = False) -> dict[str, str]:
    """The environment for a program under test: ours, without SSH markers (unless ``ssh``)."""
    env = {k: v for k, v in os.environ.items() if k not in SSH_VARS and not k.startswith("TMUX")}
    env.setdefault("LANG", "C.UTF-8")
    for k in ("TEXTUAL", "TEXTUAL_DEBUG", "TEXTUAL_LOG", "NO_COLOR", "COLORTERM"):
        env.pop(k, None)
    if ssh:
        env.update(FAKE_SSH)
    env.update(extra or {})
    return env


def vm_hwm(pid: int) -> int | None:
    """Peak resident set size (VmHWM) of a live process, in bytes; None when unavailable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+)\s+kB", text, re.M)
    return int(m.group(1)) * 1024 if m else None


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


@dataclass
class Output:
    t: float  # time.perf_counter() when the notification was read
    nbytes: int
    data: bytes = b""  # the payload as tmux sent it (bytes < 32 and backslash as \\ooo)


_OCTAL = re.compile(rb"\\[0-7]{3}")


def _output_bytes(escaped: bytes) -> int:
    """Bytes in a %output payload (tmux escapes bytes < 32 and backslash as \\ooo)."""
    n_escapes = len(_OCTAL.findall(escaped))
    return len(escaped) - 3 * n_escapes


@dataclass
class TmuxTerminal:
    """A private tmux server with one pane of ``width`` x ``height``, watched in control mode."""

    width: int
    height: int
    workdir: Path
    term: str = "tmux-256color"
    socket_name: str = field(default_factory=lambda: f"btbench-{uuid.uuid4().hex[:10]}")
    outputs: list[Output] = field(default_factory=list)
    _client: subprocess.Popen[bytes] | None = None
    _buf: bytes = b""
    _blocks: list[tuple[float, list[bytes]]] = field(default_factory=list)
    _in_block: list[bytes] | None = None
    _block_mine: bool = False
    _last_output_before_block: float = 0.0
    _launches: int = 0

    def _tmux(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket_name, "-f", str(self._conf), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    @property
    def _conf(self) -> Path:
        return self.workdir / "tmux.conf"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._conf.write_text(
            "set -g status off\n"
            "set -g remain-on-exit on\n"
            "set -g escape-time 0\n"
            f"set -g default-terminal {self.term}\n",
            encoding="utf-8",
        )
        # The server daemonises: give it no pipes of ours to hold open.
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket_name,
                "-f",
                str(self._conf),
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "exec sleep 100000",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=20,
            check=True,
        )
        # (in the config file, window-size manual makes tmux 3.3a's server exit at start)
        self._tmux("set-option", "-g", "window-size", "manual")
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket_name, "-f", str(self._conf), "-C", "attach-session"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        size = self.command("display-message -p '#{pane_width}x#{pane_height}'")
        if size != [f"{self.width}x{self.height}".encode()]:
            raise RuntimeError(f"tmux pane is {size!r}, wanted {self.width}x{self.height}")

    # -- the control-mode stream ---------------------------------------------------------
    def _pump(self, timeout: float) -> bool:
        """Read and parse what the control client has sent; False when nothing came."""
        assert self._client is not None and self._client.stdout is not None
        fd = self._client.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        data = os.read(fd, 1 << 16)
        now = time.perf_counter()
        if not data:
            raise RuntimeError("the tmux control client exited")
        self._buf += data
        *lines, self._buf = self._buf.split(b"\n")
        for line in lines:
            self._line(line, now)
        return True

    def _line(self, line: bytes, now: float) -> None:
        if self._in_block is not None:
            if line.startswith((b"%end ", b"%error ")):
                if self._block_mine:
                    self._blocks.append((self._last_output_before_block, self._in_block))
                self._in_block = None
            else:
                self._in_block.append(line)
            return
        if line.startswith(b"%begin "):
            self._in_block = []
            self._block_mine = line.split()[-1:] == [b"1"]
            self._last_output_before_block = self.outputs[-1].t if self.outputs else 0.0
        elif line.startswith(b"%output "):
            _, _pane, *rest = line.split(b" ", 2)
            payload = rest[0] if rest else b""
            self.outputs.append(Output(now, _output_bytes(payload), payload))

    def send_command(self, cmd: str) -> float:
        """Send one tmux command without waiting; the time it was sent."""
        assert self._client is not None and self._client.stdin is not None
        t = time.perf_counter()
        self._client.stdin.write(cmd.encode() + b"\n")
        return t

    def command(self, cmd: str, timeout: float = 10.0) -> list[bytes]:
        """Run one tmux command and return its output lines."""
        return self._command(cmd, timeout)[1]

    def _command(self, cmd: str, timeout: float = 10.0) -> tuple[float, list[bytes]]:
        n = len(self._blocks)
        self.send_command(cmd)
        deadline = time.perf_counter() + timeout
        while len(self._blocks) <= n:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"tmux did not answer {cmd!r}")
            self._pump(deadline - time.perf_counter())
        return self._blocks[n]

    def drain_responses(self) -> None:
        """Read any pending answers (e.g. of send-keys) without waiting."""
        while self._pump(0):
            pass

    # -- what the benchmarks use ---------------------------------------------------------
    def screen(self) -> str:
        return b"\n".join(self.command("capture-pane -p -t main")).decode(errors="replace")

    def launch(self, argv: Sequence[str], env: Mapping[str, str]) -> float:
        """Replace the pane's program with ``argv``; the time it was asked.

        The command goes through a small script (control-mode commands are single lines) that
        ``exec``s the program, so the pane's pid is the program's.
        """
        unset = [f"-u {v}" for v in SSH_VARS if v not in env]
        assignments = [shlex.quote(f"{k}={v}") for k, v in env.items()]
        self._launches += 1
        script = self.workdir / f"launch-{self.socket_name}-{self._launches}.sh"
        script.write_text(
            " ".join(["exec env", *unset, *assignments, *map(shlex.quote, argv)]) + "\n",
            encoding="utf-8",
        )
        self.outputs.clear()
        return self.send_command(f"respawn-pane -k -t main {shlex.quote(f'exec sh {script}')}")

    def wait_for_screen(
        self, predicate: Callable[[str], bool], since: float, timeout: float = 60.0
    ) -> tuple[float, str] | None:
        """Wait until ``predicate(screen)`` holds after output that arrived after ``since``.

        Returns (time of the last output tmux had received when the satisfying capture was
        taken, the screen), or None on timeout. Only captures after new output: no busy polling.
        """
        return self.wait_for_screens([predicate], since, timeout)[0]

    def wait_for_screens(
        self, predicates: Sequence[Callable[[str], bool]], since: float, timeout: float = 60.0
    ) -> list[tuple[float, str] | None]:
        """Like wait_for_screen, for several predicates at once: when each first held.

        Returns when the last one holds (or on timeout, with None for those that never held).
        """
        found: list[tuple[float, str] | None] = [None] * len(predicates)
        deadline = time.perf_counter() + timeout
        checked = -1
        while time.perf_counter() < deadline and not found[-1]:
            self._pump(0.05)
            fresh = [o for o in self.outputs if o.t >= since]
            if fresh and len(self.outputs) != checked:
                checked = len(self.outputs)
                t_before, lines = self._command("capture-pane -p -t main")
                screen = b"\n".join(lines).decode(errors="replace")
                for i, predicate in enumerate(predicates):
                    if found[i] is None and predicate(screen):
                        found[i] = (max(t_before, fresh[0].t), screen)
        return found

    def wait_quiet(
        self, quiet: float, cap: float, since: float | None = None, first: float = 0.0
    ) -> float | None:
        """Wait until no output has come for ``quiet`` s (at most ``cap`` s).

        With ``first``, wait up to that long for output after ``since`` before the quiet clock
        starts. Returns the time of the last output after ``since`` (None when there was none).
        """
        start = time.perf_counter() if since is None else since
        deadline = time.perf_counter() + cap
        while first and time.perf_counter() - start < first:
            if self.outputs and self.outputs[-1].t >= start:
                break
            self._pump(first - (time.perf_counter() - start))
        last = max(start, self.outputs[-1].t if self.outputs else start)
        while True:
            now = time.perf_counter()
            if now - last >= quiet or now >= deadline:
                break
            if self._pump(min(quiet - (now - last), deadline - now)):
                last = max(last, self.outputs[-1].t if self.outputs else last)
        after = [o.t for o in self.outputs if o.t >= start]
        return after[-1] if after else None

    def key_latency(
        self, key: str, *, literal: bool, quiet: float, cap: float = 5.0, first: float = 2.0
    ) -> tuple[float | None, int]:
        """Send one key; the time until the screen settled (last output), and bytes written.

        Waits up to ``first`` s for the first output, then until ``quiet`` s of silence.
        """
        n0 = len(self.outputs)
        flag = "-l " if literal else ""
        t0 = self.send_command(f"send-keys -t main {flag}{shlex.quote(key)}")
        last = self.wait_quiet(quiet, cap, since=t0, first=first)
        nbytes = sum(o.nbytes for o in self.outputs[n0:])
        return (None if last is None else last - t0), nbytes

    def key_answer(
        self, key: str, answer: re.Pattern[bytes], *, literal: bool, quiet: float, cap: float = 5.0
    ) -> tuple[float | None, float | None]:
        """Send one key; the time until the first output that ``answer`` finds (a frame of
        results: their status line), and until the screen settled (its last output). The
        first is the settled time when no output matches (nothing but an echo changed)."""
        n0 = len(self.outputs)
        settled, _ = self.key_latency(key, literal=literal, quiet=quiet, cap=cap)
        if settled is None:
            return None, None
        t0 = self.outputs[-1].t - settled  # when the key was sent
        first = next((o.t - t0 for o in self.outputs[n0:] if answer.search(o.data)), settled)
        return first, settled

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        flag = "-l " if literal else ""
        for k in keys:
            self.send_command(f"send-keys -t main {flag}{shlex.quote(k)}")

    def pane_pid(self) -> int:
        return int(self.command("display-message -p -t main '#{pane_pid}'")[0])

    def pane_dead(self) -> bool:
        return self.command("display-message -p -t main '#{pane_dead}'") == [b"1"]

    def close(self) -> None:
        self._tmux("kill-server", timeout=10)
        if self._client is not None:
            with contextlib.suppress(OSError):
                assert self._client.stdin is not None
                self._client.stdin.close()
            try:
                self._client.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._client.kill()
                self._client.wait(timeout=5)
            if self._client.stdout is not None:
                self._client.stdout.close()
            self._client = None

    def __enter__(self) -> TmuxTerminal:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _make_controlling_tty() -> None:  # runs in the child after setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyTerminal:
    """A program on a pseudo-terminal we own: count the bytes it writes to its terminal."""

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], cols: int = 80, rows: int = 24
    ) -> None:
        self.argv = list(argv)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.total = 0
        self.last_output = 0.0
        self.started = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                start_new_session=True,
                preexec_fn=_make_controlling_tty,  # the harness is single-threaded
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.tail = b""  # the last bytes read, for error messages

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the program has gone and the slave side is closed
            data = b""
        if not data:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.argv[0]} exited ({self.proc.returncode}): "
                    f"{self.tail.decode(errors='replace')[-500:]}"
                )
            return 0
        self.total += len(data)
        self.last_output = time.perf_counter()
        self.tail = (self.tail + data)[-4000:]
        return len(data)

    def send(self, data: bytes) -> float:
        t = time.perf_counter()
        os.write(self.master, data)
        return t

    def read_until_quiet(self, quiet: float, cap: float, first: float = 0.0) -> int:
        """Bytes written until ``quiet`` s pass with no output (at most ``cap`` s).

        With ``first``, wait up to that long for the first byte before the quiet clock starts
        (a slow answer is not mistaken for no answer).
        """
        n0 = self.total
        start = time.perf_counter()
        while first and self.total == n0 and time.perf_counter() - start < first:
            self._read(first - (time.perf_counter() - start))
        last = time.perf_counter() if self.total != n0 else start
        while True:
            now = time.perf_counter()
            if now - last >= quiet or now - start >= cap:
                return self.total - n0
            if self._read(min(quiet - (now - last), cap - (now - start))):
                last = self.last_output

    def wait_first_output(self, timeout: float) -> float:
        """Seconds from start until the program first wrote to the terminal."""
        deadline = self.started + timeout
        while self.total == 0:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.argv[0]} wrote nothing in {timeout} s")
            self._read(deadline - time.perf_counter())
        return self.last_output - self.started

    def idle(self, seconds: float) -> int:
        """Bytes written during ``seconds`` of doing nothing."""
        n0 = self.total
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self._read(left)
        return self.total - n0

    def key(self, data: bytes, quiet: float, cap: float = 5.0, first: float = 2.0) -> int:
        """Send a key; the bytes written in answer (from the first byte, until quiet)."""
        self.send(data)
        return self.read_until_quiet(quiet, cap, first)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # by its pid
            deadline = time.perf_counter() + 3
            while self.proc.poll() is None and time.perf_counter() < deadline:
                with contextlib.suppress(RuntimeError):
                    self._read(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=5)
        os.close(self.master)

    def __enter__(self) -> PtyTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


KEYS = {"down": b"\x1b[B", "up": b"\x1b[A", "backspace": b"\x7f", "escape": b"\x1b"}
