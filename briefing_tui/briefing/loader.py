"""Loading and validating one briefing file.

:func:`load_briefing` never raises for bad input: it returns the briefing (when the
file is sound enough to show) and every problem found, each with its position.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from briefing_tui.briefing import attribution as attr
from briefing_tui.briefing.confine import article_roots, is_inside, where_articles_live
from briefing_tui.briefing.model import (
    Actor,
    Assessment,
    Attribution,
    Briefing,
    Certainty,
    Commitment,
    ContextEvent,
    Dating,
    Evidence,
    Item,
    KeyJudgement,
    Note,
    Pos,
    Source,
    SourceAssessment,
    Span,
    Unknown,
    Voice,
    When,
)
from briefing_tui.briefing.neutral import neutral_result
from briefing_tui.briefing.problems import Problem, Severity
from briefing_tui.briefing.results import LoadResult as LoadResult
from briefing_tui.briefing.results import display_path as display_path
from briefing_tui.briefing.schema import (
    FORMAT_VERSION,
    FORMATS,
    SECTIONS,
    Field,
)
from briefing_tui.briefing.sentences import (
    FoldedText,
    quote_range,
    sentences_in,
    split_sentences,
)
from briefing_tui.briefing.text import (
    describe_char,
    excerpt,
    find_control,
    straighten_quotes,
    suggest,
    visible,
)
from briefing_tui.briefing.values import MAX_TEXT, ValueReader, empties
from briefing_tui.briefing.yamltree import (
    MAX_BYTES,
    YMap,
    YNode,
    YScalar,
    YSeq,
    decode,
    line_col,
    normalise,
    parse,
    read_file,
    too_large,
    type_name,
)

ItemT = TypeVar("ItemT", Actor, Commitment, ContextEvent, Note, Assessment)
# the model of each item section: its fields are those of the table the model holds
ITEM_MODELS: dict[str, type[Item]] = {
    "actor": Actor,
    "commitment": Commitment,
    "event": ContextEvent,
    "note": Note,
    "assessment": Assessment,
}
# the fields each model holds, but the id and position the loader sets
HELD = {
    section: frozenset(model.__dataclass_fields__) - {"id", "pos"}
    for section, model in ITEM_MODELS.items()
}
# the relations whose ids must name actors (the others name items)
ACTOR_RELATIONS = frozenset(
    f.relation or f.name for fs in SECTIONS.values() for f in fs if f.target == "actor"
)


def _plain(f: Field, value: Any) -> Any:
    """A read value as the model holds it: references without their positions."""
    return tuple(x for x, _ in value) if f.kind == "ids" else value


def load_briefing(path: Path, display: str | None = None) -> LoadResult:
    """Load and check the briefing file at ``path``; never raises for bad input."""
    name = visible(display) if display else display_path(path)
    text = read_file(path, name)
    if isinstance(text, Problem):
        return LoadResult(path, None, (text,))
    return load_text(path, text, name)


def load_bytes(path: Path, data: bytes, display: str | None = None) -> LoadResult:
    """Load a briefing from the bytes of its file; ``path`` locates the source file."""
    name = visible(display) if display else display_path(path)
    if len(data) > MAX_BYTES:
        return LoadResult(path, None, (too_large(name, len(data)),))
    text = decode(name, data)
    if isinstance(text, Problem):
        return LoadResult(path, None, (text,))
    return load_text(path, text, name)


def load_text(path: Path, text: str, display: str | None = None) -> LoadResult:
    """Load a briefing from its text; ``path`` locates the source file."""
    name = visible(display) if display else display_path(path)
    root = parse(name, text)
    if isinstance(root, Problem):
        return LoadResult(path, None, (root,))
    checker = _Checker(name, path)
    briefing = checker.briefing(root)
    problems = tuple(sorted(checker.problems, key=Problem.sort_key))
    ref_pos = {
        (iid, relation, target): pos
        for iid, groups in checker._refs
        for relation, refs in groups.items()
        for target, pos in refs
    }
    result = LoadResult(
        path, briefing, problems, checker.id_pos, ref_pos, format_notes(briefing, checker)
    )
    # the one boundary: nothing from the file reaches a terminal as a control sequence
    return neutral_result(result, text, path)


def format_notes(briefing: Briefing | None, checker: _Checker) -> tuple[Problem, ...]:
    """A note for a briefing in an older format: what it lacks, and how to update it."""
    if briefing is None or briefing.format >= FORMAT_VERSION:
        return ()
    pos = checker.attr_pos.get(("", "format"), Pos(checker.name))
    return (
        Problem(
            pos,
            f"format {briefing.format}: this briefing says nothing of who says what (no "
            "attribution of its sentences, no inferred values marked, no assessments); write "
            f"format: {FORMAT_VERSION} and add an attribution: list (see docs/format.md)",
            Severity.NOTE,
        ),
    )


class _Checker(ValueReader):
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.problems: list[Problem] = []
        self.folded: FoldedText | None = None
        self.source: Source | None = None
        # each item's references, in file order: (item id, {relation: ((target, pos), ...)})
        self._refs: list[tuple[str, dict[str, tuple[tuple[str, Pos], ...]]]] = []
        self.id_pos: Pos | None = None  # the briefing id's value
        self._id_key: dict[Pos, Pos] = {}  # an item's position -> where its 'id' key is
        # attribution (format 2): where fields are, and each quote's own attribution fields
        self.attr_pos: dict[tuple[str, str], Pos] = {}
        self.overrides: dict[Pos, dict[str, object]] = {}
        self.dating_year: int | None = None

    def briefing(self, root: YNode) -> Briefing | None:
        if not isinstance(root, YMap):
            self.err(
                root.pos,
                f"the top of a briefing must be a mapping (format, id, title, source, ...), "
                f"but this file holds {type_name(root)}; write the briefing as 'field: value' "
                "lines starting at the first column (see docs/format.md)",
            )
            return None
        top = self.mapping(root, "briefing", "the briefing")
        assert top is not None
        v = self.fields(top, "briefing", "the briefing")
        fmt = v.get("format")
        if "format" in top:
            self.attr_pos[("", "format")] = top["format"].pos
        if "attribution" in root.keys:
            self.attr_pos[("", "attribution")] = root.keys["attribution"]
        bid = v.get("id") or self.path.stem
        if "id" in top:
            self.id_pos = top["id"].pos
        title, summary = v.get("title", ""), v.get("summary", "")
        dating = self.dating(top.get("dating"))
        self.dating_year = dating.year if dating else None
        source = self.source_section(top.get("source"), dating)
        if source is None:
            return None
        self.source = source
        self.folded = FoldedText.of(source.text)

        actors = self.items(top, "actor", Actor)
        commitments = self.items(top, "commitment", Commitment)
        context = self.items(top, "event", ContextEvent)
        notes = self.items(top, "note", Note)
        extra = self.attribution_sections(top)
        briefing = Briefing(
            id=bid,
            title=title,
            path=self.path,
            source=source,
            actors=actors,
            commitments=commitments,
            context=context,
            notes=notes,
            dating=dating,
            summary=summary,
            format=fmt if fmt in FORMATS else FORMAT_VERSION,
            **extra,
        )
        self.check_links(briefing)
        briefing = attr.resolve(briefing, self.overrides)
        self.problems.extend(attr.check(briefing, self.name, self.attr_pos, self._refs))
        return briefing

    # -- sections read from the field table -------------------------------------------------
    def items(self, top: dict[str, YNode], section: str, model: type[ItemT]) -> tuple[ItemT, ...]:
        """The items of a list section of the briefing (its key from the table)."""
        key = next(f.name for f in SECTIONS["briefing"] if f.section == section)
        built = self.each(top.get(key), section, partial(self.item, section=section))
        return tuple(it for it in built if isinstance(it, model))

    def item(self, e: dict[str, YNode], pos: Pos, label: str, section: str) -> Item:
        """An actor, commitment, event, note or assessment, read by its fields' rows."""
        iid = self.ident(e.get("id"), f"the id of {label}", required=True) or f"<{label}>"
        v = self.fields(e, section, f"{section} '{iid}'", skip="id")
        fields = SECTIONS[section]
        self._refs.append(
            (iid, {f.relation or f.name: v.get(f.name, ()) for f in fields if f.kind == "ids"})
        )
        for name in v:
            self.attr_pos[(iid, name)] = e[name].pos
        model = ITEM_MODELS[section]
        # a field the model does not hold is checked only
        values = dict(empties(section, HELD[section]))
        for f in fields:
            if f.name in v and f.name in values:
                values[f.name] = _plain(f, v[f.name])
        return model(id=iid, pos=pos, **values)

    def attribution_sections(self, top: dict[str, YNode]) -> dict[str, Any]:
        spans = tuple(
            s for s in self.each(top.get("attribution"), "span", self.span) if s is not None
        )
        assessments = self.items(top, "assessment", Assessment)
        judgements = tuple(self.each(top.get("key_judgements"), "judgement", self.judgement))
        unknowns = tuple(self.each(top.get("unknowns"), "unknown", self.unknown))
        sa: SourceAssessment | None = None
        sa_node = top.get("source_assessment")
        if sa_node is not None:
            entries = self.mapping(sa_node, "source_assessment", "source_assessment")
            if entries is not None:
                v = self.fields(entries, "source_assessment", "source_assessment")
                sa = SourceAssessment(**v)
        return {
            "spans": spans,
            "assessments": assessments,
            "key_judgements": judgements,
            "unknowns": unknowns,
            "source_assessment": sa,
        }

    def attribution_of(self, v: dict[str, Any]) -> Attribution | None:
        speaker, voice = v.get("speaker"), v.get("voice")
        if not isinstance(speaker, str) or not isinstance(voice, Voice):
            return None
        certainty = v.get("certainty")
        return Attribution(
            speaker=speaker,
            voice=voice,
            certainty=certainty if isinstance(certainty, Certainty) else Certainty.CERTAIN,
            note=v.get("note", ""),
            actors=tuple(x for x, _ in v.get("actors", ())),
        )

    def span(self, e: dict[str, YNode], pos: Pos, label: str) -> Span | None:
        v = self.fields(e, "span", f"{label} of attribution")
        quote = v.get("span", "")
        attribution = self.attribution_of(v)
        if not quote.strip() or attribution is None:
            return None
        assert self.folded is not None and self.source is not None
        where = quote_range(quote, self.folded)
        if where is None:
            self.err(e["span"].pos, self.not_found(quote))
            return None
        sentences = sentences_in(*where, self.source.sentences)
        return Span(" ".join(quote.split()), where[0], where[1], sentences, attribution, pos)

    def judgement(self, e: dict[str, YNode], pos: Pos, label: str) -> KeyJudgement:
        v = self.fields(e, "judgement", label)
        return KeyJudgement(v.get("text", ""), tuple(x for x, _ in v.get("cites", ())), pos)

    def unknown(self, e: dict[str, YNode], pos: Pos, label: str) -> Unknown:
        v = self.fields(e, "unknown", label)
        return Unknown(
            v.get("question", ""), pos, tuple(x for x, _ in v.get("about", ())), v.get("note", "")
        )

    def dating(self, node: YNode | None) -> Dating | None:
        if node is None:
            return None
        entries = self.mapping(node, "dating", "dating")
        if entries is None:
            return None
        v = self.fields(entries, "dating", "dating")
        year, reason = v.get("year"), v.get("reason", "")
        if year is None:
            return None
        return Dating(year, reason)

    def source_section(self, node: YNode | None, dating: Dating | None) -> Source | None:
        if node is None:
            return None
        entries = self.mapping(node, "source", "source")
        if entries is None:
            return None
        v = self.fields(entries, "source", "source")
        file_node, file = entries.get("file"), v.get("file", "")
        if not file or file_node is None:
            return None
        shown = excerpt(file, 100)
        try:
            resolved = (self.path.parent / file).resolve()
            exists = resolved.exists()
        except (OSError, ValueError, RuntimeError) as exc:  # NUL in the path, symlink loops
            self.err(
                file_node.pos,
                f"source file '{shown}' is not a usable path ({type(exc).__name__}); "
                "write the path of the article's text file, relative to the briefing",
            )
            return None
        if not is_inside(resolved, article_roots(self.path)):
            self.err(
                file_node.pos,
                f"source file '{shown}' is outside the library (it is "
                f"{excerpt(str(resolved), 200)}); {excerpt(where_articles_live(self.path), 400)}",
            )
            return None
        if not exists:
            self.err(
                file_node.pos,
                f"source file '{shown}' not found (looked for {excerpt(str(resolved), 200)}); "
                "fix the path: it is relative to the folder of the briefing file",
            )
            return None
        raw = read_file(resolved, str(resolved))
        if isinstance(raw, Problem):
            where = f" at line {raw.line}, column {raw.col}" if raw.line > 1 or raw.col > 1 else ""
            self.err(file_node.pos, f"source file '{shown}'{where}: {raw.message}")
            return None
        text = normalise(raw)
        at = find_control(text.replace("\n", " ").replace("\t", " "))
        if at is not None:
            line, col = line_col(text, at)
            self.err(
                file_node.pos,
                f"source file '{shown}' contains the control character "
                f"{describe_char(text[at])} at line {line}, column {col} of the article; "
                "remove it from the article (control characters are never shown)",
            )
            return None
        return Source(
            title=v.get("title", ""),
            file=file,
            path=resolved,
            text=text,
            sentences=split_sentences(text),
            when=v.get("when", When()),
            place=v.get("place", ""),
            publisher=v.get("publisher", ""),
            url=v.get("url", ""),
        )

    def evidence(self, node: YNode | None, what: str, required: bool) -> tuple[Evidence, ...]:
        if node is None:
            return ()
        if isinstance(node, YScalar) and node.value is None:  # 'evidence:' with nothing after
            if required:
                self.err(node.pos, f"{what} is empty; quote at least one sentence of the article")
            return ()
        write = "write one '- \"quote\"' line for each, indented under the key"
        if self.not_a_list(node, what, " of quotes", write):
            return ()
        assert isinstance(node, YSeq)
        if required and not node.items:
            self.err(node.pos, f"{what} is empty; quote at least one sentence of the article")
            return ()
        assert self.source is not None and self.folded is not None
        out: list[Evidence] = []
        for item in node.items:
            if isinstance(item, YMap):  # a quote with its own attribution
                q = self.quote_entry(item, what)
                if q is not None:
                    out.append(q)
                continue
            quote = self.text(item, f"a quote in {what}")
            if isinstance(item, YScalar) and len(str(item.value)) > MAX_TEXT:
                continue  # reported by text(); too long to search for
            if not quote.strip():
                if isinstance(item, YScalar) and isinstance(item.value, str):
                    self.err(
                        item.pos,
                        f"a quote in {what} is empty; copy words of the article, or remove it",
                    )
                continue
            where = quote_range(quote, self.folded)
            if where is None:
                self.err(item.pos, self.not_found(quote))
                continue
            found = sentences_in(*where, self.source.sentences)
            out.append(Evidence(" ".join(quote.split()), found, item.pos, None, False, *where))
        return tuple(out)

    def quote_entry(self, item: YMap, what: str) -> Evidence | None:
        entries = self.mapping(item, "quote", f"a quote in {what}")
        if entries is None:
            return None
        v = self.fields(entries, "quote", f"a quote in {what}")
        quote = v.get("quote", "")
        if not quote.strip():
            return None
        assert self.source is not None and self.folded is not None
        where = quote_range(quote, self.folded)
        if where is None:
            self.err(entries["quote"].pos, self.not_found(quote))
            return None
        found = sentences_in(*where, self.source.sentences)
        over: dict[str, object] = {
            k: v[k] for k in ("speaker", "voice", "certainty", "note") if v.get(k)
        }
        if "actors" in v:
            over["actors"] = tuple(x for x, _ in v["actors"])
        if over:
            self.overrides[item.pos] = over
        return Evidence(" ".join(quote.split()), found, item.pos, None, False, *where)

    def not_found(self, quote: str) -> str:
        assert self.folded is not None
        short = " ".join(quote.split())
        shown = excerpt(short)
        haystack = self.folded.folded
        if straighten_quotes(short) in straighten_quotes(haystack):
            return (
                f'quote "{shown}" is not verbatim: the article writes its quotes and '
                "apostrophes curly (’ “ ”); copy them as written"
            )
        if short.casefold() in haystack.casefold():
            return f'quote "{shown}" differs from the article in letter case; copy it as written'
        # The longest leading run of words that the article has: found-ness only shrinks
        # as words are added, so a binary search finds it in a few look-ups.
        words = short.split()
        lo, hi = 0, len(words)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if " ".join(words[:mid]) in haystack:
                lo = mid
            else:
                hi = mid - 1
        best = " ".join(words[:lo])
        hint = (
            f'the article matches up to "{excerpt(best[-40:], 40)}"; check the words after it'
            if best
            else "copy the words exactly from the source text"
        )
        return f'quote "{shown}" is not found in the source text; {hint}'

    def check_links(self, b: Briefing) -> None:
        seen: dict[str, Pos] = {}
        for it in b.items:
            at = self._id_key.get(it.pos, it.pos)
            if it.id in seen:
                first = seen[it.id]
                self.err(
                    at,
                    f"duplicate id '{excerpt(it.id)}' (first used at line {first.line}); "
                    "ids must be unique across all sections of a briefing: rename one of them",
                )
            else:
                seen[it.id] = at
        actors = {a.id for a in b.actors}
        items = {it.id: it for it in b.items}
        for a in b.actors:
            if a.affiliation is not None:
                if a.affiliation not in actors:
                    self.err(
                        a.pos,
                        f"the affiliation of actor '{excerpt(a.id)}' names "
                        f"'{excerpt(a.affiliation)}', which is not an actor of this briefing"
                        f"{suggest(a.affiliation, actors, '; add that actor, or fix the id')}",
                    )
                elif a.affiliation == a.id:
                    self.err(
                        a.pos,
                        f"actor '{excerpt(a.id)}' cannot be affiliated with itself; "
                        "remove the affiliation or name another actor",
                    )
        for iid, groups in self._refs:
            for relation, refs in groups.items():
                for ref, pos in refs:
                    if ":" in ref:
                        continue  # another briefing's item: checked by the library
                    if relation in ACTOR_RELATIONS:
                        if ref not in actors:
                            kind = (
                                f"a {items[ref].item_kind}, not an actor"
                                if ref in items
                                else "not an actor of this briefing"
                            )
                            fix = "; name an actor listed under actors"
                            self.err(
                                pos,
                                f"'{ref}' in {excerpt(iid)}'s {relation} is {kind}"
                                f"{suggest(ref, actors, fix)}",
                            )
                    elif ref not in items:
                        self.err(
                            pos,
                            f"'{ref}' in {excerpt(iid)}'s {relation} is not an item of this "
                            f"briefing{suggest(ref, set(items), '; fix the id, or add that item')}",
                        )
                    elif ref == iid:
                        self.err(
                            pos, f"{excerpt(iid)} cannot refer to itself; remove '{ref}' from it"
                        )


__all__ = ["Field", "LoadResult", "display_path", "load_briefing", "load_bytes", "load_text"]
