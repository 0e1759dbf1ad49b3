"""The briefing model: frozen, typed dataclasses. Imports no Textual.

A *briefing* is a hand-curated reading of one news article (its *source*): the
actors it names, the commitments they make, and the dated context around them.
Every item cites the article through *evidence*: verbatim quotes mapped to the
numbered sentences of the source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

# English month names, fixed (calendar's names follow the process locale).
MONTH_FULL_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_NAMES = tuple(name[:3] for name in MONTH_FULL_NAMES)


@dataclass(frozen=True, slots=True)
class Pos:
    """A position in a file: 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Precision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"  # the day of the month is known
    MONTH = "month"  # the month is known (perhaps with a weekday, "a Saturday")
    APPROXIMATE = "approximate"  # roughly a period: "in recent months"
    UNDATED = "undated"  # no date can be given


class ActorKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    COUNTRY = "country"
    GOVERNMENT = "government"  # an administration or a government as a body
    GROUP = "group"  # a loose collective: "American firms", "officials in both capitals"


class Voice(StrEnum):
    """How a span of the article carries its claim."""

    QUOTED = "quoted"  # direct speech, in quotation marks
    PARAPHRASED = "paraphrased"  # reported speech: "X said that ..."
    REPORTED = "reported"  # an event the writer reports
    ANALYSIS = "analysis"  # the writer's own judgement


class Certainty(StrEnum):
    """How sure the briefing is of an attribution."""

    CERTAIN = "certain"
    LIKELY = "likely"
    UNCERTAIN = "uncertain"


WRITER = "writer"  # the speaker of the article's own voice
UNKNOWN_SPEAKER = "unknown"
INFERRED_MARK = "*"  # shown after a value (or a year) that is inferred, not read


class CommitmentKind(StrEnum):
    AGREEMENT = "agreement"  # two or more parties agree
    OFFER = "offer"  # one party offers something to another
    PLEDGE = "pledge"  # a promise or reaffirmed commitment
    POLICY = "policy"  # a standing policy being applied
    PLAN = "plan"  # something announced to be done
    INTENTION = "intention"  # a stated wish or aim


class Status(StrEnum):
    """Where a commitment stands, as far as the article says."""

    STATED = "stated"  # voiced as an aim or intention; nothing agreed
    OFFERED = "offered"  # offered by one side; acceptance not reported
    WELCOMED = "welcomed"  # offered and welcomed by the other side
    AGREED = "agreed"  # agreed by the parties
    REAFFIRMED = "reaffirmed"  # an earlier commitment restated
    PLANNED = "planned"  # announced to happen; not started
    UNDERWAY = "underway"  # being carried out


@dataclass(frozen=True, slots=True)
class When:
    """A date as the article gives it, with its precision.

    ``month`` is ``YYYY-MM`` (``None`` only when undated); ``day`` is set only
    with ``Precision.DAY``. ``qualifier`` is shown in parentheses ("a Saturday",
    "earlier in the month"); ``basis`` says how the date was inferred.
    """

    precision: Precision = Precision.UNDATED
    month: str | None = None
    day: int | None = None
    qualifier: str = ""
    basis: str = ""
    year_inferred: bool = False  # the year is the briefing's inferred year (its ``dating``)

    @property
    def year(self) -> int | None:
        return int(self.month[:4]) if self.month else None

    def label(self) -> str:
        """Human label: ``Nov 2025 (a Saturday)``, ``~Oct 2025``, ``undated``."""
        if self.month is None or self.precision is Precision.UNDATED:
            text = "undated"
        else:
            year, month = self.month.split("-")
            mark = INFERRED_MARK if self.year_inferred else ""
            text = f"{MONTH_NAMES[int(month) - 1]} {year}{mark}"
            if self.precision is Precision.DAY and self.day is not None:
                text = f"{self.day} {text}"
            elif self.precision is Precision.APPROXIMATE:
                text = f"~{text}"
        if self.qualifier:
            text = f"{text} ({self.qualifier})"
        return text

    def month_label(self) -> str:
        """The month heading this date groups under: ``November 2025`` or ``Undated``."""
        if self.month is None or self.precision is Precision.UNDATED:
            return "Undated"
        year, month = self.month.split("-")
        return f"{MONTH_FULL_NAMES[int(month) - 1]} {year}"

    def sort_key(self) -> tuple[int, str, int]:
        """Dated items in date order; undated ones last."""
        if self.month is None or self.precision is Precision.UNDATED:
            return (1, "", 0)
        return (0, self.month, self.day or 0)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a source article. ``number`` is 1-based over the article."""

    number: int
    paragraph: int
    text: str
    start: int  # offset of the first character in the source text
    end: int  # offset just past the last character


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who says what: the speaker of a span of the article and how it is said.

    ``speaker`` is an actor id, :data:`WRITER` (the article's own voice) or
    :data:`UNKNOWN_SPEAKER`; ``note`` explains an attribution that is not certain.
    """

    speaker: str
    voice: Voice
    certainty: Certainty = Certainty.CERTAIN
    note: str = ""
    actors: tuple[str, ...] = ()  # whose act a reported span reports (when not the speaker)

    def label(self, speaker_name: str) -> str:
        """``Naqvi, paraphrased``; ``the writer's analysis``; ``? unknown, quoted``."""
        if self.speaker == WRITER:
            text = "the writer's analysis" if self.voice is Voice.ANALYSIS else "the writer"
            if self.voice is not Voice.ANALYSIS:
                text += f", {self.voice.value}"
        else:
            text = f"{speaker_name}, {self.voice.value}"
        if self.certainty is not Certainty.CERTAIN:
            text += f" ({self.certainty.value})"
        return text


