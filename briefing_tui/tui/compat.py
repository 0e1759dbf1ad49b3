"""Every private Textual name the app relies on, in one place.

Textual's public API does not (yet) offer these: a hook on the frame handed to the terminal,
the exception boundary, the app's pending notifications and driver, the compositor's choice
of the widgets a partial update draws, a screen's resize handler, OptionList's line tables
and its relayout on new options, Input's per-key value watcher, and the "next enabled
option" helpers. The app uses them only through this module, and tests/tui/test_compat.py
checks that each name still exists on the installed Textual, so an upgrade that renames one
fails there, loudly, in one place.

Overriding classes here (``FrameHookApp``, ``HookedOptionList``, ``HookedInput``) turn a
private method into a public, documented hook the rest of the UI overrides instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.console import RenderableType
from textual import _widget_navigation, events
from textual._compositor import Compositor
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.widgets._footer import FooterKey

# (class, name, kind): what this module touches; tests/tui/test_compat.py checks each.
# kind "method": defined on the class; "attribute": set on every instance by __init__.
PRIVATE_NAMES: tuple[tuple[type[Any], str, str], ...] = (
    (App, "_display", "method"),
    (App, "_handle_exception", "method"),
    (App, "_close_messages_no_wait", "method"),
    (App, "_exception", "attribute"),
    (App, "_exception_event", "attribute"),
    (App, "_return_code", "attribute"),
    (App, "_batch_count", "attribute"),
    (App, "_notifications", "attribute"),
    (App, "_driver", "attribute"),
    (Screen, "_compositor_refresh", "method"),
    (Screen, "_on_resize", "method"),
    (Screen, "_compositor", "attribute"),
    (Compositor, "_get_renders", "method"),
    (OptionList, "_update_lines", "method"),
    (OptionList, "_get_left_gutter_width", "method"),
    (OptionList, "_on_resize", "method"),
    (OptionList, "_lines", "attribute"),
    (OptionList, "_heights", "attribute"),
    (OptionList, "_index_to_line", "attribute"),
    (Input, "_watch_value", "method"),
)
PRIVATE_FUNCTIONS = (
    (_widget_navigation, "find_next_enabled_no_wrap"),
    (_widget_navigation, "find_first_enabled"),
)
# (module, name) of those imported only when first used: not before the first frame.
PRIVATE_LATER = (("textual.widgets._footer", "FooterKey"),)


def footer_key() -> type[FooterKey]:
    """The footer's key widget (the app's footer, briefing_tui.tui.widgets.footer, composes
    its own row of them: which keys, in which order, at which width). Imported here, when
    the footer is, after the first frame (Textual's footer module: a few milliseconds)."""
    from textual.widgets import _footer

    return _footer.FooterKey


# -- the app ---------------------------------------------------------------------------------


class FrameHookApp(App[None]):
    """An App with public hooks for two private moments of Textual's.

    ``frame_displayed(screen, renderable)``: a frame was handed to the terminal's writer.
    ``unexpected_exception(error)``: an exception escaped a handler or a worker; the default
    is Textual's own handling (:meth:`default_exception_handling`).

    Its screens are laid out at the terminal's size, whatever size a resize event brings
    (:func:`lay_out_screens_at_the_terminal_size`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        lay_out_screens_at_the_terminal_size()
        super().__init__(*args, **kwargs)

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        self.frame_displayed(screen, renderable)

    def frame_displayed(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        """Called after each frame is handed to the terminal."""

    def _handle_exception(self, error: Exception) -> None:
        self.unexpected_exception(error)

    def unexpected_exception(self, error: Exception) -> None:
        self.default_exception_handling(error)

    def default_exception_handling(self, error: Exception) -> None:
        """Textual's own handling: its traceback on the terminal, then exit."""
        super()._handle_exception(error)


class CroppedCompositor(Compositor):
    """A Compositor whose partial updates draw only the widgets they change.

    For a partial update (a key echoed in the search box, a page of results) Textual asks
    every widget whose container overlaps the updated region for its lines, and only then
    cuts them to that region: each pane of the screen, redrawn from its cache, for a line
    of the search box (benchmark row `keystroke`, docs/benchmarks.md). Here a widget whose
    visible part (its region within its clip) does not overlap the update is left out: it
    has nothing in the updated cells, so what is written is the same
    (tests/tui/test_compat.py compares the bytes).
    """

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        overlaps = crop.overlaps
        intersection = Region.intersection
        for widget, (region, clip) in list(self.visible_widgets.items()):
            shown = intersection(region, clip)
            if not overlaps(shown):
                continue
            if clip.contains_region(region):
                lines = widget.render_lines(Region(0, 0, region.width, region.height))
            else:
                x, y, width, height = shown
                lines = widget.render_lines(Region(x - region.x, y - region.y, width, height))
            yield region, clip, lines


class BatchedScreen(Screen[None]):
    """A Screen that draws nothing while the app batches updates.

    Textual lays out a screen mounted inside a batch (the app's start-up is one: its compose,
    resize and mount, with all that a screen pushed from ``on_mount`` does) and renders it,
    to find at the end that nothing may be shown inside a batch (``App._display`` drops the
    frame). The first frame then renders it all again. Here the render waits for the batch
    to end: one render, the one shown. (And the screen's first resume, which comes right after
    its mount, does not style all its nodes a second time: ``on_screen_resume``.)
    """

    _render_waiting = False
    _resumed = False

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._compositor = CroppedCompositor()  # (Textual's is made in __init__, unused yet)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # (Textual's own handler runs after this one.) The first time, the screen has just
        # been mounted and styled: styling every node again would change nothing.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _compositor_refresh(self) -> None:
        if in_batch(self.app) and self is self.app.screen:
            if not self._render_waiting:
                self._render_waiting = True
                self.app.call_later(self._render_after_batch)
            return
        super()._compositor_refresh()

    def _render_after_batch(self) -> None:
        """Draw what the batch held back (the app's queue runs this once the batch is over,
        or once more if another one began meanwhile)."""
        self._render_waiting = False
        if not self.is_attached:
            return
        if in_batch(self.app):
            self._compositor_refresh()  # waits again
        else:
            self.refresh()


def in_batch(app: App[Any]) -> bool:
    """Whether the app is inside ``batch_update`` (a frame then is not the final one)."""
    return bool(app._batch_count)


def notifications(app: App[Any]) -> list[Any]:
    """The notifications shown now (Textual's ``Notification`` objects), oldest first."""
    return list(app._notifications)


def driver(app: App[Any]) -> Any:
    """The app's terminal driver, or None before it runs or after it stopped."""
    return app._driver


def fail(app: App[Any], error: Exception, return_code: int) -> None:
    """End the app because of ``error`` without Textual's traceback: the terminal is
    restored as on any exit, the app returns ``return_code``, and under ``run_test`` the
    error is raised at the end, as Textual does for test frameworks."""
    app._close_messages_no_wait()
    app._return_code = return_code
    if app._exception is None:
        app._exception = error
        app._exception_event.set()


# -- screens -------------------------------------------------------------------------------

_textual_screen_on_resize = Screen._on_resize


async def _on_resize_at_the_terminal_size(self: Screen[Any], event: events.Resize) -> None:
    """Screen's resize handler, given the terminal's size now when ``event`` is stale."""
    size = self.app.size
    if event.size != size and not self.app.is_inline:
        event = events.Resize(size, size, size)
    await _textual_screen_on_resize(self, event)


def lay_out_screens_at_the_terminal_size() -> None:
    """Make every screen (Textual's own too: the default screen, the command palette) lay
    itself out at the terminal's size now, not at the size a resize event brings.

    When the terminal is resized faster than the app keeps up, a screen can hold resize events
    of sizes the terminal no longer has. Textual's handler lays the screen out at the event's
    size, and a layout that changes the screen's size posts the screen a resize event of that
    size: two stale sizes then post each other forever (the screen relaid out, 34x1, 78x53,
    34x1...), the event loop never idles, and the app stops drawing and reading keys
    (tests/e2e/test_resize.py, tests/tui/test_terminal_behaviour.py). At the terminal's size
    a stale event changes nothing, so nothing is posted again. Installed once, by
    :class:`FrameHookApp`; Textual 8.2.8 has no public way to say this.
    """
    if Screen.__dict__["_on_resize"] is not _on_resize_at_the_terminal_size:
        Screen._on_resize = _on_resize_at_the_terminal_size  # type: ignore[method-assign]


# -- lists -----------------------------------------------------------------------------------


class HookedOptionList(OptionList):
    """An OptionList whose line tables are reachable by name.

    ``rebuild_lines()`` is called when options change (override it, calling super, to wrap
    the rebuild); ``resized()`` when the list's size changed; ``left_gutter_width()`` is the
    width left of every option.
    """

    def _update_lines(self) -> None:
        self.rebuild_lines()

    def rebuild_lines(self) -> None:
        super()._update_lines()

    def _get_left_gutter_width(self) -> int:
        return self.left_gutter_width()

    def left_gutter_width(self) -> int:
        return super()._get_left_gutter_width()

    def option_at_line(self, line: int) -> tuple[int, int]:
        """(option index, line within the option) of the list's ``line``; IndexError past
        the end."""
        index, offset = self._lines[line]
        return index, offset

    def _on_resize(self) -> None:
        self.resized()

    def resized(self) -> None:
        """The list's size changed (Textual's own handling: wrap the options anew)."""
        super()._on_resize()  # type: ignore[no-untyped-call]

    def first_line_of(self, index: int) -> int | None:
        """The first line of option ``index``, None if it has no lines."""
        return self._index_to_line.get(index)

    def option_lines(self, index: int) -> tuple[int, int]:
        """(first line, height) of option ``index``; KeyError if it has no lines yet."""
        return self._index_to_line[index], self._heights[index]


def next_enabled(options: Sequence[Option], anchor: int, direction: Literal[-1, 1]) -> int | None:
    """The next enabled option from ``anchor`` in ``direction``, without wrapping around."""
    return _widget_navigation.find_next_enabled_no_wrap(options, anchor=anchor, direction=direction)


def first_enabled(options: Sequence[Option]) -> int | None:
    return _widget_navigation.find_first_enabled(options)


# -- inputs ----------------------------------------------------------------------------------


class HookedInput(Input):
    """An Input whose per-key value watcher is a public hook: ``value_watched(value)``."""

    def _watch_value(self, value: str) -> None:
        self.value_watched(value)

    def value_watched(self, value: str) -> None:
        """Textual's own reaction to a new value (validation, Changed message, cursor)."""
        super()._watch_value(value)
