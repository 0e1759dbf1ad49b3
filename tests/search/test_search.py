"""Searching the seed briefing: relevance, prefixes as you type, stemming, typos, phrases,
apostrophes, filters, snippets; no query ever raises."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.briefing.library import Library
from briefing_tui.search import HIT_KINDS, Hit, SearchIndex, SearchResult
from tests.conftest import DATA

BRIEFING = "pk-us-security-talks-2025-11"


@pytest.fixture(scope="module")
def index(seed_library: Library) -> Iterator[SearchIndex]:
    ix = SearchIndex(seed_library, memory=True)
    assert ix.status == "memory", ix.error
    yield ix
    ix.close()


def ids(result: SearchResult, n: int | None = None) -> list[str]:
    return [h.id for h in result.hits[:n]]


def marked(hit: Hit) -> list[str]:
    """The highlighted words of a hit's snippet."""
    return [hit.snippet[a:b] for a, b in hit.highlights]


# -- relevance: queries and the item a reader means, which must be in the top 3 --------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("naqvi", "mohsin-naqvi"),
        ("interior minister", "mohsin-naqvi"),
        ("scanning machines airports", "airport-scanning-machines"),
        ("technical assistance", "us-technical-assistance-offer"),
        ("coordination centre", "national-narcotics-coordination-centre"),
        ("coordination centre", "establish-national-narcotics-coordination-centre"),
        ("rubio", "marco-rubio"),
        ("oval office", "sharif-trump-oval-office"),
        ("zero tolerance", "zero-tolerance-narcotics-policy"),
        ("new delhi", "india"),
        ("afghanistan drugs", "afghan-drugs-reach-dozens-of-countries"),
        ("drug trafficking", "curb-drug-trafficking"),
        ("american firms investment", "encourage-american-investment"),
        ("intelligence sharing", "strengthen-intelligence-sharing"),
        ("is the US envoy Baker", "us-envoy-identity"),
        ("trump", "donald-trump"),
        ("overreliance on china", "reduce-overreliance-on-china"),
    ],
)
def test_relevance_top_3(index: SearchIndex, query: str, expected: str) -> None:
    for text in (query, query + " "):  # as typed (last word partial) and complete
        result = index.search(text)
        assert expected in ids(result, 3), (text, ids(result, 5))


def test_every_word_must_match(index: SearchIndex) -> None:
    result = index.search("narcotics airports ")
    assert result.hits
    for h in result.hits:
        words = " ".join(marked(h)).lower()
        assert "narcotic" in words or "airport" in words
    # Nothing has both "rubio" and "airports".
    assert index.search("rubio airports ").hits == ()


# -- as you type -----------------------------------------------------------------------------

NARCOTICS_ITEMS = {
    "zero-tolerance-narcotics-policy",
    "naqvi-welcomes-us-support",
    "national-narcotics-coordination-centre",
    "establish-national-narcotics-coordination-centre",
    "us-technical-assistance-offer",
    "enhance-bilateral-cooperation",
    "prime-minister-directive",
}


def test_typing_narcotics_letter_by_letter(index: SearchIndex) -> None:
    word = "narcotics"
    for n in range(2, len(word) + 1):
        prefix = word[:n]
        result = index.search(prefix)
        found = set(ids(result))
        assert found & NARCOTICS_ITEMS, (prefix, ids(result))
        if n >= 3:
            # From three letters on every hit is about narcotics, and most of them are there.
            assert len(found & NARCOTICS_ITEMS) >= 5, (prefix, ids(result))
            assert ids(result, 1)[0] in NARCOTICS_ITEMS, (prefix, ids(result))
            for h in result.hits:
                assert any(w.lower().startswith(prefix) for w in marked(h)), (prefix, h)


def test_typing_a_second_word_narrows_the_first(index: SearchIndex) -> None:
    query = "drug trafficking"
    for n in range(len("drug t"), len(query) + 1):
        result = index.search(query[:n])
        assert "curb-drug-trafficking" in ids(result, 3), (query[:n], ids(result, 5))
        for h in result.hits:
            words = [w.lower() for w in marked(h)]
            assert any(w.startswith("drug") for w in words), (query[:n], h)


