"""Start-up: what the first frame does not show comes after it (the search pane where it is
hidden, the footer), and works as if it had been there from the start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefing_tui.briefing.library import Library
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.widgets.search_pane import SearchInput, SearchPane
from tests.tui.helpers import (
    aio,
    at_first_frame,
    browser,
    make_app,
    run_app_probed,
    settle,
    until,
)


def search_mounted(app: Any) -> bool:
    return bool(browser(app).query(SearchPane))


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@aio
async def test_a_hidden_search_pane_is_mounted_after_the_first_frame(
    seed_library: Library, size: tuple[int, int]
) -> None:
    mounted_at_first_frame: list[bool] = []
    app = make_app(seed_library)
    at_first_frame(app, lambda: mounted_at_first_frame.append(search_mounted(app)))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        assert mounted_at_first_frame == [False]
        await until(pilot, lambda: search_mounted(app))
        pane = browser(app).search
        assert pane.parent is browser(app).query_one("#body")
        assert [w.id for w in pane.parent.children] == ["navigator", "detail", "source", "search"]
        await settle(pilot)
        assert "Type to search" in str(pane.query_one("#search-status").render())


@aio
async def test_the_search_pane_shows_in_the_first_frame_where_all_four_panes_do(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        pane = browser(app).search
        assert pane.is_mounted and pane.region.width > 0


def never_deferred(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deferred mount never comes by itself: the pane is mounted when first opened."""

    async def nothing(self: BrowserScreen) -> None:
        return None

    monkeypatch.setattr(BrowserScreen, "mount_deferred", nothing)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@aio
async def test_slash_before_the_search_pane_is_mounted_opens_it_and_the_keys_land_in_it(
    seed_library: Library, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    never_deferred(monkeypatch)
    app = make_app(seed_library)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        await settle(pilot)
        assert not search_mounted(app)
        await pilot.press("slash", "n", "a", "r", "c")  # one burst, as a paste
        screen = browser(app)
        assert search_mounted(app)
        assert isinstance(screen.focused, SearchInput)
        assert screen.search.query_text == "narc"
        assert screen.current_pane() == "search"
        await until(pilot, lambda: bool(screen.search.hits))
        assert screen.search.input.cursor_blink is False  # ssh_mode, as from the start
        await pilot.press("escape")
        assert screen.current_pane() == "navigator"


@aio
async def test_tab_to_the_search_pane_before_it_is_mounted_opens_it(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_deferred(monkeypatch)
    app = make_app(seed_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "u", "s")
        screen = browser(app)
        assert screen.current_pane() == "search"
        assert screen.search.has_class("-shown") and screen.search.region.width == 80
        assert screen.search.query_text == "us"
        await pilot.press("tab")  # round to the navigator
        assert screen.current_pane() == "navigator"
        assert not screen.search.has_class("-shown")


@aio
async def test_widening_to_four_panes_shows_the_search_pane(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(160, 40)
        await until(pilot, lambda: browser(app).search.region.width > 0)


def test_importing_the_app_leaves_the_footer_widgets_for_later() -> None:
    """Textual's footer (and its label) are imported when the footer is mounted, after the
    first frame."""
    code = (
        "import sys, briefing_tui.tui.app, briefing_tui.tui.run; "
        "print(sorted(m for m in ('textual.widgets._footer', 'briefing_tui.tui.widgets.footer')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_a_library_opened_from_its_snapshot_leaves_the_loader_unimported(
    tmp_path: Path,
) -> None:
    """The app, run on a library its snapshot holds, imports neither the loader's parsing
    and checking (briefing_tui.briefing.loader, the schema, the attribution rules) nor
    YAML nor json before it runs: a load result is briefing_tui.briefing.results."""
    probe = """
        names = ('briefing_tui.briefing.loader', 'briefing_tui.briefing.schema',
                 'briefing_tui.briefing.attribution', 'yaml', 'json')
        print(sorted(n for n in names if n in sys.modules))
    """
    # the first reads the YAML (and writes the snapshot)
    runs = [run_app_probed(tmp_path, probe) for _ in range(2)]
    assert "yaml" in runs[0].stdout, runs[0].stderr
    assert runs[1].stdout.strip() == "[]", runs[1].stderr


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@aio
async def test_leaving_while_the_search_pane_is_being_mounted_is_clean(
    seed_library: Library, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app leaves right after the first frame (an SSH link dropped, as
    tests/e2e/test_exit.py drops it): the pane on its way is mounted without its input and
    list, and sets nothing up (it was NoMatches, a crash log and exit 70)."""
    never_deferred(monkeypatch)
    app = make_app(seed_library)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        browser(app).mount_search()
        app.exit()
        await pilot.pause()
    assert app.return_code in (0, None)
    assert app._exception is None
