"""The briefing format's fields, declared once.

The loader checks files against these declarations and the JSON Schema shipped for
editors (``briefing_tui/briefing/briefing.schema.json``) is generated from them, so
the two can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from briefing_tui.briefing.model import (
    ActorKind,
    Certainty,
    CommitmentKind,
    Precision,
    Status,
    Voice,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
FORMAT_VERSION = 2
FORMATS = (1, 2)  # the versions this briefing-tui reads; 1 has no attribution

Kind = Literal[
    "text", "id", "ids", "texts", "int", "enum", "month", "section", "list", "quotes", "inferred"
]

# Statuses that say someone took a position: a commitment with one of them needs
# evidence spoken by (or reporting an act of) one of its 'by' actors.
POSITION_STATUSES = frozenset(
    {Status.STATED, Status.OFFERED, Status.WELCOMED, Status.AGREED, Status.REAFFIRMED}
)
# The kinds of commitment each status is meant for.
STATUS_KINDS: dict[Status, tuple[CommitmentKind, ...]] = {
    Status.STATED: (
        CommitmentKind.INTENTION,
        CommitmentKind.PLEDGE,
        CommitmentKind.POLICY,
        CommitmentKind.PLAN,
    ),
    Status.OFFERED: (CommitmentKind.OFFER,),
    Status.WELCOMED: (CommitmentKind.OFFER,),
    Status.AGREED: (CommitmentKind.AGREEMENT,),
    Status.REAFFIRMED: (
        CommitmentKind.PLEDGE,
        CommitmentKind.POLICY,
        CommitmentKind.AGREEMENT,
        CommitmentKind.INTENTION,
    ),
    Status.PLANNED: (CommitmentKind.PLAN,),
    Status.UNDERWAY: (CommitmentKind.PLAN, CommitmentKind.POLICY),
}
SPEAKER_DOC = "An actor id, 'writer' (the article's own voice) or 'unknown'."
INFERRED_DOC = (
    "Fields whose value is inferred or outside knowledge, each with its basis: "
    "{name: 'the article says only Mr Trump'}."
)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    doc: str = ""
    enum: type[StrEnum] | None = None
    section: str | None = None  # for kind "section" / "list": the section it holds


SECTIONS: dict[str, tuple[Field, ...]] = {
    "briefing": (
        Field("format", "int", True, "The format version: 2 (1 still loads, without attribution)."),
        Field("id", "id", True, "The briefing's id, unique in the library."),
        Field("title", "text", True, "The briefing's title."),
        Field("summary", "text", False, "A short summary for the briefing switcher."),
        Field("source", "section", True, "The article this briefing reads.", section="source"),
        Field(
            "dating",
            "section",
            False,
            "How a year the article omits was inferred.",
            section="dating",
        ),
        Field(
            "actors",
            "list",
            False,
            "People, organisations, countries, governments, groups.",
            section="actor",
        ),
        Field(
            "commitments",
            "list",
            False,
            "Agreements, offers, pledges, policies, plans, intentions.",
            section="commitment",
        ),
        Field("context", "list", False, "Dated background events.", section="event"),
        Field("notes", "list", False, "Attribution and curation notes.", section="note"),
        Field(
            "assessments",
            "list",
            False,
            "The writer's own judgements and analysis (not commitments).",
            section="assessment",
        ),
        Field(
            "attribution",
            "list",
            False,
            "Who says what, once per span (a sentence or a clause) of the article.",
            section="span",
        ),
        Field(
            "key_judgements",
            "list",
            False,
            "The bottom line: a few judgements, each citing items.",
            section="judgement",
        ),
        Field("unknowns", "list", False, "Open questions the article leaves.", section="unknown"),
        Field(
            "source_assessment",
            "section",
            False,
            "How far the article can be trusted: outlet, dateline, whose account it follows.",
            section="source_assessment",
        ),
    ),
    "source": (
        Field("file", "text", True, "The article's text file, relative to the briefing file."),
        Field("title", "text", True, "The article's headline."),
        Field("when", "section", True, "The article's date.", section="when"),
        Field("place", "text", False, "Where it was reported from."),
        Field("publisher", "text", False, "Who published it."),
        Field("url", "text", False, "Where it was published."),
    ),
    "dating": (
        Field("year", "int", True, "The inferred year."),
        Field("reason", "text", True, "Why: the words of the article it rests on."),
    ),
    "when": (
        Field("precision", "enum", True, "How precisely the date is known.", enum=Precision),
        Field("month", "month", False, "YYYY-MM; required unless undated."),
        Field("day", "int", False, "The day of the month; with precision 'day' only."),
        Field("qualifier", "text", False, "Shown in parentheses: 'a Saturday'."),
        Field("basis", "text", False, "Why this date: the words it rests on, any inference."),
    ),
    "actor": (
        Field(
            "id",
            "id",
            True,
            "Unique in the briefing; the same id across briefings is the same actor.",
        ),
        Field("name", "text", True, "The name in full, or a descriptive name."),
        Field("kind", "enum", True, "What kind of actor.", enum=ActorKind),
        Field("role", "text", False, "Title or role: 'Interior Minister'."),
        Field("affiliation", "id", False, "Id of the actor this one belongs to or acts for."),
        Field("aliases", "texts", False, "Other names the text uses: 'Naqvi'."),
        Field("description", "text", False, "Who the actor is, from the article only."),
        Field("note", "text", False, "An attribution or curation note."),
        Field("evidence", "quotes", True, "Verbatim quotes of the article."),
        Field("inferred", "inferred", False, INFERRED_DOC),
    ),
    "commitment": (
        Field("id", "id", True, "Unique in the briefing."),
        Field("title", "text", True, "What was committed, in a line."),
        Field("kind", "enum", True, "What kind of commitment.", enum=CommitmentKind),
        Field("status", "enum", True, "Where it stands, as far as the article says.", enum=Status),
        Field("by", "ids", True, "Ids of the actors who made it."),
        Field("to", "ids", False, "Ids of the actors it is made to."),
        Field("topics", "texts", False, "Lower-case topic words."),
        Field("when", "section", True, "When it was made.", section="when"),
        Field("summary", "text", False, "A longer description."),
        Field("note", "text", False, "An attribution or curation note."),
        Field(
            "related",
            "ids",
            False,
            "Ids of related commitments, events or notes "
            "(BRIEFING-ID:ITEM-ID for another briefing's).",
        ),
        Field("evidence", "quotes", True, "Verbatim quotes of the article."),
        Field("inferred", "inferred", False, INFERRED_DOC),
    ),
    "event": (
        Field("id", "id", True, "Unique in the briefing."),
        Field("title", "text", True, "What happened, in a line."),
        Field("when", "section", True, "When it happened.", section="when"),
        Field("actors", "ids", False, "Ids of the actors involved."),
        Field("topics", "texts", False, "Lower-case topic words."),
        Field("summary", "text", False, "A longer description."),
        Field("note", "text", False, "An attribution or curation note."),
        Field("related", "ids", False, "Ids of related commitments, events or notes."),
        Field("evidence", "quotes", True, "Verbatim quotes of the article."),
        Field("inferred", "inferred", False, INFERRED_DOC),
    ),
    "note": (
        Field("id", "id", True, "Unique in the briefing."),
        Field("title", "text", True, "The question or point, in a line."),
        Field("text", "text", True, "The note."),
        Field("about", "ids", False, "Ids of the items the note is about."),
        Field("evidence", "quotes", False, "Verbatim quotes of the article."),
        Field("inferred", "inferred", False, INFERRED_DOC),
    ),
    "assessment": (
        Field("id", "id", True, "Unique in the briefing."),
        Field("title", "text", True, "The judgement, in a line."),
        Field("about", "ids", False, "Ids of the actors or items it is about."),
        Field("topics", "texts", False, "Lower-case topic words."),
        Field("when", "section", False, "When it holds, if the article says.", section="when"),
        Field("summary", "text", False, "A longer description."),
        Field("note", "text", False, "A curation note."),
        Field("related", "ids", False, "Ids of related items."),
        Field("evidence", "quotes", True, "Verbatim quotes of the article."),
        Field("inferred", "inferred", False, INFERRED_DOC),
    ),
    "span": (
        Field("span", "text", True, "A verbatim run of the article: a sentence or a clause."),
        Field("speaker", "id", True, SPEAKER_DOC),
        Field("voice", "enum", True, "How the span says it.", enum=Voice),
        Field("certainty", "enum", False, "How sure the attribution is.", enum=Certainty),
        Field("note", "text", False, "Why the attribution is not certain."),
        Field("actors", "ids", False, "For a reported span: the actors whose act it reports."),
    ),
    "quote": (
        Field("quote", "text", True, "A verbatim quote of the article."),
        Field("speaker", "id", False, SPEAKER_DOC),
        Field("voice", "enum", False, "How the quote says it.", enum=Voice),
        Field("certainty", "enum", False, "How sure the attribution is.", enum=Certainty),
        Field("note", "text", False, "Why the attribution is not certain."),
        Field("actors", "ids", False, "For a reported quote: the actors whose act it reports."),
    ),
    "judgement": (
        Field("text", "text", True, "The judgement, in a sentence."),
        Field("cites", "ids", True, "Ids of the items it rests on."),
    ),
    "unknown": (
        Field("question", "text", True, "What the article leaves open."),
        Field("about", "ids", False, "Ids of the items it concerns."),
        Field("note", "text", False, "Why it matters, or what would settle it."),
    ),
    "source_assessment": (
        Field("outlet", "text", False, "Who published it, or that the article does not say."),
        Field("dateline", "text", False, "The dateline, or that there is none."),
        Field("readout", "text", False, "Whose readout or account the article follows."),
        Field("direct_quotes", "int", False, "How many direct quotes the article has."),
        Field("balance", "text", False, "One-sided or not, and why."),
        Field("note", "text", False, "Anything else a reader should weigh."),
    ),
}


def _field_schema(f: Field) -> dict[str, Any]:
    base: dict[str, Any]
    if f.kind == "text":
        base = {"type": "string"}
    elif f.kind == "id":
        base = {"type": "string", "pattern": ID_PATTERN}
    elif f.kind == "int":
        base = {"type": "integer"}
        if f.name == "format":
            base = {"enum": list(FORMATS)}
        elif f.name == "direct_quotes":
            base = {"type": "integer", "minimum": 0}
        elif f.name == "day":
            base = {"type": "integer", "minimum": 1, "maximum": 31}
    elif f.kind == "month":
        base = {"type": "string", "pattern": MONTH_PATTERN}
    elif f.kind == "enum":
        assert f.enum is not None
        base = {"enum": [e.value for e in f.enum]}
    elif f.kind == "ids":
        base = {
            "type": "array",
            "items": {"type": "string", "pattern": r"^([a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*$"},
        }
    elif f.kind == "texts":
        base = {"type": "array", "items": {"type": "string"}}
    elif f.kind == "quotes":
        quote = {"type": "string", "minLength": 1}
        base = {"type": "array", "items": {"anyOf": [quote, {"$ref": "#/$defs/quote"}]}}
        if f.required:
            base["minItems"] = 1
    elif f.kind == "inferred":
        base = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
    elif f.kind == "section":
        base = {"$ref": f"#/$defs/{f.section}"}
    else:  # list
        base = {"type": "array", "items": {"$ref": f"#/$defs/{f.section}"}}
    if f.doc:
        base["description"] = f.doc
    return base


def _section_schema(name: str) -> dict[str, Any]:
    fields = SECTIONS[name]
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }
    if name == "when":
        schema["if"] = {"properties": {"precision": {"not": {"const": "undated"}}}}
        schema["then"] = {"required": ["month"]}
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a briefing file, generated from :data:`SECTIONS`."""
    schema = _section_schema("briefing")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://briefing-tui.invalid/schema/briefing-2.json",
        "title": "briefing-tui briefing",
        "description": "A hand-curated briefing of one news article. See docs/format.md.",
        **schema,
        "$defs": {name: _section_schema(name) for name in SECTIONS if name != "briefing"},
    }


SCHEMA_PATH = Path(__file__).parent / "briefing.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
