"""Each validation rule, shown failing on a small broken example with its position."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import load_briefing
from tests.conftest import MINIMAL

# the conftest's one-actor briefing, with a second actor and a commitment
VALID = (
    MINIMAL.format(id="small")
    + """\
  - id: united-states
    name: United States
    kind: country
    evidence: ["the United States"]
commitments:
  - id: intensify
    title: Intensify cooperation
    kind: agreement
    status: agreed
    by: [pakistan, united-states]
    when: {precision: month, month: 2025-11}
    evidence: ["agreed to intensify cooperation on security and immigration"]
"""
)

# One broken example a line: name | what of VALID it changes (the first place it stands; *:
# the whole file) | what it writes instead | line:col of the problem | a fragment of its
# message. \n is a line break.
RULES = r"""
unknown top-level field | immigration"]\n | immigration"]\ntitel: x\n | 25:1 | unknown field 'titel' in the briefing; did you mean 'title'?
unknown actor field | evidence: ["the United States"] | nmae: x\n    evidence: ["the United States"] | 16:5 | did you mean 'name'?
duplicate key | title: A small briefing\n | title: A small briefing\ntitle: again\n | 4:1 | duplicate key 'title' (first at line 3)
missing required field | title: A small briefing\n | | 1:1 | missing the required field 'title'
wrong type | title: A small briefing | title: [a, b] | 3:8 | title must be text, but it is a list
bad kind vocabulary | kind: agreement | kind: agreemnt | 20:11 | did you mean 'agreement'?
bad status vocabulary | status: agreed | status: done | 21:13 | is not one of: stated, offered
impossible month | 2025-11}\n    evidence | 2025-13}\n    evidence | 23:37 | '2025-13' is not a month
impossible day | month, month: 2025-11}\n    evidence | day, month: 2025-02, day: 30}\n    evidence | 23:49 | day 30 does not exist in 2025-02
day without day precision | 2025-11}\n    evidence | 2025-11, day: 3}\n    evidence | 23:51 | set precision: day or drop the day
month missing when dated | {precision: month, month: 2025-11} | {precision: month} | 7:9 | needs a month
bad id | id: intensify | id: Intensify Now | 18:9 | is not a valid id
duplicate id | id: intensify | id: pakistan | 18:5 | duplicate id 'pakistan' (first used at line 9)
dangling actor reference | by: [pakistan, united-states] | by: [pakistan, united-sates] | 22:20 | 'united-sates' in intensify's by is not an actor of this briefing; did you mean 'united-states'?
reference to a non-actor | immigration"]\n | immigration"]\n    to: [intensify]\n | 25:10 | is a commitment, not an actor
dangling related | immigration"]\n | immigration"]\n    related: [nothing-here]\n | 25:15 | 'nothing-here' in intensify's related is not an item
dangling affiliation | kind: country | affiliation: asia\n    kind: country | 9:5 | names 'asia', which is not an actor
evidence not verbatim | intensify cooperation on | intensify co-operation on | 24:16 | is not found in the source text; the article matches up to
straight apostrophe for a curly one | evidence: ["agreed | evidence: ["Pakistan's overreliance", "agreed | 24:16 | copy them as written
evidence wrong case | ["agreed to | ["Agreed To | 24:16 | differs from the article in letter case
evidence missing | \n    evidence: ["agreed to intensify cooperation on security and immigration"] | | 18:5 | missing the required field 'evidence'
evidence empty | ["agreed to intensify cooperation on security and immigration"] | [] | 24:15 | quote at least one sentence
source file missing | ../seeds/pakistan-us | ../seeds/pakistan-uk | 5:9 | not found
control character in text | title: A small briefing | title: "A \e[31msmall" | 3:8 | control character U+001B
unsupported format | format: 1 | format: 3 | 1:9 | format 3 is not supported
yaml tag | title: A small briefing | title: !!python/object/apply:os.system [echo hi] | 3:8 | tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed
anchor | title: A small briefing | title: &t A small briefing | 3:8 | anchors (&t) are not allowed
top-level list | * | - a\n- b\n | 1:1 | the top of a briefing must be a mapping
empty file | * | | 1:1 | the file is empty
syntax error | title: A small briefing | title: a: b | 3:9 | invalid YAML
"""


def broken(changed: str, written: str) -> str:
    """VALID with one change of a RULES line."""
    if changed == "*":
        return written
    assert changed in VALID, changed
    return VALID.replace(changed, written, 1)


def rule(row: str) -> tuple[str, str, int, int, str]:
    name, changed, written, at, fragment = (cell.strip() for cell in row.split("|"))
    line, col = at.split(":")
    text = broken(changed.replace("\\n", "\n"), written.replace("\\n", "\n"))
    return name, text, int(line), int(col), fragment


# (name, the file text, line, col, fragment of the message)
CASES = [rule(row) for row in RULES.strip().splitlines()]


@pytest.fixture
def check(library_dir: Path) -> Callable[[str], list[str]]:
    def run(text: str) -> list[str]:
        path = library_dir / "small.yaml"
        path.write_text(text, encoding="utf-8")
        result = load_briefing(path, "small.yaml")
        return [str(p) for p in result.problems]

    return run


def test_the_valid_example_is_clean(check: Callable[[str], list[str]]) -> None:
    assert check(VALID) == []


@pytest.mark.parametrize(
    ("name", "text", "line", "col", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_rule(
    check: Callable[[str], list[str]], name: str, text: str, line: int, col: int, fragment: str
) -> None:
    problems = check(text)
    assert problems, f"{name}: no problem reported"
    matching = [p for p in problems if fragment in p]
    assert matching, problems
    assert matching[0].startswith(f"small.yaml:{line}:{col}: "), matching


def test_a_tag_never_constructs_anything(check: Callable[[str], list[str]], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = VALID.replace(
        "title: A small briefing",
        f"title: !!python/object/apply:os.system ['touch {marker}']",
    )
    assert any("tags" in p for p in check(text))
    assert not marker.exists()


def test_duplicate_briefing_ids_across_files(library_dir: Path) -> None:
    (library_dir / "a.yaml").write_text(VALID, encoding="utf-8")
    (library_dir / "b.yaml").write_text(VALID, encoding="utf-8")
    library = load_library([library_dir])
    msgs = [str(p) for p in library.problems]
    assert any("briefing id 'small' is already used by" in m for m in msgs)
    assert sum(1 for b in library.briefings if b.id == "small") == 1


def test_cross_briefing_reference(library_dir: Path) -> None:
    seed_id = "pk-us-security-talks-2025-11"
    good = VALID + f"    related: [{seed_id}:naqvi-baker-meeting]\n"
    (library_dir / "a.yaml").write_text(good, encoding="utf-8")
    assert not load_library([library_dir]).problems
    bad = VALID + f"    related: [{seed_id}:no-such-item]\n"
    (library_dir / "a.yaml").write_text(bad, encoding="utf-8")
    msgs = [str(p) for p in load_library([library_dir]).problems]
    assert any(f"briefing '{seed_id}' has no item 'no-such-item'" in m for m in msgs), msgs


def test_one_broken_file_does_not_hide_the_others(library_dir: Path) -> None:
    (library_dir / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (library_dir / "small.yaml").write_text(VALID, encoding="utf-8")
    library = load_library([library_dir])
    assert {b.id for b in library.briefings} == {"small", "pk-us-security-talks-2025-11"}
    assert library.errors and all(p.path.endswith("broken.yaml") for p in library.errors)
    assert [r.path.name for r in library.broken] == ["broken.yaml"]
