"""Property-based tests of the loader: a briefing or positioned problems, never an exception.

Valid briefings are generated from the seed article's own words, so every quote verifies;
broken ones by mutating them (fields dropped, wrong types, bad vocabulary, dangling
references, control characters), by editing the bytes and lines of the seed briefing, and
from random YAML, random text and random bytes. Example counts are kept modest.
"""

from __future__ import annotations

import calendar
import copy
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.briefing.loader import LoadResult, load_bytes, load_text
from briefing_tui.briefing.model import ActorKind, CommitmentKind, Status
from briefing_tui.briefing.sentences import FoldedText
from briefing_tui.briefing.yamltree import normalise, parse
from tests.conftest import DATA, SEED_ARTICLE, SEED_BRIEFING

PATH = DATA / "generated.yaml"  # not written: it only locates ../seeds/ for the source
DISPLAY = "generated.yaml"
SOURCE_FILE = "../seeds/" + SEED_ARTICLE.name
WORDS = FoldedText.of(SEED_ARTICLE.read_text(encoding="utf-8")).folded.split()
SEED_TEXT = SEED_BRIEFING.read_text(encoding="utf-8")
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

PROFILE = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- invariants ------------------------------------------------------------------------------


def check(result: LoadResult, text: str | None = None) -> None:
    """What every load must give: a LoadResult with a briefing or problems, and problems
    that are well formed: the path, a real line and column, one safe line of message."""
    assert isinstance(result, LoadResult)
    assert result.briefing is not None or result.problems
    lines = normalise(text).split("\n") if text is not None else None
    for p in result.problems:
        assert p.path == DISPLAY
        assert p.line >= 1 and p.col >= 1, str(p)
        if lines is not None:
            assert p.line <= len(lines) + 1, str(p)
            if p.line <= len(lines):
                assert p.col <= len(lines[p.line - 1]) + 2, str(p)
        assert p.message and "\n" not in p.message, repr(p.message)
        assert not UNSAFE.search(p.message), repr(p.message)
        assert not p.message[0].isupper(), p.message


def load(text: str) -> LoadResult:
    result = load_text(PATH, text, DISPLAY)
    check(result, text)
    return result


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=float("inf"))


def fold(text: str) -> str:
    return " ".join(text.split())


# --- strategies ------------------------------------------------------------------------------

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
chars = st.characters(
    exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), exclude_characters=_BIDI + "\ufeff"
)
texts = st.text(chars, max_size=40)
required_texts = texts.filter(lambda s: s.strip() != "")
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


@st.composite
def quotes(draw: st.DrawFn) -> str:
    start = draw(st.integers(0, len(WORDS) - 1))
    length = draw(st.integers(1, 25))
    return " ".join(WORDS[start : start + length])


@st.composite
def whens(draw: st.DrawFn) -> dict[str, Any]:
    precision = draw(st.sampled_from(["day", "month", "approximate", "undated"]))
    when: dict[str, Any] = {"precision": precision}
    if precision != "undated":
        year, month = draw(st.integers(1900, 2100)), draw(st.integers(1, 12))
        when["month"] = f"{year:04d}-{month:02d}"
        if precision == "day":
            when["day"] = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    if draw(st.booleans()):
        when["qualifier"] = draw(texts)
    return when


