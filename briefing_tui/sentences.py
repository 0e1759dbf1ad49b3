"""Splitting an article into numbered sentences, and finding quotes in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing_tui.model import Sentence

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
            word = re.search(r"(\S+)$", text[cursor : m.start()])
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
    """A text with white space runs folded to one space, and a map back to offsets."""

    folded: str
    offsets: tuple[int, ...]  # offsets[i] is the original offset of folded[i]

    @classmethod
    def of(cls, text: str) -> FoldedText:
        chars: list[str] = []
        offsets: list[int] = []
        in_ws = False
        for i, ch in enumerate(text):
            if ch.isspace():
                if in_ws or not chars:
                    continue
                in_ws = True
                chars.append(" ")
            else:
                in_ws = False
                chars.append(ch)
            offsets.append(i)
        return cls("".join(chars), tuple(offsets))


def locate(
    quote: str, folded: FoldedText, sentences: tuple[Sentence, ...]
) -> tuple[int, ...] | None:
    """Sentence numbers a verbatim quote falls in (white space folded), or None if absent."""
    needle = " ".join(quote.split())
    if not needle:
        return None
    at = folded.folded.find(needle)
    if at < 0:
        return None
    start = folded.offsets[at]
    end = folded.offsets[at + len(needle) - 1] + 1
    return tuple(s.number for s in sentences if s.start < end and start < s.end)
