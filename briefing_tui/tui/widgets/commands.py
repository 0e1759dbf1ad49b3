"""The command palette's app commands: Problems, Briefings, Help, each section, Overview,
Source, Search, Copy, Back and Forward, each with its key (the same action the key runs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from briefing_tui.tui.host import host
from briefing_tui.tui.widgets.navigator import SECTION_TITLES, SECTIONS

# What each section of the navigator holds (the palette's help for its command).
SECTION_HELP = {
    "actors": "people, organisations and countries",
    "commitments": "who agreed, offered or promised what",
    "context": "the context, by month",
    "notes": "the curator's notes",
    "assessments": "the writer's own judgements",
    "speakers": "who says what",
}

# (title, help, key, action, on the app rather than on the browser)
APP_COMMANDS = (
    ("Problems", "every problem of the library, errors first", "p", "problems", True),
    ("Briefings", "the briefing switcher", "b", "switcher", False),
    ("Help", "keys, query syntax and marks", "question_mark", "help", True),
    *(
        (SECTION_TITLES[name], SECTION_HELP[name], str(key), f"section('{name}')", False)
        for key, name in enumerate(SECTIONS, 1)
    ),
    ("Overview", "key judgements, unknowns, source assessment", "i", "overview", False),
    ("Source", "the article, sentence by sentence", "s", "source", False),
    ("Search", "the search pane", "slash", "search", False),
    ("Copy", "the selected item as a citation (OSC 52)", "y", "copy", False),
    ("Back", "the previous visit", "left_square_bracket", "back", False),
    ("Forward", "the next visit", "right_square_bracket", "forward", False),
)


class AppCommandsProvider(Provider):
    """The app's own commands, with the key that runs each."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Awaitable[object]]]]:
        app: Any = self.app
        browser = host(app).browser_screen
        out: list[tuple[str, str, Callable[[], Awaitable[object]]]] = []
        for title, help_text, key, action, on_app in APP_COMMANDS:
            target = app if on_app else browser
            if target is None:
                continue
            if not on_app and browser is not None:
                name = action.split("(")[0]
                if browser.check_action(name, ()) is False:
                    continue  # e.g. Briefings with a single briefing
            shown = app.get_key_display(Binding(key, action))
            out.append((title, f"{help_text} ({shown})", partial(target.run_action, action)))
        return out

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(Text(title), run, help=help_text, text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
