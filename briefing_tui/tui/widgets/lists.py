"""BriefList: the OptionList every pane is built on.

It adds vi keys (j/k, g/G), does not wrap around at the ends, marks the highlighted
option with a ``▶`` so the cursor stays visible without colour (NO_COLOR, 16-colour
terminals), and repaints only the lines that changed when the cursor moves: moving the
selection must stay within a small byte budget over SSH.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar, Self

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip

from briefing_tui.tui.compat import HookedOptionList, first_enabled, next_enabled

MARKER = "▶"


def list_keys(
    scope: str, step: str, page: str, names: tuple[str, str, str, str]
) -> list[BindingType]:
    """Down, Up, PgDn and PgUp for an input that moves the list under it while the focus
    stays in the input: ``step(1)`` / ``step(-1)`` and ``page(1)`` / ``page(-1)`` (actions),
    described by ``names``; binding ids ``scope.down``, ``scope.up``, ``scope.page_down``,
    ``scope.page_up``."""
    keys = (
        ("down", step, 1, "down"),
        ("up", step, -1, "up"),
        ("pagedown", page, 1, "page_down"),
        ("pageup", page, -1, "page_up"),
    )
    return [
        Binding(key, f"{action}({delta})", name, show=False, id=f"{scope}.{suffix}")
        for (key, action, delta, suffix), name in zip(keys, names, strict=True)
    ]


class BriefList(HookedOptionList):
    """An OptionList with vi keys, a colour-free cursor marker and minimal repaints."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "first", "Top", show=False, id="list.top"),
        Binding("G", "last", "Bottom", show=False, id="list.bottom"),
    ]

    DEFAULT_CSS = """
    BriefList {
        height: 1fr;
        max-height: 100%;
        border: none;
        padding: 0;
        background: $surface;
        & > .option-list--option-disabled {
            color: $text-muted;
            text-style: bold;
        }
        &:focus {
            background-tint: $foreground 0%;
        }
    }
    """

    # Repainting is done line by line in watch_highlighted, not for the whole widget.
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    _sizing = False
    _rendering = False

    # A pane that shows long content from the start (the browser's): its scrollbar is likely.
    # Until its options are first measured its gutter is kept for the scrollbar, so they are
    # measured once, at the width they are drawn at; otherwise they are wrapped at the whole
    # width, the scrollbar comes, and they are all wrapped again, one column narrower.
    EXPECTS_SCROLLBAR: ClassVar[bool] = False
    _gutter_kept = False

    def on_mount(self) -> None:
        if self.EXPECTS_SCROLLBAR and self.styles.scrollbar_size_vertical:
            self._gutter_kept = True
            self.styles.scrollbar_gutter = "stable"
        # (Textual calls OptionList.on_mount after this one)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Benchmark row `keystroke` (docs/benchmarks.md) justifies this.
        # OptionList brings its line table up to date before rendering, and again for every
        # line it renders (twice here, with the marker): measuring the region each time cost
        # more than drawing a results frame. Once per render is enough.
        self.rebuild_lines()
        self._rendering = True
        try:
            return super().render_lines(crop)
        finally:
            self._rendering = False

    def rebuild_lines(self) -> None:
        if self._rendering:
            return  # brought up to date when this render began
        # Benchmark rows `keystroke` and `bytes` (docs/benchmarks.md) justify this.
        # New options change the list's virtual size, which asks for a layout of the whole
        # screen. A list without a scrollbar whose size does not follow its content (search
        # results: new ones on every key) only needs repainting.
        if self.styles.scrollbar_size_vertical or self.styles.auto_dimensions:
            super().rebuild_lines()
            if self._gutter_kept and self.scrollable_content_region and self.options:
                # measured (with options: a pane filled after the first frame is empty in
                # it): Textual's own rule from now on (the scrollbar shows if they overflow;
                # if not, the gutter goes and they are wrapped at the full width)
                self._gutter_kept = False
                self.styles.scrollbar_gutter = "auto"
            return
        self._sizing = True
        try:
            super().rebuild_lines()
        finally:
            self._sizing = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._sizing:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def resized(self) -> None:
        # A new width wraps the options anew, so the same scroll offset would show other
        # options: keep the option at the top of the view at the top, and the cursor in view.
        anchor: int | None = None
        with contextlib.suppress(IndexError, TypeError):
            anchor = self.option_at_line(self.scroll_offset.y)[0]
        super().resized()
        if anchor is not None or self.highlighted is not None:
            self.call_after_refresh(self._keep_place, anchor)

    def _keep_place(self, anchor: int | None) -> None:
        self.rebuild_lines()
        line = self.first_line_of(anchor) if anchor is not None else None
        if line is not None:
            self.scroll_to(y=line, animate=False, immediate=True)
        if self.highlighted is not None:
            self.scroll_to_highlight()

    def left_gutter_width(self) -> int:
        return 1

    def _refresh_option(self, index: int | None) -> None:
        if index is None or not self.is_mounted:
            return
        try:
            line, height = self.option_lines(index)
        except KeyError:
            return
        self.refresh_lines(line, height)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:  # type: ignore[override]
        self._refresh_option(old)
        self._refresh_option(new)
        if new is None or new >= len(self.options):
            return
        if not self.options[new].disabled:
            self.scroll_to_highlight()
            self.post_message(self.OptionHighlighted(self, self.options[new], new))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            index, offset = self.option_at_line(self.scroll_offset.y + y)
        except IndexError:
            return strip
        if index == self.highlighted and offset == 0:
            style = self.get_visual_style(
                "option-list--option", "option-list--option-highlighted"
            ).rich_style
            mark = Segment(MARKER, style)
        else:
            mark = Segment(" ", self.get_visual_style("option-list--option").rich_style)
        # Merge neighbouring segments of one style: fewer escape sequences on the wire.
        return Strip([mark, *strip], strip.cell_length + 1).simplify()

    def action_cursor_down(self) -> None:
        if self.highlighted is None:
            self.action_first()
            return
        found = next_enabled(self.options, self.highlighted, 1)
        if found is not None:
            self.highlighted = found

    def action_cursor_up(self) -> None:
        if self.highlighted is None:
            self.action_last()
            return
        found = next_enabled(self.options, self.highlighted, -1)
        if found is not None:
            self.highlighted = found

    def highlight_first_enabled(self) -> None:
        self.highlighted = first_enabled(self.options)
