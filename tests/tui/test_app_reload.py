"""Live reload while the app runs: edit, break, fix, add and delete briefing files (Pilot).

The app watches a copy of the library (``library_dir``) through file events (watchfiles),
with a short interval for its timeouts (racy re-reads) and for the polling fallback; the
tests of the event trigger itself use an interval too long to explain a reload. Every wait
is a poll with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest

import briefing_tui.tui.run
from briefing_tui.briefing.loader import display_path
from briefing_tui.briefing.model import ItemRef
from briefing_tui.cli import _main_parser
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.compat import notifications
from briefing_tui.tui.run import run_app
from briefing_tui.tui.screens.empty import EmptyScreen
from briefing_tui.tui.screens.problems import ProblemsScreen
from briefing_tui.tui.screens.switcher import SwitcherScreen
from briefing_tui.tui.widgets.titlebar import STALE_LABEL
from briefing_tui.watch import (
    TRIGGER_EVENTS,
    TRIGGER_INTERVAL,
    TRIGGER_POLLING,
    LibraryWatcher,
    WatchLoop,
)
from tests.conftest import SEED_ARTICLE, SEED_BRIEFING
from tests.tui.helpers import (
    SECOND,
    SEED_ID,
    aio,
    browser,
    make_app,
    screen_text,
    settle,
    started,
    type_text,
    until,
)

WIDE = (160, 48)
NARROW = (80, 24)
INTERVAL = 0.02
NEVER = 60.0  # an interval no test waits for: a reload within it came from a file event


def watched(library_dir: Path, **kwargs: Any) -> BriefingApp:
    watcher = LibraryWatcher([library_dir])
    library = watcher.load()
    kwargs.setdefault("watch_interval", INTERVAL)
    return make_app(library, watcher=watcher, **kwargs)


def seed_file(library_dir: Path) -> Path:
    return library_dir / SEED_BRIEFING.name


def save(path: Path, text: str) -> None:
    """Save as most editors do: a new file renamed over the old one (no half-written file
    is ever seen; in-place writes are covered by the watcher's tests)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    save(path, text.replace(old, new))


def loop_of(app: BriefingApp) -> WatchLoop:
    loop = app.watch_loop
    assert loop is not None
    return loop


def nav_id(app: BriefingApp) -> str | None:
    item = browser(app).navigator.highlighted_item
    return item.id if item is not None else None


# -- edit, break, fix --------------------------------------------------------------------------


@aio
async def test_an_edit_appears_and_the_selection_is_kept(library_dir: Path) -> None:
    app = watched(library_dir)
    async with started(app, WIDE) as pilot:
        await pilot.press("j", "j", "j", "j", "j")  # the sixth actor: Mohsin Naqvi
        assert nav_id(app) == "mohsin-naqvi"
        await pilot.press("enter", "j")  # into the detail pane, one row down
        screen = browser(app)
        detail_row = screen.detail.highlighted
        assert "Mohsin Naqvi" in screen_text(app)
        edit(seed_file(library_dir), "name: Mohsin Naqvi", "name: Mohsin Raza Naqvi")
        await until(pilot, lambda: "Mohsin Raza Naqvi" in screen_text(app))
        assert app.reloads == 1
        assert nav_id(app) == "mohsin-naqvi"  # the same item, in the same section
        assert screen.navigator.section == "actors"
        assert screen.detail.ref == ItemRef(SEED_ID, "mohsin-naqvi")
        assert screen.current_pane() == "detail"
        assert screen.detail.highlighted == detail_row
        assert app.library.item(ItemRef(SEED_ID, "mohsin-naqvi")).name == "Mohsin Raza Naqvi"  # type: ignore[union-attr]
        assert not app.failing and not app.kept_paths


@aio
async def test_a_removed_item_gives_way_to_its_neighbour(library_dir: Path) -> None:
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        await pilot.press("2", "j")  # the second commitment
        screen = browser(app)
        items = [c.id for c in screen.briefing.commitments]
        assert nav_id(app) == items[1]
        # Its id edited (and every reference to it): the old id is gone, and the item now
        # at its place in the list is selected.
        path = seed_file(library_dir)
        edit(path, items[1], "renamed-commitment")
        await until(pilot, lambda: nav_id(app) == "renamed-commitment")
        assert not app.failing
        assert screen.navigator.section == "commitments"
        assert nav_id(app) == "renamed-commitment"
        assert screen.detail.ref == ItemRef(SEED_ID, "renamed-commitment")
        # Now the last commitment, moved to the top of the list: the selection follows the
        # item, not the place.
        await pilot.press("G")
        last = nav_id(app)
        assert last == items[-1]
        text = path.read_text(encoding="utf-8")
        start = text.index(f"  - id: {last}\n")
        end = text.index("\ncontext:\n") + 1
        block = text[start:end]
        top = text.index("commitments:\n") + len("commitments:\n")
        text = text[:start] + text[end:]
        save(path, text[:top] + block + text[top:])
        await until(pilot, lambda: screen.briefing.commitments[0].id == last)
        assert not app.failing
        assert nav_id(app) == last
        assert screen.navigator.highlighted == 0


@aio
async def test_a_broken_save_keeps_the_last_good_version_and_says_why(library_dir: Path) -> None:
    app = watched(library_dir)
    path = seed_file(library_dir)
    good = path.read_text(encoding="utf-8")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # United States
        assert nav_id(app) == "united-states"
        # Break it: a kind the format does not know, written as would-be markup.
        edit(path, "name: United States\n    kind: country", "name: USA\n    kind: '[b]land[/b]'")
        await until(pilot, lambda: bool(app.failing))
        key = next(iter(app.failing))
        assert key.endswith(path.name)
        assert any("[b]land[/b]" in p.message for p in app.failing[key])
        assert app.kept_paths == frozenset({path})
        await until(pilot, lambda: STALE_LABEL in screen_text(app))
        text = screen_text(app)
        assert "United States" in text and "USA" not in text  # the last good version
        assert nav_id(app) == "united-states"
        shown = [n for n in notifications(app) if n.title.startswith("Not reloaded")]
        assert len(shown) == 1
        note = shown[0]
        assert note.markup is False and note.severity == "error"
        assert "[b]land[/b]" in note.message  # shown as written, never as markup
        assert "last good version" in note.message
        # Not YAML at all: still the last good version.
        save(path, good.replace("id: pakistan\n", "id: [pakistan\n"))
        await until(pilot, lambda: not any("land" in p.message for p in app.failing.get(key, [])))
        assert app.failing[key]
        assert "United States" in screen_text(app)
        assert app.kept_paths == frozenset({path})
        # Fixed, with another name: the fix shows and the problem is gone.
        save(path, good.replace("name: United States", "name: The USA"))
        await until(pilot, lambda: "The USA" in screen_text(app))
        assert not app.failing and not app.kept_paths
        await until(pilot, lambda: STALE_LABEL not in screen_text(app))
        assert not app.library.problems
        assert nav_id(app) == "united-states"
        assert any("no errors now" in n.message for n in notifications(app))


@aio
async def test_a_new_broken_file_is_reported_and_listed_in_the_problems_view(
    library_dir: Path,
) -> None:
    app = watched(library_dir)
    async with started(app, WIDE) as pilot:
        save(library_dir / "extra.yaml", SECOND.replace("kind: plan", "kind: \x1b[31mplan"))
        await until(pilot, lambda: bool(app.failing))
        (note,) = [n for n in notifications(app) if n.title.startswith("Errors in")]
        assert note.title == "Errors in " + display_path(library_dir / "extra.yaml")
        assert "\x1b" not in note.message and "\x1b" not in note.title  # neutralised
        assert "U+001B ESCAPE" in note.message
        assert not any("New briefing file" in n.message for n in notifications(app))
        # The problems view lists it, as validate would.
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        await until(pilot, lambda: screen.curation_done)
        assert any(
            p.path.endswith("extra.yaml") and "U+001B" in p.message
            for p in screen.problem_list.problems
        )


@aio
async def test_editing_the_article_revalidates_its_briefings(library_dir: Path) -> None:
    app = watched(library_dir)
    article = library_dir.parent / "seeds" / SEED_ARTICLE.name
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        n = len(browser(app).briefing.source.sentences)
        with article.open("a", encoding="utf-8") as f:
            f.write("\nA sentence added by the editor.\n")
        await until(pilot, lambda: len(browser(app).briefing.source.sentences) == n + 1)
        last = browser(app).briefing.source.sentences[-1]
        assert last.text == "A sentence added by the editor."
        await until(pilot, lambda: f"{n}/{n + 1} sentences cited" in screen_text(app))
        # An article that loses a quoted sentence breaks the briefing: the last good
        # version stays, and the problem is named.
        text = article.read_text(encoding="utf-8")
        first = browser(app).briefing.source.sentences[0].text
        save(article, text.replace(first, "Nothing to quote here."))
        await until(pilot, lambda: bool(app.failing))
        assert app.kept_paths == frozenset({seed_file(library_dir)})
        assert browser(app).briefing.source.sentences[-1] == last  # the last good version


# -- new and deleted files ---------------------------------------------------------------------


@aio
async def test_a_new_file_appears_in_the_switcher(library_dir: Path) -> None:
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        assert len(app.library.briefings) == 1
        (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
        await until(pilot, lambda: len(app.library.briefings) == 2)
        await until(pilot, lambda: "[1/2]" in screen_text(app))
        assert any("second.yaml" in n.message for n in notifications(app))
        await pilot.press("b")
        assert isinstance(app.screen, SwitcherScreen)
        assert "A second briefing on the same" in screen_text(app)  # (cut to the column)
        await pilot.press(*"second", "enter")  # filter, open the match
        assert browser(app).briefing.id == "second-briefing"


@aio
async def test_deleting_the_open_briefing_moves_to_another_then_to_the_empty_screen(
    library_dir: Path,
) -> None:
    (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        await pilot.press("b", *"second", "enter")
        screen = browser(app)
        assert screen.briefing.id == "second-briefing"
        (library_dir / "second.yaml").unlink()
        await until(pilot, lambda: screen.briefing.id == SEED_ID)
        assert len(app.library.briefings) == 1
        assert "A second briefing" not in screen_text(app)
        assert nav_id(app) == screen.briefing.actors[0].id
        await pilot.press("b")  # one briefing: no switcher
        assert not isinstance(app.screen, SwitcherScreen)
        # The last one goes too: the empty screen, with the reason.
        seed_file(library_dir).unlink()
        await until(pilot, lambda: isinstance(app.screen, EmptyScreen))
        await until(pilot, lambda: "No briefings could be loaded" in screen_text(app))
        assert any("no briefing files" in p.message for p in app.library.problems)
        assert app.browser is None
        # A file comes back: the browser again.
        (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
        await until(pilot, lambda: app.browser is not None)
        await until(pilot, lambda: "A second briefing on the same talks" in screen_text(app))
        assert browser(app).briefing.id == "second-briefing"


@aio
async def test_starting_empty_then_a_briefing_arrives(library_dir: Path) -> None:
    seed = seed_file(library_dir)
    kept = seed.read_text(encoding="utf-8")
    seed.unlink()
    app = watched(library_dir)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EmptyScreen)
        seed.write_text(kept, encoding="utf-8")
        await until(pilot, lambda: app.browser is not None)
        await until(pilot, lambda: app.index is not None)  # the index opens now
        assert browser(app).briefing.id == SEED_ID


# -- the search index ----------------------------------------------------------------------------


@aio
async def test_the_index_takes_in_the_changed_briefing_only(library_dir: Path) -> None:
    (library_dir / "second.yaml").write_text(SECOND, encoding="utf-8")
    app = watched(library_dir)
    async with started(app, WIDE) as pilot:
        assert app.index is not None
        await pilot.press("slash")
        await type_text(pilot, "zeppelin")
        screen = browser(app)
        await until(pilot, lambda: screen.search.result is not None)
        assert not screen.search.hits
        edit(
            library_dir / "second.yaml",
            "title: Install scanning machines at major airports",
            "title: Install zeppelin scanners at major airports",
        )
        await until(pilot, lambda: app.index_updates == 1)
        assert app.reindexed == ("second-briefing",)  # not the seed briefing
        # The search pane searched again: the new word is found, in that briefing.
        await until(pilot, lambda: bool(screen.search.hits))
        hit = screen.search.hits[0]
        assert (hit.briefing, hit.id) == ("second-briefing", "scanning-at-airports")


# -- quiet while idle, and off when asked -------------------------------------------------------


@aio
async def test_no_redraw_while_idle_in_ssh_mode(library_dir: Path) -> None:
    app = watched(library_dir, ssh_mode=True)
    frames: list[object] = []
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.pause()
        display = app._display

        def counting(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                frames.append(renderable)
            display(screen, renderable)

        app._display = counting  # type: ignore[method-assign]
        watcher = app.watcher
        assert watcher is not None
        loop = loop_of(app)
        assert loop.trigger == TRIGGER_EVENTS
        # Past the first poll (and the racy re-reads of a library copied just now).
        await until(pilot, lambda: loop.wakeups >= 2 and not watcher.racy_pending)
        polls, wakeups = watcher.polls, loop.wakeups
        await until(pilot, lambda: loop.wakeups >= wakeups + 5)  # timeouts: the thread runs
        assert watcher.polls == polls  # while nothing changes, nothing is even statted
        assert frames == []
        assert app.reloads == 0
        # The counting is real: a change does draw.
        edit(seed_file(library_dir), "name: Mohsin Naqvi", "name: Mohsin R. Naqvi")
        await until(pilot, lambda: app.reloads == 1)
        await until(pilot, lambda: bool(frames))
        assert watcher.polls > polls


@aio
async def test_the_watch_thread_ends_with_the_app_or_on_a_bug(library_dir: Path) -> None:
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        thread = app.watch_thread
        assert thread is not None and thread.is_alive()
    assert not thread.is_alive()  # joined on unmount
    app = watched(library_dir)
    watcher = app.watcher
    assert watcher is not None

    def broken_poll() -> None:
        raise ZeroDivisionError("[b]a bug[/b]")

    watcher.poll = broken_poll  # type: ignore[method-assign,assignment]
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        thread = app.watch_thread
        assert thread is not None
        await until(pilot, lambda: not thread.is_alive())
        await until(pilot, lambda: bool(notifications(app)))
        (note,) = notifications(app)
        assert note.message == "Live reload stopped: ZeroDivisionError: [b]a bug[/b]"
        assert note.markup is False


@aio
async def test_without_a_watcher_nothing_is_polled(library_dir: Path) -> None:
    from briefing_tui.briefing.library import load_library

    app = make_app(load_library([library_dir]))
    async with started(app, NARROW) as pilot:
        assert app.watcher is None
        assert app.watch_thread is None
        edit(seed_file(library_dir), "name: Mohsin Naqvi", "name: Mohsin R. Naqvi")
        await pilot.pause(0.1)
        assert app.reloads == 0


# -- what wakes the watch thread ----------------------------------------------------------------


@aio
async def test_file_events_trigger_reloads_of_edits_new_and_deleted_files(
    library_dir: Path,
) -> None:
    app = watched(library_dir, watch_interval=NEVER)
    async with started(app, NARROW) as pilot:
        loop = loop_of(app)
        assert loop.trigger == TRIGGER_EVENTS and loop.fallback == ""
        # Edited in place (no new inode, no directory change).
        seed = seed_file(library_dir)
        text = seed.read_text(encoding="utf-8")
        seed.write_text(text.replace("name: Mohsin Naqvi", "name: Mohsin E. Naqvi"), "utf-8")
        await until(pilot, lambda: app.reloads == 1)
        assert app.library.item(ItemRef(SEED_ID, "mohsin-naqvi")).name == "Mohsin E. Naqvi"  # type: ignore[union-attr]
        # A new file, in a folder that did not exist: watched from then on.
        sub = library_dir / "more"
        sub.mkdir()
        second = sub / "second.yaml"
        second.write_text(SECOND.replace("../seeds", "../../seeds"), encoding="utf-8")
        await until(pilot, lambda: len(app.library.briefings) == 2)
        await until(pilot, lambda: loop.watches >= 2)  # started again, on the new folder too
        reloads = app.reloads
        text = second.read_text(encoding="utf-8")
        second.write_text(text.replace("A second briefing", "A 2nd briefing"), "utf-8")
        await until(pilot, lambda: app.reloads > reloads)
        b = app.library.briefing("second-briefing")
        assert b is not None and b.title.startswith("A 2nd briefing")
        # A deleted file.
        second.unlink()
        await until(pilot, lambda: len(app.library.briefings) == 1)
        assert any(
            "second.yaml" in n.message and "removed" in n.message for n in notifications(app)
        )


@aio
async def test_file_events_trigger_a_reload_of_an_article_outside_the_library(
    library_dir: Path,
) -> None:
    article = library_dir.parent / "seeds" / SEED_ARTICLE.name
    assert library_dir not in article.parents
    app = watched(library_dir, watch_interval=NEVER)
    async with started(app, WIDE) as pilot:
        assert loop_of(app).trigger == TRIGGER_EVENTS
        assert article.parent in app.watcher.watch_targets()  # type: ignore[union-attr]
        n = len(browser(app).briefing.source.sentences)
        with article.open("a", encoding="utf-8") as f:
            f.write("\nA sentence added by the editor.\n")
        await until(pilot, lambda: len(browser(app).briefing.source.sentences) == n + 1)
        assert app.reloads == 1


@aio
async def test_polling_when_the_environment_asks_for_it(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        assert loop_of(app).trigger == TRIGGER_POLLING
        seed = seed_file(library_dir)
        text = seed.read_text(encoding="utf-8")
        seed.write_text(text.replace("name: Mohsin Naqvi", "name: Mohsin P. Naqvi"), "utf-8")
        await until(pilot, lambda: app.reloads == 1)
        assert not notifications(app) or all("stopped" not in n.message for n in notifications(app))


@pytest.mark.parametrize("how", ["missing", "failing"])
@aio
async def test_interval_polling_when_watchfiles_cannot_be_used(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "missing":
        monkeypatch.setitem(sys.modules, "watchfiles", None)  # import fails
    else:
        import watchfiles

        calls: list[tuple[Any, ...]] = []

        def failing(*paths: Any, **kwargs: Any) -> Any:
            calls.append(paths)
            raise OSError("OS file watch limit reached")
            yield  # a generator, as watchfiles.watch is

        monkeypatch.setattr(watchfiles, "watch", failing)
    app = watched(library_dir)
    async with started(app, NARROW) as pilot:
        loop = loop_of(app)
        await until(pilot, lambda: loop.trigger == TRIGGER_INTERVAL)
        assert ("watch limit" in loop.fallback) if how == "failing" else ("import" in loop.fallback)
        seed = seed_file(library_dir)
        text = seed.read_text(encoding="utf-8")
        seed.write_text(text.replace("name: Mohsin Naqvi", "name: Mohsin I. Naqvi"), "utf-8")
        await until(pilot, lambda: app.reloads == 1)
        assert not notifications(app)  # falling back is no error
        thread = app.watch_thread
        assert thread is not None and thread.is_alive()


@aio
async def test_watching_starts_after_the_first_paint(library_dir: Path) -> None:
    app = watched(library_dir)
    seen: list[bool] = []
    start = app._start_watching

    def starting() -> None:
        seen.append(app.first_frame_shown)
        start()

    app._start_watching = starting  # type: ignore[method-assign]
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.watch_thread is not None)
    assert seen and all(seen)


@pytest.mark.parametrize("argv, watching", [([], True), (["--no-watch"], False)])
def test_run_app_watches_unless_told_not_to(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], watching: bool
) -> None:
    seen: list[BriefingApp] = []

    def fake_run(self: BriefingApp, *args: Any, **kwargs: Any) -> None:
        seen.append(self)

    class Left(Exception):
        pass

    def fake_leave(code: int) -> None:  # run_app ends the process with os._exit: not here
        raise Left(code)

    monkeypatch.setattr(BriefingApp, "run", fake_run)
    monkeypatch.setattr(briefing_tui.tui.run, "leave_now", fake_leave)
    args: argparse.Namespace = _main_parser().parse_args([*argv, str(library_dir)])
    with pytest.raises(Left) as left:
        run_app([library_dir], args)
    assert left.value.args == (0,)
    (app,) = seen
    assert (app.watcher is not None) is watching
    if app.watcher is not None:
        assert app.watcher.paths == (library_dir,)
        assert app.library.briefings == app.watcher.library.briefings
