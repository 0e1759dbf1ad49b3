"""``briefing-tui new``: a starter briefing from an article. Imports no Textual.

Layout, as in the bundled library: briefings live in a library directory ``DIR`` (default
``./data``) and articles in ``seeds/`` beside it (``DIR/../seeds/``). ``new ARTICLE.txt``
copies the article to ``DIR/../seeds/<article-slug>.txt`` and writes ``DIR/<id>.yaml``, whose
``source.file`` is ``../seeds/<article-slug>.txt``.

The starter briefing validates: it holds the schema header for editors, the source metadata to
fill in, candidate actors (capitalised names found in the text) as stubs marked ``TODO review``
with a real evidence quote each, and the article's sentences numbered as comments to quote
from. What is still to do is marked ``TODO`` so that ``briefing-tui validate`` lists it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefing_tui.briefing.coverage import STUB_MARKER
from briefing_tui.briefing.drafting import (
    Candidate,
    Dateline,
    DraftSpan,
    draft_spans,
    find_candidates,
    find_dateline,
)
from briefing_tui.briefing.model import Pos, Sentence
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.schema import ID_PATTERN, SCHEMA_PATH
from briefing_tui.briefing.sentences import split_sentences
from briefing_tui.briefing.text import describe_char, find_control, fold_ws, slugify
from briefing_tui.briefing.yamltree import read_file

_ID = re.compile(ID_PATTERN)
EXIT_PROBLEMS, EXIT_USAGE = 1, 2

# -- writing the briefing -----------------------------------------------------------------------


# Characters a YAML stream may not hold, or that YAML reads as line breaks.
_YAML_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)


def yaml_quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, readable (curly quotes stay as written)."""

    def esc(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    body = text.replace("\\", "\\\\").replace('"', '\\"')
    body = body.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return '"' + _YAML_UNSAFE.sub(esc, body) + '"'


def _comment(text: str) -> str:
    return _YAML_UNSAFE.sub(" ", text.replace("\t", " "))


def schema_ref(out_dir: Path) -> str:
    """The schema path for the header of a briefing in ``out_dir``.

    Always relative to the briefing's folder (never an absolute path of this machine, which
    would mean nothing on another one); in a checkout it is the path the docs show.
    """
    schema = SCHEMA_PATH.resolve()
    try:
        return Path(os.path.relpath(schema, out_dir.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return "briefing.schema.json  # see: briefing-tui schema"


def headline(sentences: tuple[Sentence, ...]) -> str | None:
    """The first line when it reads as a headline: one short line not ending in a full stop."""
    if not sentences:
        return None
    first = [s for s in sentences if s.paragraph == sentences[0].paragraph]
    line = " ".join(s.text for s in first)
    if len(line) <= 120 and not line.endswith("."):
        return fold_ws(line)
    return None


def render(
    briefing_id: str,
    source_file: str,
    article_name: str,
    sentences: tuple[Sentence, ...],
    candidates: list[Candidate],
    schema: str,
    dateline: Dateline | None = None,
    spans: list[DraftSpan] | None = None,
) -> str:
    """The starter briefing's text."""
    head = headline(sentences)
    title = yaml_quote(head) if head else yaml_quote("TODO: a title for this briefing")
    source_title = yaml_quote(head) if head else yaml_quote("TODO: the article's headline")
    out = [
        f"# yaml-language-server: $schema={schema}",
        f"# A starter briefing written by `briefing-tui new` from {_comment(article_name)}.",
        "# What is still to do is marked TODO; `briefing-tui validate` lists it as warnings.",
        "# The article's sentences are numbered at the end of this file: quote from there.",
        "format: 2",
        f"id: {briefing_id}",
        f"title: {title}",
        f"summary: {yaml_quote('TODO: one or two sentences for the briefing switcher')}",
        "",
        "source:",
        f"  file: {yaml_quote(source_file)}",
        f"  title: {source_title}",
        '  publisher: ""   # who published it; leave "" when the article does not say',
        f"  place: {yaml_quote(dateline.place if dateline else '')}"
        "       # where it was reported from (its dateline)",
        '  url: ""',
        "  when:",
    ]
    if dateline is not None and dateline.month is not None:
        out += [
            "    precision: day",
            f"    month: {dateline.month}",
            f"    day: {dateline.day}",
            "    basis: " + yaml_quote(f"the dateline: {dateline.text}"),
            "",
        ]
    else:
        out += [
            "    precision: undated   # day | month | approximate | undated",
            "    # month: 2025-11     # YYYY-MM; required unless undated",
            "    # day: 8             # with precision: day only",
            "    basis: "
            + yaml_quote(
                "TODO: date the article (precision and month) and say which words the date rests on"
            ),
            "",
        ]
    out += [
        "# dating:   # when the article gives no year: the inferred year and why",
        "#   year: 2025",
        "#   reason: ...",
        "",
    ]
    if candidates:
        out += [
            "# Candidate actors: capitalised names found in the article. Each is a stub marked",
            f"# {STUB_MARKER!r}: check its name, kind (person | organisation | country | government",
            "# | group), role and evidence; merge or delete wrong ones; then remove the marker.",
            "actors:",
        ]
        for c in candidates:
            out += [
                f"  - id: {c.id}",
                f"    name: {yaml_quote(c.name)}",
                f"    kind: {c.kind}",
            ]
            if c.role:
                out.append(f"    role: {yaml_quote(c.role)}")
            if c.aliases:
                out.append(f"    aliases: [{', '.join(yaml_quote(a) for a in c.aliases)}]")
            note = (
                f"{STUB_MARKER}: found by briefing-tui new in sentence {c.sentence}; "
                "the kind is a guess"
            )
            out += [
                f"    note: {yaml_quote(note)}",
                "    evidence:",
                f"      - {yaml_quote(c.quote)}",
                "",
            ]
    else:
        out += ["actors: []", ""]
    out += [
        "commitments: []",
        "# commitments:",
        "#   - id: a-commitment",
        "#     title: What was committed, in a line",
        "#     kind: agreement    # agreement | offer | pledge | policy | plan | intention",
        "#     status: agreed     # stated | offered | welcomed | agreed | reaffirmed | planned"
        " | underway",
        "#     by: [an-actor-id]",
        "#     when: {precision: month, month: 2025-11}",
        "#     evidence:",
        '#       - "a verbatim quote of the article"',
        "",
        "context: []",
        "# context:",
        "#   - id: an-event",
        "#     title: What happened, in a line",
        "#     when: {precision: month, month: 2025-10}",
        "#     actors: [an-actor-id]",
        "#     evidence:",
        '#       - "a verbatim quote of the article"',
        "",
        "notes: []",
        "",
    ]
    if spans:
        out += [
            "# Who says what, one span a sentence, drafted from the reporting verbs (said, noted,",
            "# informed, according to ...): check each speaker (an actor id, writer or unknown),",
            "# voice (quoted | paraphrased | reported | analysis) and certainty; split a sentence",
            "# into clauses where two people speak in it.",
            "attribution:",
        ]
        for d in spans:
            out += [
                f"  - span: {yaml_quote(fold_ws(d.sentence.text))}",
                f"    speaker: {d.speaker}",
                f"    voice: {d.voice}",
                f"    certainty: {d.certainty}",
                f"    note: {yaml_quote(d.note)}",
            ]
        out.append("")
    out += [
        "# The article, one sentence a line, numbered as briefing-tui numbers them (a blank line",
        "# between paragraphs). Quote verbatim: the same case, punctuation and curly quotes.",
    ]
    paragraph = 0
    for s in sentences:
        if s.paragraph != paragraph:
            out.append("#")
            paragraph = s.paragraph
        out.append(f"# [{s.number}] {_comment(s.text)}")
    return "\n".join(out) + "\n"


# -- the command --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Created:
    briefing: Path
    article: Path
    copied: bool  # False when the same article was already in seeds/
    sentences: int
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class Refused:
    problem: Problem
    exit_code: int

    def __str__(self) -> str:
        """``path: message``, with the line and column when they say something."""
        pos = self.problem.pos
        where = str(pos) if (pos.line, pos.col) != (1, 1) else pos.path
        return f"{where}: {self.problem.message}"


def read_article(path: Path, display: str) -> str | Refused:
    """The article's text as the loader will read it, or why it cannot be used."""
    if not path.is_file():
        what = "is a directory, not an article" if path.is_dir() else "no such file"
        return Refused(Problem(Pos(display), what), EXIT_USAGE)
    raw = read_file(path, display)
    if isinstance(raw, Problem):
        return Refused(raw, EXIT_PROBLEMS)
    text = raw.replace("\r\n", "\n")
    at = find_control(text.replace("\n", " ").replace("\t", " "))
    if at is not None:
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        return Refused(
            Problem(
                Pos(display, line, col),
                f"the article contains the control character {describe_char(text[at])}; "
                "remove it (briefings never show control characters)",
            ),
            EXIT_PROBLEMS,
        )
    if not text.strip():
        return Refused(Problem(Pos(display), "the article is empty"), EXIT_PROBLEMS)
    return text


_ID_LINE = re.compile(r"^id:\s*['\"]?([a-z0-9][a-z0-9-]*)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def used_ids(out_dir: Path) -> dict[str, str]:
    """The briefing ids already used in the library folder: id -> the file using it."""
    out: dict[str, str] = {}
    if not out_dir.is_dir():
        return out
    for path in sorted([*out_dir.rglob("*.yaml"), *out_dir.rglob("*.yml")]):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:100_000]
        except OSError:
            continue
        m = _ID_LINE.search(head)
        if m is not None:
            out.setdefault(m.group(1), path.name)
    return out


def seeds_dir(out_dir: Path, explicit: bool) -> Path:
    """Where ``new`` copies the article: ``seeds/`` beside the library (the bundled layout,
    and the default), or, for a library named with ``--out DIR`` that has no ``seeds/`` beside
    it, ``DIR/seeds/``: inside the folder the curator named, never outside it."""
    beside = out_dir.resolve().parent / "seeds"
    if not explicit or beside.is_dir():
        return beside
    return out_dir.resolve() / "seeds"


def create(
    article: Path, out_dir: Path, briefing_id: str | None = None, seeds: Path | None = None
) -> Created | Refused:
    """Copy ``article`` to ``out_dir/../seeds/`` and write ``out_dir/<id>.yaml``.

    Never overwrites a briefing; reuses the article when ``seeds/`` already holds the same
    text under its name, and refuses when it holds a different one.
    """
    display = str(article)
    if briefing_id is not None and not _ID.match(briefing_id):
        return Refused(
            Problem(
                Pos("--id"),
                f"'{briefing_id}' is not a valid id: use lower-case letters, digits and '-', "
                "starting with a letter or digit",
            ),
            EXIT_USAGE,
        )
    text = read_article(article, display)
    if isinstance(text, Refused):
        return text
    stem = slugify(article.stem)
    bid = briefing_id or stem
    if not bid:
        return Refused(
            Problem(Pos(display), "no id can be made from the file name; pass --id ID"),
            EXIT_USAGE,
        )
    if out_dir.exists() and not out_dir.is_dir():
        return Refused(Problem(Pos(str(out_dir)), "--out must be a directory"), EXIT_USAGE)
    target = out_dir / f"{bid}.yaml"
    for existing in (target, out_dir / f"{bid}.yml"):
        if existing.exists():
            return Refused(
                Problem(
                    Pos(str(existing)),
                    "a briefing already exists here; it is never overwritten: "
                    "pass another --id, or delete the file first",
                ),
                EXIT_PROBLEMS,
            )
    used = used_ids(out_dir)
    if bid in used:
        if briefing_id is not None:
            return Refused(
                Problem(
                    Pos("--id"),
                    f"the id '{bid}' is already used by {used[bid]}; briefing ids are unique "
                    "in a library: pass another --id",
                ),
                EXIT_USAGE,
            )
        n = 2
        while f"{bid}-{n}" in used:
            n += 1
        bid = f"{bid}-{n}"
    target = out_dir / f"{bid}.yaml"
    seeds = seeds if seeds is not None else out_dir.resolve().parent / "seeds"
    copy = seeds / f"{stem or bid}.txt"
    same_file = copy.exists() and copy.resolve() == article.resolve()
    copied = False
    if copy.exists() and not same_file and copy.read_bytes() != article.read_bytes():
        return Refused(
            Problem(
                Pos(str(copy)),
                "a different article already has this name in seeds/; rename the "
                "article file (its name names the copy)",
            ),
            EXIT_PROBLEMS,
        )
    sentences = split_sentences(text)
    candidates = find_candidates(text, sentences)
    source_file = Path(os.path.relpath(copy, out_dir.resolve())).as_posix()
    body = render(
        bid,
        source_file,
        article.name,
        sentences,
        candidates,
        schema_ref(out_dir),
        find_dateline(text, sentences),
        draft_spans(text, sentences, candidates),
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        seeds.mkdir(parents=True, exist_ok=True)
        if not copy.exists():
            shutil.copyfile(article, copy)
            copied = True
        with open(target, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(body)
    except FileExistsError:
        return Refused(
            Problem(Pos(str(target)), "a briefing already exists here; it is never overwritten"),
            EXIT_PROBLEMS,
        )
    except OSError as exc:
        if copied:
            copy.unlink(missing_ok=True)
        return Refused(
            Problem(Pos(str(target)), f"cannot write: {exc.strerror or exc}"), EXIT_PROBLEMS
        )
    return Created(target, copy, copied, len(sentences), tuple(candidates))
