"""The reference for first paint and memory: a minimal Textual app (one line of text).

    python benchmarks/reference_minimal_app.py

It pays what every Textual app pays (Python start-up, importing Textual, the first frame) and
nothing else. Quit with q or ctrl+c.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "Minimal reference app ready"


class MinimalApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    MinimalApp().run()
