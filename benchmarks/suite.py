"""The benchmarks. Each measures briefing-tui beside its reference in the same run.

Every benchmark is a function ``bench_NAME(ctx)`` that appends ``Row``s (and, where useful,
profiles and notes) to the context. They only use the app through its public interfaces: the
command line (``briefing-tui [PATH]``, ``briefing-tui index PATH``), ``load_library``, and
``SearchIndex.open(library, cache_dir, progress)`` / ``.search(query, limit)``.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import io
import math
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpus, searching
from benchmarks.figures import Row
from benchmarks.fts5_reference import Fts5Index, fts5_available
from benchmarks.stats import fmt_ms, fmt_s, mean, median, p95
from benchmarks.terminal import KEYS, PtyTerminal, TmuxTerminal, child_env, tmux_available, vm_hwm
from briefing_tui.briefing.library import Library, assemble, briefing_files, load_library
from briefing_tui.briefing.loader import load_briefing

HERE = Path(__file__).resolve().parent
MINIMAL_APP = HERE / "reference_minimal_app.py"
FILTER_APP = HERE / "reference_filter_app.py"
MINIMAL_MARKER = "Minimal reference app ready"
FILTER_MARKER = "Filter reference app"


@dataclass
class Settings:
    """How much to measure. ``quick`` keeps the whole run under two minutes."""

    quick: bool = False
    briefings: int = 1000  # the "library scale" size
    load_sizes: tuple[int, ...] = (100, 1000)
    seed: int = 1
    repeats: int | None = None  # overrides every repeat count (for smoke tests)
    queries: int | None = None  # typed queries (search, keystroke, bytes)
    words: int = 3
    keys: int | None = None  # selection moves per session
    idle: float | None = None  # seconds of idle per idle measurement
    quiet: float | None = None  # seconds without output that end a key's answer
    paint_timeout: float = 90.0
    scale_sizes: tuple[int, ...] = (1000, 10000)  # the scale table and the commands' sizes
    huge: bool = False  # the commands at 100,000 briefings too

    def reps(self, quick: int, full: int) -> int:
        if self.repeats is not None:
            return self.repeats
        return quick if self.quick else full

    def n_queries(self, quick: int, full: int) -> int:
        if self.queries is not None:
            return self.queries
        return quick if self.quick else full

    @property
    def n_keys(self) -> int:
        return self.keys if self.keys is not None else (4 if self.quick else 10)

    @property
    def idle_seconds(self) -> float:
        return self.idle if self.idle is not None else (1.0 if self.quick else 5.0)

    @property
    def key_quiet(self) -> float:
        return self.quiet if self.quiet is not None else 0.2


@dataclass
class Context:
    settings: Settings
    workdir: Path  # generated libraries live here (kept between runs)
    rundir: Path  # this run's caches and scratch files
    log: Callable[[str], None] = print
    rows: list[Row] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    _libraries: dict[Path, Library] = field(default_factory=dict)
    _caches: dict[Path, dict[str, str]] = field(default_factory=dict)
    index_command: bool | None = None
    phases: dict[str, dict[str, float]] = field(default_factory=dict)  # first paint, by label
    memo: dict[object, object] = field(default_factory=dict)  # measurements shared by benchmarks
    sections: dict[str, list[str]] = field(default_factory=dict)  # extra Markdown tables

    # -- libraries -------------------------------------------------------------------------
    def library_path(self, briefings: int) -> Path:
        path = corpus.generated_library(self.workdir, briefings, self.settings.seed)
        return path

    def bundled_path(self) -> Path:
        from briefing_tui.paths import bundled_library

        return bundled_library()

    def library(self, path: Path) -> Library:
        if path not in self._libraries:
            lib = load_library([path])
            if lib.errors:
                raise RuntimeError(f"{path}: {lib.errors[0]}")
            self._libraries[path] = lib
        return self._libraries[path]

    def note(self, bench: str, text: str) -> None:
        self.notes.setdefault(bench, []).append(text)

    # -- the app ---------------------------------------------------------------------------
    def app_argv(self, *args: str) -> list[str]:
        script = Path(sys.executable).parent / "briefing-tui"
        base = [str(script)] if script.exists() else [sys.executable, "-m", "briefing_tui"]
        return [*base, *args]

    def has_index_command(self) -> bool:
        if self.index_command is None:
            from briefing_tui.cli import COMMANDS

            self.index_command = "index" in COMMANDS
        return self.index_command

    def cached_env(self, library: Path, *, ssh: bool = False) -> dict[str, str]:
        """Environment for the app with its own cache and state, the index already built."""
        if library not in self._caches:
            name = f"{len(self._caches)}-{library.name}"
            env = {
                "BRIEFING_TUI_CACHE": str(self.rundir / "cache" / name),
                "BRIEFING_TUI_STATE": str(self.rundir / "state" / name),
            }
            if self.has_index_command():
                t0 = time.perf_counter()
                done = subprocess.run(
                    self.app_argv("index", str(library)),
                    env=child_env(env),
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=900,
                    check=False,
                )
                took = time.perf_counter() - t0
                if done.returncode != 0:
                    self.log(f"  briefing-tui index {library} failed: {done.stderr[-300:]}")
                else:
                    self.log(f"  index cache for {library.name} built by the CLI in {fmt_s(took)}")
            else:  # as the app opens it: SearchIndex.open(library, cache_dir=paths.cache_dir())
                from briefing_tui.search import SearchIndex

                t0 = time.perf_counter()
                lib = self.library(library)
                SearchIndex.open(lib, cache_dir=Path(env["BRIEFING_TUI_CACHE"])).close()
                took = time.perf_counter() - t0
                self.log(f"  index cache for {library.name} built in process in {fmt_s(took)}")
            self._caches[library] = env
        return child_env(self._caches[library], ssh=ssh)


def _profile(fn: Callable[[], object], limit: int = 15, sort: str = "tottime") -> str:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    return _format_profile(pstats.Stats(prof), limit, sort)


def _format_profile(stats: pstats.Stats, limit: int = 15, sort: str = "tottime") -> str:
    shares = _module_shares(stats)  # before strip_dirs, which loses the packages
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    text = out.getvalue()
    # keep the table, drop pstats' preamble noise
    start = text.find("   ncalls")
    body = text[start:] if start >= 0 else text
    return body.rstrip() + "\n\n" + shares


def _module_shares(stats: pstats.Stats, limit: int = 10) -> str:
    """Own time per source file: where the time goes, by module."""
    by_file: dict[str, float] = {}
    total = 0.0
    for (filename, _line, fn), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "of 'select." in fn:  # waiting for events is idle time, not work
            continue
        key = _short_file(filename)
        by_file[key] = by_file.get(key, 0.0) + tt
        total += tt
    lines = ["own time by module (time spent waiting in select/epoll left out):"]
    for key, tt in sorted(by_file.items(), key=lambda kv: -kv[1])[:limit]:
        lines.append(f"  {100 * tt / total:5.1f}%  {tt:7.3f} s  {key}")
    return "\n".join(lines)


def _short_file(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "(builtins)"
    parts = Path(filename).parts
    for anchor in ("site-packages", "briefing_tui", "benchmarks", "lib"):
        if anchor in parts:
            i = parts.index(anchor)
            rest = parts[i + 1 :] if anchor in ("site-packages", "lib") else parts[i:]
            if anchor == "lib" and rest and rest[0].startswith("python"):
                rest = ("stdlib", *rest[1:])
            return "/".join(rest)
    return Path(filename).name


@contextlib.contextmanager
def _no_gc_noise() -> Iterator[None]:
    gc.collect()
    yield


# -- library load --------------------------------------------------------------------------


def bench_load(ctx: Context) -> None:
    """Library load (YAML parse + validate) at several sizes; a profile at the largest."""
    s = ctx.settings
    sizes = sorted(set(s.load_sizes))
    for n in sizes:
        path = ctx.library_path(n)
        reps = s.reps(3, 7) if n <= 200 else s.reps(1, 5)
        for f in path.rglob("*.*"):  # into the OS file cache: time the parsing, not the disk
            f.read_bytes()
        times = []
        lib = None
        for _ in range(reps):
            with _no_gc_noise():
                t0 = time.perf_counter()
                lib = load_library([path])
                times.append(time.perf_counter() - t0)
        assert lib is not None
        if lib.errors:
            raise RuntimeError(f"generated library does not validate: {lib.errors[0]}")
        ctx._libraries.setdefault(path, lib)
        ctx.rows.append(
            Row(
                "load",
                f"library load (YAML parse + validate), {n:,} briefings",
                "median",
                median(times),
                "s",
                note=f"{1000 * median(times) / n:.2f} ms per briefing; "
                f"{sum(len(b.items) for b in lib.briefings):,} items, "
                f"{sum(len(b.source.sentences) for b in lib.briefings):,} sentences",
                samples=len(times),
            )
        )
        ctx.log(f"  load {n}: {fmt_s(median(times))} (n={len(times)})")
    largest = ctx.library_path(sizes[-1])
    _load_breakdown(ctx, largest, sizes[-1])
    if not s.quick:
        _load_levers(ctx, largest, sizes[-1])
    ctx.profiles[f"library load, {sizes[-1]:,} briefings (cProfile, by own time)"] = _profile(
        lambda: load_library([largest])
    )


def _load_breakdown(ctx: Context, path: Path, n: int) -> None:
    """Where load time goes, stage by stage: PyYAML's nodes (libyaml), the positioned tree, all."""
    import yaml

    from briefing_tui.briefing import yamltree
    from briefing_tui.briefing.yaml_errors import loader_class

    files, _ = briefing_files([path])
    t0 = time.perf_counter()
    texts = [f.read_text(encoding="utf-8") for f in files]
    read = time.perf_counter() - t0
    loader = loader_class()
    t0 = time.perf_counter()
    for text in texts:
        yaml.compose(text, Loader=loader)
    composed = time.perf_counter() - t0
    t0 = time.perf_counter()
    for f, text in zip(files, texts, strict=True):
        yamltree.parse(str(f), text)
    tree = time.perf_counter() - t0
    t0 = time.perf_counter()
    load_library([path])
    total = time.perf_counter() - t0
    ctx.note(
        "load",
        f"Where load time goes ({n:,} briefings, one pass each): reading the files "
        f"{fmt_s(read)}; PyYAML's nodes alone (`yaml.compose`, {loader.__name__}) "
        f"{fmt_s(composed)}; the positioned tree (`yamltree.parse`: composing, then the walk) "
        f"{fmt_s(tree)}; the whole `load_library` (plus validation, sentence splitting, "
        f"evidence mapping, the library) {fmt_s(total)}. cProfile cannot see inside libyaml's "
        "Cython composer: its time shows as `yaml.compose`'s own time in the profile below.",
    )


