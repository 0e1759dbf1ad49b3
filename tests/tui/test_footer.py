"""The footer keeps Help and Quit at every width, the pane's own key, and drops the palette
hint before anything else."""

from __future__ import annotations

import pytest

from briefing_tui.briefing.library import Library
from briefing_tui.tui.app import MIN_HEIGHT, MIN_WIDTH
from tests.tui.helpers import aio, browser, make_app, screen_text, settle, until

PANE_KEYS = {
    "navigator": "⏎ Open",
    "detail": "⏎ Follow",
    "source": "⏎ Citing items",
    "search": "⏎ Open result",
}


@pytest.mark.parametrize("width", [MIN_WIDTH, 80, 120, 160])
@aio
async def test_help_quit_and_the_panes_key_are_always_in_the_footer(
    seed_library: Library, width: int
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(width, max(24, MIN_HEIGHT))) as pilot:
        await settle(pilot)
        screen = browser(app)
        await until(pilot, lambda: "Quit" in screen_text(app).splitlines()[-1])
        for pane in ("navigator", "detail", "source", "search"):
            screen.focus_pane(pane)
            await pilot.pause()
            await until(pilot, lambda p=pane: PANE_KEYS[p] in screen_text(app).splitlines()[-1])
            footer = screen_text(app).splitlines()[-1]
            assert "Help" in footer, (pane, footer)
            # q types a letter in the search box: ctrl+c quits there, and the footer says so.
            assert ("^c Quit" if pane == "search" else "q Quit") in footer, (pane, footer)
            if width < 100 and pane != "search":
                # Fewer keys on a narrow screen; the palette hint went before any of them.
                assert "Forward" not in footer and "palette" not in footer, (pane, footer)


@aio
async def test_the_palette_hint_shows_when_everything_fits(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "Quit" in screen_text(app).splitlines()[-1])
        footer = screen_text(app).splitlines()[-1]
        assert "palette" in footer and "] Forward" in footer and "p Problems" in footer
