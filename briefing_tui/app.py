"""The Textual app (a plain first screen; the full browser builds on it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, OptionList, Static

from briefing_tui.library import Library, load_library
from briefing_tui.text import one_line


class BriefingApp(App[None]):
    TITLE = "briefing-tui"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        yield Header()
        if self.library.briefings:
            b = self.library.briefings[0]
            yield Static(Text(one_line(f"{b.title} — {b.source.when.label()}")), id="title")
            yield OptionList(
                *[Text(one_line(f"{a.name} ({a.role or a.kind})")) for a in b.actors], id="actors"
            )
        else:
            yield Static("No briefings could be loaded.", id="title")
        yield Footer()


def run_app(paths: list[Path], args: argparse.Namespace | None = None) -> int:
    app = BriefingApp(load_library(paths))
    app.run()
    return 0
