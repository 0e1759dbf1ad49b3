"""Common terms' postings grouped by what they score: a segment's ``.imp`` file (the core;
imports no Textual, and Whoosh only to name the file).

Reading a common word's postings through Whoosh costs about 2 µs a posting (each block of
128 is unpickled with every posting's positions), so a word in 46,000 documents of a
10,000-briefing library took over 100 ms to score. Every posting of a term scores the same
given its weight and its document's length code (BM25: ``scoring._TextScorer``; an unscored
field: the weight), so the segment writer also writes, for each term with at least
``MIN_POSTINGS`` postings, its documents grouped into *runs* of equal (weight, length code),
docnums ascending within a run. A search (:mod:`briefing_tui.search.termwise`) scores a run
at once and reads its documents as one array. A run of many documents (its bitmap smaller
than its docnums) is also stored as a bitmap (a Python int, bit ``d`` for document ``d``), so
that intersecting two common words is an ``&`` of two ints, at C speed.

File layout (little-endian)::

    for each term:  nruns:u32  weights:f32[nruns]  codes:u8[nruns]  counts:u32[nruns]
                    sizes:u32[nruns]  docnums:u32[sum(counts)]
                    for each run of size > 0: its bitmap, ``size`` bytes (bit d of byte
                    d // 8: document d)
    directory:      JSON, {"<fieldname>\\0<term>": [offset, nruns, ndocs], ...} (UTF-8; an
                    object, so that reading it builds the lookup table in C: a search at
                    10,000 briefings opens six of them)
    trailer:        directory offset:u64  magic b"BTIMP3\\0\\0"

The file is one of the segment's files (``<segment id>.imp``): it is assembled into the
compound segment and deleted with it, by Whoosh.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections import deque
from collections.abc import Sequence
from itertools import repeat
from typing import Any

EXT = ".imp"
MIN_POSTINGS = 256  # fewer: read from Whoosh's own posting blocks (a block or two)
MAGIC = b"BTIMP3\0\0"
_TRAILER = struct.Struct("<Q8s")
_U32 = struct.Struct("<I")
_SWAP = sys.byteorder != "little"

# (weight, length code, docnums) for each run of a term
Runs = list[tuple[float, int, "array[int]"]]
# (weight, length code, bitmap) for each run of a term
Bitmaps = list[tuple[float, int, int]]
# (weight, length code, docnums, bitmap or b"") of each run of a term, as stored
Stored = list[tuple[float, int, bytes, bytes]]


def _le(a: array[Any]) -> bytes:
    if _SWAP:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _from(typecode: str, data: bytes) -> array[Any]:
    a = array(typecode)
    a.frombytes(data)
    if _SWAP:
        a.byteswap()
    return a


def to_bits(ids: Sequence[int]) -> int:
    """The bitmap of ascending docnums ``ids`` (bit ``d`` set for document ``d``). A few
    documents bit by bit; many at C speed: a byte per document, then its eight bit planes
    shifted into place."""
    if not ids:
        return 0
    n = ids[-1] // 8 + 1
    if len(ids) < n:  # fewer documents than bytes
        packed = bytearray(n)
        for d in ids:
            packed[d >> 3] |= 1 << (d & 7)
        return int.from_bytes(packed, "little")
    flags = bytearray(8 * n)
    deque(map(flags.__setitem__, ids, repeat(1)), maxlen=0)
    bits = 0
    for k in range(8):
        bits |= int.from_bytes(flags[k::8], "little") << k
    return bits


class ImpactWriter:
    """Collects the runs of a segment's common terms, then writes the ``.imp`` file."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._directory: dict[tuple[str, str], tuple[int, int, int]] = {}
        self._offset = 0
        self._codes: dict[int, int] = {}

    def _code(self, length: int) -> int:
        code = self._codes.get(length)
        if code is None:
            from whoosh.util.numeric import length_to_byte

            code = self._codes[length] = int(length_to_byte(length))
        return code

    def add(
        self,
        fieldname: str,
        term: str,
        ids: Sequence[int],
        weights: Sequence[float],
        lengths: Sequence[int] | None,
    ) -> None:
        """A term's postings (docnums ascending, their weights and, for a scorable field,
        their documents' lengths in the field)."""
        if len(ids) < MIN_POSTINGS:
            return
        runs: dict[tuple[float, int], array[int]] = {}
        if lengths is None:
            for d, w in zip(ids, weights, strict=True):
                run = runs.get((w, 0))
                if run is None:
                    run = runs[(w, 0)] = array("I")
                run.append(d)
        else:
            code = self._code
            for d, w, n in zip(ids, weights, lengths, strict=True):
                key = (w, code(n))
                run = runs.get(key)
                if run is None:
                    run = runs[key] = array("I")
                run.append(d)
        keys = sorted(runs)
        head = _U32.pack(len(keys))
        ws = _le(array("f", [k[0] for k in keys]))
        cs = bytes(k[1] for k in keys)
        ns = _le(array("I", [len(runs[k]) for k in keys]))
        bitmaps = [_bitmap(runs[k]) for k in keys]
        sizes = _le(array("I", [len(b) for b in bitmaps]))
        body = b"".join(_le(runs[k]) for k in keys)
        blob = head + ws + cs + ns + sizes + body + b"".join(bitmaps)
        self._directory[(fieldname, term)] = (self._offset, len(keys), len(ids))
        self._parts.append(blob)
        self._offset += len(blob)

    def write(self, f: Any) -> None:
        """Write the file to ``f`` (a Whoosh StructFile, or any binary file) and close it."""
        try:
            for part in self._parts:
                f.write(part)
            table = {f"{fd}\0{t}": entry for (fd, t), entry in self._directory.items()}
            f.write(json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode())
            f.write(_TRAILER.pack(self._offset, MAGIC))
        finally:
            f.close()
        self._parts.clear()


