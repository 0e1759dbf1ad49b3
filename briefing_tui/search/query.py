"""The search query language, parsed (the core; imports neither Textual nor Whoosh).

A query is a list of parts separated by spaces:

- ``word``: a plain word; every word must match (best matches first). The last word,
  when the query does not end in a space, is also matched as the start of a word
  (``narc`` finds ``narcotics``).
- ``"quoted phrase"``: the words in this order.
- ``FIELD:VALUE`` (or ``FIELD:"two words"``): a filter. Fields: ``kind``, ``actor``,
  ``month``, ``topic``, ``briefing``, ``status``.
- ``-word``, ``-"phrase"``, ``-FIELD:VALUE``: exclude what matches.

Parsing never fails: an unbalanced quote, a lone ``:``, an unknown ``field:``, operators
such as ``AND``/``OR`` or ``*`` are read as plain words (and words made only of
punctuation match nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing_tui.briefing.text import straighten_quotes

FILTER_FIELDS = ("kind", "actor", "month", "topic", "briefing", "status")
FILTER_ALIASES = {
    "type": "kind",
    "actors": "actor",
    "who": "actor",
    "by": "actor",
    "date": "month",
    "when": "month",
    "topics": "topic",
    "b": "briefing",
    "in": "briefing",
}

MAX_QUERY_CHARS = 500  # longer input is cut here
MAX_PARTS = 24  # words, phrases and filters beyond this are ignored

_TOKEN = re.compile(
    r"""
    (?P<neg>-(?=[^\s-]))?                  # a leading minus directly before a part
    (?:
        (?P<field>[A-Za-z]+):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>[^\s"]+))   # field:value
      | "(?P<phrase>[^"]*)"                # a quoted phrase
      | (?P<word>[^\s"]+)                  # anything else up to a space or quote
      | (?P<stray>")                       # an unbalanced quote
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Filter:
    field: str  # one of FILTER_FIELDS
    value: str  # as typed (unfolded)
    negated: bool = False
    partial: bool = False  # the last part of the query, still being typed


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query split into its parts. Words are as typed; analysis happens at search time."""

    text: str
    words: tuple[str, ...] = ()  # plain words (raw), in order
    partial: str | None = None  # the raw last word when it may still be being typed
    phrases: tuple[str, ...] = ()  # raw phrase texts
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.partial or self.phrases or self.filters)


def canonical_field(name: str) -> str | None:
    name = name.lower()
    if name in FILTER_FIELDS:
        return name
    return FILTER_ALIASES.get(name)


def parse(text: str) -> ParsedQuery:
    """Parse a query; never raises."""
    if not isinstance(text, str):
        text = str(text)
    text = text[:MAX_QUERY_CHARS]
    # Curly quotes typed (or pasted) as quote marks delimit phrases like straight ones.
    norm = straighten_quotes(text).replace("\u00ab", '"').replace("\u00bb", '"')
    # Control characters are spaces here.
    norm = "".join(" " if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) else c for c in norm)
    ends_open = bool(norm) and not norm[-1].isspace()

    words: list[str] = []
    phrases: list[str] = []
    ex_words: list[str] = []
    ex_phrases: list[str] = []
    filters: list[Filter] = []
    partial: str | None = None
    parts = 0
    matches = list(_TOKEN.finditer(norm))
    for i, m in enumerate(matches):
        if parts >= MAX_PARTS:
            break
        last = i == len(matches) - 1 and ends_open and m.end() == len(norm)
        neg = m.group("neg") is not None
        fname = m.group("field")
        if fname is not None:
            canon = canonical_field(fname)
            quoted = m.group("fquoted")
            value = quoted if quoted is not None else m.group("fvalue")
            if canon is not None and value and value.strip():
                filters.append(
                    Filter(canon, value.strip(), neg, partial=last and quoted is None and not neg)
                )
                parts += 1
                continue
            # An unknown field or an empty value: plain words.
            raw = f"{fname} {value or ''}".strip()
            target = ex_words if neg else words
            for j, w in enumerate(raw.split()):
                if last and not neg and j == len(raw.split()) - 1 and quoted is None:
                    partial = w
                else:
                    target.append(w)
            parts += 1
            continue
        phrase = m.group("phrase")
        if phrase is not None:
            if phrase.strip():
                (ex_phrases if neg else phrases).append(phrase.strip())
                parts += 1
            continue
        word = m.group("word")
        if word is not None:
            if last and not neg:
                partial = word
            else:
                (ex_words if neg else words).append(word)
            parts += 1
            continue
        # A stray (unbalanced) quote: ignored; the words after it are plain words.
    return ParsedQuery(
        text=text,
        words=tuple(words),
        partial=partial,
        phrases=tuple(phrases),
        excluded_words=tuple(ex_words),
        excluded_phrases=tuple(ex_phrases),
        filters=tuple(filters),
    )
