"""Sentences and quote lookup: the same answers as the plain definitions, in linear time."""

from __future__ import annotations

import itertools
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.briefing.sentences import FoldedText, locate, split_sentences

text_parts = st.lists(
    st.sampled_from(
        ["a", "Bb", "Mr.", "Dr.", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000", ". ", "? ",
         "! ", "“Q”", "’", "日本", "é", "e\u0301", "1."]
    ),
    max_size=40,
).map("".join)  # fmt: skip


def naive_fold(text: str) -> tuple[str, list[int]]:
    """White space runs as one space, leading white space dropped; each character's offset."""
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
    return "".join(chars), offsets


@settings(max_examples=300, deadline=None)
@given(text_parts)
def test_folded_text_matches_the_plain_definition(text: str) -> None:
    folded = FoldedText.of(text)
    expected, offsets = naive_fold(text)
    assert folded.folded == expected
    assert [folded.original(i) for i in range(len(expected))] == offsets


@settings(max_examples=300, deadline=None)
@given(text_parts)
def test_sentences_cover_the_text_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert [s.number for s in sentences] == list(range(1, len(sentences) + 1))
    for s in sentences:
        assert text[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))
    assert " ".join(s.text for s in sentences).split() == text.split()


@settings(max_examples=300, deadline=None)
@given(text_parts, st.data())
def test_locate_matches_a_plain_search(text: str, data: st.DataObject) -> None:
    sentences = split_sentences(text)
    words = text.split()
    if not words:
        return
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    quote = " ".join(words[i:j])
    folded, offsets = naive_fold(text)
    at = folded.find(quote)
    assert at >= 0
    start, end = offsets[at], offsets[at + len(quote) - 1] + 1
    expected = tuple(s.number for s in sentences if s.start < end and start < s.end)
    assert locate(quote, FoldedText.of(text), sentences) == expected
    assert expected


def test_many_abbreviations_on_one_line_stay_linear() -> None:
    text = "Mr. A met Dr. B. " * 100_000  # 1.7 MB on one line
    start = time.process_time()
    sentences = split_sentences(text)
    assert time.process_time() - start < 10
    assert len(sentences) == 100_000
    assert sentences[0].text == "Mr. A met Dr. B."


def test_folding_megabytes_of_white_space_stays_linear() -> None:
    text = "word \n\t  " * 500_000
    start = time.process_time()
    folded = FoldedText.of(text)
    assert folded.original(len(folded.folded) - 1) == len(text) - 5  # the last run's start
    assert locate("word word", folded, split_sentences(text)) == (1, 2)
    assert time.process_time() - start < 10
