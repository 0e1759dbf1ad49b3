"""Navigation history: browser semantics (a plain class, no Textual)."""

from __future__ import annotations

import pytest

from briefing_tui.tui.history import History, Location


def test_empty_history_has_nowhere_to_go() -> None:
    h: History[str] = History()
    assert h.current is None
    assert len(h) == 0
    assert h.position == -1
    assert not h.can_back and not h.can_forward
    assert h.back() is None
    assert h.forward() is None


def test_back_and_forward_walk_the_visits() -> None:
    h = History("a")
    h.visit("b")
    h.visit("c")
    assert h.current == "c"
    assert h.back() == "b"
    assert h.back() == "a"
    assert h.back() is None
    assert h.current == "a"
    assert h.forward() == "b"
    assert h.forward() == "c"
    assert h.forward() is None
    assert h.current == "c"


def test_a_new_visit_drops_the_forward_entries() -> None:
    h = History("a")
    h.visit("b")
    h.visit("c")
    h.back()
    h.back()
    h.visit("d")
    assert list(h) == ["a", "d"]
    assert not h.can_forward
    assert h.back() == "a"
    assert h.forward() == "d"


def test_visiting_the_current_entry_adds_nothing_but_still_drops_forward() -> None:
    h = History("a")
    h.visit("a")
    assert list(h) == ["a"]
    h.visit("b")
    h.back()
    h.visit("a")
    assert list(h) == ["a"]
    assert not h.can_forward


def test_replace_updates_the_current_entry_only() -> None:
    h = History("a")
    h.visit("b")
    h.visit("c")
    h.back()
    h.replace("B")
    assert list(h) == ["a", "B", "c"]
    assert h.current == "B"
    assert h.can_forward


def test_replace_on_empty_history_starts_it() -> None:
    h: History[str] = History()
    h.replace("x")
    assert h.current == "x"
    assert h.position == 0


def test_limit_keeps_the_newest_entries() -> None:
    h = History(0, limit=3)
    for i in range(1, 6):
        h.visit(i)
    assert list(h) == [3, 4, 5]
    assert h.current == 5
    assert h.back() == 4
    assert h.back() == 3
    assert h.back() is None


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        History("a", limit=0)


def test_clear_restarts_from_one_entry() -> None:
    h = History("a")
    h.visit("b")
    h.clear("z")
    assert list(h) == ["z"]
    assert not h.can_back


def test_locations_compare_by_value_and_with_changes_fields() -> None:
    a = Location("b1", "actors", "x", "navigator")
    assert a == Location("b1", "actors", "x", "navigator")
    moved = a.with_(item="y", pane="detail", index=2)
    assert moved.item == "y" and moved.pane == "detail" and moved.index == 2
    assert a.item == "x"  # frozen: the original is unchanged
    h = History(a)
    h.visit(moved)
    assert h.back() == a
