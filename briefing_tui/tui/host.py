"""What screens and widgets may ask of the app (the app implements it; they never import it).

Screens and widgets reach the app through ``self.app``, typed as :class:`Host`, so the import
graph runs one way: app -> screens -> widgets -> host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from briefing_tui.briefing.model import Briefing
    from briefing_tui.search import Hit, SearchIndex, SearchResult


class Host(Protocol):
    ssh_mode: bool
    index: SearchIndex | None
    index_error: str | None  # why there is no index ("no briefings", an error)
    index_progress: tuple[int, int] | None  # (briefings indexed, to index) while building

    @property
    def browser_screen(self) -> Any:
        """The browser screen (a Textual Screen), None while the library is empty."""
        ...

    @property
    def current_briefing(self) -> Briefing | None:
        """The briefing the browser shows, None without a browser."""
        ...

    def search_sync(self, query: str, limit: int = 20) -> SearchResult:
        """Search the index (from a worker thread; one search at a time)."""
        ...

    def briefing_title(self, briefing_id: str) -> str: ...

    def open_hit(self, hit: Hit) -> None: ...

    def go_to_ref(self, briefing_id: str, item_id: str) -> None: ...


def host(app: Any) -> Host:
    """``app`` (a node's ``self.app``) as the Host the screens and widgets use."""
    return cast(Host, app)
