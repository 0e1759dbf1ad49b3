"""Start-up: the first briefing painted before the rest of a large library is loaded."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path
from typing import Any

import pytest

from briefing_tui.briefing.library import Library, assemble
from briefing_tui.briefing.model import ItemRef
from briefing_tui.collector import gc_after_start_up
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.compat import notifications
from briefing_tui.tui.widgets.titlebar import TitleBar
from tests.tui.helpers import (
    SEED_ID,
    aio,
    at_first_frame,
    browser,
    make_app,
    run_app_probed,
    screen_text,
    two_briefing_library,
    until,
)

WIDE = (160, 48)
PANES3 = ("navigator", "detail", "source")  # the panes shown at 100 columns


def first_alone(library: Library) -> Library:
    return assemble([library.results[0]])


def held_back(whole: Library) -> tuple[BriefingApp, threading.Event]:
    """An app that opens on the first briefing of ``whole`` alone; the whole library is its
    rest, which arrives once the event is set."""
    release = threading.Event()

    def rest() -> Library:
        assert release.wait(10)
        return whole

    return make_app(first_alone(whole), rest=rest), release


def title_text(app: object) -> str:
    bar = browser(app).query_one(TitleBar)  # type: ignore[arg-type]
    return " ".join(str(w.render()) for w in bar.children)


@aio
async def test_the_first_briefing_shows_then_the_whole_library_keeps_the_place(
    library_dir: Path,
) -> None:
    whole = two_briefing_library(library_dir)
    assert whole.briefings[0].id == SEED_ID
    app, release = held_back(whole)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = browser(app)
        assert screen.briefing.id == SEED_ID
        assert screen.check_action("switcher", ()) is False  # one briefing known so far
        assert "[1/2]" not in title_text(app)
        assert app.index is None and app.index_error is None  # the index waits for the rest
        await pilot.press("j")  # the reader moves before the rest arrives
        await pilot.pause()
        moved = screen.navigator.highlighted_item
        assert moved is not None and moved.id != whole.briefings[0].actors[0].id
        release.set()
        await asyncio.wait_for(app.wait_for_library(), 10)
        await asyncio.wait_for(app.wait_for_index(), 10)
        await pilot.pause()
        assert app.library is whole and screen.library is whole
        assert screen.navigator.highlighted_item == moved
        assert screen.check_action("switcher", ()) is True
        assert "[1/2]" in title_text(app)
        assert app.index is not None
        # a backlink from the other briefing now shows in the detail pane
        screen.go_to_item(ItemRef(SEED_ID, "naqvi-baker-meeting"))
        await pilot.pause()
        prompts = [getattr(o.prompt, "plain", "") for o in screen.detail.options]
        assert any(p.endswith("in A second briefing on the same talks (1)") for p in prompts)


@aio
async def test_problems_are_told_once_the_whole_library_is_loaded(library_dir: Path) -> None:
    (library_dir / "zz-broken.yaml").write_text("format: 1\nid: [unclosed\n", "utf-8")
    whole = two_briefing_library_with_problems(library_dir)
    app, release = held_back(whole)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not notifications(app)  # the first briefing's own view has no problems
        release.set()
        await asyncio.wait_for(app.wait_for_library(), 10)
        await until(pilot, lambda: bool(notifications(app)))
        assert "problem" in notifications(app)[0].message
        await asyncio.wait_for(app.wait_for_index(), 10)


def two_briefing_library_with_problems(library_dir: Path) -> Library:
    from briefing_tui.briefing.library import load_library
    from tests.tui.helpers import SECOND

    (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
    library = load_library([library_dir])
    assert library.errors and len(library.briefings) == 2
    return library


@aio
async def test_a_failing_load_of_the_rest_keeps_the_first_briefing(library_dir: Path) -> None:
    whole = two_briefing_library(library_dir)

    def rest() -> Library:
        raise RuntimeError("simulated bug")

    app = make_app(first_alone(whole), rest=rest)
    async with app.run_test(size=WIDE) as pilot:
        await asyncio.wait_for(app.wait_for_library(), 10)
        await until(pilot, lambda: bool(notifications(app)))
        assert "did not load in full" in notifications(app)[0].message
        assert browser(app).briefing.id == SEED_ID
        assert app.index_error is not None


def test_gc_after_start_up_freezes_only_what_run_app_paused() -> None:
    assert gc.isenabled()
    assert gc_after_start_up() is False  # a test's (or another program's) collector: untouched
    before = gc.get_freeze_count()
    gc.disable()
    try:
        assert gc_after_start_up() is True
        assert gc.isenabled()
        assert gc.get_freeze_count() > before
    finally:
        gc.enable()
        gc.unfreeze()


@aio
async def test_the_footer_follows_the_first_frame_and_comes_with_later_screens(
    library_dir: Path,
) -> None:
    from textual.widgets import Footer

    from briefing_tui.tui.screens.browser import BrowserScreen

    whole = two_briefing_library(library_dir)
    app = make_app(whole)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        await until(pilot, lambda: bool(browser(app).query(Footer)))
        await asyncio.wait_for(app.wait_for_index(), 10)
        await until(pilot, lambda: "q Quit" in screen_text(app))
        later = BrowserScreen(whole, app.graph)  # as a reload that replaces the screen does
        await app.switch_screen(later)
        await until(pilot, lambda: bool(later.query(Footer)))
        await until(pilot, lambda: "q Quit" in screen_text(app))


@aio
async def test_leaving_right_at_the_first_frame_is_clean(seed_library: Library) -> None:
    """q typed before the footer and the index have come: nothing is mounted on a closing
    screen (it was a MountError, exit 70)."""

    import briefing_tui.tui.app
    from briefing_tui.tui.app import BriefingApp

    class LeavesAtOnce(BriefingApp):
        CSS_PATH = str(Path(briefing_tui.tui.app.__file__).parent / "app.tcss")

        def _display(self, screen: Any, renderable: Any) -> None:
            first = not self.first_frame_shown
            super()._display(screen, renderable)
            if first and self.first_frame_shown:
                self.exit()

    app = LeavesAtOnce(seed_library, ssh_mode=True)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        await pilot.pause()
    assert app.return_code in (0, None)
    assert app._exception is None


@aio
async def test_the_first_frame_is_drawn_once_at_the_screens_width(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the first frame the navigator is rendered once, at the layout of the
    terminal's width: not first laid out narrow (the breakpoint class came with the first
    resize) and not rendered inside the start-up batch, whose frame Textual drops. The
    detail and the source, filled after it, are not drawn empty before it."""
    from briefing_tui.tui.widgets.lists import BriefList

    renders: list[str] = []
    render_lines = BriefList.render_lines

    def counted(self: BriefList, crop: Any) -> Any:
        if not app.first_frame_shown:
            renders.append(f"{self.id} {self.size.width}")
        return render_lines(self, crop)

    monkeypatch.setattr(BriefList, "render_lines", counted)
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        width = browser(app).navigator.size.width
    assert renders == [f"navigator {width}"]


