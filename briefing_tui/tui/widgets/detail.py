"""The detail pane: the selected item's fields, evidence, links and backlinks.

Fields are plain rows; evidence quotes, links and backlinks are selectable: Enter on a
quote opens the source at its sentence, Enter on a link or backlink goes to that item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import (
    INFERRED_MARK,
    Actor,
    Assessment,
    Attribution,
    Briefing,
    Certainty,
    Commitment,
    ContextEvent,
    Item,
    ItemRef,
    Note,
    When,
)
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.memo import Memo

KIND_LABELS = {
    "actor": "Actor",
    "commitment": "Commitment",
    "event": "Event",
    "note": "Note",
    "assessment": "Assessment",
}
UNCERTAIN_MARK = "?"  # after an attribution that is likely or uncertain
# the row label each field is shown under, for the inferred mark
FIELD_LABELS = {"description": "about", "text": "text"}
LABEL_WIDTH = 11


@dataclass(frozen=True, slots=True)
class Target:
    """Where an option of the detail pane leads: an item, or a sentence of the source."""

    ref: ItemRef | None = None
    sentence: int | None = None
    label: str = ""


class _Add(Protocol):
    def __call__(self, prompt: RenderableType, target: Target | None = None) -> None: ...


def field_row(label: str, value: str) -> Memo:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=LABEL_WIDTH, style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(label), Text(value))
    return Memo(grid)


def item_fields(item: Item, library: Library) -> list[tuple[str, str]]:
    """(label, value) rows for an item's own fields, empty ones left out."""
    rows: list[tuple[str, str]] = []
    if isinstance(item, Actor):
        rows += [("kind", item.kind.value), ("role", item.role)]
        rows.append(("aliases", ", ".join(item.aliases)))
        rows += [("about", item.description), ("note", item.note)]
    elif isinstance(item, Commitment):
        rows += [("kind", item.kind.value), ("status", item.status.value)]
        rows += [("when", item.when.label()), ("topics", ", ".join(item.topics))]
        rows += [("summary", item.summary), ("note", item.note), ("date basis", item.when.basis)]
    elif isinstance(item, ContextEvent):
        rows += [("when", item.when.label()), ("topics", ", ".join(item.topics))]
        rows += [("summary", item.summary), ("note", item.note), ("date basis", item.when.basis)]
    elif isinstance(item, Note):
        rows.append(("text", item.text))
    elif isinstance(item, Assessment):
        rows.append(("voice", "the writer's own judgement (not a commitment)"))
        rows += [("when", item.when.label()), ("topics", ", ".join(item.topics))]
        rows += [("summary", item.summary), ("note", item.note), ("date basis", item.when.basis)]
    inferred = {FIELD_LABELS.get(i.field, i.field) for i in item.inferred}
    return [
        (label, one_line(value) + (f" {INFERRED_MARK}" if label in inferred else ""))
        for label, value in rows
        if value
    ]


def attribution_text(briefing: Briefing, a: Attribution) -> Text:
    """``— Naqvi · paraphrased`` (dim), ``· uncertain ?`` marked when not certain."""
    out = Text("  — ", style="dim")
    out.append(one_line(briefing.speaker_name(a.speaker)), style="bold")
    voice = "the writer's analysis" if a.voice.value == "analysis" else a.voice.value
    out.append(f" · {voice}", style="dim")
    if a.certainty is not Certainty.CERTAIN:
        out.append(f" · {a.certainty.value} {UNCERTAIN_MARK}", style="bold reverse")
    return out


def item_when(item: Item) -> When | None:
    when = getattr(item, "when", None)
    return when if isinstance(when, When) else None


def ref_title(library: Library, ref: ItemRef, here: str) -> str:
    item = library.item(ref)
    title = one_line(item.title) if item is not None else ref.item
    if ref.briefing != here:
        b = library.briefing(ref.briefing)
        title += f"  [in {one_line(b.title) if b else ref.briefing}]"
    return title


