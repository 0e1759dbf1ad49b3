"""briefing-tui: a terminal browser for hand-curated news briefings.

The core (model, loader, library, links, search index, export) imports no Textual
and can be used as a library::

    from briefing_tui.briefing.library import load_library
    library = load_library([path])
"""

__version__ = "0.1.0"
