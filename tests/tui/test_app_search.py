"""Pilot tests of the search pane's flow, n/N, recent queries and the Go-to palette."""

from __future__ import annotations

import functools
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.command import CommandPalette
from textual.pilot import Pilot

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.briefing.text import one_line
from briefing_tui.search import Hit, SearchIndex, SearchResult
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.widgets.search_pane import (
    NEAR_END,
    PAGE,
    HitLines,
    SearchPane,
    hit_prompt,
    one_line_chars,
    shown_as,
)
from tests.tui.helpers import (
    SEED_ID,
    aio,
    browser,
    make_app,
    screen_text,
    search_for,
    settle,
    started,
    two_briefing_library,
    type_text,
    until,
    with_stand_in_index,
)

WIDE = (160, 48)
NARROW = (80, 24)


@asynccontextmanager
async def searched(
    library: Library, query: str
) -> AsyncIterator[tuple[Pilot[None], BriefingApp, BrowserScreen, SearchPane]]:
    """The app on ``library`` at WIDE with ``query`` searched for: its pilot, the app, the
    browser and the search pane."""
    app = make_app(library)
    async with started(app, WIDE) as pilot:
        pane = await search_for(pilot, app, query)
        yield pilot, app, browser(app), pane


async def first_page(pilot: Pilot[None], app: BriefingApp, query: str) -> SearchPane:
    """Type ``query`` in the search box (``/``); wait for its first page of hits (PAGE)."""
    pane = browser(app).search
    await pilot.press("slash")
    await type_text(pilot, query)
    await until(pilot, lambda: len(pane.hits) == PAGE)
    return pane


def hit(kind: str = "actor", id: str = "x", title: str = "T", **kw: object) -> Hit:
    fields: dict[str, object] = dict(
        briefing=SEED_ID,
        kind=kind,
        id=id,
        title=title,
        month=None,
        snippet="",
        highlights=(),
        score=1.0,
    )
    fields.update(kw)
    return Hit(**fields)  # type: ignore[arg-type]


def test_result_prompt_is_two_lines_badge_title_month_briefing_then_snippet() -> None:
    h = hit(
        "commitment",
        "c",
        "[b]Curb[/b] Trafficking",
        month="2025-11",
        snippet="curbing drug [i]trafficking[/i]",
        highlights=((0, 7), (16, 27)),
    )
    group = hit_prompt(h, "The [u]briefing[/u]")
    head, snip = group.renderables
    assert isinstance(head, Text) and isinstance(snip, Text)
    assert head.plain == "COMMIT [b]Curb[/b] Trafficking · Nov 2025"
    assert head.no_wrap and snip.no_wrap  # one line each, cut to the width
    # The badge alone is reversed (its style does not spill over the title) ...
    reversed_ = [(s.start, s.end) for s in head.spans if "reverse" in str(s.style)]
    start = head.plain.index("Trafficking")
    assert reversed_ == [(0, 6), (start, start + len("Trafficking"))]
    # ... and the matched word is marked in the title too (case-insensitive).
    # The briefing (in a library of several) leads the snippet line; the marks follow it.
    lead = "The [u]briefing[/u] · "
    assert snip.plain == lead + "curbing drug [i]trafficking[/i]"
    styled = {
        (s.start - len(lead), s.end - len(lead)) for s in snip.spans if "bold" in str(s.style)
    }
    assert styled == {(0, 7), (16, 27)}


def test_result_prompt_names_the_briefing_only_when_asked() -> None:
    head, snip = hit_prompt(hit(month="2025-11", snippet="x"), None).renderables
    assert isinstance(head, Text) and isinstance(snip, Text)
    assert (head.plain, snip.plain) == ("ACTOR  T · Nov 2025", "x")
    _, snip = hit_prompt(
        hit(snippet="x"), "A very long briefing title, longer than most"
    ).renderables
    assert snip.plain == "A very long briefing ti… · x"  # type: ignore[union-attr]


