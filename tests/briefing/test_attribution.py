"""Who says what (format 2): spans, quote overrides, inferred values and every rule.

Each rule is shown failing on a small example, at the position of the field to change, with
a message that says what to write instead; and passing once the example is corrected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_tui.briefing.coverage import curation_report
from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import load_briefing
from briefing_tui.briefing.model import Certainty, Voice
from briefing_tui.briefing.problems import Severity
from briefing_tui.cli import main

ARTICLE = (
    "Northland and Southland agreed to open a joint border office. "
    "Minister Ana Ruiz said the office will cut waiting times for travellers. "
    "He added that scanners were being installed. "
    "Northland appears keen to please Southland.\n"
)

HEAD = """\
format: 2
id: small
title: A small briefing
source:
  file: article.txt
  title: Border office
  when: {precision: month, month: 2026-03}
actors:
  - id: northland
    name: Northland
    kind: country
    evidence: ["Northland and Southland agreed"]
  - id: southland
    name: Southland
    kind: country
    evidence: ["Northland and Southland agreed"]
  - id: ana-ruiz
    name: Ana Ruiz
    kind: person
    affiliation: northland
    aliases: [Ruiz]
    evidence: ["Minister Ana Ruiz"]
"""
COMMITMENTS = """\
commitments:
  - id: open-office
    title: Open a joint border office
    kind: agreement
    status: agreed
    by: [northland, southland]
    when: {precision: month, month: 2026-03}
    evidence: ["agreed to open a joint border office"]
  - id: cut-waiting
    title: Cut waiting times
    kind: intention
    status: stated
    by: [northland]
    when: {precision: month, month: 2026-03}
    evidence: ["the office will cut waiting times for travellers"]
"""
ASSESSMENTS = """\
assessments:
  - id: keen
    title: Northland is keen to please Southland
    about: [northland, southland]
    evidence: ["Northland appears keen to please Southland."]
"""
SPANS = """\
attribution:
  - span: Northland and Southland agreed to open a joint border office.
    speaker: writer
    voice: reported
    actors: [northland, southland]
  - span: Minister Ana Ruiz said the office will cut waiting times for travellers.
    speaker: ana-ruiz
    voice: paraphrased
  - span: He added that scanners were being installed.
    speaker: ana-ruiz
    voice: paraphrased
    certainty: likely
    note: '"He" follows Ruiz; the article names no other speaker.'
  - span: Northland appears keen to please Southland.
    speaker: writer
    voice: analysis