@st.composite
def valid_docs(draw: st.DrawFn) -> dict[str, Any]:
    n_actors = draw(st.integers(1, 4))
    n_commitments = draw(st.integers(0, 3))
    n_events = draw(st.integers(0, 2))
    n_notes = draw(st.integers(0, 2))
    all_ids = draw(
        st.lists(
            ids,
            min_size=n_actors + n_commitments + n_events + n_notes + 1,
            max_size=n_actors + n_commitments + n_events + n_notes + 1,
            unique=True,
        )
    )
    bid, rest = all_ids[0], all_ids[1:]
    actor_ids = rest[:n_actors]
    commitment_ids = rest[n_actors : n_actors + n_commitments]
    event_ids = rest[n_actors + n_commitments : n_actors + n_commitments + n_events]
    note_ids = rest[n_actors + n_commitments + n_events :]
    item_ids = commitment_ids + event_ids + note_ids

    def evidence(min_size: int = 1) -> list[str]:
        return draw(st.lists(quotes(), min_size=min_size, max_size=3))

    actors = []
    for aid in actor_ids:
        actor: dict[str, Any] = {
            "id": aid,
            "name": draw(required_texts),
            "kind": draw(st.sampled_from([k.value for k in ActorKind])),
        }
        others = [a for a in actor_ids if a != aid]
        if others and draw(st.booleans()):
            actor["affiliation"] = draw(st.sampled_from(others))
        if draw(st.booleans()):
            actor["aliases"] = draw(st.lists(texts, max_size=3))
        actor["evidence"] = evidence()
        actors.append(actor)
    doc: dict[str, Any] = {
        "format": 1,
        "id": bid,
        "title": draw(required_texts),
    }
    if draw(st.booleans()):
        doc["summary"] = draw(texts)
    doc["source"] = {"file": SOURCE_FILE, "title": draw(required_texts), "when": draw(whens())}
    doc["actors"] = actors
    if commitment_ids:
        doc["commitments"] = [
            {
                "id": cid,
                "title": draw(required_texts),
                "kind": draw(st.sampled_from([k.value for k in CommitmentKind])),
                "status": draw(st.sampled_from([s.value for s in Status])),
                "by": draw(st.lists(st.sampled_from(actor_ids), min_size=1, max_size=2)),
                "when": draw(whens()),
                "related": draw(
                    st.lists(st.sampled_from([i for i in item_ids if i != cid] or [""]), max_size=2)
                    if len(item_ids) > 1
                    else st.just([])
                ),
                "evidence": evidence(),
            }
            for cid in commitment_ids
        ]
    if event_ids:
        doc["context"] = [
            {
                "id": eid,
                "title": draw(required_texts),
                "when": draw(whens()),
                "actors": draw(st.lists(st.sampled_from(actor_ids), max_size=2)),
                "evidence": evidence(),
            }
            for eid in event_ids
        ]
    if note_ids:
        doc["notes"] = [
            {
                "id": nid,
                "title": draw(required_texts),
                "text": draw(required_texts),
                "about": draw(
                    st.lists(
                        st.sampled_from([i for i in actor_ids + item_ids if i != nid]), max_size=2
                    )
                ),
                "evidence": evidence(min_size=0),
            }
            for nid in note_ids
        ]
    return doc


def items_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *doc["actors"],
        *doc.get("commitments", []),
        *doc.get("context", []),
        *doc.get("notes", []),
    ]


# --- valid briefings -------------------------------------------------------------------------


@PROFILE
@given(valid_docs())
def test_generated_valid_briefings_load_clean_and_exactly(doc: dict[str, Any]) -> None:
    result = load(dump(doc))
    assert result.ok and not result.problems, [str(p) for p in result.problems]
    b = result.briefing
    assert b is not None
    assert (b.id, b.title, b.summary) == (doc["id"], doc["title"], doc.get("summary", ""))
    assert b.source.title == doc["source"]["title"]
    assert [i.id for i in b.items] == [i["id"] for i in items_of(doc)]
    for item, spec in zip(b.items, items_of(doc), strict=True):
        assert item.title == spec.get("name", spec.get("title"))
        assert [e.quote for e in item.evidence] == spec["evidence"]
        for ev in item.evidence:
            # the sentences a quote is mapped to hold the quote, in order
            assert ev.sentences == tuple(range(ev.sentences[0], ev.sentences[-1] + 1))
            held = fold(" ".join(b.source.sentence(n).text for n in ev.sentences))
            assert ev.quote in held


# --- mutations of valid briefings ------------------------------------------------------------

REQUIRED = {
    "briefing": ["format", "id", "title", "source"],
    "actor": ["id", "name", "kind", "evidence"],
    "commitment": ["id", "title", "kind", "status", "by", "when", "evidence"],
    "event": ["id", "title", "when", "evidence"],
    "note": ["id", "title", "text"],
}


