"""Every private Whoosh name briefing-tui relies on, in one place (whoosh-reloaded is pinned).

The fast paths of the search index need what Whoosh does not offer publicly: its segment
writer's flush and state (briefing_tui.search.writer), its W3 codec's posting blocks and
length column (the writer and briefing_tui.search.scoring), the top-N collector's per-match
step and a segment's deleted-document set (briefing_tui.search.engine). They use them only
through this module; tests/search/test_whoosh_compat.py checks that each name still exists,
so an upgrade that renames one fails there, by name.

What the fast paths buy (docs/benchmarks.md, "Whoosh's own writer and scorer", 1,000
briefings): the custom writer builds the index in 6.1 s of CPU against 48.8 s for Whoosh's
SegmentWriter; the custom scorer halves per-keystroke p95 (10.2 against 17.5 ms CPU) and
is needed for the title ranking. Remove them when Whoosh's own meet those budgets.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from whoosh import collectors
from whoosh.codec import whoosh3
from whoosh.writing import SegmentWriter

# (owner, name, kind): "method"/"function" must be callable on the owner; "attribute" must
# be assigned in the owner's source (an instance attribute set by its methods).
PRIVATE_NAMES: tuple[tuple[Any, str, str], ...] = (
    (SegmentWriter, "_flush_segment", "method"),
    (SegmentWriter, "_check_state", "method"),
    (SegmentWriter, "_added", "attribute"),
    (SegmentWriter, "_finalize_segment", "method"),
    (whoosh3.W3FieldWriter, "_postwriter", "attribute"),
    (whoosh3.W3PostingsWriter, "_blocklimit", "attribute"),
    (whoosh3.W3PostingsWriter, "_ids", "attribute"),
    (whoosh3.W3PostingsWriter, "_weights", "attribute"),
    (whoosh3.W3PostingsWriter, "_values", "attribute"),
    (whoosh3.W3PostingsWriter, "_maxweight", "attribute"),
    (whoosh3.W3PostingsWriter, "_minlength", "attribute"),
    (whoosh3.W3PostingsWriter, "_maxlength", "attribute"),
    (whoosh3.W3PostingsWriter, "_write_block", "method"),
    (whoosh3.W3PerDocReader, "_cached_reader", "method"),
    (whoosh3, "_lenfield", "function"),
    (collectors.TopCollector, "_collect", "method"),
)


class HookedSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """A SegmentWriter whose segment flush is a public hook, ``flush_segment()``."""

    def _flush_segment(self) -> None:
        self.flush_segment()

    def flush_segment(self) -> None:
        super()._flush_segment()


def finish_segment(writer: Any) -> Any:
    """Write the writer's segment out and close the writer, without writing a TOC (as
    Whoosh's multi-process writer does in each sub-process): the segment, for the parent
    process to list in the TOC it commits. The writers of one index share a temporary
    folder (``<index>.tmp``): it is left for the parent's writer to remove when it commits
    (Whoosh's ``_finish`` would remove it under the other writers)."""
    segment = writer._finalize_segment()
    writer.is_closed = True
    return segment


def check_state(writer: Any) -> None:
    """Raise as Whoosh does when the writer is closed."""
    writer._check_state()


def mark_added(writer: Any) -> None:
    """Tell the writer a document was added (so committing writes a segment)."""
    writer._added = True


def postings_writer(field_writer: Any) -> Any:
    """The W3 field writer's postings writer (where posting blocks are filled)."""
    return field_writer._postwriter


class HookedTopCollector(collectors.TopCollector):  # type: ignore[misc]
    """Whoosh's TopCollector whose per-match step is a public hook, ``collect_one``."""

    def _collect(self, global_docnum: int, score: float) -> float:
        return self.collect_one(global_docnum, score)

    def collect_one(self, global_docnum: int, score: float) -> float:
        out: float = super()._collect(global_docnum, score)
        return out


def hide_deletions(leaf: Any) -> None:
    """Make a segment reader report no deleted documents (the caller skips them itself):
    Whoosh wraps every posting list in a filter for them otherwise."""
    leaf.__dict__["deleted_docs_set"] = frozenset()


def fill_blocks(
    pw: Any,
    ids: array[int],
    weights: array[float],
    values: list[bytes] | None,
    lengths: list[int] | None,
) -> None:
    """Add a term's postings to Whoosh's W3 postings writer a block at a time.

    Does what ``W3PostingsWriter.add_posting`` does posting by posting: a full buffered
    block is written out before the next posting is added, and the last block stays
    buffered for ``finish_postings`` (which may inline a short list).
    """
    limit = pw._blocklimit
    n = len(ids)
    for start in range(0, n, limit):
        if len(pw._ids) >= limit:
            pw._write_block()
        end = start + limit
        pw._ids.extend(ids[start:end])
        ws = weights[start:end]
        pw._weights.extend(ws)
        mw = max(ws)
        if mw > pw._maxweight:
            pw._maxweight = mw
        if values is not None:
            pw._values.extend(v for v in values[start:end] if v)
        if lengths is not None:
            ls = [x for x in lengths[start:end] if x]
            if ls:
                mn = min(ls)
                if pw._minlength is None or mn < pw._minlength:
                    pw._minlength = mn
                mx = max(ls)
                if mx > pw._maxlength:
                    pw._maxlength = mx


def field_length_codes(reader: Any, fieldname: str) -> tuple[Sequence[int], list[int]]:
    """Every document's length in ``fieldname`` as ``(codes, lengths)``: document ``d`` is
    ``lengths[codes[d]]`` long. Whoosh stores a length in one byte (quantised), so the codes
    are that column as read (no list per document is built) and ``lengths`` has 256 entries."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    n = reader.doc_count_all()
    try:
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = col._dbfile.get(col._basepos, min(col._count, n))
        codes = bytes(raw) + bytes(n - len(raw))
        return codes, [byte_to_length(i) if i else 0 for i in range(256)]
    except Exception:
        lengths = [reader.doc_field_length(d, fieldname, 0) for d in range(n)]
        return range(n), lengths
