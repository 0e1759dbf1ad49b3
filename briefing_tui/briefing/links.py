"""The link graph: what each item names, what names it, and which items cite a sentence.

Links are written in briefings one way (a commitment names its actors); the reverse
links (backlinks) and the sentence links are derived here, across the whole library.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef

# How a link reads, forwards and backwards.
RELATION_LABELS = {
    "affiliation": ("affiliated with", "affiliated"),
    "by": ("made by", "made"),
    "to": ("made to", "received"),
    "actor": ("involves", "involved in"),
    "related": ("related to", "related from"),
    "about": ("about", "noted in"),
}


@dataclass(frozen=True, slots=True, order=True)
class Link:
    source: ItemRef
    relation: str
    target: ItemRef

    @property
    def label(self) -> str:
        return RELATION_LABELS.get(self.relation, (self.relation, self.relation))[0]

    @property
    def back_label(self) -> str:
        return RELATION_LABELS.get(self.relation, (self.relation, self.relation))[1]


class LinkGraph:
    """Forward links, backlinks and sentence citations of a library, computed once."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._forward: dict[ItemRef, list[Link]] = defaultdict(list)
        self._back: dict[ItemRef, list[Link]] = defaultdict(list)
        self._cites: dict[tuple[str, int], list[ItemRef]] = defaultdict(list)
        self._same_actor: dict[str, list[ItemRef]] = defaultdict(list)
        for b in library.briefings:
            for it in b.items:
                ref = ItemRef(b.id, it.id)
                for relation, target in it.references():
                    other, sep, iid = target.partition(":")
                    tref = ItemRef(other, iid) if sep else ItemRef(b.id, target)
                    if library.item(tref) is None:
                        continue  # a dangling reference: reported by the validator
                    link = Link(ref, relation, tref)
                    self._forward[ref].append(link)
                    self._back[tref].append(link)
                for ev in it.evidence:
                    for n in ev.sentences:
                        if ref not in self._cites[(b.id, n)]:
                            self._cites[(b.id, n)].append(ref)
            for a in b.actors:
                self._same_actor[a.id].append(ItemRef(b.id, a.id))

    def links(self, ref: ItemRef) -> tuple[Link, ...]:
        """What the item names, in the order written."""
        return tuple(self._forward.get(ref, ()))

    def backlinks(self, ref: ItemRef) -> tuple[Link, ...]:
        """Every item that names this one, in this briefing and others.

        For an actor, the items in other briefings that name the same actor id count too.
        """
        out = list(self._back.get(ref, ()))
        if self.library.item(ref) is not None and ref.item in self._same_actor:
            item = self.library.item(ref)
            if item is not None and item.item_kind == "actor":
                for other in self._same_actor[ref.item]:
                    if other != ref:
                        out.extend(self._back.get(other, ()))
        return tuple(
            sorted(
                set(out),
                key=lambda lk: (lk.source.briefing != ref.briefing, lk.source, lk.relation),
            )
        )

    def citing(self, briefing_id: str, sentence: int) -> tuple[ItemRef, ...]:
        """Items whose evidence quotes this sentence, in briefing order."""
        return tuple(self._cites.get((briefing_id, sentence), ()))

    def cite_count(self, briefing_id: str, sentence: int) -> int:
        return len(self._cites.get((briefing_id, sentence), ()))

    def appearances(self, actor_id: str) -> tuple[ItemRef, ...]:
        """The same actor in every briefing that has it."""
        return tuple(self._same_actor.get(actor_id, ()))
