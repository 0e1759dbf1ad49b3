"""The scale table: issue 15's table re-measured at 1,000 and 10,000 briefings, each figure
beside its reference from the same run, with the growth exponent between the sizes.

Everything goes through public entry points: the commands (`briefing-tui index`, `search`, the
app in tmux) and, in process, the library snapshot's ``load_library`` and ``SearchIndex``.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpus, searching
from benchmarks.commands import SizeRuns, cache_env, command_runs, size_label
from benchmarks.figures import Row
from benchmarks.fts5_reference import Fts5Index, fts5_available
from benchmarks.stats import fmt_exponent, fmt_ms, growth_exponent, median, p95
from benchmarks.suite import (
    MINIMAL_APP,
    MINIMAL_MARKER,
    Context,
    _first_paint,
    keystroke_latencies,
    watch_idle_measure,
)
from benchmarks.terminal import FAKE_SSH, TmuxTerminal, child_env, tmux_available, vm_hwm


@dataclass(frozen=True)
class Figure:
    key: str
    what: str  # as issue 15's table names it
    issue: str  # the issue's figures, 1k / 10k
    target: str = ""
    limit: float | None = None
    on_ratio: bool = False


FIGURES = [
    Figure("search_cli", "`briefing-tui search --json`, warm cache", "2.75 s / 33.8 s",
           "within 2x of the bundled library's", 2.0, True),
    Figure("index_touch", "`index` after touching one file", "0.72 s / 6.8 s", "<= 1 s", 1.0),
    Figure("index_cold", "cold `index`", "6.6 s / 78 s", "<= 60 s", 60.0),
    Figure("index_cold_mem", "cold `index`: peak memory", "— / 493 MB", "<= 200 MB",
           200 * 2**20),
    Figure("idle_cpu", "idle CPU once settled (share of a core)", "2.4% / 19.5%",
           "~0 (<= 1% of a core)", 1.0),
    Figure("tui_mem_warm", "TUI peak memory after a search, warm", "90 MB / 436 MB",
           "<= 200 MB", 200 * 2**20),
    Figure("tui_mem_cold", "TUI peak memory after a search, cold start", "— / 604 MB",
           "<= 200 MB", 200 * 2**20),
    Figure("search_p50", "search per keystroke in process p50 (cache emptied)", "2.8 / 20 ms"),
    Figure("search_p95", "search per keystroke in process p95 (cache emptied)", "11 / 72 ms",
           "<= 30 ms", 0.030),
    Figure("keystroke", "keystroke to screen p95", "52 / 127 ms", "<= 50 ms", 0.050),
    Figure("first_paint", "first paint vs the minimal Textual app", "1.55x / 2.3x",
           "<= 2x the minimal app", 2.0, True),
    Figure("nav_p50", "navigation while the index builds, cold start: p50", "— / ~90 ms"),
    Figure("nav_p95", "navigation while the index builds, cold start: p95", "— / —",
           "<= 50 ms", 0.050),
    Figure("nav_max", "navigation while the index builds, cold start: max", "— / 556 ms"),
]  # fmt: skip
BUNDLED_PAINT = Figure(
    "first_paint_bundled",
    "first paint, bundled library, vs the minimal app",
    "1.68x",
    "<= 1.3x the minimal app",
    1.3,
    True,
)

_COUNT = re.compile(r"\d[\d,]* of (?:[\d,]+\+?|…)|\d[\d,]* results?\b")


def _results_shown(screen: str) -> bool:
    """The search pane shows its count ("20 of 1,234", "5 results") and no build progress."""
    return bool(_COUNT.search(screen)) and "Indexing" not in screen


def nav_cursor_row(screen: str) -> int | None:
    """The screen row of the navigator's selection mark (``▶`` just inside its left border)."""
    for i, line in enumerate(screen.splitlines()):
        if line[1:2] == "▶":
            return i
    return None


def index_built(cache_root: Path) -> bool:
    """A committed index is under ``cache_root``: the pointer to a published generation
    (``current``), or a Whoosh table of contents outside a work directory (``tmp-*``)."""
    for path in cache_root.rglob("*"):
        if path.name == "current":
            return True
        inside = path.relative_to(cache_root).parts
        if path.suffix == ".toc" and not any(part.startswith("tmp") for part in inside):
            return True
    return False


@dataclass
class Session:
    nav: list[float] = field(default_factory=list)  # key to the frame showing the move
    nav_lost: int = 0  # keys whose move never showed (within 5 s)
    built_after: float = math.nan  # seconds from launch to a committed index (cold)
    results_after: float = math.nan  # seconds from launch to search results on screen
    hwm: float = math.nan  # VmHWM after the search


