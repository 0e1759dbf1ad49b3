"""The session of issue 5, driven through a real terminal: start, move, follow a link, back
and forward, search, open a result, copy, help, quit. Shared by the local and SSH tests.

Every step asserts on the screen text, read pane by pane (the panes sit side by side at
160 columns and one at a time at 80). Searches assert only on what any index gives (the
narcotics items for "narcotics"), never on a ranking.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .terminal import RESTORED, Pane, Tmux, focused_pane, pane

TITLE = "Pakistan and US agree to intensify"
FIRST_COMMITMENT = "Intensify cooperation on security and immigration"
SECOND_COMMITMENT = "US offers full technical assistance"
DETAIL_LABELS = {"ACTOR": "ACTOR", "COMMIT": "COMMITMENT", "EVENT": "EVENT", "NOTE": "NOTE"}
LINK = re.compile(r"^([a-z][a-z ]*) → (\S.*)$")
COUNT = re.compile(r"^[\d,]+ (results?|of [\d,]+\+?)")  # "23 results", "20 of 1,012"
RESULT = re.compile(r"^(ACTOR|COMMIT|EVENT|NOTE|SOURCE)\s+(\S.*)$")


def has_pane(name: str, check: Callable[[Pane], object] = lambda p: True) -> Callable[[str], bool]:
    """A screen predicate: pane ``name`` is shown and ``check`` holds for it."""

    def test(screen: str) -> bool:
        p = pane(screen, name)
        return p is not None and bool(check(p))

    return test


def cursor_on(name: str, text: str) -> Callable[[str], bool]:
    """Pane ``name`` has its cursor (▶) on a line starting with ``text``."""
    return has_pane(name, lambda p: (p.cursor or "").startswith(text))


def focused(name: str) -> Callable[[str], bool]:
    return lambda screen: focused_pane(screen) == name


def start(t: Tmux, timeout: float = 30.0) -> None:
    """The first screen: the title, the actors with the first one selected."""
    first = cursor_on("Actors", "Pakistan")
    screen = t.wait_for(lambda s: TITLE in s and first(s), timeout, "the first screen")
    assert focused_pane(screen) == "Actors"


def move(t: Tmux) -> None:
    t.press("j", cursor_on("Actors", "United States"))
    t.press("2", cursor_on("Commitments", FIRST_COMMITMENT[:21]))
    header = cursor_on("Detail", f"COMMITMENT  {FIRST_COMMITMENT[:21]}")
    t.press("Enter", lambda s: focused_pane(s) == "Detail" and header(s), what="the detail")


def follow_link(t: Tmux) -> tuple[str, str]:
    """Move down the detail pane to its first link and follow it; return (link, target)."""
    screen = t.screen()
    for _ in range(40):
        detail = pane(screen, "Detail")
        assert detail is not None, screen
        m = LINK.match(detail.cursor or "")
        if m:
            break
        before = detail.cursor
        screen = t.press("j", has_pane("Detail", lambda p, b=before: p.cursor != b))
    else:
        raise AssertionError(f"no link in the detail pane:\n{screen}")
    # (A scrollbar's thumb may sit at the end of the row: not part of the title.)
    link, target = detail.cursor or "", m.group(2).rstrip(" ▁▂▃▄▅▆▇█")
    t.press("Enter", cursor_on("Detail", f"ACTOR  {target}"), what=f"the detail of {target}")
    return link, target


def back_and_forward(t: Tmux, link: str, target: str) -> None:
    # Back restores the item and the cursor on the link that was followed.
    t.press("[", cursor_on("Detail", link), what="back on the followed link")
    assert FIRST_COMMITMENT[:21] in (pane(t.screen(), "Detail") or Pane("", False, [])).text
    t.press("]", cursor_on("Detail", f"ACTOR  {target}"), what="forward to the target")
    # Backspace is Back too (for terminals and keyboards where [ is awkward).
    t.press("BSpace", cursor_on("Detail", link), what="back with Backspace")
    t.press("]", cursor_on("Detail", f"ACTOR  {target}"), what="forward again")


def search(t: Tmux, query: str = "narcotics") -> Pane:
    t.press("/", focused("Search"))
    t.type(query)

    def listed(p: Pane) -> bool:
        lines = p.lines
        if not lines or query not in lines[0]:
            return False
        counted = any(COUNT.match(line.strip()) for line in lines[1:3])
        results = "\n".join(lines[1:]).lower()
        return counted and query in results and any(RESULT.match(x[1:]) for x in lines)

    screen = t.wait_for(has_pane("Search", listed), what=f"results for {query!r}")
    results = pane(screen, "Search")
    assert results is not None
    return results


def open_result(t: Tmux) -> tuple[str, str]:
    """Move to the first item result (not a sentence), open it; return (label, title)."""
    screen = t.screen()
    for _ in range(30):
        results = pane(screen, "Search")
        assert results is not None, screen
        m = RESULT.match(results.cursor or "")
        if m and m.group(1) != "SOURCE":
            break
        before = results.cursor
        screen = t.press("Down", has_pane("Search", lambda p, b=before: p.cursor != b))
    else:
        raise AssertionError(f"no item among the results:\n{screen}")
    label, title = DETAIL_LABELS[m.group(1)], m.group(2).strip()
    first_word = title.split()[0]
    t.press(
        "Enter",
        lambda s: focused_pane(s) == "Detail" and cursor_on("Detail", f"{label}  {first_word}")(s),
        what=f"the detail of the result {title!r}",
    )
    return label, title


def copy(t: Tmux, title: str) -> str:
    """y copies the item as a citation through OSC 52: tmux keeps it as a paste buffer."""
    assert t.buffer() == ""
    t.press("y", "Citation copied")
    deadline_screen = t.wait_for(lambda s: bool(t.buffer()), what="the OSC 52 paste buffer")
    copied = t.buffer()
    first = copied.splitlines()[0]
    assert first.startswith(title.split()[0]), (copied, deadline_screen)
    assert "\nSource: Pakistan, US agree to intensify cooperation" in copied
    assert "[pk-us-security-talks-2025-11:" in copied
    return copied


def back_to_results(t: Tmux, query: str, title: str) -> None:
    """Back from an opened result returns to the results, with the query."""
    first_word = title.split()[0]

    def results_again(p: Pane) -> bool:
        m = RESULT.match(p.cursor or "")
        return bool(p.lines) and query in p.lines[0] and bool(m) and first_word in p.cursor

    t.press("[", lambda s: focused_pane(s) == "Search" and has_pane("Search", results_again)(s))
    # Escape leaves the search box (so that ? is a key again, not a character).
    t.press("Escape", lambda s: focused_pane(s) not in ("Search", None))


def help_screen(t: Tmux) -> None:
    keys = ("Everywhere", "Back", "Forward", "Search", "Copy", "Quit")
    t.press("?", lambda s: all(k in s for k in keys), what="the help screen with its keys")
    t.press("Escape", lambda s: "Everywhere" not in s, what="the help screen to close")


def quit_app(t: Tmux, timeout: float = 10.0) -> None:
    t.send("q")
    t.wait_dead(timeout)


def full_session(t: Tmux, timeout: float = 30.0) -> None:
    start(t, timeout)
    move(t)
    link, target = follow_link(t)
    back_and_forward(t, link, target)
    search(t)
    _, title = open_result(t)
    copy(t, title)
    back_to_results(t, "narcotics", title)
    help_screen(t)
    quit_app(t)


def assert_modes_restored(t: Tmux) -> None:
    flags = t.flags()
    assert flags == RESTORED, f"terminal modes left behind: {flags}"
