"""Shown when no briefing could be loaded: what went wrong, and how to check it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from briefing_tui.library import Library
from briefing_tui.text import one_line

MAX_SHOWN = 50


class EmptyScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll('down')", "Down", show=False, id="empty.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="empty.up"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        text = Text("No briefings could be loaded.\n\n", style="bold")
        problems = self.library.problems
        for p in problems[:MAX_SHOWN]:
            text.append(one_line(str(p)) + "\n")
        if len(problems) > MAX_SHOWN:
            text.append(f"… and {len(problems) - MAX_SHOWN} more\n")
        text.append("\nRun `briefing-tui validate PATH` for every problem.", style="dim")
        with VerticalScroll():
            yield Static(text, id="empty-message")
        yield Footer()

    def action_scroll(self, where: str) -> None:
        body = self.query_one(VerticalScroll)
        (body.scroll_down if where == "down" else body.scroll_up)(animate=False)
