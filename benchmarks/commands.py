"""`briefing-tui index` and `briefing-tui search` timed end to end, as commands, at several sizes.

Each run is a subprocess of the installed `briefing-tui` (start-up and YAML loading included):
wall time from the spawn to its exit, and its peak RSS from the rusage of that one child
(``os.wait4``: ``ru_maxrss``). "cold" is an empty ``XDG_CACHE_HOME`` (no library snapshot, no
index); "warm" is the cache the previous runs left. Sizes: the bundled library (1 briefing),
generated libraries of 1,000 and 10,000 briefings, 100,000 with ``--huge``. Growth exponents are
log-log slopes between consecutive sizes.
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.figures import Row
from benchmarks.stats import fmt_exponent, fmt_mb, fmt_s, growth_exponent, median
from benchmarks.terminal import child_env

if TYPE_CHECKING:
    from benchmarks.suite import Context

QUERY = "security cooperation"  # found in the bundled briefing and in generated ones
CACHE_VARS = ("BRIEFING_TUI_CACHE", "BRIEFING_TUI_STATE", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@dataclass(frozen=True)
class CommandRun:
    wall: float  # seconds from the spawn to the exit
    rss: int  # peak resident set size of the child, bytes
    returncode: int
    stderr: str  # its tail, for error messages


# The command is forked from a small Python of its own, not from this process: Linux counts the
# memory a process had when it called exec into its peak RSS (``ru_maxrss``), and a child
# forked (or vforked) from the benchmark would inherit the benchmark's peak, libraries and all.
_SPAWN = """
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvpe(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(sys.argv[1], "w", encoding="ascii") as f:
    f.write(f"{wall!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_measured(
    argv: Sequence[str],
    env: Mapping[str, str],
    timeout: float = 1800.0,
    cwd: Path | None = None,
) -> CommandRun:
    """Run ``argv`` to completion (in ``cwd``, by default this directory); its wall time
    from fork to exit and its own peak RSS (``wait4``'s rusage of that one child, forked from
    a small Python of its own: with worker processes of its own, the largest of them)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures"
        err_path = Path(tmp) / "stderr"
        with open(err_path, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-c", _SPAWN, str(figures), *argv],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                cwd=cwd,
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the group this call started, by its id
                proc.wait()
        tail = err_path.read_bytes()[-600:].decode(errors="replace")
        if not figures.exists():
            return CommandRun(math.nan, 0, proc.returncode or -1, tail or "no figures")
        wall, rss, code = figures.read_text(encoding="ascii").split()
    return CommandRun(float(wall), int(rss) * 1024, int(code), tail)


def cache_env(xdg: Path) -> dict[str, str]:
    """The environment of a command whose caches live under ``xdg`` (nothing else of ours)."""
    env = child_env()
    for var in CACHE_VARS:
        env.pop(var, None)
    env["XDG_CACHE_HOME"] = str(xdg / "cache")
    env["XDG_STATE_HOME"] = str(xdg / "state")
    return env


@dataclass
class SizeRuns:
    """Every command run at one size; ``warm`` is the cache directory left warm."""

    size: int
    label: str
    library: Path
    warm: Path
    runs: dict[str, list[CommandRun]] = field(default_factory=dict)

    def wall(self, what: str) -> float:
        ok = [r.wall for r in self.runs.get(what, []) if r.returncode in (0, 1)]
        return median(ok) if ok else math.nan

    def rss(self, what: str) -> float:
        ok = [r.rss for r in self.runs.get(what, []) if r.returncode in (0, 1)]
        return float(max(ok)) if ok else math.nan

    @property
    def cache_dir(self) -> Path:
        """The app's cache directory in the warm environment (snapshot and index)."""
        return self.warm / "cache" / "briefing-tui"


# what -> (argv after the program, cold?)
COMMANDS: dict[str, str] = {
    "index, cold": "`briefing-tui index PATH`, empty cache (snapshot and index built)",
    "index, warm": "`briefing-tui index PATH`, nothing changed",
    "index, one file touched": "`briefing-tui index PATH` after touching one briefing file",
    "search, warm": f"`briefing-tui search --json --data PATH {QUERY}`, snapshot and index there",
    "search, warm, another directory": "the same, run from the library's parent folder "
    "(the snapshot is keyed on absolute paths: reused)",
    "search, cold": f"`briefing-tui search --json --data PATH {QUERY}`, empty cache",
}


def size_label(n: int) -> str:
    return "bundled library (1 briefing)" if n == 1 else f"{n:,} briefings"


def _library_copy(ctx: Context, n: int) -> Path:
    """A private copy of the library of ``n`` briefings (1: the bundled one), to touch files in."""
    source = ctx.bundled_path() if n == 1 else ctx.library_path(n)
    copy = ctx.rundir / f"commands-library-{n}"
    if not copy.exists():
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".complete"))
    return copy


