"""Shown instead of a broken layout when the terminal is below the minimum size."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """'terminal too small (needs WxH)'; the app pops it when the terminal grows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="too_small.quit"),
    ]

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: auto; height: auto; text-style: bold; }
    """

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.min_width = width
        self.min_height = height

    def message(self) -> str:
        return f"terminal too small (needs {self.min_width}x{self.min_height})"

    def _text(self) -> Text:
        size = self.app.size
        return Text(f"{self.message()}\nthis one is {size.width}x{size.height}\nq quits")

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small")

    def on_resize(self) -> None:
        self.query_one("#too-small", Static).update(self._text())
