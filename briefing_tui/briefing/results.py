"""A briefing file's load result, and how a path is shown: what the library, its snapshot
and the app hold of a load, without the loader's parsing and checking
(:mod:`briefing_tui.briefing.loader`: YAML, the schema, the attribution rules), which a
library opened from its snapshot does not need. Imports no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefing_tui.briefing.model import Briefing, Pos
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.text import visible


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A briefing (``None`` when it could not be read at all) and its problems."""

    path: Path
    briefing: Briefing | None
    problems: tuple[Problem, ...]
    # where the briefing's id is written, and each reference (item id, relation, target):
    # the library reports its own problems (a reused briefing id, a reference to another
    # briefing's item that does not exist) there
    id_pos: Pos | None = None
    ref_pos: dict[tuple[str, str, str], Pos] = field(default_factory=dict, compare=False)
    # curation notes for ``validate`` (warnings there): a format 1 briefing lacks attribution
    notes: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.briefing is not None and not any(p.is_error for p in self.problems)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it.

    Control characters in the name are shown as symbols, so a problem stays one safe line.
    """
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        shown = str(path)
    return visible(shown)  # a file name may hold escape sequences or line breaks
