"""A result's lines are drawn as Rich draws them (HitLines cuts each line itself)."""

from __future__ import annotations

from typing import cast

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.style import Style as VisualStyle

from briefing_tui.search import Hit
from briefing_tui.tui.widgets.search_pane import HitLines, hit_prompt

SNIPPET = "Naqvi said 麻薬 trafficking at airports remained a top priority for both sides"


def make_hit(title: str, snippet: str) -> Hit:
    at = snippet.find("trafficking")
    return Hit(
        briefing="b",
        kind="commitment",
        id="c",
        title=title,
        month="2025-11",
        snippet=snippet,
        highlights=((at, at + len("trafficking")),) if at >= 0 else (),
        score=1.0,
    )


def rich_lines(lines: list[Text], console: Console, width: int, base: RichStyle) -> list[list]:
    """What Rich draws of ``lines`` at ``width``, line by line (the way HitLines drew them)."""
    opts = console.options.update(width=width, highlight=False)
    out = []
    for line in lines:
        segments = Segment.apply_style(console.render(line, opts), base)
        cut = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        out += [list(c) for c in cut]
    return out


@pytest.mark.parametrize("width", [1, 3, 8, 20, 39, 41, 200])
@pytest.mark.parametrize(
    "title", ["Curb trafficking", "Zero-tolerance policy against narcotics, 麻薬 and smuggling"]
)
@pytest.mark.parametrize("briefing", [None, "Pakistan and US agree to intensify cooperation"])
def test_hit_lines_are_the_strips_rich_draws(width: int, title: str, briefing: str | None) -> None:
    console = Console(width=100, color_system="truecolor", force_terminal=True)
    lines = cast("list[Text]", hit_prompt(make_hit(title, SNIPPET), briefing, 2025).renderables)
    base = RichStyle(color="#e0e0e0", bgcolor="#1e1e1e", bold=True)
    visual = HitLines(lines, console)
    strips = visual.render_strips(width, None, VisualStyle.from_rich_style(base), None)  # type: ignore[arg-type]
    assert [list(strip) for strip in strips] == rich_lines(lines, console, width, base)
    assert all(strip.cell_length <= width for strip in strips)
    assert ("…" in strips[0].text) == (lines[0].cell_len > width)  # cut when too long