@dataclass(frozen=True, slots=True)
class Span:
    """An attribution declared over a run of the article (a sentence or a clause)."""

    quote: str
    start: int  # offsets in the source text
    end: int
    sentences: tuple[int, ...]
    attribution: Attribution
    pos: Pos


@dataclass(frozen=True, slots=True)
class Evidence:
    """A verbatim quote of the source, and the sentence numbers it falls in.

    ``attribution`` is the quote's own (``overridden``) or the one of the span holding it;
    ``None`` when the briefing declares none (format 1) or no span holds the quote.
    """

    quote: str
    sentences: tuple[int, ...]
    pos: Pos
    attribution: Attribution | None = None
    overridden: bool = False
    start: int = -1  # offsets of the quote in the source text (-1: unknown)
    end: int = -1


@dataclass(frozen=True, slots=True)
class Inferred:
    """A field's value that comes from inference or outside knowledge, and its basis."""

    field: str
    basis: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Source:
    """The article a briefing reads."""

    title: str
    file: str  # as written in the briefing, relative to the briefing file
    path: Path  # resolved
    text: str
    sentences: tuple[Sentence, ...]
    when: When
    place: str = ""
    publisher: str = ""
    url: str = ""

    def sentence(self, number: int) -> Sentence:
        return self.sentences[number - 1]


@dataclass(frozen=True, slots=True)
class Dating:
    """How the briefing's dates were fixed when the article gives no year."""

    year: int
    reason: str


Links = tuple[tuple[str, str], ...]


