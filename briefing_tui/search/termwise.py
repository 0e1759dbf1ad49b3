"""Scored searches a term at a time, over the runs of common terms (the core; imports
Whoosh, not Textual).

Whoosh scores a query document at a time: for each match it steps every posting list and
calls the scorer, about 3 µs a posting in Python, and it reads a common word's postings
block by block (unpickling each posting's positions). At 10,000 briefings one common word
has ~80,000 postings, so a keystroke could take the whole deadline and show "the best
found". Here a query is evaluated term by term, each segment on its own:

- a common term (:mod:`briefing_tui.search.impacts`) is read as runs of documents that score
  the same: each run is scored once and added to a ``{docnum: score}`` table at C speed;
- a rare term is read through Whoosh's matcher (a block or two);
- ``And`` evaluates its parts the rarest first, each later part only over the documents
  the earlier ones matched; ``Or`` adds its parts' tables up; ``AndNot`` removes the
  excluded documents; deleted documents are dropped at the end.

Scores are Whoosh's own (the same scorer, :class:`~briefing_tui.search.scoring.FastBM25F`)
added up in the query's order, the best first, equal scores by docnum as Whoosh orders them;
and since every match is seen, the count is exact. A query with any other part (a phrase)
returns None and is searched by Whoosh. tests/search/test_termwise.py compares both on a
generated library, hit for hit.
"""

from __future__ import annotations

import contextlib
import heapq
import time
from collections.abc import Callable
from itertools import compress, repeat
from operator import add, eq, gt
from typing import Any

from whoosh import query as wq

from briefing_tui.search.impacts import EXT, SegmentImpacts, Stored, bitmap, docnums, to_bits
from briefing_tui.search.results import Cancelled

Scores = dict[int, float]
# Groups of bitmaps when their pairs are fewer than the documents / DOCS_PER_PAIR, and at
# least half the documents have bitmaps or the pairs are at most FEW_PAIRS (measured at 10,000
# briefings: beyond these, tables were quicker on some keys).
DOCS_PER_PAIR = 128
FEW_PAIRS = 8
Groups = dict[float, int]  # a bitmap of the documents of each score (a document in one)


class _Unsupported(Exception):
    """A query part this module does not evaluate (Whoosh does)."""


class _TimedOut(Exception):
    pass


def open_impacts(reader: Any) -> SegmentImpacts | None:
    """The ``.imp`` file of a segment reader, None when it has none (or it is damaged)."""
    try:
        f = reader.segment().open_file(reader.storage(), EXT)
    except Exception:
        return None
    try:
        return SegmentImpacts(f)
    except Exception:
        with contextlib.suppress(Exception):
            f.close()
        return None


class _Leaf:
    __slots__ = ("impacts", "offset", "searcher", "skip", "skip_bits")

    def __init__(self, searcher: Any, offset: int, impacts: SegmentImpacts, skip: frozenset[int]):
        self.searcher = searcher
        self.offset = offset
        self.impacts = impacts
        self.skip = skip
        self.skip_bits = to_bits(sorted(skip))


