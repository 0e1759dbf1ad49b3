"""Exporting a library as JSON (a stable, documented shape) or as a Markdown brief."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from briefing_tui import __version__
from briefing_tui.briefing.library import Library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import (
    INFERRED_MARK,
    UNKNOWN_SPEAKER,
    WRITER,
    Actor,
    Attribution,
    Briefing,
    Evidence,
    Item,
    ItemRef,
    Note,
    When,
)
from briefing_tui.briefing.schema import SECTIONS
from briefing_tui.briefing.text import one_line

EXPORT_VERSION = 1


def when_json(w: When) -> dict[str, Any]:
    return {
        "precision": w.precision.value,
        "month": w.month,
        "day": w.day,
        "qualifier": w.qualifier,
        "basis": w.basis,
        "label": w.label(),
        "year_inferred": w.year_inferred,
    }


def attribution_json(b: Briefing, a: Attribution | None) -> dict[str, Any] | None:
    """An evidence entry's attribution: speaker as an item ref, 'writer' or 'unknown'."""
    if a is None:
        return None
    speaker = a.speaker if a.speaker in (WRITER, UNKNOWN_SPEAKER) else f"{b.id}:{a.speaker}"
    return {
        "speaker": speaker,
        "speaker_name": b.speaker_name(a.speaker),
        "voice": a.voice.value,
        "certainty": a.certainty.value,
        "note": a.note,
    }


def _evidence(ev: tuple[Evidence, ...], b: Briefing | None = None) -> list[dict[str, Any]]:
    out = []
    for e in ev:
        entry: dict[str, Any] = {"quote": e.quote, "sentences": list(e.sentences)}
        if b is not None:
            entry["attribution"] = attribution_json(b, e.attribution)
        out.append(entry)
    return out


def _inferred(it: Item) -> dict[str, str]:
    return {i.field: i.basis for i in it.inferred}


def _field_json(value: Any) -> Any:
    if isinstance(value, When):
        return when_json(value)
    if isinstance(value, StrEnum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


def item_fields(it: Item) -> dict[str, Any]:
    """The item's own fields (not id, kind, links or evidence), JSON-ready, in table order.

    An item's ``kind`` is written as ``actor_kind`` / ``commitment_kind`` (``kind`` is the
    item's section).
    """
    return {
        (f"{it.item_kind}_kind" if f.name == "kind" else f.name): _field_json(getattr(it, f.name))
        for f in SECTIONS[it.item_kind]
        if f.name not in ("id", "evidence", "inferred") and hasattr(it, f.name)
    }


def item_title(it: Item) -> str:
    return it.name if isinstance(it, Actor) else it.title


def to_json_data(library: Library) -> dict[str, Any]:
    graph = LinkGraph(library)
    out: list[dict[str, Any]] = []
    for b in library.briefings:
        items = []
        for it in b.items:
            ref = ItemRef(b.id, it.id)
            items.append(
                {
                    "id": it.id,
                    "ref": str(ref),
                    "kind": it.item_kind,
                    "title": item_title(it),
                    "fields": item_fields(it),
                    "links": [
                        {"relation": lk.relation, "target": str(lk.target)}
                        for lk in graph.links(ref)
                    ],
                    "backlinks": [
                        {"relation": lk.relation, "source": str(lk.source)}
                        for lk in graph.backlinks(ref)
                    ],
                    "evidence": _evidence(it.evidence, b),
                    "inferred": _inferred(it),
                    "line": it.pos.line,
                }
            )
        s = b.source
        out.append(
            {
                "id": b.id,
                "title": b.title,
                "summary": b.summary,
                "file": str(b.path),
                "dating": {"year": b.dating.year, "reason": b.dating.reason} if b.dating else None,
                "source": {
                    "title": s.title,
                    "file": s.file,
                    "place": s.place,
                    "publisher": s.publisher,
                    "url": s.url,
                    "when": when_json(s.when),
                    "sentences": [
                        {
                            "number": x.number,
                            "paragraph": x.paragraph,
                            "text": x.text,
                            "cited_by": [str(r) for r in graph.citing(b.id, x.number)],
                        }
                        for x in s.sentences
                    ],
                },
                "format": b.format,
                "attribution": [
                    {
                        "span": sp.quote,
                        "sentences": list(sp.sentences),
                        **(attribution_json(b, sp.attribution) or {}),
                    }
                    for sp in b.spans
                ],
                "key_judgements": [
                    {"text": k.text, "cites": [f"{b.id}:{c}" for c in k.cites]}
                    for k in b.key_judgements
                ],
                "unknowns": [
                    {"question": u.question, "about": list(u.about), "note": u.note}
                    for u in b.unknowns
                ],
                "source_assessment": (
                    {
                        "outlet": b.source_assessment.outlet,
                        "dateline": b.source_assessment.dateline,
                        "readout": b.source_assessment.readout,
                        "direct_quotes": b.source_assessment.direct_quotes,
                        "balance": b.source_assessment.balance,
                        "note": b.source_assessment.note,
                    }
                    if b.source_assessment
                    else None
                ),
                "counts": b.counts(),
                "context_by_month": [
                    {"month": g.label, "events": [e.id for e in g.events]}
                    for g in b.context_by_month()
                ],
                "items": items,
            }
        )
    return {
        "export": "briefing-tui",
        "version": EXPORT_VERSION,
        "generator": f"briefing-tui {__version__}",
        "briefings": out,
        "actors": [
            {"id": a.id, "name": a.actor.name, "briefings": list(a.briefings)}
            for a in library.actors
        ],
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "col": p.col,
                "severity": p.severity.value,
                "message": p.message,
            }
            for p in library.problems
        ],
    }


