"""Friendly YAML errors: PyYAML's scanner, parser and composer errors as "what to do".

A syntax error from libyaml (or PyYAML's pure parser) names what the parser expected,
at the place it noticed; :func:`explain` rewrites the mistakes hand-written YAML makes
(tabs, indentation, quotes and brackets left open, a missing ':' or a ':' inside a value)
into a :class:`Problem` that says what to do, at the place the fix goes. The messages for
the briefing's own refusals of legal YAML (anchors, aliases, nesting) live here too, so the
node walk in :mod:`yamltree` and the composer's errors word them alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from briefing_tui.briefing.model import Pos
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.text import excerpt

MAX_DEPTH = 32  # levels of nested lists and mappings in a briefing (the root is level 1)

if TYPE_CHECKING:
    import yaml

# PyYAML is imported when a file is first parsed (not on import): see yamltree.


def loader_class() -> Any:
    """libyaml's parser when available (fast on large files), else PyYAML's own: the two
    give the same nodes and the same errors (tests/briefing/test_yaml_walk.py)."""
    try:
        from yaml import CSafeLoader

        return CSafeLoader
    except ImportError:  # pragma: no cover - depends on the build of PyYAML
        from yaml import SafeLoader

        return SafeLoader


def mark_pos(path: str, mark: Any) -> Pos:
    """A PyYAML mark (0-based line and column, in characters) as a 1-based Pos."""
    if mark is None:
        return Pos(path)
    return Pos(path, mark.line + 1, mark.column + 1)


_NAME = re.compile(r"[&*]([0-9A-Za-z_-]*)")  # what libyaml and PyYAML scan as an anchor name


def property_name(text: str, at: int = 0) -> str:
    """The anchor or alias name written at ``text[at]`` (an '&' or a '*'), shortened."""
    m = _NAME.match(text, at)
    return excerpt(m.group(1), 40) if m is not None else ""


def written_anchor(text: str, at: int) -> str | None:
    """The name of the anchor written at the start of a node (offset ``at``, its start mark):
    '&name', or '!tag &name'; None if no anchor is written there."""
    if text.startswith("!", at):
        at = _after_tag(text, at)
    return property_name(text, at) if text.startswith("&", at) else None


def _after_tag(text: str, at: int) -> int:
    """The offset of what follows the tag written at ``at``: past the tag, spaces, line
    breaks and comments."""
    n = len(text)
    i = at
    while i < n and text[i] not in " \t\n":
        i += 1
    while i < n:
        ch = text[i]
        if ch in " \t\n":
            i += 1
        elif ch == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
        else:
            break
    return i


def anchor_refused(name: str) -> str:
    return (
        f"anchors (&{name}) are not allowed in briefings (YAML anchors and aliases are how "
        "'billion laughs' bombs work); remove the anchor and write values out in full"
    )


def alias_refused(name: str) -> str:
    return (
        f"aliases (*{name or '...'}) are not allowed in briefings (YAML aliases are how 'billion "
        "laughs' bombs work); write the value out in full"
    )


def one_document() -> str:
    return (
        "a briefing file holds one YAML document; remove the second '---' "
        "or move that document to a file of its own"
    )


def too_deep() -> str:
    return (
        f"the YAML is nested too deeply (more than {MAX_DEPTH} levels); a briefing needs "
        "only a few: check the brackets and the indentation"
    )


def locate_too_deep(path: str, text: str, loader: Any) -> Problem:
    """Where the nesting first goes deeper than MAX_DEPTH, when the composer gave up first.

    libyaml refuses nesting past 1,000 levels, and PyYAML's pure composer recurses (Python's
    recursion limit comes at a few hundred): both before the node walk can count to
    MAX_DEPTH. Reading the events again, without building anything, finds the place; libyaml
    also reads ahead in a flow collection and gives up before its events reach the depth, so
    there the brackets are counted in the text.
    """
    import yaml

    parser = loader(text)
    depth = 0
    last_end: Any = None  # where the last event ended
    try:
        while True:
            try:
                event = parser.get_event()
            except yaml.MarkedYAMLError as exc:
                if "nesting depth" not in str(exc.problem) or last_end is None:
                    raise
                start = _offset(text, last_end.line, last_end.column)
                at = _flow_too_deep(text, start, depth)
                if at is None:
                    raise
                line, col = line_col(text, at)
                return Problem(Pos(path, line, col), too_deep())
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            last_end = event.end_mark
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if depth >= MAX_DEPTH:
                    return Problem(mark_pos(path, event.start_mark), too_deep())
                depth += 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    return Problem(Pos(path), too_deep())  # pragma: no cover - called only when too deep


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


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
    at = mark_pos(path, problem_mark) if problem_mark is not None else mark_pos(path, context_mark)
    mark = problem_mark if problem_mark is not None else context_mark
    row = mark.line if mark is not None else 0
    col = mark.column if mark is not None else 0
    line_text = lines[row] if 0 <= row < len(lines) else ""
    here = _char_at(lines, row, col)

    def problem(pos: Pos, message: str) -> Problem:
        return Problem(pos, f"invalid YAML: {message}")

    composed = _composer_problem(path, text, exc)
    if composed is not None:
        return composed

    # A quote left open swallows the lines after it, up to the next quote mark, and the
    # parser only complains there: point at where the runaway quoted text starts.
    if problem_mark is not None:
        runaway = _runaway_quote(text, lines, problem_mark.line)
        if runaway is not None:
            q = _char_at(lines, runaway.line, runaway.column) or '"'
            return problem(
                mark_pos(path, runaway),
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
            mark_pos(path, context_mark),
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
                mark_pos(path, context_mark),
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
            mark_pos(path, context_mark),
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
            mark_pos(path, context_mark) if context_mark is not None else at,
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
        return Problem(at, too_deep())
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
        for token in yaml.scan(text, Loader=loader_class()):
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


def _composer_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """The composer's errors, which are the briefing's own refusals: an alias (its anchor is
    missing: an anchor would have been refused first), an anchor used twice, a second
    document. libyaml's messages omit the name, so it is read from the text."""
    import yaml.composer

    if not isinstance(exc, yaml.composer.ComposerError):
        return None
    ctx = str(exc.context or "")
    prob = str(exc.problem or "")
    if "undefined alias" in prob and exc.problem_mark is not None:
        mark = exc.problem_mark
        return Problem(mark_pos(path, mark), alias_refused(property_name(text, mark.index)))
    if "duplicate anchor" in ctx and exc.context_mark is not None:
        mark = exc.context_mark  # the first occurrence: the walk would refuse it
        return Problem(mark_pos(path, mark), anchor_refused(written_anchor(text, mark.index) or ""))
    if "single document" in ctx and exc.problem_mark is not None:
        return Problem(mark_pos(path, exc.problem_mark), one_document())
    return None  # pragma: no cover - PyYAML's composer raises nothing else
