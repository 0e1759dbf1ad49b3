"""The navigator: a briefing's Actors, Commitments, Context (by month), Notes, the writer's
Assessments, and its Speakers (who says what, grouped by speaker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import (
    Actor,
    Assessment,
    Briefing,
    Certainty,
    Commitment,
    ContextEvent,
    Item,
    Note,
)
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.memo import Memo

SECTIONS = ("actors", "commitments", "context", "notes", "assessments", "speakers")
SECTION_TITLES = {
    "actors": "Actors",
    "commitments": "Commitments",
    "context": "Context",
    "notes": "Notes",
    "assessments": "Assessments",
    "speakers": "Speakers",
}
KIND_SECTION = {
    "actor": "actors",
    "commitment": "commitments",
    "event": "context",
    "note": "notes",
    "assessment": "assessments",
}
UNCERTAIN_MARK = "?"


@dataclass(frozen=True, slots=True)
class SpeakerGroup:
    """One speaker's claims: the items whose evidence they say, and their spans."""

    speaker: str
    name: str
    items: tuple[Item, ...]
    sentences: tuple[tuple[int, str, bool], ...]  # (number, voice, uncertain)


def speaker_groups(b: Briefing) -> tuple[SpeakerGroup, ...]:
    """Every speaker of the briefing's spans (the writer too), in order of first appearance."""
    order: list[str] = []
    spans: dict[str, list[tuple[int, str, bool]]] = {}
    for span in b.spans:
        a = span.attribution
        if a.speaker not in spans:
            order.append(a.speaker)
            spans[a.speaker] = []
        for n in span.sentences:
            entry = (n, a.voice.value, a.certainty is not Certainty.CERTAIN)
            if entry not in spans[a.speaker]:
                spans[a.speaker].append(entry)
    items: dict[str, list[Item]] = {}
    for it in b.items:
        for ev in it.evidence:
            if ev.attribution is None:
                continue
            speaker = ev.attribution.speaker
            if speaker not in spans:
                order.append(speaker)
                spans[speaker] = []
            got = items.setdefault(speaker, [])
            if it not in got and not isinstance(it, Actor | Note):
                got.append(it)
    return tuple(
        SpeakerGroup(s, b.speaker_name(s), tuple(items.get(s, ())), tuple(spans[s])) for s in order
    )


def speaker_option_id(speaker: str, target: str) -> str:
    """Option ids of the Speakers section: ``speaker/item-id`` or ``speaker/#5`` (a sentence;
    ``#`` is never in an id)."""
    return f"{speaker}/{target}"


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
    elif isinstance(item, Assessment):
        facts = ["the writer's judgement", item.when.label()]
    if not facts:
        return Group(text)
    line = Text("  " + one_line(" · ".join(facts)), style="dim", no_wrap=True, overflow="ellipsis")
    return Group(text, line)


def section_items(b: Briefing, section: str) -> tuple[Item, ...]:
    """A section's items, in the order the navigator lists them."""
    if section == "actors":
        return b.actors
    if section == "commitments":
        return b.commitments
    if section == "context":
        return tuple(ev for group in b.context_by_month() for ev in group.events)
    if section == "assessments":
        return b.assessments
    if section == "speakers":
        return tuple(it for g in speaker_groups(b) for it in g.items)
    return b.notes


class Navigator(BriefList):
    """One section of a briefing at a time; ``1``-``4`` (on the screen) switch sections."""

    EXPECTS_SCROLLBAR = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="navigator.open"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.briefing: Briefing | None = None
        self.section = "actors"
        self._remembered: dict[str, str] = {}  # section -> item id last highlighted there

    def remembered_places(self) -> dict[str, str]:
        """Section -> the item id last highlighted there (where each section reopens),
        the section shown now included."""
        places = dict(self._remembered)
        if self.section and self.highlighted_item is not None:
            places[self.section] = self.highlighted_item.id
        return places

    def remember_places(self, places: dict[str, str]) -> None:
        """Reopen sections at these items (ids that no longer exist are ignored)."""
        briefing = self.briefing
        self._remembered.update(
            {
                section: item_id
                for section, item_id in places.items()
                if briefing is not None and briefing.item(item_id) is not None
            }
        )

    def show_briefing(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self._remembered = {}
        self.section = ""
        self.show_section("actors")

    def items_of(self, section: str) -> tuple[Item, ...]:
        return section_items(self.briefing, section) if self.briefing is not None else ()

    def _speaker_options(self, b: Briefing) -> list[Option]:
        options: list[Option] = []
        for g in speaker_groups(b):
            head = Text(one_line(g.name), style="bold underline")
            n = len(g.sentences)
            head.append(f"  {n} sentence{'s' if n != 1 else ''}", style="dim")
            options.append(Option(head, disabled=True))
            for it in g.items:
                options.append(
                    Option(Memo(item_prompt(it)), id=speaker_option_id(g.speaker, it.id))
                )
            for number, voice, uncertain in g.sentences:
                text = Text(f"s{number} ", style="dim", no_wrap=True, overflow="ellipsis")
                text.append(one_line(b.source.sentence(number).text))
                line = f"  {voice}" + (f" · uncertain {UNCERTAIN_MARK}" if uncertain else "")
                prompt = Group(text, Text(line, style="dim", no_wrap=True, overflow="ellipsis"))
                options.append(Option(Memo(prompt), id=speaker_option_id(g.speaker, f"#{number}")))
        return options

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
            elif section == "speakers":
                options = self._speaker_options(b)
            else:
                options = [Option(Memo(item_prompt(it)), id=it.id) for it in self.items_of(section)]
            self.highlighted = None
            self.set_options(options)
            count = len(self.items_of(section))
            if section == "speakers":
                count = len(speaker_groups(b))
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
        if self.section == "speakers":  # the first option of that item, under any speaker
            for i in range(self.option_count):
                oid = self.get_option_at_index(i).id
                if oid is not None and oid.partition("/")[2] == item_id:
                    self.highlighted = i
                    return True
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
        if self.section == "speakers":
            return self.briefing.item(option.id.partition("/")[2])
        return self.briefing.item(option.id)

    @property
    def highlighted_target(self) -> str | None:
        """What :meth:`select_item` takes to come back here: the item's id, or ``#5`` on a
        sentence row of the Speakers section."""
        sentence = self.highlighted_sentence
        if sentence is not None:
            return f"#{sentence}"
        item = self.highlighted_item
        return item.id if item is not None else None

    @property
    def highlighted_sentence(self) -> int | None:
        """In the Speakers section, the sentence under the cursor (``speaker/#5``)."""
        option = self.highlighted_option
        if self.section != "speakers" or option is None or option.id is None:
            return None
        target = option.id.partition("/")[2]
        if target.startswith("#") and target[1:].isdigit():
            return int(target[1:])
        return None
