"""Drafting from an article, for ``briefing-tui new`` (briefing_tui.briefing.scaffold):
candidate actors (capitalised names, merged with their surnames), the dateline, and who says
what (attribution spans drafted from reporting verbs). Imports no Textual."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from briefing_tui.briefing.model import Sentence
from briefing_tui.briefing.sentences import FoldedText, locate
from briefing_tui.briefing.text import fold_ws, slugify

# -- finding candidate actors ------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word: initials ("U.S.") or letters, digits, apostrophes and hyphens starting with a letter.
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
# Lower-case words that may join the capitalised words of one name.
_CONNECTORS = _words("of for the bin al de del da du van von der la le")
# Abbreviations after which a full stop does not break a name ("Mr. Trump").
_DOTTED = _words("mr mrs ms dr st gen lt col sen gov prof")
# Capitalised words that are not names on their own.
_NOT_NAMES = _words("""
    i a an the he she it we they you his her its our their this that these those there here
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
""")
# Words that open sentences: never the first name of a person ("For Islamabad").
_OPENERS = _words("""
    for in on at after before earlier later even as by with from but and or while when since
    during under over then meanwhile also however yesterday today tomorrow last next this that
    both all some many most officials if although though because despite amid among between
    according asked speaking
""")
# Honorifics: not part of a name, not a role.
_HONORIFICS = _words("mr mrs ms miss mx dr sir dame prof")
# Words of a title before a person's name ("US Secretary of State Marco Rubio").
_TITLE_WORDS = _HONORIFICS | _words("""
    acting deputy vice chief senior former foreign interior home defence defense finance
    trade health energy state of the us uk un eu national general prime first special
    economy economic justice transport education agriculture environment culture labour
    labor industry information communications housing planning water science
    minister ministers secretary ambassador president pm premier chancellor senator sen governor
    gov mayor king queen prince princess sheikh emir pope judge justice chairman chairwoman
    chair director commissioner spokesman spokeswoman spokesperson envoy representative
    colonel col captain capt major admiral commander speaker leader lt sgt rev lord lady
""")
# A title word that makes a run a person's title (not just "Foreign" or "State").
_STRONG_TITLES = _HONORIFICS | _words("""
    minister secretary ambassador president pm premier chancellor senator sen governor gov mayor
    king queen prince princess sheikh emir pope judge justice chairman chairwoman director
    commissioner spokesman spokeswoman spokesperson envoy general colonel col captain capt
    admiral commander speaker lt sgt rev lord lady
""")
_ORG_WORDS = _words("""
    centre center ministry office council committee commission agency bank fund party army navy
    force forces police court parliament assembly senate congress university institute
    department company corporation group organisation organization association union authority
    board bureau service services network news times post
""")
_GOVERNMENT_WORDS = frozenset(["government", "administration", "cabinet"])
# Words of a place's name: a multi-word name without them is more likely a person's.
_PLACE_WORDS = _words("""
    united states kingdom republic emirates union islands island north south east west new
    saudi central asia africa america europe gulf sea city province state valley coast delhi
    york sri arab korea zealand hong kong lanka
