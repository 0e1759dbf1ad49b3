"""Who says what: resolving each evidence quote's attribution, and the rules that hold a
briefing to what its article says (format 2).

A briefing declares attribution once per *span* of its article (a sentence or a clause):
the speaker, the voice, the certainty. Every evidence quote inherits the attribution of the
span that holds it, unless the quote gives its own. The rules here turn a briefing whose
structured fields claim more than the article into warnings (errors where the claim cannot
stand at all), each at the position of the field to change and saying what to write.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from briefing_tui.briefing.model import (
    WRITER,
    Actor,
    Attribution,
    Briefing,
    Certainty,
    Commitment,
    Evidence,
    Item,
    Pos,
    Span,
    Voice,
)
from briefing_tui.briefing.problems import Problem, Severity
from briefing_tui.briefing.schema import POSITION_STATUSES, SECTIONS, STATUS_KINDS
from briefing_tui.briefing.text import excerpt

SPEAKER_WORDS = ("writer", "unknown")
# Words before an actor's name that make it the one addressed: "offered ... to Pakistan",
# "informed the envoy", "told Washington".
_ADDRESSING = (
    "to",
    "told",
    "tells",
    "informed",
    "informs",
    "assured",
    "assures",
    "promised",
    "promises",
    "offered",
    "offers",
    "urged",
    "urges",
    "asked",
    "asks",
    "briefed",
    "briefs",
    "encouraged",
    "encourages",
)


# where the loader found each item's fields: (item id, field) -> position
Positions = Mapping[tuple[str, str], Pos]
# each item's references in file order: (item id, {relation: ((target, position), ...)})
Refs = Sequence[tuple[str, Mapping[str, Sequence[tuple[str, Pos]]]]]


def holding_spans(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans a range of the text overlaps, in text order."""
    return [s for s in spans if s.start < end and start < s.end]


def merge(base: Attribution | None, override: Mapping[str, object]) -> Attribution | None:
    """A quote's own attribution fields over the span's; None when neither gives a speaker."""
    if not override:
        return base
    speaker = override.get("speaker", base.speaker if base else None)
    voice = override.get("voice", base.voice if base else None)
    if not isinstance(speaker, str) or not isinstance(voice, Voice):
        return base
    certainty = override.get("certainty")
    note = override.get("note")
    actors = override.get("actors")
    return Attribution(
        speaker=speaker,
        voice=voice,
        certainty=certainty if isinstance(certainty, Certainty) else Certainty.CERTAIN,
        note=note if isinstance(note, str) else "",
        actors=tuple(actors) if isinstance(actors, tuple) else (),
    )


def resolve(briefing: Briefing, overrides: Mapping[Pos, Mapping[str, object]]) -> Briefing:
    """The briefing with every evidence quote's attribution filled in."""
    spans = briefing.spans

    def one(ev: Evidence) -> Evidence:
        over = overrides.get(ev.pos, {})
        held = holding_spans(spans, ev.start, ev.end) if ev.start >= 0 else []
        base = held[0].attribution if held else None
        if len({(s.attribution.speaker, s.attribution.voice) for s in held}) > 1:
            base = None  # the quote straddles speakers: only its own attribution counts
        return dataclasses.replace(ev, attribution=merge(base, over), overridden=bool(over))

    def item(it: Item) -> Item:
        return dataclasses.replace(it, evidence=tuple(one(ev) for ev in it.evidence))

    return dataclasses.replace(
        briefing,
        actors=tuple(item(a) for a in briefing.actors),  # type: ignore[misc]
        commitments=tuple(item(c) for c in briefing.commitments),  # type: ignore[misc]
        context=tuple(item(e) for e in briefing.context),  # type: ignore[misc]
        notes=tuple(item(n) for n in briefing.notes),  # type: ignore[misc]
        assessments=tuple(item(a) for a in briefing.assessments),  # type: ignore[misc]
    )


def _warn(pos: Pos, message: str) -> Problem:
    return Problem(pos, message, Severity.WARNING)


def _affiliates(briefing: Briefing, actor_id: str) -> set[str]:
    """The actor and everything it belongs to, up its chain of affiliations."""
    out: set[str] = set()
    current: str | None = actor_id
    while current is not None and current not in out:
        out.add(current)
        found = briefing.item(current)
        current = found.affiliation if isinstance(found, Actor) else None
    return out


