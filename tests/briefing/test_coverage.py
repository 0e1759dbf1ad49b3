"""Coverage, unlinked mentions and TODO markers: the curation warnings of `briefing-tui validate`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing_tui.briefing.coverage import (
    cited_label,
    coverage,
    curation_report,
    number_ranges,
    todo_markers,
)
from briefing_tui.briefing.loader import load_briefing
from briefing_tui.briefing.model import Briefing
from briefing_tui.briefing.problems import Severity
from briefing_tui.cli import main
from tests.conftest import SEED_BRIEFING

# Four one-line paragraphs: four sentences.
ARTICLE = """\
Alice Smith met Bob Jones in Paris.
Smith said the talks went well.
Jones left early from Jonesville.
The weather was cold.
"""

HEAD = """\
format: 1
id: small
title: A small briefing
source:
  file: article.txt
  title: A meeting
  when: {precision: month, month: 2025-11}
"""

ACTORS = """\
actors:
  - id: alice-smith
    name: Alice Smith
    kind: person
    aliases: [Smith]
    evidence: ["Alice Smith met"]
  - id: bob-jones
    name: Bob Jones
    kind: person
    aliases: [Jones]
    evidence: ["Bob Jones in Paris"]
"""

# Sentence 2 is cited only by an item that names Bob, not Alice.
NOT_ABOUT_ALICE = """\
commitments:
  - id: talks
    title: Talks
    kind: intention
    status: stated
    by: [bob-jones]
    when: {precision: month, month: 2025-11}
    evidence: ["Smith said the talks went well"]
