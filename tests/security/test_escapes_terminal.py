"""Issue 13.1 in a real terminal: the installed app in tmux, on a briefing that plants
escape sequences in every field; every view is walked and the keys pressed, and the raw
bytes the app writes to its pty (tmux ``pipe-pane -O``) are searched for the planted
sequences, and every OSC 52 payload is decoded and searched too."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

from tests.e2e.terminal import app_command, tmux_session, wait_quiet
from tests.security.hostile import UNSAFE, hostile_briefing

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# one briefing holding all of them: a title, a clipboard write, colour, the end of a
# bracketed paste, a C1 CSI, a bidi override
PLANTED = "\x1b]0;PWNED\x07 \x1b]52;c;cm0gLXJmIH4K\x07 \x1b[31m \x1b[201~ \x9b7m \u202e"
OSC52 = re.compile(rb"\x1b\]52;[a-z]*;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")


def quiet(log: Path, timeout: float = 10.0, still: float = 0.3) -> None:
    """Wait until the app has stopped writing for ``still`` seconds."""
    wait_quiet(log, timeout, still)


def test_no_planted_sequence_reaches_the_terminal(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    data = tmp_path / "data"
    data.mkdir()
    (data / "hostile.yaml").write_text(hostile_briefing(PLANTED), encoding="utf-8")
    log = tmp_path / "pty.bin"
    copies = 0
    with tmux_session(app_command("--no-watch", str(data)), 100, 30, log=log) as t:
        t.wait_for("Actors (2)", 30, "the first screen")
        quiet(log)
        # every view, and the keys that act in it; y copies in each
        for keys in (
            ["1", "y", "Enter", "y"],
            ["2", "y", "Enter", "y"],
            ["3", "y", "Enter", "y"],
            ["4", "y", "Enter", "y"],
            ["s", "j", "y", "Enter"],
            ["Escape"],
            ["p"],
            ["Enter"],
            ["Escape"],
            ["Escape"],
            ["?"],
            ["Escape"],
            ["/"],
        ):
            for key in keys:
                t.send(key)
                quiet(log)
                copies += key == "y"
        t.type("intensify")
        quiet(log)
        for key in ("Down", "Enter", "y", "Escape", "C-p"):
            t.send(key)
            quiet(log)
        t.type("meeting")
        quiet(log)
        for key in ("Escape", "q"):
            t.send(key)
            quiet(log)
        title = t.tmux("display-message", "-p", "-t", t.session, "#{pane_title}").stdout
        buffer = t.buffer()
    raw = log.read_bytes()
    assert b"Title" in raw or b"Intensify" in raw, "the hostile briefing was shown"
    for planted in PLANTED.split(" "):
        assert planted.encode("utf-8") not in raw, planted
    assert b"PWNED\x07" not in raw and b"\x1b]0;PWNED" not in raw
    assert b"\x1b[201~" not in raw  # the app never ends a bracketed paste
    assert "\u202e".encode() not in raw and b"\xc2\x9b" not in raw  # bidi, C1 CSI
    assert "PWNED" not in title
    payloads = [base64.b64decode(m.group(1)).decode("utf-8") for m in OSC52.finditer(raw)]
    assert len(payloads) >= 4, "the copies were made"
    for text in [*payloads, buffer]:
        assert not UNSAFE.search(text), repr(text)
    assert copies >= 4