""")
_SPEECH = re.compile(
    r"\s+(?:said|says|told|added|noted|stated|urged|asked|warned|wrote|explained)\b"
)


@dataclass(slots=True)
class Candidate:
    """A name found in the article, proposed as an actor to review."""

    name: str
    kind: str
    sentence: int
    quote: str  # the words as the article writes them (a real evidence quote)
    role: str = ""
    aliases: list[str] = field(default_factory=list)
    id: str = ""


@dataclass(frozen=True, slots=True)
class _Token:
    word: str  # without a possessive ending
    start: int
    end: int  # end of ``word`` in the text
    possessive: bool
    initial: bool  # first word of its sentence, or just after an opening quote

    @property
    def capital(self) -> bool:
        return self.word[:1].isupper()


def _tokens(text: str, s: Sentence) -> list[_Token]:
    out: list[_Token] = []
    for m in _TOKEN.finditer(text, s.start, s.end):
        word = m.group()
        possessive = bool(_POSSESSIVE.search(word)) and len(word) > 2
        if possessive:
            word = _POSSESSIVE.sub("", word)
        before = text[out[-1].end if out else s.start : m.start()]
        initial = not out or any(q in before for q in '"“‘(') or ":" in before
        out.append(_Token(word, m.start(), m.start() + len(word), possessive, initial))
    return out


def _joined(text: str, a: _Token, b: _Token) -> bool:
    """Whether ``a`` and ``b`` are next to each other in one name (only spaces between)."""
    if a.possessive:
        return False
    gap = text[a.end : b.start]
    if gap.startswith(".") and a.word.lower() in _DOTTED:
        gap = gap[1:]
    return bool(gap) and gap.isspace()


def _runs(text: str, toks: list[_Token]) -> list[list[_Token]]:
    """Runs of capitalised words, joined by connectors such as "of" ("Secretary of State")."""
    runs: list[list[_Token]] = []
    i = 0
    while i < len(toks):
        if not toks[i].capital:
            i += 1
            continue
        run = [toks[i]]
        j = i
        while True:
            k = j + 1
            bridge: list[_Token] = []
            while (
                k < len(toks)
                and len(bridge) < 2
                and toks[k].word in _CONNECTORS
                and _joined(text, toks[k - 1], toks[k])
            ):
                bridge.append(toks[k])
                k += 1
            if k < len(toks) and toks[k].capital and _joined(text, toks[k - 1], toks[k]):
                run.extend([*bridge, toks[k]])
                j = k
            else:
                break
        runs.append(run)
        i = j + 1
    return runs


_SMALL_WORDS = _CONNECTORS | _words("a an and or but to on in at by with from as vs")


def _is_title_case_line(line: str, toks: list[_Token]) -> bool:
    """A headline in title case ("Big News From the Capital"): no full stop at the end and
    nearly every word but the small ones capitalised."""
    words = [t for t in toks if t.word.lower() not in _SMALL_WORDS]
    return (
        not line.rstrip().endswith(".")
        and len(words) >= 3
        and sum(t.capital for t in words) >= 0.9 * len(words)
    )


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH_RE})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}}))\b",
    re.IGNORECASE,
)
# "ISLAMABAD:", "Islamabad, 14 March 2026 —", "LONDON (Reuters) -": a place (and a date)
# before a colon or a dash at the start of a paragraph.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][\w.’' -]{1,40}?)(?:\s*\([^)]{1,40}\))?"
    r"(?:,\s*(?P<date>[^:—–\n]{4,40}?))?\s*(?::|—|–|\s-\s)\s*"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline that opens the article: its place and, when given, its date."""

    start: int
    end: int  # the span of the dateline in the text (its words are not actors)
    place: str
    text: str  # as written
    month: str | None = None  # YYYY-MM
    day: int | None = None


def find_dateline(text: str, sentences: tuple[Sentence, ...]) -> Dateline | None:
    """A dateline at the start of the first or second paragraph, if there is one."""
    starts: list[Sentence] = []
    for s in sentences:
        if not starts or s.paragraph != starts[-1].paragraph:
            starts.append(s)
    for s in starts[:2]:
        m = _DATELINE.match(text, s.start, s.end)
        if m is None:
            continue
        place = fold_ws(m.group("place"))
        date = m.group("date") or ""
        if not (place.isupper() or _DATE.search(date)):
            continue  # "The minister said: ..." is no dateline
        month = day = None
        found = _DATE.search(date)
        if found is not None:
            mon = _MONTHS[(found.group("m1") or found.group("m2")).lower().rstrip(".")]
            year = int(found.group("y1") or found.group("y2"))
            d = int(found.group("d1") or found.group("d2"))
            if 1 <= d <= calendar.monthrange(year, mon)[1]:
                month, day = f"{year:04d}-{mon:02d}", d
        return Dateline(
            s.start,
            m.end(),
            place.title() if place.isupper() else place,
            fold_ws(m.group().strip(" :—–-")),
            month,
            day,
        )
    return None


