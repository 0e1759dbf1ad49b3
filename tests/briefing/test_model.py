"""The model: dates and their labels, sentence splitting, quote location, frozen items."""

from __future__ import annotations

import dataclasses

import pytest

from briefing_tui.briefing.model import Briefing, Precision, When
from briefing_tui.briefing.sentences import FoldedText, locate, split_sentences


@pytest.mark.parametrize(
    ("when", "label", "heading"),
    [
        (When(Precision.DAY, "2025-11", 8), "8 Nov 2025", "November 2025"),
        (
            When(Precision.MONTH, "2025-11", qualifier="a Saturday"),
            "Nov 2025 (a Saturday)",
            "November 2025",
        ),
        (
            When(Precision.APPROXIMATE, "2025-10", qualifier="in recent months"),
            "~Oct 2025 (in recent months)",
            "October 2025",
        ),
        (When(Precision.UNDATED), "undated", "Undated"),
        (When(Precision.UNDATED, qualifier="after years"), "undated (after years)", "Undated"),
    ],
)
def test_when_labels(when: When, label: str, heading: str) -> None:
    assert when.label() == label
    assert when.month_label() == heading


def test_sort_puts_undated_last() -> None:
    items = [
        When(Precision.UNDATED),
        When(Precision.MONTH, "2025-11"),
        When(Precision.DAY, "2025-09", 2),
    ]
    assert [w.label() for w in sorted(items, key=When.sort_key)] == [
        "2 Sep 2025",
        "Nov 2025",
        "undated",
    ]


def test_items_are_frozen(seed: Briefing) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        seed.actors[0].name = "x"  # type: ignore[misc]


def test_sentence_split_keeps_abbreviations_and_quotes() -> None:
    text = (
        "Mr. Smith met Dr. Jones on Monday. They said “we agree.” Then\n"
        "a new paragraph starts here! Is it? Yes."
    )
    got = [(s.paragraph, s.text) for s in split_sentences(text)]
    assert got == [
        (1, "Mr. Smith met Dr. Jones on Monday."),
        (1, "They said “we agree.”"),
        (1, "Then"),
        (2, "a new paragraph starts here!"),
        (2, "Is it?"),
        (2, "Yes."),
    ]
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


def test_locate_folds_whitespace_and_spans_sentences() -> None:
    text = "One two three.  Four  five\tsix. Seven."
    sentences = split_sentences(text)
    folded = FoldedText.of(text)
    assert locate("two   three", folded, sentences) == (1,)
    assert locate("three. Four five", folded, sentences) == (1, 2)
    assert locate("Four five six. Seven", folded, sentences) == (2, 3)
    assert locate("eight", folded, sentences) is None
    assert locate("   ", folded, sentences) is None