def test_one_letter_alone_is_not_yet_a_word(index: SearchIndex) -> None:
    assert index.search("n").hits == ()
    # ... and a one-letter last word does not hide the words before it.
    assert ids(index.search("narcotics a")) == ids(index.search("narcotics "))


def test_prefix_of_a_stop_word_still_matches(index: SearchIndex) -> None:
    # "in" is a stop word, but typed as the start of a word it finds India.
    assert "india" in ids(index.search("in"))


# -- stemming, apostrophes, case and accents -------------------------------------------------


def test_stemming(index: SearchIndex) -> None:
    assert set(ids(index.search("narcotic "))) & NARCOTICS_ITEMS
    trafficked = ids(index.search("trafficked "))
    assert "curb-drug-trafficking" in trafficked
    assert "airport-drug-detection-priority" in trafficked
    assert "strengthen-intelligence-sharing" in ids(index.search("shared intelligence "), 3)


def test_ascii_apostrophe_matches_curly(index: SearchIndex) -> None:
    result = index.search("Pakistan's counter-narcotics capabilities")
    assert "naqvi-welcomes-us-support" in ids(result, 3)
    hit = next(h for h in result.hits if h.id == "naqvi-welcomes-us-support")
    # The evidence quotes the article's curly apostrophe; the summary has a straight one.
    assert "Pakistan" in marked(hit)
    phrase = index.search('"prime minister\'s directive"')
    assert "prime-minister-directive" in ids(phrase, 3)
    assert index.search("Islamabad's envoy").hits[0].id in {
        "islamabads-envoy",
        "islamabads-envoy-unnamed",
    }


def test_case_and_accents_do_not_matter(index: SearchIndex) -> None:
    assert ids(index.search("NAQVI ")) == ids(index.search("naqvi "))
    assert ids(index.search("Náqvï ")) == ids(index.search("naqvi "))


# -- phrases ---------------------------------------------------------------------------------


def test_phrase_needs_the_words_in_order(index: SearchIndex) -> None:
    phrase = index.search('"intelligence sharing"')
    assert "strengthen-intelligence-sharing" in ids(phrase, 3)
    assert index.search('"sharing intelligence"').hits == ()
    # As separate words, order does not matter.
    assert index.search("sharing intelligence ").hits


# -- typos -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("narcotcs ", "zero-tolerance-narcotics-policy"),
        ("narcotcs", "zero-tolerance-narcotics-policy"),
        ("traficking ", "curb-drug-trafficking"),
        ("naqvi barker ", "naqvi-baker-meeting"),
        ("afganistan ", "afghanistan"),
    ],
)
def test_typo_tolerance(index: SearchIndex, typo: str, expected: str) -> None:
    result = index.search(typo)
    assert result.corrected
    assert "close matches" in result.note
    assert expected in ids(result, 3), ids(result, 5)


def test_exact_matches_are_not_corrected(index: SearchIndex) -> None:
    result = index.search("narcotics ")
    assert not result.corrected
    assert result.note == ""


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    result = index.search("qwxzv ")
    assert result.hits == ()
    assert not result.corrected


# -- filters ---------------------------------------------------------------------------------


def test_kind_filter(index: SearchIndex, seed_library: Library) -> None:
    result = index.search("kind:commitment", limit=100)
    b = seed_library.briefings[0]
    assert sorted(ids(result)) == sorted(c.id for c in b.commitments)
    assert {h.kind for h in index.search("narcotics kind:actor").hits} == {"actor"}
    assert {h.kind for h in index.search("kind:sentences narcotics ").hits} == {"sentence"}
    assert {h.kind for h in index.search("kind:context naqvi ").hits} == {"event"}
    offers = index.search("kind:offer", limit=100)
    assert ids(offers) == ["us-technical-assistance-offer"]
    people = {h.id for h in index.search("kind:person", limit=100).hits}
    assert {"mohsin-naqvi", "natalie-baker", "marco-rubio"} <= people
    assert "pakistan" not in people
    assert index.search("kind:nonsense narcotics").hits == ()


