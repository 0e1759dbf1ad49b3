"""Safe YAML with positions.

Parses a briefing file into a small tree of :class:`YMap`, :class:`YSeq` and
:class:`YScalar` nodes that keep their 1-based line and column. Nothing is ever
constructed from a tag; anchors and aliases, duplicate keys, deep nesting and
oversized files are refused with a :class:`Problem` instead of an exception.
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

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32

if TYPE_CHECKING:
    import yaml

# PyYAML is imported when a file is first parsed (not on import): a library loaded from its
# snapshot (briefing_tui.cache.snapshot) parses nothing, and the app starts sooner without it.


def _loader_class() -> Any:
    """libyaml's parser when available: fast on large files, same events."""
    try:
        from yaml import CSafeLoader

        return CSafeLoader
    except ImportError:  # pragma: no cover - depends on the build of PyYAML
        from yaml import SafeLoader

        return SafeLoader


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


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


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

    Never raises for bad input and never constructs anything from the text.
    """
    import yaml

    text = normalise(text)
    if len(text) > MAX_BYTES:
        return too_large(path, len(text.encode("utf-8", "surrogatepass")))
    refused = _refused_char(path, text)
    if refused is not None:
        return refused
    try:
        return _build(path, text, _loader_class())
    except YamlError as exc:
        return exc.problem
    except yaml.MarkedYAMLError as exc:
        return explain(path, text, exc)
    except yaml.YAMLError as exc:  # pragma: no cover - refused characters are caught first
        return Problem(Pos(path), f"invalid YAML: {excerpt(str(exc), 200)}")
    except RecursionError:  # pragma: no cover - the depth limit comes first
        return Problem(Pos(path), _too_deep())


def _offset(text: str, line: int, column: int) -> int:
    """The offset of a 0-based line and column."""
    at = 0
    for _ in range(line):
        at = text.index("\n", at) + 1
    return at + column


def _flow_too_deep(text: str, start: int, depth: int) -> int | None:
    """The offset where flow collections ('[', '{') opened from ``start`` at ``depth`` first
    go deeper than MAX_DEPTH, skipping quoted text and comments; None if they never do."""
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif ch in "]}":
            depth -= 1
        elif ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "'":
            i += 1
            while i < n and (text[i] != "'" or text[i + 1 : i + 2] == "'"):
                i += 2 if text[i] == "'" else 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
        i += 1
    return None


def _too_deep() -> str:
    return (
        f"the YAML is nested too deeply (more than {MAX_DEPTH} levels); a briefing needs "
        "only a few: check the brackets and the indentation"
    )


def _char_at(lines: list[str], line: int, col: int) -> str:
    if 0 <= line < len(lines) and 0 <= col < len(lines[line]):
        return lines[line][col]
    return ""


def explain(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A PyYAML/libyaml syntax error as a Problem that says what is wrong and what to do.

    The common mistakes of hand-written YAML (tabs, indentation, quotes and brackets left
    open, a missing ':' or a ':' inside a value) get their own message, at the place the
    fix goes, which is not always where the parser noticed.
    """
    ctx = str(exc.context or "")
    prob = str(exc.problem or "")
    problem_mark = exc.problem_mark
    context_mark = exc.context_mark
    lines = text.split("\n")
    at = _pos(path, problem_mark) if problem_mark is not None else _pos(path, context_mark)
    mark = problem_mark if problem_mark is not None else context_mark
    row = mark.line if mark is not None else 0
    col = mark.column if mark is not None else 0
    line_text = lines[row] if 0 <= row < len(lines) else ""
    here = _char_at(lines, row, col)

    def problem(pos: Pos, message: str) -> Problem:
        return Problem(pos, f"invalid YAML: {message}")

    # A quote left open swallows the lines after it, up to the next quote mark, and the
    # parser only complains there: point at where the runaway quoted text starts.
    if problem_mark is not None:
        runaway = _runaway_quote(text, lines, problem_mark.line)
        if runaway is not None:
            q = _char_at(lines, runaway.line, runaway.column) or '"'
            return problem(
                _pos(path, runaway),
                f"the quoted text that starts here is never closed, so it runs on to line "
                f"{problem_mark.line + 1}; add the closing {q} at the end of the value",
            )

    # Tabs: YAML indents with spaces only.
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if "\t" in indent or here == "\t" or "tab character" in prob or "'\\t'" in prob:
        tab = indent.find("\t") if "\t" in indent else col
        return problem(
            Pos(path, row + 1, tab + 1),
            "this line is indented with a tab; YAML indents with spaces only: "
            "replace the tab with spaces",
        )

    # A quoted value that is never closed: point at its opening quote.
    if "quoted scalar" in ctx and ("end of stream" in prob or "document indicator" in prob):
        q = (
            _char_at(lines, context_mark.line, context_mark.column)
            if context_mark is not None
            else '"'
        )
        inner = '\\"' if q == '"' else "''"
        return problem(
            _pos(path, context_mark),
            f"the quoted text that starts here is never closed; add the closing {q} "
            f"(a {q} inside the text is written {inner})",
        )

    # Escapes in double-quoted text.
    if "escape" in prob or "hexdecimal" in prob:
        back = col if here == "\\" else line_text.rfind("\\", 0, col + 1)
        back = back if back >= 0 else col
        letter = line_text[back + 1 : back + 2]
        seq = line_text[back : back + {"x": 4, "u": 6, "U": 10}.get(letter, 2)]
        if "Unicode" in prob or "hexdecimal" in prob:
            return problem(
                Pos(path, row + 1, back + 1),
                f"'{excerpt(seq, 12)}' does not give a valid character; write the character "
                "itself instead of the escape",
            )
        return problem(
            Pos(path, row + 1, back + 1),
            f"'{excerpt(seq, 12)}' is not a valid escape in double-quoted text; write '\\\\' "
            "for a backslash, or put the text in single quotes instead",
        )

    # Flow collections: [ ... ] and { ... }.
    if "flow sequence" in ctx or "flow mapping" in ctx:
        opening, closing, kind = ("[", "]", "list") if "sequence" in ctx else ("{", "}", "mapping")
        if (
            context_mark is not None
            and problem_mark is not None
            and problem_mark.line != context_mark.line
        ):
            return problem(
                _pos(path, context_mark),
                f"the {kind} opened with '{opening}' here is never closed; "
                f"add the closing '{closing}' at the end of the {kind}",
            )
        return problem(
            at,
            f"expected ',' or '{closing}' here, in the {kind} opened with '{opening}' at "
            f"column {context_mark.column + 1 if context_mark is not None else 1}; separate the entries with "
            "commas, and put in quotes any entry that holds a comma, bracket or quote "
            '(in single quotes if it holds a ")',
        )

    # Text right after a closing quote: quotes inside a quoted value.
    before = line_text[:col].rstrip()
    if (
        problem_mark is not None
        and before.endswith(('"', "'"))
        and here not in ("", ",", "]", "}", "#", ":")
        and ("expected key" in prob or "expected ','" in prob or "but found" in prob)
    ):
        q = before[-1]
        other, inner = ("single", '\\"') if q == '"' else ("double", "''")
        return problem(
            at,
            f"text follows the closing {q} of a quoted value; if the {q} marks belong to the "
            f"text, put the whole value in {other} quotes, or write each {q} inside it as {inner}",
        )

    # A key with no ':' after it.
    if "expected ':'" in prob and context_mark is not None:
        colon = _colon_without_space(
            lines[context_mark.line] if context_mark.line < len(lines) else ""
        )
        if colon is not None:
            return problem(
                Pos(path, context_mark.line + 1, colon),
                "a ':' after a key needs a space after it; write 'key: value'",
            )
        return problem(
            _pos(path, context_mark),
            "this line is not 'key: value': add the ':' after the key, start a list entry "
            "with '- ', or indent the line if it continues the text above",
        )

    # ':' where no mapping value may be.
    if "mapping values are not allowed" in prob and problem_mark is not None:
        prev = _previous_content_line(lines, row)
        first_colon = line_text.find(": ")
        if 0 <= first_colon < col and line_text[:first_colon].strip():
            return problem(
                at,
                "': ' inside a value that is not quoted; put the whole value in quotes, "
                'e.g. title: "Talks: what was agreed"',
            )
        if prev is not None:
            prow, ptext = prev
            colon = _colon_without_space(ptext)
            if colon is not None:
                return problem(
                    Pos(path, prow + 1, colon),
                    "a ':' after a key needs a space after it; write 'key: value'",
                )
            if _indent(line_text) > _indent(ptext):
                return problem(
                    Pos(path, row + 1, _indent(line_text) + 1),
                    f"this line is indented more than line {prow + 1} above it, which "
                    "already has a value; line its key up with the keys above it",
                )
        return problem(at, "a ':' is not allowed here; put the value in quotes")

    # Indentation of block mappings and lists.
    if "expected key" in prob or "block end" in prob:
        if line_text.strip().startswith(":"):
            return problem(at, "a key is missing before the ':'; write 'name: value'")
        if here in ("]", "}"):
            return problem(
                at,
                f"a closing '{here}' that closes nothing; remove it, or add the opening "
                f"'{'[' if here == ']' else '{'}' where the {'list' if here == ']' else 'mapping'} "
                "begins",
            )
        if here == "-":
            return problem(
                at,
                "a list entry ('- ') where a key was expected; indent the list under "
                "its key, or remove the '- '",
            )
        return problem(at, _misaligned(lines, row, "the keys above it"))
    if "expected '-'" in prob:
        if line_text.lstrip().startswith("- "):
            return problem(
                at,
                "this line does not line up with the list entries above it; start every "
                "entry of a list with '- ' at the same indentation",
            )
        return problem(at, _misaligned(lines, row, "the lines above it"))
    if "cannot start any token" in prob:
        shown = excerpt(here, 5) or "this character"
        return problem(
            at,
            f"'{shown}' cannot start a value; put the value in quotes",
        )
    if "block sequence entries are not allowed" in prob:
        return problem(
            at,
            "a list entry ('- ') cannot follow a key on the same line; "
            "put the list on the lines below its key, indented",
        )
    if "directive" in ctx or "directive" in prob:
        return problem(
            _pos(path, context_mark) if context_mark is not None else at,
            "a line starting with '%' is a YAML directive, which briefings do not use; "
            "remove it, or put a value that starts with % in quotes",
        )
    if "incompatible YAML document" in prob:
        return problem(at, "only YAML 1.x is read; remove the %YAML line or write %YAML 1.1")
    if "document start" in prob:
        return problem(
            at,
            "more text after the end of the document ('...'); a briefing file holds one "
            "YAML document: remove the '...' line or what follows it",
        )
    if "tag" in ctx or "tag handle" in prob:
        return problem(
            at,
            "tags ('!...') are not allowed in briefings (nothing is ever constructed "
            "from a YAML tag); remove the tag",
        )
    if "anchor" in ctx or "alias" in ctx:
        return problem(
            at,
            "anchors and aliases ('&', '*') are not allowed in briefings; put a "
            "value that starts with & or * in quotes",
        )
    if "nesting depth" in prob:
        return Problem(at, _too_deep())
    if "node content" in prob:
        return problem(at, "a value is missing here; write the value, or remove the ',' or ':'")
    what = f"{ctx}, {prob}" if ctx else prob or "a syntax error"
    return problem(at, f"{excerpt(what, 160)}; check the indentation and quoting on this line")