def _bitmap(ids: array[int]) -> bytes:
    """A run's bitmap as stored: when smaller than its docnums, else none (b"")."""
    n = ids[-1] // 8 + 1
    return to_bits(ids).to_bytes(n, "little") if n < 4 * len(ids) else b""


class SegmentImpacts:
    """The runs of one segment's common terms, read from its ``.imp`` file on demand."""

    def __init__(self, f: Any) -> None:
        self._f = f
        f.seek(0, 2)
        end = f.tell()
        if end < _TRAILER.size:
            raise ValueError("impact file too short")
        offset, magic = _TRAILER.unpack(self._get(end - _TRAILER.size, _TRAILER.size))
        if magic != MAGIC or offset > end:
            raise ValueError("not an impact file")
        table = json.loads(self._get(offset, end - _TRAILER.size - offset))
        if not isinstance(table, dict):
            raise ValueError("impact file damaged")
        # "<field>\0<term>" -> [offset, nruns, ndocs], each checked when looked up
        self._directory: dict[str, object] = table

    def _entry(self, fieldname: str, term: str) -> tuple[int, int, int] | None:
        entry = self._directory.get(f"{fieldname}\0{term}")
        if entry is None:
            return None
        if type(entry) is not list or len(entry) != 3:
            raise ValueError("impact file damaged")
        if not all(type(v) is int and v >= 0 for v in entry):
            raise ValueError("impact file damaged")
        return entry[0], entry[1], entry[2]

    def _get(self, position: int, length: int) -> bytes:
        self._f.seek(position)
        data = bytes(self._f.read(length))
        if len(data) != length:
            raise ValueError("impact file truncated")
        return data

    def size(self, fieldname: str, term: str) -> int | None:
        """How many postings ``term`` has (None: not a common term of this segment)."""
        entry = self._entry(fieldname, term)
        return None if entry is None else entry[2]

    def runs(self, fieldname: str, term: str) -> Runs | None:
        """The term's runs, or None when the segment has no runs for it (a rare term)."""
        stored = self.stored(fieldname, term)
        if stored is None:
            return None
        return [(w, c, docnums(docs)) for w, c, docs, _bits in stored]

    def bitmaps(self, fieldname: str, term: str) -> Bitmaps | None:
        """The term's runs as bitmaps, or None when the segment has no runs for it."""
        stored = self.stored(fieldname, term)
        if stored is None:
            return None
        return [(w, c, bitmap(docs, bits)) for w, c, docs, bits in stored]

    def stored(self, fieldname: str, term: str) -> Stored | None:
        """The term's runs as stored, or None when the segment has no runs for it;
        :func:`docnums` and :func:`bitmap` read them."""
        entry = self._entry(fieldname, term)
        if entry is None:
            return None
        offset, nruns, ndocs = entry
        head = self._get(offset, 4 + 13 * nruns)
        p = 4
        weights = _from("f", head[p : p + 4 * nruns])
        p += 4 * nruns
        codes = head[p : p + nruns]
        p += nruns
        counts = _from("I", head[p : p + 4 * nruns])
        p += 4 * nruns
        sizes = _from("I", head[p : p + 4 * nruns])
        if sum(counts) != ndocs or _U32.unpack(head[:4])[0] != nruns:
            raise ValueError("impact file damaged")
        data = self._get(offset + len(head), 4 * ndocs + sum(sizes))
        out: Stored = []
        p, q = 0, 4 * ndocs
        for w, c, n, size in zip(weights, codes, counts, sizes, strict=True):
            out.append((w, c, data[p : p + 4 * n], data[q : q + size]))
            p += 4 * n
            q += size
        return out

    def close(self) -> None:
        self._f.close()


def docnums(docs: bytes) -> array[int]:
    """The documents of a run as stored (:meth:`SegmentImpacts.stored`), ascending."""
    return _from("I", docs)


def bitmap(docs: bytes, bits: bytes) -> int:
    """The documents of a run as stored, as a bitmap."""
    return int.from_bytes(bits, "little") if bits else to_bits(_from("I", docs))
