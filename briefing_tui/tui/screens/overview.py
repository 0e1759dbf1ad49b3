"""The briefing at a glance: its key judgements, the unknowns and the source assessment.

One key (``i``) from anywhere in the browser. Enter on a cited item goes to it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import Briefing, ItemRef
from briefing_tui.briefing.text import one_line
from briefing_tui.tui.screens.dialog import ItemListScreen


def overview_rows(b: Briefing) -> list[tuple[str, str, str | None]]:
    """(style, text, item id to go to) rows: headings, judgements, cited items, unknowns."""
    rows: list[tuple[str, str, str | None]] = []

    def cited(ids: tuple[str, ...]) -> None:
        for iid in ids:
            item = b.item(iid)
            title = one_line(item.title) if item is not None else iid
            rows.append(("link", f"    → {title}", iid if item is not None else None))

    rows.append(("heading", f"Key judgements ({len(b.key_judgements)})", None))
    if not b.key_judgements:
        rows.append(("dim", "  none recorded", None))
    for i, kj in enumerate(b.key_judgements, 1):
        rows.append(("text", f"{i}. {one_line(kj.text)}", None))
        cited(kj.cites)
    rows.append(("heading", f"Unknowns ({len(b.unknowns)})", None))
    if not b.unknowns:
        rows.append(("dim", "  none recorded", None))
    for u in b.unknowns:
        rows.append(("text", f"? {one_line(u.question)}", None))
        if u.note:
            rows.append(("dim", f"    {one_line(u.note)}", None))
        cited(u.about)
    rows.append(("heading", "Source assessment", None))
    sa = b.source_assessment
    if sa is None:
        rows.append(("dim", "  none recorded", None))
    else:
        quotes = "" if sa.direct_quotes is None else str(sa.direct_quotes)
        for label, value in (
            ("outlet", sa.outlet),
            ("dateline", sa.dateline),
            ("readout", sa.readout),
            ("direct quotes", quotes),
            ("balance", sa.balance),
            ("note", sa.note),
        ):
            if value:
                rows.append(("text", f"{label}: {one_line(value)}", None))
    if b.dating is not None:
        rows.append(("heading", "Dating (* inferred year)", None))
        rows.append(("text", f"{b.dating.year}: {one_line(b.dating.reason)}", None))
    return rows


STYLES = {"heading": "bold underline", "dim": "dim", "link": "", "text": ""}


class OverviewScreen(ItemListScreen):
    """Key judgements, unknowns and the source assessment; Enter on an item goes to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="overview.close"),
        Binding("i", "dismiss(None)", "Close", show=False, id="overview.close_i"),
    ]

    LIST_ID = "overview-list"
    BOX = "BriefList"
    BOX_SIZE = "width: 95%; max-width: 110; height: auto; max-height: 95%;"

    def __init__(self, briefing: Briefing) -> None:
        super().__init__()
        self.briefing = briefing

    def options(self) -> list[Option]:
        return [
            Option(
                Text(text, style=STYLES[style]),
                id=f"{i}:{target}" if target else None,
                disabled=target is None,
            )
            for i, (style, text, target) in enumerate(overview_rows(self.briefing))
        ]

    def titles(self, rows: int) -> tuple[str, str]:
        return f"Overview: {one_line(self.briefing.title)}", "Enter goes to an item · Esc closes"

    def ref_of(self, option_id: str) -> ItemRef | None:
        return ItemRef(self.briefing.id, option_id.partition(":")[2])
