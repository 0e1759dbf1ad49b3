"""What the search index holds: its schema and the documents of a briefing.

One document per item (actor, commitment, context event, note) and one per sentence of the
source. Documents are made in two stages:

1. :func:`raw_documents`: the text of each field, straight from the model (cheap). Its
   hash (:func:`briefing_hash`) tells whether a briefing changed since it was indexed.
2. :func:`analysed`: the terms Whoosh indexes (words folded, stemmed, n-grams), done only
   for the briefings being (re)indexed.

Fields (see docs/search.md):

=========  =======================  ==================================================
field      indexed as               holds
=========  =======================  ==================================================
ref        stored                   (kind, briefing id, item id); a sentence's id is its number
id         exact                    the item id, or ``s<N>`` for sentence N
text       stemmed, positions       everything searchable: title, names, aliases, role,
                                    description, summary, text, note, evidence, topics,
                                    the names of the actors involved; a word of the title,
                                    name or aliases is marked as such (TITLE_MARK)
pre        edge n-grams, unstemmed  the starts of every word of ``text``
kind       exact                    item kind, commitment or actor kind, ``item``
status     exact                    a commitment's status
month      exact                    ``YYYY-MM`` and ``YYYY`` of a dated item
topic      exact                    topics, and the stems of their words
actor      exact                    ids, and the words of the names and aliases, of the
                                    actors involved
briefing   exact                    the briefing id
=========  =======================  ==================================================
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from briefing_tui.briefing.model import Actor, Briefing, Precision
from briefing_tui.briefing.text import fold
from briefing_tui.search import analysis

# Bump when the schema, the analysis or the documents change: older indexes are rebuilt.
INDEX_VERSION = 7  # 5: segments carry impact files (search/impacts.py); 6: bitmap runs;
# 7: the impact files' directory is a JSON object

# In the text field a title word's weight is TITLE_MARK per occurrence (a body word's 1):
# the scorer reads "in the title" and the body frequency back out of the weight.
TITLE_MARK = 1000.0
# What a prefix match weighs: in a title or name, in an item's other text, in a sentence.
PRE_TITLE = 3.0
PRE_ITEM = 1.5
PRE_SENTENCE = 1.0
SENTENCE_KIND = "sentence"
ITEM_KIND = "item"  # in the kind field of every document that is not a sentence


def make_schema() -> Any:
    """The Whoosh schema (imports Whoosh)."""
    from whoosh import analysis as wa
    from whoosh import fields, formats

    def exact() -> Any:
        return fields.FieldType(formats.Existence(), wa.IDTokenizer(), scorable=False)

    # Documents are analysed by briefing_tui.search.analysis and handed to Whoosh as term lists, so
    # the analysers below are never run on the documents; they are the nearest stock ones.
    stemming = wa.StemmingAnalyzer(stoplist=analysis.STOP_WORDS)
    return fields.Schema(
        ref=fields.STORED(),
        # A word of the title (or name, or an alias) is marked in its posting's weight.
        text=fields.FieldType(formats.Positions(), stemming, scorable=True),
        # Unscored: a prefix match scores its posting's weight (PRE_* below), so that for a
        # short prefix alone the best matches come first without scoring every match.
        pre=fields.FieldType(
            formats.Existence(),
            wa.SimpleAnalyzer() | wa.NgramFilter(analysis.MIN_GRAM, analysis.MAX_GRAM, at="start"),
            scorable=False,
        ),
        kind=exact(),
        status=exact(),
        month=exact(),
        topic=exact(),
        actor=exact(),
        briefing=exact(),
        id=exact(),
    )


class LeadWeighted:
    """A positions field's terms whose first ``lead`` terms weigh ``lead_weight`` each (the
    others 1): a title's words count for more in the same field's term frequencies."""

    __slots__ = ("lead", "lead_weight", "terms")

    def __init__(self, terms: list[str], lead: int, lead_weight: float) -> None:
        self.terms = terms
        self.lead = lead
        self.lead_weight = lead_weight

    def __len__(self) -> int:
        return len(self.terms)


@dataclass(frozen=True, slots=True)
class RawDoc:
    """A document's text, field by field, before analysis."""

    ref: str
    briefing: str
    kinds: tuple[str, ...]
    title: tuple[str, ...]  # title or name, then aliases
    body: tuple[str, ...]  # the other searchable text
    topics: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    status: str = ""
    actors: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (id, (name, *aliases))

    def key_text(self) -> str:
        parts = [
            self.ref,
            "\x1f".join(self.kinds),
            "\x1f".join(self.title),
            "\x1f".join(self.body),
            "\x1f".join(self.topics),
            "\x1f".join(self.months),
            self.status,
            "\x1f".join(a + "=" + "|".join(n) for a, n in self.actors),
        ]
        return "\x1e".join(parts)