class Termwise:
    """Term-at-a-time search over an open Whoosh searcher whose segments have impact files.

    ``deleted`` maps ``id(segment reader)`` to its deleted docnums (the engine hides them
    from Whoosh). ``available`` is False when a segment has no impact file (an index
    written before them): then every query goes to Whoosh."""

    def __init__(self, searcher: Any, deleted: dict[int, frozenset[int]]) -> None:
        self.searcher = searcher
        self.context = searcher.context()
        self.leaves: list[_Leaf] = []
        self._sizes: dict[tuple[str, str], int] = {}  # document frequencies, per search
        self._scorers: dict[tuple[int, str, str], Callable[[float, int], float]] = {}
        self._stored: dict[tuple[int, str, str], Stored | None] = {}  # runs read, per search
        self.available = True
        self.grouped = True  # queries of common terms only: by groups of equal score
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            impacts = open_impacts(reader)
            if impacts is None:
                self.available = False
                break
            self.leaves.append(_Leaf(sub, offset, impacts, deleted.get(id(reader), frozenset())))

    def close(self) -> None:
        for leaf in self.leaves:
            with contextlib.suppress(Exception):
                leaf.impacts.close()

    def search(
        self,
        q: Any,
        limit: int,
        deadline: float,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[list[tuple[int, float]], bool, int] | None:
        """``(hits, timed_out, total)``: the best ``limit`` (docnum, score), best first;
        ``total`` counts every live match (of the segments searched when timed out).
        None: the query has a part searched by Whoosh only."""
        if not self.available or not _supported(q):
            return None
        self._sizes.clear()
        self._scorers.clear()
        self._stored.clear()
        clock = time.perf_counter

        def check() -> None:
            if clock() > deadline:
                raise _TimedOut
            if cancelled is not None and cancelled():
                raise Cancelled

        best: list[tuple[float, int]] = []  # (score, -global docnum)
        total = 0
        timed_out = False
        for leaf in self.leaves:
            try:
                check()
                if isinstance(q, wq.Term):
                    top, n = self._top_term(leaf, q, limit)
                elif self.grouped and self._dense(leaf, q):
                    top, n = _top(self._groups(leaf, q, check), limit, leaf.skip_bits)
                else:
                    scores = self._eval(leaf, q, check)
                    for d in leaf.skip & scores.keys():
                        del scores[d]
                    n = len(scores)
                    top = _best(scores, limit)
            except _TimedOut:
                timed_out = True
                break
            except _Unsupported:
                return None
            total += n
            off = leaf.offset
            best = heapq.nlargest(limit, [*best, *((s, nd - off) for s, nd in top)])
        return [(-nd, s) for s, nd in best], timed_out, total

    # -- one term, best first, without a table -------------------------------------------
    def _top_term(self, leaf: _Leaf, q: Any, limit: int) -> tuple[list[tuple[float, int]], int]:
        stored = self._runs(leaf, q)
        if stored is None:
            scores = self._term(leaf, q)
            for d in leaf.skip & scores.keys():
                del scores[d]
            return _best(scores, limit), len(scores)
        score = self._run_scorer(leaf, q)
        scored = sorted(((score(w, c), docs) for w, c, docs, _bits in stored), key=lambda r: -r[0])
        n = sum(len(docs) for _s, docs in scored) // 4
        if leaf.skip:
            every = set().union(*(docnums(docs) for _s, docs in scored))
            n -= len(leaf.skip & every)
        top: list[tuple[float, int]] = []
        i = 0
        while i < len(scored) and len(top) < limit:
            # Runs of the same score are one group, docnums ascending (Whoosh's order); only
            # the best runs' documents are read.
            s = scored[i][0]
            group: list[int] = []
            while i < len(scored) and scored[i][0] == s:
                group.extend(docnums(scored[i][1]))
                i += 1
            group.sort()
            for d in group:
                if d not in leaf.skip:
                    top.append((s, -d))
                    if len(top) == limit:
                        break
        return top, n

    # -- groups of documents scoring the same, as bitmaps ---------------------------------
    def _groups(
        self, leaf: _Leaf, q: Any, check: Callable[[], None], within: int | None = None
    ) -> Groups:
        """``{score: bitmap of documents}`` of the documents of ``leaf`` matching ``q`` (only
        those in the bitmap ``within``, when given), every term of ``q`` common in ``leaf``
        (:meth:`_dense`).

        The same scores as :meth:`_eval`'s tables, each sum taken in the same order, but a
        score is added once for a group of documents, and groups are intersected as bitmaps
        (``&`` of two ints, at C speed): a word in 17,000 documents of a segment and a prefix
        in 19,000 take well under a millisecond instead of ~10 ms as tables."""
        if isinstance(q, wq.Term):
            check()
            stored = self._runs(leaf, q)
            if stored is None:  # _dense said it had runs
                raise _Unsupported(q.text)
            score = self._run_scorer(leaf, q)
            out: Groups = {}
            for w, c, docs, stored_bits in stored:
                bits = bitmap(docs, stored_bits)
                _put(out, score(w, c), bits if within is None else bits & within)
            return out
        if isinstance(q, wq.And):
            parts = sorted(q.subqueries, key=self._size)
            out = self._groups(leaf, parts[0], check, within)
            for p in parts[1:]:
                if not out:
                    break
                other = self._groups(leaf, p, check, _union(out))
                pairs: Groups = {}
                for sa, ga in out.items():
                    for sb, gb in other.items():
                        _put(pairs, sa + sb, ga & gb)
                out = pairs
            return out
        if isinstance(q, wq.Or):
            out = {}
            for p in q.subqueries:
                other = self._groups(leaf, p, check, within)
                if not out:
                    out = other
                    continue
                only_a, only_b = ~_union(other), ~_union(out)
                summed: Groups = {}
                for sa, ga in out.items():
                    for sb, gb in other.items():
                        _put(summed, sa + sb, ga & gb)
                    _put(summed, sa, ga & only_a)
                for sb, gb in other.items():
                    _put(summed, sb, gb & only_b)
                out = summed
            return out
        if isinstance(q, wq.AndNot):
            out = self._groups(leaf, q.a, check, within)
            if out:
                kept = ~_union(self._groups(leaf, q.b, check, _union(out)))
                out = {s: g & kept for s, g in out.items() if g & kept}
            return out
        return {}  # NullQuery

    def _runs(self, leaf: _Leaf, q: Any) -> Stored | None:
        """The runs of term ``q`` in ``leaf`` as stored (read once a search)."""
        key = (id(leaf), q.fieldname, q.text)
        if key not in self._stored:
            self._stored[key] = leaf.impacts.stored(q.fieldname, q.text)
        return self._stored[key]

    def _dense(self, leaf: _Leaf, q: Any) -> bool:
        """True when every term of ``q`` has runs in ``leaf`` and :meth:`_groups` is likely
        quicker than tables. A table costs a fraction of a µs a document, a group's ``&``
        several µs whatever its size, so groups win when there are few of them for many
        documents (words with few runs; not several words with ~20 runs each, whose groups
        multiply while their matches thin out); and a run without a bitmap is made one bit
        by bit (~0.15 µs a document), so most documents should have bitmaps, unless the pairs
        are very few (correlated words: the tables of each step would be as large)."""
        docs = [0, 0]  # documents in runs, of them in runs without a bitmap

        def cost(q: Any) -> tuple[int, int]:  # (at most how many groups, pairs to intersect)
            if isinstance(q, wq.Term):
                stored = self._runs(leaf, q)
                if stored is None:
                    raise _Unsupported(q.text)
                docs[0] += sum(len(d) for _w, _c, d, _b in stored) // 4
                docs[1] += sum(len(d) for _w, _c, d, b in stored if not b) // 4
                return len(stored), 0
            if isinstance(q, (wq.And, wq.Or)):
                parts = (
                    sorted(q.subqueries, key=self._size) if isinstance(q, wq.And) else q.subqueries
                )
                groups, pairs = cost(parts[0])
                for p in parts[1:]:
                    g, n = cost(p)
                    pairs += n + groups * g
                    groups = groups * g if isinstance(q, wq.And) else groups * g + groups + g
                return groups, pairs
            if isinstance(q, wq.AndNot):
                (groups, pairs), (_g, n) = cost(q.a), cost(q.b)
                return groups, pairs + n
            return 0, 0

        try:
            _n, pairs = cost(q)
        except _Unsupported:
            return False
        every, sparse = docs
        few = pairs * DOCS_PER_PAIR <= every
        return every > 0 and few and (sparse * 2 <= every or pairs <= FEW_PAIRS)

    # -- tables ----------------------------------------------------------------------------
    def _eval(
        self, leaf: _Leaf, q: Any, check: Callable[[], None], within: Scores | None = None
    ) -> Scores:
        """``{docnum: score}`` of the documents of ``leaf`` matching ``q`` (only those in
        ``within``, when given: an ``And`` narrows its later parts to the earlier ones')."""
        if isinstance(q, wq.Term):
            check()
            return self._term(leaf, q, within)
        if isinstance(q, wq.And):
            parts = sorted(q.subqueries, key=self._size)
            out = self._eval(leaf, parts[0], check, within)
            for p in parts[1:]:
                if not out:
                    break
                if isinstance(p, wq.Term):
                    check()
                    out = self._term(leaf, p, out, add_to=True)
                else:
                    other = self._eval(leaf, p, check, out)
                    keys = other.keys()
                    out = dict(
                        zip(keys, map(add, map(out.__getitem__, keys), other.values()), strict=True)
                    )
            return out
        if isinstance(q, wq.Or):
            out = {}
            for p in q.subqueries:
                other = self._eval(leaf, p, check, within)
                if not out:
                    out = other
                    continue
                both = out.keys() & other.keys()  # all at C speed
                sums = map(add, map(out.__getitem__, both), map(other.__getitem__, both))
                summed = dict(zip(both, sums, strict=True))
                out.update(other)
                out.update(summed)
            return out
        if isinstance(q, wq.AndNot):
            out = self._eval(leaf, q.a, check, within)
            if out:
                for d in self._eval(leaf, q.b, check, out):
                    del out[d]
            return out
        return {}  # NullQuery

    def _term(
        self, leaf: _Leaf, q: Any, within: Scores | None = None, add_to: bool = False
    ) -> Scores:
        """The term's table (over ``within``'s documents when given; ``add_to``: each
        score added to the document's score in ``within``)."""
        stored = self._runs(leaf, q)
        out: Scores = {}
        if stored is not None:
            score = self._run_scorer(leaf, q)
            if within is None:
                for w, c, docs, _bits in stored:
                    out.update(zip(docnums(docs), repeat(score(w, c))))
                return out
            keys = within.keys()
            for w, c, docs, _bits in stored:
                common = keys & docnums(docs)  # all at C speed, over the run
                if common:
                    sc = score(w, c)
                    if add_to:
                        out.update(
                            zip(
                                common,
                                map(add, map(within.__getitem__, common), repeat(sc)),
                                strict=False,
                            )
                        )
                    else:
                        out.update(zip(common, repeat(sc)))
            return out
        m = q.matcher(leaf.searcher, self.context)  # a rare term: a block or two
        while m.is_active():
            d = m.id()
            if within is None:
                out[d] = m.score()
            elif d in within:
                out[d] = within[d] + m.score() if add_to else m.score()
            m.next()
        return out

    def _run_scorer(self, leaf: _Leaf, q: Any) -> Callable[[float, int], float]:
        """What a posting of ``q`` scores, from its weight and its document's length code."""
        key = (id(leaf), q.fieldname, q.text)
        score = self._scorers.get(key)
        if score is None:
            weighting = self.context.weighting
            fast = getattr(weighting, "weight_scorer", None)
            score = fast(leaf.searcher, q.fieldname, q.text) if fast is not None else None
            if score is None:
                raise _Unsupported(type(weighting).__name__)
            self._scorers[key] = score
        return score

    def _size(self, q: Any) -> int:
        """About how many documents match ``q`` in the whole index (the same order of an
        ``And``'s parts in every segment: equal scores add up the same everywhere)."""
        if isinstance(q, wq.Term):
            key = (q.fieldname, q.text)
            n = self._sizes.get(key)
            if n is None:
                n = self._sizes[key] = int(self.searcher.doc_frequency(q.fieldname, q.text))
            return n
        if isinstance(q, wq.And):
            return min(self._size(p) for p in q.subqueries)
        if isinstance(q, wq.Or):
            return sum(self._size(p) for p in q.subqueries)
        if isinstance(q, wq.AndNot):
            return self._size(q.a)
        return 0


def _put(groups: Groups, score: float, bits: int) -> None:
    """Add the documents of ``bits`` (none of them in ``groups`` yet) to the group of
    ``score``."""
    if bits:
        groups[score] = groups.get(score, 0) | bits


def _union(groups: Groups) -> int:
    out = 0
    for g in groups.values():
        out |= g
    return out


def _top(groups: Groups, limit: int, skip: int) -> tuple[list[tuple[float, int]], int]:
    """The best ``limit`` of ``groups`` as (score, -docnum), best first (equal scores by
    docnum), and how many documents there are, those in the bitmap ``skip`` left out."""
    if skip:
        groups = {s: g & ~skip for s, g in groups.items()}
    n = sum(g.bit_count() for g in groups.values())
    top: list[tuple[float, int]] = []
    for s in sorted(groups, reverse=True):
        g = groups[s]
        while g and len(top) < limit:  # the lowest docnums first
            low = g & -g
            top.append((s, 1 - low.bit_length()))
            g ^= low
        if len(top) >= limit:
            break
    return top, n


def _best(scores: Scores, limit: int) -> list[tuple[float, int]]:
    """The best ``limit`` of a table as (score, -docnum), best first: the lowest score
    that makes it found among the scores alone, then only the documents scoring as much
    (the selection at C speed: a table may hold tens of thousands)."""
    if limit <= 0 or not scores:
        return []
    values = scores.values()
    high = max(values)
    at_high = list(compress(scores, map(eq, values, repeat(high))))
    if len(at_high) >= limit:  # common: many documents score as the best one
        return [(high, -d) for d in heapq.nsmallest(limit, at_high)]
    bar = heapq.nlargest(limit, values)[-1]
    above = [(scores[d], -d) for d in compress(scores, map(gt, values, repeat(bar)))]
    at = heapq.nsmallest(limit - len(above), compress(scores, map(eq, values, repeat(bar))))
    above.sort(reverse=True)
    return above + [(bar, -d) for d in at]


def _supported(q: Any) -> bool:
    """True when every part of ``q`` is a term, ``And``, ``Or``, ``AndNot`` or nothing,
    unboosted (Whoosh's matchers would apply a boost; none is used)."""
    if q is wq.NullQuery:
        return True
    if getattr(q, "boost", 1.0) != 1.0:
        return False
    if type(q) is wq.Term:
        return isinstance(q.text, str)
    if type(q) is wq.Or and (q.minmatch or q.scale):
        return False
    if type(q) in (wq.And, wq.Or):
        return bool(q.subqueries) and all(_supported(p) for p in q.subqueries)
    if type(q) is wq.AndNot:
        return _supported(q.a) and _supported(q.b)
    return False
