"""The detail pane: link to link with l / L, backlinks grouped and folded, evidence in the
article's order."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.screens.browser import BrowserScreen
from briefing_tui.tui.widgets import detail as detail_module
from briefing_tui.tui.widgets.detail import BACK_ORDER, FOLD, DetailPane
from tests.conftest import SEED_ARTICLE, SEED_BRIEFING
from tests.tui.helpers import SEED_ID, aio, browser, make_app, started

WIDE = (160, 48)


def plain(prompt: object) -> str:
    return str(getattr(prompt, "plain", ""))


def row_texts(detail: DetailPane) -> list[str]:
    """The detail pane's rows, as plain text."""
    return [plain(o.prompt) for o in detail.options]


@contextlib.asynccontextmanager
async def item_shown(
    library: Library, item_id: str
) -> AsyncIterator[tuple[Pilot[None], BriefingApp, BrowserScreen]]:
    """The app at WIDE showing the seed briefing's ``item_id`` in the detail pane: the
    pilot, the app and the browser."""
    app = make_app(library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        screen.go_to_item(ItemRef(SEED_ID, item_id))
        await pilot.pause()
        yield pilot, app, screen


def rows_after(texts: list[str], start: int) -> list[str]:
    """The rows after ``start`` up to the next group head, section or ``… more`` row."""
    out = []
    for t in texts[start + 1 :]:
        if " ← in " in t or "more briefings" in t or t.startswith(("Also in", "Links", "Evidence")):
            break
        out.append(t)
    return out


@aio
async def test_l_and_L_jump_from_link_to_link(seed_library: Library) -> None:
    async with item_shown(seed_library, "mohsin-naqvi") as (pilot, _, screen):
        detail = screen.detail
        leads = [i for i, t in enumerate(detail.targets) if t is not None]
        assert len(leads) > 3
        detail.highlighted = 0
        visited = []
        for _ in leads:
            await pilot.press("l")
            await pilot.pause()
            visited.append(detail.highlighted)
        assert visited == leads  # every row that leads somewhere, and no other row
        await pilot.press("L", "L")
        await pilot.pause()
        assert detail.highlighted == leads[-3]


@aio
async def test_backlinks_are_grouped_by_relation_and_long_groups_fold(
    seed_library: Library,
) -> None:
    async with item_shown(seed_library, "pakistan") as (pilot, app, screen):
        detail = screen.detail
        graph = app.graph
        backlinks = graph.backlinks(ItemRef(SEED_ID, "pakistan"))
        by_label: dict[str, int] = {}
        for link in backlinks:
            by_label[link.back_label] = by_label.get(link.back_label, 0) + 1
        texts = row_texts(detail)
        heads = [t for t in texts if " ← in " in t]
        labels = [h.split(" ← ")[0] for h in heads]
        assert labels == sorted(labels, key=BACK_ORDER.index)  # a fixed, meaningful order
        assert {h.split(" ← ")[0]: int(h.rsplit("(", 1)[1][:-1]) for h in heads} == by_label
        long = next(label for label, n in by_label.items() if n > FOLD + 1)
        start = next(i for i, t in enumerate(texts) if t.startswith(f"{long} ← in this briefing"))
        more = next(i for i in range(start, len(texts)) if "more (Enter shows them)" in texts[i])
        assert more - start - 1 == FOLD
        assert f"… {by_label[long] - FOLD} more" in texts[more]
        screen.focus_pane("detail")
        detail.highlighted = more
        await pilot.press("enter")
        await pilot.pause()
        assert detail.highlighted == more  # the cursor stays; the rows are now there
        texts = row_texts(detail)
        assert not any(f"{long} ← " in t for t in texts[more:] if "more" in t)
        assert len(rows_after(texts, start)) == by_label[long]


@aio
async def test_evidence_is_listed_in_sentence_order(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with started(app, WIDE) as pilot:
        screen = browser(app)
        for item in seed_library.briefings[0].items:
            if len(item.evidence) < 2:
                continue
            screen.go_to_item(ItemRef(SEED_ID, item.id))
            await pilot.pause()
            firsts = [t.sentence for t in screen.detail.targets if t and t.label == "quote"]
            assert firsts == sorted(firsts, key=lambda n: n if n is not None else 1 << 30)


# Smaller than the app's (10 and 50) so that the library stays small: the same code.
OTHERS, OTHERS_PAGE = 3, 4
COPIES = OTHERS + OTHERS_PAGE + 2  # other briefings naming the seed's actors


@pytest.fixture
def seed_and_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The seed briefing and COPIES copies of it under other ids: each of its actors is in
    COPIES other briefings, with the same items naming it there. The detail pane shows
    OTHERS other briefings, then OTHERS_PAGE more per Enter."""
    monkeypatch.setattr(detail_module, "OTHERS", OTHERS)
    monkeypatch.setattr(detail_module, "OTHERS_PAGE", OTHERS_PAGE)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED_ARTICLE.name).write_bytes(SEED_ARTICLE.read_bytes())
    data = tmp_path / "data"
    data.mkdir()
    text = SEED_BRIEFING.read_text(encoding="utf-8")
    (data / SEED_BRIEFING.name).write_text(text, encoding="utf-8")
    for n in range(COPIES):
        copy = text.replace(f"id: {SEED_ID}\n", f"id: copy-{n:02}\n", 1)
        assert copy != text
        (data / f"copy-{n:02}.yaml").write_text(copy, encoding="utf-8")
    library = load_library([data])
    assert not library.problems, [str(p) for p in library.problems]
    assert len(library.briefings) == COPIES + 1
    return library


@aio
async def test_an_actor_in_many_briefings_shows_the_first_and_pages_through_the_rest(
    seed_and_copies: Library,
) -> None:
    async with item_shown(seed_and_copies, "pakistan") as (pilot, app, screen):
        detail = screen.detail
        backlinks = app.graph.backlinks(ItemRef(SEED_ID, "pakistan"))
        texts = row_texts(detail)
        assert f"Backlinks ({len(backlinks)})" in texts  # the count is every backlink
        # "made ←": this briefing's group, then the first OTHERS other briefings' groups,
        # then one row for the rest.
        made = [i for i, t in enumerate(texts) if t.startswith("made ← in ")]
        assert texts[made[0]].startswith("made ← in this briefing")
        assert len(made) == 1 + OTHERS
        more = next(i for i in range(made[-1], len(texts)) if "more briefings" in texts[i])
        rest = COPIES - OTHERS
        assert f"… {rest} more briefings (Enter shows {OTHERS_PAGE} more)" in texts[more]
        assert detail.targets[more] is not None
        # "Also in": the first OTHERS briefings, then one row for the rest.
        also = texts.index(f"Also in ({COPIES})")
        listed = rows_after(texts, also)
        assert len(listed) == OTHERS
        assert f"… {rest} more briefings" in texts[also + OTHERS + 1]

        screen.focus_pane("detail")
        detail.highlighted = more
        await pilot.press("enter")
        await pilot.pause()
        assert detail.highlighted == more  # the cursor stays: on the first group shown now
        texts = row_texts(detail)
        assert texts[more].startswith("made ← in ")
        made = [i for i, t in enumerate(texts) if t.startswith("made ← in ")]
        assert len(made) == 1 + OTHERS + OTHERS_PAGE
        last = COPIES - OTHERS - OTHERS_PAGE
        more = next(i for i in range(made[-1], len(texts)) if "more briefings" in texts[i])
        assert f"… {last} more briefings (Enter shows {last} more)" in texts[more]
        detail.highlighted = more
        await pilot.press("enter")
        await pilot.pause()
        texts = row_texts(detail)
        made = [i for i, t in enumerate(texts) if t.startswith("made ← in ")]
        assert len(made) == 1 + COPIES  # every briefing now
        after_made = made[-1] + 1 + len(rows_after(texts, made[-1]))
        assert "more briefings" not in texts[after_made]  # no row for the rest now
        also = texts.index(f"Also in ({COPIES})")
        assert len(rows_after(texts, also)) == OTHERS  # "Also in" is still cut short

        # Another item starts from the first page again.
        screen.go_to_item(ItemRef(SEED_ID, "united-states"))
        await pilot.pause()
        texts = row_texts(screen.detail)
        assert any("more briefings" in t for t in texts)


@aio
async def test_an_item_shown_again_keeps_its_rows_until_what_they_show_changes(
    seed_library: Library,
) -> None:
    """Back on an item: the same prompts (whose lines are kept per width), so nothing is
    measured again; another link graph (a reload) makes them anew."""
    async with item_shown(seed_library, "mohsin-naqvi") as (pilot, _, screen):
        detail = screen.detail
        naqvi = ItemRef(SEED_ID, "mohsin-naqvi")
        first = [o.prompt for o in detail.options]
        screen.go_to_item(ItemRef(SEED_ID, "natalie-baker"))
        await pilot.pause()
        assert [o.prompt for o in detail.options] != first
        screen.go_to_item(naqvi)
        await pilot.pause()
        again = [o.prompt for o in detail.options]
        assert len(again) == len(first) and all(a is b for a, b in zip(again, first, strict=True))
        assert row_texts(detail) == [plain(p) for p in first]
        detail.graph = type(detail.graph)(detail.library)  # as a reload brings
        detail.show_item(seed_library.briefings[0], seed_library.item(naqvi))
        anew = [o.prompt for o in detail.options]
        assert len(anew) == len(first)
        assert not any(a is b for a, b in zip(anew, first, strict=True))
        assert [plain(p) for p in anew] == [plain(p) for p in first]
