"""The items citing a sentence (provenance from the article back to the briefing)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.search_pane import BADGE_WIDTH, BADGES


class CitingScreen(ModalScreen[ItemRef | None]):
    """Items whose evidence quotes sentence ``number``; Enter goes to one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="citing.close"),
        Binding("enter", "open", "Go to item", id="citing.open"),
    ]

    DEFAULT_CSS = """
    CitingScreen { align: center middle; }
    CitingScreen > BriefList {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: heavy $primary; padding: 0 1;
    }
    """

    def __init__(self, library: Library, refs: tuple[ItemRef, ...], number: int) -> None:
        super().__init__()
        self.library = library
        self.refs = refs
        self.number = number

    def compose(self) -> ComposeResult:
        options = []
        for ref in self.refs:
            item = self.library.item(ref)
            if item is None:
                continue
            badge = BADGES.get(item.item_kind, item.item_kind.upper()).ljust(BADGE_WIDTH)
            text = Text(badge, style="reverse")
            text.append(" " + one_line(item.title))
            options.append(Option(text, id=str(ref)))
        lst = BriefList(*options, id="citing-list")
        lst.border_title = f"Items citing sentence {self.number} ({len(options)})"
        lst.border_subtitle = "Enter goes · Esc closes"
        yield lst

    def on_mount(self) -> None:
        lst = self.query_one(BriefList)
        lst.focus()
        lst.highlight_first_enabled()

    def _ref(self, option_id: str | None) -> ItemRef | None:
        if option_id is None:
            return None
        briefing, _, item = option_id.partition(":")
        return ItemRef(briefing, item)

    def action_open(self) -> None:
        option = self.query_one(BriefList).highlighted_option
        self.dismiss(self._ref(option.id) if option else None)

    @on(BriefList.OptionSelected)
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._ref(event.option.id))