def _misaligned(lines: list[str], row: int, what: str) -> str:
    line = lines[row] if row < len(lines) else ""
    here = _indent(line)
    prev = _previous_content_line(lines, row)
    if prev is not None and _indent(prev[1]) == here:
        if prev[1].lstrip().startswith("- ") and not line.lstrip().startswith("- "):
            return (
                f"a key at the same indentation as the list entries ('- ') of line "
                f"{prev[0] + 1}; start it with '- ' if it is a new entry, or indent it under "
                "the entry it belongs to"
            )
        return (
            f"this line does not line up with {what}; indent the keys of one mapping "
            "by the same number of spaces"
        )
    above = (
        f" (it is indented by {here} spaces, line {prev[0] + 1} by {_indent(prev[1])})"
        if prev is not None
        else ""
    )
    return (
        f"this line does not line up with {what}{above}; indent the keys of one mapping "
        "by the same number of spaces"
    )


_KEY_LINE = re.compile(r"\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")
_NO_SPACE = re.compile(r"\s*(?:- )?[^\s:#'\"\[{][^\s:]*:(?=[^\s:/])")


def _colon_without_space(line: str) -> int | None:
    """The column of a 'key:value' colon with no space after it, if the line has one."""
    m = _NO_SPACE.match(line)
    return m.end() if m is not None else None


