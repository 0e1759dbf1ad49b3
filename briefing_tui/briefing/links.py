"""The link graph: what each item names, what names it, and which items cite a sentence.

Links are written in briefings one way (a commitment names its actors); the reverse
links (backlinks) and the sentence links are derived here, across the whole library: a
briefing's own when it is asked about, those across briefings from the summaries.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from briefing_tui.briefing.library import BriefingSummary, Library
from briefing_tui.briefing.model import Briefing, ItemRef

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


LOCAL_GRAPHS = 16  # briefings whose own graph is kept (the shown one, recent visits)
BACKLINKS_KEPT = 64  # items whose backlinks are kept (recent visits)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Local:
    """One briefing's own links: what its items name, what in it names them, and which of
    its items cite each sentence."""

    __slots__ = ("back", "cites", "forward")

    def __init__(self, library: Library, b: Briefing) -> None:
        self.forward: dict[ItemRef, list[Link]] = defaultdict(list)
        self.back: dict[ItemRef, list[Link]] = defaultdict(list)
        self.cites: dict[int, list[ItemRef]] = defaultdict(list)
        for it in b.items:
            ref = ItemRef(b.id, it.id)
            for relation, target in it.references():
                other, sep, iid = target.partition(":")
                if sep:
                    tref = ItemRef(other, iid)
                    if library.item(tref) is None:
                        continue  # a dangling reference: reported by the validator
                elif b.item(target) is None:
                    continue
                else:
                    tref = ItemRef(b.id, target)
                link = Link(ref, relation, tref)
                self.forward[ref].append(link)
                if not sep:
                    self.back[tref].append(link)
            for ev in it.evidence:
                for n in ev.sentences:
                    if ref not in self.cites[n]:
                        self.cites[n].append(ref)


class _Across:
    """What links briefings, from their summaries alone: the briefings each actor id
    appears in, the links naming each actor id, and the references to other briefings'
    items. Compact: positions in arrays, the links themselves stay in the summaries."""

    def __init__(self, summaries: Sequence[BriefingSummary]) -> None:
        self.summaries = summaries
        self.appears: dict[str, array[int]] = {}
        self.naming: dict[str, array[int]] = {}  # actor id -> (briefing << 20 | link)
        self.into: dict[ItemRef, list[tuple[Link, str]]] = defaultdict(list)
        for at, s in enumerate(summaries):
            for aid in s.actor_ids:
                self.appears.setdefault(aid, array("l")).append(at)
            for k, (iid, title, relation, other, target) in enumerate(s.named):
                if other:
                    link = Link(ItemRef(s.id, iid), relation, ItemRef(other, target))
                    self.into[link.target].append((link, title))
                elif k < 1 << 20:
                    self.naming.setdefault(target, array("q")).append(at << 20 | k)

    def naming_actor(self, aid: str, but: int | None) -> Iterator[tuple[Link, str]]:
        """The links naming the actor id ``aid`` in each briefing that has it (but the one
        at ``but``), with the titles of the items they come from."""
        for code in self.naming.get(aid, ()):
            at = code >> 20
            if at != but:
                s = self.summaries[at]
                iid, title, relation, _, target = s.link(code & 0xFFFFF)
                yield Link(ItemRef(s.id, iid), relation, ItemRef(s.id, target)), title


class LinkGraph:
    """Forward links, backlinks and sentence citations of a library.

    A briefing's own links are worked out when it is first asked about (the few most
    recent kept); the links across briefings (an actor id shared by briefings is one actor;
    references to another briefing's items) come from the briefings' summaries, so a
    library read on demand (:class:`~briefing_tui.briefing.library.OnDemandLibrary`) is
    not read in full.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._local: OrderedDict[str, _Local] = OrderedDict()
        self._across: _Across | None = None
        self._titles: dict[ItemRef, str] = {}  # of the items other briefings' links come from
        self._lock = threading.Lock()
        self._backlinks: OrderedDict[ItemRef, tuple[Link, ...]] = OrderedDict()

    def _recent(
        self, kept: OrderedDict[K, V], key: K, make: Callable[[], V | None], size: int
    ) -> V | None:
        """``kept[key]``, else what ``make`` gives (made outside the lock, kept unless None);
        ``kept`` holds the ``size`` most recently asked for."""
        with self._lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
        made = make()
        if made is not None:
            with self._lock:
                kept[key] = made
                while len(kept) > size:
                    kept.popitem(last=False)
        return made

    def _own(self, briefing_id: str) -> _Local | None:
        def make() -> _Local | None:
            b = self.library.briefing(briefing_id)
            return _Local(self.library, b) if b is not None else None

        return self._recent(self._local, briefing_id, make, LOCAL_GRAPHS)

    def prepare(self) -> LinkGraph:
        """Work out the links across briefings now (off the UI thread), not when first asked."""
        self._links_across()
        return self

    def _links_across(self) -> _Across:
        if self._across is None:
            self._across = _Across(self.library.summaries)
        return self._across

    def links(self, ref: ItemRef) -> tuple[Link, ...]:
        """What the item names, in the order written."""
        own = self._own(ref.briefing)
        return tuple(own.forward.get(ref, ())) if own is not None else ()

    def _back_of(self, ref: ItemRef, across: _Across) -> list[Link]:
        """The links naming ``ref`` itself: from its briefing, and from others."""
        own = self._own(ref.briefing)
        out = list(own.back.get(ref, ())) if own is not None else []
        for link, title in across.into.get(ref, ()):
            self._titles[link.source] = title
            out.append(link)
        return out

    def backlinks(self, ref: ItemRef) -> tuple[Link, ...]:
        """Every item that names this one, in this briefing and others.

        For an actor, the items in other briefings that name the same actor id count too.
        The last :data:`BACKLINKS_KEPT` answers are kept: moving back and forth over an
        actor named in 1,119 briefings (at 10,000) collected and sorted them on every visit.
        """
        found = self._recent(
            self._backlinks, ref, lambda: self._find_backlinks(ref), BACKLINKS_KEPT
        )
        return found if found is not None else ()  # (never None: an empty answer is kept)

    def _find_backlinks(self, ref: ItemRef) -> tuple[Link, ...]:
        item = self.library.item(ref)
        if item is None:
            return ()
        across = self._links_across()
        out = self._back_of(ref, across)
        if item.item_kind == "actor":
            here = self.library.position(ref.briefing)
            for link, title in across.naming_actor(ref.item, here):
                self._titles[link.source] = title
                out.append(link)
            if across.into:  # references to another briefing's actor (rare)
                for at in across.appears.get(ref.item, ()):
                    if at != here:
                        other = ItemRef(across.summaries[at].id, ref.item)
                        out.extend(lk for lk, _ in across.into.get(other, ()))
        # Ordered by strings, not by the refs themselves: comparing dataclasses runs Python
        # code per comparison (an actor named in 1,119 briefings at 10,000: 9.7 -> 5.5 ms).
        here_id = ref.briefing
        return tuple(
            sorted(
                set(out),
                key=lambda lk: (
                    lk.source.briefing != here_id,
                    lk.source.briefing,
                    lk.source.item,
                    lk.relation,
                ),
            )
        )

    def title(self, ref: ItemRef) -> str | None:
        """The title of an item a backlink comes from (read only if not known)."""
        known = self._titles.get(ref)
        if known is not None:
            return known
        item = self.library.item(ref)
        return item.title if item is not None else None

    def citing(self, briefing_id: str, sentence: int) -> tuple[ItemRef, ...]:
        """Items whose evidence quotes this sentence, in briefing order."""
        own = self._own(briefing_id)
        return tuple(own.cites.get(sentence, ())) if own is not None else ()

    def cite_count(self, briefing_id: str, sentence: int) -> int:
        own = self._own(briefing_id)
        return len(own.cites.get(sentence, ())) if own is not None else 0

    def appearances(self, actor_id: str) -> tuple[ItemRef, ...]:
        """The same actor in every briefing that has it."""
        across = self._links_across()
        return tuple(
            ItemRef(across.summaries[at].id, actor_id) for at in across.appears.get(actor_id, ())
        )