def find_candidates(text: str, sentences: tuple[Sentence, ...]) -> list[Candidate]:
    """Candidate actors: capitalised names in the text, in order of first appearance.

    A capitalised word that opens a sentence counts only when the article also capitalises
    it elsewhere; months, weekdays and pronouns are dropped; a title before a name becomes
    the role ("Interior Minister Mohsin Naqvi"); a lone surname joins the full name as an
    alias ("Naqvi"). The kind is a guess.
    """
    per_sentence = [(s, _tokens(text, s)) for s in sentences]
    # Title-case lines (a headline) say nothing about which words are names.
    lines: dict[int, tuple[str, list[_Token]]] = {}
    for s, toks in per_sentence:
        line, line_toks = lines.get(s.paragraph, ("", []))
        lines[s.paragraph] = (f"{line} {s.text}", line_toks + toks)
    headline = {p for p, (line, toks) in lines.items() if _is_title_case_line(line, toks)}
    known = {
        t.word
        for s, toks in per_sentence
        if s.paragraph not in headline
        for t in toks
        if t.capital and not t.initial
    }
    folded = FoldedText.of(text)
    found: list[Candidate] = []
    dateline = find_dateline(text, sentences)
    for s, toks in per_sentence:
        if s.paragraph in headline:
            continue
        for run in _runs(text, toks):
            if dateline is not None and dateline.start <= run[0].start < dateline.end:
                continue  # "ISLAMABAD:" is where the report was filed, not an actor
            cand = _candidate(text, s, toks, run, known, folded, sentences)
            if cand is not None:
                found.append(cand)
    return _merge(found)


def _quote(
    text: str,
    s: Sentence,
    toks: list[_Token],
    lo: int,
    hi: int,
    folded: FoldedText,
    sentences: tuple[Sentence, ...],
) -> str:
    """The shortest run of words around ``toks[lo:hi+1]`` that the loader maps to ``s``.

    Evidence is located at the first place the quote occurs in the article, so a name that
    occurs earlier (inside another name, say) is widened by a word at a time, right then left,
    up to the whole sentence.
    """
    right = True
    while True:
        quote = fold_ws(text[toks[lo].start : toks[hi].end])
        where = locate(quote, folded, sentences)
        if where is not None and where[0] == s.number:
            return quote
        if lo == 0 and hi == len(toks) - 1:
            return fold_ws(s.text)
        if (right and hi < len(toks) - 1) or lo == 0:
            hi += 1
        else:
            lo -= 1
        right = not right


def _candidate(
    text: str,
    s: Sentence,
    toks: list[_Token],
    run: list[_Token],
    known: set[str],
    folded: FoldedText,
    sentences: tuple[Sentence, ...],
) -> Candidate | None:
    words = list(run)
    # A sentence's first words are capitalised anyway: keep them only if known as names, or
    # when a name follows at once ("Joao Silva, the head ...": a first name).
    while words and words[0].initial and words[0].word not in known:
        first = words[0].word.lower()
        if (
            len(words) > 1
            and words[1].capital
            and words[1].word in known
            and first not in _OPENERS | _NOT_NAMES | _TITLE_WORDS | _CONNECTORS
        ):
            break
        words.pop(0)
    while words and (words[0].word in _CONNECTORS or words[0].word.lower() in ("the", "a", "an")):
        words.pop(0)
    while words and words[-1].word in _CONNECTORS:
        words.pop()
    if not words or all(w.word.lower() in _NOT_NAMES for w in words):
        return None
    # A title before the name: "Acting US Ambassador Natalie Baker".
    prefix = 0
    while prefix < len(words) and words[prefix].word.lower() in _TITLE_WORDS:
        prefix += 1
    strong = any(w.word.lower() in _STRONG_TITLES for w in words[:prefix])
    cut = prefix if strong else 0
    kind = ""
    role_words = [w.word for w in words[:cut] if w.word.lower() not in _HONORIFICS]
    if 0 < cut < len(words):
        kind = "person"
        name_words = words[cut:]
    elif cut == len(words):
        return None  # only a title ("the Prime Minister"): not a name
    else:
        name_words = words
    name = text[name_words[0].start : name_words[-1].end]
    lower = {w.word.lower() for w in name_words}
    if not kind:
        if lower & _ORG_WORDS:
            kind = "organisation"
        elif lower & _GOVERNMENT_WORDS:
            kind = "government"
        elif _SPEECH.match(text, run[-1].end):
            kind = "person"
        elif len(name_words) > 1 and not lower & _PLACE_WORDS:
            kind = "person"  # "Ana Ruiz": a full name, not a country
        else:
            kind = "country"
    quote = _quote(text, s, toks, toks.index(words[0]), toks.index(words[-1]), folded, sentences)
    role = " ".join(role_words) if kind == "person" else ""
    return Candidate(fold_ws(name), kind, s.number, quote, role)


