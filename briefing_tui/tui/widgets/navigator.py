"""The navigator: a briefing's Actors, Commitments, Context (by month) and Notes."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import Actor, Briefing, Commitment, ContextEvent, Item, Note
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.memo import Memo

SECTIONS = ("actors", "commitments", "context", "notes")
SECTION_TITLES = {
    "actors": "Actors",
    "commitments": "Commitments",
    "context": "Context",
    "notes": "Notes",
}
KIND_SECTION = {"actor": "actors", "commitment": "commitments", "event": "context", "note": "notes"}


def section_of(item: Item) -> str:
    return KIND_SECTION[item.item_kind]


def item_prompt(item: Item) -> Group:
    """How an item reads in a list: its title, and a dim second line of facts."""
    text = Text(one_line(item.title), style="bold" if isinstance(item, Actor) else "")
    facts: list[str] = []
    if isinstance(item, Actor):
        facts = [item.role or item.kind.value]
    elif isinstance(item, Commitment):
        facts = [item.status.value, item.when.label()]
    elif isinstance(item, ContextEvent):
        facts = [item.when.label()]
    elif isinstance(item, Note):
        facts = [f"about {len(item.about)} item{'s' if len(item.about) != 1 else ''}"]
    if not facts:
        return Group(text)
    line = Text("  " + one_line(" · ".join(facts)), style="dim", no_wrap=True, overflow="ellipsis")
    return Group(text, line)


class Navigator(BriefList):
    """One section of a briefing at a time; ``1``-``4`` (on the screen) switch sections."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="navigator.open"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.briefing: Briefing | None = None
        self.section = "actors"
        self._remembered: dict[str, str] = {}  # section -> item id last highlighted there

    def show_briefing(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self._remembered = {}
        self.section = ""
        self.show_section("actors")

    def items_of(self, section: str) -> tuple[Item, ...]:
        b = self.briefing
        if b is None:
            return ()
        if section == "actors":
            return b.actors
        if section == "commitments":
            return b.commitments
        if section == "context":
            return tuple(ev for group in b.context_by_month() for ev in group.events)
        return b.notes

    def show_section(self, section: str, item_id: str | None = None) -> None:
        """Show ``section``, highlighting ``item_id`` (or the item last highlighted there)."""
        b = self.briefing
        if b is None or section not in SECTIONS:
            return
        if self.section and self.highlighted_item is not None:
            self._remembered[self.section] = self.highlighted_item.id
        if section != self.section:
            self.section = section
            options: list[Option] = []
            if section == "context":
                for group in b.context_by_month():
                    options.append(Option(Text(group.label, style="bold underline"), disabled=True))
                    options.extend(Option(Memo(item_prompt(ev)), id=ev.id) for ev in group.events)
            else:
                options = [Option(Memo(item_prompt(it)), id=it.id) for it in self.items_of(section)]
            self.highlighted = None
            self.set_options(options)
            count = len(self.items_of(section))
            self.border_title = f"{SECTION_TITLES[section]} ({count})"
            # The section keys, the current one marked (reverse: visible without colour too).
            self.border_subtitle = " ".join(
                f"[reverse]{i}[/]" if name == section else str(i)
                for i, name in enumerate(SECTIONS, 1)
            )
        target = item_id or self._remembered.get(section)
        if not self.select_item(target):
            self.highlight_first_enabled()

    def select_item(self, item_id: str | None) -> bool:
        if item_id is None:
            return False
        try:
            self.highlighted = self.get_option_index(item_id)
        except Exception:
            return False
        return True

    @property
    def highlighted_item(self) -> Item | None:
        option = self.highlighted_option
        if option is None or option.id is None or self.briefing is None:
            return None
        return self.briefing.item(option.id)
