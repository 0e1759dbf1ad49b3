"""Reading typed values from the positioned YAML tree: mappings, text, ids, references,
numbers and enumerations, each problem reported at its file:line:column with what to write
instead. The loader's checker (briefing_tui.briefing.loader) builds on it."""

from __future__ import annotations

import calendar
import difflib
import re
from enum import StrEnum
from typing import Any, TypeVar

from briefing_tui.briefing.model import Evidence, Inferred, Pos, Precision, When
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.schema import (
    ID_PATTERN,
    MONTH_PATTERN,
    REF_PATTERN,
    SECTIONS,
    Field,
    label,
)
from briefing_tui.briefing.text import describe_char, excerpt, find_control
from briefing_tui.briefing.yamltree import YMap, YNode, YScalar, YSeq, type_name

E = TypeVar("E", bound=StrEnum)
MAX_TEXT = 100_000  # characters in one text field: far more than any title, note or quote
_ID = re.compile(ID_PATTERN)
_REF = re.compile(REF_PATTERN)
_MONTH = re.compile(MONTH_PATTERN)
# each list section's key in the briefing: "actor" -> "actors"
_SECTION_NAMES = {f.section: f.name for f in SECTIONS["briefing"] if f.kind == "list"}


def empty(f: Field) -> Any:
    """The value of a field the entry leaves out."""
    if f.kind == "enum":
        assert f.enum is not None
        return f.default or next(iter(f.enum))
    if f.kind == "section" and f.section == "when":
        return When()
    return {"text": "", "texts": (), "ids": (), "quotes": (), "inferred": ()}.get(f.kind)


# Caches by section name, each entry kept with the table it was made from and used only while
# SECTIONS still holds that very tuple (an identity check): a tuple of fields as the key would
# hash every field (a dataclass) on every call, 6% of a load; a name alone would miss a table
# replaced at run time (a field added, as tests/briefing/test_schema.py does).
_READABLE: dict[str, tuple[tuple[Field, ...], tuple[Field, ...]]] = {}
_EMPTIES: dict[tuple[str, frozenset[str]], tuple[tuple[Field, ...], dict[str, Any]]] = {}


def _readable(section: str) -> tuple[Field, ...]:
    """The fields of ``section`` that :meth:`ValueReader.fields` reads (not nested lists and
    sections)."""
    fields = SECTIONS[section]
    hit = _READABLE.get(section)
    if hit is not None and hit[0] is fields:
        return hit[1]
    out = tuple(
        f for f in fields if f.kind != "list" and (f.kind != "section" or f.section == "when")
    )
    _READABLE[section] = (fields, out)
    return out


def empties(section: str, keep: frozenset[str]) -> dict[str, Any]:
    """The value of each field of ``section`` in ``keep`` that an entry leaves out (shared:
    all immutable); cached as :func:`_readable`."""
    fields = SECTIONS[section]
    hit = _EMPTIES.get((section, keep))
    if hit is not None and hit[0] is fields:
        return hit[1]
    out = {f.name: empty(f) for f in fields if f.name in keep}
    _EMPTIES[(section, keep)] = (fields, out)
    return out


def within(number: int, f: Field) -> bool:
    """``number`` is inside the field's bounds."""
    return (f.minimum is None or number >= f.minimum) and (f.maximum is None or number <= f.maximum)


def is_empty_list(node: YNode) -> bool:
    """A list, or a key with nothing after its ':'."""
    return isinstance(node, YSeq) or (isinstance(node, YScalar) and node.value is None)