def test_result_prompt_ignores_bad_spans_and_neutralises_control_characters() -> None:
    h = hit(snippet="a\x1b[31mb\tc", highlights=((5, 2), (0, 99), (-1, 1), (1, 2)))
    _, snip = hit_prompt(h, None).renderables
    assert "\x1b" not in snip.plain  # type: ignore[union-attr]
    assert len(snip.plain) == len(h.snippet)  # type: ignore[union-attr]
    assert [(s.start, s.end) for s in snip.spans] == [(1, 2)]  # type: ignore[union-attr]


def test_a_result_is_measured_without_drawing_it_and_drawn_once_per_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HitLines: an OptionList asks every new result its height; answering must not draw
    it (one page of new results per key). Drawn, it is what Rich draws, cut to the width
    (tests/tui/test_search_render.py compares them)."""
    from rich.console import Console
    from textual.style import Style as VisualStyle

    h = hit(title="Naqvi meets Baker", snippet="Naqvi said so", highlights=((0, 5),))
    lines = list(hit_prompt(h, None).renderables)
    console = Console(width=80)
    drawn: list[object] = []
    render = Text.render
    monkeypatch.setattr(Text, "render", lambda t, c, end="": drawn.append(t) or render(t, c, end))
    visual = HitLines(lines, console)  # type: ignore[arg-type]
    assert visual.get_height({}, 30) == 2 and not drawn  # type: ignore[arg-type]
    strips = visual.render_strips(30, None, VisualStyle(), None)  # type: ignore[arg-type]
    assert [s.text for s in strips] == ["ACTOR  Naqvi meets Baker", "Naqvi said so"]
    assert len(drawn) == 2
    assert visual.render_strips(30, None, VisualStyle(), None) is strips  # type: ignore[arg-type]
    assert len(drawn) == 2  # the same width again: not drawn again
    narrow = visual.render_strips(12, 1, VisualStyle(), None)  # type: ignore[arg-type]
    assert [s.text for s in narrow] == ["ACTOR  Naqv…"]


def test_printable_text_is_shown_as_it_is_and_the_rest_neutralised_in_place() -> None:
    """one_line_chars returns printable text unchanged without looking at each character:
    no printable character is one that neutralising changes."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable() and c != " ")
    assert one_line(printable) == printable
    assert one_line_chars(printable + " x") == printable + " x"
    odd = "a\tb\u00a0c\u202ed\x1be\u2028f"
    assert one_line_chars(odd) == "a b c\ufffdd\u241be f"


