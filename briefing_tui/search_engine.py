"""Running queries against the Whoosh index (the core; imports no Textual).

Imported lazily by :mod:`briefing_tui.search` (importing Whoosh costs ~100 ms).

How a query becomes a Whoosh query (see :mod:`briefing_tui.query` for the syntax):

- each complete word: its stem in ``text`` or ``title`` (BM25F; titles weigh more);
- the last word, while it may still be being typed: its start in the edge n-gram field
  ``pre`` (unscored: a match weighs 3 in a title, 1.5 elsewhere in an item, 1 in a
  sentence), or its stem as a complete word. A prefix longer than the n-grams is matched
  by its first n-gram and the indexed words that start with it;
- a phrase: Whoosh's Phrase on ``text``;
- filters: terms of the exact fields; ``-`` excludes.

All parts must match. A prefix typed alone is unscored, so the collector stops after the
first ``limit`` best-weighted matches instead of scoring thousands of documents. Every
search runs under a deadline (a time-limited collector), and snippets and highlights are
computed for the returned hits only.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import collectors
from whoosh import query as wq

from briefing_tui import analysis
from briefing_tui.library import Library
from briefing_tui.model import Actor, Briefing, Commitment, ContextEvent, Item, Note, Precision
from briefing_tui.query import Filter, ParsedQuery, parse
from briefing_tui.search_schema import ITEM_KIND, SENTENCE_KIND, kinds_vocabulary, parse_ref
from briefing_tui.search_store import OpenIndex
from briefing_tui.text import one_line

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 0.25  # seconds a search may take before it returns what it has
SNIPPET_CHARS = 160
SNIPPET_LEAD = 40  # characters kept before the first match when a snippet is cut
TYPO_MIN_HITS = 3  # fewer hits than this: try close matches for words that find little
TYPO_MAX_DF = 2  # a word "finds little" when at most this many documents have it
TYPO_MAX_ALTERNATIVES = 6
MAX_PREFIX_EXPANSION = 64  # words a long prefix (or a filter prefix) may stand for
CACHE_SIZE = 64

_SNIPPET_WORD = re.compile(r"[\w\u0300-\u036f]+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Cancelled(Exception):
    """The caller no longer wants this search."""


@dataclass(frozen=True, slots=True)
class Matching:
    """What a result must show as matched: stems, and prefixes of words."""

    stems: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def matches(self, word: str) -> bool:
        if not word:
            return False
        if analysis.stem(word) in self.stems:
            return True
        return any(word.startswith(p) for p in self.prefixes)


@dataclass
class Plan:
    """A parsed query turned into Whoosh query parts."""

    required: list[Any] = field(default_factory=list)  # scored parts; all must match
    filters: list[Any] = field(default_factory=list)  # unscored parts; all must match
    excluded: list[Any] = field(default_factory=list)
    matching: Matching = field(default_factory=Matching)
    # (raw word, its alternatives' stems or prefixes) where close matches were used
    corrections: list[tuple[str, list[str]]] = field(default_factory=list)
    # complete words and the partial word, analysed, for typo tolerance
    words: list[str] = field(default_factory=list)
    partial: str | None = None
    prefix_only: bool = False  # the only scored part is an unscored prefix

    def query(self) -> Any | None:
        if not self.required and not self.filters:
            return None
        parts = self.required + self.filters
        q = parts[0] if len(parts) == 1 else wq.And(parts)
        if self.excluded:
            q = wq.AndNot(q, wq.Or(self.excluded) if len(self.excluded) > 1 else self.excluded[0])
        return q


class _DeadlineCollector(collectors.WrappingCollector):  # type: ignore[misc]
    """Stops collecting at a deadline (raises TimeLimit) or when the caller cancels.

    Whoosh's own TimeLimitCollector starts a timer thread per search and, by default,
    installs a SIGALRM handler (which only works on the main thread); this one checks the
    clock every few matches, so it works from any thread and costs next to nothing.
    """

    def __init__(
        self, child: Any, deadline: float, cancelled: Callable[[], bool] | None = None
    ) -> None:
        super().__init__(child)
        self.deadline = deadline
        self.cancelled = cancelled
        self.timed_out = False

    def collect_matches(self) -> None:
        child = self.child
        n = 0
        clock = time.perf_counter
        for sub_docnum in child.matches():
            child.collect(sub_docnum)
            n += 1
            if not n & 31:
                if clock() > self.deadline:
                    self.timed_out = True
                    raise collectors.TimeLimit
                if self.cancelled is not None and self.cancelled():
                    raise Cancelled


class Engine:
    """Searches one open index; shared by every query (one Whoosh searcher, reused)."""

    def __init__(self, library: Library, opened: OpenIndex) -> None:
        self.library = library
        self.opened = opened
        self.searcher = opened.ix.searcher()
        self.reader = self.searcher.reader()
        self._items: dict[str, dict[str, Item]] = {}
        self._vocab: list[str] | None = None
        self._vocab_set: frozenset[str] | None = None
        self._kinds = kinds_vocabulary()
        self._cache: OrderedDict[tuple[str, int, tuple[str, ...] | None], Any] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # closing twice, or a reader already gone
            pass

    # -- vocabulary ------------------------------------------------------------------------
    def vocabulary(self) -> list[str]:
        if self._vocab is None:
            self._vocab = self.opened.words()
        return self._vocab

    def vocabulary_set(self) -> frozenset[str]:
        if self._vocab_set is None:
            self._vocab_set = frozenset(self.vocabulary())
        return self._vocab_set

    def words_starting(self, prefix: str, cap: int = MAX_PREFIX_EXPANSION) -> list[str]:
        vocab = self.vocabulary()
        i = bisect.bisect_left(vocab, prefix)
        out = []
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
        return wq.Or([wq.Term("text", stem), wq.Term("title", stem)])

    def prefix_query(self, p: str) -> Any:
        """Documents with a word starting with ``p`` (folded, unstemmed)."""
        if len(p) <= analysis.MAX_GRAM:
            return wq.Term("pre", p)
        # Longer than the n-grams: the n-gram narrows it down, the indexed words that start
        # with the whole prefix make it exact.
        stems = sorted({analysis.stem(w) for w in self.words_starting(p)})
        g = wq.Term("pre", analysis.gram(p))
        if not stems:
            return wq.And([g, wq.NullQuery()])
        return wq.And([g, wq.Or([wq.Term("text", s) for s in stems])])

    def plan(self, pq: ParsedQuery, kinds: Sequence[str] | None = None) -> Plan:
        plan = Plan()
        stems: set[str] = set()
        prefixes: list[str] = []
        for raw in pq.words:
            for w in analysis.words(raw):
                if w in analysis.STOP_WORDS:
                    continue
                s = analysis.stem(w)
                stems.add(s)
                plan.words.append(w)
                plan.required.append(self.word_query(s))
        partial: str | None = None
        if pq.partial is not None:
            ws = analysis.words(pq.partial)
            folded = analysis.fold(pq.partial)
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
                alone = not plan.required
                pq_ = self.prefix_query(partial)
                if alone and len(partial) <= 3:
                    # Short and alone: unscored, so the best-weighted matches come first and
                    # the collector stops early.
                    plan.required.append(pq_)
                    plan.prefix_only = True
                elif partial in analysis.STOP_WORDS:
                    plan.required.append(pq_)
                else:
                    plan.required.append(wq.Or([pq_, self.word_query(analysis.stem(partial))]))
                    stems.add(analysis.stem(partial))
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
        plan.matching = Matching(frozenset(stems), tuple(prefixes))
        return plan

    def filter_query(self, f: Filter) -> Any:
        value = analysis.fold(f.value).strip()
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
        """Indexed word starts one edit from ``prefix``."""
        out = []
        for c in _edits1(prefix):
            if c == prefix or len(c) < analysis.MIN_GRAM:
                continue
            if len(c) <= analysis.MAX_GRAM:
                n = self.df("pre", c)
            else:
                n = len(self.words_starting(c, 1))
            if n:
                out.append((n, c))
        out.sort(key=lambda nc: -nc[0])
        return [c for _, c in out[:TYPO_MAX_ALTERNATIVES]]

    def corrected_plan(self, pq: ParsedQuery, plan: Plan, kinds: Sequence[str] | None) -> Plan:
        """``plan`` with close matches added for the words that find little."""
        new = Plan(
            filters=plan.filters,
            excluded=plan.excluded,
            words=plan.words,
            partial=plan.partial,
        )
        stems = set(plan.matching.stems)
        prefixes = list(plan.matching.prefixes)
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
                        new.corrections.append((w, alts))
            new.required.append(part)
        # Phrases keep their place between the words and the partial word.
        n_phrase_parts = len(required) - idx - (1 if plan.partial is not None else 0)
        new.required.extend(required[idx : idx + n_phrase_parts])
        idx += n_phrase_parts
        if plan.partial is not None:
            p = plan.partial
            part = required[idx]
            if len(p) >= 3 and self.prefix_df(p) <= TYPO_MAX_DF:
                alts = self.close_prefixes(p)
                if alts:
                    part = wq.Or([part, *(self.prefix_query(a) for a in alts)])
                    prefixes.extend(alts)
                    new.corrections.append((p, alts))
            new.required.append(part)
        new.matching = Matching(frozenset(stems), tuple(prefixes))
        return new

    # -- running ---------------------------------------------------------------------------
    def run(
        self,
        q: Any,
        limit: int,
        deadline: float,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[list[tuple[int, float]], bool]:
        top = collectors.TopCollector(limit=limit)
        col = _DeadlineCollector(top, deadline, cancelled)
        try:
            self.searcher.search_with_collector(q, col)
        except collectors.TimeLimit:
            pass
        results = top.results()
        return [(int(d), float(s or 0.0)) for s, d in _scored(results)], col.timed_out

    def search(
        self,
        text: str,
        limit: int,
        *,
        kinds: Sequence[str] | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
        cancelled: Callable[[], bool] | None = None,
    ) -> Any:
        from briefing_tui.search import SearchResult

        limit = max(0, int(limit))
        key = (text, limit, tuple(kinds) if kinds is not None else None)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            deadline = time.perf_counter() + time_limit
            pq = parse(text)
            plan = self.plan(pq, kinds)
            q = plan.query()
            if q is None or limit == 0:
                return SearchResult(text, ())
            found, timed_out = self.run(q, limit, deadline, cancelled)
            corrected = False
            note = ""
            if len(found) < TYPO_MIN_HITS and (plan.words or plan.partial):
                fixed = self.corrected_plan(pq, plan, kinds)
                fq = fixed.query()
                if fixed.corrections and fq is not None:
                    # A typo search gets a deadline of its own.
                    more, t2 = self.run(fq, limit, time.perf_counter() + time_limit, cancelled)
                    if len(more) > len(found):
                        found, timed_out = more, t2
                        plan = fixed
                        corrected = True
                        note = _correction_note(fixed.corrections)
            hits = self.hits(found, plan.matching)
            if timed_out:
                note = (note + " " if note else "") + "(search cut short: showing the best found)"
            result = SearchResult(text, tuple(hits), corrected, note)
            if not timed_out:
                self._cache[key] = result
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return result

    # -- hits ------------------------------------------------------------------------------
    def item(self, briefing_id: str, item_id: str) -> Item | None:
        items = self._items.get(briefing_id)
        if items is None:
            b = self.library.briefing(briefing_id)
            items = {it.id: it for it in b.items} if b is not None else {}
            self._items[briefing_id] = items
        return items.get(item_id)

    def hits(self, found: Iterable[tuple[int, float]], matching: Matching) -> list[Any]:
        from briefing_tui.search import Hit

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
                out.append(
                    Hit(bid, kind, f"s{n}", f"Sentence {n}", None, snippet, spans, score, n)
                )
                continue
            it = self.item(bid, iid)
            if it is None:
                continue
            title = one_line(it.name if isinstance(it, Actor) else it.title)
            snippet, spans = make_snippet(snippet_parts(it), matching)
            out.append(Hit(bid, kind, it.id, title, item_month(it), snippet, spans, score))
        return out


def _scored(results: Any) -> list[tuple[float, int]]:
    # Whoosh's Results.top_n holds (score, docnum) pairs, best first.
    return list(results.top_n)


def item_month(it: Item) -> str | None:
    when = getattr(it, "when", None)
    if when is None or when.month is None or when.precision is Precision.UNDATED:
        return None
    return str(when.month)


def snippet_parts(it: Item) -> list[str]:
    """An item's texts, in the order a snippet prefers them."""
    ev = [e.quote for e in it.evidence]
    if isinstance(it, Actor):
        return [it.description, *ev, it.role, it.note, ", ".join(it.aliases), it.name]
    if isinstance(it, Commitment):
        return [it.summary, *ev, it.note, it.title]
    if isinstance(it, ContextEvent):
        return [it.summary, *ev, it.note, it.title]
    if isinstance(it, Note):
        return [it.text, *ev, it.title]
    return [getattr(it, "title", "")]


def highlight_spans(text: str, matching: Matching) -> list[tuple[int, int]]:
    spans = []
    for m in _SNIPPET_WORD.finditer(text):
        ws = analysis.words(m.group())
        if ws and matching.matches(ws[0]):
            spans.append((m.start(), m.end()))
    return spans


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
        spans = highlight_spans(text, matching)
        if not spans:
            continue
        distinct = len({analysis.fold(text[a:b]) for a, b in spans})
        key = (distinct, -i)
        if best is None or key > (best[0], best[1]):
            best = (distinct, -i, text, spans)
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


def briefing_items(b: Briefing) -> dict[str, Item]:
    return {it.id: it for it in b.items}