def _load_levers(ctx: Context, path: Path, n: int) -> None:
    """Evidence for two levers on load time: pausing the GC, and a parsed-library snapshot."""
    import pickle

    reps = ctx.settings.reps(1, 3)
    paused = []
    for _ in range(reps):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            lib = load_library([path])
            paused.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    blob = pickle.dumps(lib.results, protocol=pickle.HIGHEST_PROTOCOL)
    unpickle = []
    unpickle_paused = []
    for _ in range(reps):
        for into, pause in ((unpickle, False), (unpickle_paused, True)):
            gc.collect()
            if pause:
                gc.disable()
            try:
                t0 = time.perf_counter()
                assemble(pickle.loads(blob))
                into.append(time.perf_counter() - t0)
            finally:
                gc.enable()
    ctx.note(
        "load",
        f"Levers, measured on {n:,} briefings: loading with the garbage collector paused takes "
        f"{fmt_s(median(paused))}; a pickled snapshot of the loaded library "
        f"({len(blob) / 2**20:.1f} MB) is read back and assembled in {fmt_s(median(unpickle))}, "
        f"{fmt_s(median(unpickle_paused))} with the collector paused (the file-stat check a "
        "cache would need comes on top).",
    )
    from briefing_tui.cache.snapshot import LibraryCache

    snapdir = ctx.rundir / f"libcache-{n}"
    LibraryCache([path], snapdir).load()  # writes the snapshot
    cached = []
    first = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        cache = LibraryCache([path], snapdir)
        cache.load()
        cached.append(time.perf_counter() - t0)
        gc.collect()
        t0 = time.perf_counter()
        LibraryCache([path], snapdir).first()
        first.append(time.perf_counter() - t0)
    ctx.note(
        "load",
        f"The app loads through briefing_tui.cache.snapshot (its snapshot in the cache directory, "
        f"each file's entry checked by stat): the whole library, unchanged, in "
        f"{fmt_s(median(cached))} ({cache.hits} of {n:,} files from the snapshot); listing the "
        f"files and reading the first briefing, all a large library's first screen waits for, "
        f"in {fmt_s(median(first))}.",
    )


# -- first paint ---------------------------------------------------------------------------


@dataclass
class Paint:
    frame: float  # seconds from launch to the first screen that is not blank
    content: float  # seconds from launch to the first screen showing library text
    screen: str  # that screen
    hwm: int | None  # VmHWM of the process then
    whole: float | None = None  # seconds from launch to the whole first screen (``whole``)


# The app's whole first screen: the source pane's title and the footer, which come together
# right after the first frame (with the detail; the first frame has the title bar and the
# navigator).
WHOLE_SCREEN = ("% cited)", "Quit")


def _first_paint(
    ctx: Context,
    argv: list[str],
    env: dict[str, str],
    markers: set[str],
    name: str,
    whole: tuple[str, ...] = (),
) -> Paint:
    """Launch in tmux; when the screen first shows anything, when it shows a marker, and
    (with ``whole``) when it shows all of those."""
    predicates = [lambda screen: bool(screen.strip()), lambda sc: any(m in sc for m in markers)]
    if whole:
        predicates.append(lambda sc: all(m in sc for m in whole))
    with TmuxTerminal(100, 30, ctx.rundir / "tmux") as term:
        t0 = term.launch(argv, env)
        found = term.wait_for_screens(predicates, since=t0, timeout=ctx.settings.paint_timeout)
        frame, content = found[0], found[1]
        if content is None or found[-1] is None:
            what = "nothing expected" if content is None else f"not all of {whole}"
            raise RuntimeError(
                f"{name}: {what} appeared within {ctx.settings.paint_timeout} s; "
                f"the screen was:\n{term.screen()}"
            )
        hwm = vm_hwm(term.pane_pid())
        assert frame is not None
        complete = found[2][0] - t0 if whole and found[2] else None
        return Paint(frame[0] - t0, content[0] - t0, content[1], hwm, complete)


def _screen_summary(screen: str, lines: int = 3) -> str:
    shown = [" ".join(line.split()) for line in screen.splitlines() if line.strip()]
    return " / ".join(shown[:lines])[:240]


_STARTUP_SCRIPT = """
import asyncio, cProfile, sys
from pathlib import Path

prof = cProfile.Profile()
prof.enable()
from briefing_tui.tui.app import BriefingApp
from briefing_tui.cache.opening import open_library
from briefing_tui.cache.snapshot import LibraryCache

# as run_app opens a library: through its snapshot, the first briefing first when large
library, rest = open_library(LibraryCache([Path(sys.argv[1])]))


async def first_screen():
    app = BriefingApp(library, rest=rest)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()


asyncio.run(first_screen())
prof.disable()
prof.dump_stats(sys.argv[2])
"""