def test_kind_filter_while_typed(index: SearchIndex) -> None:
    assert {h.kind for h in index.search("narcotics kind:comm").hits} == {"commitment"}


def test_actor_filter(index: SearchIndex) -> None:
    by_naqvi = index.search("actor:naqvi narcotics ", limit=100)
    assert "zero-tolerance-narcotics-policy" in ids(by_naqvi)
    assert "naqvi-welcomes-us-support" in ids(by_naqvi)
    # Naqvi announced the coordination centre (he is the only one reported saying it):
    assert "establish-national-narcotics-coordination-centre" in ids(by_naqvi)
    # Offered by the US envoy to Pakistan, not by Naqvi:
    assert "us-technical-assistance-offer" not in ids(by_naqvi)
    # By id, and by an alias.
    assert ids(index.search("actor:mohsin-naqvi narcotics ", limit=100)) == ids(by_naqvi)
    envoy = index.search("actor:envoy kind:commitment", limit=100)
    assert "us-technical-assistance-offer" in ids(envoy)
    assert "zero-tolerance-narcotics-policy" not in ids(envoy)
    assert index.search('actor:"mohsin naqvi" kind:actor').hits[0].id == "mohsin-naqvi"


def test_month_filter(index: SearchIndex, seed_library: Library) -> None:
    b = seed_library.briefings[0]
    october = {it.id for it in (*b.commitments, *b.context) if it.when.month == "2025-10"}
    assert october
    result = index.search("month:2025-10", limit=100)
    assert set(ids(result)) == october
    assert all(h.month == "2025-10" for h in result.hits)
    year = set(ids(index.search("month:2025", limit=100)))
    assert october < year
    assert index.search("month:2024-01").hits == ()


def test_topic_filter(index: SearchIndex, seed_library: Library) -> None:
    b = seed_library.briefings[0]
    narcotics = {it.id for it in (*b.commitments, *b.context) if "narcotics" in it.topics}
    assert set(ids(index.search("topic:narcotics", limit=100))) == narcotics
    assert set(ids(index.search("topic:narcotic", limit=100))) == narcotics
    aviation = set(ids(index.search("topic:aviation-security", limit=100)))
    assert aviation == {"airport-drug-detection-priority", "airport-scanning-machines"}


def test_briefing_and_status_filters(index: SearchIndex) -> None:
    assert index.search(f"briefing:{BRIEFING} naqvi ").hits
    assert index.search("naqvi briefing:pk-us").hits  # an id being typed
    assert index.search("briefing:another-briefing naqvi ").hits == ()
    agreed = index.search("status:agreed", limit=100)
    assert ids(agreed) == ["intensify-security-immigration-cooperation"]


def test_exclusions(index: SearchIndex) -> None:
    with_sentences = index.search("narcotics ", limit=100)
    without = index.search("narcotics -kind:sentence ", limit=100)
    assert {h.kind for h in with_sentences.hits} >= {"sentence", "commitment"}
    assert "sentence" not in {h.kind for h in without.hits}
    no_afghan = index.search("drugs -afghanistan ", limit=100)
    assert "afghan-drugs-reach-dozens-of-countries" not in ids(no_afghan)
    assert no_afghan.hits


def test_kinds_argument_and_goto(index: SearchIndex) -> None:
    result = index.search("narcotics", kinds=("sentence",))
    assert result.hits and {h.kind for h in result.hits} == {"sentence"}
    go = index.goto("naqvi")
    assert go.hits and "sentence" not in {h.kind for h in go.hits}
    assert "mohsin-naqvi" in ids(go, 3)
    # By id: the exact id first, then ids starting with the text, then the query's hits.
    assert ids(index.goto("mohsin-naqvi"), 1) == ["mohsin-naqvi"]
    assert ids(index.goto("naqvi-bak"), 1) == ["naqvi-baker-meeting"]
    prime = ids(index.goto("prime-minister"))
    assert set(prime[:2]) == {"prime-minister-directive", "prime-minister-identity"}
    assert index.goto("s12").hits == ()  # sentences are not items
    assert index.goto("").hits == ()
    assert index.search("the ", kinds=("actor",)).hits == ()  # kinds alone is not a query


