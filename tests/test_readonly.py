"""The app and every command only read briefings and sources.

Every file of ``data/`` and ``seeds/`` (of a copy of the library, and of the repository's
own) is hashed, with its size, mode and modification time, and so is the list of files and
folders: before and after a full session of the app (navigate, follow links, search, copy,
switch briefings, the source pane, the problems view, quit) and of every command. Nothing
may change, and nothing may appear (no lock, cache or backup file beside the briefings).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.cli import main
from briefing_tui.tui.screens.problems import ProblemsScreen
from briefing_tui.tui.screens.switcher import SwitcherScreen
from tests.conftest import DATA, SEEDS
from tests.tui.helpers import (
    aio,
    browser,
    make_app,
    settle,
    two_briefing_library,
    type_text,
    until,
)

NARROW = (80, 24)
WIDE = (160, 48)

Tree = dict[str, tuple[str, ...]]


def tree_state(*roots: Path) -> Tree:
    """Every file and folder under ``roots``: kind, size, mode, mtime and content hash."""
    state: Tree = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = Path(folder) / name
                st = path.lstat()
                entry: tuple[str, ...] = (str(st.st_mode), str(st.st_mtime_ns))
                if path.is_file() and not path.is_symlink():
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    entry += (str(st.st_size), digest)
                state[str(path)] = entry
        st = root.stat()
        state[str(root)] = (str(st.st_mode), str(st.st_mtime_ns))
    return state


def assert_unchanged(before: Tree, after: Tree) -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    assert (added, removed, changed) == ([], [], [])


def test_the_state_notices_a_changed_byte_a_touch_and_a_new_file(tmp_path: Path) -> None:
    """The check itself can fail: an edit, a new mtime and a new file are all seen."""
    (tmp_path / "a.yaml").write_text("a", encoding="utf-8")
    before = tree_state(tmp_path)
    (tmp_path / "a.yaml").write_text("b", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_unchanged(before, tree_state(tmp_path))
    before = tree_state(tmp_path)
    st = (tmp_path / "a.yaml").stat()
    os.utime(tmp_path / "a.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    with pytest.raises(AssertionError):
        assert_unchanged(before, tree_state(tmp_path))
    before = tree_state(tmp_path)
    (tmp_path / ".a.yaml.swp").write_bytes(b"")
    with pytest.raises(AssertionError):
        assert_unchanged(before, tree_state(tmp_path))


async def full_session(paths: list[Path], two_briefings: bool) -> None:
    """Everything a reader does in the app, ending with q."""
    library = load_library(paths)
    assert library.briefings
    app = make_app(library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        screen = browser(app)
        first = screen.briefing.id
        # Navigate: move, sections, open an item.
        await pilot.press("j", "j", "k", "G", "g", "2", "j", "enter")
        await pilot.pause()
        assert screen.current_pane() == "detail"
        # Follow a link from the detail pane, then back and forward.
        targets = [i for i, t in enumerate(screen.detail.targets) if t is not None and t.ref]
        assert targets
        screen.detail.highlighted = targets[0]
        await pilot.pause()
        before_link = screen.history.position
        await pilot.press("enter")
        await pilot.pause()
        assert screen.history.position == before_link + 1
        await pilot.press("left_square_bracket", "right_square_bracket")
        # The source: a sentence, the items citing it.
        await pilot.press("s", "j", "j", "y", "enter")
        await pilot.pause()
        await pilot.press("escape")
        # Search, open a hit, step through the results.
        await pilot.press("slash")
        await type_text(pilot, "narcotics")
        await until(pilot, lambda: bool(screen.search.hits))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("n", "n", "N", "y")
        # Copy a citation from the navigator.
        await pilot.press("escape", "1", "y")
        await pilot.pause()
        assert app.clipboard
        # Switch briefings.
        if two_briefings:
            await pilot.press("b")
            await pilot.pause()
            assert isinstance(app.screen, SwitcherScreen)
            await type_text(pilot, "second")  # the switcher filters as one types
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert screen.briefing.id != first
        # The problems view and a problem in full (there may be only curation warnings).
        await pilot.press("p")
        view = app.screen
        assert isinstance(view, ProblemsScreen)
        await until(pilot, lambda: view.curation_done)
        await pilot.press("enter", "escape", "escape")
        # Help, and the go-to palette.
        await pilot.press("question_mark", "escape")
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


def run_every_command(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Every command, as a user runs it (in process, so a write anywhere is seen here)."""
    p = [str(x) for x in paths]
    commands = [
        ["validate", *p],
        ["validate", "--strict", *p],
        ["export", "--format", "json", *p],
        ["export", "--format", "markdown", *p],
        ["search", *[a for x in p for a in ("--data", x)], "narcotics"],
        ["search", "--json", *[a for x in p for a in ("--data", x)], "kind:commitment"],
        ["index", *p],
        ["index", "--rebuild", *p],
        ["schema"],
        ["schema", "--print"],
    ]
    for argv in commands:
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 1), (argv, code, err)
        assert out or err  # it ran and said something
        assert "Traceback" not in err


@aio
async def test_a_session_and_every_command_change_nothing_in_a_library_copy(
    library_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two_briefing_library(library_dir)  # a second briefing, for the switcher
    seeds = library_dir.parent / "seeds"
    before = tree_state(library_dir, seeds)
    await full_session([library_dir], two_briefings=True)
    assert_unchanged(before, tree_state(library_dir, seeds))
    run_every_command([library_dir], capsys)
    # `new` never overwrites a briefing: asked to, it refuses and writes nothing.
    article = next(seeds.glob("*.txt"))
    existing = next(library_dir.glob("*.yaml")).stem
    assert main(["new", str(article), "--id", existing, "--out", str(library_dir)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert_unchanged(before, tree_state(library_dir, seeds))


@aio
async def test_the_repository_s_own_data_and_seeds_are_never_changed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = tree_state(DATA, SEEDS)
    await full_session([DATA], two_briefings=False)
    run_every_command([DATA], capsys)
    # With no PATH the commands use the bundled library, which is data/ in a checkout.
    for argv in (["validate"], ["export"], ["search", "pakistan"], ["index"]):
        assert main(argv) in (0, 1)
    capsys.readouterr()
    assert_unchanged(before, tree_state(DATA, SEEDS))


@pytest.mark.e2e
def test_the_real_app_in_a_terminal_changes_nothing(library_dir: Path, tmp_path: Path) -> None:
    from tests.e2e import session
    from tests.e2e.terminal import app_command, focused_pane, tmux_session

    seeds = library_dir.parent / "seeds"
    before = tree_state(library_dir, seeds)
    env = {
        "BRIEFING_TUI_CACHE": str(tmp_path / "cache"),
        "BRIEFING_TUI_STATE": str(tmp_path / "state"),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    with tmux_session(app_command(str(library_dir), env=env), 80, 24) as t:  # narrow
        t.wait_for("Pakistan and US agree")
        t.send("j", "2", "Enter")
        t.wait_for("⏎ Follow")  # the detail pane has the focus
        t.send("s", "j", "y")
        t.wait_for("Citation copied")
        session.search(t, "narcotics")  # narrow: the search pane shows once it has the focus
        t.send("Enter")
        t.wait_for(lambda screen: focused_pane(screen) not in ("Search", None))  # hit open
        t.send("p")
        t.wait_for("f shows in full")
        t.send("p")  # closes it (a lone Escape can be taken for the start of a sequence)
        t.wait_for(lambda screen: "f shows in full" not in screen)
        t.send("q")
        t.wait_dead(timeout=10)
    assert_unchanged(before, tree_state(library_dir, seeds))
