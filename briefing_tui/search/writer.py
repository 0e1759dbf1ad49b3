"""A faster Whoosh segment writer for pre-analysed documents (the core; imports no Textual).

Whoosh's own :class:`~whoosh.writing.SegmentWriter` spends most of its time per posting:
running an analyser over every field, pushing each posting as a tuple through an external
sorting pool, reading each document's field length back from disk while it writes the
posting lists, and adding the postings to a block one call at a time. briefing-tui
analyses its text itself (:mod:`briefing_tui.search.analysis`) and hands Whoosh lists of terms,
so this writer

- takes the term lists as they are (no analyser, no Token objects),
- keeps postings in memory as ``{field: {term: postings}}``: documents arrive in docnum
  order, so every posting list is already sorted (no sort, no temporary files),
- remembers each document's field lengths instead of reading them back,
- fills the codec's posting blocks a block at a time.

It writes ordinary Whoosh segments with Whoosh's own codec (whoosh-reloaded 2.7.5 is
pinned): the result is a plain Whoosh index, read by Whoosh's own searcher. The tests
check that it holds the same postings as one written by Whoosh's writer. Merged segments
(``add_reader``) go through the same pool. Only the field formats briefing-tui uses are
supported: Positions, Frequency, Existence and stored-only fields.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from whoosh import formats
from whoosh.system import pack_uint

from briefing_tui.search.impacts import EXT as IMPACTS_EXT
from briefing_tui.search.impacts import ImpactWriter
from briefing_tui.search.schema import LeadWeighted
from briefing_tui.search.whoosh_compat import (
    HookedSegmentWriter,
    check_state,
    fill_blocks,
    mark_added,
    postings_writer,
)

_POSITIONS, _FREQUENCY, _EXISTENCE = 1, 2, 3

# A Positions posting's value for a word at one position, cached by position.
_ONE_POSITION: dict[int, bytes] = {}
# A Frequency posting's value for each frequency, cached.
_FREQ_BYTES = [pack_uint(i) for i in range(64)]


def _ids() -> array[int]:
    return array("I")


def _weights() -> array[float]:
    return array("f")


class _DictPool:
    """Postings grouped by field and term, each list in docnum order.

    ``ids[field][term]`` are the docnums and ``weights[field][term]`` their weights; for
    formats that carry values (Positions, Frequency) ``values[field][term]`` run alongside.
    """

    def __init__(self, kinds: dict[str, int]) -> None:
        self.kinds = kinds
        self.ids: dict[str, defaultdict[str, array[int]]] = {}
        self.weights: dict[str, defaultdict[str, array[float]]] = {}
        self.values: dict[str, defaultdict[str, list[bytes]]] = {}

    def field(
        self, fieldname: str
    ) -> tuple[
        defaultdict[str, array[int]], defaultdict[str, array[float]], defaultdict[str, list[bytes]]
    ]:
        ids = self.ids.get(fieldname)
        if ids is None:
            ids = self.ids[fieldname] = defaultdict(_ids)
            self.weights[fieldname] = defaultdict(_weights)
            self.values[fieldname] = defaultdict(list)
        return ids, self.weights[fieldname], self.values[fieldname]

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        # The generic entry point, used when older segments are merged in.
        fieldname, btext, docnum, weight, vbytes = item
        ids, weights, values = self.field(fieldname)
        term = btext.decode("utf-8")
        ids[term].append(docnum)
        weights[term].append(weight)
        if self.kinds.get(fieldname, _FREQUENCY) != _EXISTENCE:
            values[term].append(vbytes or b"")

    def cleanup(self) -> None:
        self.ids.clear()
        self.weights.clear()
        self.values.clear()


class FastSegmentWriter(HookedSegmentWriter):
    """A :class:`SegmentWriter` whose ``add_document`` takes pre-analysed term lists.

    Each indexed field's value must be a list (or tuple) of terms, already analysed (a
    plain string is one term); a field that records positions gets positions 0, 1, 2, ...
    in list order. ``progress(done, total)`` is called while the segment is written.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._kinds: dict[str, int] = {}
        for name, field in self.schema.items():
            fmt = field.format
            if isinstance(fmt, formats.Positions):
                self._kinds[name] = _POSITIONS
            elif isinstance(fmt, formats.Frequency):
                self._kinds[name] = _FREQUENCY
            elif isinstance(fmt, formats.Existence):
                self._kinds[name] = _EXISTENCE
        self.pool = _DictPool(self._kinds)
        # fieldname -> docnum -> length, for the documents added through add_document
        self._lengths: dict[str, dict[int, int]] = {}
        self.progress: Callable[[int, int], None] | None = None

    def add_document(self, **fields: Any) -> None:
        check_state(self)
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        for fieldname in sorted(fields):
            value: Any = fields[fieldname]
            if value is None or fieldname.startswith("_"):
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                lead, lead_weight = 0, 1.0
                if isinstance(value, LeadWeighted):
                    value, lead, lead_weight = value.terms, value.lead, value.lead_weight
                if isinstance(value, str):
                    value = [value]  # a single term, as an ID field would index it
                elif not isinstance(value, (list, tuple, set, frozenset, dict)):
                    raise TypeError(f"field {fieldname!r}: give a list of analysed terms")
                kind = self._kinds.get(fieldname)
                if kind is None:
                    raise TypeError(f"field {fieldname!r}: unsupported format")
                if field.column_type is not None or field.vector:
                    raise TypeError(f"field {fieldname!r}: columns and vectors unsupported")
                boost = float(field.format.field_boost)
                ids, weights, values = pool.field(fieldname)
                if kind == _EXISTENCE:
                    if isinstance(value, dict):
                        # {term: weight}: the weight is what an unscored field scores
                        for word, w in value.items():
                            ids[word].append(docnum)
                            weights[word].append(w * boost)
                        length = len(value)
                    else:
                        unique = value if isinstance(value, (set, frozenset)) else set(value)
                        for word in unique:
                            ids[word].append(docnum)
                            weights[word].append(boost)
                        length = len(unique)
                elif kind == _POSITIONS:
                    positions: defaultdict[str, list[int]] = defaultdict(list)
                    for pos, word in enumerate(value):
                        positions[word].append(pos)
                    encode = field.format.encode
                    for word, plist in positions.items():
                        ids[word].append(docnum)
                        w = float(len(plist))
                        if lead and plist[0] < lead:
                            w += sum(lead_weight - 1.0 for p in plist if p < lead)
                        weights[word].append(w * boost)
                        if len(plist) == 1:
                            # Most words occur once: share one encoded value per position.
                            v = _ONE_POSITION.get(plist[0])
                            if v is None:
                                v = _ONE_POSITION[plist[0]] = encode(plist)
                            values[word].append(v)
                        else:
                            values[word].append(encode(plist))
                    length = len(value)
                else:
                    freqs: defaultdict[str, int] = defaultdict(int)
                    for word in value:
                        freqs[word] += 1
                    for word, freq in freqs.items():
                        ids[word].append(docnum)
                        weights[word].append(freq * boost)
                        values[word].append(_FREQ_BYTES[freq] if freq < 64 else pack_uint(freq))
                    length = len(value)
                if field.scorable:
                    fl = self._lengths.get(fieldname)
                    if fl is None:
                        fl = self._lengths[fieldname] = {}
                    fl[docnum] = length
                else:
                    length = 0  # as Whoosh: only scorable fields record lengths
            pdw.add_field(fieldname, field, value if field.stored else None, length)
        pdw.finish_doc()
        self.docnum += 1
        mark_added(self)

    def flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        fw = self.fieldwriter
        schema = self.schema
        pool = self.pool
        total = sum(len(t) for t in pool.ids.values())
        done = 0
        progress = self.progress
        impacts = ImpactWriter()  # common terms' postings by score (search/impacts.py)
        for fieldname in sorted(pool.ids):
            field_ids = pool.ids[fieldname]
            field_weights = pool.weights[fieldname]
            field_values = pool.values[fieldname]
            fieldobj = schema[fieldname]
            fw.start_field(fieldname, fieldobj)
            existence = self._kinds.get(fieldname) == _EXISTENCE
            own = self._lengths.get(fieldname, {}) if fieldobj.scorable else None
            # Terms in order (code point order is UTF-8 byte order, as Whoosh expects).
            for term in sorted(field_ids):
                btext = term.encode("utf-8")
                ids = field_ids[term]
                if own is None:
                    lengths = None
                else:
                    lengths = []
                    for d in ids:
                        n = own.get(d)
                        if n is None:
                            n = pdr.doc_field_length(d, fieldname) if pdr is not None else 0
                        lengths.append(n)
                fw.start_term(btext)
                fill_blocks(
                    postings_writer(fw),
                    ids,
                    field_weights[term],
                    None if existence else field_values[term],
                    lengths,
                )
                fw.finish_term()
                impacts.add(fieldname, term, ids, field_weights[term], lengths)
                done += 1
                if progress is not None and not done & 4095:
                    progress(done, total)
            fw.finish_field()
        fw.close()
        impacts.write(self.newsegment.create_file(self.storage, IMPACTS_EXT))
        if pdr is not None:
            pdr.close()
        self.pool.cleanup()
        self._lengths.clear()
        if progress is not None:
            progress(total, total)
