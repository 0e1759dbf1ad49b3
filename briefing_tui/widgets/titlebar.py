"""The top line: the briefing's title on the left, its date on the right (always shown)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from briefing_tui.model import Briefing
from briefing_tui.text import one_line


class TitleBar(Horizontal):
    DEFAULT_CSS = """
    TitleBar { height: 1; dock: top; background: $panel; }
    TitleBar > #title { width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TitleBar > #date { width: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="date")

    def show(self, briefing: Briefing, position: str = "") -> None:
        self.query_one("#title", Static).update(Text(one_line(briefing.title)))
        date = briefing.source.when.label()
        if position:
            date = f"{date}  {position}"
        self.query_one("#date", Static).update(Text(one_line(date)))
