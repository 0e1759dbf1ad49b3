"""What a search hit shows: its snippet, the matched words highlighted in it, its month
(the core; imports neither Whoosh nor Textual).

:class:`Matching` says which words of a text match a query (by stem or by start); the snippet
is the part of an item's texts that shows the most query words, cut around the first match.
Computed for the returned hits only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from briefing_tui.briefing.model import (
    Actor,
    Assessment,
    Briefing,
    Commitment,
    ContextEvent,
    Item,
    Note,
    Precision,
)
from briefing_tui.briefing.text import fold, one_line
from briefing_tui.search import analysis

SNIPPET_CHARS = 160
SNIPPET_LEAD = 40  # characters kept before the first match when a snippet is cut

_SNIPPET_WORD = re.compile(r"[\w\u0300-\u036f]+")


class Matching:
    """What a result shows as matched: words with these stems, and words with these starts.

    ``keys`` are strings every matching folded text contains (a stem's common start with
    its word, or a prefix), so a text without any of them is skipped without tokenising.
    """

    def __init__(
        self,
        stems: Iterable[str] = (),
        prefixes: Iterable[str] = (),
        words: Iterable[str] = (),
    ) -> None:
        self.stems = frozenset(stems)
        self.prefixes = tuple(dict.fromkeys(prefixes))
        keys = set(self.prefixes)
        for w in words:
            s = analysis.stem(w)
            n = 0
            while n < min(len(w), len(s)) and w[n] == s[n]:
                n += 1
            keys.add(w[: max(n, 1)])
        for s in self.stems:
            keys.add(s[: max(1, len(s) - 1)])
        self.keys = tuple(sorted(keys))
        # How many distinct query words a text can show: a snippet with this many is best.
        self.expect = len(self.stems) + len(self.prefixes)
        self._memo: dict[str, str] = {}

    def unit(self, word: str) -> str:
        """What query word ``word`` (folded) matches: a stem, ``"^prefix"``, or ``""``."""
        u = self._memo.get(word)
        if u is None:
            u = ""
            if word:
                s = analysis.stem(word)
                if s in self.stems:
                    u = s
                else:
                    for p in self.prefixes:
                        if word.startswith(p):
                            u = "^" + p
                            break
            self._memo[word] = u
        return u

    def matches(self, word: str) -> bool:
        return bool(self.unit(word))

    def may_match(self, folded: str) -> bool:
        return any(k in folded for k in self.keys)


def item_month(it: Item) -> str | None:
    when = getattr(it, "when", None)
    if when is None or when.month is None or when.precision is Precision.UNDATED:
        return None
    return str(when.month)


def snippet_parts(it: Item, b: Briefing | None = None) -> list[str]:
    """An item's texts, in the order a snippet prefers them; last, what else it was found
    by (the actors involved, the topics), so that every hit can show why it matched."""
    ev = [e.quote for e in it.evidence]

    def names(ids: Iterable[str]) -> str:
        out = []
        for aid in ids:
            a = b.item(aid) if b is not None else None
            out.append(a.name if isinstance(a, Actor) else aid)
        return ", ".join(out)

    if isinstance(it, Actor):
        return [it.description, *ev, it.role, it.note, ", ".join(it.aliases), it.name]
    if isinstance(it, Commitment):
        who = f"By {names(it.by)}" + (f"; to {names(it.to)}" if it.to else "")
        topics = f"Topics: {', '.join(it.topics)}" if it.topics else ""
        return [it.summary, *ev, it.note, it.title, who, topics]
    if isinstance(it, ContextEvent):
        who = f"Actors: {names(it.actors)}" if it.actors else ""
        topics = f"Topics: {', '.join(it.topics)}" if it.topics else ""
        return [it.summary, *ev, it.note, it.title, who, topics]
    if isinstance(it, Note):
        about = (
            f"About: {names(a for a in it.about if isinstance(b.item(a) if b else None, Actor))}"
        )
        return [it.text, *ev, it.title, about]
    if isinstance(it, Assessment):  # the writer's judgement
        about = (
            f"About: {names(a for a in it.about if isinstance(b.item(a) if b else None, Actor))}"
        )
        return [it.summary, *ev, it.note, it.title, about]
    return [getattr(it, "title", "")]


def highlight_spans(text: str, matching: Matching) -> tuple[list[tuple[int, int]], set[str]]:
    """The spans of the words of ``text`` that match, and which query words they match."""
    spans = []
    units = set()
    unit = matching.unit
    for m in _SNIPPET_WORD.finditer(text):
        token = m.group()
        u = unit(token.lower() if token.isascii() else fold(token))
        if u:
            spans.append((m.start(), m.end()))
            units.add(u)
    return spans, units


def make_snippet(
    parts: Sequence[str], matching: Matching
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The part that matches the most query words, cut around the first match, and the
    spans of the matched words in it. Plain text: control characters neutralised."""
    best: tuple[int, int, str, list[tuple[int, int]]] | None = None
    first_text = ""
    for i, part in enumerate(parts):
        if not part:
            continue
        text = one_line(part)
        if not text:
            continue
        if not first_text:
            first_text = text
        if not matching.may_match(fold(text)):
            continue
        spans, units = highlight_spans(text, matching)
        if not spans:
            continue
        distinct = len(units)
        key = (distinct, -i)
        if best is None or key > (best[0], best[1]):
            best = (distinct, -i, text, spans)
            if distinct >= matching.expect:
                break  # shows every query word: no later part can do better
    if best is None:
        text = first_text
        spans = []
    else:
        text, spans = best[2], best[3]
    if len(text) <= SNIPPET_CHARS:
        return text, tuple(spans)
    start = 0
    if spans and spans[0][0] > SNIPPET_LEAD:
        start = spans[0][0] - SNIPPET_LEAD
        space = text.find(" ", start)
        if space != -1 and space < spans[0][0]:
            start = space + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start + SNIPPET_CHARS // 2:
            end = space
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    cut = prefix + text[start:end] + suffix
    shift = len(prefix) - start
    out = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return cut, tuple(out)