def to_json(library: Library) -> str:
    return json.dumps(to_json_data(library), indent=2, ensure_ascii=False) + "\n"


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in " ".join(text.split()))


def md_attribution(b: Briefing, a: Attribution | None) -> str:
    """ " — Naqvi, paraphrased", " — the writer's analysis", or nothing."""
    if a is None:
        return ""
    return " — " + _md_escape(a.label(b.speaker_name(a.speaker)))


def _md_quotes(ev: tuple[Evidence, ...], b: Briefing | None = None) -> list[str]:
    return [
        f"  > {_md_escape(e.quote)} (sentence {', '.join(map(str, e.sentences))})"
        + (md_attribution(b, e.attribution) if b is not None else "")
        for e in ev
    ]


def _md_item(title: str, rest: str, ev: tuple[Evidence, ...], b: Briefing) -> list[str]:
    """A list item: the title in bold, then ``rest`` (already escaped), then its quotes."""
    return [f"- **{_md_escape(title)}**{rest}", *_md_quotes(ev, b)]


def briefing_markdown(b: Briefing) -> str:
    names = {a.id: a.name for a in b.actors}

    def who(ids: tuple[str, ...]) -> str:
        return ", ".join(_md_escape(names.get(i, i)) for i in ids) or "-"

    lines = [f"# {_md_escape(b.title)}", ""]
    s = b.source
    meta = [f"**Source:** {_md_escape(s.title)}", f"**Date:** {_md_escape(s.when.label())}"]
    if s.place:
        meta.append(f"**Place:** {_md_escape(s.place)}")
    lines += [" · ".join(meta), ""]
    if b.summary:
        lines += [_md_escape(b.summary), ""]
    if b.dating:
        lines += [f"*Dating:* {b.dating.year}: {_md_escape(b.dating.reason)}", ""]
        lines += [f"Dates marked \\{INFERRED_MARK} have an inferred year (see Dating).", ""]
    if b.key_judgements:
        lines += ["## Key judgements", ""]
        lines += [
            f"- {_md_escape(k.text)} (items: {', '.join(_md_escape(c) for c in k.cites)})"
            for k in b.key_judgements
        ]
        lines.append("")
    lines += ["## Actors", ""]
    for a in b.actors:
        role = f", {_md_escape(a.role)}" if a.role else ""
        aff = f" ({_md_escape(names.get(a.affiliation, a.affiliation))})" if a.affiliation else ""
        lines.append(f"- **{_md_escape(a.name)}**{role}{aff}: {a.kind.value}")
    lines += ["", "## Commitments", ""]
    for c in b.commitments:
        to = f" to {who(c.to)}" if c.to else ""
        lines += _md_item(
            c.title,
            f" [{c.kind.value}, {c.status.value}, {_md_escape(c.when.label())}]: by {who(c.by)}{to}",
            c.evidence,
            b,
        )
    lines += ["", "## Context by month", ""]
    for g in b.context_by_month():
        lines += [f"### {g.label}", ""]
        for e in g.events:
            lines += _md_item(e.title, f" ({_md_escape(e.when.label())})", e.evidence, b)
        lines.append("")
    if b.assessments:
        lines += ["## The writer's assessments", ""]
        for asm in b.assessments:
            lines += _md_item(asm.title, "", asm.evidence, b)
        lines.append("")
    if b.notes:
        lines += ["## Notes", ""]
        for n in b.notes:
            lines.append(f"- **{_md_escape(n.title)}** {_md_escape(n.text)}")
        lines.append("")
    if b.unknowns:
        lines += ["## Unknowns", ""]
        lines += [f"- {_md_escape(u.question)}" for u in b.unknowns]
        lines.append("")
    sa = b.source_assessment
    if sa is not None:
        lines += ["## Source assessment", ""]
        for label, value in (
            ("Outlet", sa.outlet),
            ("Dateline", sa.dateline),
            ("Readout", sa.readout),
            ("Direct quotes", "" if sa.direct_quotes is None else str(sa.direct_quotes)),
            ("Balance", sa.balance),
            ("Note", sa.note),
        ):
            if value:
                lines.append(f"- **{label}:** {_md_escape(value)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(library: Library) -> str:
    return "\n---\n\n".join(briefing_markdown(b) for b in library.briefings)


__all__ = ["Note", "to_json", "to_json_data", "to_markdown"]


def citation(library: Library, briefing: Briefing, item: Item | None, sentence: int | None) -> str:
    """A plain-text citation: the item (or sentence), its quoted evidence, the source and date
    (what ``y`` copies in the app)."""
    src = briefing.source
    lines: list[str] = []
    if item is not None:
        head = f"{one_line(item.title)} ({item.item_kind}"
        when = getattr(item, "when", None)
        head += f", {when.label()})" if when is not None else ")"
        lines.append(head)
        body = (
            getattr(item, "summary", "")
            or getattr(item, "description", "")
            or getattr(item, "text", "")
        )
        if body:
            lines.append(one_line(body))
        for ev in item.evidence:
            said = ""
            if ev.attribution is not None:
                a = ev.attribution
                said = " — " + one_line(a.label(briefing.speaker_name(a.speaker)))
            lines.append(f"“{one_line(ev.quote)}”{said}")
    elif sentence is not None:
        lines.append(f"“{one_line(src.sentence(sentence).text)}” (sentence {sentence})")
    facts = [one_line(src.title)]
    facts += [one_line(f) for f in (src.publisher, src.place) if f]
    facts.append(src.when.label())
    if src.url:
        facts.append(one_line(src.url))
    lines.append("Source: " + ", ".join(facts))
    ref = f"{briefing.id}:{item.id}" if item is not None else f"{briefing.id}:s{sentence}"
    lines.append(f"Briefing: {one_line(briefing.title)} [{ref}]")
    if src.when.year_inferred and briefing.dating is not None:
        lines.append(f"* year inferred ({briefing.dating.year}): the article gives none")
    return "\n".join(lines)
