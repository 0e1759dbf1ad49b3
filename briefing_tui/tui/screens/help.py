"""Help: the key map, generated from the bindings themselves (so it cannot go stale), then
the query syntax and the marks the panes use. It scrolls (j/k, arrows, g/G)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing_tui.tui.screens.dialog import DialogScreen

HelpGroups = Sequence[tuple[str, Sequence[Binding]]]

# What the search box understands (docs/search.md has it in full).
QUERY_SYNTAX = [
    ("drug trafficking", "all the words, any ending (narcotic finds narcotics), best first"),
    ("narc", "the last word typed also as the start of a word; one letter finds nothing yet"),
    ('"intelligence sharing"', "the words in this order (a phrase)"),
    ("-word", 'leaves out what matches (also -"a phrase", -kind:sentence)'),
    ("kind:commitment", "one kind: actor, commitment, event, note, sentence, item"),
    ("actor:naqvi", "items involving an actor (by name, alias or id)"),
    ("month:2025-10", "dated items of that month (or month:2025, a year)"),
    ("topic:narcotics", "commitments and events with that topic"),
    ("status:agreed", "commitments with that status; briefing:ID one briefing's results"),
    ("typos", "a word that finds little is also searched one letter off; the count says so"),
]

# The marks the panes use.
MARKS = [
    ("▶", "the cursor in a list; a heavy border marks the focused pane"),
    ("7×", "Source: how many items cite this sentence"),
    ("0 ○", "Source: a sentence no item cites"),
    ("┃", "Source: a sentence the selected item quotes (underlined)"),
    ("underlined", "Source, in italics: an actor named where no item about it cites"),
    ("~Oct 2025", "an approximate date; (in recent months) says how it was read"),
    ("date basis", "Detail: how an inferred date was worked out"),
    ("1 2 3 4", "the navigator's sections; the current one in reverse"),
    ("20 of 1,012", "Search: results shown of all that match; more load as you go"),
]


def merge(bindings: Sequence[Binding]) -> list[tuple[list[str], Binding]]:
    """Bindings of the same action as one row with several keys (the first description)."""
    rows: dict[str, tuple[list[str], Binding]] = {}
    for b in bindings:
        if not b.description:
            continue
        for key in b.key.split(","):
            keys, _ = rows.setdefault(b.action, ([], b))
            if key.strip() not in keys:
                keys.append(key.strip())
    return list(rows.values())


class HelpScreen(DialogScreen[None]):
    """Every key, by where it applies; Escape, ? or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="help.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom"),
    ]

    BOX = "VerticalScroll"
    BOX_SIZE = "width: 76; max-width: 100%; height: auto; max-height: 100%;"
    BOX_SURFACE = True

    def __init__(self, groups: HelpGroups) -> None:
        super().__init__()
        self.groups = groups

    def table(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold", min_width=14)
        grid.add_column()
        for title, bindings in self.groups:
            rows = merge(bindings)
            if not rows:
                continue
            grid.add_row(Text(title, style="bold underline"), Text(""))
            for keys, binding in rows:
                shown = " ".join(self.app.get_key_display(Binding(k, binding.action)) for k in keys)
                grid.add_row(Text(shown), Text(binding.description))
            grid.add_row(Text(""), Text(""))
        for heading, explained in (("Query syntax", QUERY_SYNTAX), ("Marks", MARKS)):
            grid.add_row(Text(heading, style="bold underline"), Text(""))
            for example, meaning in explained:
                grid.add_row(Text(example), Text(meaning))
            grid.add_row(Text(""), Text(""))
        return grid

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "j/k scroll · Esc closes"
            yield Static(self.table(), id="help-table")

    def action_scroll(self, where: str) -> None:
        body = self.query_one(VerticalScroll)
        {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }[where](animate=False)
