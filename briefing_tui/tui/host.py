"""What screens and widgets may ask of the app (the app implements it; they never import it).

Screens and widgets reach the app through ``self.app``, typed as :class:`Host`, so the import
graph runs one way: app -> screens -> widgets -> host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefing_tui.briefing.model import Briefing
    from briefing_tui.search import Hit, SearchIndex, SearchResult


class Host(Protocol):
    ssh_mode: bool
    index: SearchIndex | None
    # Reactive on the app: watch them (``self.watch(self.app, "index_ready", ...)``).
    index_ready: bool  # ``index`` is open
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

    def search_sync(
        self, query: str, limit: int = 20, cancelled: Callable[[], bool] | None = None
    ) -> SearchResult:
        """Search the index (from a worker thread; one search at a time), not counting the
        matches beyond the hits: ``total`` None until :meth:`count_sync`."""
        ...

    def count_sync(
        self, query: str, cancelled: Callable[[], bool] | None = None
    ) -> tuple[int, bool] | None:
        """Count every match of ``query``, searched before (from a worker thread)."""
        ...

    def briefing_title(self, briefing_id: str) -> str: ...

    def open_hit(self, hit: Hit) -> None: ...

    def go_to_ref(self, briefing_id: str, item_id: str) -> None: ...


def host(app: Any) -> Host:
    """``app`` (a node's ``self.app``) as the Host the screens and widgets use."""
    return cast(Host, app)