_ROW = ("ref", "briefing", "kinds", "title", "body", "topics", "months", "status", "actors")
_ROW_GET = attrgetter(*_ROW)  # a document's fields as a tuple, in _ROW's order
_ROW_SET = tuple(RawDoc.__dict__[name].__set__ for name in _ROW)  # RawDoc's slots, set directly


def rows_of(bid: str, docs: list[RawDoc]) -> bytes:
    """Briefing ``bid``'s documents as bytes (marshal: strings and tuples only), for
    :func:`docs_of_rows` in another process of this run."""
    return marshal.dumps((bid, tuple(map(_ROW_GET, docs))))


def docs_of_rows(data: bytes, bid: str) -> list[RawDoc] | None:
    """The documents :func:`rows_of` made of briefing ``bid``; None when ``data`` is not
    that (cut short, or another briefing's)."""
    try:
        head, rows = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if head != bid or not isinstance(rows, tuple):
        return None
    out = []
    new = object.__new__
    for row in rows:
        if not isinstance(row, tuple) or len(row) != len(_ROW):
            return None
        d = new(RawDoc)  # (a frozen dataclass's __init__ costs more than the rest)
        for put, value in zip(_ROW_SET, row, strict=True):
            put(d, value)
        out.append(d)
    return out


def ref_of(kind: str, briefing: str, item: str) -> str:
    """A document's key in the hash of its briefing (kind, briefing id, item id)."""
    return "\x1f".join((kind, briefing, item))


def parse_ref(ref: Any) -> tuple[str, str, str]:
    """The (kind, briefing id, item id) a document's stored ``ref`` holds."""
    kind, briefing, item = ref
    return str(kind), str(briefing), str(item)


def _months(when: Any) -> tuple[str, ...]:
    if when is None or when.month is None or when.precision is Precision.UNDATED:
        return ()
    return (when.month, when.month[:4])


