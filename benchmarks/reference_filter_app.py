"""The reference for bytes on the wire: a minimal Textual filter app (Input + OptionList).

    python benchmarks/reference_filter_app.py LINES.txt

shows every line of LINES.txt in an OptionList under an Input; typing filters the list
(case-insensitive substring), Down/Up move the highlighted option while the Input keeps the focus.
This is what a plain "type to filter a list" screen costs in Textual. Quit with ctrl+c.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList

MARKER = "Filter reference app"


class FilterApp(App[None]):
    BINDINGS = [
        Binding("down", "move(1)", "Down", priority=True),
        Binding("up", "move(-1)", "Up", priority=True),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.folded = [line.casefold() for line in lines]

    def compose(self) -> ComposeResult:
        yield Input(placeholder=MARKER)
        yield OptionList(*[Text(line) for line in self.lines])

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.casefold().strip()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [Text(line) for line, f in zip(self.lines, self.folded, strict=True) if needle in f]
        )
        options.highlighted = 0 if options.option_count else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()


def main(argv: list[str]) -> int:
    lines = Path(argv[0]).read_text(encoding="utf-8").splitlines() if argv else []
    FilterApp(lines).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