# -- hits and snippets -----------------------------------------------------------------------


def test_hit_fields(index: SearchIndex, seed_library: Library) -> None:
    b = seed_library.briefings[0]
    result = index.search("narcotics", limit=50)
    kinds = {h.kind for h in result.hits}
    assert {"actor", "commitment", "event", "sentence"} <= kinds
    for h in result.hits:
        assert h.kind in HIT_KINDS
        assert h.briefing == BRIEFING
        assert h.ref.briefing == BRIEFING and h.ref.item == h.id
        assert "\n" not in h.snippet and "\x1b" not in h.snippet
        assert h.highlights, h
        for a, c in h.highlights:
            assert 0 <= a < c <= len(h.snippet)
        if h.kind == "sentence":
            assert h.sentence is not None
            assert h.id == f"s{h.sentence}"
            assert h.month is None
            assert h.snippet.strip("…") in b.source.sentence(h.sentence).text
        else:
            it = b.item(h.id)
            assert it is not None and it.item_kind == h.kind
            assert h.sentence is None
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_month_is_none_when_undated(index: SearchIndex) -> None:
    hits = {h.id: h for h in index.search("tone washington", limit=50).hits}
    assert hits["new-tone-in-washington"].month is None  # an undated event
    assert hits["united-states"].month is None  # an actor
    dated = {h.id: h for h in index.search("rubio october", limit=50).hits}
    assert dated["rubio-october-statement"].month == "2025-10"


def test_snippet_is_cut_around_the_match(index: SearchIndex) -> None:
    hit = next(h for h in index.search("counterterrorism ").hits)
    assert len(hit.snippet) <= 170
    assert "counterterrorism" in [w.lower() for w in marked(hit)]


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("pakistan", limit=3).hits) == 3
    assert index.search("pakistan", limit=0).hits == ()
    assert len(index.search("pakistan", limit=1000).hits) > 20


# -- nothing raises --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        '"',
        '"drug',
        'drug"',
        ":",
        "::::",
        "kind:",
        "actor:",
        "AND OR",
        "*",
        "?",
        "-",
        "--",
        "- -",
        "naqvi*",
        "(narcotics OR drugs)",
        "NOT narcotics",
        "month:not-a-month",
        "month:2025-13",
        'actor:"',
        "\x00\x1b[2J",
        "narcotics " * 200,
        "x" * 5000,
        "ü" * 300,
        "𝔫𝔞𝔯𝔠𝔬𝔱𝔦𝔠𝔰",
        "日本語 テスト",
    ],
)
def test_awkward_queries_never_raise(index: SearchIndex, query: str) -> None:
    result = index.search(query)
    assert isinstance(result, SearchResult)
    assert result.query == query


def test_operators_are_plain_words(index: SearchIndex) -> None:
    # "and"/"or" are stop words: nothing to search for once typed in full.
    assert index.search("AND OR ").hits == ()
    assert index.search("*").hits == ()
    assert index.search(":").hits == ()


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("\"“”:-* '’kindactormonthtopic")),
            st.characters(codec="utf-8"),
        ),
        max_size=80,
    )
)
def test_no_query_raises(seed_library: Library, query: str) -> None:
    index = _shared_index(seed_library)
    result = index.search(query)
    assert isinstance(result, SearchResult)
    for h in result.hits:
        for a, c in h.highlights:
            assert 0 <= a < c <= len(h.snippet)


_SHARED: dict[int, SearchIndex] = {}


def _shared_index(library: Library) -> SearchIndex:
    # Hypothesis re-runs the test body many times; build the index once per library.
    ix = _SHARED.get(id(library))
    if ix is None:
        ix = _SHARED[id(library)] = SearchIndex(library, memory=True)
    return ix


# -- threads and the interface ---------------------------------------------------------------


