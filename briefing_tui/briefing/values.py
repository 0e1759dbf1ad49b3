"""Reading typed values from the positioned YAML tree: mappings, text, ids, references,
numbers and enumerations, each problem reported at its file:line:column with what to write
instead. The loader's checker (briefing_tui.briefing.loader) builds on it."""

from __future__ import annotations

import calendar
import difflib
import re
from enum import StrEnum
from typing import Any, TypeVar

from briefing_tui.briefing.model import Pos, Precision, When
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.schema import ID_PATTERN, MONTH_PATTERN, SECTIONS
from briefing_tui.briefing.text import describe_char, excerpt, find_control
from briefing_tui.briefing.yamltree import YMap, YNode, YScalar, YSeq, type_name

E = TypeVar("E", bound=StrEnum)
MAX_TEXT = 100_000  # characters in one text field: far more than any title, note or quote
_ID = re.compile(ID_PATTERN)
_REF = re.compile(r"^(?:([a-z0-9][a-z0-9-]*):)?([a-z0-9][a-z0-9-]*)$")
_MONTH = re.compile(MONTH_PATTERN)
_SECTION_NAMES = {
    "actor": "actors",
    "commitment": "commitments",
    "event": "context",
    "note": "notes",
    "assessment": "assessments",
    "span": "attribution",
    "judgement": "key_judgements",
    "unknown": "unknowns",
}


