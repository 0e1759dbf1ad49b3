"""Pilot tests of the layout by width: tabs, three panes, four; readable widths; resizing."""

from __future__ import annotations

import pytest

from briefing_tui.briefing.library import Library
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.widgets.detail import LABEL_WIDTH
from tests.tui.helpers import (
    after_keys,
    aio,
    browser,
    make_app,
    screen_text,
    settle,
    type_text,
    until,
)

NARROW = (80, 24)
MEDIUM = (120, 36)
WIDE = (160, 48)


def shown(app: BriefingApp) -> set[str]:
    screen = browser(app)
    return {
        name
        for name in ("navigator", "detail", "source", "search")
        if (w := screen.query_one(f"#{name}")).display and w.region.area > 0
    }


@pytest.mark.parametrize(
    ("size", "klass", "panes"),
    [
        (NARROW, "-narrow", {"navigator"}),
        ((99, 30), "-narrow", {"navigator"}),
        ((100, 30), "-wide", {"navigator", "detail", "source"}),
        (MEDIUM, "-wide", {"navigator", "detail", "source"}),
        ((149, 40), "-wide", {"navigator", "detail", "source"}),
        ((150, 40), "-widest", {"navigator", "detail", "source", "search"}),
        (WIDE, "-widest", {"navigator", "detail", "source", "search"}),
    ],
)
@aio
async def test_breakpoints_choose_tabs_three_or_four_panes(
    seed_library: Library, size: tuple[int, int], klass: str, panes: set[str]
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert browser(app).has_class(klass)
        assert shown(app) == panes


@aio
async def test_at_120_columns_source_and_detail_text_is_readable(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=MEDIUM) as pilot:
        await settle(pilot)
        screen = browser(app)
        # A Source line: the pane's content less the cursor gutter, number, count and mark.
        source_text = screen.source.scrollable_content_region.width - 1 - 3 - 4 - 3
        assert source_text >= 40
        # A Detail value: the content less the cursor gutter, the label and its padding.
        detail_value = screen.detail.scrollable_content_region.width - 1 - LABEL_WIDTH - 1
        assert detail_value >= 30


@aio
async def test_third_column_shows_search_while_searching_then_source(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=MEDIUM) as pilot:
        await settle(pilot)
        screen = browser(app)
        await pilot.press("slash")
        await pilot.pause()
        assert shown(app) == {"navigator", "detail", "search"}
        await type_text(pilot, "naqvi")
        await until(pilot, lambda: bool(screen.search.hits))
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app) == {"navigator", "detail", "source"}
        # Opening a result also gives the third column back to the source.
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert screen.current_pane() == "detail"
        assert shown(app) == {"navigator", "detail", "source"}


@aio
async def test_side_by_side_the_highlighted_result_is_previewed(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = browser(app)
        before = screen.navigator.highlighted_item
        assert before is not None
        await pilot.press("slash")
        await type_text(pilot, "zero tolerance")
        await until(pilot, lambda: len(screen.search.hits) > 2)
        await pilot.pause(0.3)
        assert screen.detail.ref is not None and screen.detail.ref.item == before.id  # typing
        # Moving through the results previews them.
        at = next(i for i, h in enumerate(screen.search.hits) if i and h.kind != "sentence")
        await pilot.press(*["down"] * at)
        hit = screen.search.hits[at]
        assert hit.id != before.id
        await until(pilot, lambda: screen.detail.ref == hit.ref)
        item = seed_library.item(hit.ref)
        assert item is not None
        quoted = {n for ev in item.evidence for n in ev.sentences}
        assert screen.source.evidence == quoted  # marked in the source too
        # Leaving search without opening: the navigator's item is shown again.
        await pilot.press("escape")
        await pilot.pause()
        assert screen.detail.ref is not None and screen.detail.ref.item == before.id
        assert screen.navigator.highlighted_item == before


@aio
async def test_resizing_keeps_each_panes_cursor_in_view(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = browser(app)
        await pilot.press("s", *["j"] * 15)
        await pilot.pause()
        assert screen.source.sentence == 16
        for size in (NARROW, MEDIUM, WIDE, MEDIUM):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert screen.source.sentence == 16
            # The highlighted sentence is in view.
            pane = screen.source
            line = pane._index_to_line[16]
            top = pane.scroll_offset.y
            assert top <= line < top + pane.scrollable_content_region.height, size


@aio
async def test_tab_strip_names_the_section_after_n(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = browser(app)
        await pilot.press("slash")
        await type_text(pilot, "zero tolerance")
        await until(pilot, lambda: bool(screen.search.hits))
        kinds = [h.kind for h in screen.search.hits]
        assert "commitment" in kinds
        await pilot.press("escape", "escape")
        await pilot.pause()
        for _ in range(kinds.index("commitment") + 1):
            await pilot.press("n")
            await pilot.pause()
        assert screen.navigator.section == "commitments"
        await pilot.press("escape")  # back to the list the tab names
        await pilot.pause()
        strip = screen_text(app).splitlines()[1]
        assert "Commitments" in strip and "Actors" not in strip


@aio
async def test_too_small_says_the_size_it_has_and_the_size_it_needs(
    seed_library: Library,
) -> None:
    from briefing_tui.tui.app import MIN_HEIGHT, MIN_WIDTH

    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        text = screen_text(app)
        assert f"needs {MIN_WIDTH}x{MIN_HEIGHT}" in text and "this one is 50x12" in text
        await pilot.resize_terminal(55, 10)
        await pilot.pause()
        assert "this one is 55x10" in screen_text(app)


@aio
async def test_the_section_indicator_marks_the_current_section(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        nav = browser(app).navigator
        for key, number in (("2", "2"), ("3", "3"), ("1", "1")):
            await pilot.press(key)
            await pilot.pause()
            subtitle = str(nav.border_subtitle)
            assert f"[reverse]{number}[/" in subtitle
            assert subtitle.count("[reverse]") == 1


@aio
async def test_help_explains_the_query_syntax_and_the_marks(seed_library: Library) -> None:
    from briefing_tui.tui.screens.help import MARKS, QUERY_SYNTAX

    async with after_keys(seed_library, WIDE, "question_mark") as (pilot, app):
        body = app.screen.query_one("#help-body")
        text = ""
        while True:  # read it all, scrolling
            text += screen_text(app)
            if body.scroll_y >= body.max_scroll_y:
                break
            await pilot.press("j")
            await pilot.pause()
        for example, _ in (*QUERY_SYNTAX, *MARKS):
            assert example in text, example
        for key in ("Briefings (b)", "Sort by title / date", "kind:commitment", "7×"):
            assert key in text
