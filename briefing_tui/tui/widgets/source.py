"""The source pane: the article, sentence by sentence.

Each sentence shows its number and how many items cite it (``2×``); the sentences the
selected item quotes are marked with ``┃`` and underlined, and scrolled into view.
Sentences no item cites show ``0`` and ``○`` (visible without colour); an actor's name that
appears in a sentence no item about that actor cites (an *unlinked mention*) is underlined
in italics. The heading gives the article and the briefing's coverage.
Enter on a sentence lists the items that cite it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.coverage import Coverage, coverage, number_ranges
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import Briefing, Certainty, Sentence
from briefing_tui.briefing.text import neutral_spaces, one_line
from briefing_tui.tui.widgets.gridrow import Cell, GridRow
from briefing_tui.tui.widgets.lists import BriefList
from briefing_tui.tui.widgets.memo import Memo

EVIDENCE_MARK = "┃"
UNCITED_MARK = "○"
UNCERTAIN_MARK = "?"  # an attribution that is likely or uncertain


def speaker_label(briefing: Briefing, number: int) -> tuple[str, bool]:
    """Who says sentence ``number``: ``Naqvi, paraphrased``; and whether it is uncertain."""
    parts: list[str] = []
    uncertain = False
    for a in briefing.sentence_attributions(number):
        label = a.label(briefing.speaker_name(a.speaker))
        if label not in parts:
            parts.append(label)
        uncertain = uncertain or a.certainty is not Certainty.CERTAIN
    return "; ".join(parts), uncertain


def sentence_text(s: Sentence, spans: Iterable[tuple[int, int]], mark: Style | str) -> Text:
    """The sentence as one line, the ``(start, end)`` spans (source offsets) in ``mark``.

    The same text as ``one_line(s.text)``: each piece is folded on its own (a span never
    starts or ends in white space, so no white space run is split).
    """
    pieces: list[tuple[str, Style | str]] = []
    at = 0
    for start, end in sorted(spans):
        a, b = start - s.start, end - s.start
        if a < at or a >= b or b > len(s.text):
            continue  # overlapping or outside the sentence
        pieces.append((s.text[at:a], ""))
        pieces.append((s.text[a:b], mark))
        at = b
    pieces.append((s.text[at:], ""))
    out = Text()
    for i, (piece, style) in enumerate(pieces):
        folded = neutral_spaces(piece)
        if i == 0:
            folded = folded.lstrip()
        if i == len(pieces) - 1:
            folded = folded.rstrip()
        out.append(folded, style=style)
    return out


class SourcePane(BriefList):
    """The article of one briefing; option ``n`` is sentence ``n`` (option 0 is its heading)."""

    EXPECTS_SCROLLBAR = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Citing items", id="source.citing"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = BriefList.COMPONENT_CLASSES | {
        "source--uncited",
        "source--mention",
    }

    DEFAULT_CSS = """
    SourcePane > .source--uncited { color: $text-warning; text-style: bold; }
    SourcePane > .source--mention { color: $text-warning; text-style: underline italic; }
    """

    def __init__(
        self, graph: LinkGraph, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.graph = graph
        self.briefing: Briefing | None = None
        self.coverage: Coverage | None = None
        self.evidence: frozenset[int] = frozenset()
        self._unlinked: dict[int, list[tuple[int, int]]] = {}

    def _prompt(self, s: Sentence, marked: bool) -> Memo:
        assert self.briefing is not None
        count = self.graph.cite_count(self.briefing.id, s.number)
        uncited = self.get_component_rich_style("source--uncited", partial=True)
        mention = self.get_component_rich_style("source--mention", partial=True)
        body = sentence_text(s, self._unlinked.get(s.number, ()), mention)
        if marked:
            body.stylize("bold underline")
        who, uncertain = speaker_label(self.briefing, s.number)
        if who:
            body.append(f"  — {one_line(who)}", style="dim italic")
            if uncertain:
                body.append(f" {UNCERTAIN_MARK}", style="bold reverse")
        if count:
            mark = Text(f" {EVIDENCE_MARK} " if marked else "   ", style="bold")
        else:
            mark = Text(f" {UNCITED_MARK} ", style=uncited)
        row = [
            Cell(Text(str(s.number)), 3, "right", "dim", no_wrap=True),
            Cell(
                Text(f"{count}×") if count else Text("0", style=uncited), 4, "right", no_wrap=True
            ),
            Cell(mark, 3, no_wrap=True),
            Cell(body),
        ]
        return Memo(GridRow(row))

    def _heading(self, briefing: Briefing, cov: Coverage) -> Text:
        src = briefing.source
        head = Text(one_line(src.title), style="bold")
        facts = [f for f in (src.place, src.publisher, src.when.label()) if f]
        head.append("\n" + one_line(" · ".join(facts)), style="dim")
        if src.when.year_inferred:
            head.append("  (* year inferred)", style="dim")
        head.append("\n" + cov.label())
        if cov.uncited:
            head.append(" · ")
            uncited = self.get_component_rich_style("source--uncited", partial=True)
            head.append(f"{UNCITED_MARK} uncited: {number_ranges(cov.uncited)}", style=uncited)
        unlinked = cov.unlinked
        if unlinked:
            head.append(" · ")
            mention = self.get_component_rich_style("source--mention", partial=True)
            n = len(unlinked)
            head.append(f"{n} unlinked mention{'s' if n != 1 else ''}", style=mention)
        return head

    def show_source(self, briefing: Briefing, cov: Coverage | None = None) -> None:
        self.briefing = briefing
        self.coverage = cov = cov if cov is not None else coverage(briefing)
        self._unlinked = {}
        for m in cov.unlinked:
            self._unlinked.setdefault(m.sentence, []).append((m.start, m.end))
        self.evidence = frozenset()
        src = briefing.source
        options = [Option(self._heading(briefing, cov), disabled=True)]
        options += [Option(self._prompt(s, False)) for s in src.sentences]
        self.highlighted = None
        self.set_options(options)
        self.border_title = f"Source ({len(src.sentences)} sentences, {cov.percent}% cited)"

    def mark_evidence(self, sentences: Iterable[int]) -> None:
        """Mark the sentences the selected item quotes; only changed sentences repaint."""
        if self.briefing is None:
            return
        new = frozenset(n for n in sentences if 1 <= n <= len(self.briefing.source.sentences))
        for n in new ^ self.evidence:
            s = self.briefing.source.sentence(n)
            self.replace_option_prompt_at_index(n, self._prompt(s, n in new))
        self.evidence = new
        if new:
            self.select_sentence(min(new))

    def select_sentence(self, number: int | None) -> None:
        if number is None or self.briefing is None:
            return
        if 1 <= number <= len(self.briefing.source.sentences):
            self.highlighted = number

    @property
    def sentence(self) -> int | None:
        """The number of the sentence under the cursor."""
        h = self.highlighted
        return h if h else None
