"""The search reference: SQLite FTS5 (stdlib sqlite3) over the same documents.

One row per item and per source sentence (see corpus.documents); unicode61 tokenizer with
diacritics removed and a prefix index for 1-3 letter prefixes (what one would configure for
search-as-you-type). A query is every typed word, AND-ed, the last one as a prefix unless the
query ends in a space; best 20 by bm25 with a snippet, like the app's search pane.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import Doc

SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5("
    "briefing UNINDEXED, kind UNINDEXED, id UNINDEXED, title, body, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
)
_WORD = re.compile(r"\w+", re.UNICODE)
OPEN, CLOSE = "\x01", "\x02"


@dataclass(frozen=True, slots=True)
class FtsHit:
    briefing: str
    kind: str
    id: str
    title: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float


def fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute(SCHEMA)
    except sqlite3.OperationalError:
        return False
    return True


class Fts5Index:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def build(cls, docs: Iterable[Doc], path: Path | None = None) -> Fts5Index:
        """Build the index (in a file when ``path`` is given, else in memory)."""
        conn = sqlite3.connect(str(path) if path else ":memory:")
        conn.execute(SCHEMA)
        conn.executemany(
            "INSERT INTO docs (briefing, kind, id, title, body) VALUES (?, ?, ?, ?, ?)",
            ((d.briefing, d.kind, d.id, d.title, d.body) for d in docs),
        )
        conn.commit()
        return cls(conn)

    @staticmethod
    def match_expression(query: str) -> str | None:
        """The FTS5 MATCH expression for typed text; None when there is nothing to search."""
        words = _WORD.findall(query.casefold())
        if not words:
            return None
        terms = [f'"{w}"' for w in words]
        if not query[-1:].isspace():
            terms[-1] += "*"
        return " ".join(terms)

    def search(self, query: str, limit: int = 20) -> list[FtsHit]:
        expr = self.match_expression(query)
        if expr is None:
            return []
        rows = self.conn.execute(
            "SELECT briefing, kind, id, title, "
            f"snippet(docs, -1, '{OPEN}', '{CLOSE}', '…', 16), bm25(docs) "
            "FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
            (expr, limit),
        ).fetchall()
        return [FtsHit(b, k, i, t, *_unmark(s), score) for b, k, i, t, s, score in rows]

    def close(self) -> None:
        self.conn.close()


def _unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain snippet text and the highlighted spans, from FTS5's marked snippet."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = 0
    for ch in marked:
        if ch == OPEN:
            start = pos
        elif ch == CLOSE:
            spans.append((start, pos))
        else:
            out.append(ch)
            pos += 1
    return "".join(out), tuple(spans)
