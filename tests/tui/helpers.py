"""Helpers shared by the UI tests (no tests here): libraries, waiting, screen text."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.screens.browser import BrowserScreen

if TYPE_CHECKING:
    from briefing_tui.search import ProgressCallback, SearchIndex


def aio(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test on its own event loop (no pytest-asyncio needed)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


SEED_ID = "pk-us-security-talks-2025-11"

# A second briefing over the same article: it names an actor of the seed briefing (the same
# actor id is the same actor across the library) and links to one of its events.
SECOND = """\
format: 1
id: second-briefing
title: A second briefing on the same talks
summary: Used by the UI tests.
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: The same article, read again
  when: {precision: day, month: 2025-11, day: 8}
actors:
  - id: mohsin-naqvi
    name: Mohsin Naqvi
    kind: person
    role: Interior Minister
    evidence: ["Interior Minister Mohsin Naqvi"]
  - id: natalie-baker
    name: Natalie Baker
    kind: person
    evidence: ["Acting US Ambassador Natalie Baker"]
commitments:
  - id: scanning-at-airports
    title: Install scanning machines at major airports
    kind: plan
    status: underway
    by: [mohsin-naqvi]
    when: {precision: month, month: 2025-11}
    related: ["pk-us-security-talks-2025-11:naqvi-baker-meeting"]
    evidence: ["state-of-the-art scanning machines were being installed"]
"""


def two_briefing_library(library_dir: Path) -> Library:
    (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
    library = load_library([library_dir])
    assert not library.problems, [str(p) for p in library.problems]
    assert len(library.briefings) == 2
    return library


# Per test process: each library an app opened (kept, so that its id is not reused), and a
# copy of its search index once it was opened a second time. The copies are removed when the
# process ends.
_SEEN: dict[int, Library] = {}
_BUILT: dict[int, Path] = {}
_COPIES = tempfile.TemporaryDirectory(prefix="briefing-tui-test-index-")


def reused_index(library: Library, progress: ProgressCallback) -> SearchIndex:
    """The apps' index factory in the UI tests: a library opened more than once in a test
    process (the session's seed library, by hundreds of tests) has its index copied into
    each test's own cache rather than built again (0.1 s each). The app opens the copy as it
    would its own index, checking each briefing's content hash."""
    from briefing_tui.paths import cache_dir
    from briefing_tui.tui.app import default_index_factory

    target = cache_dir() / "index"
    built = _BUILT.get(id(library))
    if built is not None and not target.exists():
        shutil.copytree(built, target)
    index = default_index_factory(library, progress)
    if built is None and id(library) in _SEEN and target.is_dir():
        _BUILT[id(library)] = Path(_COPIES.name) / str(len(_BUILT))
        shutil.copytree(target, _BUILT[id(library)])
    _SEEN.setdefault(id(library), library)
    return index


def at_first_frame(app: BriefingApp, then: Callable[[], None]) -> None:
    """Call ``then`` as the app hands its first frame to the terminal (in its
    ``frame_displayed``, right after the app marks the first frame shown)."""
    display = app.frame_displayed

    def spy(screen: Any, renderable: Any) -> None:
        first = not app.first_frame_shown
        display(screen, renderable)
        if first and app.first_frame_shown:
            then()

    app.frame_displayed = spy  # type: ignore[method-assign]


def make_app(library: Library, **kwargs: object) -> BriefingApp:
    """The app as the UI tests run it: in ssh_mode (no cursor blink: stable screens), with
    the index built once per test process for each library (:func:`reused_index`)."""
    kwargs.setdefault("ssh_mode", True)
    kwargs.setdefault("index_factory", reused_index)
    return BriefingApp(library, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait for the index worker and for pending messages."""
    app = pilot.app
    assert isinstance(app, BriefingApp)
    await asyncio.wait_for(app.wait_for_index(), timeout)
    await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` between UI turns until true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        await pilot.pause(0.01)


def browser(app: BriefingApp) -> BrowserScreen:
    screen = app.browser
    assert screen is not None
    return screen


def screen_text(app: BriefingApp) -> str:
    """The screen as plain text, as a terminal shows it."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[c if c != " " else "space" for c in text])


def generated_library(out: Path, briefings: int) -> Library:
    """A deterministic generated library of ``briefings`` briefings in ``out``, written by
    benchmarks/make_library.py (the benchmarks' corpus)."""
    from benchmarks import make_library

    make_library.main(["--briefings", str(briefings), str(out)])
    library = load_library([out])
    assert len(library.briefings) == briefings
    return library


@contextlib.contextmanager
def replaced(owner: type, name: str, value: object) -> Iterator[None]:
    """``owner.name`` (a class's method, say) is ``value`` while the block runs, and what it
    was again after."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextlib.asynccontextmanager
async def started(
    app: BriefingApp, size: tuple[int, int], **run_test: Any
) -> AsyncIterator[Pilot[None]]:
    """``app`` running headless at ``size`` (``run_test``: more of its options), its first
    screen settled."""
    async with app.run_test(size=size, **run_test) as pilot:
        await settle(pilot)
        yield pilot


@contextlib.asynccontextmanager
async def after_keys(
    library: Library, size: tuple[int, int], *keys: str
) -> AsyncIterator[tuple[Pilot[None], BriefingApp]]:
    """An app on ``library`` started at ``size``, once ``keys`` are pressed and handled."""
    app = make_app(library)
    async with started(app, size) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        yield pilot, app


async def search_for(pilot: Pilot[None], app: BriefingApp, query: str) -> Any:
    """Open search (``/``), type ``query`` and wait for its result: the search pane."""
    pane = browser(app).search
    await pilot.press("slash")
    await type_text(pilot, query)
    await until(pilot, lambda: pane.result is not None and pane.result.query == query)
    return pane


def index_when(release: Any) -> Callable[[Library, object], object]:
    """An index factory that opens the real index only once ``release`` (a threading.Event)
    is set, within 10 s: for what happens while the index is opening."""

    def factory(library: Library, progress: object) -> object:
        release.wait(10)
        from briefing_tui.search import SearchIndex

        return SearchIndex.open(library)

    return factory


def with_stand_in_index(library: Library, index_type: Callable[[Library], Any]) -> Any:
    """An app over ``library`` whose index is ``index_type(library)``, and a list that holds
    that index once the app opened it: ``(app, [index])``."""
    made: list[Any] = []

    def factory(lib: Library, progress: object) -> Any:
        if not made:
            made.append(index_type(lib))
        return made[0]

    return make_app(library, index_factory=factory), made


def run_app_probed(tmp_path: Path, probe: str) -> subprocess.CompletedProcess[str]:
    """``run_app`` on the bundled library in a fresh interpreter (its cache and state in
    ``tmp_path``), ``BriefingApp.run`` replaced by ``probe``: Python run where the app would
    start, with the app as ``app`` and ``sys`` imported. What it prints is the stdout."""
    code = (
        "import os, sys\n"
        "import briefing_tui.tui.run as run\n"
        "from briefing_tui.paths import bundled_library\n"
        "def started(app, *args, **kwargs):\n"
        + textwrap.indent(textwrap.dedent(probe).strip("\n"), "    ")
        + "\n    sys.stdout.flush()\n"
        "    os._exit(0)\n"
        "run.BriefingApp.run = started\n"
        "run.run_app([bundled_library()])\n"
    )
    env = dict(os.environ, BRIEFING_TUI_CACHE=str(tmp_path / "c"))
    env["BRIEFING_TUI_STATE"] = str(tmp_path / "s")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