class _Linked:
    """An item's references, from its class's ``links``: (relation, field) pairs."""

    __slots__ = ()
    links: ClassVar[Links] = ()

    def references(self) -> tuple[tuple[str, str], ...]:
        """(relation, target id) pairs this item names, in the order of ``links``."""
        out: list[tuple[str, str]] = []
        for relation, name in self.links:
            value = getattr(self, name)
            targets = value if isinstance(value, tuple) else (value,) if value else ()
            out += ((relation, target) for target in targets)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Actor(_Linked):
    item_kind = "actor"
    links: ClassVar[Links] = (("affiliation", "affiliation"),)  # (relation, field)

    id: str
    name: str
    kind: ActorKind
    pos: Pos
    role: str = ""
    affiliation: str | None = None  # another actor's id
    aliases: tuple[str, ...] = ()
    description: str = ""
    note: str = ""  # attribution or curation note
    evidence: tuple[Evidence, ...] = ()
    inferred: tuple[Inferred, ...] = ()

    @property
    def title(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Commitment(_Linked):
    item_kind = "commitment"
    links: ClassVar[Links] = (
        ("by", "by"),
        ("to", "to"),
        ("related", "related"),
    )  # (relation, field)

    id: str
    title: str
    kind: CommitmentKind
    status: Status
    pos: Pos
    by: tuple[str, ...] = ()  # actor ids
    to: tuple[str, ...] = ()  # actor ids
    topics: tuple[str, ...] = ()
    when: When = field(default_factory=When)
    summary: str = ""
    note: str = ""
    related: tuple[str, ...] = ()  # ids of commitments, events or notes
    evidence: tuple[Evidence, ...] = ()
    inferred: tuple[Inferred, ...] = ()


@dataclass(frozen=True, slots=True)
class ContextEvent(_Linked):
    item_kind = "event"
    links: ClassVar[Links] = (("actor", "actors"), ("related", "related"))  # (relation, field)

    id: str
    title: str
    when: When
    pos: Pos
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    summary: str = ""
    note: str = ""
    related: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    inferred: tuple[Inferred, ...] = ()


@dataclass(frozen=True, slots=True)
class Note(_Linked):
    """An attribution or curation note: where the text is ambiguous, say so."""

    item_kind = "note"
    links: ClassVar[Links] = (("about", "about"),)  # (relation, field)

    id: str
    title: str
    text: str
    pos: Pos
    about: tuple[str, ...] = ()  # ids of any items
    evidence: tuple[Evidence, ...] = ()
    inferred: tuple[Inferred, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment(_Linked):
    """The writer's own judgement or analysis: not a commitment of anyone."""

    item_kind = "assessment"
    links: ClassVar[Links] = (("about", "about"), ("related", "related"))  # (relation, field)

    id: str
    title: str
    pos: Pos
    about: tuple[str, ...] = ()  # ids of the actors (or items) it is about
    topics: tuple[str, ...] = ()
    when: When = field(default_factory=When)
    summary: str = ""
    note: str = ""
    related: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    inferred: tuple[Inferred, ...] = ()


Item = Actor | Commitment | ContextEvent | Note | Assessment


@dataclass(frozen=True, slots=True)
class KeyJudgement:
    """The bottom line, in a sentence, citing the items it rests on."""

    text: str
    cites: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Unknown:
    """An open question the article leaves."""

    question: str
    pos: Pos
    about: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class SourceAssessment:
    """How far the article can be trusted: who wrote it, whose account it follows."""

    outlet: str = ""
    dateline: str = ""
    readout: str = ""  # whose readout or account the article follows
    direct_quotes: int | None = None
    balance: str = ""  # one-sided or not, and why
    note: str = ""


@dataclass(frozen=True, slots=True)
class MonthGroup:
    label: str  # "November 2025" or "Undated"
    events: tuple[ContextEvent, ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str
    title: str
    path: Path
    source: Source
    actors: tuple[Actor, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    context: tuple[ContextEvent, ...] = ()
    notes: tuple[Note, ...] = ()
    dating: Dating | None = None
    summary: str = ""
    format: int = 1
    assessments: tuple[Assessment, ...] = ()
    spans: tuple[Span, ...] = ()  # who says what over the article (format 2)
    key_judgements: tuple[KeyJudgement, ...] = ()
    unknowns: tuple[Unknown, ...] = ()
    source_assessment: SourceAssessment | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        return (*self.actors, *self.commitments, *self.context, *self.notes, *self.assessments)

    def speaker_name(self, speaker: str) -> str:
        """How a speaker reads: an actor's name, "the writer", "unknown"."""
        if speaker == WRITER:
            return "the writer"
        if speaker == UNKNOWN_SPEAKER:
            return "unknown"
        actor = self.item(speaker)
        if isinstance(actor, Actor):
            return (
                actor.aliases[0] if actor.kind is ActorKind.PERSON and actor.aliases else actor.name
            )
        return speaker

    def sentence_attributions(self, number: int) -> tuple[Attribution, ...]:
        """The attributions of the spans that touch sentence ``number``, in text order."""
        return tuple(s.attribution for s in self.spans if number in s.sentences)

    def item(self, item_id: str) -> Item | None:
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def context_by_month(self) -> tuple[MonthGroup, ...]:
        """Context events grouped under month headings, in date order, undated last."""
        groups: dict[str, list[ContextEvent]] = {}
        for ev in sorted(self.context, key=lambda e: e.when.sort_key()):
            groups.setdefault(ev.when.month_label(), []).append(ev)
        return tuple(MonthGroup(label, tuple(evs)) for label, evs in groups.items())

    def counts(self) -> dict[str, int]:
        return {
            "actors": len(self.actors),
            "commitments": len(self.commitments),
            "context": len(self.context),
            "notes": len(self.notes),
            "assessments": len(self.assessments),
            "sentences": len(self.source.sentences),
        }


@dataclass(frozen=True, slots=True, order=True)
class ItemRef:
    """A library-wide reference to an item: its briefing and its id."""

    briefing: str
    item: str

    def __str__(self) -> str:
        return f"{self.briefing}:{self.item}"
