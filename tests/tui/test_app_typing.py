"""Typing in the search box costs a repaint of the box, not a layout of the whole screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from textual.screen import Screen

from briefing_tui.briefing.library import Library
from tests.tui.helpers import (
    aio,
    browser,
    index_when,
    make_app,
    replaced,
    screen_text,
    settle,
    started,
    type_text,
    until,
)


@contextmanager
def layouts_counted() -> Iterator[list[int]]:
    """Count layouts of a screen (``Screen._refresh_layout``) while the block runs."""
    count = [0]
    original = Screen._refresh_layout

    def counting(self: Screen[object], *args: object, **kwargs: object) -> None:
        count[0] += 1
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    with replaced(Screen, "_refresh_layout", counting):
        yield count


@aio
async def test_typing_asks_for_no_layout_of_the_screen(seed_library: Library) -> None:
    release = threading.Event()
    app = make_app(seed_library, index_factory=index_when(release))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "p")  # the status line says the index is opening
        await pilot.pause()
        with layouts_counted() as layouts:
            await type_text(pilot, "akistan and")
            await pilot.pause()
        assert layouts[0] == 0
        assert browser(app).search.query_text == "pakistan and"
        release.set()
        await settle(pilot)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
@aio
async def test_a_query_longer_than_the_box_scrolls_to_the_cursor(
    seed_library: Library, size: tuple[int, int]
) -> None:
    app = make_app(seed_library)
    async with started(app, size) as pilot:
        await pilot.press("slash")
        query = "united states immigration and narcotics cooperation " * 2 + "zq"
        await type_text(pilot, query)
        box = browser(app).search.input
        await until(pilot, lambda: box.scroll_offset.x > 0)
        assert len(query) > box.content_region.width
        assert "cooperation zq" in screen_text(app)  # the end of the query, where the cursor is
        await pilot.press("home")
        await until(pilot, lambda: box.scroll_offset.x == 0)
        assert "united states" in screen_text(app)


@aio
async def test_new_results_are_repainted_without_a_layout_of_the_screen(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = browser(app).search
        await pilot.press("slash")
        await type_text(pilot, "pakistan")
        await until(pilot, lambda: bool(pane.hits) and pane.result is not None)
        first = pane.result
        with layouts_counted() as layouts:
            await type_text(pilot, " sec")
            await until(pilot, lambda: pane.result is not first and pane.query_text.endswith("sec"))
            await until(
                pilot, lambda: pane.result is not None and pane.result.query == "pakistan sec"
            )
            await pilot.pause()
        assert pane.result is not None and pane.result.hits != first.hits  # new results shown
        assert layouts[0] == 0
        shown = screen_text(app)
        assert pane.result.hits[0].title.split()[0] in shown


@aio
async def test_results_that_fill_the_list_or_stop_filling_it_ask_for_no_layout(
    seed_library: Library,
) -> None:
    """More results than the list holds, then none, then more again: its (zero-width)
    scrollbar stays, so no key lays the screen out (showing or hiding the scrollbar did:
    a layout of the whole screen for such a key)."""
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = browser(app).search
        results = pane.results
        await pilot.press("slash")

        async def shown(query: str) -> None:
            await until(pilot, lambda: pane.result is not None and pane.result.query == query)
            await pilot.pause()

        await type_text(pilot, "pakistan")
        await shown("pakistan")
        assert results.virtual_size.height > results.size.height  # more than it holds
        with layouts_counted() as layouts:
            for _ in range(len("akistan")):
                await pilot.press("backspace")
            await until(pilot, lambda: "Keep typing" in pane.status)
            await pilot.pause()
            assert results.option_count == 0
            await type_text(pilot, "akistan")
            await shown("pakistan")
        assert results.virtual_size.height > results.size.height
        assert layouts[0] == 0
        await pilot.press("pagedown")  # the results still scroll
        await until(pilot, lambda: results.scroll_offset.y > 0)


@contextmanager
def updates_compared() -> Iterator[list[tuple[str, str]]]:
    """Each partial update of the browser, as written to the terminal by the app's
    compositor (which draws only the widgets it changes) and by Textual's own, for the same
    changes: pairs of the text written."""
    from rich.console import Console
    from textual._compositor import Compositor

    from briefing_tui.tui.compat import CroppedCompositor

    pairs: list[tuple[str, str]] = []
    console = Console(width=100, height=30, force_terminal=True, color_system="truecolor")
    original = CroppedCompositor.render_partial_update

    def both(self: Compositor) -> object:
        regions = set(self._dirty_regions)
        ours = original(self)
        self._dirty_regions = regions  # as they were, for Textual's own
        self.__class__ = Compositor
        try:
            theirs = Compositor.render_partial_update(self)
        finally:
            self.__class__ = CroppedCompositor
        if ours is not None and theirs is not None:
            pairs.append((ours.render_segments(console), theirs.render_segments(console)))
        return ours

    with replaced(CroppedCompositor, "render_partial_update", both):
        yield pairs


@aio
async def test_a_key_draws_only_what_it_changes_and_writes_what_textual_would(
    seed_library: Library,
) -> None:
    """A key echoed in the search box, and its results, are drawn without asking the panes
    they do not touch (the navigator, the detail) for their lines; the bytes written are
    the same as with Textual's own compositor."""
    from briefing_tui.tui.compat import CroppedCompositor

    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = browser(app)
        pane = screen.search
        assert type(screen._compositor) is CroppedCompositor
        await pilot.press("slash")
        await settle(pilot)
        asked: list[str] = []
        for pane_widget in (screen.navigator, screen.detail):
            original = pane_widget.render_lines

            def counting(
                crop: object, original: object = original, name: str = str(pane_widget.id)
            ) -> object:
                if type(screen._compositor) is CroppedCompositor:  # (not Textual's, compared)
                    asked.append(name)
                return original(crop)  # type: ignore[operator]

            pane_widget.render_lines = counting  # type: ignore[method-assign,assignment]
        with updates_compared() as pairs:
            for query in ("pakistan", "pakistan sec"):
                await type_text(pilot, query[len(pane.query_text) :])
                await until(
                    pilot, lambda q=query: pane.result is not None and pane.result.query == q
                )
                await pilot.pause()
            await pilot.press("down")
            await pilot.pause()
        assert len(pairs) >= 3
        assert all(ours == theirs for ours, theirs in pairs)
        assert asked == []