def _runaway_quote(text: str, lines: list[str], error_line: int) -> Any:
    """The start mark of a quoted value that ends on ``error_line`` after swallowing lines
    that look like keys or list entries, i.e. one whose closing quote was forgotten."""
    import yaml

    try:
        for token in yaml.scan(text, Loader=_loader_class()):
            start, end = token.start_mark, token.end_mark
            if start.line > error_line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and end.line == error_line
                and start.line < end.line
                and any(_KEY_LINE.match(ln) for ln in lines[start.line + 1 : end.line + 1])
            ):
                return start
    except yaml.YAMLError:
        pass
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], row: int) -> tuple[int, str] | None:
    for i in range(row - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i, lines[i]
    return None


def _build(path: str, text: str, loader_class: Any) -> YNode | Problem:
    import yaml.constructor
    import yaml.resolver

    loader = loader_class(text)
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    try:
        # each open container: (the container, its position, the pending key, its position)
        stack: list[tuple[YMap | list[YNode], Pos, str | None, Pos | None]] = []
        root: YNode | None = None
        documents = 0
        last_end: Any = None  # where the last event ended
        while True:
            try:
                event = loader.get_event()
            except yaml.MarkedYAMLError as exc:
                # libyaml reads ahead in flow collections and gives up at ~1000 levels
                # before the events reach the depth check: find the 33rd level in the text.
                if "nesting depth" in str(exc.problem) and last_end is not None:
                    start = _offset(text, last_end.line, last_end.column)
                    at = _flow_too_deep(text, start, len(stack))
                    if at is not None:
                        line, col = line_col(text, at)
                        raise YamlError(Problem(Pos(path, line, col), _too_deep())) from None
                raise
            last_end = event.end_mark
            if event is None or isinstance(event, yaml.StreamEndEvent):
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
                        f"aliases (*{excerpt(str(event.anchor), 40)}) are not allowed in "
                        "briefings (YAML aliases are how 'billion laughs' bombs work); "
                        "write the value out in full",
                    )
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise YamlError(
                    Problem(
                        pos,
                        f"anchors (&{excerpt(str(anchor), 40)}) are not allowed in "
                        "briefings (YAML anchors and aliases are how 'billion laughs' bombs "
                        "work); remove the anchor and write values out in full",
                    )
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!", *_STANDARD_TAGS):
                raise YamlError(
                    Problem(
                        pos,
                        f"tags such as '{excerpt(str(tag), 80)}' are not allowed in "
                        "briefings (nothing is ever constructed from a YAML tag); remove the tag",
                    )
                )
            node: YNode | None = None
            raw: str | None = None
            if isinstance(event, yaml.ScalarEvent):
                node = _scalar(event, pos, resolver, constructor, yaml.ScalarNode)
                raw = event.value
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(Problem(pos, _too_deep()))
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
                # this node is a key: its text as written ('no', '1' and '~' are names too)
                if raw is None:
                    raise YamlError(
                        Problem(
                            node.pos,
                            "a key must be a plain name such as 'title', not a list or "
                            "a mapping; write 'name: value'",
                        )
                    )
                if raw == "" and not (isinstance(node, YScalar) and node.quoted):
                    raise YamlError(
                        Problem(node.pos, "a key is missing before the ':'; write 'name: value'")
                    )
                key = raw
                if key in parent.keys:
                    first = parent.keys[key]
                    raise YamlError(
                        Problem(
                            node.pos,
                            f"duplicate key '{excerpt(key)}' (first at line {first.line}); "
                            "keep one of them",
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
                "format, id, title and source; see docs/format.md for a whole example",
            )
        return root
    finally:
        loader.dispose()


def _scalar(
    event: yaml.ScalarEvent,
    pos: Pos,
    resolver: yaml.resolver.Resolver,
    constructor: yaml.constructor.SafeConstructor,
    scalar_node: type[yaml.ScalarNode],
) -> YScalar:
    quoted = event.style is not None and event.style in ("'", '"', "|", ">")
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(scalar_node, event.value, event.implicit)  # type: ignore[no-untyped-call]
    value: str | int | float | bool | None = event.value
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
        node = scalar_node(tag, event.value)
        try:
            value = constructor.construct_object(node)
        except Exception:  # '!!bool maybe', '!!int ""' ...: keep the text; the loader says why
            value = event.value
    elif tag == "tag:yaml.org,2002:null":
        value = None
    return YScalar(value, pos, quoted)
