"""The benchmark corpora: generated libraries (cached by content), documents, typed queries."""

from __future__ import annotations

import hashlib
import importlib.util
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import Actor
from briefing_tui.briefing.text import one_line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _make_library_module() -> ModuleType:
    name = "briefing_tui_bench_make_library"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "make_library.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def generated_library(workdir: Path, briefings: int, seed: int = 1) -> Path:
    """A generated library of ``briefings`` briefings under ``workdir``, made once.

    The directory name carries a hash of the generator, so a changed generator makes a new one.
    """
    digest = hashlib.sha256((HERE / "make_library.py").read_bytes()).hexdigest()[:10]
    out = workdir / f"library-{briefings}-seed{seed}-{digest}"
    done = out / ".complete"
    if not done.exists():
        _make_library_module().make_library(briefings, out, seed)
        done.write_text("ok\n", encoding="utf-8")
    return out


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable document: an item or a source sentence (as the search issue defines)."""

    briefing: str
    kind: str
    id: str
    title: str
    body: str


def documents(library: Library) -> Iterator[Doc]:
    """One document per item and per source sentence, with the item's searchable text."""
    for b in library.briefings:
        for it in b.items:
            title = it.name if isinstance(it, Actor) else it.title
            parts = [
                getattr(it, "role", ""),
                getattr(it, "description", ""),
                getattr(it, "summary", ""),
                getattr(it, "text", ""),
                getattr(it, "note", ""),
                " ".join(getattr(it, "aliases", ())),
                " ".join(getattr(it, "topics", ())),
                " ".join(e.quote for e in it.evidence),
            ]
            yield Doc(b.id, it.item_kind, it.id, title, " ".join(p for p in parts if p))
        for s in b.source.sentences:
            yield Doc(b.id, "sentence", f"s{s.number}", f"Sentence {s.number}", s.text)


STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "into",
        "over",
        "its",
        "his",
        "her",
        "their",
        "was",
        "were",
        "are",
        "has",
        "have",
        "had",
        "been",
        "will",
        "would",
        "said",
        "also",
        "not",
        "but",
        "all",
        "any",
        "can",
        "may",
        "one",
        "two",
        "new",
        "who",
        "what",
        "when",
        "which",
        "while",
        "than",
        "then",
        "there",
        "they",
        "them",
        "our",
        "out",
        "about",
        "after",
        "before",
        "between",
        "during",
    ]
)


def typed_queries(library: Library, count: int, seed: int = 7, words: int = 3) -> list[str]:
    """``count`` deterministic queries of ``words`` words, drawn from the library's sentences.

    The words of a query come from one sentence, in order, so most queries find something, as a
    reader's would.
    """
    sentences = [s.text for b in library.briefings for s in b.source.sentences]
    rng = random.Random(seed)
    out: list[str] = []
    attempts = 0
    while len(out) < count and attempts < count * 100:
        attempts += 1
        tokens = [
            w.lower()
            for w in re.findall(r"[A-Za-z]{3,}", rng.choice(sentences))
            if w.lower() not in STOPWORDS
        ]
        if len(tokens) < words:
            continue
        picks = sorted(rng.sample(range(len(tokens)), words))
        query = " ".join(tokens[i] for i in picks)
        if query not in out:
            out.append(query)
    return out


def keystrokes(query: str) -> list[str]:
    """What the search box holds after each letter typed: 'p', 'pa', ... the whole query."""
    return [query[: i + 1] for i in range(len(query))]


def paint_markers(library: Library, length: int = 16) -> set[str]:
    """Texts whose appearance means the app has painted its library.

    Briefing titles and actor names (their first ``length`` characters, at least 6 long), as a
    switcher, a title bar or a navigator would show them.
    """
    names = [b.title for b in library.briefings] + [a.actor.name for a in library.actors]
    return {one_line(t)[:length] for t in names if len(one_line(t)) >= 6}


def option_lines(library: Library) -> list[str]:
    """The filter reference app's list: every item's title, as a search pane would list them."""
    return [one_line(d.title) for d in documents(library) if d.kind != "sentence"]
