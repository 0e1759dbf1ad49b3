"""The JSON Schema shipped for editors matches the loader, and the seed briefing passes it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from briefing_tui.briefing.loader import load_text
from briefing_tui.briefing.schema import (
    DOCS_COMMAND,
    SCHEMA_PATH,
    SECTIONS,
    Field,
    json_schema,
    schema_text,
    update_docs,
)
from tests.conftest import SEED_BRIEFING

FORMAT_MD = SEED_BRIEFING.parent.parent / "docs" / "format.md"


def test_shipped_schema_is_generated_from_the_field_declarations() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "regenerate with: briefing-tui schema --print > briefing_tui/briefing/briefing.schema.json"
    )


def test_schema_is_valid_and_the_seed_passes() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = yaml.safe_load(SEED_BRIEFING.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert errors == []


def test_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    doc = yaml.safe_load(SEED_BRIEFING.read_text(encoding="utf-8"))
    doc["titel"] = "x"
    doc["actors"][0]["kind"] = "planet"
    doc["commitments"][0]["when"] = {"precision": "month"}
    messages = [e.message for e in validator.iter_errors(doc)]
    assert any("titel" in m for m in messages)
    assert any("planet" in m for m in messages)
    assert any("'month' is a required property" in m for m in messages)


def test_every_declared_field_is_in_the_schema_and_documented() -> None:
    schema = json_schema()
    doc = FORMAT_MD.read_text(encoding="utf-8")
    for section, fields in SECTIONS.items():
        props = (
            schema["properties"]
            if section == "briefing"
            else schema["$defs"][section]["properties"]
        )
        for f in fields:
            assert f.name in props
            assert f"`{f.name}`" in doc, f"docs/format.md does not document `{f.name}`"


def test_docs_field_tables_are_generated_from_the_table() -> None:
    text = FORMAT_MD.read_text(encoding="utf-8")
    marked = set(re.findall(r"<!-- fields: ([a-z_]+) -->", text))
    assert marked == set(SECTIONS), "every section has its generated table in docs/format.md"
    assert update_docs(text) == text, f"docs/format.md is stale; regenerate with: {DOCS_COMMAND}"


def test_docs_are_regenerated_between_the_markers_only() -> None:
    stale = "before\n<!-- fields: judgement -->\n| old |\n<!-- /fields -->\nafter\n"
    fresh = update_docs(stale)
    assert fresh.startswith("before\n<!-- fields: judgement -->\n| field | required |")
    assert fresh.endswith("<!-- /fields -->\nafter\n")
    assert "| `cites` | yes, at least one | list of item ids |" in fresh and "| old |" not in fresh


RANK = Field("rank", "int", doc="Its rank.", minimum=1, bad="{label} is {value}; ranks start at 1")


def test_adding_a_field_is_one_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One row added to (a copy of) the table: the checker, the schema and the docs all see it."""
    article = tmp_path / "a.txt"
    article.write_text("Pakistan and the United States agreed.\n", encoding="utf-8")
    text = (
        "format: 1\nid: small\ntitle: T\nsource:\n  file: a.txt\n  title: T\n"
        "  when: {precision: undated}\nactors:\n  - id: pakistan\n    name: Pakistan\n"
        "    kind: country\n    rank: {rank}\n    evidence: [Pakistan]\n"
    )
    before = load_text(tmp_path / "b.yaml", text.replace("{rank}", "2"))
    assert [p.message[:30] for p in before.problems] == ["unknown field 'rank' in actor "]

    monkeypatch.setitem(SECTIONS, "actor", (*SECTIONS["actor"], RANK))
    assert load_text(tmp_path / "b.yaml", text.replace("{rank}", "2")).problems == ()
    wrong = load_text(tmp_path / "b.yaml", text.replace("{rank}", "0")).problems
    assert [(p.line, p.col, p.message) for p in wrong] == [
        (12, 11, "the rank of actor 'pakistan' is 0; ranks start at 1")
    ]
    typed = load_text(tmp_path / "b.yaml", text.replace("{rank}", "first")).problems
    assert [p.message.split(";")[0] for p in typed] == [
        "the rank of actor 'pakistan' must be a whole number, but it is text"
    ]

    rank = json_schema()["$defs"]["actor"]["properties"]["rank"]
    assert rank == {"type": "integer", "minimum": 1, "description": "Its rank."}
    docs = update_docs("<!-- fields: actor -->\n<!-- /fields -->\n")
    assert "| `rank` | no | whole number, 1 or more | its rank |" in docs
