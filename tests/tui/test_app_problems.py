"""The app on a library with broken files: every good briefing, a notification for each
broken file, and every problem in the problems view (``p``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.loader import display_path
from briefing_tui.briefing.problems import Problem
from briefing_tui.cli import main
from briefing_tui.tui.compat import notifications
from briefing_tui.tui.screens.empty import EmptyScreen
from briefing_tui.tui.screens.help import HelpScreen
from briefing_tui.tui.screens.problems import (
    MAX_TOASTS,
    ProblemList,
    ProblemScreen,
    ProblemsScreen,
    full_text,
    source_paths,
)
from briefing_tui.tui.screens.switcher import SwitcherScreen
from briefing_tui.tui.widgets.navigator import Navigator
from tests.tui.helpers import (
    after_keys,
    aio,
    browser,
    make_app,
    screen_text,
    settle,
    until,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "tests" / "catalogue"
WIDE = (160, 48)
NARROW = (80, 24)

GOOD_IDS = {
    "catalogue-baseline",
    "catalogue-bom-utf8",
    "catalogue-crlf-line-endings",
    "catalogue-rich-markup-literal",
    "catalogue-multilingual",
}

# Broken files whose first problem is on a line of their own (checked against validate).
SOME_BROKEN = ("yaml-tab-indentation.yaml", "impossible-month-13.yaml")
ESC_NAME = "evil\x1b]0;pwned\x07[bold red]name.yaml"


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    """A copy of the catalogue: bad/, good/ and the articles they cite."""
    root = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, root)
    return root


@pytest.fixture
def mixed(catalogue_dir: Path) -> Path:
    """Every good and every bad catalogue file in one library directory."""
    lib = catalogue_dir / "library"
    lib.mkdir()
    for sub in ("good", "bad"):
        for f in (catalogue_dir / sub).iterdir():
            f.rename(lib / f"{sub}-{f.name}")
    return lib


@pytest.fixture
def small_broken(catalogue_dir: Path) -> Path:
    """Three good briefings (one with a TODO), two broken files, and a broken file with a
    hostile name."""
    lib = catalogue_dir / "small"
    lib.mkdir()
    for name in ("baseline.yaml", "rich-markup-literal.yaml"):
        shutil.copy(catalogue_dir / "good" / name, lib / f"good-{name}")
    for name in SOME_BROKEN:
        shutil.copy(catalogue_dir / "bad" / name, lib / name)
    (lib / ESC_NAME).write_text("format: [\n", encoding="utf-8")
    # A good briefing with a curation warning (a TODO left in a text field).
    text = (catalogue_dir / "good" / "baseline.yaml").read_text(encoding="utf-8")
    text = text.replace("id: catalogue-baseline", "id: catalogue-todo", 1)
    text = text.replace("summary: The two", "summary: TODO The two", 1)
    (lib / "todo.yaml").write_text(text, encoding="utf-8")
    return lib


def validate_lines(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What ``briefing-tui validate PATH`` prints: one problem a line (errors and warnings)."""
    capsys.readouterr()
    main(["validate", str(path)])
    return capsys.readouterr().out.splitlines()


def first_error_by_file(lines: list[str]) -> dict[str, str]:
    """From validate's output: each file's first error line, by the file's display path."""
    firsts: dict[str, str] = {}
    for line in lines:
        if ": warning: " in line:
            continue
        path = line.split(":", 1)[0]
        firsts.setdefault(path, line)
    return firsts


# -- every good briefing ----------------------------------------------------------------------


@aio
async def test_a_library_of_every_catalogue_file_opens_with_every_good_briefing(
    mixed: Path,
) -> None:
    library = load_library([mixed])
    assert len(library.results) > 70
    app = make_app(library)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, Navigator)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, SwitcherScreen)
        listed = {opt.id for opt in app.screen.query_one("#switcher-list").options}  # type: ignore[attr-defined]
        assert listed >= GOOD_IDS
        # Open each good briefing from the switcher: it is really there.
        for bid in sorted(GOOD_IDS):
            if not isinstance(app.screen, SwitcherScreen):
                await pilot.press("b")
                await pilot.pause()
            lst = app.screen.query_one("#switcher-list")
            lst.highlighted = lst.get_option_index(bid)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            assert browser(app).briefing.id == bid
        assert not app._exit


# -- notifications ----------------------------------------------------------------------------