class DetailPane(BriefList):
    """The selected item in full, one row per option (so j/k scroll through it all).

    Enter follows the row under the cursor when it is a link, a backlink or a quote.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Follow", id="detail.follow"),
    ]

    def __init__(
        self,
        library: Library,
        graph: LinkGraph,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.library = library
        self.graph = graph
        self.ref: ItemRef | None = None
        self.targets: list[Target | None] = []

    @property
    def item(self) -> Item | None:
        return self.library.item(self.ref) if self.ref else None

    def show_item(self, briefing: Briefing, item: Item | None) -> None:
        """Show ``item`` (of ``briefing``); the cursor goes to its first link."""
        self.ref = ItemRef(briefing.id, item.id) if item else None
        options: list[Option] = []
        targets: list[Target | None] = []

        def add(prompt: RenderableType, target: Target | None = None) -> None:
            options.append(Option(prompt))
            targets.append(target)

        if item is None:
            add(Text("Nothing selected.", style="dim"))
        else:
            head = Text(KIND_LABELS[item.item_kind].upper() + " ", style="reverse")
            head.append(" ")
            head.append(one_line(item.title), style="bold")
            add(head)
            if any(i.field in ("name", "title") for i in item.inferred):
                head.append(f" {INFERRED_MARK}", style="bold")
            for label, value in item_fields(item, self.library):
                add(field_row(label, value))
            self._add_evidence(briefing, item, add)
            self._add_links(briefing, item, add)
            self._add_inferred(briefing, item, add)  # the legend of the marks: last
        self.targets = targets
        self.highlighted = None
        self.set_options(options)
        self.border_title = "Detail"
        self.highlighted = 0

    def _add_inferred(self, briefing: Briefing, item: Item, add: _Add) -> None:
        """The legend of the inferred marks: each inferred value and its basis."""
        rows = [(i.field, i.basis or "(no basis given)") for i in item.inferred]
        when = item_when(item)
        if when is not None and when.year_inferred and briefing.dating is not None:
            rows.append(
                ("year", f"{briefing.dating.year}: the article gives no year (i: Overview, Dating)")
            )
        if not rows:
            return
        add(Text(f"{INFERRED_MARK} Inferred, not read in the article", style="bold underline"))
        for label, value in rows:
            add(field_row(label, one_line(value)))

    def _add_evidence(self, briefing: Briefing, item: Item, add: _Add) -> None:
        add(Text(f"Evidence ({len(item.evidence)})", style="bold underline"))
        for ev in item.evidence:
            quote = Text("“" + one_line(ev.quote) + "”")
            if ev.sentences:
                where = ", ".join(str(n) for n in ev.sentences)
                quote.append(f"  s{where}", style="dim")
            if ev.attribution is not None:
                quote.append("\n")
                quote.append_text(attribution_text(briefing, ev.attribution))
                if ev.attribution.note:
                    quote.append("\n    " + one_line(ev.attribution.note), style="dim italic")
            add(quote, Target(sentence=ev.sentences[0] if ev.sentences else None, label="quote"))

    def _add_links(self, briefing: Briefing, item: Item, add: _Add) -> None:
        ref = ItemRef(briefing.id, item.id)
        links = self.graph.links(ref)
        add(Text(f"Links ({len(links)})", style="bold underline"))
        for link in links:
            row = Text(link.label + " → ", style="dim")
            row.append(ref_title(self.library, link.target, briefing.id))
            add(row, Target(ref=link.target, label=link.label))
        backlinks = self.graph.backlinks(ref)
        add(Text(f"Backlinks ({len(backlinks)})", style="bold underline"))
        for link in backlinks:
            row = Text(link.back_label + " ← ", style="dim")
            row.append(ref_title(self.library, link.source, briefing.id))
            add(row, Target(ref=link.source, label=link.back_label))
        if isinstance(item, Actor):
            others = [r for r in self.graph.appearances(item.id) if r.briefing != briefing.id]
            if others:
                add(Text(f"Also in ({len(others)})", style="bold underline"))
                for other in others:
                    b = self.library.briefing(other.briefing)
                    add(Text(one_line(b.title) if b else other.briefing), Target(ref=other))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return True if self.target is not None else None
        return True

    def first_link(self) -> int | None:
        """Index of the first row that leads somewhere."""
        return next((i for i, t in enumerate(self.targets) if t is not None), None)

    @property
    def target(self) -> Target | None:
        """Where the highlighted option leads, if anywhere."""
        h = self.highlighted
        if h is None or h >= len(self.targets):
            return None
        return self.targets[h]
