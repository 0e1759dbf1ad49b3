"""The safe YAML layer: syntax errors explained at the place of the fix, odd but legal YAML.

Each case is a small text, the line and column of its fault (counted by hand: the
character an editor would put the cursor on) and fragments of the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_tui.briefing.loader import load_bytes, load_text
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.yamltree import YMap, YScalar, decode, parse

# (id, text, line, col, fragments that must all be in the message)
SYNTAX: list[tuple[str, str, int, int, tuple[str, ...]]] = [
    ("tab at line start", "a: 1\nb:\n\tc: 2\n", 3, 1, ("indented with a tab", "spaces")),
    ("tab after spaces", "a:\n  b: 1\n  \tc: 2\n", 3, 3, ("indented with a tab",)),
    ("tab before a list entry", "a:\n\t- x\n", 2, 1, ("indented with a tab",)),
    ("tab in a block scalar", "a: |\n  x\n\ty\n", 3, 1, ("indented with a tab",)),
    ("unclosed double quote", 'a: "hello\n', 1, 4, ("never closed", 'add the closing "')),
    ("unclosed single quote", "a: 'hello\n", 1, 4, ("never closed", "add the closing '")),
    (
        "runaway quote swallowing keys",
        'a: "one\nb: two\nc: "three"\n',
        1,
        4,
        ("never closed, so it runs on to line 3",),
    ),
    (
        "double quotes inside double quotes",
        'a: "He said "yes" today"\n',
        1,
        14,
        ("text follows the closing", "single quotes"),
    ),
    (
        "apostrophe inside single quotes",
        "a: 'Northland's office'\n",
        1,
        15,
        ("text follows the closing '", "double quotes", "''"),
    ),
    ("unclosed [", "a: [x, y\nb: 1\n", 1, 4, ("list opened with '['", "add the closing ']'")),
    ("unclosed {", "a: {x: 1\nb: 1\n", 1, 4, ("mapping opened with '{'", "'}'")),
    ("missing comma", "a: [x y, 'z' 'w']\n", 1, 14, ("expected ',' or ']'", "commas")),
    ("stray ]", "a: [1, 2]]\n", 1, 10, ("closes nothing", "remove it")),
    ("missing colon", "a: 1\nb\nc: 2\n", 2, 1, ("not 'key: value'", "add the ':'")),
    ("missing colon, nested", "a:\n  x: 1\n  y\n  z: 2\n", 3, 3, ("not 'key: value'",)),
    ("no space after colon", "a:1\nb: 2\n", 1, 2, ("needs a space after it",)),
    ("no space after colon, nested", "a:\n  b:c\n  d: 1\n", 2, 4, ("needs a space",)),
    ("colon in a value", "title: Talks: a summary\n", 1, 13, ("inside a value", "quotes")),
    (
        "over-indented key",
        "a: 1\n  b: 2\n",
        2,
        3,
        ("indented more than line 1", "line its key up"),
    ),
    ("under-indented key", "a:\n  b: 1\n c: 2\n", 3, 2, ("does not line up", "by 1 spaces")),
    ("list entry among keys", "a: 1\n- b\n", 2, 1, ("a list entry ('- ') where a key",)),
    ("key among list entries", "a:\n  - b\n  c: 1\n", 3, 3, ("list entries ('- ') of line 2",)),
    ("list after a key on one line", "a: - b\n", 1, 4, ("cannot follow a key on the same line",)),
    ("key missing", "a: 1\n: x\n", 2, 1, ("a key is missing before the ':'",)),
    ("@ starts a value", "a: @home\n", 1, 4, ("'@' cannot start a value", "quotes")),
    ("backtick starts a value", "a: `x`\n", 1, 4, ("'`' cannot start a value",)),
    ("unknown escape", 'a: "x\\qy"\n', 1, 6, ("'\\q' is not a valid escape", "backslash")),
    ("bad unicode escape", 'a: "\\ud800"\n', 1, 5, ("'\\ud800' does not give a valid character",)),
    ("two documents", "a: 1\n---\nb: 2\n", 2, 1, ("one YAML document", "second '---'")),
    ("text after ...", "a: 1\n...\nb: 2\n", 3, 1, ("after the end of the document",)),
    ("unknown directive", "%FOO bar\n---\na: 1\n", 1, 1, ("YAML directive", "remove it")),
    ("YAML 2", "%YAML 2.0\n---\na: 1\n", 1, 1, ("only YAML 1.x is read",)),
    ("alias", "a: 1\nb: *x\n", 2, 4, ("aliases (*x) are not allowed", "write the value out")),
    ("anchor on a key", "&k a: 1\n", 1, 1, ("anchors (&k) are not allowed",)),
    ("empty alias", "a: *\n", 1, 5, ("anchors and aliases", "quotes")),
    ("local tag", "a: !thing 1\n", 1, 4, ("tags such as '!thing' are not allowed",)),
    ("timestamp tag", "a: !!timestamp 2025-01-01\n", 1, 4, ("tag:yaml.org,2002:timestamp",)),
    ("binary tag", "a: !!binary aGk=\n", 1, 4, ("are not allowed", "remove the tag")),
    ("set tag", "a: !!set {x, y}\n", 1, 4, ("are not allowed",)),
    ("complex key", "? [a, b]\n: 1\n", 1, 3, ("a key must be a plain name",)),
    ("flow complex key", "{[a]: 1}\n", 1, 2, ("a key must be a plain name",)),
    ("duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, ("duplicate key 'a' (first at line 1)",)),
    ("duplicate key by escape", 'ab: 1\n"\\x61b": 2\n', 2, 1, ("duplicate key 'ab'",)),
    ("duplicate explicit key", "? a\n? a\n", 2, 3, ("duplicate key 'a'",)),
    ("deep flow", "a: " + "[" * 40 + "]" * 40 + "\n", 1, 35, ("nested too deeply",)),
    ("thousands deep flow", "a: " + "{b: " * 3000 + "}" * 3000, 1, 4 + 31 * 4, ("too deeply",)),
    # characters YAML refuses, or reads differently from an editor
    ("BEL", "a: b\x07\n", 1, 5, ("U+0007 BELL", "remove it")),
    ("ESC after wide text", "a: 日本語\x1b[0m\n", 1, 7, ("U+001B ESCAPE",)),
    ("DEL", "a: \x7f\n", 1, 4, ("U+007F DELETE",)),
    ("C1 OSC", "a: x\x9d0;t\n", 1, 5, ("U+009D OPERATING SYSTEM COMMAND",)),
    ("NEL", "a: b\x85c\nd: 1\n", 1, 5, ("U+0085 NEXT LINE", "line break")),
    ("paragraph separator", "a: 1\nb: x\u2029y\n", 2, 5, ("U+2029 PARAGRAPH SEPARATOR",)),
    ("lone surrogate", "a: \ud83d\n", 1, 4, ("U+D83D", "not a valid character")),
    ("non-character", "a: \uffff\n", 1, 4, ("U+FFFF", "not a valid character")),
    ("NUL", "a: 1\nb: \x00\n", 2, 4, ("U+0000",)),
]


@pytest.mark.parametrize(
    ("text", "line", "col", "fragments"), [c[1:] for c in SYNTAX], ids=[c[0] for c in SYNTAX]
)
def test_syntax_problems_are_explained_where_the_fix_goes(
    text: str, line: int, col: int, fragments: tuple[str, ...]
) -> None:
    problem = parse("f.yaml", text)
    assert isinstance(problem, Problem), problem
    assert (problem.line, problem.col) == (line, col), str(problem)
    for fragment in fragments:
        assert fragment in problem.message, str(problem)
    assert "\n" not in problem.message and not problem.message[0].isupper()
    assert ";" in problem.message or ":" in problem.message  # what; then how


def test_crlf_and_lone_cr_line_ends_count_lines_as_an_editor_does() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["a: 1", "b: 2", "a: 3", ""])
        problem = parse("f.yaml", text)
        assert isinstance(problem, Problem)
        assert (problem.line, problem.col) == (3, 1), (newline, str(problem))


def test_a_byte_order_mark_in_text_is_not_part_of_the_first_key() -> None:
    root = parse("f.yaml", "\ufeffformat: 1\n")
    assert isinstance(root, YMap) and list(root.entries) == ["format"]
    assert root.keys["format"].col == 1


def test_keys_are_taken_as_written() -> None:
    """YAML 1.1 reads 'no', 'on', '~' and '1' as a boolean, null and a number; as keys
    they are names, so they are reported as unknown fields rather than confusing errors."""
    root = parse("f.yaml", "no: 1\non: 2\n~: 3\n1: 4\n1.5: 5\nnull: 6\n")
    assert isinstance(root, YMap)
    assert list(root.entries) == ["no", "on", "~", "1", "1.5", "null"]


@pytest.mark.parametrize(
    "value", ["!!bool maybe", '!!int ""', "!!int 0x", "!!float ''", "!!int " + "9" * 5000]
)
def test_explicit_standard_tags_that_cannot_be_constructed_keep_their_text(value: str) -> None:
    root = parse("f.yaml", f"a: {value}\n")
    assert isinstance(root, YMap)
    node = root.entries["a"]
    assert isinstance(node, YScalar) and isinstance(node.value, str)


def test_plain_scalars_resolve_as_yaml_does_but_dates_stay_text() -> None:
    root = parse("f.yaml", "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2025-11-04\nf: 2025-11\ng: '1'\n")
    assert isinstance(root, YMap)
    values = {k: v.value for k, v in root.entries.items() if isinstance(v, YScalar)}
    assert values == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "2025-11-04",
        "f": "2025-11",
        "g": "1",
    }


def test_an_empty_document_and_a_bare_document_marker() -> None:
    for text in ("", "\n\n", "# only\n# comments\n", "---\n...\n"):
        result = load_text(Path("x.yaml"), text, "x.yaml")
        assert result.briefing is None and len(result.problems) == 1, text
        p = result.problems[0]
        assert p.line >= 1 and p.col >= 1


def test_decode_reports_the_first_bad_byte_in_characters() -> None:
    data = "a: 1\ntitle: 日本".encode() + b"\xff rest\n"
    problem = decode("f.yaml", data)
    assert isinstance(problem, Problem)
    assert (problem.line, problem.col) == (2, 10)  # 'title: ' is 7, 日 8, 本 9
    assert "byte 0xff" in problem.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfea\x00:\x00", "UTF-16"),
        (b"\xfe\xff\x00a\x00:", "UTF-16"),
        (b"a: \xc3\x28\n", "not UTF-8"),  # a broken two-byte sequence
        (b"a: \xed\xa0\x80\n", "not UTF-8"),  # an encoded surrogate
        (b"a: 1\n\x00\x00\x00", "NUL byte"),
    ],
)
def test_load_bytes_never_raises_on_bad_encodings(data: bytes, fragment: str) -> None:
    result = load_bytes(Path("x.yaml"), data, "x.yaml")
    assert result.briefing is None
    [problem] = result.problems
    assert fragment in problem.message and problem.line >= 1 and problem.col >= 1


BASELINE = (
    Path(__file__).resolve().parent.parent / "catalogue" / "good" / "baseline.yaml"
).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "fragment"),
    [
        ("id: catalogue-baseline", "id:", 3, 4, "the briefing id must be text, but it is nothing"),
        ("  - id: northland", '  - id: ""', 12, 9, "the id of actor #1 is empty"),
        ('    evidence:\n      - "Minister Ana Ruiz said"', "    evidence:", 28, 14, "is empty"),
        ("    by: [northland, southland]\n    when: {precision: month", "    by:\n    when: "
         "{precision: month", 44, 8, "the 'by' of commitment 'customs-data' is empty"),
    ],
)  # fmt: skip
def test_required_values_left_empty_are_problems(
    old: str, new: str, line: int, col: int, fragment: str
) -> None:
    """Found by the property tests: a required id, 'by' or evidence written as 'key:' with
    nothing after it used to pass silently."""
    assert old in BASELINE
    result = load_text(
        Path(__file__).resolve().parent.parent / "catalogue" / "good" / "x.yaml",
        BASELINE.replace(old, new, 1),
        "x.yaml",
    )
    found = [p for p in result.problems if fragment in p.message]
    assert [(p.line, p.col) for p in found] == [(line, col)], [str(p) for p in result.problems]