@aio
async def test_each_broken_file_is_named_with_its_first_problem(
    small_broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = first_error_by_file(validate_lines(small_broken, capsys))
    assert len(expected) == len(SOME_BROKEN) + 1 <= MAX_TOASTS
    library = load_library([small_broken])
    app = make_app(library)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await settle(pilot)
        notes = notifications(app)
        assert len(notes) == len(expected)
        for path, first in expected.items():
            name = Path(path).name
            (note,) = [n for n in notes if name in n.title]
            line_col_message = first[len(path) + 1 :]  # validate's line without the path
            assert note.message[:80] == line_col_message[:80], (first, note.message)
        assert "Press p to see every problem" in notes[-1].message
        for n in notes:
            assert not n.markup
            assert "\x1b" not in n.message + n.title and "\x07" not in n.message + n.title
        # The hostile name is shown with visible symbols and its markup literally.
        (hostile,) = [n for n in notes if "pwned" in n.title]
        assert "␛]0;pwned␇[bold red]name.yaml" in hostile.title
        assert "Not loaded" in hostile.title
        # Every good briefing is there all the same.
        assert {"catalogue-baseline", "catalogue-rich-markup-literal"} <= {
            b.id for b in app.library.briefings
        }
        # The toasts render: the literal markup of the name is on the screen.
        assert "[bold red]name" in screen_text(app)


@aio
async def test_many_broken_files_are_all_named_within_a_few_notifications(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = first_error_by_file(validate_lines(mixed, capsys))
    assert len(expected) > MAX_TOASTS
    library = load_library([mixed])
    app = make_app(library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        notes = notifications(app)
        assert len(notes) == MAX_TOASTS
        # The first files have their own notification with their first problem...
        ordered_paths = list(expected)
        for path, note in zip(ordered_paths, notes[: MAX_TOASTS - 1], strict=False):
            assert Path(path).name in note.title
            assert note.message.startswith(expected[path][len(path) + 1 :][:60])
        # ...and the last one counts the rest and names the first of them.
        rest = len(expected) - (MAX_TOASTS - 1)
        assert f"{rest} more files" in notes[-1].title
        assert Path(ordered_paths[MAX_TOASTS - 1]).name in notes[-1].message
        assert f"and {rest - 6} more" in notes[-1].message


@aio
async def test_a_clean_library_has_no_problem_notification(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await settle(pilot)
        assert not notifications(app)


# -- the problems view ------------------------------------------------------------------------


def view_lines(lst: ProblemList) -> list[str]:
    return [str(p) for p in lst.problems]


@aio
async def test_p_lists_every_problem_that_validate_prints_errors_first(
    small_broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = validate_lines(small_broken, capsys)
    assert any(": warning: " in line for line in expected)  # the curation warnings too
    library = load_library([small_broken])
    app = make_app(library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        assert "p Problems" in screen_text(app)  # in the footer
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        assert not notifications(app)  # the view replaces the toasts
        await until(pilot, lambda: screen.curation_done)
        await pilot.pause()
        lst = screen.problem_list
        shown = view_lines(lst)
        assert sorted(shown) == sorted(expected)
        kinds = [": warning: " in line for line in shown]
        assert kinds == sorted(kinds)  # every error before every warning
        errors = sum(not k for k in kinds)
        text = screen_text(app)
        warnings = len(shown) - errors
        assert (errors, warnings) == (3, 1)
        assert "Problems (3 errors, 1 warning)" in text
        assert isinstance(app.focused, ProblemList)
        first = lst.problems[0]
        assert first.message[:40] in text
        assert "\x1b" not in text
        # Escape closes it; the browser has the focus back.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is browser(app)
        assert isinstance(app.focused, Navigator)
        # p opens it again and p closes it too.
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is browser(app)


@aio
async def test_the_problems_key_is_in_the_help(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "question_mark") as (_, app):
        assert isinstance(app.screen, HelpScreen)
        lines = [line for line in screen_text(app).splitlines() if "Problems" in line]
        assert lines and " p " in lines[0]


@aio
async def test_p_in_the_search_box_types_p(seed_library: Library) -> None:
    async with after_keys(seed_library, NARROW, "slash", "p") as (_, app):
        assert browser(app).search.query_text == "p"
        assert app.screen is browser(app)


@aio
async def test_a_clean_library_says_no_problems(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        await until(pilot, lambda: screen.curation_done)
        await pilot.pause()
        assert screen.problem_list.problems == []
        assert "No problems found." in screen_text(app)


@aio
async def test_enter_shows_a_problem_in_full_with_the_lines_of_its_file(
    small_broken: Path,
) -> None:
    library = load_library([small_broken])
    app = make_app(library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        lst = app.screen.query_one(ProblemList)
        index = next(
            i for i, p in enumerate(lst.problems) if p.path.endswith("yaml-tab-indentation.yaml")
        )
        lst.highlighted = index
        await pilot.pause()
        await pilot.press("enter")  # in no item that loaded: shown in full
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen)
        problem = lst.problems[index]
        shown = app.screen.query_one("#problem-text", Static).content
        assert isinstance(shown, Text)
        assert problem.message in shown.plain  # all of it
        # The problem's own line of the file, numbered, and the one before it; on screen.
        lines = (small_broken / "yaml-tab-indentation.yaml").read_text().splitlines()
        text = " ".join(screen_text(app).split())
        assert f"{problem.line} │ {lines[problem.line - 1].strip()}" in text
        assert f"{problem.line - 1} │ {lines[problem.line - 2].strip()}" in text
        assert problem.message[:30] in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert app.screen.query_one(ProblemList).highlighted == index


def test_the_caret_points_at_the_column_even_after_wide_characters(tmp_path: Path) -> None:
    f = tmp_path / "wide.yaml"
    f.write_text("a: 1\ntitle: 日本語 x\x1b\n", encoding="utf-8")
    p = Problem(pos_at(f, 2, 12), "something at x")
    text = full_text(p, f).plain
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("2 │ "))
    assert "\x1b" not in text and "␛" in lines[row]
    caret = lines[row + 1].index("^")
    # The caret sits under the 'x', in cells: the 3 wide characters take 2 cells each.
    line = lines[row]
    assert cell_len(line[: line.index("x")]) == caret
    assert caret == len(line[: line.index("x")]) + 3


def pos_at(path: Path, line: int, col: int):  # type: ignore[no-untyped-def]
    from briefing_tui.briefing.model import Pos

    return Pos(display_path(path), line, col)


def test_every_catalogue_problem_can_be_shown_in_full_without_control_characters(
    mixed: Path,
) -> None:
    library = load_library([mixed])
    paths = source_paths(library)
    problems = library.problems
    assert len(problems) > 70
    for p in problems:
        text = full_text(p, paths.get(p.path)).plain
        assert p.message.split()[0] in text
        assert not any(ord(c) < 32 and c != "\n" for c in text), str(p)
        assert not any(0x7F <= ord(c) <= 0x9F for c in text), str(p)


# -- no briefing at all -----------------------------------------------------------------------


@aio
async def test_with_no_briefing_the_empty_screen_lists_them_as_the_view_does(
    catalogue_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = catalogue_dir / "bad-only"
    lib.mkdir()
    for name in ("yaml-tab-indentation.yaml", "top-level-list.yaml", "empty.yaml"):
        shutil.copy(catalogue_dir / "bad" / name, lib / name)
    expected = validate_lines(lib, capsys)
    library = load_library([lib])
    assert not library.briefings
    app = make_app(library)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EmptyScreen)
        assert not notifications(app)  # the screen lists them itself
        lst = app.screen.query_one(ProblemList)
        assert isinstance(app.focused, ProblemList)
        assert sorted(view_lines(lst)) == sorted(expected)
        text = screen_text(app)
        assert "No briefings could be loaded" in text
        assert "3 errors" in text
        for line in expected:
            assert Path(line.split(":", 1)[0]).name in text
        # Enter shows one in full, as in the problems view.
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProblemScreen)
        assert app.screen.problem == lst.problems[1]
        await pilot.press("escape")
        await pilot.pause()
        # p opens the problems view here too, with the same problems.
        await pilot.press("p")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, ProblemsScreen)
        await until(pilot, lambda: view.curation_done)
        assert view_lines(view.problem_list) == view_lines(lst)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert app._exit


@pytest.mark.parametrize("key", ["enter", "o"])
@aio
async def test_enter_in_the_problems_view_goes_to_the_item_a_problem_is_in(
    library_dir: Path, key: str
) -> None:
    from briefing_tui.tui.screens.problems import ProblemsScreen, item_of

    seed = next(library_dir.glob("*.yaml"))
    text = seed.read_text(encoding="utf-8")
    library = load_library([library_dir])
    commitment = library.briefings[0].commitments[3]
    # A TODO in that commitment's title: a curation warning on its line.
    old = f"title: {commitment.title}"
    assert text.count(old) == 1, old
    seed.write_text(text.replace(old, f"title: TODO {commitment.title}"), encoding="utf-8")
    library = load_library([library_dir])
    app = make_app(library)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        view = app.screen
        assert isinstance(view, ProblemsScreen)
        await until(pilot, lambda: view.curation_done)
        lst = view.problem_list
        at = next(i for i, p in enumerate(lst.problems) if "TODO" in p.message)
        ref = item_of(library, lst.problems[at])
        assert ref is not None and ref.item == commitment.id
        lst.highlighted = at
        await pilot.press("f")  # f shows it in full, even when it is in an item
        await until(pilot, lambda: isinstance(app.screen, ProblemScreen))
        assert app.screen.problem == lst.problems[at]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is view)
        await pilot.press(key)
        await until(pilot, lambda: not isinstance(app.screen, ProblemsScreen))
        screen = browser(app)
        await until(pilot, lambda: screen.detail.ref == ref)
        assert screen.navigator.section == "commitments"
