"""The briefing format's fields, declared once.

:data:`SECTIONS` is the one field table. The loader's checker reads every section through
it (required fields, types, vocabularies, references, the words of each problem), the JSON
Schema shipped for editors (``briefing_tui/briefing/briefing.schema.json``) is generated from
it, and so are the field tables of docs/format.md (``python -m briefing_tui.briefing.schema
--docs docs/format.md`` rewrites them between their marker comments). Adding a field to the
format is one row here; showing it in the app needs the model to hold it.
"""

from __future__ import annotations

import json
import re
import sys
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
REF_PATTERN = r"^([a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*$"
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


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a section: how it is checked, described in the schema and documented."""

    name: str
    kind: Kind
    required: bool = False
    doc: str = ""  # one line: the schema's description, and the hint when it is missing
    enum: type[StrEnum] | None = None
    section: str | None = None  # for kind "section" / "list": the section it holds
    more: str = ""  # the meaning in docs/format.md, where it says more than ``doc``
    label: str = ""  # how a problem names it ({name}, {what}); default: LABELS
    target: Literal["actor", "item"] = "item"  # ids: what they must name
    relation: str = ""  # ids of an item: the link it records (default: the name)
    default: StrEnum | None = None  # enum: what a missing or unknown word reads as
    example: str = ""  # int: what a problem suggests writing (default: "{name}: 3")
    minimum: int | None = None  # int: the bounds (schema; the checker with ``bad``)
    maximum: int | None = None
    bad: str = ""  # int out of its bounds: the problem ({label}, {value})
    unless: tuple[str, str] | None = None  # required unless that field has that value
    only_if: tuple[str, str] | None = None  # required if, and allowed only if, that value


# How a problem names a field of each section ({what}: the item, e.g. "actor 'naqvi'");
# references, nested sections and evidence are named alike everywhere (KIND_LABELS).
LABELS = {
    "briefing": "{name}",
    "source": "source.{name}",
    "dating": "dating.{name}",
    "when": "{what}: {name}",
    "actor": "the {name} of {what}",
    "commitment": "the {name} of {what}",
    "event": "the {name} of {what}",
    "note": "the {name} of {what}",
}
DEFAULT_LABEL = "{name} of {what}"
KIND_LABELS = {
    "ids": "the '{name}' of {what}",
    "section": "the '{name}' of {what}",
    "quotes": "the evidence of {what}",
    "inferred": "{what}",
}


def label(section: str, f: Field, what: str) -> str:
    """How a problem names field ``f`` of ``what`` (an item of ``section``)."""
    template = f.label or KIND_LABELS.get(f.kind) or LABELS.get(section, DEFAULT_LABEL)
    return template.format(name=f.name, what=what)


# Rows that several sections share, declared once.
SPEAKER_DOC = "An actor id, 'writer' (the article's own voice) or 'unknown'."
INFERRED = Field(
    "inferred",
    "inferred",
    doc="Fields whose value is inferred or outside knowledge, each with its basis: "
    "{name: 'the article says only Mr Trump'}.",
    more="values that are inferred or outside knowledge, one `field: basis` a line "
    "(see [Inferred values](#inferred-values))",
)
EVIDENCE = Field("evidence", "quotes", True, "Verbatim quotes of the article.")
ID = Field("id", "id", True, "Unique in the briefing.")
TOPICS = Field(
    "topics",
    "texts",
    doc="Lower-case topic words.",
    more=("lower-case topic words: `security`, `narcotics`, `immigration`, `trade` ..."),
)
SUMMARY = Field("summary", "text", doc="A longer description.")
NOTE = Field("note", "text", doc="An attribution or curation note.")
RELATED = Field(
    "related",
    "ids",
    doc="Ids of related items (BRIEFING-ID:ITEM-ID for another briefing's).",
    more="ids of other commitments, context events, notes or assessments in the briefing, or "
    "`BRIEFING-ID:ITEM-ID` for an item of another briefing",
)
CERTAINTY = Field(
    "certainty",
    "enum",
    doc="How sure the attribution is.",
    enum=Certainty,
    more="`certain` (the default), `likely`, `uncertain`; with `likely` or "
    "`uncertain` write a `note`",
)
WHY_UNCERTAIN = Field("note", "text", doc="Why the attribution is not certain.")
SECTIONS: dict[str, tuple[Field, ...]] = {
    "briefing": (
        Field(
            "format",
            "int",
            True,
            "The format version: 2 (1 still loads, without attribution).",
            more="the format version; `1` still loads (see [Format 1](#format-1))",
            example=f"format: {FORMAT_VERSION}",
            minimum=min(FORMATS),
            maximum=max(FORMATS),
            bad="format {value} is not supported; this version of briefing-tui reads format "
            f"{FORMAT_VERSION}: write format: {FORMAT_VERSION}",
        ),
        Field(
            "id", "id", True, "The briefing's id, unique in the library.", label="the briefing id"
        ),
        Field("title", "text", True, "The briefing's title."),
        Field("summary", "text", False, "A short summary for the briefing switcher."),
        Field("source", "section", True, "The article this briefing reads.", section="source"),
        Field(
            "dating", "section", doc="How a year the article omits was inferred.", section="dating"
        ),
        Field(
            "actors",
            "list",
            doc="People, organisations, countries, governments, groups.",
            section="actor",
        ),
        Field(
            "commitments",
            "list",
            doc="Agreements, offers, pledges, policies, plans, intentions.",
            section="commitment",
        ),
        Field("context", "list", doc="Dated background events.", section="event"),
        Field("notes", "list", doc="Attribution and curation notes.", section="note"),
        Field(
            "assessments",
            "list",
            doc="The writer's own judgements and analysis (not commitments).",
            section="assessment",
        ),
        Field(
            "attribution",
            "list",
            doc="Who says what, once per span (a sentence or a clause) of the article.",
            more="spans: who says what; every sentence should be covered",
            section="span",
        ),
        Field(
            "key_judgements",
            "list",
            doc="The bottom line: a few judgements, each citing items.",
            section="judgement",
        ),
        Field("unknowns", "list", doc="Open questions the article leaves.", section="unknown"),
        Field(
            "source_assessment",
            "section",
            doc="How far the article can be trusted: outlet, dateline, whose account it follows.",
            section="source_assessment",
        ),
    ),
    "source": (
        Field(
            "file",
            "text",
            True,
            "The article's text file, relative to the briefing file.",
            more="the article's text file, relative to the briefing file; it must exist "
            "and be UTF-8",
        ),
        Field(
            "title",
            "text",
            True,
            "The article's headline.",
            more="the article's headline (or a descriptive title when it has none)",
        ),
        Field(
            "when", "section", True, "The article's date.", section="when", label="source.{name}"
        ),
        Field("place", "text", doc="Where it was reported from."),
        Field("publisher", "text", doc="Who published it."),
        Field("url", "text", doc="Where it was published."),
    ),
    "dating": (
        Field(
            "year",
            "int",
            True,
            "The inferred year.",
            example="year: 2025",
            minimum=1900,
            maximum=2200,
            bad="{label} {value} is not a plausible year; give the year in full, e.g. 2025",
        ),
        Field("reason", "text", True, "Why: the words of the article it rests on."),
    ),
    "when": (
        Field(
            "precision",
            "enum",
            True,
            "How precisely the date is known.",
            enum=Precision,
            default=Precision.UNDATED,
            more="`day` (the day is known), `month` (the month is known), `approximate` "
            '(a rough period such as "in recent months"), or `undated`',
        ),
        Field(
            "month",
            "month",
            doc="YYYY-MM; required unless undated.",
            more="a real month",
            unless=("precision", "undated"),
        ),
        Field(
            "day",
            "int",
            doc="The day of the month; with precision 'day' only.",
            more="a real day of that month",
            example="day: 15",
            minimum=1,
            maximum=31,
            only_if=("precision", "day"),
        ),
        Field(
            "qualifier",
            "text",
            doc="Shown in parentheses: 'a Saturday'.",
            more="shown in parentheses after the date: `a Saturday`, `earlier in the month`",
        ),
        Field(
            "basis",
            "text",
            doc="Why this date: the words it rests on, any inference.",
            more="why this date: which words of the article it rests on, and any inference",
        ),
    ),
    "actor": (
        Field(
            "id",
            "id",
            True,
            "Unique in the briefing; the same id across briefings is the same actor.",
        ),
        Field(
            "name",
            "text",
            True,
            "The name in full, or a descriptive name.",
            more="the name as the article gives it in full (or a descriptive name for an "
            'unnamed actor: "Islamabad\'s envoy")',
        ),
        Field(
            "kind",
            "enum",
            True,
            "What kind of actor.",
            enum=ActorKind,
            default=ActorKind.PERSON,
            more="what kind of actor: a `government` is an administration, a `group` a loose "
            "collective",
        ),
        Field("role", "text", doc="Title or role: 'Interior Minister'."),
        Field(
            "affiliation",
            "id",
            doc="Id of the actor this one belongs to or acts for.",
            more="another actor's id: the country, government or organisation the actor "
            "belongs to or acts for",
        ),
        Field(
            "aliases",
            "texts",
            doc="Other names the text uses: 'Naqvi'.",
            more='other names the text uses for the actor: "Naqvi", "the interior '
            'minister", "Islamabad"',
        ),
        Field("description", "text", doc="Who the actor is, from the article only."),
        NOTE,
        EVIDENCE,
        INFERRED,
    ),
    "commitment": (
        ID,
        Field("title", "text", True, "What was committed, in a line."),
        Field(
            "kind",
            "enum",
            True,
            "What kind of commitment.",
            enum=CommitmentKind,
            default=CommitmentKind.INTENTION,
            more="`agreement` (parties agree), `offer` (one offers another), `pledge` (a "
            "promise, or a reaffirmed commitment), `policy` (a standing policy being "
            "applied), `plan` (something announced to be done), `intention` (a stated wish "
            "or aim)",
        ),
        Field(
            "status",
            "enum",
            True,
            "Where it stands, as far as the article says.",
            enum=Status,
            default=Status.STATED,
            more="see *status* below",
        ),
        Field("by", "ids", True, "Ids of the actors who made it.", target="actor"),
        Field("to", "ids", doc="Ids of the actors it is made to.", target="actor"),
        TOPICS,
        Field("when", "section", True, "When it was made.", section="when"),
        SUMMARY,
        NOTE,
        RELATED,
        EVIDENCE,
        INFERRED,
    ),
    "event": (
        ID,
        Field("title", "text", True, "What happened, in a line."),
        Field(
            "when",
            "section",
            True,
            "When it happened.",
            more="when it happened; undated events are listed last",
            section="when",
        ),
        Field(
            "actors",
            "ids",
            doc="Ids of the actors involved.",
            target="actor",
            relation="actor",
            label="the {name} of {what}",
        ),
        TOPICS,
        SUMMARY,
        NOTE,
        RELATED,
        EVIDENCE,
        INFERRED,
    ),
    "note": (
        ID,
        Field("title", "text", True, "The question or point, in a line."),
        Field("text", "text", True, "The note."),
        Field("about", "ids", doc="Ids of the items the note is about."),
        Field("evidence", "quotes", doc="Verbatim quotes of the article."),
        INFERRED,
    ),
    "assessment": (
        ID,
        Field("title", "text", True, "The judgement, in a line."),
        Field("about", "ids", doc="Ids of the actors or items it is about."),
        TOPICS,
        Field("when", "section", doc="When it holds, if the article says.", section="when"),
        SUMMARY,
        NOTE,
        RELATED,
        EVIDENCE,
        INFERRED,
    ),
    "span": (
        Field(
            "span",
            "text",
            True,
            "A verbatim run of the article: a sentence or a clause.",
            more="the run of the article, verbatim (like a quote)",
        ),
        Field("speaker", "id", True, SPEAKER_DOC),
        Field(
            "voice",
            "enum",
            True,
            "How the span says it.",
            enum=Voice,
            more='`quoted` (direct speech), `paraphrased` (reported speech: "X said that '
            "...\"), `reported` (an event the writer reports), `analysis` (the writer's own "
            "judgement)",
        ),
        CERTAINTY,
        WHY_UNCERTAIN,
        Field(
            "actors",
            "ids",
            doc="For a reported span: the actors whose act it reports.",
            target="actor",
        ),
    ),
    "quote": (
        Field("quote", "text", True, "A verbatim quote of the article."),
        Field("speaker", "id", doc=SPEAKER_DOC),
        Field("voice", "enum", doc="How the quote says it.", enum=Voice),
        CERTAINTY,
        WHY_UNCERTAIN,
        Field(
            "actors",
            "ids",
            doc="For a reported quote: the actors whose act it reports.",
            target="actor",
        ),
    ),
    "judgement": (
        Field("text", "text", True, "The judgement, in a sentence."),
        Field("cites", "ids", True, "Ids of the items it rests on."),
    ),
    "unknown": (
        Field("question", "text", True, "What the article leaves open."),
        Field("about", "ids", doc="Ids of the items it concerns."),
        Field("note", "text", doc="Why it matters, or what would settle it."),
    ),
    "source_assessment": (
        Field("outlet", "text", doc="Who published it, or that the article does not say."),
        Field("dateline", "text", doc="The dateline, or that there is none."),
        Field("readout", "text", doc="Whose readout or account the article follows."),
        Field(
            "direct_quotes",
            "int",
            doc="How many direct quotes the article has.",
            minimum=0,
            bad="{label} is {value}; write how many direct quotes the article has: 0 or more",
        ),
        Field("balance", "text", doc="One-sided or not, and why."),
        Field("note", "text", doc="Anything else a reader should weigh."),
    ),
}


# -- the JSON Schema ---------------------------------------------------------------------------
def _field_schema(f: Field) -> dict[str, Any]:
    base: dict[str, Any]
    if f.kind == "text":
        base = {"type": "string"}
    elif f.kind == "id":
        base = {"type": "string", "pattern": ID_PATTERN}
    elif f.kind == "int":
        base = {"type": "integer"}
        if f.minimum is not None:
            base["minimum"] = f.minimum
        if f.maximum is not None:
            base["maximum"] = f.maximum
    elif f.kind == "month":
        base = {"type": "string", "pattern": MONTH_PATTERN}
    elif f.kind == "enum":
        assert f.enum is not None
        base = {"enum": [e.value for e in f.enum]}
    elif f.kind in ("ids", "texts", "quotes"):
        items: dict[str, Any] = {"type": "string"}
        if f.kind == "ids":
            items["pattern"] = REF_PATTERN
        elif f.kind == "quotes":
            items = {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/quote"}]}
        base = {"type": "array", "items": items}
        if f.required and f.kind != "texts":
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


def _conditions(fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    """The fields required (or allowed) only with some value of another: if/then clauses."""
    out: list[dict[str, Any]] = []
    for f in fields:
        if f.unless is not None:
            other, value = f.unless
            out.append(
                {
                    "if": {"properties": {other: {"not": {"const": value}}}},
                    "then": {"required": [f.name]},
                }
            )
        if f.only_if is not None:
            other, value = f.only_if
            out.append(
                {
                    "if": {"properties": {other: {"const": value}}, "required": [other]},
                    "then": {"required": [f.name]},
                    "else": {"not": {"required": [f.name]}},
                }
            )
    return out


def _section_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }
    conditions = _conditions(fields)
    if conditions:
        schema["allOf"] = conditions
    return schema


def json_schema(sections: dict[str, tuple[Field, ...]] | None = None) -> dict[str, Any]:
    """The JSON Schema of a briefing file, generated from :data:`SECTIONS`."""
    table = SECTIONS if sections is None else sections
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://briefing-tui.invalid/schema/briefing-2.json",
        "title": "briefing-tui briefing",
        "description": "A hand-curated briefing of one news article. See docs/format.md.",
        **_section_schema(table["briefing"]),
        "$defs": {name: _section_schema(fs) for name, fs in table.items() if name != "briefing"},
    }


SCHEMA_PATH = Path(__file__).parent / "briefing.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# -- the field tables of docs/format.md --------------------------------------------------------
DOCS_COMMAND = "python -m briefing_tui.briefing.schema --docs docs/format.md"
_MARKED = re.compile(r"(<!-- fields: ([a-z_]+) -->\n)(.*?)(<!-- /fields -->)", re.DOTALL)


def _type_doc(f: Field) -> str:
    if f.kind == "enum":
        assert f.enum is not None
        return ", ".join(f"`{e.value}`" for e in f.enum)
    if f.kind == "int":
        if f.minimum is not None and f.maximum is not None:
            return f"whole number, {f.minimum} to {f.maximum}"
        return "whole number" + (f", {f.minimum} or more" if f.minimum is not None else "")
    if f.kind == "section":
        return "a *when*" if f.section == "when" else f"mapping: `{f.section}`"
    if f.kind == "list":
        return f"list of `{f.section}`"
    return {
        "text": "text",
        "id": "id",
        "ids": f"list of {f.target} ids",
        "texts": "list of text",
        "month": "`YYYY-MM`",
        "quotes": "list of quotes",
        "inferred": "mapping: field: basis",
    }[f.kind]


def _required_doc(f: Field) -> str:
    if f.unless is not None:
        return f"unless `{f.unless[0]}: {f.unless[1]}`"
    if f.only_if is not None:
        return f"with `{f.only_if[0]}: {f.only_if[1]}` only"
    if f.required and f.kind in ("ids", "quotes"):
        return "yes, at least one"
    return "yes" if f.required else "no"


def _meaning(f: Field) -> str:
    text = f.more or f.doc.rstrip(".")
    return text[:1].lower() + text[1:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def docs_table(fields: tuple[Field, ...]) -> str:
    """One section's fields as a Markdown table."""
    rows = ["| field | required | type | meaning |", "|---|---|---|---|"]
    rows += [
        f"| `{f.name}` | {_required_doc(f)} | {_type_doc(f)} | {_cell(_meaning(f))} |"
        for f in fields
    ]
    return "\n".join(rows) + "\n"


def update_docs(text: str, sections: dict[str, tuple[Field, ...]] | None = None) -> str:
    """``text`` (docs/format.md) with each marked field table regenerated from the table."""
    table = SECTIONS if sections is None else sections
    return _MARKED.sub(lambda m: m[1] + docs_table(table[m[2]]) + m[4], text)


def main(argv: list[str]) -> int:
    """``--docs FILE``: rewrite the field tables of FILE (docs/format.md) from the table."""
    if len(argv) != 2 or argv[0] != "--docs":
        print(f"usage: {DOCS_COMMAND}", file=sys.stderr)
        return 2
    path = Path(argv[1])
    text = path.read_text(encoding="utf-8")
    path.write_text(update_docs(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