def command_runs(ctx: Context, n: int) -> SizeRuns:
    """Run (once per benchmark run, memoised) every command at size ``n``."""
    key = ("commands", n)
    if key in ctx.memo:
        return ctx.memo[key]  # type: ignore[no-any-return]
    s = ctx.settings
    library = _library_copy(ctx, n).resolve()  # absolute: one run is from another folder
    big = n >= 10_000
    cold_reps = 1 if big else s.reps(1, 2)
    warm_reps = s.reps(1, 2) if big else s.reps(2, 3)
    files = sorted(library.rglob("*.yaml"))
    index = ctx.app_argv("index", str(library))
    search = ctx.app_argv("search", "--json", "--data", str(library), *QUERY.split())
    result = SizeRuns(n, size_label(n), library, ctx.rundir / f"xdg-{n}-warm")
    runs = result.runs

    def run(what: str, argv: list[str], xdg: Path, cwd: Path | None = None) -> None:
        done = run_measured(argv, cache_env(xdg), cwd=cwd)
        runs.setdefault(what, []).append(done)
        if done.returncode not in (0, 1):
            ctx.log(f"  {what} at {n:,}: exit {done.returncode}: {done.stderr[-300:]}")
        ctx.log(f"  {what}, {n:,}: {fmt_s(done.wall)}, {fmt_mb(done.rss)}")

    for r in range(cold_reps):
        xdg = result.warm if r == cold_reps - 1 else ctx.rundir / f"xdg-{n}-cold-{r}"
        shutil.rmtree(xdg, ignore_errors=True)
        run("index, cold", index, xdg)
    for _ in range(warm_reps):
        run("index, warm", index, result.warm)
    # warm searches before any file is touched: a run within RACY_NS of an edit parses the
    # edited file again and saves the snapshot (what the touched rows measure), every time
    for _ in range(warm_reps):
        run("search, warm", search, result.warm)
    for _ in range(warm_reps):
        run("search, warm, another directory", search, result.warm, library.parent)
    for r in range(warm_reps):
        touched = files[(r * 7919) % len(files)]
        os.utime(touched)  # now: the stat signature changes, the content does not
        run("index, one file touched", index, result.warm)
    if not big:  # from 10,000 on, a cold search is a cold index build plus a warm search
        for r in range(cold_reps):
            xdg = ctx.rundir / f"xdg-{n}-cold-search-{r}"
            shutil.rmtree(xdg, ignore_errors=True)
            run("search, cold", search, xdg)
            shutil.rmtree(xdg, ignore_errors=True)
    ctx.memo[key] = result
    return result


def command_sizes(ctx: Context) -> list[int]:
    s = ctx.settings
    sizes = [1, *s.scale_sizes]
    if s.huge:
        sizes.append(100_000)
    return sorted(set(sizes))


def bench_commands(ctx: Context) -> None:
    """`index` and `search` as commands at every size, warm and cold: wall time, peak RSS and
    the growth exponents between sizes."""
    sizes = command_sizes(ctx)
    per_size = [command_runs(ctx, n) for n in sizes]
    base = per_size[0]
    for what, how in COMMANDS.items():
        for sr in per_size:
            samples = len(sr.runs.get(what, []))
            if not samples:
                continue
            failed = [r for r in sr.runs[what] if r.returncode not in (0, 1)]
            ctx.rows.append(
                Row(
                    "commands",
                    f"{how}, {sr.label}",
                    "median",
                    sr.wall(what),
                    "s",
                    base.wall(what) if sr is not base else math.nan,
                    "same command, bundled library" if sr is not base else "",
                    note=f"peak RSS {fmt_mb(sr.rss(what))}"
                    + (f"; FAILED: exit {failed[0].returncode}" if failed else ""),
                    samples=samples,
                )
            )
    ctx.sections["Commands by size"] = commands_table(per_size)


def commands_table(per_size: Sequence[SizeRuns]) -> list[str]:
    """Markdown: each command's wall time and peak RSS at every size, and the growth exponents
    (log-log slopes) between consecutive sizes."""
    steps = list(itertools.pairwise(per_size))
    head = (
        ["command"]
        + [sr.label.replace(" (1 briefing)", "") for sr in per_size]
        + [f"growth {_short(a.size)}→{_short(b.size)}" for a, b in steps]
    )
    out = [
        "Wall time / peak RSS of each command, median of the runs at each size; growth is the "
        "log-log slope between two sizes for time / memory (1 = linear, 0 = flat).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for what in COMMANDS:
        cells = [what]
        for sr in per_size:
            wall, rss = sr.wall(what), sr.rss(what)
            cells.append("—" if math.isnan(wall) else f"{fmt_s(wall)} / {fmt_mb(rss)}")
        for a, b in steps:
            kt = growth_exponent(a.size, a.wall(what), b.size, b.wall(what))
            km = growth_exponent(a.size, a.rss(what), b.size, b.rss(what))
            cells.append(f"{fmt_exponent(kt)} / {fmt_exponent(km)}")
        out.append("| " + " | ".join(cells) + " |")
    return out


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)
