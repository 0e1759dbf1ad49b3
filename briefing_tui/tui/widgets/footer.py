"""BriefFooter: the key bar, keeping what matters when the screen is narrow.

Textual's footer lays the keys out in binding order (the focused pane's first, the app's
last) and cuts whatever does not fit, so at 80 columns Help and Quit were the first to go
while the palette hint, docked right, stayed. This footer chooses: the pane's own key,
then Help and Quit (always), then the others by importance while they fit; the palette
hint only when everything else fits. The keys chosen keep their usual order.
"""

from __future__ import annotations

from collections import defaultdict

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from briefing_tui.tui.compat import footer_key

FooterKey = footer_key()

# Actions by importance (lower first); the focused pane's own keys (Enter) come before all.
IMPORTANCE = {
    "help": 1,
    "quit": 1,
    "search": 2,
    "back": 3,
    "copy": 4,
    "escape": 5,
    "switcher": 6,
    "result(1)": 7,
    "forward": 8,
    "problems": 9,
}
PANE_KEY = 0  # importance of the bindings of the focused widget (Follow, Open, ...)
OTHER = 10  # any binding not named above
NARROW = 100  # below this many columns ...
NARROW_KEYS = 6  # ... at most this many keys: the pane's, Help, Quit and the most important


def key_width(key_display: str, description: str) -> int:
    """Cells a FooterKey takes (not compact): " key " then "description "."""
    return cell_len(key_display) + 2 + cell_len(description) + 1


class BriefFooter(Footer):
    """A footer that always shows Help and Quit, and the pane's own key."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        app = self.app
        active = self.screen.active_bindings
        focused = self.screen.focused
        by_action: defaultdict[str, list[tuple[Binding, bool, str, bool]]] = defaultdict(list)
        quit_hidden: tuple[Binding, bool, str] | None = None
        for node, binding, enabled, tooltip in active.values():
            if binding.action in ("quit", "app.quit") and not binding.show:
                quit_hidden = quit_hidden or (binding, enabled, tooltip)
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip, node is focused))
        if quit_hidden is not None and not any(a in by_action for a in ("quit", "app.quit")):
            # q types a letter in the search box: ctrl+c quits there.
            binding, enabled, tooltip = quit_hidden
            by_action[binding.action].append((binding, enabled, tooltip, False))
        entries = []
        for order, (action, found) in enumerate(by_action.items()):
            binding, enabled, tooltip, own = found[0]
            display = app.get_key_display(binding)
            name = action.removeprefix("app.").removeprefix("screen.")
            rank = PANE_KEY if own else IMPORTANCE.get(name, OTHER)
            width = key_width(display, binding.description)
            entries.append((rank, order, binding, display, enabled, tooltip, width))
        room = self.screen.size.width or app.size.width
        most = NARROW_KEYS if room < NARROW else len(entries)
        chosen: list[tuple[int, int, Binding, str, bool, str, int]] = []
        for entry in sorted(entries, key=lambda e: (e[0], e[1])):
            essential = entry[0] <= IMPORTANCE["quit"]
            if essential or (entry[6] <= room and len(chosen) < most):
                chosen.append(entry)
                room -= entry[6]
        chosen.sort(key=lambda e: e[1])
        self.styles.grid_size_columns = len(chosen)
        for _rank, _order, binding, display, enabled, tooltip, _width in chosen:
            yield FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE):
            return
        try:
            _node, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return
        display = app.get_key_display(binding)
        if len(chosen) < len(entries) or key_width(display, binding.description) + 2 > room:
            return  # the palette hint goes first
        yield FooterKey(
            binding.key,
            display,
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )
