"""The detail pane: the selected item's fields, evidence, links and backlinks.

Fields are plain rows; evidence quotes, links and backlinks are selectable: Enter on a
quote opens the source at its sentence, Enter on a link or backlink goes to that item.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import ClassVar, NamedTuple, Protocol

from rich.console import RenderableType
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
from briefing_tui.tui.widgets.gridrow import Cell, GridRow
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
FOLD = 5  # a backlink group longer than this shows its first rows and "… N more"
# Of a relation's backlink groups from other briefings (and of the briefings under "Also
# in"), the first OTHERS are shown, then a row that shows OTHERS_PAGE more: an actor named
# in a thousand briefings would otherwise make thousands of rows on every move to it.
OTHERS = 10
OTHERS_PAGE = 50
# Backlink groups by relation in this order (what the item did, received, took part in ...).
BACK_ORDER = ("made", "received", "involved in", "related from", "noted in", "affiliated")


@dataclass(frozen=True, slots=True)
class Target:
    """Where an option of the detail pane leads: an item, or a sentence of the source."""

    ref: ItemRef | None = None
    sentence: int | None = None
    label: str = ""


class _Rows(NamedTuple):
    """An item's rows in the detail pane, and what they were made from (by identity).
    (A named tuple: made at import, before the first paint, in a seventh of a dataclass's
    time.)"""

    made: tuple[object, ...]  # the item, its briefing, the library, the link graph
    prompts: tuple[RenderableType, ...]
    targets: tuple[Target | None, ...]


ROWS_KEPT = 16  # items whose rows are kept (recent visits)


class _Add(Protocol):
    def __call__(self, prompt: RenderableType, target: Target | None = None) -> None: ...


def field_row(label: str, value: str) -> Memo:
    row = [Cell(Text(label), LABEL_WIDTH, style="dim", no_wrap=True), Cell(Text(value))]
    return Memo(GridRow(row, gap=1))


def hanging(lead: Text, body: Text) -> Memo:
    """``lead`` then ``body``, the body's wrapped lines indented under its start."""
    return Memo(GridRow([Cell(lead, max(1, lead.cell_len), no_wrap=True), Cell(body)]))


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
        title += f"  [in {one_line(library.title(ref.briefing) or ref.briefing)}]"
    return title


