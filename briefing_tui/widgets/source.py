"""The source pane: the article, sentence by sentence.

Each sentence shows its number and how many items cite it (``2×``); the sentences the
selected item quotes are marked with ``┃`` and underlined, and scrolled into view.
Enter on a sentence lists the items that cite it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.links import LinkGraph
from briefing_tui.model import Briefing, Sentence
from briefing_tui.text import one_line
from briefing_tui.widgets.lists import BriefList
from briefing_tui.widgets.memo import Memo

EVIDENCE_MARK = "┃"


class SourcePane(BriefList):
    """The article of one briefing; option ``n`` is sentence ``n`` (option 0 is its heading)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Citing items", id="source.citing"),
    ]

    def __init__(
        self, graph: LinkGraph, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.graph = graph
        self.briefing: Briefing | None = None
        self.evidence: frozenset[int] = frozenset()

    def _prompt(self, s: Sentence, marked: bool) -> Memo:
        assert self.briefing is not None
        count = self.graph.cite_count(self.briefing.id, s.number)
        grid = Table.grid(padding=(0, 0), expand=True)
        grid.add_column(width=3, justify="right", style="dim", no_wrap=True)
        grid.add_column(width=4, justify="right", no_wrap=True)
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1)
        body = Text(one_line(s.text), style="bold underline" if marked else "")
        grid.add_row(
            Text(str(s.number)),
            Text(f"{count}×" if count else "·", style="" if count else "dim"),
            Text(" " + EVIDENCE_MARK if marked else "  ", style="bold"),
            body,
        )
        return Memo(grid)

    def show_source(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.evidence = frozenset()
        src = briefing.source
        head = Text(one_line(src.title), style="bold")
        facts = [f for f in (src.place, src.publisher, src.when.label()) if f]
        head.append("\n" + one_line(" · ".join(facts)), style="dim")
        options = [Option(head, disabled=True)]
        options += [Option(self._prompt(s, False)) for s in src.sentences]
        self.highlighted = None
        self.set_options(options)
        self.border_title = f"Source ({len(src.sentences)} sentences)"

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
