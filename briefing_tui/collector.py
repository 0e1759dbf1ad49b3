"""The cyclic garbage collector around loading and start-up.

Loading builds many objects and frees none; the app keeps what it loaded for as long as it
runs. Pausing the collector while loading, and freezing what start-up built, keeps a
keystroke from ever waiting for a walk over the whole library.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector: loading builds many objects and frees none.

    Without the pause, collections triggered by the allocations traverse every object built
    so far, again and again (a fifth of a load's time at 1,000 briefings; benchmark row
    `load` in docs/benchmarks.md). ``freeze``: move
    every object to the collector's permanent generation (``gc.freeze``) before it is on
    again, for a long-running program that keeps what was loaded: otherwise the first
    collections after the pause walk all of it once more.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def gc_after_start_up() -> bool:
    """Start-up is over (the first paint): if :func:`run_app` paused the garbage collector
    for it, what exists now lives as long as the app (the library, the widgets), so it leaves
    the collector's generations (``gc.freeze``) and the collector goes back on. Collections
    then look at new objects only: no pause on a keystroke to walk the library again.

    True if it did (the library loaded later is frozen too); False when the collector was
    on (the app run by a test or another program: its collector is left alone).
    """
    if gc.isenabled():
        return False
    gc.collect()  # start-up's garbage first (some thousands of objects): not kept for ever
    gc.freeze()
    gc.enable()
    return True
