"""The fingerprint of the code whose results a library snapshot keeps
(:mod:`briefing_tui.cache.snapshot`): a change to any of these modules, a new version or
another Python makes every snapshot stale."""

from __future__ import annotations

import sys
from pathlib import Path

from briefing_tui import __version__
from briefing_tui.briefing.files import signature

# The modules whose code decides what a load produces: a change to any of them (a new
# version, or an edited checkout) makes every snapshot stale.
_CODE = (
    "__init__.py",
    "briefing/schema.py",
    "briefing/files.py",
    "briefing/confine.py",
    "briefing/values.py",
    "briefing/library.py",
    "briefing/loader.py",
    "briefing/results.py",  # the load result
    "briefing/attribution.py",  # the attribution rules' problems are part of a load result
    "briefing/model.py",
    "briefing/neutral.py",
    "briefing/problems.py",
    "briefing/sentences.py",
    "briefing/text.py",
    "briefing/yamltree.py",
    "briefing/yaml_errors.py",
    "cache/snapshot.py",
    "cache/pickles.py",
    "cache/loading.py",
    "search/schema.py",  # what the search index's digest (a scan's summary) is made of
)


def code_fingerprint(snapshot_format: int) -> tuple[object, ...]:
    """What identifies the code that loads: a snapshot written by other code is stale."""
    here = Path(__file__).resolve().parent.parent  # the briefing_tui package
    out: list[object] = [
        __version__,
        snapshot_format,
        sys.version_info[:3],
        sys.implementation.name,
    ]
    for name in _CODE:
        out.append(signature(here / name))
    return tuple(out)
