"""Where things are: the bundled library, the user's cache and state directories."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "briefing-tui"
_PACKAGE = Path(__file__).resolve().parent


def bundled_library() -> Path:
    """The bundled briefings: inside the installed package, or ``data/`` of a checkout."""
    installed = _PACKAGE / "bundled" / "data"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "data"


def cache_dir() -> Path:
    """The user's cache directory for briefing-tui (``$XDG_CACHE_HOME/briefing-tui``)."""
    override = os.environ.get("BRIEFING_TUI_CACHE")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """The user's state directory, for logs (``$XDG_STATE_HOME/briefing-tui``)."""
    override = os.environ.get("BRIEFING_TUI_STATE")
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
