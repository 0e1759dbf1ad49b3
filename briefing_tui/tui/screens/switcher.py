"""The briefing switcher: every briefing of the library with its date and item counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import Briefing
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.widgets.lists import BriefList


def counts_line(b: Briefing) -> str:
    c = b.counts()
    parts = [
        f"{c['actors']} actors",
        f"{c['commitments']} commitments",
        f"{c['context']} events",
        f"{c['notes']} notes",
    ]
    return " · ".join(parts)


def briefing_prompt(b: Briefing, current: bool) -> Text:
    text = Text(one_line(b.title), style="bold")
    if current:
        text.append("  (open)", style="dim")
    text.append("\n  " + one_line(b.source.when.label()) + " · " + counts_line(b), style="dim")
    return text


class SwitcherScreen(ModalScreen[str | None]):
    """Pick a briefing; Enter opens it, Escape or b closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b", "dismiss(None)", "Close", id="switcher.close"),
        Binding("enter", "open", "Open briefing", id="switcher.open"),
    ]

    DEFAULT_CSS = """
    SwitcherScreen { align: center middle; }
    SwitcherScreen > BriefList {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: heavy $primary; padding: 0 1;
    }
    """

    def __init__(self, library: Library, current: str | None) -> None:
        super().__init__()
        self.library = library
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(briefing_prompt(b, b.id == self.current), id=b.id)
            for b in self.library.briefings
        ]
        lst = BriefList(*options, id="switcher-list")
        lst.border_title = f"Briefings ({len(options)})"
        lst.border_subtitle = "Enter opens · Esc closes"
        yield lst

    def on_mount(self) -> None:
        lst = self.query_one(BriefList)
        lst.focus()
        if self.current is not None:
            try:
                lst.highlighted = lst.get_option_index(self.current)
                return
            except Exception:
                pass
        lst.highlight_first_enabled()

    def action_open(self) -> None:
        option = self.query_one(BriefList).highlighted_option
        self.dismiss(option.id if option else None)

    @on(BriefList.OptionSelected)
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
