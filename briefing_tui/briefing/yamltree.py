"""Safe YAML with positions.

Parses a briefing file into a small tree of :class:`YMap`, :class:`YSeq` and
:class:`YScalar` nodes that keep their 1-based line and column. PyYAML composes the
document (``yaml.compose`` with libyaml's ``CSafeLoader``, PyYAML's own ``SafeLoader``
without it); :func:`walk` then turns its nodes into ours, checking what composing allows
but a briefing does not: anchors and aliases, tags, keys that are not plain names,
duplicate keys and nesting deeper than MAX_DEPTH. Nothing is ever constructed from a tag.
Every refusal, and every syntax error (explained by :mod:`yaml_errors`), is a
:class:`Problem`, never an exception.

Anchors and aliases. A composed graph holds one node for an anchor and all its aliases, so
an alias's own position is gone by the time the walk sees it. Briefings refuse anchors
outright, which makes that loss harmless: an alias always comes after its anchor, so the
walk meets the anchored node first (its start mark is the '&') and refuses it there, where
the event-level builder this replaces did. An alias without an anchor is the composer's
"undefined alias" error, reported at the alias. An alias bomb never expands: composing
shares nodes instead of copying them, and the anchor is refused before any use is walked.
As a second line of defence, a list or mapping reached a second time is refused too, so no
sharing or cycle can make the walk repeat work.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing_tui.briefing.model import Pos
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.text import describe_char, excerpt
from briefing_tui.briefing.yaml_errors import (
    MAX_DEPTH,
    alias_refused,
    anchor_refused,
    explain,
    loader_class,
    locate_too_deep,
    too_deep,
    written_anchor,
)
from briefing_tui.briefing.yaml_errors import line_col as line_col

MAX_BYTES = 8 * 1024 * 1024

if TYPE_CHECKING:
    import yaml
    import yaml.constructor

# PyYAML is imported when a file is first parsed (not on import): a library loaded from its
# snapshot (briefing_tui.cache.snapshot) parses nothing, and the app starts sooner without it.


_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class YamlError(Exception):
    """Raised inside this module only; turned into a Problem by :func:`parse`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class YScalar:
    value: str | int | float | bool | None
    pos: Pos
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class YSeq:
    items: tuple[YNode, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class YMap:
    """A mapping with string keys, in file order. ``keys`` holds each key's position."""

    pos: Pos
    entries: dict[str, YNode] = field(default_factory=dict)
    keys: dict[str, Pos] = field(default_factory=dict)


YNode = YScalar | YSeq | YMap


def type_name(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    v = node.value
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"a boolean ({'true' if v else 'false'})"
    if isinstance(v, int | float):
        return f"a number ({v})"
    return "text"


def decode(path: str, data: bytes) -> str | Problem:
    """UTF-8 text (a byte-order mark is dropped), or a Problem at the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith(b"\x00\x00\xfe\xff"):  # UTF-32 big-endian
        return Problem(
            Pos(path),
            "the file is UTF-32 text, not UTF-8; save it as UTF-8 "
            "(in most editors: 'Save with encoding' or 'Reopen with encoding', then UTF-8)",
        )
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # the UTF-32 marks begin with the UTF-16 ones: FF FE 00 00 is UTF-32 little-endian
        utf32 = data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
        return Problem(
            Pos(path),
            f"the file is {'UTF-32' if utf32 else 'UTF-16'} text, not UTF-8; save it as UTF-8 "
            "(in most editors: 'Save with encoding' or 'Reopen with encoding', then UTF-8)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", "replace")) + 1
        return Problem(
            Pos(path, line, col),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8",
        )
    if "\x00" in text:
        line, col = line_col(text, text.index("\x00"))
        return Problem(
            Pos(path, line, col),
            "the file contains a NUL byte, so it is binary data, not text; "
            "name a UTF-8 text file instead",
        )
    return text


def read_file(path: Path, display: str | None = None) -> str | Problem:
    """Read a regular UTF-8 text file no larger than MAX_BYTES, or say why not.

    Never opens a device, pipe or directory, and never reads more than MAX_BYTES + 1
    bytes, so a path such as ``/dev/zero`` cannot hang or exhaust memory.
    """
    name = display or str(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            return Problem(Pos(name), "this is a directory, not a file; name a file")
        if not stat.S_ISREG(st.st_mode):
            return Problem(
                Pos(name),
                "this is not a regular file (it is a device, pipe or socket); "
                "name a UTF-8 text file",
            )
        if st.st_size > MAX_BYTES:
            return too_large(name, st.st_size)
        # The file may be swapped for a FIFO between the stat and the open: open without
        # blocking, and check what was opened.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags), "rb") as fh:
            opened = os.fstat(fh.fileno())
            if not stat.S_ISREG(opened.st_mode):
                return Problem(
                    Pos(name),
                    "this is not a regular file (it is a device, pipe or socket); "
                    "name a UTF-8 text file",
                )
            if opened.st_size > MAX_BYTES:
                return too_large(name, opened.st_size)
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Problem(Pos(name), "no such file; check the path")
    except OSError as exc:
        return Problem(
            Pos(name),
            f"cannot read the file ({exc.strerror or type(exc).__name__}); "
            "check that it exists and that you may read it",
        )
    if len(data) > MAX_BYTES:
        return too_large(name, len(data))
    return decode(name, data)


def too_large(name: str, size: int) -> Problem:
    return Problem(
        Pos(name),
        f"the file is too large ({size / 1048576:.1f} MiB; the limit is "
        f"{MAX_BYTES // 1048576} MiB); a briefing or an article is far smaller: "
        "check that this is the right file, or split it into several briefings",
    )


# Characters YAML refuses (or reads as line breaks where editors do not), and characters
# that must never reach a terminal: C0 controls but tab and newline, DEL, C1 controls
# (NEL included), the Unicode line and paragraph separators, lone surrogates and the
# non-characters U+FFFE and U+FFFF. Reported with an editor's line and column.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def normalise(text: str) -> str:
    """The text as the parser sees it: no byte-order mark, ``\\n`` line ends only."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _refused_char(path: str, text: str) -> Problem | None:
    m = _REFUSED.search(text)
    if m is None:
        return None
    ch = m.group()
    line, col = line_col(text, m.start())
    if ch in "\u2028\u2029\x85":
        what = (
            f"the file contains {describe_char(ch)}, which YAML reads as a line break "
            "but editors do not (so line numbers would disagree)"
        )
        fix = "replace it with a space or a real line break"
    elif ch == "\x1b":
        what = (
            f"the file contains the control character {describe_char(ch)}, the start of "
            "terminal escape sequences"
        )
        fix = "remove it: briefings hold plain text, and escape sequences are never shown"
    elif "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff":
        what = f"the file contains {describe_char(ch)}, which is not a valid character"
        fix = "remove it, or save the file again as UTF-8"
    else:
        what = f"the file contains the control character {describe_char(ch)}"
        fix = "remove it: briefings hold plain text, and control characters are never shown"
    return Problem(Pos(path, line, col), f"{what}; {fix}")


def parse(path: str, text: str) -> YNode | Problem:
    """Parse one YAML document into a positioned tree, or return the first Problem.

    Never raises for bad input and never constructs anything from the text. A syntax error
    anywhere in the file is reported before the walk's refusals (see :func:`walk`).
    """
    import yaml

    text = normalise(text)
    if len(text) > MAX_BYTES:
        return too_large(path, len(text.encode("utf-8", "surrogatepass")))
    refused = _refused_char(path, text)
    if refused is not None:
        return refused
    loader = loader_class()
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, 1,000 levels
            return locate_too_deep(path, text, loader)
        return explain(path, text, exc)
    except yaml.YAMLError as exc:  # pragma: no cover - refused characters are caught first
        return Problem(Pos(path), f"invalid YAML: {excerpt(str(exc), 200)}")
    except RecursionError:  # PyYAML's pure composer recurses: a few hundred levels
        return locate_too_deep(path, text, loader)
    if root is None:
        return Problem(
            Pos(path),
            "the file is empty (or holds only comments): a briefing needs at least "
            "format, id, title and source; see docs/format.md for a whole example",
        )
    try:
        return walk(path, text, root)
    except YamlError as exc:
        return exc.problem


def walk(path: str, text: str, root: yaml.Node) -> YNode:
    """PyYAML's composed ``root`` as our tree, in file order; raises YamlError at the first
    node a briefing refuses. ``text`` is what was composed (normalised): the walk reads
    anchors and tags there, at each node's start mark."""
    import yaml.constructor

    return _Walk(path, text, yaml.constructor.SafeConstructor()).node(root, 0)


def _slot_setter(cls: type, name: str) -> Any:
    return cls.__dict__[name].__set__


# Frozen dataclasses set each field through object.__setattr__; a walk builds a Pos for every
# node and key (360,000 for the 1,000-briefing library) and a YScalar for most of them, so it
# sets their slots directly: half the cost of each, about a sixth of a library's parse
# (docs/benchmarks.md, row `load`, the note "The YAML tree"). tests/briefing/test_yaml_walk.py
# checks that these build what the classes' own __init__ builds, field for field.
_new = object.__new__
_pos_path, _pos_line, _pos_col = (_slot_setter(Pos, n) for n in ("path", "line", "col"))
_scalar_value, _scalar_pos, _scalar_quoted = (
    _slot_setter(YScalar, n) for n in ("value", "pos", "quoted")
)


def make_pos(path: str, line: int, col: int) -> Pos:
    """``Pos(path, line, col)``, built faster."""
    pos: Pos = _new(Pos)
    _pos_path(pos, path)
    _pos_line(pos, line)
    _pos_col(pos, col)
    return pos


def make_scalar(value: str | int | float | bool | None, pos: Pos, quoted: bool) -> YScalar:
    """``YScalar(value, pos, quoted)``, built faster."""
    scalar: YScalar = _new(YScalar)
    _scalar_value(scalar, value)
    _scalar_pos(scalar, pos)
    _scalar_quoted(scalar, quoted)
    return scalar


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_QUOTED = frozenset(("'", '"', "|", ">"))  # scalar styles; plain is None or '' (libyaml)


class _Walk:
    __slots__ = ("constructed", "containers", "path", "properties", "text")

    def __init__(self, path: str, text: str, constructor: yaml.constructor.SafeConstructor) -> None:
        self.path = path
        self.text = text
        # Without an '&' or a '!' in the text there is no anchor and no tag to look for.
        self.properties = "&" in text or "!" in text
        self.containers: set[int] = set()
        self.constructed = {
            "tag:yaml.org,2002:int": constructor.construct_yaml_int,
            "tag:yaml.org,2002:float": constructor.construct_yaml_float,
            "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
        }

    def node(self, node: Any, depth: int) -> YNode:
        """``node`` (a yaml.Node) at ``depth`` (the number of lists and mappings it is in)."""
        mark = node.start_mark
        pos = make_pos(self.path, mark.line + 1, mark.column + 1)
        if self.properties:
            self.check_properties(node, pos, mark.index)
        kind: str = node.id  # 'scalar', 'sequence' or 'mapping'
        if kind == "scalar":
            if node.tag == _STR:  # most of a briefing: text, the one path kept short
                return make_scalar(node.value, pos, node.style in _QUOTED)
            return self.scalar(node, pos)
        if depth >= MAX_DEPTH:
            raise YamlError(Problem(pos, too_deep()))
        if id(node) in self.containers:  # an alias the anchor check missed
            raise YamlError(
                Problem(pos, alias_refused(written_anchor(self.text, mark.index) or ""))
            )
        self.containers.add(id(node))
        if kind == "sequence":
            return YSeq(tuple([self.node(item, depth + 1) for item in node.value]), pos)
        return self.mapping(node, pos, depth)

    def mapping(self, node: Any, pos: Pos, depth: int) -> YMap:
        entries: dict[str, YNode] = {}
        keys: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":  # walked first, so what is inside it is found first
                raise YamlError(
                    Problem(
                        self.node(key_node, depth + 1).pos,
                        "a key must be a plain name such as 'title', not a list or "
                        "a mapping; write 'name: value'",
                    )
                )
            mark = key_node.start_mark
            key_pos = make_pos(self.path, mark.line + 1, mark.column + 1)
            if self.properties:
                self.check_properties(key_node, key_pos, mark.index)
            # a key is its text as written ('no', '1' and '~' are names too)
            key: str = key_node.value
            if not key and key_node.style not in _QUOTED:
                raise YamlError(
                    Problem(key_pos, "a key is missing before the ':'; write 'name: value'")
                )
            first = keys.get(key)
            if first is not None:
                raise YamlError(
                    Problem(
                        key_pos,
                        f"duplicate key '{excerpt(key)}' (first at line {first.line}); "
                        "keep one of them",
                    )
                )
            entries[key] = self.node(value_node, depth + 1)
            keys[key] = key_pos
        return YMap(pos, entries, keys)

    def scalar(self, node: Any, pos: Pos) -> YScalar:
        tag = node.tag
        value: str | int | float | bool | None = node.value
        if tag == _NULL:
            value = None
        else:
            construct = self.constructed.get(tag)
            if construct is not None:
                try:
                    value = construct(node)
                except Exception:  # '!!bool maybe', '!!int ""' ...: keep the text
                    value = node.value
        return make_scalar(value, pos, node.style in _QUOTED)

    def check_properties(self, node: Any, pos: Pos, at: int) -> None:
        """Refuse an anchor or a tag written before the node (at its start mark).

        A node that starts with '&' has an anchor; one that starts with '!' has a tag,
        perhaps followed by an anchor. A tag outside the standard ones that is not written
        here was resolved from a plain scalar (a date, '<<', '='), which stays text.
        """
        text = self.text
        first = text[at : at + 1]
        if first != "&" and first != "!":
            return
        name = written_anchor(text, at)
        if name is not None:
            raise YamlError(Problem(pos, anchor_refused(name)))
        if first == "!" and node.tag not in _STANDARD_TAGS:
            raise YamlError(
                Problem(
                    pos,
                    f"tags such as '{excerpt(str(node.tag), 80)}' are not allowed in "
                    "briefings (nothing is ever constructed from a YAML tag); remove the tag",
                )
            )