def _child_profile(
    ctx: Context, path: Path, script: str, extra: list[str], bench: str, what: str, title: str
) -> None:
    """Run ``script`` (which dumps cProfile stats to argv[2]) on ``path`` in a fresh process,
    and keep its profile under ``title``; a failure is noted under ``bench``."""
    out = ctx.rundir / f"{what.split()[0]}-{len(ctx.profiles)}.prof"
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(out), *extra],
        env=child_env(ctx.cached_env(path)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        ctx.note(bench, f"{what} failed: {done.stderr.strip()[-300:]}")
        return
    ctx.profiles[title] = _format_profile(pstats.Stats(str(out)), limit=20)


def _startup_profile(ctx: Context, path: Path, label: str) -> None:
    """cProfile of imports, load and the first screen (headless, 100x30) in a fresh process."""
    _child_profile(
        ctx,
        path,
        _STARTUP_SCRIPT,
        [],
        "first_paint",
        "start-up profile",
        f"start-up to the first screen, {label} (imports, load, compose and first render, "
        "headless 100x30; cProfile, by own time)",
    )


_TYPING_SCRIPT = """
import asyncio, cProfile, sys
from pathlib import Path

from briefing_tui.tui.app import BriefingApp
from briefing_tui.briefing.library import load_library

library = load_library([Path(sys.argv[1])])
query = sys.argv[3]
KEYS = {" ": "space", "/": "slash"}


async def typing():
    app = BriefingApp(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.0)  # let the index open
        prof = cProfile.Profile()
        prof.enable()
        await pilot.press("slash")
        for ch in query:
            await pilot.press(KEYS.get(ch, ch))
            await pilot.pause(0.05)
        prof.disable()
        prof.dump_stats(sys.argv[2])


asyncio.run(typing())
"""


def _typing_profile(ctx: Context, path: Path, query: str) -> None:
    """cProfile of `/` and typing a query in the app (headless 100x30), in a fresh process."""
    _child_profile(
        ctx,
        path,
        _TYPING_SCRIPT,
        [query],
        "keystroke",
        "typing profile",
        f"typing `/{query}` in the app (headless 100x30, 50 ms pause after each key, so "
        "`epoll` is idle time; UI thread only, a search worker thread is not seen; cProfile, "
        "by own time)",
    )


_PHASES_APP = """
import sys, time
t0 = time.perf_counter()
out, path = sys.argv[1], sys.argv[2]
marks = {}
import briefing_tui.tui.app as A
import briefing_tui.cache.opening as LC
marks["imports"] = time.perf_counter() - t0
_open = LC.open_library
def open_library(*args, **kwargs):
    t = time.perf_counter()
    result = _open(*args, **kwargs)
    marks["library"] = time.perf_counter() - t
    return result
LC.open_library = open_library
_mount = A.BriefingApp.on_mount
def on_mount(self):
    marks["mount"] = time.perf_counter() - t0
    _mount(self)
A.BriefingApp.on_mount = on_mount
_display = A.BriefingApp._display
def display(self, screen, renderable):
    first = not self.first_frame_shown
    _display(self, screen, renderable)
    if first and self.first_frame_shown:
        marks["frame"] = time.perf_counter() - t0
        with open(out, "w") as f:
            f.write(repr(marks))
        self.exit()
A.BriefingApp._display = display
from briefing_tui.cli import main
main([path])
"""

_PHASES_MINIMAL = """
import sys, time
t0 = time.perf_counter()
out = sys.argv[1]
sys.path.insert(0, sys.argv[2])
marks = {}
from reference_minimal_app import MinimalApp
marks["imports"] = time.perf_counter() - t0
class Timed(MinimalApp):
    def on_mount(self):
        marks["mount"] = time.perf_counter() - t0
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if "mount" in marks and "frame" not in marks and renderable is not None:
            marks["frame"] = time.perf_counter() - t0
            with open(out, "w") as f:
                f.write(repr(marks))
            self.exit()
Timed().run()
"""


def _startup_phases(ctx: Context, path: Path, label: str, reps: int) -> None:
    """Where the time to the first frame goes, in process, beside the minimal app.

    Each program runs on its own pseudo-terminal (100x30) and notes, from the start of its
    script (Python itself is measured apart): imports done, the app's library opened, the
    app mounted, and its first frame handed to the terminal. Medians of ``reps`` runs each.
    """
    import ast

    runs: dict[str, list[dict[str, float]]] = {"app": [], "minimal": []}
    out = ctx.rundir / "phases.txt"
    for _ in range(reps):
        for name in ("app", "minimal"):
            out.unlink(missing_ok=True)
            if name == "app":
                argv = [sys.executable, "-c", _PHASES_APP, str(out), str(path)]
                env = ctx.cached_env(path)
            else:
                argv = [sys.executable, "-c", _PHASES_MINIMAL, str(out), str(HERE)]
                env = child_env()
            with PtyTerminal(argv, env, cols=100, rows=30) as term:
                deadline = time.perf_counter() + 60
                try:
                    while term.proc.poll() is None and time.perf_counter() < deadline:
                        term.read_until_quiet(0.2, 1.0)
                except RuntimeError:  # it exited (after its first frame): what it wrote is read
                    pass
                if term.proc.poll() not in (None, 0):
                    raise RuntimeError(f"start-up phases: {name} exited {term.proc.returncode}")
            if out.exists():
                runs[name].append(ast.literal_eval(out.read_text(encoding="utf-8")))
    if not runs["app"] or not runs["minimal"]:
        ctx.note("first_paint", f"start-up phases, {label}: not measured (no run finished)")
        return

    def med(name: str, key: str, since: str | None = None) -> float:
        values = [r[key] - (r[since] if since else 0.0) for r in runs[name] if key in r]
        return median(values) if values else math.nan

    ctx.phases[label] = {
        "imports": med("app", "imports"),
        "imports_ref": med("minimal", "imports"),
        "library": med("app", "library"),
        "frame_after_mount": med("app", "frame", "mount"),
        "frame_after_mount_ref": med("minimal", "frame", "mount"),
    }
    ctx.note(
        "first_paint",
        f"Start-up phases, {label} (in process, from the start of the script; medians of "
        f"{len(runs['app'])} runs on a 100x30 pseudo-terminal): imports "
        f"{fmt_ms(med('app', 'imports'))} (minimal app {fmt_ms(med('minimal', 'imports'))}); "
        f"the library opened (snapshot checked, first briefing, or the whole library when "
        f"small) in {fmt_ms(med('app', 'library'))}; mounted at "
        f"{fmt_ms(med('app', 'mount'))} (minimal {fmt_ms(med('minimal', 'mount'))}); from "
        f"mount to the first frame (compose, styles, layout and the first render of the title "
        f"bar and the navigator) {fmt_ms(med('app', 'frame', 'mount'))} (minimal, one line of text: "
        f"{fmt_ms(med('minimal', 'frame', 'mount'))}); first frame at "
        f"{fmt_ms(med('app', 'frame'))} (minimal {fmt_ms(med('minimal', 'frame'))}).",
    )


IMPORT_STEPS = (
    ("textual.app", "import textual.app"),
    ("textual widgets", "from textual.widgets import DataTable, Footer, Header, Input, OptionList"),
    ("briefing_tui.briefing.library (+ yaml)", "import briefing_tui.briefing.library"),
    ("briefing_tui.tui.app (the rest of the UI)", "import briefing_tui.tui.app"),
    ("whoosh (not needed for first paint)", "import whoosh.index, whoosh.qparser"),
)
_IMPORT_SCRIPT = """
import sys, time
out = []
for name, stmt in STEPS:
    t = time.perf_counter()
    exec(stmt)
    out.append(time.perf_counter() - t)
print(" ".join(map(repr, out)), "whoosh" in sys.modules)
"""


def _import_times(ctx: Context, reps: int) -> tuple[dict[str, float], bool]:
    """Import cost of the first screen's modules, step by step, in fresh processes (medians).

    Also whether importing ``briefing_tui.tui.app`` imports Whoosh (it should not: paint first).
    """
    times: dict[str, list[float]] = {name: [] for name, _ in IMPORT_STEPS}
    script = f"STEPS = {IMPORT_STEPS!r}\n" + _IMPORT_SCRIPT
    for _ in range(reps):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        *values, _ = done.stdout.split()
        for (name, _), v in zip(IMPORT_STEPS, values, strict=True):
            times[name].append(float(v))
    check = subprocess.run(
        [sys.executable, "-c", "import sys, briefing_tui.tui.app; print('whoosh' in sys.modules)"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {k: median(v) for k, v in times.items()}, check.stdout.strip() == "True"


def _python_startup(ctx: Context, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=child_env(), check=True)
        times.append(time.perf_counter() - t0)
    return median(times)


def bench_first_paint(ctx: Context) -> None:
    """Time to first paint in tmux at 100x30, alternating the app with a minimal Textual app."""
    if not tmux_available():
        ctx.note("first_paint", "tmux is not installed: first paint not measured")
        return
    s = ctx.settings
    minimal = [sys.executable, str(MINIMAL_APP)]
    cases = [
        ("bundled library", ctx.bundled_path(), 1.3, s.reps(3, 7)),  # issue 15: 1.3x
        (
            f"{s.briefings:,} briefings, index cached",
            ctx.library_path(s.briefings),
            2.0,
            s.reps(3, 5),
        ),
    ]
    for label, path, limit, reps in cases:
        env = ctx.cached_env(path)
        app = ctx.app_argv(str(path))
        markers = corpus.paint_markers(ctx.library(path), 16)
        if not s.quick:  # warm-up (not counted): the OS file cache, any cache the app keeps
            _first_paint(ctx, app, env, markers, "briefing-tui", WHOLE_SCREEN)
            _first_paint(ctx, minimal, child_env(), {MINIMAL_MARKER}, "minimal app")
        paints: list[Paint] = []
        ref: list[float] = []
        for i in range(reps):
            order = [0, 1] if i % 2 == 0 else [1, 0]
            for which in order:
                if which == 0:
                    paints.append(
                        _first_paint(ctx, app, env, markers, "briefing-tui", WHOLE_SCREEN)
                    )
                else:
                    ref.append(
                        _first_paint(ctx, minimal, child_env(), {MINIMAL_MARKER}, "minimal").content
                    )
        ours = [p.content for p in paints]
        frames = [p.frame for p in paints]
        wholes = [p.whole for p in paints if p.whole is not None]
        ctx.rows.append(
            Row(
                "first_paint",
                f"time to first paint (tmux 100x30), {label}",
                "median",
                median(ours),
                "s",
                median(ref),
                "minimal Textual app",
                f"<= {limit}x the minimal app",
                limit,
                on_ratio=True,
                samples=len(ours),
                extra={
                    "p95": p95(ours),
                    "reference_p95": p95(ref),
                    "first frame": median(frames),
                    "whole screen": median(wholes),
                },
                note="first frame = the first screen that is not blank; the library is painted "
                f"when its text is on screen: `{_screen_summary(paints[-1].screen)}`; whole "
                f"screen = the detail, the source and the footer drawn too: "
                f"{fmt_s(median(wholes))}",
            )
        )
        ctx.log(f"  first paint, {label}: {fmt_s(median(ours))} vs {fmt_s(median(ref))}")
        if ctx.rows[-1].met is False and (path == ctx.bundled_path() or not s.quick):
            _startup_profile(ctx, path, label)
            _startup_phases(ctx, path, label, s.reps(3, 7))
    # where the time goes: start-up and imports of the first screen
    start = _python_startup(ctx, s.reps(3, 5))
    imports, whoosh_first = _import_times(ctx, s.reps(3, 5))
    ctx.note(
        "first_paint",
        f"Where start-up goes (medians, fresh processes): Python itself (`python -c pass`) "
        f"{fmt_ms(start)}; then, imported one after the other: "
        + "; ".join(f"{k} {fmt_ms(v)}" for k, v in imports.items())
        + ". Importing `briefing_tui.tui.app` imports Whoosh: "
        + ("YES (it should be imported lazily, after the first paint)" if whoosh_first else "no")
        + ".",
    )


# -- search in process ---------------------------------------------------------------------


def bench_search(ctx: Context) -> None:
    """Search per keystroke in process, beside SQLite FTS5 over the same documents: no sample a
    cache hit, and the figures on the keystrokes both engines answer as well as on all."""
    from briefing_tui.search import SearchIndex

    s = ctx.settings
    path = ctx.library_path(s.briefings)
    library = ctx.library(path)
    cache = Path(ctx.cached_env(path)["BRIEFING_TUI_CACHE"])
    t0 = time.perf_counter()
    index = SearchIndex.open(library, cache_dir=cache)
    open_time = time.perf_counter() - t0
    if not fts5_available():
        ctx.note("search", "this Python's sqlite3 has no FTS5: no reference")
        return
    docs = list(corpus.documents(library))
    t0 = time.perf_counter()
    fts = Fts5Index.build(docs)
    fts_build = time.perf_counter() - t0
    queries = corpus.typed_queries(library, s.n_queries(6, 20), words=s.words)
    warmup = corpus.typed_queries(library, 2, seed=99, words=s.words)
    times = searching.time_keystrokes(index, fts, queries, warmup)
    label = (
        f"search per keystroke (in process, top 20 + snippets, uncached), {s.briefings:,} briefings"
    )
    ctx.rows += searching_rows("search", label, times, docs=len(docs), queries=queries)
    ctx.note(
        "search",
        f"`SearchIndex.open` took {fmt_s(open_time)} (a build if the cache was not there yet); "
        f"FTS5 built in memory in "
        f"{fmt_s(fts_build)}. Queries: " + "; ".join(f"`{q}`" for q in queries[:6]) + ".",
    )
    last = [p for p in corpus.keystrokes(queries[-1]) if searching.both_answer(p)]
    ctx.profiles[
        f"search, typing `{queries[-1]}` letter by letter, result cache emptied before each "
        "keystroke (cProfile, by own time)"
    ] = _profile(lambda: searching.uncached_searches(index, last), limit=25, sort="tottime")
    ctx.log(
        f"  search: p50 {fmt_ms(median(times.ours_both()))} p95 {fmt_ms(p95(times.ours_both()))}; "
        f"FTS5 p50 {fmt_ms(median(times.fts_both()))} p95 {fmt_ms(p95(times.fts_both()))} "
        "(keystrokes both answer)"
    )
    index.close()
    fts.close()


def searching_rows(
    bench: str,
    label: str,
    times: searching.KeystrokeTimes,
    *,
    docs: int,
    queries: list[str],
    targets: tuple[float, float] | None = (0.003, 0.015),
    ratio_target: float | None = 4.0,
) -> list[Row]:
    """Rows for timed keystrokes: p50 and p95 on the keystrokes both engines answer (with the
    targets), the p95 ratio to FTS5, and p50/p95 on every keystroke (no target)."""
    ours, theirs = times.ours_both(), times.fts_both()
    skipped = len(times.ours) - len(ours)
    cache = (
        f"result cache emptied before each of our {times.cleared} samples"
        if times.cleared == len(times.ours)
        else f"result cache NOT reachable ({times.cleared} of {len(times.ours)} emptied)"
    )
    note = (
        f"{len(queries)} queries of {len(queries[0].split()) if queries else 0} words typed "
        f"letter by letter, {len(times.ours)} distinct keystrokes (none a warm-up, none "
        f"repeated; {cache}), {docs:,} documents; {len(ours)} both engines answer, {skipped} "
        "left out here (a one-letter word being typed: briefing-tui waits for the second letter, "
        "FTS5 expands it)"
    )
    p50_target, p95_target = targets if targets else (None, None)
    rows = [
        Row(
            bench,
            label,
            "p50",
            median(ours),
            "s",
            median(theirs),
            "SQLite FTS5 p50, same keystrokes",
            f"p50 <= {p50_target * 1000:g} ms" if p50_target else "",
            p50_target,
            note=note,
            samples=len(ours),
        ),
        Row(
            bench,
            label,
            "p95",
            p95(ours),
            "s",
            p95(theirs),
            "SQLite FTS5 p95, same keystrokes",
            f"p95 <= {p95_target * 1000:g} ms" if p95_target else "",
            p95_target,
            samples=len(ours),
        ),
    ]
    if ratio_target is not None:
        rows.append(
            Row(
                bench,
                f"{label}: p95 vs SQLite FTS5 p95 (same keystrokes)",
                "p95 ratio",
                p95(ours),
                "s",
                p95(theirs),
                "SQLite FTS5 p95",
                f"p95 within {ratio_target:g}x of FTS5",
                ratio_target,
                on_ratio=True,
                samples=len(ours),
            )
        )
    for stat, fn in (("p50", median), ("p95", p95)):
        rows.append(
            Row(
                bench,
                f"{label}, every keystroke (one-letter words too; FTS5 expands them)",
                f"{stat} (all keys)",
                fn(times.ours),
                "s",
                fn(times.fts),
                f"SQLite FTS5 {stat}, every keystroke",
                samples=len(times.ours),
            )
        )
    return rows


# -- keystroke to screen in tmux -----------------------------------------------------------


@dataclass
class Keystrokes:
    typing: list[float] = field(default_factory=list)
    empty: list[float] = field(default_factory=list)  # the same app, spaces into an empty query
    # key to the first frame of results (the status line written), or to the settled screen
    # when no frame shows results (an echo only, or spaces into an empty query)
    first_typing: list[float] = field(default_factory=list)
    first_empty: list[float] = field(default_factory=list)
    silent_typing: int = 0
    silent_empty: int = 0
    keys: int = 0
    queries: int = 0
    opened: bool = True  # `/` opened a search pane
    screen: str = ""


# What the search pane's status line says once results are shown: "20 of 1,012", "20 of …
# (counting)", "3 results", "No results.", "Keep typing (one letter finds nothing)."
RESULTS_FRAME = re.compile(rb"\d of [\d\xe2]|\d results?\b|No results|Keep typing")


def keystroke_latencies(
    ctx: Context, path: Path, env: dict[str, str], library: Library, n_queries: int
) -> Keystrokes:
    """Key to settled screen in tmux 100x30 (SSH mode in ``env``): queries typed after `/`,
    alternating with as many spaces typed into an empty query."""
    s = ctx.settings
    queries = corpus.typed_queries(library, n_queries, seed=11, words=s.words)
    quiet = max(0.25, s.key_quiet)
    out = Keystrokes()
    with TmuxTerminal(100, 30, ctx.rundir / "tmux") as term:
        t0 = term.launch(ctx.app_argv(str(path)), env)
        markers = corpus.paint_markers(library, 16)
        if (
            term.wait_for_screen(lambda sc: any(m in sc for m in markers), t0, s.paint_timeout)
            is None
        ):
            raise RuntimeError(f"briefing-tui did not paint: {term.screen()}")
        term.wait_quiet(1.0, 30)
        opened, _ = term.key_latency("/", literal=True, quiet=quiet)
        if opened is None:  # `/` changed nothing: typing letters could trigger other keys
            queries = []
            out.opened = False
        else:
            # warm-up: the first search may wait for the index to open
            for ch in "ab":
                term.key_latency(ch, literal=True, quiet=quiet, cap=30)
            term.send_keys("BSpace", "BSpace")
            term.wait_quiet(quiet, 10)

        def measure(keys: list[str], into: list[float]) -> int:
            silent = 0
            firsts = out.first_typing if into is out.typing else out.first_empty
            for k in keys:
                first, latency = term.key_answer(k, RESULTS_FRAME, literal=True, quiet=quiet)
                if latency is None or first is None:
                    silent += 1
                else:
                    into.append(latency)
                    firsts.append(first)
            term.send_keys(*(["BSpace"] * len(keys)))
            term.wait_quiet(quiet, 10)
            return silent

        for qi, query in enumerate(queries):
            runs = [(list(query), out.typing), ([" "] * len(query), out.empty)]
            if qi % 2:
                runs.reverse()
            for keys, into in runs:
                silent = measure(keys, into)
                if into is out.typing:
                    out.silent_typing += silent
                else:
                    out.silent_empty += silent
        out.screen = term.screen()
    out.keys = sum(len(q) for q in queries)
    out.queries = len(queries)
    if not out.opened:
        out.typing = out.first_typing = []
    return out


def _tmux_library(ctx: Context, bench: str, what: str) -> tuple[Path, Library] | None:
    """The library of --briefings for a benchmark in tmux; None (noted) without tmux."""
    if not tmux_available():
        ctx.note(bench, f"tmux is not installed: {what} not measured")
        return None
    path = ctx.library_path(ctx.settings.briefings)
    return path, ctx.library(path)


def bench_keystroke(ctx: Context) -> None:
    """Keystroke to settled screen in tmux: typing a query vs typing into an empty query."""
    found = _tmux_library(ctx, "keystroke", "keystroke to screen")
    if found is None:
        return
    s = ctx.settings
    path, library = found
    env = ctx.cached_env(path, ssh=True)  # no cursor blink: output only answers keys
    k = keystroke_latencies(ctx, path, env, library, s.n_queries(1, 3))
    quiet = max(0.25, s.key_quiet)
    note = (
        f"{k.queries} queries typed in the search pane (after `/`), {k.keys} keys; "
        "a key's time runs until the app's last write before "
        f"{1000 * quiet:.0f} ms of quiet (SSH mode, so no cursor blink)"
    )
    if k.silent_typing or k.silent_empty:
        note += (
            f"; keys that changed nothing on screen (not counted): {k.silent_typing} typed, "
            f"{k.silent_empty} spaces"
        )
    if not k.typing:
        note = (
            "the app did not react to `/` or to typing after it (no search pane yet?); "
            "its first lines: " + _screen_summary(k.screen)
        )
    ctx.rows.append(
        Row(
            "keystroke",
            f"keystroke to screen (tmux 100x30), {s.briefings:,} briefings",
            "p95",
            p95(k.typing),
            "s",
            p95(k.empty),
            "same app, empty query",
            "p95 <= 50 ms",
            0.050,
            note=note,
            samples=len(k.typing),
            extra={"p50": median(k.typing), "reference_p50": median(k.empty)},
        )
    )
    ctx.rows.append(
        Row(
            "keystroke",
            f"keystroke to the first frame of results (tmux 100x30), {s.briefings:,} briefings",
            "p95",
            p95(k.first_typing),
            "s",
            p95(k.first_empty),
            "same app, empty query (its settled screen)",
            note="the first output after the key that writes the search status line (the "
            "results shown); a key whose answer is an echo alone counts its settled time",
            samples=len(k.first_typing),
            extra={"p50": median(k.first_typing), "reference_p50": median(k.first_empty)},
        )
    )
    ctx.log(
        f"  keystroke: p95 {fmt_ms(p95(k.typing))} (empty query {fmt_ms(p95(k.empty))}); "
        f"first results frame p95 {fmt_ms(p95(k.first_typing))}"
    )
    if ctx.rows[-1].met is False and k.queries and not s.quick:
        query = corpus.typed_queries(library, 1, seed=11, words=s.words)[0]
        _typing_profile(ctx, path, query)


# -- bytes on the wire ---------------------------------------------------------------------


def _find_in_stream(term: PtyTerminal, markers: set[str], timeout: float) -> bool:
    """Read until a marker appears in the raw output (text runs are written contiguously)."""
    deadline = time.perf_counter() + timeout
    seen = b""
    enc = [m.encode() for m in markers]
    while time.perf_counter() < deadline:
        n0 = term.total
        term.read_until_quiet(0.05, 0.2)
        if term.total != n0:
            seen = (seen + term.tail)[-8000:]
            if any(m in seen for m in enc):
                return True
    return False


@dataclass
class ByteSession:
    idle_start: float = math.nan  # bytes/s on the first screen
    moving: list[int] = field(default_factory=list)
    open_search: float = math.nan
    typing: list[int] = field(default_factory=list)
    idle_typing: float = math.nan  # bytes/s with the search box focused, after typing
    hwm: int | None = None


def _byte_session(
    ctx: Context,
    argv: list[str],
    env: dict[str, str],
    markers: set[str],
    queries: list[str],
    open_search: bytes | None,
) -> ByteSession:
    s = ctx.settings
    out = ByteSession()
    quiet = s.key_quiet
    ssh = "SSH_CONNECTION" in env
    with PtyTerminal(argv, env, cols=80, rows=24) as term:
        if not _find_in_stream(term, markers, s.paint_timeout):
            raise RuntimeError(f"{argv[0]}: no marker in output: {term.tail[-400:]!r}")
        # Let start-up finish (e.g. the index opening) before "idle". Over SSH nothing should
        # blink, so wait for a whole second of silence; locally a blinking cursor never stops.
        if ssh:
            term.read_until_quiet(1.0, 30)
        else:  # a blinking cursor (every 0.5 s) never leaves 0.8 s of silence: at most 4 s
            term.read_until_quiet(0.8, 4)
        out.hwm = vm_hwm(term.pid)
        out.idle_start = term.idle(s.idle_seconds) / s.idle_seconds
        for key in ["down"] * s.n_keys + ["up"] * s.n_keys:
            out.moving.append(term.key(KEYS[key], quiet))
        if open_search is not None:
            out.open_search = term.key(open_search, quiet)
            if not out.open_search:  # `/` changed nothing: letters could be other keys (q!)
                out.hwm = max(out.hwm or 0, vm_hwm(term.pid) or 0) or None
                return out
        for qi, query in enumerate(queries):
            if qi:  # clear the last query, one key at a time (a blinking cursor never rests)
                for _ in queries[qi - 1]:
                    term.key(KEYS["backspace"], quiet)
            for ch in query:
                out.typing.append(term.key(ch.encode(), quiet))
        out.idle_typing = term.idle(s.idle_seconds) / s.idle_seconds
        hwm = vm_hwm(term.pid)
        out.hwm = max(out.hwm or 0, hwm or 0) or None
    return out


def bench_bytes(ctx: Context) -> None:
    """Bytes written to an 80x24 terminal: typing, moving, idle; vs a minimal filter app."""
    s = ctx.settings
    path = ctx.library_path(s.briefings)
    library = ctx.library(path)
    queries = corpus.typed_queries(library, s.n_queries(1, 2), seed=13, words=s.words)
    lines_file = ctx.rundir / "filter-lines.txt"
    lines_file.write_text("\n".join(corpus.option_lines(library)) + "\n", encoding="utf-8")
    markers = corpus.paint_markers(library, 16)
    app = ctx.app_argv(str(path))
    ref_argv = [sys.executable, str(FILTER_APP), str(lines_file)]
    ref_markers = {FILTER_MARKER}
    sessions: dict[str, ByteSession] = {}
    # one after the other: the reference, the app in an SSH session, the app locally (not --quick)
    sessions["reference"] = _byte_session(ctx, ref_argv, child_env(), ref_markers, queries, None)
    sessions["ssh"] = _byte_session(
        ctx, app, ctx.cached_env(path, ssh=True), markers, queries, b"/"
    )
    if not s.quick:
        sessions["app"] = _byte_session(ctx, app, ctx.cached_env(path), markers, queries, b"/")
    ref = sessions["reference"]
    for mode in ("ssh", "app"):
        if mode not in sessions:
            continue
        sess = sessions[mode]
        label = "SSH session" if mode == "ssh" else "local"
        reacted = any(sess.typing)
        typing_note = (
            f"{len(sess.typing)} keys; median {median(sess.typing):.0f} B, "
            f"p95 {p95(sess.typing):.0f} B; opening search (`/`) wrote {sess.open_search:.0f} B"
        )
        if not reacted:
            typing_note = "the app wrote nothing while typing after `/` (no search pane yet?)"
        ctx.rows.append(
            Row(
                "bytes",
                f"bytes per key typing in search (80x24), {label}",
                "mean",
                mean(sess.typing) if reacted else math.nan,
                "B",
                mean(ref.typing),
                "filter app (Input + OptionList)",
                "<= 3 KB per key",
                3 * 1024,
                note=typing_note,
                samples=len(sess.typing),
                extra={"median": median(sess.typing), "p95": p95(sess.typing)},
            )
        )
        moved = [b for b in sess.moving if b]  # a key at the end of a list moves nothing
        ref_moved = [b for b in ref.moving if b]
        still = len(sess.moving) - len(moved)
        move_note = "the app wrote nothing for Down/Up on its first screen"
        if moved:
            move_note = (
                f"Down x{s.n_keys} then Up x{s.n_keys} on the first screen; median "
                f"{median(moved):.0f} B, p95 {p95(moved):.0f} B over the keys that moved"
            )
        if moved and still:
            move_note += f"; {still} keys moved nothing (the end of a list), not counted"
        ctx.rows.append(
            Row(
                "bytes",
                f"bytes per key moving the selection (80x24), {label}",
                "mean",
                mean(moved) if moved else math.nan,
                "B",
                mean(ref_moved),
                "filter app (Input + OptionList)",
                "<= 1.5 KB per key",
                1.5 * 1024,
                note=move_note,
                samples=len(moved),
                extra={"median": median(moved), "p95": p95(moved)},
            )
        )
    ssh = sessions["ssh"]
    local = sessions.get("app", ByteSession())
    for what, value, local_value in (
        ("first screen", ssh.idle_start, local.idle_start),
        ("search box focused", ssh.idle_typing, local.idle_typing),
    ):
        ctx.rows.append(
            Row(
                "bytes",
                f"idle in an SSH session, {what} (80x24)",
                f"over {s.idle_seconds:g} s",
                value,
                "B/s",
                ref.idle_typing if what == "search box focused" else ref.idle_start,
                "filter app, not SSH-aware",
                "0 B/s",
                0.0,
                note=(
                    "not measured: `/` opened no search pane"
                    if math.isnan(value)
                    else f"the same app outside SSH: {local_value:.0f} B/s"
                    if not math.isnan(local_value)
                    else ""
                ),
                samples=1,
            )
        )
    for name, sess in sessions.items():
        if sess.hwm:
            ctx.note("bytes", f"VmHWM of {name} at 80x24 after typing: {sess.hwm / 2**20:.1f} MB")
    _bytes_narcotics(ctx)
    ctx.log(
        "  bytes: typing "
        + ", ".join(f"{k} {mean(v.typing):.0f} B" for k, v in sessions.items())
        + "; moving "
        + ", ".join(f"{k} {mean([b for b in v.moving if b]):.0f} B" for k, v in sessions.items())
        + f"; idle over SSH {ssh.idle_start:.0f} / {ssh.idle_typing:.0f} B/s"
    )


NARCOTICS = "narcotics"


def _bytes_narcotics(ctx: Context) -> None:
    """Issue 15's figure: bytes per typed key at 80x24 typing "narcotics" in the bundled library
    (SSH session), median and mean, beside the filter app typing the same."""
    path = ctx.bundled_path()
    library = ctx.library(path)
    lines_file = ctx.rundir / "filter-lines-bundled.txt"
    lines_file.write_text("\n".join(corpus.option_lines(library)) + "\n", encoding="utf-8")
    ref = _byte_session(
        ctx,
        [sys.executable, str(FILTER_APP), str(lines_file)],
        child_env(),
        {FILTER_MARKER},
        [NARCOTICS],
        None,
    )
    ours = _byte_session(
        ctx,
        ctx.app_argv(str(path)),
        ctx.cached_env(path, ssh=True),
        corpus.paint_markers(library, 16),
        [NARCOTICS],
        b"/",
    )
    typed = ours.typing if any(ours.typing) else []
    for stat, fn, target, limit in (
        ("median", median, "median <= 3 KB per key", 3 * 1024.0),
        ("mean", mean, "<= 3 KB per key", 3 * 1024.0),
    ):
        ctx.rows.append(
            Row(
                "bytes",
                f'bytes per key typing "{NARCOTICS}" (80x24, SSH session), bundled library',
                stat,
                fn(typed) if typed else math.nan,
                "B",
                fn(ref.typing),
                "filter app (Input + OptionList), same keys",
                target,
                limit,
                note=("per key: " + ", ".join(f"{b}" for b in typed) + " B")
                if typed
                else "the app wrote nothing while typing after `/`",
                samples=len(typed),
                extra={"p95": p95(typed)},
            )
        )
    ctx.log(f"  bytes, typing {NARCOTICS}: median {median(typed):.0f} B, mean {mean(typed):.0f} B")


# -- index build and refresh ---------------------------------------------------------------


def _edit_title(path: Path, tag: str) -> None:
    """Add a word to the first commitment's title (an indexed field) of a generated briefing."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\ncommitments:\n")
    new, n = re.subn(r'^(    title: ".*)"$', rf'\1 {tag}"', rest, count=1, flags=re.M)
    if not sep or n != 1:
        raise RuntimeError(f"cannot edit {path}: no commitment title")
    path.write_text(head + sep + new, encoding="utf-8")


def bench_index(ctx: Context) -> None:
    """Full index build vs FTS5 build; refresh after editing one briefing vs the full build."""
    from briefing_tui.search import SearchIndex

    s = ctx.settings
    source = ctx.library_path(s.briefings)
    work = ctx.rundir / "index-library"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(source, work, ignore=shutil.ignore_patterns(".complete"))
    library = load_library([work])
    files = sorted((work / "briefings").glob("*.yaml"))
    builds: list[float] = []
    ftss: list[float] = []
    reopens: list[float] = []
    refreshes: list[float] = []
    reloads: list[float] = []
    progress_calls: list[int] = []
    found_edit: list[bool] = []
    for r in range(s.reps(1, 2)):
        cache = ctx.rundir / f"index-cache-{r}"
        calls: list[tuple[int, int]] = []
        gc.collect()
        t0 = time.perf_counter()
        index = SearchIndex.open(
            library, cache_dir=cache, progress=lambda d, t, calls=calls: calls.append((d, t))
        )
        builds.append(time.perf_counter() - t0)
        index.close()
        progress_calls.append(len(calls))
        t0 = time.perf_counter()
        fts = Fts5Index.build(corpus.documents(library), ctx.rundir / f"fts-{r}.db")
        ftss.append(time.perf_counter() - t0)
        fts.close()
        t0 = time.perf_counter()
        SearchIndex.open(library, cache_dir=cache).close()
        reopens.append(time.perf_counter() - t0)
        # edit one briefing, reload just that file, refresh the index
        target = files[(r * 37) % len(files)]
        tag = f"benchedit{r}x"
        _edit_title(target, tag)
        t0 = time.perf_counter()
        results = [load_briefing(target) if res.path == target else res for res in library.results]
        library = assemble(results)
        reloads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index = SearchIndex.open(library, cache_dir=cache)
        refreshes.append(time.perf_counter() - t0)
        found_edit.append(bool(index.search(tag).hits))
        index.close()
    ctx.rows.append(
        Row(
            "index",
            f"full index build, {s.briefings:,} briefings",
            "median",
            median(builds),
            "s",
            median(ftss),
            "SQLite FTS5 build",
            "<= 60 s, with a progress bar",
            60.0,
            note=f"progress callback called {min(progress_calls)}-{max(progress_calls)} times per "
            "build",
            samples=len(builds),
            unmet="" if min(progress_calls) else "no progress reported",
        )
    )
    ctx.rows.append(
        Row(
            "index",
            f"refresh after editing one briefing of {s.briefings:,}",
            "median",
            median(refreshes),
            "s",
            median(builds),
            "full build",
            "<= 1 s",
            1.0,
            note=f"re-reading the edited file: {fmt_ms(median(reloads))}; reopening the "
            f"unchanged index: {fmt_ms(median(reopens))}; the edit is found by search: "
            + ("yes" if all(found_edit) else "NO"),
            samples=len(refreshes),
            unmet="" if all(found_edit) else "the edit is not found by search after the refresh",
            extra={"reopen": median(reopens)},
        )
    )
    if ctx.has_index_command() and not s.quick:
        env = {"BRIEFING_TUI_CACHE": str(ctx.rundir / "cli-index-cache")}
        t0 = time.perf_counter()
        done = subprocess.run(
            ctx.app_argv("index", str(work)),
            env=child_env(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=900,
            check=False,
        )
        took = time.perf_counter() - t0
        ctx.note(
            "index",
            f"`briefing-tui index` (start-up, load and full build) took {fmt_s(took)}, "
            f"exit status {done.returncode}.",
        )
    ctx.log(
        f"  index: build {fmt_s(median(builds))} (FTS5 {fmt_s(median(ftss))}); "
        f"refresh {fmt_s(median(refreshes))}"
    )
    if median(refreshes) > 1.0:
        lib_now = library
        cache0 = ctx.rundir / "index-cache-0"
        _edit_title(files[1], "benchprofile")
        results = [
            load_briefing(files[1]) if res.path == files[1] else res for res in lib_now.results
        ]
        edited = assemble(results)
        ctx.profiles["index refresh after one edit (cProfile, by own time)"] = _profile(
            lambda: SearchIndex.open(edited, cache_dir=cache0).close()
        )


# -- memory --------------------------------------------------------------------------------


def bench_memory(ctx: Context) -> None:
    """Peak RSS (VmHWM) in tmux after first paint and a search, vs a minimal Textual app."""
    found = _tmux_library(ctx, "memory", "memory")
    if found is None:
        return
    s = ctx.settings
    path, library = found
    markers = corpus.paint_markers(library, 16)
    query = corpus.typed_queries(library, 1, seed=17, words=s.words)[0]
    ours: list[float] = []
    searched = True
    after_paint: list[float] = []
    ref: list[float] = []
    for i in range(s.reps(1, 2)):
        for which in [0, 1] if i % 2 == 0 else [1, 0]:
            with TmuxTerminal(100, 30, ctx.rundir / "tmux") as term:
                if which == 0:
                    t0 = term.launch(ctx.app_argv(str(path)), ctx.cached_env(path, ssh=True))
                    if (
                        term.wait_for_screen(
                            lambda sc: any(m in sc for m in markers), t0, s.paint_timeout
                        )
                        is None
                    ):
                        raise RuntimeError(f"briefing-tui did not paint: {term.screen()}")
                    term.wait_quiet(1.0, 30)
                    pid = term.pane_pid()
                    after_paint.append(float(vm_hwm(pid) or math.nan))
                    opened, _ = term.key_latency("/", literal=True, quiet=0.3)
                    if opened is not None:  # only type into a search pane (q quits otherwise)
                        term.send_keys(query, literal=True)
                        term.wait_quiet(1.0, 30)
                    else:
                        searched = False
                    ours.append(float(vm_hwm(pid) or math.nan))
                else:
                    t0 = term.launch([sys.executable, str(MINIMAL_APP)], child_env())
                    if term.wait_for_screen(lambda sc: MINIMAL_MARKER in sc, t0, 60) is None:
                        raise RuntimeError("the minimal app did not paint")
                    term.wait_quiet(0.5, 10)
                    ref.append(float(vm_hwm(term.pane_pid()) or math.nan))
    ctx.rows.append(
        Row(
            "memory",
            f"peak memory (VmHWM), {s.briefings:,} briefings open",
            "median",
            median(ours),
            "mem",
            median(ref),
            "minimal Textual app",
            "<= 150 MB",
            150 * 2**20,
            note=f"after first paint: {median(after_paint) / 2**20:.1f} MB; peak after `/` and "
            f"typing `{query}`"
            + ("" if searched else " (NOT DONE: `/` opened no search pane, so no search ran)"),
            samples=len(ours),
        )
    )
    ctx.log(f"  memory: {median(ours) / 2**20:.1f} MB vs {median(ref) / 2**20:.1f} MB")


# -- live reload while idle ----------------------------------------------------------------


def _context_switches() -> float:
    """Voluntary context switches of every thread of this process so far (Linux; NaN
    elsewhere): each is a thread going to sleep, so their rate counts wake-ups."""
    import os

    total = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return math.nan
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        total += int(line.split(":")[1])
        except (OSError, ValueError):
            continue
    return float(total)


@dataclass
class _IdleWatch:
    trigger: str
    cpu: float  # share of a core, in %
    switches: float  # voluntary context switches per second, every thread
    wakeups: float  # the watch loop's own wake-ups per second
    polls: float  # polls per second (each stats every file)
    latency: list[float]  # from an edit's write to its reload


def _watch_idle_once(
    ctx: Context, watcher: object, files: list[Path], use_events: bool, idle: float, edits: int
) -> _IdleWatch:
    import threading

    from briefing_tui.watch import LibraryWatcher, Reload, WatchLoop

    assert isinstance(watcher, LibraryWatcher)
    stop = threading.Event()
    delivered: list[tuple[float, Reload]] = []

    def deliver(change: Reload) -> bool:
        delivered.append((time.perf_counter(), change))
        return True

    loop = WatchLoop(watcher, stop, deliver, interval=0.5, use_events=use_events)
    thread = threading.Thread(target=loop.run, name="bench-watch", daemon=True)
    thread.start()
    try:
        # Settled: the first poll done (the loop woke twice more since), nothing racy.
        deadline = time.monotonic() + 60
        while (loop.wakeups < 3 or watcher.racy_pending) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        polls0, wake0, sw0 = watcher.polls, loop.wakeups, _context_switches()
        c0, w0 = time.process_time(), time.perf_counter()
        time.sleep(idle)
        wall = time.perf_counter() - w0
        cpu = time.process_time() - c0
        result = _IdleWatch(
            loop.trigger,
            100 * cpu / wall,
            (_context_switches() - sw0) / wall,
            (loop.wakeups - wake0) / wall,
            (watcher.polls - polls0) / wall,
            [],
        )
        for i in range(edits):
            path = files[(i * 7919 + (0 if use_events else 3)) % len(files)]
            seen = len(delivered)
            t0 = time.perf_counter()
            _edit_title(path, f"watched{i}{'e' if use_events else 'p'}")
            limit = time.monotonic() + 10
            while time.monotonic() < limit and not any(
                path in c.reloaded for _, c in delivered[seen:]
            ):
                time.sleep(0.002)
            hit = [t for t, c in delivered[seen:] if path in c.reloaded]
            result.latency.append(hit[0] - t0 if hit else math.nan)
            # Back to waiting (it woke again after that poll), then a pause.
            woke = loop.wakeups
            limit = time.monotonic() + 10
            while loop.wakeups == woke and time.monotonic() < limit:
                time.sleep(0.01)
            time.sleep(0.2 + 0.1 * (i % 3))
        return result
    finally:
        stop.set()
        thread.join(5)


def watch_idle_measure(
    ctx: Context, n: int, idle: float, edits: int
) -> tuple[_IdleWatch, _IdleWatch, int, float]:
    """The watch loop idle on ``n`` briefings, by file events and by polling: (events,
    polling, how many files are watched, seconds to load the library)."""
    from briefing_tui.cache.snapshot import LibraryCache
    from briefing_tui.watch import LibraryWatcher

    source = ctx.library_path(n)
    # A copy kept between runs (the edited files are put back after each), loaded as the
    # app loads it: through the parsed-library snapshot, kept between runs too.
    work = ctx.workdir / f"watch-{source.name}"
    if not (work / ".complete").exists():
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(source, work, ignore=shutil.ignore_patterns(".complete"))
        (work / ".complete").write_text("ok\n", encoding="utf-8")
    cache = LibraryCache([work], ctx.workdir / f"watch-snapshot-{source.name}")
    watcher = LibraryWatcher([work], loader=cache.result)
    t0 = time.perf_counter()
    library = watcher.load()
    cache.finish([r.path for r in library.results])
    load_s = time.perf_counter() - t0
    files = sorted((work / "briefings").glob("*.yaml"))
    gc.collect()
    gc.freeze()  # as the app does after start-up: no collection walks the library
    try:
        events = _watch_idle_once(ctx, watcher, files, True, idle, edits)
        polling = _watch_idle_once(ctx, watcher, files, False, idle, edits)
    finally:
        gc.unfreeze()
        for path in files:  # the edited ones back as generated
            if path.stat().st_size != (source / path.relative_to(work)).stat().st_size:
                shutil.copyfile(source / path.relative_to(work), path)
    return events, polling, len(files) + len(watcher.sources), load_s


def bench_watch_idle(ctx: Context) -> None:
    """Idle CPU and wake-ups of live reload (file events) beside stat polling every 0.5 s."""
    s = ctx.settings
    n = s.briefings if s.quick else 10 * s.briefings
    idle = s.idle if s.idle is not None else (5.0 if s.quick else 10.0)
    events, polling, watched, load_s = watch_idle_measure(ctx, n, idle, s.reps(3, 5))
    what = f"{n:,} briefings ({watched:,} files), idle {idle:g} s"
    ref = "stat polling every 0.5 s, before"
    note = (
        f"trigger {events.trigger!r}; the loop woke {events.wakeups:.1f}/s "
        f"(polling: {polling.wakeups:.1f}/s) and polled {events.polls:.2f}/s "
        f"(polling: {polling.polls:.2f}/s); library loaded in {fmt_s(load_s)}"
    )
    ctx.rows.append(
        Row(
            "watch_idle",
            f"live reload while idle: CPU, {what}",
            f"over {idle:g} s",
            events.cpu,
            "%",
            polling.cpu,
            ref,
            note=note,
            samples=1,
        )
    )
    ctx.rows.append(
        Row(
            "watch_idle",
            f"live reload while idle: wake-ups per second (context switches), {what}",
            f"over {idle:g} s",
            round(events.switches, 1),
            "count",
            round(polling.switches, 1),
            ref,
            note="voluntary context switches per second of every thread of the process "
            "(the main thread sleeps): watchfiles checks its stop event every 50 ms",
            samples=1,
        )
    )
    ctx.rows.append(
        Row(
            "watch_idle",
            f"live reload: edit to reload delivered, {n:,} briefings",
            "median",
            median(events.latency),
            "s",
            median(polling.latency),
            "stat polling every 0.5 s, before",
            samples=len(events.latency),
            note="a commitment title edited in place; from the write to the watch loop "
            "handing over the reload (the app then redraws)",
        )
    )
    ctx.log(
        f"  watch_idle: {events.cpu:.2f}% vs {polling.cpu:.2f}% of a core, "
        f"{events.switches:.1f} vs {polling.switches:.1f} switches/s; edit to reload "
        f"{fmt_ms(median(events.latency))} vs {fmt_ms(median(polling.latency))}"
    )


# -- the custom Whoosh writer and scorer vs Whoosh's own ----------------------------------------


def _whoosh_build(library: Library, folder: Path, stock: bool) -> tuple[object, list[str], float]:
    """Index ``library`` as the app does (same schema and documents), with the custom writer,
    or with Whoosh's own SegmentWriter (which takes plain term lists: no title mark in the
    text field's weights, no prefix weights)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from briefing_tui.search.schema import analysed, make_schema, raw_documents
    from briefing_tui.search.writer import FastSegmentWriter

    folder.mkdir(parents=True)
    ix = FileStorage(str(folder)).create_index(make_schema())
    words: set[str] = set()
    gc.collect()
    t0 = time.perf_counter()
    writer = SegmentWriter(ix) if stock else FastSegmentWriter(ix)
    for b in library.briefings:
        for raw in raw_documents(b):
            doc = analysed(raw)
            words.update(doc.pop("_words"))
            if stock:
                doc["text"] = list(doc["text"].terms)
                doc["pre"] = list(doc["pre"])
            writer.add_document(**doc)
    writer.commit()
    return ix, sorted(words), time.perf_counter() - t0


def bench_whoosh_own(ctx: Context) -> None:
    """Index build and search per keystroke: the custom writer and scorer vs Whoosh's own."""
    from whoosh import scoring

    from briefing_tui.search.engine import Engine
    from briefing_tui.search.scoring import FastBM25F
    from briefing_tui.search.store import OpenIndex, wanted_hashes

    s = ctx.settings
    n = min(200, s.briefings)
    library = ctx.library(ctx.library_path(n))
    builds: dict[bool, list[float]] = {False: [], True: []}
    built: dict[bool, tuple[object, list[str]]] = {}
    for r in range(s.reps(1, 3)):
        for stock in (False, True) if r % 2 == 0 else (True, False):
            folder = ctx.rundir / f"whoosh-own-{'stock' if stock else 'custom'}-{r}"
            ix, words, seconds = _whoosh_build(library, folder, stock)
            builds[stock].append(seconds)
            built.setdefault(stock, (ix, words))
    engines: dict[bool, Engine] = {}
    for stock, (ix, words) in built.items():
        weighting = scoring.BM25F() if stock else FastBM25F()
        searcher = ix.searcher(weighting=weighting)  # type: ignore[attr-defined]
        opened = OpenIndex(
            ix, searcher, wanted_hashes(library), searcher.doc_count(), None, "memory"
        )
        opened._words = words
        engines[stock] = Engine(library, opened)
    queries = corpus.typed_queries(library, s.n_queries(6, 20), words=s.words)

    def one(stock: bool, prefix: str) -> tuple[float, list[tuple[str, str]]]:
        engine = engines[stock]
        engine._cache.clear()  # no sample is a result-cache hit
        t0 = time.perf_counter()
        result = engine.search(prefix, 20)
        for h in result.hits:
            _ = (h.title, h.snippet, h.highlights, h.month)
        return time.perf_counter() - t0, [(h.briefing, h.id) for h in result.hits]

    for prefix in corpus.keystrokes(queries[0]):  # warm-up, not counted
        one(False, prefix)
        one(True, prefix)
    times: dict[bool, list[float]] = {False: [], True: []}
    same_top = prefixes = 0
    gc.collect()
    for qi, query in enumerate(queries):
        for prefix in corpus.keystrokes(query):
            answers = {}
            for stock in (False, True) if qi % 2 == 0 else (True, False):
                seconds, hits = one(stock, prefix)
                times[stock].append(seconds)
                answers[stock] = hits
            prefixes += 1
            same_top += answers[False][:1] == answers[True][:1]
    for engine in engines.values():
        engine.close()
    docs = engines[False].opened.docs
    what = f"{n:,} briefings ({docs:,} documents)"
    ref = "Whoosh's own SegmentWriter + BM25F"
    ctx.rows.append(
        Row(
            "whoosh_own",
            f"index build (analysis + write): custom writer vs Whoosh's own, {what}",
            "median",
            median(builds[False]),
            "s",
            median(builds[True]),
            "Whoosh's own SegmentWriter",
            samples=len(builds[False]),
            note="the same documents and schema; Whoosh's writer gets plain term lists (it "
            "cannot store the title mark or the prefix weights)",
        )
    )
    ctx.rows.append(
        Row(
            "whoosh_own",
            f"search per keystroke (result cache cleared): custom writer + scorer vs Whoosh's "
            f"own, {what}",
            "p95",
            p95(times[False]),
            "s",
            p95(times[True]),
            ref + " p95",
            samples=len(times[False]),
            note=f"{len(queries)} queries typed letter by letter; p50 "
            f"{fmt_ms(median(times[False]))} vs {fmt_ms(median(times[True]))}; the best hit "
            f"is the same for {same_top} of {prefixes} prefixes (Whoosh's own cannot rank "
            "title words first)",
        )
    )
    ctx.log(
        f"  whoosh_own: build {fmt_s(median(builds[False]))} vs {fmt_s(median(builds[True]))}; "
        f"keystroke p95 {fmt_ms(p95(times[False]))} vs {fmt_ms(p95(times[True]))}"
    )


def bench_commands(ctx: Context) -> None:
    """`index` and `search` as commands at every size (benchmarks/commands.py)."""
    from benchmarks.commands import bench_commands as run

    run(ctx)


def bench_scale(ctx: Context) -> None:
    """Issue 15's table at 1,000 and 10,000 briefings (benchmarks/scale.py)."""
    from benchmarks.scale import bench_scale as run

    run(ctx)


BENCHMARKS: dict[str, Callable[[Context], None]] = {
    "load": bench_load,
    "first_paint": bench_first_paint,
    "search": bench_search,
    "keystroke": bench_keystroke,
    "bytes": bench_bytes,
    "index": bench_index,
    "memory": bench_memory,
    "watch_idle": bench_watch_idle,
    "whoosh_own": bench_whoosh_own,
    "commands": bench_commands,
    "scale": bench_scale,
}
