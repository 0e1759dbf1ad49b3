"""The query parser: words, the partial last word, phrases, filters, exclusions; never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.search.query import MAX_PARTS, MAX_QUERY_CHARS, Filter, parse


def test_words_and_the_partial_last_word() -> None:
    pq = parse("drug traff")
    assert pq.words == ("drug",)
    assert pq.partial == "traff"


def test_a_trailing_space_completes_the_last_word() -> None:
    pq = parse("drug trafficking ")
    assert pq.words == ("drug", "trafficking")
    assert pq.partial is None


def test_phrases() -> None:
    pq = parse('"intelligence sharing" naqvi ')
    assert pq.phrases == ("intelligence sharing",)
    assert pq.words == ("naqvi",)


def test_curly_quotes_delimit_phrases_too() -> None:
    pq = parse("“intelligence sharing” ")
    assert pq.phrases == ("intelligence sharing",)


def test_filters_with_aliases_and_quoted_values() -> None:
    pq = parse('kind:commitment actor:"mohsin naqvi" MONTH:2025-10 topic:narcotics type:event ')
    assert pq.filters == (
        Filter("kind", "commitment"),
        Filter("actor", "mohsin naqvi"),
        Filter("month", "2025-10"),
        Filter("topic", "narcotics"),
        Filter("kind", "event"),
    )
    assert not pq.words


def test_a_filter_being_typed_is_partial() -> None:
    pq = parse("narcotics kind:comm")
    assert pq.filters == (Filter("kind", "comm", partial=True),)
    assert pq.words == ("narcotics",)


def test_exclusions() -> None:
    pq = parse('narcotics -kind:sentence -afghanistan -"drug trafficking" ')
    assert pq.words == ("narcotics",)
    assert pq.excluded_words == ("afghanistan",)
    assert pq.excluded_phrases == ("drug trafficking",)
    assert pq.filters == (Filter("kind", "sentence", negated=True),)


def test_hyphenated_words_are_not_exclusions() -> None:
    pq = parse("counter-narcotics ")
    assert pq.words == ("counter-narcotics",)
    assert not pq.excluded_words


def test_unknown_field_and_empty_values_are_plain_words() -> None:
    pq = parse("colour:red kind: : ")
    assert pq.filters == ()
    assert pq.words == ("colour", "red", "kind:", ":")


def test_unbalanced_quote_reads_the_rest_as_words() -> None:
    pq = parse('"drug traff')
    assert pq.phrases == ()
    assert pq.words == ("drug",)
    assert pq.partial == "traff"


def test_empty_and_blank_queries() -> None:
    assert parse("").is_empty
    assert parse("   ").is_empty
    assert parse('""').is_empty


def test_very_long_input_is_capped() -> None:
    pq = parse("word " * 1000)
    assert len(pq.text) == MAX_QUERY_CHARS
    assert len(pq.words) + (1 if pq.partial else 0) <= MAX_PARTS


def test_control_characters_are_spaces() -> None:
    pq = parse("drug\x1b[31mtraff\x00icking ")
    assert all("\x1b" not in w and "\x00" not in w for w in pq.words)
    assert pq.words[0] == "drug"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=120))
def test_parse_never_raises(text: str) -> None:
    pq = parse(text)
    assert pq.text == text[:MAX_QUERY_CHARS]
    for f in pq.filters:
        assert f.value.strip()