class ValueReader:
    """Typed values out of YAML nodes; problems collected in ``problems``.

    :meth:`fields` reads a section's entries by the field table (schema.SECTIONS); the
    loader's checker supplies :meth:`evidence`, which needs the article.
    """

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
        if self.not_a_list(node, what, "", "write it as [a, b] or one '- item' a line"):
            return ()
        assert isinstance(node, YSeq)
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
        if isinstance(node, YScalar) and isinstance(node.value, str):
            self.err(node.pos, f"{what} must be a list of ids; write [{excerpt(node.value)}]")
            return ()
        if self.not_a_list(node, what, " of ids", "write it as [id-one, id-two]"):
            return ()
        assert isinstance(node, YSeq)
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

    def not_a_list(self, node: YNode, what: str, of: str, write: str) -> bool:
        """Report ``node`` unless it is a list; True when it is not."""
        if isinstance(node, YSeq):
            return False
        self.err(node.pos, f"{what} must be a list{of}, but it is {type_name(node)}; {write}")
        return True

    def month(self, node: YNode, what: str) -> str | None:
        raw = node.value if isinstance(node, YScalar) else None
        if isinstance(raw, str) and _MONTH.match(raw):
            return raw
        shown = f"'{excerpt(str(raw))}'" if raw is not None else type_name(node)
        self.err(node.pos, f"{what} {shown} is not a month: write YYYY-MM, e.g. 2025-11")
        return None

    def inferred(self, node: YNode | None, what: str) -> tuple[Inferred, ...]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return ()
        if isinstance(node, YSeq):  # a list of field names: the bases are missing
            names = [self.text(n, f"an entry of the inferred of {what}") for n in node.items]
            return tuple(Inferred(n, "", i.pos) for n, i in zip(names, node.items, strict=True))
        if not isinstance(node, YMap):
            self.err(
                node.pos,
                f"the inferred of {what} must be a mapping of field: basis, but it is "
                f"{type_name(node)}; write e.g. name: the article says only 'Mr Trump'",
            )
            return ()
        out = []
        for key, value in node.entries.items():
            basis = self.text(value, f"the basis of the inferred {key} of {what}")
            out.append(Inferred(key, basis, node.keys[key]))
        return tuple(out)

    def evidence(self, node: YNode | None, what: str, required: bool) -> tuple[Evidence, ...]:
        raise NotImplementedError  # the loader's checker: quotes are looked up in the article

    # -- sections, by the field table --------------------------------------------------------
    def fields(
        self, entries: dict[str, YNode], section: str, what: str, skip: str = ""
    ) -> dict[str, Any]:
        """Every field of ``section`` that ``entries`` gives, read by its row of the table.

        Ids come back as ((value, pos), ...); absent fields (and ``skip``) are left out, as
        are nested lists and sections other than a *when*, which their own builders read.
        """
        out: dict[str, Any] = {}
        for f in _readable(section):
            node = entries.get(f.name)
            if node is not None and f.name != skip:
                out[f.name] = self.value(f, node, label(section, f, what))
        return out

    def value(self, f: Field, node: YNode, what: str) -> Any:
        """The value of ``node`` as field ``f`` declares it, every problem reported."""
        if f.kind == "text":
            return self.text(node, what, required=f.required)
        if f.kind == "id":
            return self.ident(node, what, required=f.required)
        if f.kind == "ids":
            refs = self.refs(node, what)
            if f.required and not refs and is_empty_list(node):
                self.err(node.pos, f"{what} is empty; name at least one {f.target}")
            return refs
        if f.kind == "texts":
            return self.texts(node, what)
        if f.kind == "int":
            number = self.integer(node, what, f.example or f"{f.name}: 3")
            if number is not None and f.bad and not within(number, f):
                self.err(node.pos, f.bad.format(label=what, value=number))
            return number
        if f.kind == "enum":
            assert f.enum is not None
            return self.enum(node, what, f.enum, empty(f))
        if f.kind == "month":
            return self.month(node, what)
        if f.kind == "quotes":
            return self.evidence(node, what, f.required)
        if f.kind == "inferred":
            return self.inferred(node, what)
        return self.when(node, what)  # the one nested section read here

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
        v = self.fields(entries, "when", what)
        precision = v.get("precision", Precision.UNDATED)
        month, day = self.when_rule(node, entries, what, precision, v)
        if precision is Precision.UNDATED:
            month = None
        return When(
            precision=precision,
            month=month,
            day=day if precision is Precision.DAY else None,
            qualifier=v.get("qualifier", ""),
            basis=v.get("basis", ""),
            year_inferred=month is not None and int(month[:4]) == self.dating_year,
        )

    def when_rule(
        self, node: YNode, entries: dict[str, YNode], what: str, precision: Precision, v: Any
    ) -> tuple[str | None, int | None]:
        """The cross-field rule of a *when*: a month unless undated, a real day with 'day'."""
        month, day = v.get("month"), v.get("day")
        if "month" not in entries and precision is not Precision.UNDATED and "precision" in entries:
            self.err(
                node.pos,
                f"{what} needs a month (YYYY-MM) unless its precision is 'undated'; "
                "add month: YYYY-MM, or set precision: undated",
            )
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
        return month, day
