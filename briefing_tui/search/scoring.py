"""Scoring for the search index: BM25 with a title bonus (the core; imports no Textual).

Imported lazily (it imports Whoosh).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh import scoring

from briefing_tui.search.schema import TITLE_MARK
from briefing_tui.search.whoosh_compat import field_length_codes

# (each document's length code, the normalisation of each code): see _TextScorer
Norms = tuple[Sequence[int], list[float]]
TITLE_SCORE = 2.5  # what a query word in the title adds, in units of the word's idf


class _TextScorer(scoring.BaseScorer):  # type: ignore[misc]
    """BM25 for the ``text`` field, plus a bonus when the word is in the title.

    A posting's weight is ``body frequency + TITLE_MARK * title frequency``: the score is
    ``idf * (bm25 term factor of the body frequency + TITLE_SCORE if in the title)``, so
    an item named by the word comes before one that only mentions it. Each document's
    length normalisation is looked up: one of at most 256 values (lengths are stored in a
    byte), by the document's length code (Whoosh's own scorer reads the length back per match).
    """

    def __init__(self, idf: float, norms: Norms, min_norm: float, ti: Any) -> None:
        self.idf = idf
        self.codes, self.table = norms
        self.min_norm = min_norm
        # No term info: scoring runs of postings only (search/termwise.py), no matcher.
        self._maxquality = self._bound(ti.max_weight(), min_norm) if ti is not None else 0.0

    def _bound(self, max_weight: float, norm: float) -> float:
        # An upper bound of the score of any posting with weight <= max_weight.
        if max_weight >= TITLE_MARK:
            return self.idf * (_K1_PLUS_1 + TITLE_SCORE)
        return self.idf * (max_weight * _K1_PLUS_1) / (max_weight + norm)

    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: Any) -> float:
        return self.weight_score(float(matcher.weight()), self.codes[matcher.id()])

    def weight_score(self, w: float, code: int) -> float:
        """The score of a posting of weight ``w`` in a document of length code ``code``."""
        if w >= TITLE_MARK:
            titled = w // TITLE_MARK
            w -= titled * TITLE_MARK
            bonus = TITLE_SCORE
        else:
            bonus = 0.0
        norm: float = self.table[code]
        idf: float = self.idf
        return idf * ((w * _K1_PLUS_1) / (w + norm) + bonus)

    def max_quality(self) -> float:
        return self._maxquality

    def block_quality(self, matcher: Any) -> float:
        norm = FastBM25F.norm_of(matcher.block_min_length(), self)
        return self._bound(matcher.block_max_weight(), norm)


class FastBM25F(scoring.BM25F):  # type: ignore[misc]
    """Whoosh's BM25F, with the ``text`` field scored by :class:`_TextScorer`."""

    B = 0.75
    K1 = 1.2

    def __init__(self) -> None:
        super().__init__(B=self.B, K1=self.K1)
        self._norms: dict[Any, tuple[float, Norms]] = {}

    @staticmethod
    def norm_of(length: int, scorer: _TextScorer) -> float:
        return (
            scorer.min_norm
            if not length
            else FastBM25F.K1 * ((1 - FastBM25F.B) + FastBM25F.B * length / scorer.avgfl)
        )

    def norms(self, searcher: Any, avgfl: float) -> Norms:
        reader = searcher.reader()
        key = reader.segment().segment_id() if hasattr(reader, "segment") else id(reader)
        cached = self._norms.get(key)
        if cached is not None and cached[0] == avgfl:
            return cached[1]
        codes, lengths = field_length_codes(reader, "text")
        k1, b = self.K1, self.B
        norms = (codes, [k1 * ((1 - b) + b * n / avgfl) for n in lengths])
        self._norms[key] = (avgfl, norms)
        return norms

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        if fieldname != "text":
            return super().scorer(searcher, fieldname, text, qf=qf)
        parent = searcher.get_parent()
        avgfl = parent.avg_field_length(fieldname) or 1.0
        idf = parent.idf(fieldname, text)
        ti = searcher.term_info(fieldname, text)
        norms = self.norms(searcher, avgfl)
        scorer = _TextScorer(idf, norms, self._min_norm(avgfl, ti.min_length()), ti)
        scorer.avgfl = avgfl
        return scorer

    def weight_scorer(self, searcher: Any, fieldname: str, text: str) -> Any:
        """What a posting of ``text`` scores in ``searcher`` (a segment's) given its weight and
        its document's length code, as :meth:`scorer`'s matchers score it: for a term scored
        a run of postings at a time (search/termwise.py), without reading its term info."""
        if not searcher.schema[fieldname].scorable:
            return _posting_weight
        if fieldname != "text":
            return None
        parent = searcher.get_parent()
        avgfl = parent.avg_field_length(fieldname) or 1.0
        norms = self.norms(searcher, avgfl)
        scorer = _TextScorer(parent.idf(fieldname, text), norms, 0.0, None)
        return scorer.weight_score

    def _min_norm(self, avgfl: float, min_length: int) -> float:
        return self.K1 * ((1 - self.B) + self.B * max(min_length, 0) / avgfl)


_K1_PLUS_1 = FastBM25F.K1 + 1.0


def _posting_weight(w: float, _code: int) -> float:
    """An unscored field's posting scores its weight (Whoosh's WeightScorer)."""
    return w