"""


def write(tmp_path: Path, body: str, article: str = ARTICLE, name: str = "small.yaml") -> Path:
    (tmp_path / "article.txt").write_text(article, encoding="utf-8")
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def load(path: Path) -> Briefing:
    result = load_briefing(path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.briefing is not None
    return result.briefing


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line of ``path`` containing ``needle``."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def test_coverage_figures_and_uncited_sentences(tmp_path: Path) -> None:
    cov = coverage(load(write(tmp_path, ACTORS + NOT_ABOUT_ALICE)))
    assert cov.total == 4
    assert cov.cited == (1, 2)
    assert cov.uncited == (3, 4)
    assert cov.ratio == 0.5
    assert cov.label() == "2/4 sentences cited (50%)"
    assert cov.is_cited(2) and not cov.is_cited(3)


def test_the_title_bar_label_is_the_coverage_label(tmp_path: Path, seed: Briefing) -> None:
    """cited_label (the first frame's, without looking for mentions) says what
    coverage(...).label() says."""
    half = load(write(tmp_path, ACTORS + NOT_ABOUT_ALICE))
    assert cited_label(half) == coverage(half).label() == "2/4 sentences cited (50%)"
    assert cited_label(seed) == coverage(seed).label()


def test_percent_never_rounds_up_to_full(tmp_path: Path) -> None:
    article = "".join(f"Sentence number {n} is here.\n" for n in range(1, 201))
    body = """\
actors:
  - id: x
    name: Nobody
    kind: person
    evidence:
"""
    body += "".join(f'      - "Sentence number {n} is here."\n' for n in range(1, 200))
    cov = coverage(load(write(tmp_path, body, article)))
    assert (len(cov.cited), cov.total) == (199, 200)
    assert cov.percent == 99  # 99.5% is not shown as 100%
    assert cov.uncited == (200,)
    assert cited_label(load(write(tmp_path, body, article))).endswith("(99%)")


def test_unlinked_mention_positive(tmp_path: Path) -> None:
    """'Smith' in a sentence cited only by an item that does not name Alice is unlinked."""
    cov = coverage(load(write(tmp_path, ACTORS + NOT_ABOUT_ALICE)))
    unlinked = {(m.actor, m.sentence, m.word) for m in cov.unlinked}
    # Sentence 2: cited by 'talks' (Bob's), which does not name Alice.
    # Sentence 3: "Jones" in a sentence no item cites.
    assert unlinked == {("alice-smith", 2, "Smith"), ("bob-jones", 3, "Jones")}
    smith = next(m for m in cov.unlinked if m.actor == "alice-smith")
    assert smith.cited_by == ("talks",)
    assert ARTICLE[smith.start : smith.end] == "Smith"
    assert smith.actor_pos.line == line_of(tmp_path / "small.yaml", "- id: alice-smith")


@pytest.mark.parametrize(
    "naming",
    [
        "    by: [alice-smith]\n",
        "    by: [bob-jones]\n    to: [alice-smith]\n",
    ],
    ids=["by", "to"],
)
def test_unlinked_mention_negative_commitment(tmp_path: Path, naming: str) -> None:
    body = ACTORS + NOT_ABOUT_ALICE.replace("    by: [bob-jones]\n", naming)
    cov = coverage(load(write(tmp_path, body)))
    assert not [m for m in cov.unlinked if m.actor == "alice-smith"]
    assert [m.sentence for m in cov.mentions if m.actor == "alice-smith"] == [1, 2]


@pytest.mark.parametrize(
    "item",
    [
        # an event naming the actor
        "context:\n  - id: ev\n    title: Ev\n    when: {precision: undated}\n"
        "    actors: [alice-smith]\n    evidence: ['Smith said the talks']\n",
        # a note about the actor
        "notes:\n  - id: nt\n    title: Nt\n    text: T\n    about: [alice-smith]\n"
        "    evidence: ['Smith said the talks']\n",
        # the actor itself
        "notes: []\n",
    ],
    ids=["event-actors", "note-about", "the-actor-itself"],
)
def test_unlinked_mention_negative_other_items(tmp_path: Path, item: str) -> None:
    actors = ACTORS
    if item == "notes: []\n":
        actors = ACTORS.replace('["Alice Smith met"]', '["Alice Smith met", "Smith said"]')
    cov = coverage(load(write(tmp_path, actors + item)))
    assert cov.is_cited(2)
    assert not [m for m in cov.unlinked if m.actor == "alice-smith"]


def test_affiliation_makes_an_actor_about_its_affiliate(tmp_path: Path) -> None:
    article = "France sent Marie Curie.\nMarie Curie spoke for France.\n"
    body = """\
actors:
  - id: france
    name: France
    kind: country
    evidence: ["France sent"]
  - id: marie-curie
    name: Marie Curie
    kind: person
    affiliation: france
    evidence: ["Marie Curie spoke"]
"""
    cov = coverage(load(write(tmp_path, body, article)))
    assert cov.cited == (1, 2)
    # "France" in sentence 2 is cited by marie-curie, affiliated with france: linked.
    # The link is one way: the actor france does not name Marie Curie in sentence 1.
    assert [(m.actor, m.sentence) for m in cov.unlinked] == [("marie-curie", 1)]
    assert [(m.sentence, m.linked) for m in cov.mentions if m.actor == "france"] == [
        (1, True),
        (2, True),
    ]


def test_matching_rules(tmp_path: Path) -> None:
    """Case-insensitive, word-bounded, curly = straight apostrophes, acronyms as written,
    and a name inside another actor's longer name is not a mention of it."""
    article = (
        "The envoy met O’Brien.\n"  # alias 'the envoy' in another case; curly apostrophe
        "Brienne and Obrien came.\n"  # neither is a word-bounded O'Brien
        "They told us nothing.\n"  # 'us' is not the acronym US
        "The Washington Post reported it from Washington.\n"
    )
    body = """\
actors:
  - id: envoy
    name: An envoy
    kind: person
    aliases: [the envoy]
    evidence: ["met"]
  - id: obrien
    name: O'Brien
    kind: person
    evidence: ["Brienne"]
  - id: us
    name: US
    kind: country
    evidence: ["They told"]
  - id: washington
    name: Washington
    kind: government
    evidence: ["reported"]
  - id: the-post
    name: Washington Post
    kind: organisation
    evidence: ["The Washington"]
"""
    cov = coverage(load(write(tmp_path, body, article)))
    found = sorted((m.sentence, m.actor, m.word) for m in cov.mentions)
    assert found == [
        (1, "envoy", "The envoy"),
        (1, "obrien", "O’Brien"),
        (4, "the-post", "Washington Post"),
        (4, "washington", "Washington"),  # the second one, "from Washington"
    ]
    second = next(m for m in cov.mentions if m.actor == "washington")
    assert article[second.start - 5 : second.end] == "from Washington"


def test_number_ranges() -> None:
    assert number_ranges([9, 1, 3, 4, 5, 7, 8, 11, 12]) == "1, 3-5, 7-9, 11, 12"
    assert number_ranges([]) == ""
    assert number_ranges([2, 2]) == "2"


def test_todo_markers_point_at_the_field(tmp_path: Path) -> None:
    article = "The TODO list grew.\nBob Jones spoke.\n"
    body = """\
summary: "TODO: write the summary"
actors:
  - id: bob-jones
    name: Bob Jones
    kind: person
    description: Done, not a TODOS or to-do marker
    note: TODO check the role
    evidence: ["The TODO list grew", "Bob Jones"]
"""
    path = write(tmp_path, body, article)
    found = todo_markers(path, "b.yaml")
    assert [(p.line, p.severity) for p in found] == [
        (line_of(path, "summary:"), Severity.WARNING),
        (line_of(path, "note: TODO"), Severity.WARNING),
    ]
    assert "summary" in found[0].message
    assert "the note of actor 'bob-jones'" in found[1].message
    assert found[1].col == len("    note: ") + 1


def test_stub_actor_gets_one_warning_listing_its_mentions(tmp_path: Path) -> None:
    body = ACTORS.replace(
        "    aliases: [Jones]\n", "    aliases: [Jones]\n    note: TODO review (a candidate)\n"
    )
    path = write(tmp_path, body)
    result = load_briefing(path)
    report = curation_report([result])
    jones = [p for p in report.warnings if "bob-jones" in p.message]
    assert len(jones) == 1
    assert "stub marked to review" in jones[0].message
    assert "sentences 1, 3" in jones[0].message
    assert jones[0].line == line_of(path, "- id: bob-jones")
    # Not also a generic TODO warning for the same note.
    assert not [p for p in report.warnings if "is still to do" in p.message]


# -- through the command line ---------------------------------------------------------------

_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): warning: (?P<msg>.*)$")


