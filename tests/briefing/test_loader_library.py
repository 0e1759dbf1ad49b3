"""The library's own problems, at the place of the fault; file names that try to escape."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.cli import main

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue"
BASELINE = (CATALOGUE / "good" / "baseline.yaml").read_text(encoding="utf-8")
PROBLEM_LINE = re.compile(r"^[^\n]+?:\d+:\d+: \S.*$")


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    shutil.copytree(CATALOGUE / "articles", tmp_path / "articles")  # a symlink would leave
    (tmp_path / "lib").mkdir()
    return tmp_path / "lib"


def test_a_reused_briefing_id_is_reported_at_the_second_files_id(lib: Path) -> None:
    (lib / "a.yaml").write_text(BASELINE, encoding="utf-8")
    (lib / "b.yaml").write_text("# a copy\n\n" + BASELINE, encoding="utf-8")
    library = load_library([lib])
    [problem] = library.problems
    assert problem.path.endswith("b.yaml")
    # '# catalogue: ...', 'format: 1', then 'id: ...': line 3 of the baseline, 5 of the copy
    assert (problem.line, problem.col) == (5, 5)
    assert "briefing id 'catalogue-baseline' is already used by" in problem.message
    assert "give this briefing an id of its own" in problem.message
    assert [b.id for b in library.briefings] == ["catalogue-baseline"]


def test_a_reference_into_another_briefing_is_reported_at_the_reference(lib: Path) -> None:
    (lib / "a.yaml").write_text(BASELINE, encoding="utf-8")
    other = BASELINE.replace("catalogue-baseline", "other").replace(
        "    related: [customs-data]",
        "    related: [customs-data, catalogue-baseline:customs-dta, catalogue-baselin:x]",
    )
    (lib / "b.yaml").write_text(other, encoding="utf-8")
    problems = sorted(load_library([lib]).problems, key=lambda p: p.col)
    line = BASELINE.split("\n").index("    related: [customs-data]") + 1
    assert [(p.line, p.col) for p in problems] == [(line, 29), (line, 61)]
    assert "has no item 'customs-dta'; did you mean 'customs-data'?" in problems[0].message
    assert "no briefing 'catalogue-baselin' in the library; did you mean" in problems[1].message


@pytest.mark.parametrize(
    "name", ["evil\x1b]0;pwned\x07.yaml", "two\nlines.yaml", "tab\there.yaml", "rtl\u202e.yaml"]
)
def test_file_names_with_control_characters_stay_one_safe_line(
    lib: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (lib / name).write_text("format: 1\nid: x\n", encoding="utf-8")
    (lib / "good.yaml").write_text(BASELINE, encoding="utf-8")
    assert main(["validate", str(lib)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2, lines  # two missing fields, each on one line
    assert all(PROBLEM_LINE.match(line) for line in lines)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out + err)
    library = load_library([lib])
    assert len(library.results) == 2
    assert [b.id for b in library.briefings] == ["catalogue-baseline"]
