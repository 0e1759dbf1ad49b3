"""What a briefing has not covered yet: uncited sentences, unlinked mentions, TODO markers.

Imports no Textual. :func:`coverage` is the one entry point the app's source pane and a
briefing's summary call; :func:`curation_report` turns it (and the TODO markers left by
``briefing-tui new``) into warnings for ``briefing-tui validate``.

- A sentence is *cited* when the evidence of some item of the briefing touches it.
- A *mention* is an actor's name or alias found in a sentence: case-insensitively (but an
  acronym such as "US" only in capitals), on word boundaries, with curly and straight apostrophes and quotes taken as the same, and white
  space runs as one space. A match inside a longer match of another actor's name is not
  a mention ("Washington" inside an actor "Washington Post").
- A mention is *unlinked* when no item *about* the actor cites its sentence. An item is about
  an actor when it is the actor itself, or names it in ``by``, ``to``, ``actors``,
  ``affiliation`` or ``about``.
- A text field holding the word ``TODO`` is still to do; an actor whose note holds
  ``TODO review`` is a *stub* (a candidate that ``briefing-tui new`` found in the text).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_tui.briefing.model import (
    Actor,
    Briefing,
    Commitment,
    ContextEvent,
    Item,
    Note,
    Pos,
    Sentence,
)
from briefing_tui.briefing.problems import Problem, Severity
from briefing_tui.briefing.results import LoadResult, display_path
from briefing_tui.briefing.text import fold_ws, straighten_quotes

if TYPE_CHECKING:  # the YAML tree: for TODO markers (validate), not for the app
    from briefing_tui.briefing.yamltree import YNode

TODO = "TODO"
STUB_MARKER = "TODO review"  # in an actor's note: a candidate still to review
_TODO_WORD = re.compile(r"(?<![\w-])TODO(?![\w-])")
_SECTION_KINDS = {
    "actors": "actor",
    "commitments": "commitment",
    "context": "event",
    "notes": "note",
}


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor's name or alias as found in one sentence of the source."""

    actor: str  # the actor's id
    actor_pos: Pos  # where the actor is defined in the briefing file
    sentence: int  # 1-based sentence number
    word: str  # the words as the article writes them
    start: int  # offset in the source text
    end: int  # offset just past the match
    linked: bool  # an item about the actor cites the sentence
    cited_by: tuple[str, ...]  # ids of the items citing the sentence, in briefing order


