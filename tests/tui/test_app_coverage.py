"""Coverage in the app: uncited sentences and unlinked mentions marked in the source pane,
the coverage label in the source heading and the title bar."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from briefing_tui.briefing.coverage import coverage
from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.model import Sentence
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.widgets.source import UNCITED_MARK, SourcePane, sentence_text
from tests.tui.helpers import aio, browser, make_app, screen_text, settle, until
from tests.tui.test_snapshots import ready

WIDE = (160, 48)
NARROW = (80, 24)

# Two actors over the seed article. Sentence 1 is cited only by the actor Pakistan, yet names
# the United States: an unlinked mention in a cited sentence. Sentence 4 is cited by the
# United States only, yet names Pakistan. The other 14 sentences are cited by nothing.
PARTIAL = """\
format: 1
id: partial
title: A partial briefing
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: "[b]Not bold[/b] headline"
  when: {precision: month, month: 2025-11}
actors:
  - id: pakistan
    name: Pakistan
    kind: country
    evidence: ["Pakistan and the United States agreed"]
  - id: united-states
    name: United States
    kind: country
    aliases: [US]
    evidence: ["The US envoy offered full technical assistance"]
"""


def partial_library(write_briefing: Callable[..., Path], library_dir: Path) -> Library:
    (library_dir / "pakistan-us-security-talks.yaml").unlink()
    write_briefing(PARTIAL, name="partial.yaml")
    library = load_library([library_dir])
    assert not library.errors, [str(p) for p in library.errors]
    return library


def segments(pane: SourcePane) -> list[list[Segment]]:
    """The pane's visible lines as rendered: (text, style) segments."""
    return [list(pane.render_line(y)) for y in range(pane.scrollable_content_region.height)]


def line_text(line: list[Segment]) -> str:
    return "".join(s.text for s in line)


def styled(line: list[Segment], text: str) -> list[Style]:
    """The styles of the segments holding ``text`` on one line."""
    return [s.style or Style() for s in line if text in s.text]


def row_of(pane: SourcePane, number: int) -> list[Segment]:
    """The first rendered line of sentence ``number``."""
    for line in segments(pane):
        if re.match(rf"^.\s*{number}\s", line_text(line)):
            return line
    raise AssertionError(f"sentence {number} is not on screen")


@aio
async def test_uncited_sentences_and_unlinked_mentions_are_marked(
    write_briefing: Callable[..., Path], library_dir: Path
) -> None:
    library = partial_library(write_briefing, library_dir)
    briefing = library.briefings[0]
    cov = coverage(briefing)
    assert cov.uncited == tuple(range(2, 4)) + tuple(range(5, 17))
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pane = browser(app).source
        # Sentence 1, cited once: "1×", no uncited marker, "United States" marked.
        first = row_of(pane, 1)
        assert "1×" in line_text(first) and UNCITED_MARK not in line_text(first)
        marked = styled(first, "United States")
        assert marked and all(s.underline and s.italic for s in marked)
        assert not any(s.italic for s in styled(first, "Pakistan"))  # linked: the actor
        # Sentence 2, cited by nothing: "0" and the marker, visible without colour, bold.
        second = row_of(pane, 2)
        text = line_text(second)
        assert re.search(rf"\b2\s+0 {UNCITED_MARK} Naqvi and Baker", text), text
        mark = styled(second, f"0 {UNCITED_MARK}")
        body = styled(second, "Naqvi and Baker")
        assert mark and body and all(s.bold for s in mark)
        assert mark[0].color != body[0].color  # and in colour where there is colour
        # The heading: the coverage label, the uncited numbers, the unlinked count.
        shown = screen_text(app)
        assert "2/16 sentences cited (12%)" in shown
        heading = pane.get_option_at_index(0).prompt
        assert isinstance(heading, Text)
        unlinked = len(cov.unlinked)
        assert unlinked >= 2
        assert heading.plain.splitlines()[2] == (
            f"2/16 sentences cited (12%) · {UNCITED_MARK} uncited: 2, 3, 5-16 · "
            f"{unlinked} unlinked mentions"
        )
        # Data is data: the article title's brackets are shown as written.
        assert heading.plain.startswith("[b]Not bold[/b] headline")
        assert "[b]Not bold[/b]" in shown