def test_validate_prints_warnings_and_keeps_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ACTORS + NOT_ABOUT_ALICE)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert all(_LINE.match(line) for line in lines), lines
    parsed = [_LINE.match(line) for line in lines]
    messages = [m["msg"] for m in parsed if m]
    assert any(m.startswith("coverage 2/4 sentences cited (50%)") for m in messages)
    assert any("sentences 3, 4" in m for m in messages)
    smith = [m for m in parsed if m and '"Smith" in sentence 2' in m["msg"]]
    assert len(smith) == 1
    assert int(smith[0]["line"]) == line_of(path, "- id: alice-smith")
    assert "cited only by talks" in smith[0]["msg"]
    assert "0 errors, 3 warnings" in err
    assert "coverage 2/4 sentences (50%)" in err


def test_strict_turns_curation_report_into_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ACTORS + NOT_ABOUT_ALICE)
    assert main(["validate", "--strict", str(path)]) == 1
    capsys.readouterr()


def test_full_coverage_has_no_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = "Alice Smith met Bob Jones.\n"
    body = ACTORS.replace('"Alice Smith met"', '"Alice Smith met Bob Jones."')
    body = body.replace('"Bob Jones in Paris"', '"Bob Jones"')
    path = write(tmp_path, body, article)
    assert main(["validate", "--strict", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "coverage 1/1 sentences (100%)" in err


def test_errors_still_fail_and_warnings_still_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = ACTORS + NOT_ABOUT_ALICE.replace("status: stated", "status: bogus")
    path = write(tmp_path, body)
    assert main(["validate", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert "not one of" in out
    assert "warning: coverage" in out


# -- the seed briefing -----------------------------------------------------------------------


def test_seed_briefing_coverage(seed: Briefing) -> None:
    cov = coverage(seed)
    # Every one of the article's 16 sentences is cited by some item.
    assert (len(cov.cited), cov.total, cov.uncited) == (16, 16, ())
    assert cov.label() == "16/16 sentences cited (100%)"


def test_seed_briefing_has_no_unlinked_mentions(seed: Briefing) -> None:
    """Every actor mention in the seed is cited by an item about that actor.

    (Sentences 7 and 12 name Pakistan; the actor pakistan cites both.)
    """
    cov = coverage(seed)
    assert cov.unlinked == ()
    assert {(m.actor, m.sentence) for m in cov.mentions} >= {("pakistan", 7), ("pakistan", 12)}
    # Mentions that are linked: e.g. "Naqvi" in sentence 2, cited by a commitment by him.
    assert any(m.actor == "mohsin-naqvi" and m.sentence == 2 and m.linked for m in cov.mentions)


def test_seed_validate_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SEED_BRIEFING)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "0 errors; coverage 16/16 sentences (100%)" in err
    assert main(["validate", "--strict", str(SEED_BRIEFING)]) == 0
    capsys.readouterr()


def test_strict_fails_on_a_seed_copy_with_an_unlinked_mention(
    library_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = library_dir / "pakistan-us-security-talks.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('      - "to bolster Pakistan’s counter-narcotics capabilities"\n', "", 1)
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "warning: unlinked mention of actor 'pakistan': \"Pakistan\" in sentence 7" in out
    assert main(["validate", "--strict", str(path)]) == 1
    capsys.readouterr()


def test_report_summary_over_several_briefings(tmp_path: Path) -> None:
    a = write(tmp_path, ACTORS + NOT_ABOUT_ALICE, name="a.yaml")
    b = write(tmp_path, ACTORS.replace("id: small", "id: other"), name="b.yaml")
    b.write_text(b.read_text(encoding="utf-8").replace("id: small", "id: other"), "utf-8")
    report = curation_report([load_briefing(a), load_briefing(b)])
    # a cites sentences 1, 2; b only sentence 1 (both actors quote it): 3 of 8.
    assert report.summary() == "coverage 3/8 sentences (37%)"
