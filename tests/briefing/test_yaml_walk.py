"""The walk over PyYAML's composed nodes: anchors and aliases, tags, duplicate keys, depth,
positions, and libyaml's loader against PyYAML's own giving the same tree.

The syntax errors and their explanations are in test_loader_yaml.py; the huge inputs in
test_loader_limits.py.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.briefing import yamltree
from briefing_tui.briefing.model import Pos
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.yaml_errors import loader_class
from briefing_tui.briefing.yamltree import MAX_DEPTH, YMap, YNode, YScalar, YSeq, parse, walk
from tests.conftest import SEED_BRIEFING

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue"


def problem_of(text: str) -> Problem:
    result = parse("f.yaml", text)
    assert isinstance(result, Problem), result
    return result


def shape(node: YNode | Problem) -> Any:
    """A tree as plain values, positions and value types included (1 == True otherwise)."""
    if isinstance(node, Problem):
        return str(node)
    if isinstance(node, YMap):
        entries = node.entries.items()
        return ("map", node.pos, [(k, node.keys[k], shape(v)) for k, v in entries])
    if isinstance(node, YSeq):
        return ("seq", node.pos, [shape(item) for item in node.items])
    return ("scalar", node.pos, type(node.value).__name__, node.value, node.quoted)


@pytest.fixture
def pure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse with PyYAML's pure-Python loader instead of libyaml's."""
    monkeypatch.setattr(yamltree, "loader_class", lambda: yaml.SafeLoader)


# --- anchors and aliases ----------------------------------------------------------------------

ANCHORS: list[tuple[str, str, int, int, str]] = [
    ("on a scalar", "a: 1\nb: &x 2\n", 2, 4, "anchors (&x) are not allowed"),
    ("on a mapping", "a: &m\n  b: 1\nc: *m\n", 1, 4, "anchors (&m) are not allowed"),
    ("on a list", "a: &l [1, 2]\nb: *l\n", 1, 4, "anchors (&l) are not allowed"),
    ("on a list entry", "a:\n  - x\n  - &e y\n", 3, 5, "anchors (&e) are not allowed"),
    ("after a tag", "a: !!str &s x\nb: *s\n", 1, 4, "anchors (&s) are not allowed"),
    ("after a tag and a comment", "a: !!str # c\n  &s x\n", 1, 4, "anchors (&s)"),
    ("on a key", "a: 1\n&k b: 2\n", 2, 1, "anchors (&k) are not allowed"),
    ("in a flow mapping", "a: {b: &f 1}\n", 1, 8, "anchors (&f) are not allowed"),
    ("after wide characters", "a: 😀日本\nb: [😀, &w x]\n", 2, 8, "anchors (&w)"),
    ("used twice", "a: &d 1\nb: &d 2\n", 1, 4, "anchors (&d) are not allowed"),
    ("used twice, after a tag", "a: !!int &d 1\nb: &d 2\n", 1, 4, "anchors (&d)"),
    ("alias with no anchor", "a: 1\nb: [x, *nowhere]\n", 2, 8, "aliases (*nowhere) are not"),
]


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"), [c[1:] for c in ANCHORS], ids=[c[0] for c in ANCHORS]
)
@pytest.mark.parametrize("loader", ["libyaml", "pure"])
def test_anchors_and_aliases_are_refused_where_they_are_written(
    text: str, line: int, col: int, fragment: str, loader: str, request: pytest.FixtureRequest
) -> None:
    if loader == "pure":
        request.getfixturevalue("pure")
    problem = problem_of(text)
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert fragment in problem.message and "billion laughs" in problem.message, str(problem)


def test_an_alias_bomb_is_refused_at_its_first_anchor_without_expanding() -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 30)]
    text = "\n".join(lines) + "\n"  # 9**30 strings, were it ever expanded
    start = time.monotonic()
    problem = problem_of(text)
    assert time.monotonic() - start < 5
    assert (problem.line, problem.col) == (1, 5)
    assert "anchors (&l0) are not allowed" in problem.message


