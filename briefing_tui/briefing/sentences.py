"""Splitting an article into numbered sentences, and finding quotes in it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from briefing_tui.briefing.model import Sentence

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "sgt",
        "rev",
        "sen",
        "rep",
        "gov",
        "pres",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# A sentence ends at . ! or ? (perhaps followed by closing quotes or brackets) when white
# space and then a capital letter, a digit or an opening quote follow.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")
_LAST_WORD = re.compile(r"(\S+)$")
# How far back from a full stop to look for an abbreviation: far longer than any of them,
# and short enough that a line of thousands of "Mr." stays linear.
_LOOK_BACK = 32
_WS_RUN = re.compile(r"\s+")
_LONG_WS_RUN = re.compile(r"\s{2,}")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Number the sentences of ``text`` from 1; every non-blank line is a new paragraph."""
    out: list[Sentence] = []
    paragraph = 0
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        paragraph += 1
        start = line.start()
        stop = line.end()
        cursor = start
        for m in _END.finditer(text, start, stop):
            word = _LAST_WORD.search(text, max(cursor, m.start() - _LOOK_BACK), m.start())
            if word and word.group(1).lower().strip("\"'“‘(") in _ABBREVIATIONS:
                continue
            _add(out, text, cursor, m.end(), paragraph)
            cursor = m.end()
        _add(out, text, cursor, stop, paragraph)
    return tuple(out)


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(len(out) + 1, paragraph, text[start:end], start, end))


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A text with white space runs folded to one space, and a map back to offsets.

    Leading white space is dropped. The map is kept compact: only runs of two or more
    white space characters (and leading white space) shift the offsets, so ``shifts``
    holds one entry per such run, not one per character.
    """

    folded: str
    # (index in ``folded`` from which the shift applies, offset to add), in order
    _points: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()

    @classmethod
    def of(cls, text: str) -> FoldedText:
        lead = len(text) - len(text.lstrip())
        points: list[int] = []
        shifts: list[int] = []
        shift = 0
        if lead:
            shift = lead
            points.append(0)
            shifts.append(shift)
        for m in _LONG_WS_RUN.finditer(text, lead):
            at = m.start() - shift  # where the run's single space lands in the folded text
            shift += len(m.group()) - 1
            points.append(at + 1)
            shifts.append(shift)
        folded = _WS_RUN.sub(" ", text[lead:])
        return cls(folded, tuple(points), tuple(shifts))

    def original(self, index: int) -> int:
        """The offset in the original text of ``folded[index]``."""
        k = bisect.bisect_right(self._points, index) - 1
        return index + (self._shifts[k] if k >= 0 else 0)


def quote_range(quote: str, folded: FoldedText) -> tuple[int, int] | None:
    """Where a verbatim quote (white space folded) is in the source text: (start, end), or
    None if absent."""
    needle = " ".join(quote.split())
    if not needle:
        return None
    at = folded.folded.find(needle)
    if at < 0:
        return None
    return folded.original(at), folded.original(at + len(needle) - 1) + 1


def sentences_in(start: int, end: int, sentences: tuple[Sentence, ...]) -> tuple[int, ...]:
    """Numbers of the sentences the text range [start, end) falls in."""
    # sentences are in text order: skip those that end before the range starts
    first = bisect.bisect_right(sentences, start, key=lambda s: s.end)
    out: list[int] = []
    for s in sentences[first:]:
        if s.start >= end:
            break
        out.append(s.number)
    return tuple(out)


def locate(
    quote: str, folded: FoldedText, sentences: tuple[Sentence, ...]
) -> tuple[int, ...] | None:
    """Sentence numbers a verbatim quote falls in (white space folded), or None if absent."""
    where = quote_range(quote, folded)
    return None if where is None else sentences_in(*where, sentences)
