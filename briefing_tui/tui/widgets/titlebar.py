"""The top line: the briefing's title on the left, its date on the right (always shown).

Between them: ``⚠ not reloaded`` while the briefing's file on disk has errors (the last good
version is shown), and, at 100 columns and more, the briefing's coverage.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from briefing_tui.briefing.model import Briefing
from briefing_tui.briefing.text import one_line

STALE_LABEL = "⚠ not reloaded: the file has errors"


class TitleBar(Horizontal):
    DEFAULT_CSS = """
    TitleBar { height: 1; dock: top; background: $panel; }
    TitleBar > #title { width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TitleBar > #date { width: auto; padding: 0 1; }
    TitleBar > #coverage { width: auto; padding: 0 1; color: $text-muted; display: none; }
    TitleBar > #stale { width: auto; padding: 0 1; text-style: bold reverse; color: $text-warning; display: none; }
    TitleBar > #stale.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="stale")
        yield Static(id="coverage")
        yield Static(id="date")

    def show(
        self, briefing: Briefing, position: str = "", coverage: str = "", stale: bool = False
    ) -> None:
        self.query_one("#title", Static).update(Text(one_line(briefing.title)))
        date = briefing.source.when.label()
        if position:
            date = f"{date}  {position}"
        self.query_one("#date", Static).update(Text(one_line(date)))
        self.query_one("#coverage", Static).update(Text(one_line(coverage)))
        self.set_stale(stale)

    def set_stale(self, stale: bool) -> None:
        widget = self.query_one("#stale", Static)
        widget.update(Text(STALE_LABEL if stale else ""))
        widget.set_class(stale, "-shown")