"""
VALID = HEAD + COMMITMENTS + ASSESSMENTS + SPANS


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def problems(lib: Path, text: str) -> list[tuple[int, int, Severity, str]]:
    path = lib / "small.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_briefing(path)
    assert result.briefing is not None, [str(p) for p in result.problems]
    return [(p.line, p.col, p.severity, p.message) for p in result.problems]


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    lines = text.split("\n")
    hits = [i + 1 for i, line in enumerate(lines) if fragment in line]
    return hits[nth - 1]


def test_the_valid_example_is_clean_and_every_quote_is_attributed(lib: Path) -> None:
    assert problems(lib, VALID) == []
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None and b.format == 2 and len(b.spans) == 4
    for it in b.items:
        for ev in it.evidence:
            assert ev.attribution is not None, (it.id, ev.quote)
    cut = b.item("cut-waiting")
    assert cut is not None and cut.evidence[0].attribution is not None
    assert cut.evidence[0].attribution.speaker == "ana-ruiz"
    assert cut.evidence[0].attribution.voice is Voice.PARAPHRASED
    keen = b.item("keen")
    assert keen is not None and keen.item_kind == "assessment"
    assert keen.evidence[0].attribution is not None
    assert keen.evidence[0].attribution.voice is Voice.ANALYSIS


def test_a_sentence_with_no_attribution(lib: Path) -> None:
    text = VALID.replace(
        "  - span: Northland appears keen to please Southland.\n"
        "    speaker: writer\n    voice: analysis\n",
        "",
    )
    found = problems(lib, text)
    assert len(found) == 1
    line, col, severity, message = found[0]
    assert (line, col, severity) == (line_of(text, "attribution:"), 1, Severity.WARNING)
    assert 'sentence 4 ("Northland appears keen' in message
    assert "has no attribution" in message and 'add "- span: Northland appears' in message


def test_part_of_a_sentence_with_no_attribution(lib: Path) -> None:
    text = VALID.replace(
        "  - span: Northland appears keen to please Southland.",
        "  - span: Northland appears keen",
    )
    (found,) = problems(lib, text)
    assert 'part of sentence 4 ("to please Southland")' in found[3]
    assert "widen a span" in found[3]


def test_a_span_that_is_not_in_the_article(lib: Path) -> None:
    text = VALID.replace("  - span: He added that", "  - span: He said that")
    path = lib / "small.yaml"
    path.write_text(text, encoding="utf-8")
    errors = [p for p in load_briefing(path).problems if p.is_error]
    assert errors and errors[0].line == line_of(text, "- span: He said that")
    assert "not found in the source text" in errors[0].message


def test_a_position_with_no_evidence_from_its_makers(lib: Path) -> None:
    # 'stated' by Southland, but only Ruiz (of Northland) said it
    text = VALID.replace("    by: [northland]\n", "    by: [southland]\n")
    (found,) = problems(lib, text)
    line, col, severity, message = found
    assert line == line_of(text, "status: stated") and col == 13
    assert severity is Severity.WARNING
    assert "status 'stated' says southland took a position" in message
    assert "it is Ana Ruiz's" not in message and "Ruiz's" in message
    assert "set 'by' to who said it" in message


def test_an_affiliated_speaker_speaks_for_its_country(lib: Path) -> None:
    # by: [northland], spoken by Ana Ruiz (affiliation: northland): clean (the valid example)
    assert problems(lib, VALID) == []
    # and by the person herself too
    assert problems(lib, VALID.replace("    by: [northland]\n", "    by: [ana-ruiz]\n")) == []


def test_a_reported_agreement_needs_the_parties_named_on_the_span(lib: Path) -> None:
    text = VALID.replace("    actors: [northland, southland]\n", "", 1)
    (found,) = problems(lib, text)
    assert found[0] == line_of(text, "status: agreed")
    assert "status 'agreed' says northland, southland took a position" in found[3]


def test_a_commitment_resting_only_on_analysis_is_an_error(lib: Path) -> None:
    text = VALID.replace(
        '    evidence: ["the office will cut waiting times for travellers"]\n',
        '    evidence: ["Northland appears keen to please Southland."]\n',
    )
    found = problems(lib, text)
    errors = [f for f in found if f[2] is Severity.ERROR]
    (error,) = errors
    assert error[0] == line_of(text, "- id: cut-waiting")
    assert "rests only on the writer's analysis: it is an assessment" in error[3]
    assert "move it under assessments" in error[3]
    assert not load_briefing(lib / "small.yaml").ok


def test_to_naming_an_actor_the_evidence_does_not_address(lib: Path) -> None:
    text = VALID.replace("    by: [northland]\n", "    by: [northland]\n    to: [southland]\n")
    (found,) = problems(lib, text)
    assert found[0] == line_of(text, "to: [southland]") and found[1] == 10
    assert "'to' names 'southland', but no evidence of 'cut-waiting' addresses it" in found[3]
    assert "remove it from 'to'" in found[3]


def test_to_is_fine_when_the_evidence_addresses_the_actor(lib: Path) -> None:
    article = ARTICLE.replace("for travellers", "to Southland")
    (lib / "article.txt").write_text(article, encoding="utf-8")
    text = VALID.replace("for travellers", "to Southland")
    text = text.replace("    by: [northland]\n", "    by: [northland]\n    to: [southland]\n")
    assert problems(lib, text) == []


def test_a_status_reserved_for_another_kind(lib: Path) -> None:
    text = VALID.replace("    status: stated\n", "    status: welcomed\n")
    (found,) = problems(lib, text)
    assert found[0] == line_of(text, "status: welcomed")
    assert "status 'welcomed' is for a commitment of kind offer" in found[3]
    assert "'cut-waiting' is of kind intention" in found[3]
    assert "use one of: stated, reaffirmed" in found[3]


def test_an_inferred_value_without_a_basis(lib: Path) -> None:
    text = VALID.replace(
        '    evidence: ["Minister Ana Ruiz"]\n',
        '    evidence: ["Minister Ana Ruiz"]\n    inferred:\n      role: ""\n',
    )
    (found,) = problems(lib, text)
    assert found[:3] == (line_of(text, 'role: ""'), 7, Severity.WARNING)[:3] or found[0] == (
        line_of(text, 'role: ""')
    )
    assert "the inferred role of actor 'ana-ruiz' has no basis" in found[3]
    fixed = text.replace('role: ""', "role: the article says only Minister")
    assert problems(lib, fixed) == []
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None
    ruiz = b.item("ana-ruiz")
    assert ruiz is not None and ruiz.inferred[0].field == "role"


def test_an_inferred_field_that_does_not_exist(lib: Path) -> None:
    text = VALID.replace(
        '    evidence: ["Minister Ana Ruiz"]\n',
        '    evidence: ["Minister Ana Ruiz"]\n    inferred: {rank: outside knowledge}\n',
    )
    (found,) = problems(lib, text)
    assert found[2] is Severity.ERROR
    assert "'rank' under inferred is not a field of actor 'ana-ruiz'" in found[3]


def test_an_uncertain_attribution_needs_a_note(lib: Path) -> None:
    text = VALID.replace(
        "    certainty: likely\n    note: '\"He\" follows Ruiz; the article names no other speaker.'\n",
        "    certainty: uncertain\n",
    )
    (found,) = problems(lib, text)
    assert found[0] == line_of(text, "- span: He added that")
    assert "'uncertain' but says not why; add note:" in found[3]


def test_an_unknown_speaker_is_an_error_with_the_words_to_use(lib: Path) -> None:
    text = VALID.replace("    speaker: ana-ruiz\n", "    speaker: ana-ruis\n", 1)
    found = problems(lib, text)
    error = next(f for f in found if f[2] is Severity.ERROR)
    assert error[0] == line_of(text, "- span: Minister Ana Ruiz")
    assert "'ana-ruis', which is not an actor" in error[3]
    assert "'writer' (the article's own voice) or 'unknown'" in error[3]


def test_the_writer_cannot_be_paraphrased(lib: Path) -> None:
    text = VALID.replace(
        "    speaker: writer\n    voice: analysis\n", "    speaker: writer\n    voice: quoted\n"
    )
    found = problems(lib, text)
    assert any("'quoted' but its speaker is the writer" in f[3] for f in found)


def test_a_quote_overrides_its_span(lib: Path) -> None:
    text = VALID.replace(
        '    evidence: ["the office will cut waiting times for travellers"]\n',
        "    evidence:\n"
        "      - quote: the office will cut waiting times for travellers\n"
        "        speaker: unknown\n"
        "        voice: paraphrased\n"
        "        certainty: uncertain\n"
        "        note: the article may be quoting a press release\n",
    )
    found = problems(lib, text)
    # now nobody of Northland says it: the position rule names the quote's own speaker
    assert [f[3] for f in found if "took a position" in f[3]]
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None
    cut = b.item("cut-waiting")
    assert cut is not None
    (ev,) = cut.evidence
    assert ev.overridden and ev.attribution is not None
    assert ev.attribution.speaker == "unknown" and ev.attribution.certainty is Certainty.UNCERTAIN
    assert ev.sentences == (2,)


def test_a_quote_straddling_two_speakers(lib: Path) -> None:
    text = VALID.replace(
        '    evidence: ["the office will cut waiting times for travellers"]\n',
        '    evidence: ["border office. Minister Ana Ruiz"]\n',
    )
    found = problems(lib, text)
    straddle = [f for f in found if "spans several speakers" in f[3]]
    assert straddle and straddle[0][0] == line_of(text, '"border office. Minister Ana Ruiz"')
    assert "(the writer and Ruiz)" in straddle[0][3]
    assert "split it into one quote per span" in straddle[0][3]


def test_key_judgements_and_unknowns_name_items(lib: Path) -> None:
    text = VALID + (
        "key_judgements:\n"
        "  - text: The office is agreed; nothing else is.\n"
        "    cites: [open-office, no-such]\n"
        "unknowns:\n"
        "  - question: When does the office open?\n"
        "    about: [open-office]\n"
        "source_assessment:\n"
        "  outlet: none given\n"
        "  direct_quotes: 0\n"
    )
    found = problems(lib, text)
    assert [f[:3] for f in found] == [(line_of(text, "- text: The office"), 5, Severity.ERROR)]
    assert "cites 'no-such', which is not an item" in found[0][3]
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None and b.unknowns[0].about == ("open-office",)
    assert b.source_assessment is not None and b.source_assessment.direct_quotes == 0


def test_an_inferred_year_is_marked_wherever_a_date_is_shown(lib: Path) -> None:
    text = VALID.replace(
        "actors:\n", "dating: {year: 2026, reason: the article gives no year}\nactors:\n", 1
    )
    assert problems(lib, text) == []
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None
    assert b.source.when.year_inferred and b.source.when.label() == "Mar 2026*"
    assert problems(lib, VALID) == []
    b = load_briefing(lib / "small.yaml").briefing
    assert b is not None and b.source.when.label() == "Mar 2026"


def test_format_1_still_loads_with_a_note_and_no_attribution_rules(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = HEAD.replace("format: 2", "format: 1") + COMMITMENTS
    path = lib / "small.yaml"
    path.write_text(old, encoding="utf-8")
    result = load_briefing(path)
    assert result.ok and result.problems == ()
    (note,) = result.notes
    assert note.severity is Severity.NOTE and note.line == 1 and note.col == 9
    assert "format 1: this briefing says nothing of who says what" in note.message
    assert "write format: 2 and add an attribution: list" in note.message
    assert curation_report([result]).notes == (note,)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "note: format 1" in err and "format 1" not in out  # a note is not a problem
    assert "0 errors" in err


def test_validate_strict_fails_on_an_attribution_warning(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("    by: [northland]\n", "    by: [southland]\n")
    (lib / "small.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", str(lib)]) == 0
    assert main(["validate", "--strict", str(lib)]) == 1
    out, _ = capsys.readouterr()
    assert f"small.yaml:{line_of(text, 'status: stated')}:13: warning: status 'stated'" in out
    assert not load_library([lib]).errors
