"""GridRow: one row of a ``rich.table.Table.grid(expand=True)``, drawn without measuring.

Benchmark row `first_paint` (docs/benchmarks.md) justifies it.

The detail and source panes lay out each option as a grid row: cells of fixed widths (a
label, a sentence's number and count), then one cell that takes the rest of the width and
wraps (the value, the sentence). A rich Table measures every cell of every column to size
its columns, even when every width is already known, and that measuring was most of the
time a pane took to size its options (about 1 ms a row, against 0.15 ms to wrap the text).
A GridRow computes the widths the table would give (fixed cells, then the rest) and draws
the cells as the table draws them (each rendered at its width with its column's style,
padded, shaped to the row's height); when the fixed cells leave the last one less than its
minimum, where the table's own collapsing rules apply, it draws the table itself.
tests/tui/test_gridrow.py checks that both give the same segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table


class Cell(NamedTuple):
    """A cell and its column: ``width`` None for the last cell (the rest of the width)."""

    renderable: RenderableType
    width: int | None = None
    justify: JustifyMethod = "left"
    style: str = ""
    no_wrap: bool = False


class GridRow:
    """The same segments as ``Table.grid(padding=(0, gap), expand=True)`` holding one row
    of ``cells``: columns of fixed widths, then one with ``ratio=1`` (see :meth:`table`)."""

    __slots__ = ("cells", "gap")

    def __init__(self, cells: Sequence[Cell], gap: int = 0) -> None:
        if not cells or cells[-1].width is not None:
            raise ValueError("the last cell takes the rest of the width (width None)")
        if any(cell.width is None for cell in cells[:-1]):
            raise ValueError("only the last cell takes the rest of the width")
        self.cells = tuple(cells)
        self.gap = gap

    def table(self) -> Table:
        """The rich table this row stands for."""
        grid = Table.grid(padding=(0, self.gap), expand=True)
        for cell in self.cells:
            if cell.width is None:
                grid.add_column(
                    justify=cell.justify, style=cell.style, no_wrap=cell.no_wrap, ratio=1
                )
            else:
                grid.add_column(
                    width=cell.width, justify=cell.justify, style=cell.style, no_wrap=cell.no_wrap
                )
        grid.add_row(*(cell.renderable for cell in self.cells))
        return grid

    def _pads(self) -> list[tuple[int, int]]:
        """(left, right) padding of each cell, as a grid pads them (its padding collapsed,
        none at the edges): ``gap`` after each cell but the last."""
        last = len(self.cells) - 1
        return [(0, 0 if i == last else self.gap) for i in range(last + 1)]

    def _widths(self, max_width: int) -> list[int] | None:
        """Each cell's width with its padding, as the table sizes them; None where the table
        would have to collapse its columns (they do not fit)."""
        if max_width < 1:
            return None
        pads = self._pads()
        fixed = [
            min(cell.width + left + right, max_width)
            for cell, (left, right) in zip(self.cells[:-1], pads, strict=False)
            if cell.width is not None
        ]
        if any(width < 1 for width in fixed):
            return None
        left, right = pads[-1]
        rest = max_width - sum(fixed)
        if rest < 1 + left + right:
            return None
        return [*fixed, rest]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(options.max_width)
        if widths is None:
            yield from console.render(self.table(), options)
            return
        options = options.update(width=sum(widths), highlight=False, height=None)
        rows: list[list[list[Segment]]] = []
        styles: list[Style] = []
        for cell, width, (left, right) in zip(self.cells, widths, self._pads(), strict=True):
            renderable = cell.renderable
            if self.gap:
                renderable = Padding(renderable, (0, right, 0, left))
            style = console.get_style(cell.style) + Style.null()
            lines = console.render_lines(
                renderable,
                options.update(
                    width=width,
                    justify=cell.justify,
                    no_wrap=cell.no_wrap,
                    overflow="ellipsis",
                    height=None,
                    highlight=False,
                ),
                style=style,
            )
            rows.append(lines)
            styles.append(style)
        row_height = max(len(lines) for lines in rows)
        height = max(1, row_height)
        shaped = [
            Segment.set_shape(Segment.align_top(lines, width, row_height, style), width, height)
            for lines, width, style in zip(rows, widths, styles, strict=True)
        ]
        new_line = Segment.line()
        for line_no in range(height):
            for lines in shaped:
                yield from lines[line_no]
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table())
