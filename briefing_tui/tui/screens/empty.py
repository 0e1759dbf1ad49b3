"""Shown when no briefing could be loaded: every problem, as the problems view lists them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from briefing_tui.briefing.library import Library
from briefing_tui.tui.screens.problems import ProblemList, counts_label, ordered, show_problem
from briefing_tui.tui.widgets.lists import BriefList


class EmptyScreen(Screen[None]):
    """No briefing loaded: the problems (errors first), Enter shows one in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Show in full", id="empty.open"),
    ]

    DEFAULT_CSS = """
    EmptyScreen #empty-message { height: auto; padding: 1 1 0 1; }
    EmptyScreen ProblemList, EmptyScreen ProblemList:focus {
        height: 1fr; margin: 1 1 0 1; border: none;
    }
    EmptyScreen #empty-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        problems = ordered(self.library.problems)
        head = Text("No briefings could be loaded.", style="bold")
        head.append(f" {counts_label(problems)}:" if problems else "", style="")
        yield Static(head, id="empty-message")
        yield ProblemList(problems, id="empty-problems")
        yield Static(
            Text(
                "Enter shows a problem in full. Fix the files, or run "
                "`briefing-tui validate PATH` to check them."
            ),
            id="empty-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        lst = self.query_one(ProblemList)
        lst.focus()
        lst.highlight_first_enabled()

    def action_open(self) -> None:
        show_problem(self.app, self.library, self.query_one(ProblemList).highlighted_problem)

    @on(BriefList.OptionSelected)
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        self.action_open()
