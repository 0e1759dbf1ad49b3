"""Running queries against the Whoosh index (the core; imports no Textual).

Imported lazily by :mod:`briefing_tui.search` (importing Whoosh costs ~100 ms).

How a query becomes a Whoosh query (see :mod:`briefing_tui.search.query` for the syntax):

- each complete word: its stem in ``text``, scored by BM25 plus a bonus when the word is
  in the item's title, name or aliases (:class:`FastBM25F`);
- the last word, while it may still be being typed, is matched as the start of a word:
  when few indexed words start with it (and they are in few documents) as those words,
  scored; otherwise as a term of the unstemmed edge n-gram field ``pre``, unscored (a
  match weighs 3 in a title, 1.5 elsewhere in an item, 1 in a sentence), so that the
  collector stops after the first ``limit`` best-weighted matches instead of scoring
  thousands. Typed in full, it also matches as a complete word;
- a phrase: Whoosh's Phrase on ``text``;
- filters: terms of the exact fields; ``-`` excludes.

All parts must match. Every search runs under a deadline (a time-limited collector) and can
be cancelled; the Whoosh searcher is opened once and shared; snippets and highlights are
computed for the returned hits only; when a word finds little, words one edit away are
searched too (typo tolerance).
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from whoosh import collectors
from whoosh import query as wq

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import Actor, Item
from briefing_tui.briefing.text import fold, one_line
from briefing_tui.search import analysis
from briefing_tui.search.analysis import STOP_WORDS
from briefing_tui.search.collectors import DeadlineCollector, TopCollector
from briefing_tui.search.query import Filter, ParsedQuery, parse
from briefing_tui.search.results import ITEM_KINDS, Cancelled, Hit, SearchResult
from briefing_tui.search.schema import SENTENCE_KIND, kinds_vocabulary, parse_ref
from briefing_tui.search.snippets import Matching, item_month, make_snippet, snippet_parts
from briefing_tui.search.store import OpenIndex
from briefing_tui.search.termwise import Termwise
from briefing_tui.search.whoosh_compat import hide_deletions

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 0.25  # seconds a search may take before it returns what it has
TYPO_MIN_HITS = 3  # fewer hits than this: try close matches for words that find little
TYPO_MAX_DF = 2  # a word "finds little" when at most this many documents have it
TYPO_MAX_ALTERNATIVES = 6
MAX_PREFIX_EXPANSION = 64  # terms a filter's prefix may stand for
MAX_EXPANSION = 16  # a partial word standing for more indexed words uses the n-grams,
MAX_EXPANSION_POSTINGS = 1500  # and so does one whose words are in more documents than this
CACHE_SIZE = 64

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class Plan:
    """A parsed query turned into Whoosh query parts."""

    required: list[Any] = field(default_factory=list)  # scored parts; all must match
    filters: list[Any] = field(default_factory=list)  # unscored parts; all must match
    excluded: list[Any] = field(default_factory=list)
    matching: Matching = field(default_factory=Matching)
    stems: set[str] = field(default_factory=set)
    # (raw word, its alternatives' stems or prefixes) where close matches were used
    corrections: list[tuple[str, list[str]]] = field(default_factory=list)
    # complete words and the partial word, analysed, for typo tolerance
    words: list[str] = field(default_factory=list)
    partial: str | None = None

    @property
    def unscored(self) -> bool:
        """Only filters and n-gram prefixes: every match weighs about the same."""
        return all(isinstance(q, wq.Term) and q.fieldname == "pre" for q in self.required)

    def query(self) -> Any | None:
        if not self.required and not self.filters:
            return None
        parts = self.required + self.filters
        q = parts[0] if len(parts) == 1 else wq.And(parts)
        if self.excluded:
            q = wq.AndNot(q, wq.Or(self.excluded) if len(self.excluded) > 1 else self.excluded[0])
        return q


COUNT_BUDGET = 0.02  # seconds for counting every match (beyond it: "20 of 5,000+")
QUICK_COUNT: float | None = 0.004  # count=False: counts this long after a search under 3x it


class Engine:
    """Searches one open index; shared by every query (one Whoosh searcher, reused)."""

    def __init__(self, library: Library, opened: OpenIndex) -> None:
        self.library = library
        self.opened = opened
        self.searcher = opened.searcher  # scored by search_scoring.FastBM25F
        self.reader = self.searcher.reader()
        # Benchmark row `search` (docs/benchmarks.md) justifies this.
        # Whoosh wraps every term's postings in a filter for the deleted documents of a
        # segment (costly on every step of every match); the collector skips them instead.
        self.deleted: dict[int, frozenset[int]] = {}
        for leaf, _offset in self.reader.leaf_readers():
            gone = frozenset(leaf.deleted_docs_set) if leaf.has_deletions() else frozenset()
            if gone:
                self.deleted[id(leaf)] = gone
                hide_deletions(leaf)
        # Scored queries term by term over the common terms' runs (search/termwise.py).
        self.termwise = Termwise(self.searcher, self.deleted)
        self._items: dict[str, dict[str, Item]] = {}
        self._vocab: list[str] | None = None
        self._vocab_incomplete = False
        self._vocab_set: frozenset[str] | None = None
        self._kinds = kinds_vocabulary()
        self._cache: OrderedDict[tuple[str, int, tuple[str, ...] | None], Any] = OrderedDict()
        # For counting after the hits: the query each search ran, and the counts found.
        self._queries: dict[tuple[str, tuple[str, ...] | None], Any] = {}
        self._counts: dict[tuple[str, tuple[str, ...] | None], int] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.vocabulary()  # read now, off the UI thread, rather than on the first keystroke

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):  # closed twice, or a reader gone
            self._closed = True
            self.termwise.close()
            self.searcher.close()

    # -- vocabulary ------------------------------------------------------------------------
    def vocabulary(self) -> list[str]:
        if self._vocab is None:
            self._vocab = self.opened.words()
            # A vocabulary that could not be read: prefixes go to the n-grams only.
            self._vocab_incomplete = not self._vocab and self.opened.docs > 0
        return self._vocab

    def vocabulary_set(self) -> frozenset[str]:
        if self._vocab_set is None:
            self._vocab_set = frozenset(self.vocabulary())
        return self._vocab_set

    def words_starting(self, prefix: str, cap: int = MAX_PREFIX_EXPANSION) -> list[str]:
        vocab = self.vocabulary()
        i = bisect.bisect_left(vocab, prefix)
        out: list[str] = []
        while i < len(vocab) and vocab[i].startswith(prefix) and len(out) < cap:
            out.append(vocab[i])
            i += 1
        return out

    def df(self, fieldname: str, text: str) -> int:
        try:
            return int(self.reader.doc_frequency(fieldname, text))
        except Exception:
            return 0

    def expand(self, fieldname: str, prefix: str, cap: int = MAX_PREFIX_EXPANSION) -> list[str]:
        out = []
        try:
            for t in self.reader.expand_prefix(fieldname, prefix):
                out.append(t.decode("utf-8") if isinstance(t, bytes) else str(t))
                if len(out) >= cap:
                    break
        except Exception:
            return out
        return out

    def prefix_df(self, p: str) -> int:
        """About how many documents have a word starting with ``p``."""
        if len(p) <= analysis.MAX_GRAM:
            return self.df("pre", p)
        words = self.words_starting(p)
        return sum(self.df("text", s) for s in {analysis.stem(w) for w in words})

    # -- planning --------------------------------------------------------------------------
    def word_query(self, stem: str) -> Any:
        return wq.Term("text", stem)

    def prefix_query(self, p: str) -> Any:
        """Documents with a word starting with ``p`` (folded, unstemmed).

        When few indexed words start with ``p`` the query is those words (their stems,
        scored: a title match first); otherwise the edge n-gram ``p`` (unscored: the
        collector can stop early).
        """
        words = [w for w in self.words_starting(p, MAX_EXPANSION + 1) if w not in STOP_WORDS]
        if len(words) <= MAX_EXPANSION and not (
            self._vocab_incomplete and len(p) <= analysis.MAX_GRAM
        ):
            stems = sorted({analysis.stem(w) for w in words})
            if not stems:
                return wq.NullQuery()
            postings = sum(self.df("text", s) for s in stems)
            if postings <= MAX_EXPANSION_POSTINGS or len(p) > analysis.MAX_GRAM:
                if len(stems) == 1:
                    return wq.Term("text", stems[0])
                return wq.Or([wq.Term("text", s) for s in stems])
        return wq.Term("pre", analysis.gram(p))

    def plan(self, pq: ParsedQuery, kinds: Sequence[str] | None = None) -> Plan:
        plan = Plan()
        stems: set[str] = set()
        prefixes: list[str] = []
        for raw in pq.words:
            for w in analysis.words(raw):
                if w in analysis.STOP_WORDS:
                    continue
                s = analysis.stem(w)
                if s in stems:
                    continue  # the same word twice adds nothing
                stems.add(s)
                plan.words.append(w)
                plan.required.append(self.word_query(s))
        partial: str | None = None
        if pq.partial is not None:
            ws = analysis.words(pq.partial)
            folded = fold(pq.partial)
            # The last word is partial only if the raw text ends inside it.
            ends_in_word = bool(folded) and (folded[-1].isalnum() or folded[-1] == "_")
            for i, w in enumerate(ws):
                last = i == len(ws) - 1 and ends_in_word
                if last:
                    partial = w
                    continue
                if w in analysis.STOP_WORDS:
                    continue
                s = analysis.stem(w)
                if s in stems:
                    continue
                stems.add(s)
                plan.words.append(w)
                plan.required.append(self.word_query(s))
        for phrase in pq.phrases:
            terms = analysis.terms(phrase)
            for t in terms:
                stems.add(t)
            if len(terms) == 1:
                plan.required.append(self.word_query(terms[0]))
            elif terms:
                plan.required.append(wq.Phrase("text", terms))
        if partial is not None:
            if len(partial) < analysis.MIN_GRAM:
                partial = None  # one letter: not yet a word
            else:
                plan.partial = partial
                prefixes.append(partial)
                part = self.prefix_query(partial)
                whole = analysis.stem(partial)
                pre = isinstance(part, wq.Term) and part.fieldname == "pre"
                broad_alone = pre and not plan.required
                if partial not in STOP_WORDS and not broad_alone and self.df("text", whole):
                    # The whole word too (stemmed), unless the prefix's words hold it already
                    if (w_q := self.word_query(whole)) not in getattr(part, "subqueries", [part]):
                        part = wq.Or([part, w_q])
                    stems.add(whole)
                plan.required.append(part)
        for f in pq.filters:
            q = self.filter_query(f)
            if f.negated:
                plan.excluded.append(q)
            else:
                plan.filters.append(q)
        for raw in pq.excluded_words:
            for w in analysis.words(raw):
                if w not in analysis.STOP_WORDS:
                    plan.excluded.append(self.word_query(analysis.stem(w)))
        for phrase in pq.excluded_phrases:
            terms = analysis.terms(phrase)
            if len(terms) == 1:
                plan.excluded.append(self.word_query(terms[0]))
            elif terms:
                plan.excluded.append(wq.Phrase("text", terms))
        if kinds is not None:
            plan.filters.append(wq.Or([wq.Term("kind", k) for k in kinds] or [wq.NullQuery()]))
        plan.matching = Matching(stems, prefixes, plan.words)
        plan.stems = stems
        return plan

    def filter_query(self, f: Filter) -> Any:
        value = fold(f.value).strip()
        field = f.field
        if not value:
            return wq.NullQuery()
        if field == "kind":
            term = self._kinds.get(value)
            if term is not None:
                return wq.Term("kind", term)
            if f.partial:
                terms = sorted({t for k, t in self._kinds.items() if k.startswith(value)})
                if terms:
                    return wq.Or([wq.Term("kind", t) for t in terms])
            return wq.NullQuery()
        if field == "month":
            value = value.replace("/", "-").replace(".", "-")
            m = re.fullmatch(r"(\d{4})-(\d)", value)
            if m and not f.partial:
                value = f"{m.group(1)}-0{m.group(2)}"
            return self._term_or_prefix("month", value, f.partial)
        if field in ("status", "briefing"):
            return self._term_or_prefix(field, value, f.partial)
        if field == "topic":
            whole = self._term_or_prefix("topic", value, f.partial)
            ts = analysis.terms(value)
            if not ts or (len(ts) == 1 and ts[0] == value):
                return whole
            return wq.Or([whole, wq.And([wq.Term("topic", t) for t in ts])])
        # actor: its id, or the words of its name or aliases
        ws = analysis.words(value)
        whole = wq.Term("actor", value)
        if not ws:
            return whole
        parts: list[Any] = [wq.Term("actor", w) for w in ws[:-1]]
        parts.append(self._term_or_prefix("actor", ws[-1], f.partial))
        return wq.Or([whole, parts[0] if len(parts) == 1 else wq.And(parts)])

    def _term_or_prefix(self, fieldname: str, value: str, partial: bool) -> Any:
        if not partial:
            return wq.Term(fieldname, value)
        terms = self.expand(fieldname, value)
        if not terms:
            return wq.NullQuery()
        if len(terms) == 1:
            return wq.Term(fieldname, terms[0])
        return wq.Or([wq.Term(fieldname, t) for t in terms])

    # -- typo tolerance --------------------------------------------------------------------
    def close_words(self, word: str) -> list[str]:
        """Indexed words one edit (insert, delete, replace, swap) from ``word``."""
        vocab = self.vocabulary_set()
        found = [c for c in _edits1(word) if c in vocab and c != word]
        found.sort(key=lambda w: -self.df("text", analysis.stem(w)))
        return found[:TYPO_MAX_ALTERNATIVES]

    def close_prefixes(self, prefix: str) -> list[str]:
        """Starts of indexed words one edit from ``prefix``, the most common first."""
        vocab = self.vocabulary()
        found = []
        for c in _edits1(prefix):
            if c == prefix or len(c) < analysis.MIN_GRAM:
                continue
            i = bisect.bisect_left(vocab, c)
            if i < len(vocab) and vocab[i].startswith(c):
                found.append(c)
        ranked = sorted(found, key=lambda c: -self.prefix_df(c))
        return ranked[:TYPO_MAX_ALTERNATIVES]

    def corrected_plan(self, pq: ParsedQuery, plan: Plan, kinds: Sequence[str] | None) -> Plan:
        """``plan`` with close matches added for the words that find little."""
        new = Plan(
            filters=plan.filters,
            excluded=plan.excluded,
            words=plan.words,
            partial=plan.partial,
        )
        stems = set(plan.stems)
        prefixes = list(plan.matching.prefixes)
        alt_words: list[str] = []
        # Rebuild the scored parts word by word, in the order plan() made them.
        idx = 0
        required = list(plan.required)
        for w in plan.words:
            s = analysis.stem(w)
            part = required[idx]
            idx += 1
            if len(w) >= 3 and self.df("text", s) <= TYPO_MAX_DF:
                alts = self.close_words(w)
                if alts:
                    alt_stems = sorted({analysis.stem(a) for a in alts} - {s})
                    if alt_stems:
                        part = wq.Or([part, *(self.word_query(a) for a in alt_stems)])
                        stems.update(alt_stems)
                        alt_words.extend(alts)
                        new.corrections.append((w, alts))
            new.required.append(part)
        # Phrases keep their place between the words and the partial word.
        n_phrase_parts = len(required) - idx - (1 if plan.partial is not None else 0)
        new.required.extend(required[idx : idx + n_phrase_parts])
        idx += n_phrase_parts
        if plan.partial is not None:
            p = plan.partial
            part = required[idx]
            if len(p) >= 4 and self.prefix_df(p) == 0:
                alts = self.close_prefixes(p)
                if alts:
                    part = wq.Or([part, *(self.prefix_query(a) for a in alts)])
                    prefixes.extend(alts)
                    new.corrections.append((p, alts))
            new.required.append(part)
        new.matching = Matching(stems, prefixes, [*plan.words, *alt_words])
        new.stems = stems
        return new

    # -- running ---------------------------------------------------------------------------
    def run(
        self,
        q: Any,
        limit: int,
        deadline: float,
        cancelled: Callable[[], bool] | None,
        unscored: bool = False,
    ) -> tuple[list[tuple[int, float]], bool, int | None]:
        """The best ``limit`` (docnum, score), whether the deadline cut the search short, and
        how many documents match when that is known (term by term it is counted)."""
        if not unscored:  # unscored: the collector below stops once it has the best
            fast = self.termwise.search(q, limit, deadline, cancelled)
            if fast is not None:
                return fast
        top = TopCollector(limit=limit) if unscored else collectors.TopCollector(limit=limit)
        col = DeadlineCollector(top, deadline, cancelled, self.deleted)
        with contextlib.suppress(collectors.TimeLimit):
            self.searcher.search_with_collector(q, col)
        results = top.results()
        return [(int(d), float(s or 0.0)) for s, d in _scored(results)], col.timed_out, None

    def count(
        self, q: Any, deadline: float, cancelled: Callable[[], bool] | None = None
    ) -> tuple[int, bool]:
        """How many live documents match ``q`` (unscored); ``(n, False)``: a lower bound."""
        if isinstance(q, wq.Term) and not self.deleted:  # one word, or a word's start
            return self.searcher.doc_frequency(q.fieldname, q.text), True
        clock = time.perf_counter
        n = 0
        for sub, _offset in self.searcher.leaf_searchers():
            skip = self.deleted.get(id(sub.reader()), frozenset())
            matcher = q.matcher(sub, sub.boolean_context())
            for i, docnum in enumerate(matcher.all_ids(), 1):
                if docnum not in skip:
                    n += 1
                if not i & 31:  # as the collector: a sparse intersection is slow
                    if clock() > deadline:
                        return n, False
                    if cancelled is not None and cancelled():
                        raise Cancelled
        return n, True

    def search(
        self,
        text: str,
        limit: int,
        *,
        kinds: Sequence[str] | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
        cancelled: Callable[[], bool] | None = None,
        count: bool = True,
    ) -> Any:
        """The best ``limit`` hits. ``count=False``: matches beyond them are counted only if
        quick (QUICK_COUNT), else ``total`` is None and the app counts after showing them."""
        limit = max(0, int(limit))
        kinds_key = tuple(kinds) if kinds is not None else None
        key = (text, limit, kinds_key)
        with self._lock:
            if self._closed:
                return SearchResult(text, ())
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                if cached.total_exact or not count:
                    return self._with_count(cached, kinds_key)
            deadline = time.perf_counter() + time_limit
            pq = parse(text)
            plan = self.plan(pq, kinds)
            q = plan.query()
            if q is None or limit == 0 or not (plan.required or pq.filters):
                # Nothing to look for (``kinds`` alone is not a query).
                return SearchResult(text, ())
            found, timed_out, matched = self.run(q, limit, deadline, cancelled, plan.unscored)
            corrected = False
            note = ""
            if len(found) < TYPO_MIN_HITS and (plan.words or plan.partial):
                fixed = self.corrected_plan(pq, plan, kinds)
                fq = fixed.query()
                if fixed.corrections and fq is not None:
                    # A typo search gets a deadline of its own.
                    more, t2, n2 = self.run(fq, limit, time.perf_counter() + time_limit, cancelled)
                    if len(more) > len(found):
                        found, timed_out, matched = more, t2, n2
                        plan = fixed
                        corrected = True
                        note = _correction_note(fixed.corrections)
            hits = self.hits(found, plan.matching)
            total: int | None = len(found)
            exact = not timed_out
            if matched is not None and not timed_out:
                total = matched  # counted while searching (term by term)
            elif len(found) >= limit and not timed_out:  # there may be more than the top ones
                self._queries[(text, kinds_key)] = plan.query() if corrected else q
                while len(self._queries) > CACHE_SIZE:
                    self._queries.pop(next(iter(self._queries)))
                total, exact = None, False  # not counted yet
                # count=False (the app): counted if quick after a quick search, else later.
                budget = time_limit if time_limit > DEFAULT_TIME_LIMIT else COUNT_BUDGET
                slow = time.perf_counter() - deadline + time_limit > 3 * (QUICK_COUNT or 0)
                wait = budget if count else None if slow else QUICK_COUNT
                counted = wait and self._count_text((text, kinds_key), wait, cancelled)
                if counted and (count or counted[1]):
                    total, exact = counted
            if timed_out:
                note = (note + " " if note else "") + "(search cut short: showing the best found)"
            result = SearchResult(text, tuple(hits), corrected, note, total, exact)
            if not timed_out:
                self._cache[key] = result
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return self._with_count(result, kinds_key)

    def count_matches(
        self,
        text: str,
        *,
        kinds: Sequence[str] | None = None,
        time_limit: float = COUNT_BUDGET,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[int, bool] | None:
        """How many documents match ``text`` as last searched (with ``kinds``): ``(n, exact)``
        (``n`` a lower bound when ``time_limit`` ran out), None when it was not searched or
        had no more matches than its hits. A full count is kept, never counted twice."""
        kinds_key = tuple(kinds) if kinds is not None else None
        with self._lock:
            if self._closed:
                return None
            return self._count_text((text, kinds_key), time_limit, cancelled)

    def _count_text(
        self,
        key: tuple[str, tuple[str, ...] | None],
        budget: float,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[int, bool] | None:
        known = self._counts.get(key)
        if known is not None:
            return known, True
        q = self._queries.get(key)
        if q is None:
            return None
        n, exact = self.count(q, time.perf_counter() + budget, cancelled)
        if exact:
            self._counts[key] = n
            while len(self._counts) > CACHE_SIZE * 4:
                self._counts.pop(next(iter(self._counts)))
        return n, exact

    def _with_count(self, result: SearchResult, kinds: tuple[str, ...] | None) -> SearchResult:
        """``result`` with its full count when it is known (counted since it was found)."""
        known = None if result.total_exact else self._counts.get((result.query, kinds))
        return result if known is None else replace(result, total=known, total_exact=True)

    def goto(self, text: str, limit: int, time_limit: float = DEFAULT_TIME_LIMIT) -> Any:
        """Items matching ``text`` as a query, with items whose id starts with ``text``
        (as typed, folded) first: for a "go to item" command."""

        result = self.search(text, limit, kinds=ITEM_KINDS, time_limit=time_limit)
        key = fold(text).strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key) or limit <= 0:
            return result
        with self._lock:
            if self._closed:
                return result
            ids = self.expand("id", key, cap=limit)
            if not ids:
                return result
            ids.sort(key=lambda i: (i != key, len(i), i))  # the exact id first
            q = wq.And([wq.Or([wq.Term("id", i) for i in ids]), wq.Term("kind", "item")])
            found, _, _ = self.run(q, limit, time.perf_counter() + time_limit, None)
            by_id = {h.id: h for h in self.hits(found, Matching(prefixes=[key]))}
        first = [h for i in ids for h in by_id.values() if h.id == i]
        seen = {(h.briefing, h.id) for h in first}
        rest = [h for h in result.hits if (h.briefing, h.id) not in seen]
        return SearchResult(text, tuple((first + rest)[:limit]), result.corrected, result.note)

    # -- hits ------------------------------------------------------------------------------
    def item(self, briefing_id: str, item_id: str) -> Item | None:
        items = self._items.get(briefing_id)
        if items is None:
            b = self.library.briefing(briefing_id)
            items = {it.id: it for it in b.items} if b is not None else {}
            self._items[briefing_id] = items
        return items.get(item_id)

    def hits(self, found: Iterable[tuple[int, float]], matching: Matching) -> list[Any]:

        out = []
        for docnum, score in found:
            try:
                ref = self.searcher.stored_fields(docnum).get("ref")
                kind, bid, iid = parse_ref(ref)
            except Exception:
                continue
            b = self.library.briefing(bid)
            if b is None:
                continue
            if kind == SENTENCE_KIND:
                try:
                    n = int(iid)
                    sentence = b.source.sentence(n)
                except (ValueError, IndexError):
                    continue
                snippet, spans = make_snippet([sentence.text], matching)
                out.append(Hit(bid, kind, f"s{n}", f"Sentence {n}", None, snippet, spans, score, n))
                continue
            it = self.item(bid, iid)
            if it is None:
                continue
            title = one_line(it.name if isinstance(it, Actor) else it.title)
            snippet, spans = make_snippet(snippet_parts(it, b), matching)
            out.append(Hit(bid, kind, it.id, title, item_month(it), snippet, spans, score))
        return out


def _scored(results: Any) -> list[tuple[float, int]]:
    # Whoosh's Results.top_n holds (score, docnum) pairs, best first.
    return list(results.top_n)


def _edits1(word: str) -> set[str]:
    letters = _ALPHABET + "".join(sorted({c for c in word if c not in _ALPHABET}))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + swaps + replaces + inserts)


def _correction_note(corrections: list[tuple[str, list[str]]]) -> str:
    parts = []
    for word, alts in corrections:
        shown = ", ".join(alts[:3])
        parts.append(f"“{word}” → {shown}")
    return "No exact matches; showing close matches: " + "; ".join(parts)
