"""Hostile briefings for the escape-sequence tests (no tests here).

Each string field holds a terminal attack written as a YAML escape: set the window title
(OSC 0), write the reader's clipboard (OSC 52), colour the screen (CSI), end a bracketed
paste (``ESC [ 201 ~``, then a newline runs a command), a C1 CSI, a bidi override.
"""

from __future__ import annotations

import re

# what must never appear in anything shown, copied or printed (tab and newline are layout)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

ATTACKS = [
    "\x1b]0;PWNED-TITLE\x07",
    "\x1b]52;c;cm0gLXJmIH4K\x07",
    "\x1b[31m",
    "\x1b[201~\nrm -rf ~\n",
    "\x9b31m",
    "\u202egnp.exe",
    "\x1bP+q\x1b\\",
]


def yaml_escaped(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (escapes for every control character)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif code in range(0x202A, 0x202F) or code in range(0x2066, 0x206A):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def hostile_briefing(attack: str, briefing_id: str = "hostile") -> str:
    """A briefing over the bundled article with ``attack`` in every text field and id."""
    a = yaml_escaped
    return f"""\
format: 1
id: {a(briefing_id + attack)}
title: {a("Title " + attack)}
summary: {a("Summary " + attack)}
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: {a("Source " + attack)}
  publisher: {a("Publisher " + attack)}
  url: {a("https://example.org/" + attack)}
  place: {a("Place " + attack)}
  when: {{precision: month, month: 2025-11, qualifier: {a("q " + attack)}}}
actors:
  - id: {a("pakistan:" + attack)}
    name: {a("Pakistan " + attack)}
    kind: country
    role: {a("Role " + attack)}
    aliases: [{a("Alias " + attack)}]
    description: {a("Described " + attack)}
    note: {a("Note " + attack)}
    evidence: ["Pakistan and the United States agreed"]
  - id: united-states
    name: United States
    kind: country
    evidence: ["Pakistan and the United States agreed"]
commitments:
  - id: {a("intensify:" + attack)}
    title: {a("Intensify " + attack)}
    kind: agreement
    status: agreed
    by: [united-states]
    topics: [{a("topic " + attack)}]
    when: {{precision: month, month: 2025-11, qualifier: {a(attack)}, basis: {a(attack)}}}
    summary: {a("Summary " + attack)}
    note: {a("Note " + attack)}
    evidence: ["agreed to intensify cooperation on security and immigration"]
context:
  - id: {a("meeting:" + attack)}
    title: {a("Meeting " + attack)}
    when: {{precision: month, month: 2025-11, qualifier: {a(attack)}}}
    actors: [united-states]
    summary: {a("Summary " + attack)}
    evidence: ["during a meeting in Islamabad on Saturday"]
notes:
  - id: {a("note:" + attack)}
    title: {a("A note " + attack)}
    text: {a("Text " + attack)}
    evidence: ["Naqvi and Baker discussed ways"]
"""