def pane_filled(app: BriefingApp, pane: str) -> bool:
    from briefing_tui.tui.widgets.lists import BriefList

    return browser(app).query_one(f"#{pane}", BriefList).option_count > 0


@aio
async def test_the_panes_wrap_their_options_once_at_their_width(seed_library: Library) -> None:
    """Their gutter is kept for the scrollbar until they are first measured: not wrapped at
    the whole width, then again one column narrower when the scrollbar comes (the navigator
    before the first frame, the detail and the source right after it)."""
    from briefing_tui.tui.widgets.lists import BriefList
    from briefing_tui.tui.widgets.memo import Memo

    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        await until(pilot, lambda: all(pane_filled(app, pane) for pane in PANES3))
        await pilot.pause()
        for pane in PANES3:
            widget = browser(app).query_one(f"#{pane}", BriefList)
            memos = [o.prompt for o in widget.options if isinstance(o.prompt, Memo)]
            widths = {key[1] for memo in memos for key in memo._segments}
            assert memos and len(widths) == 1, (pane, widths)
            assert widget.show_vertical_scrollbar  # they overflow at 100x30
            assert widget.styles.scrollbar_gutter == "auto"  # Textual's rule, once measured


@aio
async def test_the_first_frame_shows_the_navigator_and_the_other_panes_follow(
    seed_library: Library,
) -> None:
    """The first frame draws the title bar (coverage included) and the navigator; the
    detail and the source are filled and drawn right after it, with the first actor and
    its evidence, as if they had been there from the start."""
    from briefing_tui.briefing.coverage import coverage

    seen: list[tuple[bool, bool, bool, str]] = []
    app = make_app(seed_library)

    def look() -> None:
        screen = browser(app)
        filled = pane_filled(app, "detail"), pane_filled(app, "source")
        drawn = screen.detail.visible or screen.source.visible
        seen.append((*filled, drawn, title_text(app)))

    at_first_frame(app, look)
    briefing = seed_library.briefings[0]
    label = coverage(briefing).label()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        [(detail, source, drawn, title)] = seen
        assert (detail, source, drawn) == (False, False, False)  # not drawn empty either
        assert briefing.title[:20] in title and label in title
        screen = browser(app)
        assert screen.navigator.option_count > 5
        await until(pilot, lambda: pane_filled(app, "detail") and pane_filled(app, "source"))
        first = briefing.actors[0]
        assert screen.detail.ref == ItemRef(briefing.id, first.id)
        assert screen.source.briefing is briefing
        assert screen.source.evidence == {n for ev in first.evidence for n in ev.sentences}
        assert label in title_text(app)
        assert screen.detail.visible and screen.source.visible