def _speaks_for(briefing: Briefing, attribution: Attribution, by: Sequence[str]) -> bool:
    """Does this evidence come from one of ``by`` (or report an act of one of them)?"""
    if attribution.voice is Voice.ANALYSIS:
        return False
    who = [attribution.speaker]
    if attribution.voice is Voice.REPORTED:
        who += list(attribution.actors)
    wanted = set(by)
    for speaker in who:
        chain = _affiliates(briefing, speaker)
        if chain & wanted:
            return True
        # a 'by' actor that belongs to the speaker: 'the US envoy' speaks for 'united-states'
        if any(speaker in _affiliates(briefing, b) for b in by):
            return True
    return False


def _names(actor: Actor) -> list[str]:
    return [n for n in (actor.name, *actor.aliases) if n.strip()]


def _addressed(briefing: Briefing, actor_id: str, texts: Sequence[str]) -> bool:
    """Is the actor (by name or alias, or one who belongs to it) addressed in the texts?"""
    names: list[str] = []
    for it in briefing.actors:
        if actor_id in _affiliates(briefing, it.id):
            names += _names(it)
    if not names:
        return False
    words = "|".join(_ADDRESSING)
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{words})\s+(?:{alts})(?![\w’'])")
    return any(pattern.search(t) for t in texts)


def check(briefing: Briefing, display: str, positions: Positions, refs: Refs) -> list[Problem]:
    """The attribution rules (format 2 only): problems, each saying what to write instead."""
    out: list[Problem] = []
    if briefing.format < 2:
        return out
    top = positions.get(("", "attribution"), positions.get(("", "format"), Pos(display)))
    out += _unattributed_sentences(briefing, top)
    actors = {a.id for a in briefing.actors}
    for span in briefing.spans:
        out += _attribution_problems(span.attribution, span.pos, actors, "the span")
    for it in briefing.items:
        for ev in it.evidence:
            if ev.attribution is None and ev.start >= 0:
                held = holding_spans(briefing.spans, ev.start, ev.end)
                if len(held) > 1:
                    who = " and ".join(briefing.speaker_name(s.attribution.speaker) for s in held)
                    out.append(
                        _warn(
                            ev.pos,
                            f'the quote "{excerpt(ev.quote, 50)}" spans several speakers '
                            f"({who}); split it into one quote per span, or give it its own "
                            "speaker and voice (- quote: ..., speaker: ..., voice: ...)",
                        )
                    )
            elif ev.attribution is not None and ev.overridden:
                out += _attribution_problems(ev.attribution, ev.pos, actors, "the quote")
        for inf in it.inferred:
            out += _inferred_problems(it, inf.field, inf.basis, inf.pos)
        if isinstance(it, Commitment):
            out += _commitment_problems(briefing, it, positions, refs)
    items = {it.id for it in briefing.items}
    for kj in briefing.key_judgements:
        for cited in kj.cites:
            if cited not in items:
                out.append(
                    Problem(
                        kj.pos,
                        f"the key judgement cites '{excerpt(cited)}', which is not an item of "
                        "this briefing; cite the ids of the items it rests on",
                    )
                )
    for unknown in briefing.unknowns:
        for about in unknown.about:
            if about not in items:
                out.append(
                    Problem(
                        unknown.pos,
                        f"the unknown is about '{excerpt(about)}', which is not an item of "
                        "this briefing; fix the id, or remove it",
                    )
                )
    return out


def _unattributed_sentences(briefing: Briefing, pos: Pos) -> list[Problem]:
    out: list[Problem] = []
    for s in briefing.source.sentences:
        covered = [False] * (s.end - s.start)
        for span in holding_spans(briefing.spans, s.start, s.end):
            for i in range(max(span.start, s.start), min(span.end, s.end)):
                covered[i - s.start] = True
        gaps = [
            i
            for i, ok in enumerate(covered)
            if not ok and (s.text[i].isalnum() or s.text[i] in "“”\"'")
        ]
        if not gaps:
            continue
        if len(gaps) == len(covered) or all(not c for c in covered):
            what = f'sentence {s.number} ("{excerpt(s.text, 50)}") has no attribution'
            fix = f'add "- span: {excerpt(s.text, 40)}" with its speaker and voice'
        else:
            left = s.text[gaps[0] : gaps[-1] + 1]
            what = f'part of sentence {s.number} ("{excerpt(left, 50)}") has no attribution'
            fix = "widen a span to cover it, or add a span for it with its speaker and voice"
        out.append(_warn(pos, f"{what}; under attribution: {fix}"))
    return out


def _attribution_problems(
    attribution: Attribution, pos: Pos, actors: set[str], what: str
) -> list[Problem]:
    out: list[Problem] = []
    speaker = attribution.speaker
    if speaker not in SPEAKER_WORDS and speaker not in actors:
        out.append(
            Problem(
                pos,
                f"the speaker of {what} is '{excerpt(speaker)}', which is not an actor of this "
                "briefing; write an actor's id, 'writer' (the article's own voice) or 'unknown'",
            )
        )
    for actor in attribution.actors:
        if actor not in actors:
            out.append(
                Problem(
                    pos,
                    f"'{excerpt(actor)}' in the actors of {what} is not an actor of this "
                    "briefing; name an actor listed under actors",
                )
            )
    if attribution.certainty is not Certainty.CERTAIN and not attribution.note.strip():
        out.append(
            _warn(
                pos,
                f"the attribution of {what} is '{attribution.certainty.value}' but says not why; "
                "add note: (what makes it uncertain, e.g. whom 'He' may refer to)",
            )
        )
    if speaker == WRITER and attribution.voice in (Voice.QUOTED, Voice.PARAPHRASED):
        out.append(
            _warn(
                pos,
                f"{what} is '{attribution.voice.value}' but its speaker is the writer; name who "
                "is quoted or paraphrased (an actor id, or 'unknown'), or use voice: reported "
                "or voice: analysis",
            )
        )
    return out


def _inferred_problems(it: Item, name: str, basis: str, pos: Pos) -> list[Problem]:
    fields = {f.name for f in SECTIONS[_section_of(it)]}
    if name not in fields or name in ("id", "evidence", "inferred"):
        return [
            Problem(
                pos,
                f"'{excerpt(name)}' under inferred is not a field of {it.item_kind} "
                f"'{excerpt(it.id)}'; name the field whose value is inferred (name, role, ...)",
            )
        ]
    if not basis.strip():
        return [
            _warn(
                pos,
                f"the inferred {name} of {it.item_kind} '{excerpt(it.id)}' has no basis; write "
                f"{name}: followed by the basis (the words of the article it rests on, or the "
                "outside knowledge it comes from)",
            )
        ]
    return []


def _section_of(it: Item) -> str:
    return it.item_kind


def _commitment_problems(
    briefing: Briefing, c: Commitment, positions: Positions, refs: Refs
) -> list[Problem]:
    out: list[Problem] = []
    status_pos = positions.get((c.id, "status"), c.pos)
    allowed = STATUS_KINDS.get(c.status, ())
    if allowed and c.kind not in allowed:
        kinds = " or ".join(k.value for k in allowed)
        fits = [s.value for s, ks in STATUS_KINDS.items() if c.kind in ks]
        out.append(
            _warn(
                status_pos,
                f"status '{c.status.value}' is for a commitment of kind {kinds}, but "
                f"'{excerpt(c.id)}' is of kind {c.kind.value}; use one of: {', '.join(fits)}, "
                f"or change its kind",
            )
        )
    attributed = [ev.attribution for ev in c.evidence if ev.attribution is not None]
    if attributed and all(a.voice is Voice.ANALYSIS for a in attributed):
        out.append(
            Problem(
                c.pos,
                f"commitment '{excerpt(c.id)}' rests only on the writer's analysis: it is an "
                "assessment, not a commitment; move it under assessments (id, title, about, "
                "evidence)",
            )
        )
    elif (
        attributed
        and c.status in POSITION_STATUSES
        and c.by
        and not any(_speaks_for(briefing, a, c.by) for a in attributed)
    ):
        speakers = sorted({briefing.speaker_name(a.speaker) for a in attributed})
        out.append(
            _warn(
                status_pos,
                f"status '{c.status.value}' says {', '.join(c.by)} took a position, but no "
                f"evidence of '{excerpt(c.id)}' is spoken by them or reports their act (it is "
                f"{' and '.join(speakers)}'s); quote their words, set 'by' to who said it, or "
                "record it as a context event (discussed, on the agenda) or an assessment",
            )
        )
    to_pos = {
        target: pos for iid, groups in refs if iid == c.id for target, pos in groups.get("to", ())
    }
    texts = [ev.quote for ev in c.evidence]
    for target in c.to:
        if ":" in target or not isinstance(briefing.item(target), Actor):
            continue
        if not _addressed(briefing, target, texts):
            out.append(
                _warn(
                    to_pos.get(target, c.pos),
                    f"'to' names '{target}', but no evidence of '{excerpt(c.id)}' addresses it "
                    "('to ...', 'told ...', 'informed ...'); remove it from 'to', or quote the "
                    "words that address it",
                )
            )
    return out


__all__ = ["check", "holding_spans", "merge", "resolve"]
