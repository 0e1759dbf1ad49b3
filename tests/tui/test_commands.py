"""The command palette holds the app's own commands, with their keys; no second help."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from briefing_tui.briefing.library import Library
from briefing_tui.tui.screens.help import HelpScreen
from briefing_tui.tui.widgets.commands import APP_COMMANDS
from tests.tui.helpers import aio, browser, make_app, settle, type_text, until


def palette_prompts(app: object) -> list[str]:
    lst = app.screen.query_one("CommandList")  # type: ignore[attr-defined]
    return [str(o.prompt) for o in lst.options]


@aio
async def test_the_palette_lists_the_apps_commands_with_their_keys(
    seed_library: Library,
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await until(pilot, lambda: any("Problems" in p for p in palette_prompts(app)))
        prompts = "\n".join(palette_prompts(app))
        for title, *_ in APP_COMMANDS:
            if title == "Briefings":
                assert "Briefings" not in prompts  # one briefing: no switcher
                continue
            assert title in prompts, title
        assert "(p)" in prompts and "(?)" in prompts and "(1)" in prompts  # their keys
        assert "Keys" not in prompts  # Textual's own keys panel is not offered


@pytest.mark.parametrize(("query", "check"), [("commitm", "commitments"), ("help", "help")])
@aio
async def test_a_palette_command_does_what_its_key_does(
    seed_library: Library, query: str, check: str
) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = browser(app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await type_text(pilot, query)
        await until(pilot, lambda: bool(palette_prompts(app)))
        await pilot.press("enter")
        if check == "help":
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        else:
            await until(pilot, lambda: screen.navigator.section == "commitments")