@aio
async def test_a_move_before_the_other_panes_are_filled_shows_in_them(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys that come before the detail and the source are filled move the navigator; the
    panes then show where it is, filled at once when a key goes to one of them."""
    from briefing_tui.tui.screens.browser import BrowserScreen

    held: list[BrowserScreen] = []
    mount_deferred = BrowserScreen.mount_deferred

    async def later(self: BrowserScreen) -> None:
        held.append(self)  # run by the test, after its keys

    monkeypatch.setattr(BrowserScreen, "mount_deferred", later)
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(held))
        await pilot.press("j", "j")
        screen = browser(app)
        assert not pane_filled(app, "detail")
        moved = screen.navigator.highlighted_item
        assert moved is not None and moved.id != seed_library.briefings[0].actors[0].id
        await pilot.press("tab")  # to the detail: it is filled now, not left blank
        assert screen.current_pane() == "detail"
        ref = ItemRef(seed_library.briefings[0].id, moved.id)
        assert screen.detail.ref == ref and screen.detail.visible
        assert pane_filled(app, "source") and screen.source.visible
        await mount_deferred(screen)  # the rest of the deferred work comes late: same place
        await pilot.pause()
        assert screen.detail.ref == ref and screen.current_pane() == "detail"


@aio
async def test_a_pane_that_does_not_overflow_gives_its_gutter_back(seed_library: Library) -> None:
    from briefing_tui.tui.widgets.lists import BriefList

    app = make_app(seed_library)
    async with app.run_test(size=(200, 60)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        await pilot.pause()
        navigator = browser(app).query_one("#navigator", BriefList)
        assert not navigator.show_vertical_scrollbar
        assert navigator.styles.scrollbar_gutter == "auto"
        assert navigator.scrollable_content_region.width == navigator.content_region.width


def hold_deferred(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], Any]:
    """BrowserScreen.mount_deferred held back (run by the test): (the screens that asked for
    it, the real one)."""
    from briefing_tui.tui.screens.browser import BrowserScreen

    held: list[Any] = []
    mount_deferred = BrowserScreen.mount_deferred

    async def later(self: BrowserScreen) -> None:
        held.append(self)

    monkeypatch.setattr(BrowserScreen, "mount_deferred", later)
    return held, mount_deferred


async def to_a_speakers_sentence(pilot: Any, app: BriefingApp) -> int:
    """The Speakers section (6), the cursor on a sentence row past the third."""
    screen = browser(app)
    await pilot.press("6")
    for _ in range(40):
        if (screen.navigator.highlighted_sentence or 0) > 3:
            break
        await pilot.press("j")
    number = screen.navigator.highlighted_sentence
    assert number is not None and number > 3
    return number


@pytest.mark.parametrize("enter", [False, True])
@aio
async def test_a_speakers_sentence_chosen_before_the_panes_are_filled_shows_in_the_source(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch, enter: bool
) -> None:
    """On a sentence row the source marks the sentence; Enter opens it there (the panes
    filled first, not after, which would put the source back at its start)."""
    held, mount_deferred = hold_deferred(monkeypatch)
    app = make_app(seed_library)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: bool(held))
        screen = browser(app)
        number = await to_a_speakers_sentence(pilot, app)
        if enter:
            await pilot.press("enter")
            assert screen.current_pane() == "source" and screen.source.sentence == number
        await mount_deferred(screen)
        await pilot.pause()
        assert screen.source.evidence == {number} and screen.source.visible
        assert screen.navigator.highlighted_sentence == number
        if enter:
            assert screen.current_pane() == "source" and screen.source.sentence == number


@aio
async def test_the_browser_is_styled_again_on_a_resume_but_not_its_first(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its nodes were styled as they mounted, a moment before its first resume."""
    from textual import events
    from textual.app import App

    restyled: list[object] = []
    update_styles = App.update_styles

    def spy(self: App[None], node: Any, animate: bool = True) -> None:
        restyled.append(node)
        update_styles(self, node, animate)

    monkeypatch.setattr(App, "update_styles", spy)
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.first_frame_shown)
        screen = browser(app)
        assert screen not in restyled
        screen.post_message(events.ScreenResume())  # as a switch back to it sends
        await until(pilot, lambda: screen in restyled)