def _sentence_of(m: Mention) -> int:
    return m.sentence


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of its article a briefing cites, and what it mentions but does not link."""

    briefing: str  # the briefing's id
    total: int  # sentences in the article
    cited: tuple[int, ...]  # sentence numbers cited by at least one item
    uncited: tuple[int, ...]  # sentence numbers no item cites
    mentions: tuple[Mention, ...]  # every mention, in text order

    @property
    def ratio(self) -> float:
        """Cited sentences / all sentences (1.0 for an article without sentences)."""
        return len(self.cited) / self.total if self.total else 1.0

    @property
    def percent(self) -> int:
        """The ratio in whole percent, rounded down: 100 only when every sentence is cited."""
        return _percent(len(self.cited), self.total)

    @property
    def unlinked(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if not m.linked)

    def is_cited(self, sentence: int) -> bool:
        at = bisect_left(self.uncited, sentence)  # sorted: a look-up, not a scan
        return not (at < len(self.uncited) and self.uncited[at] == sentence)

    def mentions_in(self, sentence: int) -> tuple[Mention, ...]:
        """The mentions in one sentence (they are in sentence order: two look-ups)."""
        lo = bisect_left(self.mentions, sentence, key=_sentence_of)
        hi = bisect_right(self.mentions, sentence, key=_sentence_of)
        return self.mentions[lo:hi]

    def label(self) -> str:
        """``22/25 sentences cited (88%)``."""
        return _label(len(self.cited), self.total)


def _percent(cited: int, total: int) -> int:
    return (100 * cited) // total if total else 100


def _label(cited: int, total: int) -> str:
    return f"{cited}/{total} sentences cited ({_percent(cited, total)}%)"


def _citing(briefing: Briefing) -> dict[int, list[Item]]:
    """The items citing each sentence that some item cites, in briefing order."""
    citing: dict[int, list[Item]] = {}
    for it in briefing.items:
        for ev in it.evidence:
            for n in ev.sentences:
                bucket = citing.setdefault(n, [])
                if not bucket or bucket[-1] is not it:  # an item's quotes come together
                    bucket.append(it)
    return citing


def cited_label(briefing: Briefing) -> str:
    """:meth:`Coverage.label` of ``coverage(briefing)``, without looking for mentions (the
    title bar's, in the first frame: a tenth of the time)."""
    sentences = briefing.source.sentences
    citing = _citing(briefing)
    return _label(sum(1 for s in sentences if s.number in citing), len(sentences))


def item_is_about(item: Item, actor_id: str) -> bool:
    """Whether ``item`` is ``actor_id`` itself or names it in by/to/actors/affiliation/about."""
    if item.id == actor_id and isinstance(item, Actor):
        return True
    if isinstance(item, Actor):
        names: tuple[str, ...] = (item.affiliation,) if item.affiliation else ()
    elif isinstance(item, Commitment):
        names = item.by + item.to
    elif isinstance(item, ContextEvent):
        names = item.actors
    elif isinstance(item, Note):
        names = item.about
    else:  # pragma: no cover - Item is a closed union
        names = ()
    # "other-briefing:actor-id" names the same actor: actor ids are library-wide.
    return any(n.rpartition(":")[2] == actor_id for n in names)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alts = []
    for name in sorted({fold_ws(straighten_quotes(n)) for n in names if n.strip()}, key=len):
        alts.append(r"\s+".join(_word_pattern(w) for w in name.split(" ")))
    if not alts:
        return None
    # Longest first, so "the United States" wins over "United States" at the same place.
    alts.reverse()
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def _word_pattern(word: str) -> str:
    """A word of a name, matched ignoring case; an acronym ("US", "NATO") matched as written,
    so that the pronoun "us" is not taken for the United States."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return re.escape(word)
    return f"(?i:{re.escape(word)})"


# Hostile input (an article of one-letter words, an actor aliased "a", thousands of actors)
# must not make coverage slow or huge: mentions are found in one pass over the words, and
# kept up to these caps.
MAX_MENTIONS_PER_SENTENCE = 64
MAX_MENTIONS = 20_000
_WORD_START = re.compile(r"(?<!\w)\w+")
_LEADING_WORD = re.compile(r"\w+")


def find_mentions(
    plain: str, sentences: Sequence[Sentence], actors: Sequence[Actor]
) -> dict[int, list[tuple[int, int, Actor]]]:
    """Every actor's names and aliases found in ``plain``, by sentence number.

    As if each actor's names were one pattern run over the text with ``finditer`` (longest
    name first where several match at one place; an actor's matches never overlap), but in
    one pass over the words: a name is tried only where a word it starts with is.
    """
    by_word: dict[str, list[tuple[int, re.Pattern[str], tuple[Actor, ...]]]] = {}
    others: list[tuple[re.Pattern[str], Actor]] = []  # names that do not start with a letter
    names: dict[str, list[Actor]] = {}
    for actor in actors:
        for name in {fold_ws(straighten_quotes(n)) for n in (actor.name, *actor.aliases)}:
            if name:
                names.setdefault(name, []).append(actor)
    for name, owners in names.items():
        pattern = _name_pattern((name,))
        if pattern is None:
            continue
        lead = _LEADING_WORD.match(name)
        if lead is None:
            others.extend((pattern, a) for a in owners)
            continue
        by_word.setdefault(lead.group().lower(), []).append((len(name), pattern, tuple(owners)))
    for candidates in by_word.values():
        candidates.sort(key=lambda c: -c[0])  # longest first, as the alternation tries them

    starts = [s.start for s in sentences]
    found: dict[int, list[tuple[int, int, Actor]]] = {}
    total = 0
    last_end: dict[str, int] = {}  # per actor: where its last match ended

    def add(start: int, end: int, actor: Actor) -> bool:
        nonlocal total
        at = bisect_right(starts, start) - 1
        if at < 0 or end > sentences[at].end:  # not within one sentence
            return True
        here = found.setdefault(sentences[at].number, [])
        if len(here) >= 4 * MAX_MENTIONS_PER_SENTENCE:
            return False
        here.append((start, end, actor))
        total += 1
        return total < MAX_MENTIONS

    if by_word:
        for word in _WORD_START.finditer(plain):
            tries = by_word.get(word.group().lower())
            if tries is None:
                continue
            p = word.start()
            for _, pattern, who in tries:
                m = pattern.match(plain, p)
                if m is None:
                    continue
                for actor in who:
                    if last_end.get(actor.id, -1) > p:
                        continue  # inside this actor's previous match, or a longer name here
                    last_end[actor.id] = m.end()
                    if not add(p, m.end(), actor):
                        return found
    for pattern, actor in others:
        for m in pattern.finditer(plain):
            if not add(m.start(), m.end(), actor):
                return found
    return found


def _outermost(here: list[tuple[int, int, Actor]]) -> list[tuple[int, int, Actor]]:
    """The matches not inside a longer match of another actor, by start (longest first).

    A sweep in start order: for each match, the furthest end reached by an earlier-starting
    (or same-start, longer) match of another actor decides, so the work is n log n.
    """
    ordered = sorted(here, key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, Actor]] = []
    # the two furthest ends seen so far, of two different actors: (end, actor id)
    best: tuple[int, str] = (-1, "")
    second: tuple[int, str] = (-1, "")
    i = 0
    while i < len(ordered):
        start = ordered[i][0]
        j = i
        while j < len(ordered) and ordered[j][0] == start:
            j += 1
        group = ordered[i:j]  # same start, longest first
        for k, (s_, end, actor) in enumerate(group):
            reach = best[0] if best[1] != actor.id else second[0]
            inside = reach >= end  # an earlier start reaching past it is longer
            if not inside:  # a longer match at the same start, of another actor
                inside = any(e2 > end and a2.id != actor.id for _, e2, a2 in group[:k])
            if not inside:
                kept.append((s_, end, actor))
        for _, end, actor in group:
            if actor.id == best[1]:
                best = (max(best[0], end), best[1])
            elif end > best[0]:
                best, second = (end, actor.id), best
            elif end > second[0]:
                second = (end, actor.id)
        i = j
    return kept


def coverage(briefing: Briefing) -> Coverage:
    """Coverage and mentions of one briefing; cheap enough to call on every reload.

    Only the briefing's own items can cite its article, so no link graph is needed.
    """
    sentences = briefing.source.sentences
    citing = _citing(briefing)
    cited = tuple(s.number for s in sentences if s.number in citing)
    uncited = tuple(s.number for s in sentences if s.number not in citing)

    text = briefing.source.text
    plain = straighten_quotes(text)  # one character for one: offsets are kept
    found = find_mentions(plain, sentences, briefing.actors)
    mentions: list[Mention] = []
    for number in sorted(found):
        kept = _outermost(found[number])[:MAX_MENTIONS_PER_SENTENCE]
        items = citing.get(number, [])
        ids = tuple(it.id for it in items)
        for start, end, actor in kept:
            linked = any(item_is_about(it, actor.id) for it in items)
            mentions.append(
                Mention(actor.id, actor.pos, number, text[start:end], start, end, linked, ids)
            )
    return Coverage(briefing.id, len(sentences), cited, uncited, tuple(mentions))


def is_stub(actor: Actor) -> bool:
    """An actor still to review: its note holds ``TODO review``."""
    return STUB_MARKER in actor.note


def number_ranges(numbers: Sequence[int]) -> str:
    """``1, 3-5, 9`` for [1, 3, 4, 5, 9]."""
    parts: list[str] = []
    run: list[int] = []
    for n in sorted(set(numbers)):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts.append(_run(run))
        run = [n]
    if run:
        parts.append(_run(run))
    return ", ".join(parts)


def _run(run: list[int]) -> str:
    if len(run) == 1:
        return str(run[0])
    if len(run) == 2:
        return f"{run[0]}, {run[1]}"
    return f"{run[0]}-{run[-1]}"


def _short(text: str, limit: int = 60) -> str:
    text = fold_ws(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _warn(pos: Pos, message: str) -> Problem:
    return Problem(pos, message, Severity.WARNING)


def coverage_warnings(briefing: Briefing, cov: Coverage, display: str) -> list[Problem]:
    """Warnings for uncited sentences (one per briefing) and unlinked mentions.

    A stub actor gets one warning that lists where it is named, instead of one per mention.
    """
    out: list[Problem] = []
    if cov.uncited:
        which = "sentence" if len(cov.uncited) == 1 else "sentences"
        out.append(
            _warn(
                Pos(display),
                f"coverage {cov.label()}; no item cites {which} {number_ranges(cov.uncited)}",
            )
        )
    by_actor: dict[str, list[Mention]] = {}
    for m in cov.mentions:
        by_actor.setdefault(m.actor, []).append(m)
    for actor in briefing.actors:
        pos = Pos(display, actor.pos.line, actor.pos.col)
        mine = by_actor.get(actor.id, [])
        if is_stub(actor):
            named = sorted({m.sentence for m in mine})
            which = "sentence" if len(named) == 1 else "sentences"
            where = f"; it is named in {which} {number_ranges(named)}" if named else ""
            out.append(
                _warn(
                    pos,
                    f"actor '{actor.id}' ({_short(actor.name, 40)}) is a stub marked to review"
                    f"{where}: check its name, kind and evidence, then remove "
                    f"'{STUB_MARKER}' from its note",
                )
            )
            continue
        seen: set[int] = set()
        for m in mine:
            if m.linked or m.sentence in seen:
                continue
            seen.add(m.sentence)
            if m.cited_by:
                shown = ", ".join(m.cited_by[:3]) + (", ..." if len(m.cited_by) > 3 else "")
                why = f"cited only by {shown}, which do not name it"
                if len(m.cited_by) == 1:
                    why = f"cited only by {shown}, which does not name it"
            else:
                why = "which no item cites"
            out.append(
                _warn(
                    pos,
                    f"unlinked mention of actor '{actor.id}': \"{_short(m.word, 40)}\" in "
                    f"sentence {m.sentence}, {why}; name the actor in an item citing the "
                    "sentence, or cite it from an item about the actor",
                )
            )
    return out


def _item_label(section: str, node: YNode, index: int) -> str:
    from briefing_tui.briefing.yamltree import YMap, YScalar

    kind = _SECTION_KINDS[section]
    if isinstance(node, YMap):
        ident = node.entries.get("id")
        if isinstance(ident, YScalar) and isinstance(ident.value, str) and ident.value:
            return f"{kind} '{ident.value}'"
    return f"{kind} #{index}"


def todo_markers(path: Path, display: str | None = None) -> list[Problem]:
    """A warning for every text field of the file holding the word ``TODO``.

    Evidence quotes are the article's words and are never taken as markers. An actor's
    ``TODO review`` note is left to :func:`coverage_warnings` (the stub warning).
    Files that cannot be read or parsed give no markers (the loader reports them).
    """
    from briefing_tui.briefing.yamltree import YMap, YScalar, YSeq, parse, read_file

    name = display or str(path)
    text = read_file(path, name)
    if isinstance(text, Problem) or TODO not in text:
        return []  # the common case costs no second parse
    root = parse(name, text)
    if not isinstance(root, YMap):
        return []
    out: list[Problem] = []

    def walk(node: YNode, where: str) -> None:
        if isinstance(node, YScalar):
            if isinstance(node.value, str) and _TODO_WORD.search(node.value):
                out.append(_warn(node.pos, f'{where} is still to do: "{_short(node.value)}"'))
        elif isinstance(node, YSeq):
            for item in node.items:
                walk(item, where)
        else:
            for key, child in node.entries.items():
                if key != "evidence":
                    walk(child, f"{where}.{key}" if where else key)

    for key, child in root.entries.items():
        if key in _SECTION_KINDS and isinstance(child, YSeq):
            for i, item in enumerate(child.items, 1):
                label = _item_label(key, item, i)
                if not isinstance(item, YMap):
                    continue
                for field, value in item.entries.items():
                    if field == "evidence":
                        continue
                    if (
                        key == "actors"
                        and field == "note"
                        and isinstance(value, YScalar)
                        and isinstance(value.value, str)
                        and STUB_MARKER in value.value
                    ):
                        continue  # the stub warning covers it
                    walk(value, f"the {field} of {label}")
        else:
            walk(child, key)
    return out


@dataclass(frozen=True, slots=True)
class CurationReport:
    """What ``briefing-tui validate`` adds: warnings, and coverage per loaded briefing."""

    warnings: tuple[Problem, ...]
    coverages: tuple[Coverage, ...]
    notes: tuple[Problem, ...] = ()  # printed, never counted: e.g. a briefing in format 1

    def summary(self) -> str:
        """``coverage 22/25 sentences (88%)`` over every briefing checked, or ``""``."""
        total = sum(c.total for c in self.coverages)
        if not self.coverages:
            return ""
        cited = sum(len(c.cited) for c in self.coverages)
        return f"coverage {cited}/{total} sentences ({_percent(cited, total)}%)"


def curation_report(results: Iterable[LoadResult]) -> CurationReport:
    """Curation warnings for load results, file by file, each file's in line order.

    Every file that loaded gets its coverage and mention warnings; every file that parses
    gets its TODO markers. Warnings never make a briefing fail to load.
    """
    warnings: list[Problem] = []
    coverages: list[Coverage] = []
    results = list(results)
    notes = tuple(n for r in results for n in r.notes)
    for r in results:
        display = display_path(r.path)
        found = todo_markers(r.path, display)
        if r.briefing is not None:
            cov = coverage(r.briefing)
            coverages.append(cov)
            found.extend(coverage_warnings(r.briefing, cov, display))
        warnings.extend(sorted(found, key=Problem.sort_key))
    return CurationReport(tuple(warnings), tuple(coverages), notes)