def raw_documents(b: Briefing) -> list[RawDoc]:
    """The documents of a briefing: its items (actors, commitments, events, notes), then
    its sentences."""
    actors: dict[str, Actor] = {a.id: a for a in b.actors}

    def involved(ids: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        out = []
        for aid in ids:
            a = actors.get(aid)
            if a is not None:
                out.append((aid, (a.name, *a.aliases)))
        return tuple(out)

    def evidence(it: Any) -> tuple[str, ...]:
        return tuple(e.quote for e in it.evidence)

    docs: list[RawDoc] = []
    # Which actors each sentence concerns: the actors citing it, and those involved in the
    # items citing it.
    by_sentence: dict[int, list[str]] = {}

    def cite(it: Any, ids: tuple[str, ...]) -> None:
        for e in it.evidence:
            for n in e.sentences:
                lst = by_sentence.setdefault(n, [])
                for aid in ids:
                    if aid not in lst:
                        lst.append(aid)

    for a in b.actors:
        who = involved((a.id,))
        docs.append(
            RawDoc(
                ref=ref_of("actor", b.id, a.id),
                briefing=b.id,
                kinds=("actor", str(a.kind)),
                title=(a.name, *a.aliases),
                body=(a.role, a.description, a.note, *evidence(a)),
                actors=who,
            )
        )
        cite(a, (a.id,))
    for c in b.commitments:
        ids = tuple(dict.fromkeys((*c.by, *c.to)))
        who = involved(ids)
        docs.append(
            RawDoc(
                ref=ref_of("commitment", b.id, c.id),
                briefing=b.id,
                kinds=("commitment", str(c.kind)),
                title=(c.title,),
                body=(c.summary, c.note, *evidence(c), *(n[0] for _, n in who)),
                topics=c.topics,
                months=_months(c.when),
                status=str(c.status),
                actors=who,
            )
        )
        cite(c, ids)
    for ev in b.context:
        who = involved(ev.actors)
        docs.append(
            RawDoc(
                ref=ref_of("event", b.id, ev.id),
                briefing=b.id,
                kinds=("event",),
                title=(ev.title,),
                body=(ev.summary, ev.note, *evidence(ev), *(n[0] for _, n in who)),
                topics=ev.topics,
                months=_months(ev.when),
                actors=who,
            )
        )
        cite(ev, ev.actors)
    for n in b.notes:
        who = involved(n.about)
        docs.append(
            RawDoc(
                ref=ref_of("note", b.id, n.id),
                briefing=b.id,
                kinds=("note",),
                title=(n.title,),
                body=(n.text, *evidence(n)),
                actors=who,
            )
        )
        cite(n, n.about)
    for asm in b.assessments:  # the writer's judgements
        who = involved(asm.about)
        docs.append(
            RawDoc(
                ref=ref_of("assessment", b.id, asm.id),
                briefing=b.id,
                kinds=("assessment",),
                title=(asm.title,),
                body=(asm.summary, asm.note, *evidence(asm), *(n[0] for _, n in who)),
                topics=asm.topics,
                months=_months(asm.when),
                actors=who,
            )
        )
        cite(asm, asm.about)
    for s in b.source.sentences:
        docs.append(
            RawDoc(
                ref=ref_of(SENTENCE_KIND, b.id, str(s.number)),
                briefing=b.id,
                kinds=(SENTENCE_KIND,),
                title=(),
                body=(s.text,),
                actors=involved(tuple(by_sentence.get(s.number, ()))),
            )
        )
    return docs


def briefing_hash(b: Briefing, docs: list[RawDoc]) -> str:
    """A digest of everything the index holds for a briefing."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"v{INDEX_VERSION}\x1e{b.id}\x1e".encode())
    for d in docs:
        h.update(d.key_text().encode("utf-8", "surrogatepass"))
        h.update(b"\x1d")
    return h.hexdigest()


def analysed(d: RawDoc) -> dict[str, Any]:
    """The fields of a document as Whoosh indexes them (term lists), and ``_words``: the
    set of its folded words (for the vocabulary)."""
    title_words: list[str] = []
    for t in d.title:
        title_words.extend(analysis.words(t))
    body_words: list[str] = []
    for t in d.body:
        if t:
            body_words.extend(analysis.words(t))
    topic_words: list[str] = []
    for t in d.topics:
        topic_words.extend(analysis.words(t))
    all_words = title_words + body_words + topic_words
    is_sentence = d.kinds[0] == SENTENCE_KIND
    title_terms = analysis.terms_of_words(title_words)
    ref = parse_ref(d.ref.split("\x1f", 2))
    body_weight = PRE_SENTENCE if is_sentence else PRE_ITEM
    pre: dict[str, float] = dict.fromkeys(analysis.grams(body_words + topic_words), body_weight)
    for g in analysis.grams(title_words):
        pre[g] = PRE_TITLE
    doc: dict[str, Any] = {
        "ref": ref,
        "briefing": d.briefing,
        "id": f"s{ref[2]}" if is_sentence else ref[2],
        "text": LeadWeighted(
            title_terms + analysis.terms_of_words(body_words + topic_words),
            len(title_terms),
            TITLE_MARK,
        ),
        "pre": pre,
        "kind": [*d.kinds, *(() if is_sentence else (ITEM_KIND,))],
        "_words": set(all_words),
    }
    if d.status:
        doc["status"] = [d.status]
    if d.months:
        doc["month"] = list(d.months)
    if d.topics:
        topic_terms = {fold(t) for t in d.topics}
        topic_terms.update(analysis.terms_of_words(topic_words))
        doc["topic"] = sorted(topic_terms)
    if d.actors:
        actor_terms: set[str] = set()
        for aid, names in d.actors:
            actor_terms.add(aid)
            for name in names:
                actor_terms.update(analysis.words(name))
        doc["actor"] = sorted(actor_terms)
    return doc


def kinds_vocabulary() -> Mapping[str, str]:
    """What ``kind:`` accepts, folded, to the term indexed."""
    from briefing_tui.briefing.model import ActorKind, CommitmentKind

    out: dict[str, str] = {}
    for k in ("actor", "commitment", "event", "note", "assessment", SENTENCE_KIND, ITEM_KIND):
        out[k] = k
        out[k + "s"] = k
    for sub in (*ActorKind, *CommitmentKind):
        out[str(sub)] = str(sub)
        out[str(sub) + "s"] = str(sub)
    out.update(
        {
            "context": "event",
            "contexts": "event",
            "items": ITEM_KIND,
            "source": SENTENCE_KIND,
            "organization": "organisation",
            "organizations": "organisation",
            "people": "person",
            "countries": "country",
            "policies": "policy",
        }
    )
    return out
