"""Text analysis for search: folding, words, stems and prefixes (the core; imports no Textual).

The index and the queries go through the same functions here, so a query word always
meets the index in the same form:

- :func:`fold` (from briefing_tui.briefing.text, the one home of text folding): lower case, accents removed, curly quotes and apostrophes as ASCII
  (``Pakistan’s`` and ``Pakistan's`` fold alike), the possessive ``'s`` dropped;
- :func:`words`: the folded words of a text (runs of letters and digits; ``U.S.`` is
  ``us``; one-letter words are dropped, except digits);
- :func:`terms`: the words minus a short stop list, stemmed (Porter): ``narcotics`` and
  ``narcotic`` are both ``narcot``, ``trafficked`` and ``trafficking`` both ``traffick``;
- :func:`grams`: the edge n-grams of the words (``na``, ``nar``, ``narc`` ...), unstemmed,
  against which a partly typed last word is matched as a prefix.

Whoosh's Porter stemmer is pure Python and light to import; stems are cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from whoosh.lang.porter import stem as _porter

from briefing_tui.briefing.text import fold

# Edge n-grams are indexed from MIN_GRAM to MAX_GRAM characters. A typed prefix longer
# than MAX_GRAM is matched by its first MAX_GRAM characters (and by its stem).
MIN_GRAM = 2
MAX_GRAM = 6

# A short stop list: only words that carry nothing in a query. Not "us" (the US), "may"
# (the month), "not", "no", "will" or "can".
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
    ]
)

_WORD = re.compile(r"\w+(?:\.\w+)*")
_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000  # stems and grams cached: benchmark rows `index` and `search`


def words_of_folded(folded: str) -> list[str]:
    out = []
    for w in _WORD.findall(folded):
        if "." in w:
            w = w.replace(".", "")
        if len(w) > 1 or w.isdigit():
            out.append(w)
    return out


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (one-letter words other than digits dropped)."""
    return words_of_folded(fold(text))


def stem(word: str) -> str:
    """The stem of a folded word (cached)."""
    s = _STEMS.get(word)
    if s is None:
        s = _porter(word)
        if len(_STEMS) >= _STEM_CACHE_MAX:
            _STEMS.clear()
        _STEMS[word] = s
    return s


def terms(text: str) -> list[str]:
    """The stemmed, stop-listed words of ``text``, in order: what the text fields index."""
    return terms_of_words(words(text))


def terms_of_words(ws: Iterable[str]) -> list[str]:
    stems = _STEMS
    out = []
    for w in ws:
        if w in STOP_WORDS:
            continue
        s = stems.get(w)
        if s is None:
            s = stem(w)
        out.append(s)
    return out


_GRAMS: dict[str, tuple[str, ...]] = {}


def word_grams(w: str) -> tuple[str, ...]:
    """The edge n-grams (MIN_GRAM..MAX_GRAM characters) of one word (cached)."""
    g = _GRAMS.get(w)
    if g is None:
        top = min(len(w), MAX_GRAM)
        g = tuple(w[:i] for i in range(MIN_GRAM, top + 1))
        if len(_GRAMS) >= _STEM_CACHE_MAX:
            _GRAMS.clear()
        _GRAMS[w] = g
    return g


def grams(ws: Iterable[str]) -> set[str]:
    """The distinct edge n-grams (MIN_GRAM..MAX_GRAM characters) of the words ``ws``."""
    out: set[str] = set()
    for w in set(ws):
        out.update(word_grams(w))
    return out


def gram(prefix: str) -> str:
    """The indexed n-gram a typed prefix is looked up as."""
    return prefix[:MAX_GRAM]
