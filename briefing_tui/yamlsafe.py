"""Safe YAML with positions.

Parses a briefing file into a small tree of :class:`YMap`, :class:`YSeq` and
:class:`YScalar` nodes that keep their 1-based line and column. Nothing is ever
constructed from a tag; anchors and aliases, duplicate keys, deep nesting and
oversized files are refused with a :class:`Problem` instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing_tui.model import Pos
from briefing_tui.problems import Problem

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32

try:  # libyaml's parser when available: fast on large files, same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

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


def _pos(path: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(path)
    return Pos(path, mark.line + 1, mark.column + 1)


def decode(path: str, data: bytes) -> str | Problem:
    """UTF-8 text (a byte-order mark is dropped), or a Problem at the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return Problem(
            Pos(path, line, col),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8",
        )
    if "\x00" in text:
        off = text.index("\x00")
        line = text.count("\n", 0, off) + 1
        col = off - (text.rfind("\n", 0, off) + 1) + 1
        return Problem(
            Pos(path, line, col),
            "the file contains a NUL byte: it looks like binary data, not a YAML briefing",
        )
    return text


def read_file(path: Path, display: str | None = None) -> str | Problem:
    """Read a UTF-8 text file no larger than MAX_BYTES, or say why not."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Problem(
                Pos(name),
                f"the file is too large ({size / 1048576:.1f} MiB; the limit is "
                f"{MAX_BYTES // 1048576} MiB): split it into several briefings",
            )
        data = path.read_bytes()
    except OSError as exc:
        return Problem(Pos(name), f"cannot read the file: {exc.strerror or exc}")
    return decode(name, data)


def parse(path: str, text: str) -> YNode | Problem:
    """Parse one YAML document into a positioned tree, or return the first Problem."""
    try:
        return _build(path, text)
    except YamlError as exc:
        return exc.problem
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        hint = "check the indentation and quoting on this line"
        if ("\t" in text and "tab" in str(what).lower()) or "found character '\\t'" in str(exc):
            hint = "YAML indents with spaces, never tabs: replace the tabs with spaces"
        return Problem(_pos(path, mark), f"invalid YAML: {what}; {hint}")
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters) and the like
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        return Problem(_pos(path, mark), f"invalid YAML: {exc}")
    except RecursionError:
        return Problem(Pos(path), f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)")


def _build(path: str, text: str) -> YNode | Problem:
    loader = _Loader(text)
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    try:
        stack: list[tuple[YMap | list[YNode], Pos, str | None, Pos | None]] = []
        root: YNode | None = None
        documents = 0
        while True:
            event = loader.get_event()
            if event is None:
                break
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(
                        Problem(
                            _pos(path, event.start_mark),
                            "a briefing file holds one YAML document; remove the second '---' "
                            "or move that document to a file of its own",
                        )
                    )
                continue
            pos = _pos(path, event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(
                    Problem(
                        pos,
                        f"YAML aliases (*{event.anchor}) are not allowed in briefings; "
                        "write the value out in full",
                    )
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise YamlError(
                    Problem(
                        pos,
                        f"YAML anchors (&{anchor}) are not allowed in briefings; "
                        "remove the anchor and write values out in full",
                    )
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!", *_STANDARD_TAGS):
                raise YamlError(
                    Problem(
                        pos,
                        f"YAML tags such as '{tag}' are not allowed in briefings "
                        "(nothing is ever constructed from a tag); remove the tag",
                    )
                )
            node: YNode | None = None
            if isinstance(event, yaml.ScalarEvent):
                node = _scalar(event, pos, resolver, constructor)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(
                        Problem(
                            pos,
                            f"the YAML is nested too deeply (more than {MAX_DEPTH} levels); "
                            "a briefing needs only a few",
                        )
                    )
                container: YMap | list[YNode] = (
                    YMap(pos=pos) if isinstance(event, yaml.MappingStartEvent) else []
                )
                stack.append((container, pos, None, None))
                continue
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                container, cpos, _, _ = stack.pop()
                node = container if isinstance(container, YMap) else YSeq(tuple(container), cpos)
            if node is None:  # pragma: no cover - every event kind is handled above
                continue
            if not stack:
                root = node
                continue
            parent, ppos, pending_key, key_pos = stack[-1]
            if isinstance(parent, list):
                parent.append(node)
            elif pending_key is None and key_pos is None:
                # this node is a key
                if not isinstance(node, YScalar) or isinstance(node.value, bool | type(None)):
                    raise YamlError(
                        Problem(node.pos, "mapping keys must be plain words such as 'title'")
                    )
                key = str(node.value)
                if key in parent.entries or key in parent.keys:
                    first = parent.keys[key]
                    raise YamlError(
                        Problem(
                            node.pos,
                            f"duplicate key '{key}' (first at line {first.line}); keep one of them",
                        )
                    )
                stack[-1] = (parent, ppos, key, node.pos)
            else:
                assert pending_key is not None and key_pos is not None
                parent.entries[pending_key] = node
                parent.keys[pending_key] = key_pos
                stack[-1] = (parent, ppos, None, None)
        if root is None:
            return Problem(
                Pos(path),
                "the file is empty (or holds only comments): a briefing needs at least "
                "format, id, title and source",
            )
        return root
    finally:
        loader.dispose()


def _scalar(
    event: yaml.ScalarEvent,
    pos: Pos,
    resolver: yaml.resolver.Resolver,
    constructor: yaml.constructor.SafeConstructor,
) -> YScalar:
    quoted = event.style is not None and event.style in ("'", '"', "|", ">")
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    value: str | int | float | bool | None = event.value
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
        node = yaml.ScalarNode(tag, event.value)
        try:
            value = constructor.construct_object(node)
        except (ValueError, yaml.YAMLError):
            value = event.value
    elif tag == "tag:yaml.org,2002:null":
        value = None
    return YScalar(value, pos, quoted)
