"""Issue 13.1: nothing from a briefing, an article or a file name reaches the terminal as a
control sequence: not on screen, in a notification, in the clipboard or in JSON output."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.text import defang, json_safe
from tests.security.hostile import ATTACKS, UNSAFE, hostile_briefing
from tests.tui.helpers import aio, browser, make_app, settle

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def strings(obj: Any) -> Iterator[str]:
    """Every string held by ``obj`` (dataclasses, tuples, lists, dicts; paths as text)."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, Path):
        return  # a path is used to open files, never shown as it is (display_path)
    elif isinstance(obj, tuple | list | set | frozenset):
        for x in obj:
            yield from strings(x)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(k)
            yield from strings(v)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from strings(getattr(obj, f.name))


def unsafe_strings(library: Library) -> list[str]:
    found = [s for s in strings(library.briefings) if UNSAFE.search(s)]
    found += [s for s in strings(library.results) if UNSAFE.search(s)]
    found += [str(p) for p in library.problems if UNSAFE.search(str(p))]
    return found


def hostile_library(tmp_path: Path, attack: str, name: str = "hostile.yaml") -> Library:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    if not (tmp_path / "seeds").exists():
        shutil.copytree(SEEDS, tmp_path / "seeds")
    (data / name).write_text(hostile_briefing(attack), encoding="utf-8")
    return load_library([data])


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_briefing_is_shown_but_defanged(tmp_path: Path, attack: str) -> None:
    library = hostile_library(tmp_path, attack)
    assert library.briefings, "the briefing is still shown"
    assert library.errors, "the validator still reports the control characters"
    assert unsafe_strings(library) == []
    b = library.briefings[0]
    assert "\u241b" in b.title or "\ufffd" in b.title  # shown as a visible symbol


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    planted=st.text(
        alphabet=st.sampled_from(
            [
                *map(chr, range(0x20)),
                *map(chr, range(0x7F, 0xA0)),
                "\u202a",
                "\u202e",
                "\u2066",
                "\u2069",
                "a",
                "]",
                ";",
                "[",
                "\\",
                "~",
                ":",
            ]
        ),
        min_size=1,
        max_size=12,
    ),
    filename=st.text(
        alphabet=st.sampled_from(
            ["\x1b", "\x9b", "\u202e", "\x07", "\n", "\t", "a", "]", "0", ";"]
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_planted_controls_never_survive_a_load(
    tmp_path_factory: pytest.TempPathFactory, planted: str, filename: str
) -> None:
    tmp = tmp_path_factory.mktemp("planted")
    shutil.copytree(SEEDS, tmp / "seeds")
    data = tmp / "data"
    data.mkdir()
    # the id is left out for one file: its id is then made from the file name
    (data / f"{filename}.yaml").write_text(
        hostile_briefing(planted).replace("id: ", "id_: ", 1).replace("id_: ", "# ", 1),
        encoding="utf-8",
    )
    (data / f"{filename}-2.yaml").write_text(hostile_briefing(planted, "second"), encoding="utf-8")
    library = load_library([data])
    assert unsafe_strings(library) == []
    from briefing_tui.briefing.export import to_json, to_markdown

    out = json_safe(to_json(library))
    assert not UNSAFE.search(out)
    json.loads(out)  # still valid JSON
    assert not UNSAFE.search(defang(to_markdown(library)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_export_and_search_json_escape_controls_and_bidi(
    tmp_path: Path, attack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    library = hostile_library(tmp_path, attack)
    assert library.briefings
    main(["export", "--format", "json", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out) and not UNSAFE.search(err)
    assert json.loads(out)
    main(["search", "--json", "--data", str(tmp_path / "data"), "intensify"])
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out) and not UNSAFE.search(err)
    assert json.loads(out)


def test_json_safe_keeps_the_value() -> None:
    value = {"a": "x\x85y\u202ez\u2028\x1b\U0001f600é"}
    text = json.dumps(value, ensure_ascii=False)
    for ascii_only in (False, True):
        safe = json_safe(text, ascii_only=ascii_only)
        assert json.loads(safe) == value
        assert not UNSAFE.search(safe)
    assert json_safe(text, ascii_only=True).isascii()


def _everything_shown(app: Any) -> list[str]:
    shown = [app.clipboard or ""]
    for n in app._notifications:
        shown += [n.message, n.title]
    shown.append(app.title or "")
    shown.append(app.sub_title or "")
    return shown


@pytest.mark.parametrize("attack", ATTACKS[:4])
@aio
async def test_copy_and_its_toast_carry_no_control_sequence(tmp_path: Path, attack: str) -> None:
    library = hostile_library(tmp_path, attack)
    app = make_app(library)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        for keys in (("1", "y"), ("2", "y"), ("3", "y"), ("4", "y"), ("s", "j", "y")):
            await pilot.press(*keys)
            await pilot.pause()
            assert app.clipboard, keys
            leaks = [s for s in _everything_shown(app) if UNSAFE.search(s)]
            assert leaks == [], keys
        # the citing list of the first sentence: every item, then Enter on each
        await pilot.press("s", "g", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not [s for s in _everything_shown(app) if UNSAFE.search(s)]
        assert browser(app) is not None


@aio
async def test_go_to_a_missing_item_says_so_without_its_control_characters(
    tmp_path: Path,
) -> None:
    from briefing_tui.briefing.model import ItemRef

    library = hostile_library(tmp_path, ATTACKS[0])
    app = make_app(library)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        browser(app).go_to_item(ItemRef("x", "y:\x1b]0;PWNED\x07"))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("not in the library" in m for m in messages)
        assert not [m for m in messages if UNSAFE.search(m)]
