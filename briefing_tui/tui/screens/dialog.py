"""Dialogs: the box they share, and a dialog listing items (the overview, the items citing
a sentence) where Enter goes to one."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from briefing_tui.briefing.model import ItemRef
from briefing_tui.tui.widgets.lists import BriefList

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen showing one box, centred, with a heavy border.

    A subclass names its box (``BOX``, a selector of a child of the screen) and the box's
    width and height rules (``BOX_SIZE``); ``BOX_SURFACE``: on the surface colour. Its own
    ``DEFAULT_CSS`` comes after that.
    """

    BOX: ClassVar[str] = ""
    BOX_SIZE: ClassVar[str] = ""
    BOX_SURFACE: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "BOX" in cls.__dict__ or "BOX_SIZE" in cls.__dict__:
            screen, background = cls.__name__, " background: $surface;" if cls.BOX_SURFACE else ""
            cls.DEFAULT_CSS = (
                f"{screen} {{ align: center middle; }}\n"
                f"{screen} > {cls.BOX} {{ {cls.BOX_SIZE} border: heavy $primary;{background}"
                " padding: 0 1; }\n" + cls.__dict__.get("DEFAULT_CSS", "")
            )


class ItemListScreen(DialogScreen[ItemRef | None]):
    """One list in a box; Enter on an item closes the dialog with its ref (Escape: None).

    Subclasses give the rows (:meth:`options`: an option's id names its item, see
    :meth:`ref_of`; rows without one are not items), the box's titles and its size (CSS).
    """

    LIST_ID = "item-list"

    def options(self) -> list[Option]:
        raise NotImplementedError

    def titles(self, rows: int) -> tuple[str, str]:
        """The box's title and subtitle, for a list of ``rows`` options."""
        raise NotImplementedError

    def ref_of(self, option_id: str) -> ItemRef | None:
        """The item an option (by its id) stands for."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        options = self.options()
        lst = BriefList(*options, id=self.LIST_ID)
        lst.border_title, lst.border_subtitle = self.titles(len(options))
        yield lst

    def on_mount(self) -> None:
        lst = self.query_one(BriefList)
        lst.focus()
        lst.highlight_first_enabled()

    def action_open(self) -> None:
        option = self.query_one(BriefList).highlighted_option
        self.dismiss(self.ref_of(option.id) if option and option.id else None)

    @on(BriefList.OptionSelected)
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.ref_of(event.option.id))
