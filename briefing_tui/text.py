"""Text helpers shared by the core and the UI: control characters, whitespace, quotes."""

from __future__ import annotations

import re
import unicodedata

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


def describe_char(ch: str) -> str:
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}"
    return f"{code} {name}".strip() if name else code


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


def one_line(text: str) -> str:
    """Neutralised text with all white space folded to single spaces."""
    return _WS.sub(" ", neutralise(text)).strip()


def fold_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


_ASCII_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "′": "'", "`": "'"})


def straighten_quotes(text: str) -> str:
    """Curly quotes and apostrophes as their ASCII forms."""
    return text.translate(_ASCII_QUOTES)


def fold_for_search(text: str) -> str:
    """Lower case, no accents, ASCII quotes: the form search compares."""
    text = straighten_quotes(text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