def test_searches_from_many_threads(index: SearchIndex) -> None:
    queries = ["narcotics", "naqvi", "kind:commitment", "drug traff", "rubio", "month:2025-10"]
    expected = {q: ids(index.search(q)) for q in queries}
    errors: list[BaseException] = []
    results: dict[tuple[int, str], list[str]] = {}

    def work(n: int) -> None:
        try:
            for q in queries * 3:
                index._engine._cache.clear()
                results[(n, q)] = ids(index.search(q))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    for (_n, q), got in results.items():
        assert got == expected[q]


def test_open_from_a_worker_thread(seed_library: Library) -> None:
    box: dict[str, object] = {}

    def work() -> None:
        box["index"] = SearchIndex.open(seed_library)

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=60)
    ix = box["index"]
    assert isinstance(ix, SearchIndex)
    assert ix.search("narcotics").hits
    ix.close()


def test_cancelled_search_answers_nothing(index: SearchIndex) -> None:
    index._engine._cache.clear()
    result = index.search("pakistan", limit=1000, cancelled=lambda: True)
    assert result.hits == ()


def test_closed_index_answers_nothing(seed_library: Library) -> None:
    ix = SearchIndex(seed_library, memory=True)
    ix.close()
    result = ix.search("narcotics")
    assert result.hits == ()
    assert result.note


def test_importing_search_does_not_import_whoosh() -> None:
    code = "import sys, briefing_tui.search; print('whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_early_bar_for_unscored_queries_changes_nothing(index: SearchIndex) -> None:
    import time as _time

    from briefing_tui.search.query import parse

    engine = index._engine
    # Prefixes with many words use the unscored n-grams; in this small library, a few do.
    prefixes = [
        p for p in ("co", "re", "pr", "st", "in", "de", "ex") if engine.plan(parse(p)).unscored
    ]
    assert prefixes
    far = _time.perf_counter() + 60
    for query in ["kind:sentence", "kind:item", "month:2025", *prefixes]:
        plan = engine.plan(parse(query))
        assert plan.unscored
        q = plan.query()
        for limit in (1, 3, 10, 1000):
            fast, _, _ = engine.run(q, limit, far, None, unscored=True)
            plain, _, _ = engine.run(q, limit, far, None, unscored=False)
            assert fast == plain, (query, limit)