def _merge(found: list[Candidate]) -> list[Candidate]:
    """One candidate a name; a lone word that ends a person's full name becomes its alias."""
    by_name: dict[str, Candidate] = {}
    for c in found:
        key = c.name.casefold()
        first = by_name.get(key)
        if first is None:
            by_name[key] = c
        elif c.kind == "person" and first.kind != "person":
            first.kind, first.role = "person", first.role or c.role
        elif not first.role and c.role:
            first.role = c.role
    people = [c for c in by_name.values() if c.kind == "person" and " " in c.name]
    out: list[Candidate] = []
    for c in by_name.values():
        if " " not in c.name:
            owners = [p for p in people if p.name.split(" ")[-1].casefold() == c.name.casefold()]
            if len(owners) == 1:
                owners[0].aliases.append(c.name)
                continue
        out.append(c)
    ids: set[str] = set()
    for c in out:
        base = slugify(c.name) or "actor"
        ident, n = base, 2
        while ident in ids:
            ident, n = f"{base}-{n}", n + 1
        ids.add(ident)
        c.id = ident
    return out


# -- drafting who says what --------------------------------------------------------------------

_REPORTING = (
    "said|says|noted|notes|informed|informs|told|tells|added|adds|stated|states|explained|"
    "warned|urged|announced|announces|insisted|claimed|confirmed|reaffirmed|described"
)
_PRONOUNS = frozenset(["he", "she", "they", "it"])
_VERB = re.compile(rf"\b(?:{_REPORTING})\b")
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DraftSpan:
    """A drafted attribution of one sentence, from its reporting verb (to be checked)."""

    sentence: Sentence
    speaker: str  # an actor id, "writer" or "unknown"
    voice: str
    certainty: str
    note: str


def draft_spans(
    text: str, sentences: tuple[Sentence, ...], candidates: list[Candidate]
) -> list[DraftSpan]:
    """One drafted span a sentence: who says it, read from "said", "noted", "informed",
    "according to" and the like; the writer's report where there is none."""
    names: list[tuple[str, str]] = []  # (name as written, actor id), longest first
    for c in candidates:
        names += [(c.name, c.id), *((a, c.id) for a in c.aliases)]
    names.sort(key=lambda n: len(n[0]), reverse=True)
    out: list[DraftSpan] = []
    for s in sentences:
        body = s.text
        voice = "quoted" if any(q in body for q in '“”"') else "paraphrased"
        verb = _VERB.search(body)
        according = _ACCORDING.search(body)
        if verb is None and according is None:
            out.append(
                DraftSpan(
                    s,
                    "writer",
                    "reported",
                    "likely",
                    "drafted by briefing-tui new: no reporting verb, so the writer reports "
                    "it; use voice: analysis if it is the writer's own judgement",
                )
            )
            continue
        if according is not None:
            window, word = body[according.end() : according.end() + 60], "according to"
        else:
            assert verb is not None
            word = verb.group()
            # the speaker is named just before the verb ("Naqvi said"), or after it ("said Naqvi")
            window = body[max(0, verb.start() - 60) : verb.start()] + " " + body[verb.end() :][:30]
        speaker = next((aid for name, aid in names if name in window), None)
        before = body[: verb.start()] if verb is not None else ""
        last_word = before.split()[-1].strip(",").lower() if before.split() else ""
        if speaker is None or last_word in _PRONOUNS:
            out.append(
                DraftSpan(
                    s,
                    "unknown",
                    voice,
                    "uncertain",
                    f"drafted by briefing-tui new from '{word}': the speaker is not named "
                    "here; write whom the pronoun or title refers to",
                )
            )
            continue
        out.append(
            DraftSpan(
                s, speaker, voice, "likely", f"drafted by briefing-tui new from '{word}'; check it"
            )
        )
    return out
