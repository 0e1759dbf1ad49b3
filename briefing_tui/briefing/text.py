"""Text helpers shared by the core and the UI, the one home of text folding: control
characters (neutralised for the terminal), white space, quotes, accents, the form search
compares, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

# C0 controls except tab and newline, DEL, C1 controls. ESC (0x1b) is the start of every
# ANSI/OSC escape sequence, so none of these may ever reach the terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates can reorder what a reader sees (trojan-source style).
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WS = re.compile(r"\s+")


def find_control(text: str) -> int | None:
    """Offset of the first control character that must not reach a terminal, or None."""
    m = _CONTROL.search(text) or _BIDI_CONTROL.search(text)
    return m.start() if m else None


# Unicode gives control characters no names; these are their usual ones.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x90: "DEVICE CONTROL STRING",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
    0x9C: "STRING TERMINATOR",
    0x9D: "OPERATING SYSTEM COMMAND",
}


def describe_char(ch: str) -> str:
    """``U+001B ESCAPE``: a character's code point and name, for messages."""
    code = ord(ch)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(ch, "")
    if not name and 0xD800 <= code <= 0xDFFF:
        name = "(an unpaired surrogate, not a character)"
    elif not name and (code < 0x20 or 0x7F <= code <= 0x9F):
        name = "(a control character)"
    return f"U+{code:04X} {name}".rstrip()


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def neutralise(text: str) -> str:
    """Text safe to hand to a terminal: control characters become visible symbols.

    Tabs become spaces; newlines are kept (callers decide how to lay them out).
    """
    text = text.replace("\t", "    ")
    text = _CONTROL.sub(_picture, text)
    return _BIDI_CONTROL.sub("\ufffd", text)


_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Every control character as a visible symbol, tabs and newlines included.

    For names that must stay on one line whatever they hold, such as a file name in a
    ``path:line:col: message`` line.
    """
    return _BIDI_CONTROL.sub("\ufffd", _ANY_CONTROL.sub(_picture, text))


def one_line(text: str) -> str:
    """Neutralised text with all white space folded to single spaces."""
    return neutral_spaces(text).strip()


def neutral_spaces(text: str) -> str:
    """Neutralised text, each white space run as one space (ends kept: a piece of a line)."""
    return _WS.sub(" ", neutralise(text))


def excerpt(text: str, limit: int = 60) -> str:
    """A user's value as a message may show it: one neutralised line, at most ``limit`` long."""
    cut = len(text) > limit * 4  # never fold megabytes just to show a few words of them
    line = one_line(text[: limit * 4])
    if len(line) > limit:
        return line[: limit - 1] + "…"
    return line + "…" if cut else line


def fold_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


_ASCII_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "′": "'", "`": "'"})


def straighten_quotes(text: str) -> str:
    """Curly quotes and apostrophes as their ASCII forms."""
    return text.translate(_ASCII_QUOTES)


def strip_accents(text: str) -> str:
    """The text without combining marks (NFKD): ``"Peña"`` -> ``"Pena"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_POSSESSIVE = re.compile(r"(?<=\w)'s\b")


def fold(text: str) -> str:
    """The folded form search compares: lower case, no accents, ASCII quotes, no ``'s``."""
    if text.isascii():
        folded = text.replace("`", "'").lower()
    else:
        folded = strip_accents(straighten_quotes(text)).casefold()
    if "'" in folded:
        folded = _POSSESSIVE.sub("", folded)
    return folded


def suggest(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices`` to ``word``, else
    ``otherwise``: the tail of a message about an unknown name."""
    close = difflib.get_close_matches(word[:100], sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else otherwise


# What must never reach a terminal from data: the controls of neutralise() (tab and newline
# are layout, not sequences) and the bidirectional overrides.
_UNSAFE = re.compile(f"{_CONTROL.pattern}|{_BIDI_CONTROL.pattern}")


def defang(text: str) -> str:
    """``text`` with every control and bidi character as a visible symbol (tabs and newlines
    kept); the same object when it holds none, so clean data costs one scan."""
    if _UNSAFE.search(text) is None:
        return text
    return _BIDI_CONTROL.sub("\ufffd", _CONTROL.sub(_picture, text))


# In JSON, C0 controls are always escaped by json.dumps; these are not, and are valid JSON
# only as escapes that a terminal never sees: DEL, C1, bidi overrides, line separators.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _u_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_safe(text: str, *, ascii_only: bool = False) -> str:
    """JSON text (from ``json.dumps``) with the characters a terminal could act on written as
    ``\\uXXXX`` escapes: the same JSON value, safe to print. ``ascii_only``: every non-ASCII
    character escaped, for an output that cannot encode them."""
    return (_NON_ASCII if ascii_only else _JSON_UNSAFE).sub(_u_escape, text)


def slugify(text: str) -> str:
    """An id from free text: ``"Pakistan–US talks (draft)"`` -> ``pakistan-us-talks-draft``."""
    plain = strip_accents(text)
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