class ValueReader:
    """Typed values out of YAML nodes; problems collected in ``problems``."""

    name: str
    problems: list[Problem]
    _id_key: dict[Pos, Pos]  # an item's position -> where its 'id' key is
    dating_year: int | None  # the year a briefing infers for its undated article

    # -- reporting ---------------------------------------------------------------------------
    def err(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(pos, message))

    # -- structure ---------------------------------------------------------------------------
    def mapping(self, node: YNode, section: str, what: str) -> dict[str, YNode] | None:
        """Check a section's mapping: type, unknown and missing fields. None if unusable."""
        if not isinstance(node, YMap):
            self.err(
                node.pos,
                f"{what} must be a mapping of fields, but it is {type_name(node)}; "
                "write it as 'field: value' lines, indented under it",
            )
            return None
        fields = SECTIONS[section]
        known = [f.name for f in fields]
        for key, kpos in node.keys.items():
            if key not in known:
                close = difflib.get_close_matches(key[:100], known, n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"remove it, or use one of the known fields: {', '.join(known)}"
                )
                self.err(kpos, f"unknown field '{excerpt(key)}' in {what}; {hint}")
        for f in fields:
            if f.required and f.name not in node.entries:
                doc = f.doc.rstrip(".")
                doc = doc[:1].lower() + doc[1:]
                self.err(
                    node.pos,
                    f"{what} is missing the required field '{f.name}'; add '{f.name}:' ({doc})",
                )
        if "id" in node.keys:
            self._id_key[node.pos] = node.keys["id"]
        return node.entries

    def text(self, node: YNode | None, what: str, *, required: bool = False) -> str:
        if node is None:
            return ""
        if isinstance(node, YScalar) and isinstance(node.value, str):
            if len(node.value) > MAX_TEXT:
                self.err(
                    node.pos,
                    f"{what} is {len(node.value):,} characters long (the limit is "
                    f"{MAX_TEXT:,}); shorten it",
                )
                return node.value[:MAX_TEXT]
            self.no_control(node.value, node.pos, what)
            if required and not node.value.strip():
                self.err(node.pos, f"{what} is empty; write it out")
            return node.value
        if isinstance(node, YScalar) and node.value is None and not required:
            return ""
        if isinstance(node, YScalar) and node.value is None:
            hint = "; write it out after the ':'"
        elif isinstance(node, YScalar):
            hint = "; put it in quotes to make it text"
        else:
            hint = "; write it as one text value (in quotes if it starts with '[' or '{')"
        self.err(node.pos, f"{what} must be text, but it is {type_name(node)}{hint}")
        return ""

    def no_control(self, value: str, pos: Pos, what: str) -> None:
        at = find_control(value.replace("\n", " ").replace("\t", " "))
        if at is not None:
            self.err(
                pos,
                f"{what} contains the control character {describe_char(value[at])} "
                f"(at character {at + 1}); remove it: control characters and escape "
                "sequences are never shown",
            )

    def texts(self, node: YNode | None, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, YScalar) and node.value is None:
            return ()
        if not isinstance(node, YSeq):
            self.err(
                node.pos,
                f"{what} must be a list, but it is {type_name(node)}; "
                "write it as [a, b] or one '- item' a line",
            )
            return ()
        return tuple(self.text(item, f"an entry of {what}") for item in node.items)

    def ident(self, node: YNode | None, what: str, *, required: bool = False) -> str | None:
        if node is None:
            return None
        value = self.text(node, what, required=required)
        if not value:
            return None
        if not _ID.match(value):
            self.err(
                node.pos,
                f"{what} '{excerpt(value)}' is not a valid id: use lower-case letters, "
                "digits and '-', starting with a letter or digit",
            )
        return value

    def refs(self, node: YNode | None, what: str) -> tuple[tuple[str, Pos], ...]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return ()
        if not isinstance(node, YSeq):
            if isinstance(node, YScalar) and isinstance(node.value, str):
                self.err(node.pos, f"{what} must be a list of ids; write [{excerpt(node.value)}]")
            else:
                self.err(
                    node.pos,
                    f"{what} must be a list of ids, but it is {type_name(node)}; "
                    "write it as [id-one, id-two]",
                )
            return ()
        out: list[tuple[str, Pos]] = []
        for item in node.items:
            value = self.text(item, f"an id in {what}")
            if not value:
                continue
            if not _REF.match(value):
                self.err(
                    item.pos,
                    f"'{excerpt(value)}' in {what} is not a valid id; ids use lower-case "
                    "letters, digits and '-' (BRIEFING-ID:ITEM-ID for another briefing's item)",
                )
                continue
            out.append((value, item.pos))
        return tuple(out)

    def integer(self, node: YNode | None, what: str, example: str) -> int | None:
        if node is None:
            return None
        if (
            isinstance(node, YScalar)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            return node.value
        self.err(
            node.pos,
            f"{what} must be a whole number, but it is {type_name(node)}; "
            f"write a number without quotes, e.g. {example}",
        )
        return None

    def enum(self, node: YNode | None, what: str, enum: type[E], default: E) -> E:
        if node is None:
            return default
        raw = node.value if isinstance(node, YScalar) else None
        if isinstance(raw, str):
            try:
                return enum(raw)
            except ValueError:
                pass
        words = [e.value for e in enum]
        close = difflib.get_close_matches(str(raw)[:100], words, n=1, cutoff=0.6) if raw else []
        hint = f"did you mean '{close[0]}'?" if close else "use one of these words"
        shown = f"'{excerpt(raw)}'" if isinstance(raw, str) else type_name(node)
        self.err(node.pos, f"{what} {shown} is not one of: {', '.join(words)}; {hint}")
        return default

    # -- sections ----------------------------------------------------------------------------

    def each(self, node: YNode | None, section: str, build: Any) -> list[Any]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return []
        plural = _SECTION_NAMES[section]
        if not isinstance(node, YSeq):
            self.err(
                node.pos,
                f"{plural} must be a list ('- id: ...' entries), but it is {type_name(node)}; "
                "start each entry with '- ', indented under the key",
            )
            return []
        out = []
        for i, item in enumerate(node.items, 1):
            entries = self.mapping(item, section, f"{section} #{i} of {plural}")
            if entries is None:
                continue
            out.append(build(entries, item.pos, f"{section} #{i}"))
        return out

    def when(self, node: YNode | None, what: str) -> When:
        if node is None:
            return When()
        entries = self.mapping(node, "when", what)
        if entries is None:
            return When()
        precision = self.enum(
            entries.get("precision"), f"{what}: precision", Precision, Precision.UNDATED
        )
        month_node = entries.get("month")
        month = None
        if month_node is not None:
            raw = month_node.value if isinstance(month_node, YScalar) else None
            if isinstance(raw, str) and _MONTH.match(raw):
                month = raw
            else:
                shown = f"'{excerpt(str(raw))}'" if raw is not None else type_name(month_node)
                self.err(
                    month_node.pos,
                    f"{what}: month {shown} is not a month: write YYYY-MM, e.g. 2025-11",
                )
        elif precision is not Precision.UNDATED and "precision" in entries:
            self.err(
                node.pos,
                f"{what} needs a month (YYYY-MM) unless its precision is 'undated'; "
                "add month: YYYY-MM, or set precision: undated",
            )
        day = self.integer(entries.get("day"), f"{what}: day", "day: 15")
        if day is not None:
            if precision is not Precision.DAY:
                self.err(
                    entries["day"].pos,
                    f"{what}: a day is given but the precision is "
                    f"'{precision}'; set precision: day or drop the day",
                )
            elif month is not None:
                y, m = int(month[:4]), int(month[5:])
                last = calendar.monthrange(y, m)[1]
                if not 1 <= day <= last:
                    self.err(
                        entries["day"].pos,
                        f"{what}: day {day} does not exist in {month} (it has {last} days); "
                        f"use a day from 1 to {last}, or check the month",
                    )
                    day = None
        elif precision is Precision.DAY:
            self.err(
                node.pos,
                f"{what} has precision 'day' but no day; add day: N or use precision: month",
            )
        if precision is Precision.UNDATED:
            month = None
        return When(
            precision=precision,
            month=month,
            day=day if precision is Precision.DAY else None,
            qualifier=self.text(entries.get("qualifier"), f"{what}: qualifier"),
            basis=self.text(entries.get("basis"), f"{what}: basis"),
            year_inferred=month is not None and int(month[:4]) == self.dating_year,
        )
