"""The items citing a sentence (provenance from the article back to the briefing)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.screens.dialog import ItemListScreen
from briefing_tui.tui.widgets.search_pane import BADGE_WIDTH, BADGES


class CitingScreen(ItemListScreen):
    """Items whose evidence quotes sentence ``number``; Enter goes to one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="citing.close"),
        Binding("enter", "open", "Go to item", id="citing.open"),
    ]

    LIST_ID = "citing-list"
    BOX = "BriefList"
    BOX_SIZE = "width: 90%; max-width: 100; height: auto; max-height: 90%;"

    def __init__(self, library: Library, refs: tuple[ItemRef, ...], number: int) -> None:
        super().__init__()
        self.library = library
        self.refs = refs
        self.number = number

    def options(self) -> list[Option]:
        options = []
        for ref in self.refs:
            item = self.library.item(ref)
            if item is None:
                continue
            badge = BADGES.get(item.item_kind, item.item_kind.upper()).ljust(BADGE_WIDTH)
            text = Text(badge, style="reverse")
            text.append(" " + one_line(item.title))
            options.append(Option(text, id=str(ref)))
        return options

    def titles(self, rows: int) -> tuple[str, str]:
        return f"Items citing sentence {self.number} ({rows})", "Enter goes · Esc closes"

    def ref_of(self, option_id: str) -> ItemRef | None:
        briefing, _, item = option_id.partition(":")
        return ItemRef(briefing, item)
