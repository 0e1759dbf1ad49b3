"""Snapshot tests (pytest-textual-snapshot) of the main views at 80x24, 120x36 and 160x48
(tabs, three panes, four).

Stable by construction: the bundled briefing (fixed data), ssh_mode (no cursor blink,
no animation), no clock, and every screenshot taken after the index worker is done.
Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and review the SVGs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from briefing_tui.briefing.library import Library
from briefing_tui.tui.app import BriefingApp
from tests.tui.helpers import generated_library, make_app, two_briefing_library

SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 36), id="120x36"),
    pytest.param((160, 48), id="160x48"),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A deterministic generated library of 40 briefings (benchmarks/make_library.py)."""
    return generated_library(tmp_path_factory.mktemp("gen") / "lib", 40)


def ready(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, BriefingApp)
        await asyncio.wait_for(app.wait_for_index(), 10)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_first_screen(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready())


@pytest.mark.parametrize("size", SIZES)
def test_search_with_many_results(
    snap_compare: Any, generated: Library, size: tuple[int, int]
) -> None:
    keys = ("slash", *"aviation")
    assert snap_compare(make_app(generated), terminal_size=size, run_before=ready(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_switcher_filtered(snap_compare: Any, generated: Library, size: tuple[int, int]) -> None:
    keys = ("b", *"argentina")
    assert snap_compare(make_app(generated), terminal_size=size, run_before=ready(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_detail_grouped_backlinks(
    snap_compare: Any, seed_library: Library, size: tuple[int, int]
) -> None:
    # Pakistan in the detail pane, scrolled to its backlinks (a long group folded).
    keys = ("enter", "G", "L")
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_actor_selected(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready("j"))


@pytest.mark.parametrize("size", SIZES)
def test_commitment_selected(
    snap_compare: Any, seed_library: Library, size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(seed_library), terminal_size=size, run_before=ready("2", "j", "j", "enter")
    )


@pytest.mark.parametrize("size", SIZES)
def test_context_by_month(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready("3", "G"))


@pytest.mark.parametrize("size", SIZES)
def test_source_pane(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready("2", "j", "s"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(
        make_app(seed_library), terminal_size=size, run_before=ready("question_mark")
    )


@pytest.mark.parametrize("size", SIZES)
def test_switcher(snap_compare: Any, library_dir: Path, size: tuple[int, int]) -> None:
    library = two_briefing_library(library_dir)
    assert snap_compare(make_app(library), terminal_size=size, run_before=ready("b"))


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    keys = ("slash", *"naqvi")
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_speakers(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    keys = ("6", "G")  # the last speaker's last sentence: the source marks it
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_overview(snap_compare: Any, seed_library: Library, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_library), terminal_size=size, run_before=ready("i"))
