"""Who says what, on screen: evidence attribution in the detail pane, inferred marks and
their legend, the Speakers section, the speaker of each source sentence, the overview (key
judgements, unknowns, source assessment) one key away, and the copied citation."""

from __future__ import annotations

from rich.console import Console

from briefing_tui.briefing.export import citation
from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.tui.screens.overview import OverviewScreen, overview_rows
from briefing_tui.tui.widgets.navigator import speaker_groups
from tests.tui.helpers import SEED_ID, after_keys, aio, browser, make_app, screen_text, settle

WIDE = (160, 48)


def detail_text(app: object) -> str:
    """Every row of the detail pane as plain text (not only those on screen)."""
    pane = browser(app).detail  # type: ignore[arg-type]
    console = Console(width=200, record=True, color_system=None, file=None)
    with console.capture() as cap:
        for i in range(pane.option_count):
            console.print(pane.get_option_at_index(i).prompt)
    return cap.get()


async def open_item(app: object, pilot: object, item_id: str) -> None:
    b = browser(app)  # type: ignore[arg-type]
    b.go_to_item(ItemRef(SEED_ID, item_id), "detail")
    await pilot.pause()  # type: ignore[attr-defined]


@aio
async def test_detail_shows_who_says_each_quote(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await open_item(app, pilot, "zero-tolerance-narcotics-policy")
        text = detail_text(app)
        assert "— Naqvi · paraphrased" in text
        assert "uncertain" not in text
        await open_item(app, pilot, "airport-drug-detection-priority")
        text = detail_text(app)
        assert "— Naqvi · paraphrased · uncertain ?" in text
        assert '"He" follows "The US envoy offered' in text  # the span's note
        await open_item(app, pilot, "reduce-overreliance-on-china")
        text = detail_text(app)
        assert "ASSESSMENT" in text and "— the writer · the writer's analysis" in text
        assert "the writer's own judgement (not a commitment)" in text


@aio
async def test_inferred_values_are_marked_with_a_legend(seed_library: Library) -> None:
    app = make_app(seed_library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await open_item(app, pilot, "donald-trump")
        text = detail_text(app)
        assert "Donald Trump *" in text.splitlines()[0]  # the name is inferred
        assert "US President *" in text
        assert "* Inferred, not read in the article" in text
        assert '"Donald" is outside knowledge' in text
        await open_item(app, pilot, "naqvi-baker-meeting")
        text = detail_text(app)
        assert "Nov 2025* (a Saturday)" in text
        assert "2025: the article gives no year (i: Overview, Dating)" in text
        # an actor with nothing inferred has no legend
        await open_item(app, pilot, "pakistan")
        assert "Inferred, not read" not in detail_text(app)


@aio
async def test_the_speakers_section(seed_library: Library) -> None:
    b = seed_library.briefings[0]
    groups = speaker_groups(b)
    names = [g.name for g in groups]
    assert names[0] == "the writer" and "Naqvi" in names and "Islamabad’s envoy (unnamed)" in names
    naqvi = next(g for g in groups if g.speaker == "mohsin-naqvi")
    assert [n for n, _, _ in naqvi.sentences] == [5, 6, 7, 8]
    assert (5, "paraphrased", True) in naqvi.sentences  # "He said": uncertain
    assert "zero-tolerance-narcotics-policy" in [it.id for it in naqvi.items]
    async with after_keys(seed_library, WIDE, "6") as (pilot, app):
        screen = browser(app)
        nav = screen.navigator
        assert nav.section == "speakers"
        assert nav.border_title == f"Speakers ({len(groups)})"
        text = screen_text(app)
        assert "the writer" in text and "Naqvi" in text
        # the first claim is an item: it opens in the detail pane
        item = nav.highlighted_item
        assert item is not None and screen.detail.item == item
        # move to the first sentence of the writer's: the source marks it; Enter opens it
        while nav.highlighted_sentence is None:
            await pilot.press("j")
        number = nav.highlighted_sentence
        row = nav.highlighted
        assert screen.source.evidence == frozenset({number})
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current_pane() == "source" and screen.source.sentence == number
        # the navigator stays on the sentence's row, which stays marked in the source
        assert (nav.highlighted, nav.highlighted_sentence) == (row, number)
        assert screen.source.evidence == frozenset({number})
        # back returns to the Speakers section, on that row
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.navigator.section == "speakers"
        assert screen.current_pane() == "navigator" and nav.highlighted == row


@aio
async def test_the_source_shows_each_sentences_speaker(seed_library: Library) -> None:
    async with after_keys(seed_library, WIDE, "s") as (_, app):
        assert "(* year inferred)" in screen_text(app)
        pane = browser(app).source

        def shown(number: int) -> str:
            console = Console(width=300, record=True, color_system=None)
            with console.capture() as cap:
                console.print(pane.get_option_at_index(number).prompt)
            return " ".join(cap.get().split())

        assert shown(5).endswith("— Naqvi, paraphrased (uncertain) ?")  # "He said"
        assert shown(6).endswith("— Naqvi, paraphrased")
        assert shown(13).endswith("— the writer's analysis")
        assert shown(9).endswith("— the writer, reported; Islamabad’s envoy (unnamed), quoted")


@aio
async def test_the_overview_is_one_key_away(seed_library: Library) -> None:
    b = seed_library.briefings[0]
    rows = overview_rows(b)
    headings = [t for style, t, _ in rows if style == "heading"]
    assert headings[:3] == [
        f"Key judgements ({len(b.key_judgements)})",
        f"Unknowns ({len(b.unknowns)})",
        "Source assessment",
    ]
    assert any(t == "direct quotes: 1" for _, t, _ in rows)
    async with after_keys(seed_library, (80, 24), "i") as (pilot, app):
        assert isinstance(app.screen, OverviewScreen)
        assert "Key judgements" in screen_text(app)
        # the cursor starts on the first cited item; Enter goes to it
        first = next(target for _, _, target in rows if target is not None)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, OverviewScreen)
        screen = browser(app)
        assert screen.detail.item is not None and screen.detail.item.id == first
        await pilot.press("i", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, OverviewScreen)


@aio
async def test_assessments_have_their_section(seed_library: Library) -> None:
    async with after_keys(seed_library, WIDE, "5") as (_, app):
        nav = browser(app).navigator
        b = seed_library.briefings[0]
        assert nav.section == "assessments"
        assert nav.border_title == f"Assessments ({len(b.assessments)})"
        assert nav.highlighted_item == b.assessments[0]


def test_the_citation_says_who_says_it_and_that_the_year_is_inferred(
    seed_library: Library,
) -> None:
    b = seed_library.briefings[0]
    item = b.item("zero-tolerance-narcotics-policy")
    text = citation(seed_library, b, item, None)
    assert "against narcotics.” — Naqvi, paraphrased" in text
    assert "Nov 2025*" in text
    assert "* year inferred (2025): the article gives none" in text


def test_search_results_mark_the_inferred_year(seed_library: Library) -> None:
    from briefing_tui.search import Hit
    from briefing_tui.tui.widgets.search_pane import hit_prompt

    years = seed_library.inferred_years()
    assert years == {SEED_ID: 2025}
    hit = Hit(SEED_ID, "event", "naqvi-baker-meeting", "Naqvi and Baker", "2025-11", "", (), 1.0)
    console = Console(width=120, record=True, color_system=None)
    with console.capture() as cap:
        console.print(hit_prompt(hit, "T", years[SEED_ID]))
        console.print(hit_prompt(hit, "T", None))
    marked, plain = [line.rstrip() for line in cap.get().splitlines() if "Nov 2025" in line]
    assert marked.endswith("Naqvi and Baker · Nov 2025*")
    assert plain.endswith("Naqvi and Baker · Nov 2025")