def test_a_shared_node_is_refused_even_when_the_text_shows_no_anchor() -> None:
    """The second line of defence: a list or mapping reached twice (which only an alias
    makes) is refused at the shared node's position, and a cycle ends the walk."""
    shared = yaml.compose("a: &x [1, 2]\nb: *x\n", Loader=loader_class())
    with pytest.raises(yamltree.YamlError) as caught:
        walk("f.yaml", "", shared)  # no text: the anchor check cannot see the '&'
    assert (caught.value.problem.line, caught.value.problem.col) == (1, 4)
    assert "aliases (*...) are not allowed" in caught.value.problem.message
    cycle = yaml.compose("&c [1, *c]\n", Loader=loader_class())
    with pytest.raises(yamltree.YamlError) as caught:
        walk("f.yaml", "", cycle)
    assert (caught.value.problem.line, caught.value.problem.col) == (1, 1)


def test_a_shared_scalar_without_anchor_text_is_walked_as_a_copy() -> None:
    """Control for the test above: the same graph with its text refuses the anchor first,
    and a scalar reached twice is harmless (a leaf), so only containers are tracked."""
    text = "a: &x one\nb: *x\n"
    graph = yaml.compose(text, Loader=loader_class())
    with pytest.raises(yamltree.YamlError) as caught:
        walk("f.yaml", text, graph)
    assert "anchors (&x)" in caught.value.problem.message
    tree = walk("f.yaml", "", graph)
    assert isinstance(tree, YMap)
    assert [shape(v)[3] for v in tree.entries.values()] == ["one", "one"]


# --- tags -------------------------------------------------------------------------------------


def test_implicit_tags_outside_the_standard_ones_stay_text_explicit_ones_are_refused() -> None:
    root = parse("f.yaml", "a: 2025-11-04\nb: <<\nc: =\nd: !!str 1\n")
    assert isinstance(root, YMap)
    assert [shape(v)[2:4] for v in root.entries.values()] == [
        ("str", "2025-11-04"),
        ("str", "<<"),
        ("str", "="),
        ("str", "1"),
    ]
    problem = problem_of("a: 1\nb: !!merge <<\n")
    assert (problem.line, problem.col) == (2, 4)
    assert "tags such as 'tag:yaml.org,2002:merge'" in problem.message
    problem = problem_of("a: !!timestamp\n  2025-11-04\n")  # the tag on the line above
    assert (problem.line, problem.col) == (1, 4) and "timestamp" in problem.message


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "first"),
    [
        ("a:\n  b: 1\n  c: 2\n  b: 3\n", 4, 3, 2),  # nested
        ("a: {b: 1, c: 2, b: 3}\n", 1, 17, 1),  # flow
        ("a: 1\n'a': 2\n", 2, 1, 1),  # quoted or not, the same text
        ("- x\n- {k: 1}\n- k: 1\n  k: 2\n", 4, 3, 3),  # each mapping has its own keys
    ],
)
def test_duplicate_keys_are_refused_at_the_second_with_the_first_line(
    text: str, line: int, col: int, first: int
) -> None:
    problem = problem_of(text)
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert f"(first at line {first})" in problem.message and "keep one" in problem.message


def test_a_complex_key_is_walked_before_it_is_refused() -> None:
    """As the event-level builder did: what is wrong inside the key is found first."""
    problem = problem_of("? [a, &x b]\n: 1\n")
    assert (problem.line, problem.col) == (1, 7) and "anchors (&x)" in problem.message
    problem = problem_of("? [a, b]\n: 1\n")
    assert (problem.line, problem.col) == (1, 3) and "a key must be a plain name" in str(problem)


def test_an_empty_key_needs_quotes() -> None:
    root = parse("f.yaml", "'': 1\n")
    assert isinstance(root, YMap) and list(root.entries) == [""]
    problem = problem_of("a: 1\n? \n: 2\n")
    assert (problem.line, problem.col) == (2, 2) and "a key is missing" in problem.message


# --- depth ------------------------------------------------------------------------------------


def nested(levels: int, flow: bool) -> str:
    """A document whose innermost list is at ``levels`` (the root mapping is level 1)."""
    if flow:
        return "a: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"
    text = "".join("  " * i + f"k{i}:\n" for i in range(levels - 1))
    return text + "  " * (levels - 1) + "- x\n"


@pytest.mark.parametrize("flow", [False, True], ids=["block", "flow"])
@pytest.mark.parametrize("loader", ["libyaml", "pure"])
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 400, 1200])
def test_nesting_past_the_limit_is_refused_at_the_first_level_too_many(
    flow: bool, loader: str, levels: int, request: pytest.FixtureRequest
) -> None:
    """Below libyaml's own limit (1,000) and Python's recursion limit the walk counts;
    past them the place is found again from the events or the brackets."""
    if loader == "pure":
        request.getfixturevalue("pure")
    problem = problem_of(nested(levels, flow))
    where = (1, 4 + MAX_DEPTH - 1) if flow else (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)
    assert (problem.line, problem.col) == where, str(problem)
    assert "nested too deeply (more than 32 levels)" in problem.message


