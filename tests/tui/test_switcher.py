"""The briefing switcher on a generated library: filter as you type, sort, open."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from briefing_tui.briefing.library import Library
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.screens.switcher import (
    SHOWN,
    SwitcherScreen,
    entries,
    filter_entries,
    in_order,
)
from tests.tui.helpers import (
    aio,
    browser,
    generated_library,
    make_app,
    screen_text,
    type_text,
    until,
)


async def open_switcher(pilot: Pilot[None], app: BriefingApp) -> SwitcherScreen:
    """Wait for the first frame, then open the briefing switcher (``b``)."""
    await until(pilot, lambda: app.browser is not None and app.first_frame_shown)
    await pilot.press("b")
    await until(pilot, lambda: isinstance(app.screen, SwitcherScreen))
    switcher = app.screen
    assert isinstance(switcher, SwitcherScreen)
    return switcher


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A deterministic generated library of 120 briefings."""
    return generated_library(tmp_path_factory.mktemp("gen") / "lib", 120)


def test_entries_are_newest_first(generated: Library) -> None:
    keys = [e.date_key for e in entries(generated) if e.date_key[0] == 0]
    assert keys == sorted(keys, reverse=True) and len(keys) > 1


def test_filter_matches_title_id_place_month_and_actors(generated: Library) -> None:
    items = entries(generated)
    b = items[len(items) // 2].summary
    actor = b.actors[0][1]
    for query in (b.title, b.id, actor, b.month):
        found = [e.summary.id for e in filter_entries(items, query)]
        assert b.id in found, query
        assert all(
            all(w in e.words or in_order(w, e.short) for w in query.casefold().split())
            for e in filter_entries(items, query)
        )
    assert filter_entries(items, "zzzzqqq") == []
    # Letters in order: a title's initials-ish skeleton finds it, after the exact matches.
    word = b.title.split()[0].casefold()
    skeleton = word[0] + word[-1]
    assert b.id in [e.summary.id for e in filter_entries(items, skeleton)]


def test_filter_by_title_sorts_by_title(generated: Library) -> None:
    titles = [e.short for e in filter_entries(entries(generated), "", by_title=True)]
    assert titles == sorted(titles)


@aio
async def test_switcher_filters_as_you_type_and_opens_the_match(generated: Library) -> None:
    app = make_app(generated)
    async with app.run_test(size=(80, 24)) as pilot:
        switcher = await open_switcher(pilot, app)
        screen = browser(app)
        assert f"{len(generated.briefings)} briefings · by date, newest first" in screen_text(app)
        assert switcher.list.option_count == min(SHOWN, len(generated.briefings))
        target = entries(generated)[-1].summary  # the oldest: not on the first screen
        assert target.title not in screen_text(app)
        await type_text(pilot, target.id)
        await until(pilot, lambda: switcher.list.option_count >= 1)
        first = switcher.list.get_option_at_index(0)
        assert first.id == target.id
        n = len(filter_entries(entries(generated), target.id))
        assert f"{n} of {len(generated.briefings)} match" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        assert screen.briefing.id == target.id


@aio
async def test_switcher_tab_sorts_by_title_and_keeps_the_cursor(generated: Library) -> None:
    app = make_app(generated)
    async with app.run_test(size=(120, 36)) as pilot:
        switcher = await open_switcher(pilot, app)
        await pilot.press("down", "down")
        chosen = switcher.list.highlighted_option
        assert chosen is not None
        await pilot.press("tab")
        await pilot.pause()
        assert "by title" in screen_text(app)
        shown = [switcher.list.get_option_at_index(i).id for i in range(5)]
        titles = [generated.briefing(i).title.casefold() for i in shown]  # type: ignore[union-attr]
        assert titles == sorted(titles)
        assert switcher.list.highlighted_option is not None
        assert switcher.list.highlighted_option.id == chosen.id
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SwitcherScreen)


@aio
async def test_resizing_the_switcher_with_the_open_briefing_filtered_out(
    generated: Library,
) -> None:
    app = make_app(generated)
    async with app.run_test(size=(80, 24)) as pilot:
        switcher = await open_switcher(pilot, app)
        await type_text(pilot, "zzzzqqq")  # matches nothing: the open briefing is not listed
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is switcher and switcher.list.option_count == 0
        assert "No briefing matches" in screen_text(app)


@aio
async def test_the_open_briefing_is_in_view_when_the_switcher_opens(generated: Library) -> None:
    """The cursor starts on the open briefing, and the screen shows it (the list was taller
    than its box, which cut it off: the cursor scrolled into the list, not into view)."""
    app = make_app(generated)
    async with app.run_test(size=(80, 24)) as pilot:
        current = browser(app).briefing
        switcher = await open_switcher(pilot, app)
        await pilot.pause()
        lst = switcher.list
        at = lst.highlighted
        assert at is not None and lst.get_option_at_index(at).id == current.id
        assert at >= 16  # below the first screenful of the list
        rows = [line for line in screen_text(app).splitlines() if "▶" + current.title[:20] in line]
        assert rows, screen_text(app)