def app_session(
    ctx: Context,
    path: Path,
    xdg: Path,
    library_markers: set[str],
    query: str,
    keys: int,
    cold: bool,
) -> Session:
    """The app in tmux 100x30 (SSH mode): j/k on the navigator, each timed from the key to the
    frame showing the move (while the index builds, on a cold start: until the index is
    committed, at most ``keys`` keys), then `/` and ``query``, until results are shown; VmHWM
    then."""
    s = ctx.settings
    env = cache_env(xdg)
    env.update(FAKE_SSH)
    out = Session()
    with TmuxTerminal(100, 30, ctx.rundir / "tmux") as term:
        t0 = term.launch(ctx.app_argv(str(path)), env)
        painted = term.wait_for_screen(
            lambda sc: any(m in sc for m in library_markers), t0, s.paint_timeout
        )
        if painted is None:
            raise RuntimeError(f"briefing-tui did not paint: {term.screen()}")
        if not cold:
            term.wait_quiet(1.0, 30)
        row = nav_cursor_row(term.screen())
        cache_root = xdg / "cache"
        for i in range(keys):
            if cold and index_built(cache_root):
                out.built_after = time.perf_counter() - t0
                break
            key = "j" if i % 2 == 0 else "k"
            sent = term.send_command(f"send-keys -t main {key}")
            before = row
            found = term.wait_for_screen(
                lambda sc, before=before: nav_cursor_row(sc) not in (before, None), sent, 5.0
            )
            if found is None:
                out.nav_lost += 1
            else:
                out.nav.append(max(0.0, found[0] - sent))
                row = nav_cursor_row(found[1])
            time.sleep(0.15 if cold else 0.05)
        term.wait_quiet(0.3, 5)
        term.send_keys("/", query, literal=True)
        shown = term.wait_for_screen(_results_shown, t0, 900 if cold else 120)
        if shown is not None:
            out.results_after = shown[0] - t0
            term.wait_quiet(0.5, 10)
        if cold and math.isnan(out.built_after) and index_built(cache_root):
            out.built_after = time.perf_counter() - t0  # at the latest: after the keys
        out.hwm = float(vm_hwm(term.pane_pid()) or math.nan)
    return out