@aio
async def test_sentence_four_marks_pakistan_not_the_us(
    write_briefing: Callable[..., Path], library_dir: Path
) -> None:
    app = make_app(partial_library(write_briefing, library_dir))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the United States: its evidence is sentence 4
        pane = browser(app).source
        await until(pilot, lambda: pane.evidence == frozenset({4}))
        row = row_of(pane, 4)
        assert "1×" in line_text(row)
        assert all(s.italic for s in styled(row, "Pakistan"))
        assert not any(s.italic for s in styled(row, "US"))


@aio
async def test_the_coverage_label_in_the_title_bar_and_the_source(
    seed_library: Library,
) -> None:
    cov = coverage(seed_library.briefings[0])
    label = cov.label()
    assert label == "16/16 sentences cited (100%)"
    app = make_app(seed_library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        title_line = screen_text(app).splitlines()[0]
        assert label in title_line
        assert browser(app).source.border_title == "Source (16 sentences, 100% cited)"
    app = make_app(seed_library)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert label not in screen_text(app).splitlines()[0]  # no room below 100 columns
        await pilot.press("s")
        await until(pilot, lambda: label in screen_text(app))  # the source heading has it


@aio
async def test_coverage_follows_a_live_edit(
    write_briefing: Callable[..., Path], library_dir: Path
) -> None:
    from briefing_tui.watch import LibraryWatcher

    partial_library(write_briefing, library_dir)
    watcher = LibraryWatcher([library_dir])
    app: BriefingApp = make_app(watcher.load(), watcher=watcher, watch_interval=0.02)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "2/16 sentences cited" in screen_text(app)
        path = library_dir / "partial.yaml"
        text = path.read_text(encoding="utf-8")
        tmp = library_dir / ".partial.tmp"
        tmp.write_text(
            text.replace(
                '["Pakistan and the United States agreed"]',
                '["Pakistan and the United States agreed", "Naqvi and Baker discussed ways"]',
            ),
            encoding="utf-8",
        )
        tmp.replace(path)
        await until(pilot, lambda: "3/16 sentences cited (18%)" in screen_text(app))
        line = line_text(row_of(browser(app).source, 2))
        assert "1×" in line and UNCITED_MARK not in line


def test_snapshot_of_the_marks(
    snap_compare: Any, write_briefing: Callable[..., Path], library_dir: Path
) -> None:
    """What the marks look like (review the SVG after --snapshot-update)."""
    library = partial_library(write_briefing, library_dir)
    assert snap_compare(make_app(library), terminal_size=NARROW, run_before=ready("s"))


# -- the sentence text itself ------------------------------------------------------------------


def sentence(text: str, start: int = 100) -> Sentence:
    return Sentence(1, 1, text, start, start + len(text))


def test_sentence_text_is_the_one_line_text_with_spans_styled() -> None:
    s = sentence("The  [b]United\tStates[/b]\nand\x1b Pakistan  agreed.")
    a = s.text.index("United")
    b = s.text.index("States") + len("States")
    c = s.text.index("Pakistan")
    text = sentence_text(s, [(s.start + c, s.start + c + 8), (s.start + a, s.start + b)], "u")
    assert text.plain == one_line(s.text)
    assert "\x1b" not in text.plain and "[b]United" in text.plain  # neutralised, not markup
    styled_words = [text.plain[sp.start : sp.end] for sp in text.spans if sp.style == "u"]
    assert styled_words == ["United States", "Pakistan"]


def test_sentence_text_ignores_overlapping_and_outside_spans() -> None:
    s = sentence("Pakistan and the United States agreed.")
    spans = [(100, 108), (104, 112), (90, 95), (200, 210), (120, 120)]
    text = sentence_text(s, spans, "u")
    assert text.plain == s.text
    assert [(sp.start, sp.end) for sp in text.spans] == [(0, 8)]