@aio
async def test_typing_searches_and_enter_opens_the_hit_and_back_returns_to_results(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        screen = browser(app)
        pane = screen.search
        await pilot.press("slash")
        await pilot.pause()
        assert screen.current_pane() == "search"
        assert screen.main_pane == "search"  # search takes the main area at 80x24
        await type_text(pilot, "Baker")
        await until(pilot, lambda: pane.result is not None and pane.result.query == "Baker")
        hits = pane.hits
        assert len(hits) >= 2
        text = screen_text(app)
        assert "ACTOR" in text and "Natalie Baker" in text
        assert "results" in text
        assert pane.index == 0
        await pilot.press("down", "down", "up")
        assert pane.index == 1
        await pilot.press("enter")
        await pilot.pause()
        opened = hits[1]
        if opened.kind == "sentence":
            assert screen.current_pane() == "source"
            assert screen.source.sentence == opened.sentence
        else:
            assert screen.detail.ref == opened.ref
            assert screen.current_pane() == "detail"
        assert screen.main_pane != "search"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current_pane() == "search"
        assert pane.query_text == "Baker"
        assert pane.index == 1
        assert "Natalie Baker" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.main_pane != "search"


@aio
async def test_a_sentence_hit_opens_the_source_at_that_sentence(seed_library: Library) -> None:
    async with searched(seed_library, "Oval Office") as (pilot, _, screen, pane):
        index = next(i for i, h in enumerate(pane.hits) if h.kind == "sentence")
        pane.results.highlighted = index
        target = pane.hits[index]
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current_pane() == "source"
        assert screen.source.sentence == target.sentence
        await pilot.press("backspace")  # in the source pane Backspace goes back
        await pilot.pause()
        assert screen.current_pane() == "search"
        assert pane.index == index


@aio
async def test_n_and_N_step_through_results_from_the_browser(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        pane = screen.search
        assert screen.check_action("result", (1,)) is False  # no results: hidden
        await search_for(pilot, app, "narcotics")
        hits = pane.hits
        assert len(hits) >= 3
        await pilot.press("enter")  # opens result 0
        await pilot.pause()
        assert screen.current_pane() != "search"
        await pilot.press("n")
        await pilot.pause()
        assert pane.index == 1
        await pilot.press("n")
        await pilot.pause()
        assert pane.index == 2
        await pilot.press("N")
        await pilot.pause()
        assert pane.index == 1
        for i in (1,):
            h = hits[i]
            if h.kind == "sentence":
                assert screen.source.sentence == h.sentence
            else:
                assert screen.detail.ref == h.ref
        # Each step is a visit: Back walks back through the results opened.
        await pilot.press("left_square_bracket")
        await pilot.pause()
        h = hits[2]
        if h.kind != "sentence":
            assert screen.detail.ref == h.ref


@aio
async def test_recent_queries_show_when_empty_and_can_be_rerun(seed_library: Library) -> None:
    async with searched(seed_library, "Rubio") as (pilot, app, _, pane):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("slash")
        pane.input.value = ""
        await pilot.pause()
        assert pane.recent == ["Rubio"]
        text = screen_text(app)
        assert "Recent queries" in text and "Rubio" in text
        await pilot.press("enter")  # the highlighted recent query is searched again
        await until(pilot, lambda: pane.result is not None and pane.result.query == "Rubio")
        assert pane.query_text == "Rubio"


class GatedIndex:
    """An index whose searches for 'slow' wait for a gate: to test stale results."""

    def __init__(self, library: Library) -> None:
        self.inner = SearchIndex.open(library)
        self.gate = threading.Event()
        self.started = threading.Event()

    def search(self, query: str, limit: int = 20, **options: Any) -> SearchResult:
        if query == "slow":
            self.started.set()
            self.gate.wait(10)
            return SearchResult(query, (hit(title="STALE RESULT"),))
        return self.inner.search(query, limit, **options)

    def count(self, query: str, **options: Any) -> tuple[int, bool] | None:
        return self.inner.count(query, **options)

    def close(self) -> None:
        pass


@aio
async def test_a_stale_search_never_overwrites_a_newer_one(seed_library: Library) -> None:
    app, gated = with_stand_in_index(seed_library, GatedIndex)
    async with started(app, WIDE) as pilot:
        pane = browser(app).search
        await pilot.press("slash")
        await type_text(pilot, "slow")
        await until(pilot, gated[0].started.is_set)
        # The UI is not blocked while the slow search runs: typing goes on.
        pane.input.value = "Naqvi"
        # The lock serialises searches: release the slow one, then the newer runs.
        gated[0].gate.set()
        await until(pilot, lambda: pane.result is not None and pane.result.query == "Naqvi")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.result is not None and pane.result.query == "Naqvi"
        assert "STALE RESULT" not in screen_text(app)
        assert all(h.title != "STALE RESULT" for h in pane.hits)


@aio
async def test_results_for_another_query_than_the_one_typed_are_dropped(
    seed_library: Library,
) -> None:
    async with searched(seed_library, "Naqvi") as (pilot, app, _, pane):
        before = pane.hits
        # A late answer to an older query (the reader typed on since) is ignored.
        assert pane.show_result(SearchResult("Naq", (hit(title="LATE"),))) is False
        assert pane.hits == before
        await pilot.pause()
        assert "LATE" not in screen_text(app)


@aio
async def test_go_to_item_in_the_command_palette(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await type_text(pilot, "Marco Rubio")
        palette = app.screen

        def found() -> bool:
            lst = palette.query_one("CommandList")
            return any("Marco Rubio" in str(o.prompt) for o in lst.options)  # type: ignore[attr-defined]

        await until(pilot, found)
        lst = palette.query_one("CommandList")
        index = next(
            i
            for i, o in enumerate(lst.options)  # type: ignore[attr-defined]
            if "Go to" in str(o.prompt) and "Marco Rubio" in str(o.prompt)
        )
        lst.highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await until(
            pilot, lambda: screen.detail.ref is not None and screen.detail.ref.item != "pakistan"
        )
        item = app.library.item(screen.detail.ref)  # type: ignore[arg-type]
        assert item is not None and "Rubio" in (item.title + str(item.evidence))
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.detail.ref == ItemRef(SEED_ID, "pakistan")


@aio
async def test_search_results_name_the_briefing_across_a_library(library_dir: Path) -> None:
    library = two_briefing_library(library_dir)
    app = make_app(library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        pane = screen.search
        await pilot.press("slash")
        await type_text(pilot, "scanning machines")
        await until(pilot, lambda: pane.result is not None and bool(pane.hits))
        other = next(i for i, h in enumerate(pane.hits) if h.briefing == "second-briefing")
        pane.results.highlighted = other
        await pilot.pause()
        assert "A second briefing" in screen_text(app)  # cut with … to the pane's width
        await pilot.press("enter")
        await pilot.pause()
        assert screen.briefing.id == "second-briefing"


# -- the true count, paging, the last hit -------------------------------------------------


def all_hits(library: Library, query: str) -> int:
    ix = SearchIndex(library, memory=True)
    try:
        return len(ix.search(query, 10_000).hits)
    finally:
        ix.close()


@aio
async def test_the_count_is_true_and_more_results_load_near_the_end(
    seed_library: Library,
) -> None:
    total = all_hits(seed_library, "naqvi")
    assert total > PAGE
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = await first_page(pilot, app, "naqvi")
        assert pane.status == f"{PAGE} of {total}"
        assert f"{PAGE} of {total}" in screen_text(app)
        # Moving down towards the end of those shown asks for more, the cursor stays put.
        for _ in range(PAGE - NEAR_END):
            await pilot.press("down")
        await until(pilot, lambda: len(pane.hits) == total)
        assert pane.index == PAGE - NEAR_END
        assert pane.status == f"{total} results"


@aio
async def test_end_reaches_the_last_hit_and_home_the_first(seed_library: Library) -> None:
    total = all_hits(seed_library, "naqvi")
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = await first_page(pilot, app, "naqvi")
        assert pane.input.cursor_position == len("naqvi")
        await pilot.press("end")  # the text cursor is at the end already: the last hit
        await until(pilot, lambda: pane.index == total - 1)
        assert len(pane.hits) == total
        await pilot.press("home")  # moves the text cursor first
        await pilot.pause()
        assert pane.input.cursor_position == 0 and pane.index == total - 1
        await pilot.press("home")
        await pilot.pause()
        assert pane.index == 0


@aio
async def test_one_letter_says_keep_typing(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = browser(app).search
        await pilot.press("slash", "n")
        await until(pilot, lambda: pane.result is not None)
        assert "Keep typing" in pane.status and "No results" not in pane.status
        await type_text(pilot, "aqvi")
        await until(pilot, lambda: bool(pane.hits))


@aio
async def test_a_query_left_with_escape_is_recent(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = browser(app).search
        await pilot.press("slash")
        await type_text(pilot, "naqvi")
        await until(pilot, lambda: bool(pane.hits))
        await pilot.press("escape")
        await pilot.pause()
        assert pane.recent[:1] == ["naqvi"]


class SlowCountIndex(GatedIndex):
    """Counting waits for the gate (searching does not): the hits must show first."""

    def __init__(self, library: Library) -> None:
        super().__init__(library)
        self.counts: list[str] = []
        self.cancelled: list[str] = []

    def count(self, query: str, **options: Any) -> tuple[int, bool] | None:
        self.counts.append(query)
        self.started.set()
        self.gate.wait(10)
        cancelled = options.get("cancelled")
        if cancelled is not None and cancelled():
            self.cancelled.append(query)
            return None
        return self.inner.count(query, **options)


@aio
async def test_the_hits_show_first_and_the_count_follows(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_tui.search import engine

    monkeypatch.setattr(engine, "QUICK_COUNT", None)  # a count that is never quick
    # and that never runs out of time (COUNT_BUDGET, 20 ms, ran out on a loaded machine:
    # "20 of 32+" where this test waits for the whole count)
    whole = functools.partialmethod(engine.Engine.count_matches, time_limit=60.0)
    monkeypatch.setattr(engine.Engine, "count_matches", whole)
    # filters alone: searched by Whoosh's collectors, which count apart (a query of words is
    # counted as it is searched, term by term: test_a_query_of_words_comes_with_its_count)
    first, second = "kind:item -kind:acto", "kind:item -kind:actor"
    total = all_hits(seed_library, second)
    assert all_hits(seed_library, first) > total > PAGE
    app, slow = with_stand_in_index(seed_library, SlowCountIndex)
    async with started(app, NARROW) as pilot:
        pane = browser(app).search
        await pilot.press("slash")
        pane.input.value = first  # one change: one search, one count
        await until(pilot, slow[0].started.is_set)  # counting the first query waits
        # the hits wait a moment (COUNT_WAIT) for their count, then show without it
        await until(pilot, lambda: len(pane.hits) == PAGE)
        assert not slow[0].gate.is_set() and pane.status == f"{PAGE} of … (counting)"
        assert f"{PAGE} of … (counting)" in screen_text(app)
        slow[0].started.clear()
        await type_text(pilot, "r")  # the next key cancels the count of the first query
        slow[0].gate.set()
        await until(pilot, lambda: pane.status == f"{PAGE} of {total}")
        assert slow[0].cancelled == [first] and slow[0].counts == [first, second]
        assert f"{PAGE} of {total}" in screen_text(app)


async def statuses_answering(
    pilot: Pilot[None], pane: Any, query: str, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Search for ``query`` (after `/`): the status line after each result shown, once
    everything settled."""
    shown: list[str] = []
    show_result = pane.show_result

    def recording(result: SearchResult) -> bool:
        done = show_result(result)
        shown.append(pane.status)
        return bool(done)

    monkeypatch.setattr(pane, "show_result", recording)
    await pilot.press("slash")
    pane.input.value = query
    await until(pilot, lambda: bool(shown))
    await settle(pilot)
    return shown


@aio
async def test_a_quick_count_shows_with_the_hits_in_one_answer(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When counting is quick the hits come with their true count: no "(counting)" answer
    and no count of its own afterwards (one frame per key, benchmark row `keystroke`)."""
    from briefing_tui.search import engine

    monkeypatch.setattr(engine, "QUICK_COUNT", 60.0)
    query = "kind:item -kind:actor"  # filters alone: counted by the engine's quick count
    total = all_hits(seed_library, query)
    assert total > PAGE
    app, _ = with_stand_in_index(seed_library, lambda lib: SearchIndex(lib, memory=True))
    async with started(app, NARROW) as pilot:
        pane = browser(app).search
        shown = await statuses_answering(pilot, pane, query, monkeypatch)
        assert shown == [f"{PAGE} of {total}"] and pane.status == shown[0]
        assert f"{PAGE} of {total}" in screen_text(app)


class CountTakesAWhile(GatedIndex):
    """Counting takes 0.3 s: longer than a frame, shorter than the wait set below."""

    def count(self, query: str, **options: Any) -> tuple[int, bool] | None:
        self.started.set()
        threading.Event().wait(0.3)
        return self.inner.count(query, **options)


@aio
async def test_a_count_not_quick_for_the_engine_comes_with_the_hits_when_it_is_in_time(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine leaves the count for later (never quick here) and the app counts at once:
    the hits wait for it (COUNT_WAIT, made long here) and show with their true count in
    one answer, never "(counting)"."""
    from briefing_tui.search import engine
    from briefing_tui.tui.screens import browser as browser_module

    monkeypatch.setattr(engine, "QUICK_COUNT", None)
    monkeypatch.setattr(browser_module, "COUNT_WAIT", 30.0)
    query = "kind:item -kind:actor"  # filters alone: Whoosh's collectors, counted apart
    total = all_hits(seed_library, query)
    assert total > PAGE
    app, made = with_stand_in_index(seed_library, CountTakesAWhile)
    async with started(app, NARROW) as pilot:
        pane = browser(app).search
        shown = await statuses_answering(pilot, pane, query, monkeypatch)
        assert made[0].started.is_set()  # it was counted apart from the search
        assert shown == [f"{PAGE} of {total}"] and pane.status == shown[0]
        assert f"{PAGE} of {total}" in screen_text(app)


@aio
async def test_results_that_show_the_same_are_not_repainted(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "narcot" then "narcoti": the same hits. The list is not set again (a whole repaint
    over SSH), nor when the same hits come scored anew: only the result behind it is new."""
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = await search_for(pilot, app, "narcot")
        before = pane.result
        sets: list[int] = []
        set_options = pane.results.set_options
        monkeypatch.setattr(pane.results, "set_options", lambda o: sets.append(1) or set_options(o))
        await type_text(pilot, "i")
        await until(pilot, lambda: pane.result is not None and pane.result.query == "narcoti")
        await settle(pilot)
        assert before is not None and pane.result is not before
        assert [shown_as(h) for h in pane.result.hits] == [shown_as(h) for h in before.hits]
        assert not sets and pane.hits == pane.result.hits
        rescored = replace(
            pane.result, hits=tuple(replace(h, score=h.score + 1.0) for h in pane.result.hits)
        )
        assert pane.show_result(rescored)
        await settle(pilot)
        assert not sets and pane.result is rescored and pane.hits == rescored.hits
        await type_text(pilot, " naqvi")  # other hits: the list is set again
        await until(pilot, lambda: pane.result is not None and pane.result.query.endswith("naqvi"))
        await settle(pilot)
        assert sets


@aio
async def test_going_back_to_results_that_show_the_same_keeps_the_cursor(
    seed_library: Library,
) -> None:
    """restore() to a query whose results show as the ones on screen (not set again): the
    cursor still goes to the result it was on."""
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        pane = await search_for(pilot, app, "narcot")
        assert pane.results.highlighted == 0 and len(pane.hits) > 3
        pane.restore("narcoti", 3)
        await until(pilot, lambda: pane.result is not None and pane.result.query == "narcoti")
        await settle(pilot)
        assert pane.results.highlighted == 3


@aio
async def test_an_index_update_after_the_panes_are_taken_down_is_ignored(
    seed_library: Library,
) -> None:
    """Quitting takes the panes down while the screen object lives on; an index update
    that lands then (a reload's) searches nothing instead of failing to find the pane."""
    app = make_app(seed_library)
    async with started(app, NARROW) as pilot:
        await search_for(pilot, app, "narcot")
        screen = browser(app)
    assert not screen.query(SearchPane)  # the app has quit: its panes are gone
    screen.index_updated()  # raised NoMatches on '#search'