class ScaleTable:
    """The rows of the scale table: one per figure and size."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cells: dict[str, dict[int, Row]] = {}

    def add(
        self,
        fig: Figure,
        n: int,
        value: float,
        unit: str,
        reference: float,
        reference_label: str,
        note: str = "",
        samples: int = 1,
    ) -> None:
        row = Row(
            "scale",
            f"{fig.what}, {size_label(n)}",
            "scale",
            value,
            unit,
            reference,
            reference_label,
            fig.target,
            fig.limit,
            on_ratio=fig.on_ratio,
            note=note,
            samples=samples,
        )
        self.ctx.rows.append(row)
        self.cells.setdefault(fig.key, {})[n] = row

    def markdown(self, sizes: Sequence[int]) -> list[str]:
        head = [
            "figure",
            *[size_label(n) for n in sizes],
            "reference (same run)",
            "growth",
            "target (issue 15)",
            "verdict",
            "issue 15 measured (1k / 10k)",
        ]
        out = [
            "Issue 15's table re-measured in this run. Each cell is the figure at that size; "
            "the reference column gives each size's reference from the same run; growth is "
            "the log-log slope between the two sizes (1 = linear); the verdict is per size.",
            "",
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
        ]
        for fig in [*FIGURES, BUNDLED_PAINT]:
            cells = self.cells.get(fig.key, {})
            if not cells:
                continue
            shown = sizes if fig is not BUNDLED_PAINT else [1]
            values = [cells.get(n) for n in shown]
            texts = [("—" if r is None else _cell_text(r, fig)) for r in values] + [""] * (
                len(sizes) - len(shown)
            )
            refs = "; ".join(r.reference_text() for r in values if r is not None)
            real = [(n, r) for n, r in zip(shown, values, strict=True) if r is not None]
            growth = "—"
            if len(real) >= 2:
                (n1, r1), (n2, r2) = real[0], real[-1]
                a = r1.ratio if fig.on_ratio else r1.value
                b = r2.ratio if fig.on_ratio else r2.value
                growth = fmt_exponent(growth_exponent(n1, a, n2, b))
            verdict = "; ".join(r.verdict() for _, r in real)
            out.append(
                "| "
                + " | ".join(
                    [fig.what, *texts, refs, growth, fig.target or "—", verdict, fig.issue]
                )
                + " |"
            )
        return out


def _cell_text(row: Row, fig: Figure) -> str:
    return f"{row.value_text()} ({row.ratio_text()})" if fig.on_ratio else row.value_text()


def _in_process_search(ctx: Context, sr: SizeRuns, table: ScaleTable) -> object:
    """Search per keystroke in process (cache emptied, distinct keystrokes) beside FTS5; the
    library is loaded through the snapshot the `index` command left."""
    from briefing_tui.cache.snapshot import load_library
    from briefing_tui.search import SearchIndex

    s = ctx.settings
    library = load_library([sr.library], sr.cache_dir)
    index = SearchIndex.open(library, cache_dir=sr.cache_dir)
    try:
        if not fts5_available():
            ctx.note("scale", "this Python's sqlite3 has no FTS5: search has no reference")
            return library
        docs = list(corpus.documents(library))
        fts = Fts5Index.build(docs)
        queries = corpus.typed_queries(library, s.n_queries(4, 10), words=s.words)
        warmup = corpus.typed_queries(library, 2, seed=99, words=s.words)
        times = searching.time_keystrokes(index, fts, queries, warmup)
        fts.close()
    finally:
        index.close()
    ours, theirs = times.ours_both(), times.fts_both()
    note = (
        f"{len(ours)} distinct keystrokes both engines answer, result cache emptied before "
        f"{times.cleared} of {len(times.ours)}; every keystroke: p50 "
        f"{fmt_ms(median(times.ours))} p95 {fmt_ms(p95(times.ours))}, FTS5 "
        f"{fmt_ms(median(times.fts))} / {fmt_ms(p95(times.fts))}"
    )
    n = sr.size
    table.add(FIGURES[7], n, median(ours), "s", median(theirs), "FTS5 p50", note, len(ours))
    table.add(FIGURES[8], n, p95(ours), "s", p95(theirs), "FTS5 p95", note, len(ours))
    return library


def _fig(key: str) -> Figure:
    return next(f for f in [*FIGURES, BUNDLED_PAINT] if f.key == key)


def _minimal_paints(ctx: Context, reps: int) -> tuple[list[float], list[float]]:
    """(first paint, VmHWM) of the minimal Textual app, ``reps`` times."""
    paints, hwms = [], []
    for _ in range(reps):
        p = _first_paint(
            ctx, [sys.executable, str(MINIMAL_APP)], child_env(), {MINIMAL_MARKER}, "minimal"
        )
        paints.append(p.content)
        hwms.append(float(p.hwm or math.nan))
    return paints, hwms


def _paint_pair(
    ctx: Context, path: Path, env: dict[str, str], markers: set[str], reps: int
) -> tuple[list[float], list[float], list[float]]:
    """First paint of the app and of the minimal app, alternating: (app, minimal, minimal HWM)."""
    ours: list[float] = []
    ref: list[float] = []
    hwm: list[float] = []
    for i in range(reps):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            if which == 0:
                ours.append(_first_paint(ctx, ctx.app_argv(str(path)), env, markers, "app").content)
            else:
                p, h = _minimal_paints(ctx, 1)
                ref += p
                hwm += h
    return ours, ref, hwm


def _measure_size(ctx: Context, n: int, base: SizeRuns, table: ScaleTable) -> None:
    s = ctx.settings
    sr = command_runs(ctx, n)
    ref_label = "the same, bundled library"
    table.add(
        _fig("search_cli"),
        n,
        sr.wall("search, warm"),
        "s",
        base.wall("search, warm"),
        ref_label,
        f"peak RSS {sr.rss('search, warm') / 2**20:.0f} MB",
    )
    table.add(
        _fig("index_touch"),
        n,
        sr.wall("index, one file touched"),
        "s",
        base.wall("index, one file touched"),
        ref_label,
    )
    table.add(
        _fig("index_cold"), n, sr.wall("index, cold"), "s", base.wall("index, cold"), ref_label
    )
    table.add(
        _fig("index_cold_mem"),
        n,
        sr.rss("index, cold"),
        "mem",
        base.rss("index, cold"),
        ref_label,
        "peak RSS of the process (wait4 rusage)",
    )
    ctx.log(f"  scale {n:,}: commands done")
    idle = s.idle if s.idle is not None else (3.0 if s.quick else 10.0)
    events, polling, watched, _load = watch_idle_measure(ctx, n, idle, s.reps(1, 2))
    table.add(
        _fig("idle_cpu"),
        n,
        events.cpu,
        "%",
        polling.cpu,
        "stat polling every 0.5 s, before",
        f"{watched:,} files watched, idle {idle:g} s; trigger {events.trigger}",
    )
    ctx.log(f"  scale {n:,}: idle {events.cpu:.2f}%")
    library = _in_process_search(ctx, sr, table)
    ctx.log(f"  scale {n:,}: in-process search done")
    if not tmux_available():
        ctx.note("scale", "tmux is not installed: the terminal figures are not measured")
        return
    from briefing_tui.briefing.library import Library

    assert isinstance(library, Library)
    markers = corpus.paint_markers(library, 16)
    query = corpus.typed_queries(library, 1, seed=17, words=s.words)[0]
    env = cache_env(sr.warm)
    ours, ref, ref_hwm = _paint_pair(ctx, sr.library, env, markers, s.reps(2, 3))
    table.add(
        _fig("first_paint"),
        n,
        median(ours),
        "s",
        median(ref),
        "minimal Textual app",
        f"medians of {len(ours)}",
        len(ours),
    )
    env_ssh = dict(env, **FAKE_SSH)
    k = keystroke_latencies(ctx, sr.library, env_ssh, library, s.n_queries(1, 2))
    table.add(
        _fig("keystroke"),
        n,
        p95(k.typing),
        "s",
        p95(k.empty),
        "same app, empty query",
        f"{len(k.typing)} keys; p50 {fmt_ms(median(k.typing))}",
        len(k.typing),
    )
    keys = s.reps(8, 30) if s.repeats is None else max(2, s.repeats * 2)
    warm = app_session(ctx, sr.library, sr.warm, markers, query, keys, cold=False)
    table.add(
        _fig("tui_mem_warm"),
        n,
        warm.hwm,
        "mem",
        median(ref_hwm),
        "minimal Textual app",
        f"VmHWM after `/` and `{query}`; results shown {warm.results_after:.1f} s after launch",
    )
    cold_xdg = ctx.rundir / f"xdg-{n}-tui-cold"
    shutil.rmtree(cold_xdg, ignore_errors=True)
    cold_keys = 400 if not s.quick else 60
    if s.repeats is not None:
        cold_keys = max(2, s.repeats * 2)
    cold = app_session(ctx, sr.library, cold_xdg, markers, query, cold_keys, cold=True)
    shutil.rmtree(cold_xdg, ignore_errors=True)
    table.add(
        _fig("tui_mem_cold"),
        n,
        cold.hwm,
        "mem",
        median(ref_hwm),
        "minimal Textual app",
        f"empty cache; results shown {cold.results_after:.1f} s after launch",
    )
    nav_note = (
        f"{len(cold.nav)} j/k keys from first paint until the index was committed "
        f"({cold.built_after:.1f} s after launch) or {cold_keys} keys; {cold.nav_lost} moves "
        "never shown within 5 s; reference: the same keys with the index cached"
    )
    for key, fn in (("nav_p50", median), ("nav_p95", p95), ("nav_max", _max)):
        table.add(
            _fig(key),
            n,
            fn(cold.nav),
            "s",
            fn(warm.nav),
            "same keys, index cached",
            nav_note,
            len(cold.nav),
        )
    ctx.log(
        f"  scale {n:,}: nav p95 {fmt_ms(p95(cold.nav))} (warm {fmt_ms(p95(warm.nav))}); "
        f"TUI memory {warm.hwm / 2**20:.0f} / {cold.hwm / 2**20:.0f} MB"
    )


def _max(values: Sequence[float]) -> float:
    return max(values) if values else math.nan


def bench_scale(ctx: Context) -> None:
    """Issue 15's table at each scale size, with its references from the same run."""
    s = ctx.settings
    table = ScaleTable(ctx)
    base = command_runs(ctx, 1)
    for n in s.scale_sizes:
        _measure_size(ctx, n, base, table)
    if tmux_available():
        bundled = next(
            (
                r
                for r in ctx.rows
                if r.bench == "first_paint" and r.what.endswith("bundled library")
            ),
            None,
        )
        if bundled is None:
            lib_path = ctx.bundled_path()
            markers = corpus.paint_markers(ctx.library(lib_path), 16)
            ours, ref, _ = _paint_pair(
                ctx, lib_path, ctx.cached_env(lib_path), markers, s.reps(2, 5)
            )
            value, reference, samples = median(ours), median(ref), len(ours)
        else:
            value, reference, samples = bundled.value, bundled.reference, bundled.samples
        table.add(
            BUNDLED_PAINT,
            1,
            value,
            "s",
            reference,
            "minimal Textual app",
            "from the first_paint benchmark" if bundled else "",
            samples,
        )
    ctx.sections["Scale: issue 15's table"] = table.markdown(list(s.scale_sizes))
