"""Search per keystroke, timed honestly: briefing-tui beside SQLite FTS5 on the same keystrokes.

Three rules (issue 15, "make the benchmark honest"):

- **No sample is a cache hit.** The engine keeps a result cache (a query typed again answers from
  it). Before every measured search the cache is emptied (``clear_result_cache``), and every
  measured keystroke is a text not searched before in the run (``distinct_keystrokes``: warm-up
  queries are never measured, and a prefix two queries share is measured once). FTS5 has no
  result cache; it gets the same keystrokes.
- **The same keystrokes for both engines.** briefing-tui does not search a one-letter word being
  typed (``a``, ``drug t``: it waits for the second letter, by design); FTS5 would expand ``a*``
  over the whole index. Figures are given on the keystrokes both answer (``both_answer``) and, as
  before, on every keystroke.
- **Profile an uncached search**: the profile below clears the cache before each search too.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.corpus import keystrokes

_WORD = re.compile(r"\w+", re.UNICODE)


def both_answer(text: str) -> bool:
    """True when briefing-tui searches ``text`` as FTS5 does: some word typed, and the word being
    typed (the last, unless a space follows it) has two letters or more. A one-letter word being
    typed is left out by the app (README: "one letter alone finds nothing yet")."""
    words = _WORD.findall(text)
    if not words:
        return False
    if text[-1:].isspace():
        return True
    return len(words[-1]) >= 2


def clear_result_cache(index: object) -> bool:
    """Empty the search engine's result cache; True when there was one to empty.

    The cache is private to the engine: it is reached by duck typing (an ``_engine`` with a
    ``_cache`` that has ``clear``), so a renamed cache makes this return False, and the caller's
    second guarantee (every measured keystroke distinct) still holds.
    """
    engine = getattr(index, "_engine", None)
    cache = getattr(engine, "_cache", None)
    clear = getattr(cache, "clear", None)
    if not callable(clear):
        return False
    lock = getattr(engine, "_lock", None)
    if lock is not None and hasattr(lock, "__enter__"):
        with lock:
            clear()
    else:
        clear()
    return True


def result_cache_size(index: object) -> int | None:
    """How many results the engine's cache holds now (None when it has none we can see)."""
    cache = getattr(getattr(index, "_engine", None), "_cache", None)
    try:
        return len(cache)  # type: ignore[arg-type]
    except TypeError:
        return None


def distinct_keystrokes(queries: Iterable[str], seen: set[str]) -> list[tuple[int, str]]:
    """(query number, text) for every keystroke of ``queries`` not in ``seen`` (which grows):
    each text is searched once in the run."""
    out: list[tuple[int, str]] = []
    for qi, query in enumerate(queries):
        for prefix in keystrokes(query):
            if prefix not in seen:
                seen.add(prefix)
                out.append((qi, prefix))
    return out


@dataclass
class KeystrokeTimes:
    ours: list[float] = field(default_factory=list)
    fts: list[float] = field(default_factory=list)
    both: list[bool] = field(default_factory=list)  # per sample: both engines answer it
    cleared: int = 0  # samples taken right after the result cache was emptied
    cache_sizes: list[int | None] = field(default_factory=list)  # just before each of ours

    def ours_both(self) -> list[float]:
        return [t for t, b in zip(self.ours, self.both, strict=True) if b]

    def fts_both(self) -> list[float]:
        return [t for t, b in zip(self.fts, self.both, strict=True) if b]


def time_keystrokes(
    index: Any,
    fts: Any,
    queries: Sequence[str],
    warmup: Sequence[str],
    limit: int = 20,
) -> KeystrokeTimes:
    """Type ``queries`` letter by letter into both engines, alternating which goes first per
    query; ``warmup`` queries are typed first and not measured (their keystrokes are not
    measured again either). Each of our samples reads what the pane shows (title, snippet,
    highlights, month) and follows an emptied result cache."""

    def ours(text: str) -> None:
        result = index.search(text, limit=limit)
        for h in result.hits:
            _ = (h.title, h.snippet, h.highlights, h.month)

    def theirs(text: str) -> None:
        fts.search(text, limit=limit)

    seen: set[str] = set()
    for _qi, prefix in distinct_keystrokes(warmup, seen):
        ours(prefix)
        theirs(prefix)
    out = KeystrokeTimes()
    gc.collect()
    for qi, prefix in distinct_keystrokes(queries, seen):
        order: list[tuple[Callable[[str], None], list[float]]] = [
            (ours, out.ours),
            (theirs, out.fts),
        ]
        if qi % 2:
            order.reverse()
        for fn, times in order:
            if fn is ours:
                out.cleared += clear_result_cache(index)
                out.cache_sizes.append(result_cache_size(index))
            t0 = time.perf_counter()
            fn(prefix)
            times.append(time.perf_counter() - t0)
        out.both.append(both_answer(prefix))
    return out


def uncached_searches(index: Any, texts: Sequence[str], limit: int = 20) -> None:
    """Search each text after emptying the result cache (for a profile of uncached searches)."""
    for text in texts:
        clear_result_cache(index)
        result = index.search(text, limit=limit)
        for h in result.hits:
            _ = (h.title, h.snippet, h.highlights, h.month)