class DetailPane(BriefList):
    """The selected item in full, one row per option (so j/k scroll through it all).

    Enter follows the row under the cursor when it is a link, a backlink or a quote.
    """

    EXPECTS_SCROLLBAR = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Follow", id="detail.follow"),
        Binding("l", "link(1)", "Next link", show=False, id="detail.next_link"),
        Binding("L", "link(-1)", "Previous link", show=False, id="detail.prev_link"),
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
        self.unfolded: set[str] = set()  # backlink groups shown in full (for this item)
        # how many other briefings' groups of a relation ("made:*"), or briefings under
        # "Also in" ("also:*"), are shown (for this item; OTHERS when not in here)
        self.pages: dict[str, int] = {}
        # The rows of the items shown last, made again only when what they show changed:
        # their prompts keep their lines at each width, so going back to an item measures
        # nothing again (an actor named in 1,119 briefings at 10,000: most of a key's time).
        self._kept: OrderedDict[tuple[object, ...], _Rows] = OrderedDict()

    @property
    def item(self) -> Item | None:
        return self.library.item(self.ref) if self.ref else None

    def show_item(self, briefing: Briefing, item: Item | None) -> None:
        """Show ``item`` (of ``briefing``); the cursor goes to its first link."""
        ref = ItemRef(briefing.id, item.id) if item else None
        if ref != self.ref:
            self.unfolded = set()
            self.pages = {}
        self.ref = ref
        key = (ref, frozenset(self.unfolded), frozenset(self.pages.items()))
        kept = self._kept.get(key)
        made = (item, briefing, self.library, self.graph)
        if kept is None or any(a is not b for a, b in zip(kept.made, made, strict=True)):
            kept = self._kept[key] = self._rows(briefing, item, made)
            while len(self._kept) > ROWS_KEPT:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        self.targets = list(kept.targets)
        self.highlighted = None
        self.set_options([Option(prompt) for prompt in kept.prompts])
        self.border_title = "Detail"
        self.highlighted = 0

    def _rows(self, briefing: Briefing, item: Item | None, made: tuple[object, ...]) -> _Rows:
        prompts: list[RenderableType] = []
        targets: list[Target | None] = []

        def add(prompt: RenderableType, target: Target | None = None) -> None:
            prompts.append(prompt)
            targets.append(target)

        if item is None:
            add(Text("Nothing selected.", style="dim"))
        else:
            badge = Text(KIND_LABELS[item.item_kind].upper(), style="reverse")
            title = Text(one_line(item.title), style="bold")
            if any(i.field in ("name", "title") for i in item.inferred):
                title.append(f" {INFERRED_MARK}", style="bold")
            add(hanging(badge + Text("  "), title))
            for label, value in item_fields(item, self.library):
                add(field_row(label, value))
            self._add_evidence(briefing, item, add)
            self._add_links(briefing, item, add)
            self._add_inferred(briefing, item, add)  # the legend of the marks: last
        return _Rows(made, tuple(prompts), tuple(targets))

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
        # In the article's order (a quote that found no sentence last).
        ordered = sorted(item.evidence, key=lambda ev: min(ev.sentences, default=1 << 30))
        for ev in ordered:
            quote = Text(one_line(ev.quote) + "”")
            if ev.sentences:
                where = ", ".join(str(n) for n in ev.sentences)
                quote.append(f"  s{where}", style="dim")
            if ev.attribution is not None:
                quote.append("\n")
                quote.append_text(attribution_text(briefing, ev.attribution))
                if ev.attribution.note:
                    quote.append("\n    " + one_line(ev.attribution.note), style="dim italic")
            target = Target(sentence=ev.sentences[0] if ev.sentences else None, label="quote")
            add(hanging(Text("“"), quote), target)

    def _add_links(self, briefing: Briefing, item: Item, add: _Add) -> None:
        ref = ItemRef(briefing.id, item.id)
        links = self.graph.links(ref)
        add(Text(f"Links ({len(links)})", style="bold underline"))
        for link in links:
            lead = Text(link.label + " → ", style="dim")
            title = Text(ref_title(self.library, link.target, briefing.id))
            add(hanging(lead, title), Target(ref=link.target, label=link.label))
        backlinks = self.graph.backlinks(ref)
        add(Text(f"Backlinks ({len(backlinks)})", style="bold underline"))
        # Grouped by relation, then by briefing (this one first, then the others by title);
        # a long group shows its first rows and a row that unfolds the rest.
        groups: dict[tuple[str, str], list[ItemRef]] = {}
        for link in backlinks:
            groups.setdefault((link.back_label, link.source.briefing), []).append(link.source)

        # (titles from the briefings' summaries: the other briefings are not read)
        titles = self.library.title

        def order(key: tuple[str, str]) -> tuple[int, str, bool, str]:
            title = titles(key[1])
            rank = BACK_ORDER.index(key[0]) if key[0] in BACK_ORDER else len(BACK_ORDER)
            return (rank, key[0], key[1] != briefing.id, title.casefold() if title else key[1])

        for label, keys in itertools.groupby(sorted(groups, key=order), key=lambda k: k[0]):
            # this briefing's group first, then the other briefings' (by title)
            same = list(keys)
            others = sum(1 for k in same if k[1] != briefing.id)
            hidden = max(0, others - self._shown(f"{label}:*"))
            for key in same[: len(same) - hidden]:
                self._add_group(briefing, key, groups[key], add)
            self._add_more(hidden, f"{label}:*", add)
        if isinstance(item, Actor):
            others_in = [r for r in self.graph.appearances(item.id) if r.briefing != briefing.id]
            if others_in:
                add(Text(f"Also in ({len(others_in)})", style="bold underline"))
                limit = self._shown("also:*")
                for other in others_in[:limit]:
                    also = titles(other.briefing) or other.briefing
                    add(Text(one_line(also)), Target(ref=other))
                self._add_more(len(others_in) - limit, "also:*", add)

    def _add_group(
        self, briefing: Briefing, key: tuple[str, str], refs: list[ItemRef], add: _Add
    ) -> None:
        """One backlink group: its head, then its rows (folded when long)."""
        label, where = key
        place = "this briefing" if where == briefing.id else (self.library.title(where) or where)
        head = Text(f"{label} ← ", style="dim")
        head.append(f"in {one_line(place)}", style="italic")
        head.append(f" ({len(refs)})", style="dim")
        add(head)
        name = f"{label}:{where}"
        shown = refs if name in self.unfolded or len(refs) <= FOLD + 1 else refs[:FOLD]
        for source in shown:
            found = self.graph.title(source)
            text = Text(one_line(found) if found is not None else source.item)
            add(hanging(Text("  "), text), Target(ref=source, label=label))
        if len(shown) < len(refs):
            more = Text(f"  … {len(refs) - len(shown)} more (Enter shows them)", style="dim")
            add(more, Target(label=f"unfold:{name}"))

    def _shown(self, name: str) -> int:
        """How many other briefings are listed under ``name`` (``made:*``, ``also:*``)."""
        return self.pages.get(name, OTHERS)

    def _add_more(self, hidden: int, name: str, add: _Add) -> None:
        """The row under a list of other briefings cut short: ``… N more briefings``."""
        if hidden > 0:
            page = min(hidden, OTHERS_PAGE)
            more = Text(f"  … {hidden:,} more briefings (Enter shows {page:,} more)", style="dim")
            add(more, Target(label=f"more:{name}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return True if self.target is not None else None
        return True

    def action_select(self) -> None:
        target = self.target
        if target is not None and target.label.startswith("unfold:"):
            self.unfold(target.label.removeprefix("unfold:"))
            return
        if target is not None and target.label.startswith("more:"):
            self.show_more(target.label.removeprefix("more:"))
            return
        super().action_select()

    def unfold(self, group: str) -> None:
        """Show a folded backlink group in full; the cursor stays on the row it was on."""
        self.unfolded.add(group)
        self._show_again()

    def show_more(self, name: str) -> None:
        """Show OTHERS_PAGE more of the other briefings cut short under ``name``
        (``made:*``, ``also:*``); the cursor stays on the row it was on (now the first of
        them)."""
        self.pages[name] = self._shown(name) + OTHERS_PAGE
        self._show_again()

    def _show_again(self) -> None:
        item, at = self.item, self.highlighted
        if item is None or self.ref is None:
            return
        briefing = self.library.briefing(self.ref.briefing)
        if briefing is None:
            return
        self.show_item(briefing, item)
        self.highlighted = at

    def action_link(self, delta: int) -> None:
        """Move to the next (or previous) row that leads somewhere: a quote, a link, a
        backlink; field rows are skipped."""
        at = self.highlighted if self.highlighted is not None else -1
        rows = range(at + 1, len(self.targets)) if delta > 0 else range(at - 1, -1, -1)
        found = next((i for i in rows if self.targets[i] is not None), None)
        if found is None:
            self.app.bell()
            return
        self.highlighted = found

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
