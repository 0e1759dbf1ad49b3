"""Memo: a renderable that renders what it wraps once per width.

Benchmark rows `first_paint` and `keystroke` (docs/benchmarks.md) justify it.

An OptionList renders an option's prompt to measure its height, again to draw it (once per
style: normal, highlighted, ...) and all over again whenever a layout pass runs, even at an
unchanged width. For prompts that are not a single ``Text`` (tables: the source's numbered
sentences, the detail pane's field rows; groups of lines: the navigator's items, search
results) that is most of the time a list takes to draw. A prompt is never changed once made,
so its lines at a given width never change: keep them.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class Memo:
    """Renders ``renderable`` as it would, remembering the segments for each set of options
    that can change them (width, height, wrapping, justification)."""

    __slots__ = ("_measures", "_segments", "renderable")

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._segments: dict[tuple[object, ...], list[Segment]] = {}
        self._measures: dict[int, Measurement] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (
            options.min_width,
            options.max_width,
            options.height,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.highlight,
            options.markup,
            options.is_terminal,
            options.legacy_windows,
            options.ascii_only,
        )
        segments = self._segments.get(key)
        if segments is None:
            segments = self._segments[key] = list(console.render(self.renderable, options))
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        measured = self._measures.get(options.max_width)
        if measured is None:
            measured = Measurement.get(console, options, self.renderable)
            self._measures[options.max_width] = measured
        return measured
