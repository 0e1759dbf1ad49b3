"""The command palette's "Go to item" provider, backed by the same search index."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from briefing_tui.briefing.text import one_line
from briefing_tui.tui.host import Host, host
from briefing_tui.tui.widgets.search_pane import BADGE_WIDTH, BADGES, month_label


def display(kind: str, title: str, where: str) -> Text:
    text = Text("Go to ", style="dim")
    text.append(BADGES.get(kind, kind.upper()).ljust(BADGE_WIDTH), style="reverse")
    text.append(" " + one_line(title))
    if where:
        text.append("  " + one_line(where), style="dim")
    return text


class GotoItemProvider(Provider):
    """Items and sentences of the library, found with the app's search index."""

    @property
    def briefing_app(self) -> Host:
        return host(self.app)

    async def discover(self) -> Hits:
        app = self.briefing_app
        briefing = app.current_briefing
        if briefing is None:
            return
        for item in briefing.items[:40]:
            yield DiscoveryHit(
                display(item.item_kind, item.title, ""),
                partial(app.go_to_ref, briefing.id, item.id),
                text=one_line(item.title),
            )

    async def search(self, query: str) -> Hits:
        app = self.briefing_app
        if app.index is None or not query.strip():
            return
        result = await asyncio.to_thread(app.search_sync, query, 15)
        n = len(result.hits)
        for rank, hit in enumerate(result.hits):
            where = " · ".join(
                f for f in (app.briefing_title(hit.briefing), month_label(hit.month)) if f
            )
            yield Hit(
                1.0 - rank / (n + 1),
                display(hit.kind, hit.title, where),
                partial(app.open_hit, hit),
                text=one_line(hit.title),
            )
