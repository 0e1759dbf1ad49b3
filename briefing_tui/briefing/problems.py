"""Problems found in briefings: errors as values, each with its source position."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from briefing_tui.briefing.model import Pos


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # information for the curator: printed, never counted as a problem


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: where it is and what to do about it.

    Printed as ``path:line:col: message`` (warnings as ``path:line:col: warning: message``).
    """

    pos: Pos
    message: str
    severity: Severity = Severity.ERROR

    @property
    def path(self) -> str:
        return self.pos.path

    @property
    def line(self) -> int:
        return self.pos.line

    @property
    def col(self) -> int:
        return self.pos.col

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        return f"{self.pos}: {tag}{self.message}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.pos.path, self.pos.line, self.pos.col)
