"""The JSON Schema shipped for editors matches the loader, and the seed briefing passes it."""

from __future__ import annotations

import json

import jsonschema
import yaml

from briefing_tui.briefing.schema import SCHEMA_PATH, SECTIONS, json_schema, schema_text
from tests.conftest import SEED_BRIEFING


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
    doc = (SEED_BRIEFING.parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    for section, fields in SECTIONS.items():
        props = (
            schema["properties"]
            if section == "briefing"
            else schema["$defs"][section]["properties"]
        )
        for f in fields:
            assert f.name in props
            assert f"`{f.name}`" in doc, f"docs/format.md does not document `{f.name}`"