@aio
async def test_the_browser_has_its_breakpoint_class_before_its_first_layout(
    seed_library: Library,
) -> None:
    from briefing_tui.tui.screens.browser import BrowserScreen

    for width, name in ((80, "-narrow"), (100, "-wide"), (149, "-wide"), (150, "-widest")):
        app = make_app(seed_library)
        async with app.run_test(size=(width, 30)):
            screen = BrowserScreen(seed_library, app.graph)
            assert screen.has_class(name)
            assert not screen.is_mounted
    assert not BrowserScreen(seed_library, app.graph).classes  # no app: Textual sets it


def test_run_app_imports_the_index_factory_after_the_first_paint(tmp_path: Path) -> None:
    """briefing_tui.search.background (the child-process build) is imported when the index
    is opened, not before the app runs."""
    probe = """
        loaded = 'briefing_tui.search.background' in sys.modules
        print('background' if loaded else 'no', callable(app.index_factory))
    """
    done = run_app_probed(tmp_path, probe)
    assert done.stdout.split() == ["no", "True"], done.stderr


# -- the index built in a child process (briefing_tui.search.background) ---------------------


def child_factory(monkeypatch: object, tmp_path: Path, body: str) -> object:
    """The app's child-process index factory, with ``body`` (Python) as the child."""
    from briefing_tui.search import background
    from tests.conftest import DATA
    from tests.search.test_background import fake_child

    command = fake_child(tmp_path, body)
    monkeypatch.setattr(background, "CHILD_FROM", 1)  # type: ignore[attr-defined]
    monkeypatch.setattr(background, "_child_command", lambda: (command, {}))  # type: ignore[attr-defined]
    return background.child_index_factory([DATA])


@aio
async def test_a_crashing_index_child_is_a_message_and_the_browser_works(
    seed_library: Library, tmp_path: Path, monkeypatch: object
) -> None:
    factory = child_factory(
        monkeypatch, tmp_path, 'print("progress 0 1", flush=True)\nraise MemoryError("boom")\n'
    )
    app = make_app(seed_library, index_factory=factory)
    async with app.run_test(size=WIDE) as pilot:
        await asyncio.wait_for(app.wait_for_index(), 20)
        await pilot.pause()
        assert app.index is None
        assert app.index_error is not None
        assert "exit status 1" in app.index_error and "MemoryError: boom" in app.index_error
        await pilot.press("slash")
        await pilot.pause()
        assert "Search unavailable" in screen_text(app)
    assert app._exception is None and app.crash_log is None  # no traceback, no crash


@aio
async def test_quitting_while_the_child_builds_ends_the_child(
    seed_library: Library, tmp_path: Path, monkeypatch: object
) -> None:
    from tests.search.test_background import child_pid, gone

    factory = child_factory(
        monkeypatch,
        tmp_path,
        'for n in range(1000):\n    print(f"progress {n} 1000", flush=True)\n'
        "    time.sleep(0.01)\n",
    )
    app = make_app(seed_library, index_factory=factory)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.index_progress is not None and app.index_progress[0] > 0)
        assert browser(app).search.status.startswith("Indexing")
        pid = child_pid(tmp_path)
        assert not gone(pid)
        await pilot.press("q")
    assert gone(pid)  # stopped and waited for by the time the app is gone
    assert app._exception is None and app.crash_log is None
