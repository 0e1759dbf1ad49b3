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
from collections.abc import Callable
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3Codec
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

# zlib level of the posting blocks (Whoosh's default is 3). A block is a few hundred bytes,
# and zlib costs most of the time it takes to write one (a cold index of 10,000 briefings
# writes some 170,000): level 1 writes them about a quarter faster, for 6% more bytes. Any
# level reads back the same (each block records its own).
BLOCK_COMPRESSION = 1

# A Positions posting's value for a word at one position, cached by position.
_ONE_POSITION: dict[int, bytes] = {}
# A Frequency posting's value for each frequency, cached.
_FREQ_BYTES = [pack_uint(i) for i in range(64)]


# A term's postings in one field: [docnums, weights, values] (values: each posting's
# encoded bytes, or None for a format that carries none); docnums in ascending order.
_Postings = list[Any]


class _DictPool:
    """Postings grouped by field and term, each list in docnum order:
    ``posts[field][term]`` is a term's :data:`_Postings` (one dictionary look-up per
    posting added)."""

    def __init__(self, kinds: dict[str, int]) -> None:
        self.kinds = kinds
        self.posts: dict[str, dict[str, _Postings]] = {}

    def field(self, fieldname: str) -> dict[str, _Postings]:
        terms = self.posts.get(fieldname)
        if terms is None:
            terms = self.posts[fieldname] = {}
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        # The generic entry point, used when older segments are merged in.
        fieldname, btext, docnum, weight, vbytes = item
        terms = self.field(fieldname)
        term = btext.decode("utf-8")
        p = terms.get(term)
        if p is None:
            p = terms[term] = _new_postings(self.kinds.get(fieldname, _FREQUENCY) != _EXISTENCE)
        p[0].append(docnum)
        p[1].append(weight)
        if p[2] is not None:
            p[2].append(vbytes or b"")

    def cleanup(self) -> None:
        self.posts.clear()


def _new_postings(with_values: bool) -> _Postings:
    return [array("I"), array("f"), [] if with_values else None]


class FastSegmentWriter(HookedSegmentWriter):
    """A :class:`SegmentWriter` whose ``add_document`` takes pre-analysed term lists.

    Each indexed field's value must be a list (or tuple) of terms, already analysed (a
    plain string is one term); a field that records positions gets positions 0, 1, 2, ...
    in list order. ``progress(done, total)`` is called while the segment is written.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", W3Codec(compression=BLOCK_COMPRESSION))
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
        # per field, what add_document needs of it (looked up once, not per document)
        self._plans: dict[str, tuple[Any, int | None, float, bool]] = {}

    def _plan(self, fieldname: str) -> tuple[Any, int | None, float, bool]:
        """(the field, its kind, its boost, whether it records lengths) for add_document."""
        plan = self._plans.get(fieldname)
        if plan is None:
            field = self.schema[fieldname]
            kind, boost = None, 1.0
            if field.indexed:
                kind = self._kinds.get(fieldname)
                if kind is None:
                    raise TypeError(f"field {fieldname!r}: unsupported format")
                if field.column_type is not None or field.vector:
                    raise TypeError(f"field {fieldname!r}: columns and vectors unsupported")
                boost = float(field.format.field_boost)
            plan = self._plans[fieldname] = (field, kind, boost, bool(field.scorable))
        return plan

    def add_document(self, **fields: Any) -> None:
        check_state(self)
        docnum = self.docnum
        pool = self.pool
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        for fieldname in sorted(fields):
            value: Any = fields[fieldname]
            if value is None or fieldname.startswith("_"):
                continue
            field, kind, boost, scorable = self._plan(fieldname)
            length = 0
            if kind is not None:
                lead, lead_weight = 0, 1.0
                if isinstance(value, LeadWeighted):
                    value, lead, lead_weight = value.terms, value.lead, value.lead_weight
                if isinstance(value, str):
                    value = [value]  # a single term, as an ID field would index it
                elif not isinstance(value, (list, tuple, set, frozenset, dict)):
                    raise TypeError(f"field {fieldname!r}: give a list of analysed terms")
                terms = pool.field(fieldname)
                get = terms.get
                if kind == _EXISTENCE:
                    if isinstance(value, dict):
                        # {term: weight}: the weight is what an unscored field scores
                        for word, w in value.items():
                            p = get(word)
                            if p is None:
                                p = terms[word] = _new_postings(False)
                            p[0].append(docnum)
                            p[1].append(w * boost)
                        length = len(value)
                    else:
                        unique = value if isinstance(value, (set, frozenset)) else set(value)
                        for word in unique:
                            p = get(word)
                            if p is None:
                                p = terms[word] = _new_postings(False)
                            p[0].append(docnum)
                            p[1].append(boost)
                        length = len(unique)
                elif kind == _POSITIONS:
                    positions: dict[str, list[int]] = {}
                    for pos, word in enumerate(value):
                        plist = positions.get(word)
                        if plist is None:
                            positions[word] = [pos]
                        else:
                            plist.append(pos)
                    encode = field.format.encode
                    for word, plist in positions.items():
                        p = get(word)
                        if p is None:
                            p = terms[word] = _new_postings(True)
                        p[0].append(docnum)
                        w = float(len(plist))
                        if lead and plist[0] < lead:
                            w += sum(lead_weight - 1.0 for at in plist if at < lead)
                        p[1].append(w * boost)
                        if len(plist) == 1:
                            # Most words occur once: share one encoded value per position.
                            v = _ONE_POSITION.get(plist[0])
                            if v is None:
                                v = _ONE_POSITION[plist[0]] = encode(plist)
                            p[2].append(v)
                        else:
                            p[2].append(encode(plist))
                    length = len(value)
                else:
                    freqs: dict[str, int] = {}
                    for word in value:
                        freqs[word] = freqs.get(word, 0) + 1
                    for word, freq in freqs.items():
                        p = get(word)
                        if p is None:
                            p = terms[word] = _new_postings(True)
                        p[0].append(docnum)
                        p[1].append(freq * boost)
                        p[2].append(_FREQ_BYTES[freq] if freq < 64 else pack_uint(freq))
                    length = len(value)
                if scorable:
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
        total = sum(len(t) for t in pool.posts.values())
        done = postings = 0
        progress = self.progress
        impacts = ImpactWriter()  # common terms' postings by score (search/impacts.py)
        for fieldname in sorted(pool.posts):
            field_posts = pool.posts[fieldname]
            fieldobj = schema[fieldname]
            fw.start_field(fieldname, fieldobj)
            existence = self._kinds.get(fieldname) == _EXISTENCE
            own = self._lengths.get(fieldname, {}) if fieldobj.scorable else None
            # Terms in order (code point order is UTF-8 byte order, as Whoosh expects).
            for term in sorted(field_posts):
                btext = term.encode("utf-8")
                ids, weights, values = field_posts[term]
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
                    weights,
                    None if existence else values,
                    lengths,
                )
                fw.finish_term()
                impacts.add(fieldname, term, ids, weights, lengths)
                done += 1
                postings += len(ids)
                # every 1,024 terms or 65,536 postings (a common word's can take 0.1 s)
                if progress is not None and (not done & 1023 or postings >= 65536):
                    progress(done, total)
                    postings = 0
            fw.finish_field()
        fw.close()
        impacts.write(self.newsegment.create_file(self.storage, IMPACTS_EXT))
        if pdr is not None:
            pdr.close()
        self.pool.cleanup()
        self._lengths.clear()
        if progress is not None:
            progress(total, total)