@pytest.mark.parametrize("flow", [False, True], ids=["block", "flow"])
def test_nesting_at_the_limit_loads(flow: bool) -> None:
    node: YNode | Problem = parse("f.yaml", nested(MAX_DEPTH, flow))
    levels = 0
    while isinstance(node, YMap | YSeq):
        levels += 1
        node = next(iter(node.entries.values())) if isinstance(node, YMap) else node.items[0]
    assert levels == MAX_DEPTH and isinstance(node, YScalar) and node.value == "x"


# --- positions and the two loaders -----------------------------------------------------------


def test_positions_are_an_editors_lines_and_columns() -> None:
    root = parse("f.yaml", "title: 日本 😀\nlist:\n  - 'q'\n  - {k: v}\n  - k: |\n      block\n")
    assert isinstance(root, YMap)
    assert [(p.line, p.col) for p in root.keys.values()] == [(1, 1), (2, 1)]
    title, items = root.entries["title"], root.entries["list"]
    assert isinstance(title, YScalar) and (title.pos.line, title.pos.col) == (1, 8)
    assert isinstance(items, YSeq) and (items.pos.line, items.pos.col) == (3, 3)
    quoted, flow, block = items.items
    assert isinstance(quoted, YScalar) and quoted.quoted and quoted.value == "q"
    assert isinstance(flow, YMap) and (flow.pos.line, flow.pos.col) == (4, 5)
    assert (flow.keys["k"].line, flow.keys["k"].col) == (4, 6)
    assert isinstance(block, YMap) and (block.keys["k"].line, block.keys["k"].col) == (5, 5)
    text = block.entries["k"]
    assert isinstance(text, YScalar) and text.quoted and text.value == "block\n"
    assert (text.pos.line, text.pos.col) == (5, 8)


def test_the_fast_constructors_build_what_the_classes_build() -> None:
    """The walk sets Pos's and YScalar's slots directly (a performance trick): each field
    must be set, so a field added to either class fails here, not at a distance."""
    assert [f.name for f in dataclasses.fields(Pos)] == ["path", "line", "col"]
    assert [f.name for f in dataclasses.fields(YScalar)] == ["value", "pos", "quoted"]
    pos = yamltree.make_pos("f.yaml", 3, 7)
    assert pos == Pos("f.yaml", 3, 7) and hash(pos) == hash(Pos("f.yaml", 3, 7))
    assert yamltree.make_scalar(1.5, pos, True) == YScalar(1.5, Pos("f.yaml", 3, 7), True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pos.line = 4  # type: ignore[misc]


LOADER_CASES = [
    *sorted((CATALOGUE / "good").glob("*.yaml")),
    SEED_BRIEFING,
]


@pytest.mark.parametrize("path", LOADER_CASES, ids=[p.name for p in LOADER_CASES])
def test_libyaml_and_pure_python_give_the_same_tree(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if getattr(yaml, "CSafeLoader", None) is None:  # pragma: no cover - build dependent
        pytest.skip("this PyYAML is built without libyaml")
    text = path.read_text(encoding="utf-8")
    fast = parse(path.name, text)
    assert isinstance(fast, YMap), fast  # the catalogue's good files and the seed load
    monkeypatch.setattr(yamltree, "loader_class", lambda: yaml.SafeLoader)
    assert shape(parse(path.name, text)) == shape(fast)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values, st.booleans())
def test_libyaml_and_pure_python_agree_on_random_documents(value: Any, flow: bool) -> None:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow)
    fast = parse("f.yaml", text)
    original = yamltree.loader_class
    yamltree.loader_class = lambda: yaml.SafeLoader
    try:
        slow = parse("f.yaml", text)
    finally:
        yamltree.loader_class = original
    assert shape(slow) == shape(fast)


# --- order ------------------------------------------------------------------------------------


def test_a_syntax_error_is_reported_before_a_refusal_earlier_in_the_file() -> None:
    """PyYAML composes the whole document before the walk: a file that is not YAML at all
    is reported as such first (docs/reliability.md, "YAML")."""
    problem = problem_of("a: &x 1\na: 2\nb: [1, 2\nc: 3\n")
    assert (problem.line, problem.col) == (3, 4)
    assert "never closed" in problem.message
