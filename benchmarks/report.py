"""The benchmark report: a terminal table, and docs/benchmarks.md (machine, versions, how to
reproduce, results with ratios and verdicts, misses with their reasons, profiles)."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import Row
from benchmarks.stats import fmt_s
from benchmarks.suite import Context

ROOT = Path(__file__).resolve().parent.parent

HOW = {
    "load": "`load_library` on a generated library (benchmarks/make_library.py, seed 1), in "
    "process, with the files already in the OS cache (read once before) and a full garbage "
    "collection before each run. No reference; it is the part of first paint that grows with "
    "the library.",
    "first_paint": "A private tmux server with a 100x30 pane (no status line). The program is "
    "started with `respawn-pane` and a tmux control-mode client timestamps every `%output` "
    "notification; after each one the pane is captured (through the same client, no polling "
    "loop) and first paint is the time from the launch request to the output after which the "
    "library is on tmux's screen: a briefing title or an actor name (their first 16 characters; "
    "for the reference, its one line of text). The first non-blank frame is reported too, "
    "and the whole screen: the app's first frame has the title bar and the navigator, the "
    "detail, the source and the footer come right after it (the time until the source's "
    "title and the footer's Quit are on screen). "
    "A fresh tmux server per run; app and reference alternate (ABBA), after one warm-up run of "
    "each (none with --quick). The index cache is built beforehand with `briefing-tui index PATH` (or, without that "
    "command, in process with `SearchIndex.open(library, cache_dir)` into the app's cache "
    "directory).",
    "search": "In process: `SearchIndex.open(library, cache_dir)` once, then every prefix of "
    "deterministic 3-word queries (words drawn in order from one sentence of the corpus) is "
    "searched with `search(prefix, limit=20)`, reading each hit's title, snippet and "
    "highlights. No sample is a cache hit: the engine's result cache is emptied before each "
    "(the note says if it could not be reached; FTS5 keeps none), two warm-up queries are typed first and not "
    "measured, and a text is measured once (a prefix two queries share, once). The reference, "
    "SQLite FTS5 (stdlib sqlite3), indexes the same documents (one per item and per sentence; "
    "unicode61, diacritics removed, prefix index 1-3) and answers "
    '`"w1" "w2" "w3"*` (the last word as a prefix unless the query ends in a space) with '
    "bm25 order, LIMIT 20 and `snippet()`. The two alternate keystroke by keystroke. The "
    "targets are judged on the keystrokes both engines answer: briefing-tui leaves out a "
    "one-letter word being typed (`a`, `drug t`: it waits for the second letter), which FTS5 "
    "would expand over the whole prefix index; the `(all keys)` rows give every keystroke, "
    "as this benchmark measured before. The profile is of uncached searches too.",
    "keystroke": "tmux 100x30 as for first paint, SSH mode (`SSH_CONNECTION` set, so nothing "
    "blinks and all output answers the key). After `/`, each key is sent with `send-keys` and "
    "its time runs until the app's last write before 250 ms of silence: the screen has settled, "
    "search results included. The reference is the same app with an empty query: the same "
    "number of spaces typed into the search box (the query stays empty, so no search runs). "
    "Queries and their reference alternate. Key to the first frame of results is reported "
    "beside it: the time to the first write after the key that holds the search status line "
    "(`20 of 1,012`, `(counting)`, `No results`), or the settled time when the key's answer "
    "writes none (an echo alone: the results did not change).",
    "bytes": "A pseudo-terminal we own (`os.openpty`, 80x24 set with TIOCSWINSZ, "
    "TERM=xterm-256color): every byte the program writes is counted. After the first screen "
    "has painted and settled: idle, Down/Up on the first screen, `/`, then a typed query letter "
    "by letter (each key's bytes counted until 200 ms of silence), then idle again with the "
    "search box focused (with the query still in it). Start-up is over before the first idle: in SSH mode after 1 s of silence. Run as in an SSH session (`SSH_CONNECTION` set) and, except with --quick, locally too. The "
    "reference is a minimal Textual filter app (benchmarks/reference_filter_app.py: an Input "
    "over an OptionList of every item title, filtered as you type, Down/Up move the highlight).",
    "index": "In process on a copy of the library: `SearchIndex.open(library, cache_dir=<empty "
    "dir>, progress=...)` (full build) beside an FTS5 build of the same documents into a file; "
    "then a word is added to one briefing's first commitment title, that file alone re-read, and "
    "`SearchIndex.open(edited_library, cache_dir=<same dir>)` timed (refresh); the edit must "
    "then be found by search.",
    "memory": "tmux 100x30, SSH mode: VmHWM (peak RSS) from /proc/PID/status of the app "
    "process after first paint and 1 s of quiet, and again after `/` and a typed query; the "
    "minimal Textual app after its first paint.",
    "watch_idle": "In process, on a copy of a generated library (1,000 briefings with --quick, "
    "10x --briefings otherwise: 10,000), loaded as the app loads it (`LibraryWatcher` through "
    "the parsed-library snapshot), the garbage collector frozen as after the app's start-up. "
    "The app's `WatchLoop` runs in a thread as in the app (file events through watchfiles; "
    "0.5 s for racy re-reads), then the same loop forced to poll every 0.5 s (the watcher "
    "before file events, and today's fallback). Once settled, the process's CPU time "
    "(every thread, the main one asleep) and voluntary context switches are taken over the "
    "idle period; then a few commitment titles are edited, each timed from the write to "
    "its reload being delivered.",
    "commands": "Each command is a subprocess of the installed `briefing-tui` (start-up and YAML "
    "loading included), on a private copy of the library: wall time from spawn to exit and the "
    "peak RSS of that child alone (`os.wait4` rusage). Cold: an empty `XDG_CACHE_HOME` (no "
    "snapshot, no index); warm: the cache the runs before left. Sizes: the bundled library, "
    "the scale sizes (1,000 and 10,000 briefings by default) and 100,000 with `--huge`. "
    "Repeats: 1 for a cold run at 10,000 and more, 2-3 otherwise; from 10,000 on no cold "
    "search (it is a cold index build plus a warm search, both timed). Order: cold index, "
    "warm index, warm searches, then one file touched before each `index` (a run within two "
    "seconds of an edit parses the edited file again: the racy window). Query: "
    "`security cooperation` (found at every size). See the table of commands by size.",
    "scale": "Issue 15's table, row by row, at each scale size: the commands' figures (above); "
    "idle CPU of the watch loop (as watch_idle, events beside polling); search per keystroke in "
    "process (as search: cache emptied, distinct keystrokes, the ones both engines answer, "
    "beside FTS5) on the library loaded from the snapshot the `index` command left; first "
    "paint beside the minimal app and keystroke to screen (as first_paint and keystroke, warm "
    "cache); the app in tmux pressing j/k, each timed from the key to the first frame whose "
    "navigator selection moved, warm (the reference) and on a cold start (empty cache) until "
    "the index is committed on disk, then `/` and a query until results are shown, and VmHWM "
    "then (TUI peak memory, warm and cold).",
    "whoosh_own": "In process, on a generated library of 200 briefings (fewer if --briefings "
    "is smaller): the app's documents (`raw_documents` + `analysed`, in the timing) written "
    "into an empty on-disk index with the app's schema by the custom segment writer "
    "(`briefing_tui.search.writer`) and by Whoosh's own `SegmentWriter` (given plain term "
    "lists), alternating; then the app's search `Engine` over each, scored by the custom "
    "`FastBM25F` and by Whoosh's `BM25F`, searches every prefix of typed queries (as the "
    "search benchmark), its result cache cleared before each sample, the two alternating "
    "keystroke by keystroke. Production code has no switch for this: the stock index is "
    "built by the benchmark.",
}

ORDER = [
    "first_paint",
    "search",
    "keystroke",
    "bytes",
    "index",
    "memory",
    "load",
    "watch_idle",
    "whoosh_own",
    "commands",
    "scale",
]
OWN_TABLES = ("commands", "scale")  # rows shown in their own tables, not in Results


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _run(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=10, check=False, cwd=ROOT
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def machine() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GB"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    u = platform.uname()
    return [
        f"CPU: {cpu or u.machine}, {os.cpu_count()} logical cores; memory {mem or '?'}",
        f"OS: {u.system} {u.release} ({u.machine})",
        f"load average (1, 5, 15 min) when the report was written: {load}",
    ]


def versions() -> list[str]:
    commit = _run(["git", "rev-parse", "--short", "HEAD"])
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"])
    tmux = _run(["tmux", "-V"]) if shutil.which("tmux") else "not installed"
    return [
        f"briefing-tui {_version('briefing-tui')} (git {commit or '?'}"
        + (", with uncommitted changes" if dirty else "")
        + ")",
        f"Python {platform.python_version()} ({sys.executable})",
        f"textual {_version('textual')}, rich {_version('rich')}, "
        f"whoosh-reloaded {_version('whoosh-reloaded')}, PyYAML {_version('pyyaml')}",
        f"SQLite {sqlite3.sqlite_version} (FTS5 reference), {tmux}",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: Sequence[Row]) -> list[str]:
    out = [
        "| benchmark | stat | briefing-tui | reference (same run) | ratio | target | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    r.what,
                    r.stat,
                    r.value_text(),
                    r.reference_text(),
                    r.ratio_text(),
                    r.target or "—",
                    r.verdict(),
                )
            )
            + " |"
        )
    return out


def terminal_table(rows: Sequence[Row]) -> str:
    cols = [
        ("benchmark", lambda r: r.what),
        ("stat", lambda r: r.stat),
        ("ours", Row.value_text),
        ("reference", Row.reference_text),
        ("ratio", Row.ratio_text),
        ("target", lambda r: r.target or "-"),
        ("verdict", Row.verdict),
    ]
    cells = [[name for name, _ in cols]] + [[str(f(r)) for _, f in cols] for r in rows]
    widths = [min(72, max(len(c[i]) for c in cells)) for i in range(len(cols))]
    lines = []
    for i, c in enumerate(cells):
        lines.append("  ".join(x[: widths[j]].ljust(widths[j]) for j, x in enumerate(c)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _why(row: Row, ctx: Context) -> str:
    """What the run itself says about a miss."""
    load = {r.what: r for r in ctx.rows if r.bench == "load"}
    n = ctx.settings.briefings
    load_n = next((r for w, r in load.items() if w.endswith(f", {n:,} briefings")), None)
    if row.bench == "first_paint":
        parts = [f"the app takes {fmt_s(row.value)} to the minimal app's {fmt_s(row.reference)}"]
        phases = next(
            (v for k, v in getattr(ctx, "phases", {}).items() if row.what.endswith(k)), None
        )
        if phases:
            parts.append(
                f"measured in process, its imports take {fmt_s(phases['imports'])} (minimal app "
                f"{fmt_s(phases['imports_ref'])}: Textual is most of both), opening the library "
                f"{fmt_s(phases['library'])}, and from mount to the first frame "
                f"{fmt_s(phases['frame_after_mount'])} where the minimal app draws its one line "
                f"in {fmt_s(phases['frame_after_mount_ref'])}: composing, styling, laying out "
                "and drawing the first screen's widgets (the title bar and the navigator; the "
                "detail and the source are filled right after the first frame) is where the "
                "difference lies, spread over Textual's compose, CSS and render code (see the "
                "start-up profile below)"
            )
        if load_n is not None and str(n) in row.what.replace(",", ""):
            parts.append(
                f"loading all {n:,} briefings from their YAML takes {fmt_s(load_n.value)} in "
                "process (the load benchmark); the app reads them from its snapshot and paints "
                "the first briefing before the rest is loaded"
            )
        parts.append("start-up and import costs are listed under the first-paint notes")
        return "; ".join(parts) + "."
    if row.bench == "search" or "keystroke in process" in row.what:
        return "see the search profile below for where the time per keystroke goes."
    if row.bench in ("scale", "commands"):
        return "see the scale table and the commands by size (with their growth exponents)."
    if row.bench == "keystroke":
        search = next((r for r in ctx.rows if r.bench == "search" and r.stat == "p95"), None)
        extra = (
            f" In process, search alone has p95 {fmt_s(search.value)}; the rest is the "
            "widget update, rendering and the terminal."
            if search
            else ""
        )
        return (
            "the time runs to the last write of the settled screen." + extra + " See the typing "
            "profile below."
        )
    if row.bench == "bytes":
        return (
            "every byte above the budget is a repaint of more of the screen than the key changed "
            "(or, idle, a timer: cursor blink or animation); see the per-key median and p95 in "
            "the notes."
        )
    if row.bench == "index":
        if row.unmet:
            return "the index must report its progress (for the progress bar) while it builds."
        return "see the index profile below (when one was taken)."
    if row.bench == "memory":
        return "the whole library (parsed briefings and article texts) and the index are in memory."
    return ""


def markdown(ctx: Context, argv: Sequence[str], elapsed: float) -> str:
    s = ctx.settings
    rows = sorted(ctx.rows, key=lambda r: ORDER.index(r.bench) if r.bench in ORDER else 99)
    cmd = "python benchmarks/run.py" + ("" if not argv else " " + " ".join(argv))
    out = [
        "# Benchmarks",
        "",
        "Figures from one run of the benchmark suite: every benchmark is measured beside its "
        "reference in the same run (alternating runs where that applies) and reported as "
        "medians (and p95 where the target says) with the ratio to the reference. This file is "
        "written by `benchmarks/run.py`; do not edit it by hand. Figures measured by hand, and "
        "earlier runs with what changed between them, are in docs/benchmarks-history.md.",
        "",
        f"Run: `{cmd}` on {_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"{'quick' if s.quick else 'full'} mode, {elapsed:.0f} s in all.",
        "",
        "## Machine",
        "",
        *[f"- {x}" for x in machine()],
        "",
        "## Versions",
        "",
        *[f"- {x}" for x in versions()],
        "",
        "## Reproduce",
        "",
        "```sh",
        "python3.11 -m venv .venv && .venv/bin/pip install -e '.[test]'   # tmux must be installed",
        "python benchmarks/run.py                 # full run, writes docs/benchmarks.md (~25 min)",
        "python benchmarks/run.py --quick         # fewer repeats, scale at 1,000 (~4 min)",
        "python benchmarks/run.py --huge          # the commands at 100,000 briefings too",
        "python benchmarks/run.py --only scale --scale-sizes 1000,10000   # issue 15's table",
        "python benchmarks/run.py --only search --only index --briefings 1000",
        "python benchmarks/make_library.py --briefings 1000 /tmp/lib   # the corpus by itself",
        "```",
        "",
        "Generated libraries are kept in the work directory (`--workdir`, default "
        "`$TMPDIR/briefing-tui-bench`); caches and scratch files of a run are deleted after it.",
        "",
        "## Results",
        "",
        *table([r for r in rows if r.bench not in OWN_TABLES]),
        "",
    ]
    for title, lines in ctx.sections.items():
        out += [f"## {title}", "", *lines, ""]
    missed = [r for r in rows if r.met is False]
    unmeasured = [r for r in rows if r.limit is not None and r.met is None]
    out += ["## Targets missed", ""]
    if not missed and not unmeasured:
        out += ["None: every target measured in this run is met.", ""]
    for r in missed:
        how = f"missed by {r.shortfall()}" if not r.unmet else f"missed: {r.unmet}"
        out.append(
            f"- **{r.what}** ({r.stat}): {r.value_text()} "
            f"{'(ratio ' + r.ratio_text() + ') ' if r.on_ratio else ''}against a target of "
            f"{r.target}: {how}. Why: {_why(r, ctx)}"
        )
    for r in unmeasured:
        out.append(f"- **{r.what}** ({r.stat}): not measured in this run: {r.note}")
    if missed or unmeasured:
        out.append("")
    out += ["## Notes per benchmark", ""]
    for bench in ORDER:
        bench_rows = [r for r in rows if r.bench == bench]
        notes = ctx.notes.get(bench, [])
        if not bench_rows and not notes:
            continue
        out += [f"### {bench}", "", HOW.get(bench, ""), ""]
        for r in bench_rows:
            extra = ", ".join(
                f"{k} {fmt_s(v) if r.unit == 's' else f'{v:.0f}'}"
                for k, v in r.extra.items()
                if not (isinstance(v, float) and math.isnan(v))
            )
            line = f"- {r.what} [{r.stat}], {r.samples or '?'} samples"
            if extra:
                line += f"; {extra}"
            if r.note:
                line += f". {r.note}"
            out.append(line)
        out += [f"- {n}" for n in notes]
        out.append("")
    if ctx.profiles:
        out += ["## Profiles", ""]
        for title, text in ctx.profiles.items():
            out += [f"### {title}", "", "```", text.rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"
