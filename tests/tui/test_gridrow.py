"""GridRow draws a grid row as rich's Table.grid does (the same segments), without measuring."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from briefing_tui.briefing.library import Library
from briefing_tui.tui.widgets.gridrow import Cell, GridRow
from briefing_tui.tui.widgets.lists import BriefList
from tests.tui.helpers import aio, browser, make_app, until

WORDS = st.sampled_from(
    ["Pakistan", "and", "the", "United", "States", "agreed", "—", "“quoted”", "naïve", "日本語",
     "x", "", " ", "a" * 30, "line\nbreak", "counter-narcotics,", "  "]
)  # fmt: skip
STYLES = st.sampled_from(["", "bold", "dim", "bold underline", "italic", "reverse", "red on blue"])


@st.composite
def texts(draw: st.DrawFn, max_words: int = 40) -> Text:
    words = draw(st.lists(WORDS, max_size=max_words))
    text = Text(" ".join(words), style=draw(STYLES))
    for _ in range(draw(st.integers(0, 3))):
        if text.plain:
            start = draw(st.integers(0, len(text.plain) - 1))
            text.stylize(draw(STYLES), start, start + draw(st.integers(1, 12)))
    return text


@st.composite
def rows(draw: st.DrawFn) -> GridRow:
    fixed = [
        Cell(
            draw(texts(max_words=3)),
            draw(st.integers(1, 14)),
            draw(st.sampled_from(["left", "right", "center"])),
            draw(STYLES),
            no_wrap=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    return GridRow([*fixed, Cell(draw(texts()))], gap=draw(st.integers(0, 2)))


def render(renderable: object, width: int) -> list[Segment]:
    console = Console(
        width=200, force_terminal=True, color_system="truecolor", legacy_windows=False
    )
    return list(console.render(renderable, console.options.update(width=width, height=None)))


@settings(max_examples=400, deadline=None)
@given(rows(), st.integers(1, 90))
def test_a_grid_row_renders_the_segments_of_its_table(row: GridRow, width: int) -> None:
    assert render(row, width) == render(row.table(), width)


def test_the_panes_rows_are_drawn_without_measuring_their_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A table measures every cell to size its columns; a grid row knows its widths."""

    def measured(*args: object) -> Measurement:
        raise AssertionError("measured")

    row = GridRow([Cell(Text("kind"), 11, style="dim", no_wrap=True), Cell(Text("country " * 9))])
    expected = render(row.table(), 33)
    monkeypatch.setattr(Measurement, "get", measured)
    with pytest.raises(AssertionError, match="measured"):
        render(row.table(), 33)
    assert render(row, 33) == expected


def test_where_the_fixed_cells_leave_no_room_the_table_draws_the_row() -> None:
    row = GridRow([Cell(Text("label"), 11, no_wrap=True), Cell(Text("value"))], gap=1)
    for width in (1, 5, 11, 12, 13):
        assert render(row, width) == render(row.table(), width)


def test_only_the_last_cell_takes_the_rest_of_the_width() -> None:
    with pytest.raises(ValueError):
        GridRow([Cell(Text("a"), 3)])
    with pytest.raises(ValueError):
        GridRow([Cell(Text("a")), Cell(Text("b"))])


@aio
async def test_the_first_screen_measures_no_table(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detail and source panes' rows are grid rows: nothing measures their cells (a
    table measures each, to size columns whose widths it knows). They are filled right
    after the first frame."""
    measured: list[str] = []
    get = Measurement.get

    def spy(console: Console, options: ConsoleOptions, renderable: object) -> Measurement:
        measured.append(type(renderable).__name__)
        return get(console, options, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(Measurement, "get", spy)
    app = make_app(seed_library)
    async with app.run_test(size=(100, 30)) as pilot:
        panes = [browser(app).query_one(f"#{pane}", BriefList) for pane in ("detail", "source")]
        await until(pilot, lambda: all(pane.option_count > 5 for pane in panes))
        await pilot.pause()
    assert measured == []
