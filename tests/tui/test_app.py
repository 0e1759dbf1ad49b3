"""Pilot tests of the briefing browser: keys, links, history, source, switcher, layout."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_tui.briefing.export import citation
from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.model import Actor, ItemRef
from briefing_tui.tui.app import MIN_HEIGHT, MIN_WIDTH, BriefingApp
from briefing_tui.tui.compat import notifications
from briefing_tui.tui.run import ssh_session
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.screens.citing import CitingScreen
from briefing_tui.tui.screens.empty import EmptyScreen
from briefing_tui.tui.screens.help import HelpScreen
from briefing_tui.tui.screens.switcher import SwitcherScreen
from briefing_tui.tui.screens.too_small import TooSmallScreen
from briefing_tui.tui.widgets.navigator import Navigator
from briefing_tui.tui.widgets.search_pane import SearchInput
from tests.tui.helpers import (
    SEED_ID,
    after_keys,
    aio,
    browser,
    index_when,
    make_app,
    screen_text,
    settle,
    started,
    two_briefing_library,
    until,
)

WIDE = (160, 48)
NARROW = (80, 24)


def nav_id(app: BriefingApp) -> str | None:
    item = browser(app).navigator.highlighted_item
    return item.id if item is not None else None


# -- opening screen -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [WIDE, NARROW])
@aio
async def test_opening_screen_shows_title_date_and_first_actor_focused(
    seed_library: Library, size: tuple[int, int]
) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = browser(app)
        assert isinstance(app.focused, Navigator)
        assert screen.navigator.section == "actors"
        assert nav_id(app) == b.actors[0].id
        assert screen.detail.ref == ItemRef(b.id, b.actors[0].id)
        text = screen_text(app)
        assert b.source.when.label() in text
        assert b.title[:40] in text
        assert b.actors[0].name in text


# -- moving -------------------------------------------------------------------------------


@aio
async def test_j_k_and_arrows_move_and_the_detail_follows(seed_library: Library) -> None:
    app = make_app(seed_library)
    actors = seed_library.briefings[0].actors
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("j")
        assert nav_id(app) == actors[1].id
        await pilot.press("down")
        assert nav_id(app) == actors[2].id
        await pilot.press("k")
        assert nav_id(app) == actors[1].id
        await pilot.press("up")
        await pilot.pause()
        assert nav_id(app) == actors[0].id
        await pilot.press("k")  # no wrap at the top
        await pilot.pause()
        assert nav_id(app) == actors[0].id
        assert browser(app).detail.ref == ItemRef(SEED_ID, actors[0].id)


@aio
async def test_g_and_G_go_to_top_and_bottom(seed_library: Library) -> None:
    app = make_app(seed_library)
    actors = seed_library.briefings[0].actors
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await pilot.pause()
        assert nav_id(app) == actors[-1].id
        assert browser(app).detail.ref == ItemRef(SEED_ID, actors[-1].id)
        await pilot.press("j")  # no wrap at the bottom
        assert nav_id(app) == actors[-1].id
        await pilot.press("g")
        await pilot.pause()
        assert nav_id(app) == actors[0].id


@pytest.mark.parametrize("size", [WIDE, NARROW])
@aio
async def test_tab_and_shift_tab_cycle_the_panes(
    seed_library: Library, size: tuple[int, int]
) -> None:
    app = make_app(seed_library)
    async with started(app, size) as pilot:
        screen = browser(app)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
            seen.append(screen.current_pane())
        assert seen == ["detail", "source", "search", "navigator"]
        await pilot.press("shift+tab")
        await pilot.pause()
        assert screen.current_pane() == "search"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert screen.current_pane() == "source"
        # The focused pane is on screen at every size.
        assert app.focused is not None and app.focused.region.area > 0


@aio
async def test_number_keys_switch_sections(seed_library: Library) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        nav = browser(app).navigator
        await pilot.press("2")
        await pilot.pause()
        assert nav.section == "commitments"
        assert nav_id(app) == b.commitments[0].id
        assert browser(app).detail.ref == ItemRef(b.id, b.commitments[0].id)
        await pilot.press("3")
        await pilot.pause()
        assert nav.section == "context"
        await pilot.press("4")
        await pilot.pause()
        assert nav.section == "notes"
        assert nav_id(app) == b.notes[0].id
        await pilot.press("1")
        await pilot.pause()
        assert nav.section == "actors"
        assert isinstance(app.focused, Navigator)


@aio
async def test_sections_remember_their_selection(seed_library: Library) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "2", "1")
        await pilot.pause()
        assert nav_id(app) == b.actors[2].id


@aio
async def test_context_is_grouped_by_month_in_date_order_with_undated_last(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    # tall, and narrow enough for the navigator to have the width (tabs below 100 columns)
    async with app.run_test(size=(90, 60)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await pilot.pause()
        nav = browser(app).navigator
        headings = [
            str(o.prompt) for o in nav.options if o.disabled
        ]  # month headings are not selectable
        assert headings == [g.label for g in b.context_by_month()]
        assert headings[-1] == "Undated"
        ids = [o.id for o in nav.options if not o.disabled]
        expected = sorted(b.context, key=lambda e: e.when.sort_key())
        assert ids == [e.id for e in expected]
        # Each date is shown with its precision and qualifier.
        text = screen_text(app)
        assert "Nov 2025* (a Saturday)" in text
        assert "~Oct 2025" in text
        # j skips the headings.
        first = nav_id(app)
        await pilot.press("j")
        assert nav_id(app) != first
        assert nav.highlighted_option is not None and not nav.highlighted_option.disabled


# -- detail, links, backlinks, history ----------------------------------------------------


@aio
async def test_enter_in_navigator_opens_the_detail(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "enter") as (_, app):
        assert browser(app).current_pane() == "detail"
        assert browser(app).detail.region.area > 0


def detail_row(screen: BrowserScreen, label_start: str, target_id: str) -> int:
    for i, t in enumerate(screen.detail.targets):
        if (
            t is not None
            and t.ref is not None
            and t.ref.item == target_id
            and t.label.startswith(label_start)
        ):
            return i
    raise AssertionError(f"no row {label_start} -> {target_id}")


@aio
async def test_following_a_link_and_going_back_and_forward(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        await pilot.press("2")  # the first commitment names its actors
        await pilot.press("enter")
        await pilot.pause()
        first = nav_id(app)
        row = detail_row(screen, "made by", "pakistan")
        screen.detail.highlighted = row
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert nav_id(app) == "pakistan"
        assert screen.navigator.section == "actors"
        assert screen.detail.ref == ItemRef(SEED_ID, "pakistan")
        assert screen.current_pane() == "detail"
        assert screen.check_action("back", ()) is True
        assert screen.check_action("forward", ()) is None  # greyed: nowhere to go
        # Back restores the item, the pane and the link under the cursor.
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert nav_id(app) == first
        assert screen.navigator.section == "commitments"
        assert screen.current_pane() == "detail"
        assert screen.detail.highlighted == row
        # Forward, then Backspace goes back as well.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert nav_id(app) == "pakistan"
        await pilot.press("backspace")
        await pilot.pause()
        assert nav_id(app) == first


@aio
async def test_a_new_visit_drops_the_forward_entries(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        screen.go_to_item(ItemRef(SEED_ID, "natalie-baker"))
        screen.go_to_item(ItemRef(SEED_ID, "curb-drug-trafficking"))
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert nav_id(app) == "natalie-baker"
        assert screen.history.can_forward
        screen.go_to_item(ItemRef(SEED_ID, "china"))
        await pilot.pause()
        assert not screen.history.can_forward
        assert [loc.item for loc in screen.history][-2:] == ["natalie-baker", "china"]
        await pilot.press("right_square_bracket")  # nothing forward: stays
        await pilot.pause()
        assert nav_id(app) == "china"


@aio
async def test_backlinks_list_every_item_naming_this_one_and_can_be_followed(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    graph = app.graph
    ref = ItemRef(SEED_ID, "natalie-baker")
    expected = {lk.source for lk in graph.backlinks(ref)}
    assert expected  # the seed has items naming Baker
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.go_to_item(ref)
        await pilot.pause()
        rows = [
            t.ref
            for t in screen.detail.targets
            if t is not None
            and t.ref is not None
            and t.label in {"made", "involved in", "noted in", "received", "affiliated"}
        ]
        assert set(rows) == expected
        source = sorted(expected)[0]
        screen.detail.highlighted = next(
            i for i, t in enumerate(screen.detail.targets) if t is not None and t.ref == source
        )
        await pilot.press("enter")
        await pilot.pause()
        assert screen.detail.ref == source


@aio
async def test_backlinks_and_links_cross_briefings(library_dir: Path) -> None:
    library = two_briefing_library(library_dir)
    app = make_app(library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        # The seed's meeting is linked from the second briefing.
        screen.go_to_item(ItemRef(SEED_ID, "naqvi-baker-meeting"))
        await pilot.pause()
        back = ItemRef("second-briefing", "scanning-at-airports")
        i = next(i for i, t in enumerate(screen.detail.targets) if t is not None and t.ref == back)
        screen.detail.highlighted = i
        await pilot.pause()
        # Scrolled into view, under the heading of its group, which names the other briefing.
        head = screen.detail.options[i - 1].prompt
        assert head.plain == "related from ← in A second briefing on the same talks (1)"  # type: ignore[union-attr]
        assert "related from ← in A second" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.briefing.id == "second-briefing"
        assert nav_id(app) == "scanning-at-airports"
        assert "A second briefing on the same talks" in screen_text(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.briefing.id == SEED_ID
        assert nav_id(app) == "naqvi-baker-meeting"


@aio
async def test_evidence_quote_opens_the_source_at_its_sentence(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        await pilot.press("j", "enter")  # United States, detail focused
        await pilot.pause()
        quotes = [
            (i, t) for i, t in enumerate(screen.detail.targets) if t is not None and t.sentence
        ]
        i, target = quotes[-1]
        screen.detail.highlighted = i
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current_pane() == "source"
        assert screen.source.sentence == target.sentence
        assert screen.main_pane == "source"


# -- source -------------------------------------------------------------------------------


@aio
async def test_source_marks_evidence_and_shows_cite_counts(seed_library: Library) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = browser(app)
        actor = b.actors[0]
        wanted = {n for ev in actor.evidence for n in ev.sentences}
        assert screen.source.evidence == wanted
        assert screen.source.sentence == min(wanted)
        await pilot.press("s")
        await pilot.pause()
        assert screen.current_pane() == "source"
        text = screen_text(app)
        count = app.graph.cite_count(b.id, 1)
        assert f"{count}×" in text
        assert "┃" in text  # the evidence marker, visible without colour
        await pilot.press("j")
        assert screen.source.sentence == min(wanted) + 1


@aio
async def test_enter_on_a_sentence_lists_the_citing_items_and_jumps(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        await pilot.press("s")
        await pilot.pause()
        screen.source.select_sentence(4)
        expected = app.graph.citing(SEED_ID, 4)
        assert len(expected) >= 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CitingScreen)
        lst = app.screen.query_one("#citing-list")
        assert [o.id for o in lst.options] == [str(r) for r in expected]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter", "j", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.detail.ref == expected[1]
        assert screen.current_pane() == "detail"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current_pane() == "source"
        assert screen.source.sentence == 4


# -- escape, help, quit, copy -------------------------------------------------------------


@aio
async def test_escape_backs_out_one_level(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        await pilot.press("s", "slash")
        await pilot.pause()
        assert screen.current_pane() == "search"
        assert screen.main_pane == "search"
        await pilot.press("escape")  # leaves search: back where we were
        await pilot.pause()
        assert screen.current_pane() == "source"
        assert screen.main_pane == "source"
        await pilot.press("escape")  # back to the navigator
        await pilot.pause()
        assert screen.current_pane() == "navigator"
        assert screen.check_action("escape", ()) is False  # nothing to back out of
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # closes the dialog
        await pilot.pause()
        assert app.screen is screen


@aio
async def test_help_is_generated_from_the_bindings(seed_library: Library) -> None:
    tall = (160, 120)  # tall enough to show all of it
    async with after_keys(seed_library, tall, "question_mark") as (pilot, app):
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in BrowserScreen.BINDINGS:
            assert binding.description in text, binding  # type: ignore[union-attr]
        for desc in ("Follow", "Citing items", "Open result", "Help", "Quit", "Go to item"):
            assert desc in text
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@aio
async def test_help_scrolls_at_80x24(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "question_mark") as (pilot, app):
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        assert "Marks" in screen_text(app)  # the last section: what the marks mean
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0


@aio
async def test_q_quits(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "q") as (_, app):
        assert app._exit
    assert app.return_code == 0


@aio
async def test_q_in_the_search_box_types_q(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "slash", "q", "n", "j") as (_, app):
        assert browser(app).search.query_text == "qnj"
        assert not app._exit


@aio
async def test_y_copies_a_citation_with_evidence_source_and_date(seed_library: Library) -> None:
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2", "y")
        await pilot.pause()
        c = b.commitments[0]
        copied = app.clipboard
        assert c.title in copied
        assert f"“{c.evidence[0].quote}”" in copied
        assert b.source.title in copied
        assert b.source.when.label() in copied
        assert c.when.label() in copied
        messages = [n.message for n in notifications(app)]
        assert any(c.title in m and "Copied" in m for m in messages)
        # In the source pane, y copies the sentence under the cursor.
        await pilot.press("s", "j", "y")
        await pilot.pause()
        n = browser(app).source.sentence
        assert n is not None
        assert b.source.sentence(n).text in app.clipboard
        assert f"sentence {n}" in app.clipboard


@aio
async def test_copy_in_search_copies_the_highlighted_hit(seed_library: Library) -> None:
    """Copy (the palette's command: y types a letter in the search box) with the focus in
    search: an item hit's citation, a sentence hit's sentence; with no hit, the selected
    item's."""
    app = make_app(seed_library)
    b = seed_library.briefings[0]
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await settle(pilot)
        screen = browser(app)
        await pilot.press("slash", *"narcotics")
        await until(pilot, lambda: bool(screen.search.hits))
        hit, _ = screen.search.highlighted_choice()
        assert hit is not None and hit.kind != "sentence"
        screen.action_copy()
        item = seed_library.item(hit.ref)
        assert item is not None and item.title in app.clipboard  # type: ignore[union-attr]
        while (hit := screen.search.highlighted_choice()[0]) and hit.kind != "sentence":
            await pilot.press("down")
        assert hit is not None and hit.sentence is not None
        screen.action_copy()
        assert f"sentence {hit.sentence}" in app.clipboard
        assert b.source.sentence(hit.sentence).text in app.clipboard
        await pilot.press(*["backspace"] * 9, *"zzqqxx")
        await until(pilot, lambda: "No results" in screen_text(app))
        screen.action_copy()  # no hit: the selected item, the navigator's
        assert app.clipboard.startswith(f"{b.actors[0].name} (actor)")


def test_citation_of_an_actor_names_its_description(seed_library: Library) -> None:
    b = seed_library.briefings[0]
    actor = b.actors[0]
    assert isinstance(actor, Actor)
    text = citation(seed_library, b, actor, None)
    assert text.splitlines()[0].startswith(actor.name)
    assert "Source: " + b.source.title in text
    assert f"[{b.id}:{actor.id}]" in text


# -- switcher -----------------------------------------------------------------------------


@aio
async def test_switcher_lists_briefings_and_opens_one(library_dir: Path) -> None:
    library = two_briefing_library(library_dir)
    app = make_app(library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        start = screen.briefing.id
        assert screen.check_action("switcher", ()) is True
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, SwitcherScreen)
        text = screen_text(app)
        assert "act  com  evt note" in text  # one row per briefing, its counts in columns
        for b in library.briefings:
            row = [line for line in text.splitlines() if b.title[:30] in line][-1]
            date = b.source.when.label().split(" (")[0]
            assert date in row
            counts = [len(b.actors), len(b.commitments), len(b.context), len(b.notes)]
            after = row[row.index(date) + len(date) :]
            assert re.findall(r"\d+", after)[:4] == [str(n) for n in counts], row
        await pilot.press("escape")  # closes without switching
        await pilot.pause()
        assert app.screen is screen and screen.briefing.id == start
        await pilot.press("b")
        await pilot.pause()
        other = next(b for b in library.briefings if b.id != start)
        lst = app.screen.query_one("#switcher-list")
        lst.highlighted = lst.get_option_index(other.id)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.briefing.id == other.id
        assert nav_id(app) == other.actors[0].id
        assert other.title[:30] in screen_text(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.briefing.id == start


@aio
async def test_switcher_key_is_hidden_with_one_briefing(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        assert browser(app).check_action("switcher", ()) is False
        await pilot.press("b")
        await pilot.pause()
        assert not isinstance(app.screen, SwitcherScreen)


# -- layout and resizing ------------------------------------------------------------------


def visible_panes(app: BriefingApp) -> dict[str, object]:
    screen = browser(app)
    out = {}
    for name in ("navigator", "detail", "source", "search"):
        w = screen.query_one(f"#{name}")
        if w.display and w.region.area > 0:
            out[name] = w.region
    return out


def assert_no_overlap_and_inside(app: BriefingApp) -> None:
    regions = list(visible_panes(app).values())
    screen_region = app.screen.region
    for i, a in enumerate(regions):
        assert screen_region.contains_region(a), a  # type: ignore[arg-type]
        for b in regions[i + 1 :]:
            assert not a.overlaps(b), (a, b)  # type: ignore[attr-defined]


@aio
async def test_resizing_between_wide_and_80x24(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        assert set(visible_panes(app)) == {"navigator", "detail", "source", "search"}
        assert_no_overlap_and_inside(app)
        await pilot.press("s")
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        assert screen.has_class("-narrow")
        # Below 100 columns the panes are tabs: the focused one takes the full width.
        assert set(visible_panes(app)) == {"source"}
        assert screen.source.region.width == NARROW[0]
        assert screen.current_pane() == "source"
        assert_no_overlap_and_inside(app)
        text = screen_text(app)
        for tab in ("Actors", "Detail", "Source", "Search"):
            assert tab in text.splitlines()[1]  # the tab strip names them all
        await pilot.press("tab")  # to search: it takes the main area
        await pilot.pause()
        assert set(visible_panes(app)) == {"search"}
        await pilot.press("escape")  # and gives it back
        await pilot.pause()
        assert set(visible_panes(app)) == {"source"}
        await pilot.press("escape")
        await pilot.pause()
        assert set(visible_panes(app)) == {"navigator"}
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert screen.has_class("-widest")
        assert set(visible_panes(app)) == {"navigator", "detail", "source", "search"}
        assert screen.current_pane() == "navigator"
        assert_no_overlap_and_inside(app)


@aio
async def test_too_small_terminal_shows_a_message_and_recovers(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        await pilot.press("j")
        await pilot.resize_terminal(MIN_WIDTH - 10, MIN_HEIGHT - 4)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert f"terminal too small (needs {MIN_WIDTH}x{MIN_HEIGHT})" in screen_text(app)
        await pilot.resize_terminal(MIN_WIDTH + 5, MIN_HEIGHT - 1)  # still too short
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert nav_id(app) == seed_library.briefings[0].actors[1].id
        assert_no_overlap_and_inside(app)


@aio
async def test_minimum_size_is_usable(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(MIN_WIDTH, MIN_HEIGHT)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert_no_overlap_and_inside(app)
        await pilot.press("tab")
        await pilot.pause()
        assert browser(app).current_pane() == "detail"


# -- data shown literally -----------------------------------------------------------------

MARKUP = """\
format: 1
id: markup-briefing
title: "[bold]x[/] and [link=https://example.com]y[/link]"
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: "[red]headline[/red]"
  when: {precision: month, month: 2025-11, qualifier: "[i]a Saturday[/i]"}
actors:
  - id: markup-actor
    name: "[b]Naqvi[/b] \\\\[escaped]"
    kind: person
    description: "Text with [dim]markup[/dim] and [@click=app.quit]click[/]"
    evidence: ["Interior Minister Mohsin Naqvi"]
commitments:
  - id: markup-commitment
    title: "[on red]Promise[/]"
    kind: plan
    status: planned
    by: [markup-actor]
    when: {precision: month, month: 2025-11}
    evidence: ["Pakistan and the United States agreed"]
"""


@aio
async def test_markup_in_data_is_shown_literally(library_dir: Path) -> None:
    for f in library_dir.glob("*.yaml"):
        f.unlink()
    (library_dir / "markup.yaml").write_text(MARKUP, encoding="utf-8")
    library = load_library([library_dir])
    assert not library.errors, [str(p) for p in library.errors]
    app = make_app(library)
    async with started(app, WIDE, notifications=True) as pilot:
        text = screen_text(app)
        assert "[bold]x[/] and [link=https://example.com]y[/link]" in text
        assert "[b]Naqvi[/b] \\[escaped]" in text
        assert "[dim]markup[/dim]" in text
        assert "[red]headline[/red]" in text
        assert "[i]a Saturday[/i]" in text
        await pilot.press("2")
        await pilot.pause()
        assert "[on red]Promise[/]" in screen_text(app)
        await pilot.press("y")  # the notification shows the title literally too
        await pilot.pause()
        assert any("[on red]Promise[/]" in n.message for n in notifications(app))
        await pilot.press("slash", "P", "r", "o", "m")
        await until(pilot, lambda: bool(browser(app).search.hits))
        assert "[on red]Promise[/]" in screen_text(app)
        assert not app._exit  # the [@click=app.quit] in the data did nothing


# -- terminals and start-up ---------------------------------------------------------------


def test_ssh_session_is_detected_from_the_environment() -> None:
    assert ssh_session({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"})
    assert ssh_session({"SSH_TTY": "/dev/pts/1"})
    assert not ssh_session({})


@aio
async def test_ssh_mode_turns_off_blinking_and_animation(seed_library: Library) -> None:
    app = BriefingApp(seed_library, ssh_mode=True)
    async with started(app, NARROW) as pilot:
        assert app.animation_level == "none"
        assert app.screen.query_one(SearchInput).cursor_blink is False
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause()
        from textual.widgets import Input

        assert all(not w.cursor_blink for w in app.screen.query(Input))
    plain = BriefingApp(seed_library)
    async with plain.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert plain.screen.query_one(SearchInput).cursor_blink is True


def test_importing_the_app_does_not_import_whoosh_or_search() -> None:
    code = (
        "import sys, briefing_tui.tui.app, briefing_tui.cli; "
        "assert 'whoosh' not in sys.modules, 'whoosh'; "
        "assert 'briefing_tui.search' not in sys.modules, 'search'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@aio
async def test_first_paint_does_not_wait_for_the_index(seed_library: Library) -> None:
    import threading

    release = threading.Event()
    app = make_app(seed_library, index_factory=index_when(release))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert app.index is None
        assert isinstance(app.screen, BrowserScreen)
        assert seed_library.briefings[0].actors[0].name in screen_text(app)
        await pilot.press("slash", "N", "a", "q")
        await pilot.pause()
        assert "Opening the search index" in screen_text(app)
        release.set()
        await settle(pilot)
        # The query typed while the index was opening is searched once it is open.
        await until(pilot, lambda: bool(browser(app).search.hits))


@aio
async def test_index_failure_leaves_the_browser_working(seed_library: Library) -> None:
    def broken(library: Library, progress: object) -> object:
        raise OSError("disk on fire")

    app = make_app(seed_library, index_factory=broken)
    async with started(app, NARROW) as pilot:
        assert app.index is None
        assert app.index_error is not None and "disk on fire" in app.index_error
        await pilot.press("slash")
        await pilot.pause()
        assert "Search unavailable" in screen_text(app)
        await pilot.press("escape", "j")
        await pilot.pause()
        assert nav_id(app) == seed_library.briefings[0].actors[1].id


@aio
async def test_index_progress_is_shown(seed_library: Library) -> None:
    import threading

    release = threading.Event()

    def factory(library: Library, progress: object) -> object:
        progress(1, 4)  # type: ignore[operator]
        release.wait(10)
        from briefing_tui.search import SearchIndex

        return SearchIndex.open(library)

    app = make_app(seed_library, index_factory=factory)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.index_progress == (1, 4))
        await pilot.pause()
        assert "Indexing" in screen_text(app) and "25%" in screen_text(app)
        release.set()
        await settle(pilot)


@aio
async def test_an_empty_library_says_so(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("format: [\n", encoding="utf-8")
    library = load_library([tmp_path])
    app = make_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EmptyScreen)
        text = screen_text(app)
        assert "No briefings could be loaded" in text
        assert "bad.yaml" in text
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


@aio
async def test_selection_and_focus_stay_visible_without_colour(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(seed_library)
    assert app.no_color
    actors = seed_library.briefings[0].actors
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        marked = [line for line in lines if "▶" in line]
        assert len(marked) == 1 and f"▶{actors[1].name}" in marked[0]  # the cursor marker
        assert lines[2].startswith("┏")  # the focused pane's heavy border
        await pilot.press("tab")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[2].startswith("┏") and "Detail" in lines[2]
        assert any("▶" in line and actors[1].name in line for line in lines)


@aio
async def test_the_navigator_remembers_places_through_its_public_methods(
    seed_library: Library,
) -> None:
    b = seed_library.briefings[0]
    app = make_app(seed_library)
    async with started(app, WIDE) as pilot:
        navigator = browser(app).navigator
        await pilot.press("j")
        await settle(pilot)
        second = nav_id(app)
        assert second is not None and second != b.actors[0].id
        assert navigator.remembered_places() == {"actors": second}
        navigator.remember_places({"commitments": b.commitments[2].id, "notes": "no-such-item"})
        assert navigator.remembered_places() == {
            "actors": second,
            "commitments": b.commitments[2].id,
        }
        await pilot.press("2")
        await settle(pilot)
        assert nav_id(app) == b.commitments[2].id