def test_an_exception_from_the_progress_callback_stops_the_build_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The app stops a build by raising from its progress callback when it exits: the index
    stops, says nothing about a fault (no logged traceback on the terminal), and raises
    BuildCancelled to the caller."""
    from briefing_tui.briefing.library import load_library
    from briefing_tui.search import BuildCancelled, SearchIndex

    library = load_library([DATA])

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        raise Stop("exiting")

    with caplog.at_level("DEBUG"), pytest.raises(BuildCancelled):
        SearchIndex.open(library, cache_dir=tmp_path, progress=progress)
    assert not [r for r in caplog.records if r.levelno >= 30]


# -- the true count of hits ---------------------------------------------------------------


@pytest.mark.parametrize("query", ["naqvi", "narcotics", "kind:actor", "pakistan"])
def test_a_result_counts_every_match_not_only_the_ones_returned(
    index: SearchIndex, query: str
) -> None:
    everything = index.search(query, 10_000)
    assert everything.total == len(everything.hits) and everything.total_exact
    assert not everything.more
    few = index.search(query, 3)
    assert len(few.hits) == 3 < len(everything.hits)
    assert few.count == len(everything.hits) and few.more
    assert few.count_label() == f"3 of {len(everything.hits):,}"
    assert few.hits == everything.hits[:3]  # a larger limit extends the same list


def test_count_label_wording() -> None:
    h = Hit(BRIEFING, "actor", "x", "X", None, "", (), 1.0)
    assert SearchResult("q", (h,), total=1).count_label() == "1 result"
    assert SearchResult("q", (h, h), total=2).count_label() == "2 results"
    assert SearchResult("q", (h,), total=1012).count_label() == "1 of 1,012"
    assert SearchResult("q", (h,), total=500, total_exact=False).count_label() == "1 of 500+"
    assert SearchResult("q", ()).count_label() == "0 results"


# Queries searched by Whoosh's collectors (filters or a word's start alone, phrases); a query of
# words is counted as it is searched (test_a_query_of_words_comes_with_its_count).
@pytest.mark.parametrize("query", ["kind:actor", '"interior minister"'])
def test_the_count_can_follow_the_hits(
    seed_library: Library, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_tui.search import engine

    monkeypatch.setattr(engine, "QUICK_COUNT", None)  # never counted with the hits
    index = SearchIndex(seed_library, memory=True)  # its own: no other test's search cached
    try:
        everything = len(index.search(query, 10_000).hits)
        first = index.search(query + " ", 3, count=False)  # another text: nothing cached yet
        assert len(first.hits) == 3 and first.total is None and not first.total_exact
        assert first.more  # more hits can be asked for before the count is known
        assert index.count(query + " ") == (everything, True)
        again = index.search(query + " ", 3, count=False)  # the count is known now
        assert again.total == everything and again.total_exact
        assert again.hits == first.hits
    finally:
        index.close()


@pytest.mark.parametrize("query", ["kind:actor", '"drug trafficking"', 'naqvi "interior minister"'])
def test_a_quick_count_comes_with_the_hits(
    seed_library: Library, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not asked to count (the app), a search still counts when that is quick: one frame."""
    from briefing_tui.search import engine

    index = SearchIndex(seed_library, memory=True)
    try:
        everything = len(index.search(query + "  ", 10_000).hits)
        assert everything > 3
        monkeypatch.setattr(engine, "QUICK_COUNT", 60.0)
        first = index.search(query + " ", 3, count=False)
        assert (first.total, first.total_exact) == (everything, True)
        monkeypatch.setattr(engine, "QUICK_COUNT", 0.0)  # no time to count: it follows
        later = index.search(query + "   ", 3, count=False)
        assert later.total is None and not later.total_exact and later.more
        # A search slower than 3x the count's time is not counted either, however cheap its
        # count ("kind:actor" is one term: its count is read, not counted).
        monkeypatch.setattr(engine, "QUICK_COUNT", 1e-7)
        slow = index.search(query + "    ", 3, count=False)
        assert slow.total is None and slow.more
    finally:
        index.close()


@pytest.mark.parametrize("query", ["naqvi", "naqv", "pakistan us", "pakistan -naqvi kind:item"])
def test_a_query_of_words_comes_with_its_count(
    seed_library: Library, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scored term by term (search/termwise.py), every match is seen: the true count comes
    with the hits, with no time to count afterwards."""
    from briefing_tui.search import engine

    index = SearchIndex(seed_library, memory=True)
    try:
        everything = len(index.search(query + "  ", 10_000).hits)
        assert everything > 3
        monkeypatch.setattr(engine, "QUICK_COUNT", None)
        first = index.search(query + " ", 3, count=False)
        assert (len(first.hits), first.total, first.total_exact) == (3, everything, True)
        assert first.count_label() == f"3 of {everything}"
    finally:
        index.close()


def test_a_count_is_none_for_a_query_not_searched(index: SearchIndex) -> None:
    assert index.count("never searched") is None
    assert index.search("rubio", 10_000, count=False).total_exact  # all hits: nothing to count
    assert index.count("rubio") is None


def test_a_whole_word_typed_is_one_term_not_a_union_with_itself(index: SearchIndex) -> None:
    """'narcotics' being typed: its prefix's only word is the word itself, so the query is
    that one term (a term OR itself scored every match twice and merged the same postings;
    benchmark row `search`: 90 ms -> 24 ms for 'discussions' at 1,000 briefings)."""
    from whoosh import query as wq

    from briefing_tui.search.query import parse

    engine = index._engine
    for text in ("narcotics", "pakistan narcotics"):
        q = engine.plan(parse(text)).query()
        terms = [t for t in q.leaves() if isinstance(t, wq.Term)]
        assert len(terms) == len(set(terms)), q
    assert index.search("narcotics").hits == index.search("narcotic").hits