def containers(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [("briefing", doc)]
    out += [("actor", a) for a in doc["actors"]]
    out += [("commitment", c) for c in doc.get("commitments", [])]
    out += [("event", e) for e in doc.get("context", [])]
    out += [("note", n) for n in doc.get("notes", [])]
    return out


wrong_values = st.one_of(
    st.integers(-5, 5000),
    st.booleans(),
    st.none(),
    st.lists(st.integers(0, 3), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 3), min_size=1, max_size=2),
)


@st.composite
def broken_docs(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid briefing with one fault, and a fragment of the problem it must cause."""
    doc = copy.deepcopy(draw(valid_docs()))
    kind = draw(
        st.sampled_from(
            ["drop", "wrong-type", "unknown", "vocabulary", "month", "dangling", "quote", "control"]
        )
    )
    section, target = draw(st.sampled_from(containers(doc)))
    if kind == "drop":
        name = draw(st.sampled_from(REQUIRED[section]))
        del target[name]
        return doc, f"missing the required field '{name}'"
    if kind == "wrong-type":
        name = draw(st.sampled_from(REQUIRED[section]))
        value = draw(wrong_values)
        if name == "format" and value == 1:
            value = [1]
        target[name] = value
        return doc, ""  # some problem; which one depends on the field and the value
    if kind == "unknown":
        name = "x-" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))
        target[name] = draw(texts)
        return doc, f"unknown field '{name}'"
    if kind == "vocabulary":
        choices = {"actor": "kind", "commitment": "status"}
        field = choices.get(section, "kind")
        target = doc["actors"][0] if section not in choices else target
        target[field] = "x" + draw(st.from_regex(r"[a-z]{0,8}", fullmatch=True))
        return doc, "is not one of"
    if kind == "month":
        when = doc["source"]["when"]
        when["month"] = draw(st.sampled_from(["2025-13", "2025-00", "25-01", "2025-1", "Nov 2025"]))
        return doc, "is not a month"
    if kind == "dangling":
        actor = doc["actors"][0]
        actor["affiliation"] = "no-such-actor"
        return doc, "'no-such-actor', which is not an actor"
    if kind == "quote":
        actor = doc["actors"][-1]
        actor["evidence"] = [*actor["evidence"], "zzqx " + draw(quotes())]
        return doc, "is not found in the source text"
    # control: an escape sequence in a text field; safe_dump writes it as \e in quotes
    doc["title"] = draw(texts) + draw(st.sampled_from(["\x1b[31m", "\x1b]0;x\x07", "\x9b2J"]))
    return doc, "control character"


@PROFILE
@given(broken_docs())
def test_mutated_briefings_give_positioned_problems(case: tuple[dict[str, Any], str]) -> None:
    doc, fragment = case
    result = load(dump(doc))
    assert result.problems, "a broken briefing must have a problem"
    assert not result.ok
    assert any(fragment in p.message for p in result.problems), [str(p) for p in result.problems]


# --- faults injected at a known line ---------------------------------------------------------


def top_level_lines(text: str) -> list[int]:
    """0-based indexes of lines holding a top-level key."""
    return [i for i, line in enumerate(text.split("\n")) if re.match(r"[a-z]+:", line)]


@PROFILE
@given(valid_docs(), st.data())
def test_an_injected_unknown_field_is_reported_at_its_line(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    lines = dump(doc).split("\n")
    at = data.draw(st.sampled_from(top_level_lines("\n".join(lines))[1:]))
    lines.insert(at, "colour: blue")
    problems = load("\n".join(lines)).problems
    assert [(p.line, p.col) for p in problems if "unknown field 'colour'" in p.message] == [
        (at + 1, 1)
    ]


@PROFILE
@given(valid_docs())
def test_an_injected_duplicate_key_is_reported_at_the_second(doc: dict[str, Any]) -> None:
    lines = dump(doc).split("\n")
    title_line = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    at = top_level_lines("\n".join(lines))[-1]
    lines.insert(at, "title: again")
    [problem] = load("\n".join(lines)).problems
    assert (problem.line, problem.col) == (at + 1, 1)
    assert f"duplicate key 'title' (first at line {title_line + 1})" in problem.message


@PROFILE
@given(valid_docs(), st.data())
def test_a_tab_in_the_indentation_is_reported_at_its_line(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    lines = dump(doc).split("\n")
    indented = [i for i, line in enumerate(lines) if line.startswith("  ")]
    at = data.draw(st.sampled_from(indented))
    lines[at] = "\t" + lines[at][1:]
    [problem] = load("\n".join(lines)).problems
    assert (problem.line, problem.col) == (at + 1, 1), str(problem)
    assert "indented with a tab" in problem.message


@PROFILE
@given(valid_docs(), st.sampled_from(["\x1b[2J", "\x1b]8;;http://x\x1b\\", "\x07", "\x9d"]))
def test_a_control_character_in_a_title_is_reported_at_the_title(
    doc: dict[str, Any], control: str
) -> None:
    doc["title"] = "Talks " + control + " end"
    text = dump(doc)
    line = text.split("\n").index(next(ln for ln in text.split("\n") if ln.startswith("title:")))
    problems = load(text).problems
    assert [(p.line, p.col) for p in problems] == [(line + 1, 8)], [str(p) for p in problems]
    assert "control character" in problems[0].message


# --- edits of the seed briefing's bytes and lines --------------------------------------------


@st.composite
def edited_seed(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED_TEXT.encode("utf-8"))
    lines = SEED_TEXT.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "line-dup", "line-swap", "indent"]))
        if op in ("line-dup", "line-swap", "indent"):
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "line-dup":
                lines.insert(j, lines[i])
            elif op == "line-swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = draw(st.sampled_from([" ", "  ", "\t", "- "])) + lines[i]
            data = bytearray("\n".join(lines).encode("utf-8"))
            continue
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
    return bytes(data)


@PROFILE
@given(edited_seed())
def test_edits_of_the_seed_briefing_never_raise(data: bytes) -> None:
    result = load_bytes(PATH, data, DISPLAY)
    check(result)


# --- random YAML, text and bytes -------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(["format", "id", "title", "source", "actors"]), texts),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@PROFILE
@given(yaml_values, st.booleans())
def test_random_yaml_documents_never_raise(value: Any, flow: bool) -> None:
    load(yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow))


@PROFILE
@given(
    st.fixed_dictionaries(
        {"format": st.just(1), "id": ids, "title": texts, "source": yaml_values},
        optional={"actors": yaml_values, "commitments": yaml_values, "context": yaml_values},
    )
)
def test_briefing_shaped_random_yaml_never_raises(value: dict[str, Any]) -> None:
    load(yaml.safe_dump(value, allow_unicode=True))


TOKENS = [
    ":", ": ", "-", "- ", " ", "  ", "\n", "\t", "[", "]", "{", "}", ",", '"', "'", "\\",
    "&a ", "*a", "!t ", "!!str ", "!!python/object:os.system ", "#", "? ", "|", ">", "%YAML 1.1",
    "---", "...", "key", "title", "format: 1", "id: x", "\r", "\u2028", "\x1b", "é", "日",
]  # fmt: skip


@settings(PROFILE, max_examples=200)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_yaml_token_soup_never_raises(text: str) -> None:
    load(text)
    assert parse(DISPLAY, text) is not None


@settings(PROFILE, max_examples=200)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    load(text)


@settings(PROFILE, max_examples=200)
@given(st.binary(max_size=500))
def test_random_bytes_never_raise(data: bytes) -> None:
    check(load_bytes(PATH, data, DISPLAY))


def test_the_generator_makes_the_seed_article_its_words() -> None:
    """The control for the strategies: the seed article yields words, and its own first
    sentence is a quote that verifies."""
    assert len(WORDS) > 100
    first = " ".join(WORDS[:10])
    doc = {
        "format": 1,
        "id": "x",
        "title": "t",
        "source": {"file": SOURCE_FILE, "title": "t", "when": {"precision": "undated"}},
        "actors": [{"id": "a", "name": "A", "kind": "person", "evidence": [first]}],
    }
    result = load(dump(doc))
    assert result.ok
    assert Path(PATH.parent / SOURCE_FILE).resolve() == SEED_ARTICLE.resolve()
