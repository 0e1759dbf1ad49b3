"""An exception shared by the core and the UI without importing either."""

from __future__ import annotations


class BuildCancelled(Exception):
    """Raised by a progress callback to stop building the search index (the app exits).

    Not a failure: never logged, never answered by building again in memory.
    """
