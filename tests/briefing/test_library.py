"""A library of several briefings: shared actors are one actor, backlinks cross briefings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.links import LinkGraph
from briefing_tui.briefing.model import ItemRef

SEED_ID = "pk-us-security-talks-2025-11"

SECOND = """\
format: 1
id: second
title: A second briefing on the same article
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: Same article, second reading
  when: {precision: month, month: 2025-11}
actors:
  - id: mohsin-naqvi
    name: Mohsin Naqvi
    kind: person
    evidence: ["Interior Minister Mohsin Naqvi"]
commitments:
  - id: zero-tolerance
    title: Zero tolerance against narcotics
    kind: policy
    status: underway
    by: [mohsin-naqvi]
    when: {precision: month, month: 2025-11}
    related: ["pk-us-security-talks-2025-11:naqvi-baker-meeting"]
    evidence: ["a zero-tolerance policy against narcotics"]
"""


def test_an_actor_id_in_several_briefings_is_one_actor(write_briefing: Callable[..., Path]) -> None:
    path = write_briefing(SECOND, name="second.yaml")
    library = load_library([path.parent])
    assert not library.problems, [str(p) for p in library.problems]
    naqvi = library.actor("mohsin-naqvi")
    assert naqvi is not None
    assert set(naqvi.briefings) == {SEED_ID, "second"}
    assert library.actor("pakistan") is not None
    assert library.actor("pakistan").briefings == (SEED_ID,)  # type: ignore[union-attr]


def test_backlinks_cross_briefings(write_briefing: Callable[..., Path]) -> None:
    path = write_briefing(SECOND, name="second.yaml")
    library = load_library([path.parent])
    graph = LinkGraph(library)
    # the seed's Naqvi is named by the second briefing's commitment, through the shared id
    back = graph.backlinks(ItemRef(SEED_ID, "mohsin-naqvi"))
    assert ItemRef("second", "zero-tolerance") in {lk.source for lk in back}
    # and a written cross-briefing reference is a backlink of its target
    meeting = graph.backlinks(ItemRef(SEED_ID, "naqvi-baker-meeting"))
    assert ItemRef("second", "zero-tolerance") in {lk.source for lk in meeting}
    assert graph.appearances("mohsin-naqvi") == (
        ItemRef(SEED_ID, "mohsin-naqvi"),
        ItemRef("second", "mohsin-naqvi"),
    )


def test_backlinks_come_from_this_briefing_first_then_by_item_and_relation(
    write_briefing: Callable[..., Path],
) -> None:
    # (sorted by strings, as the refs order themselves: briefing, then item)
    path = write_briefing(SECOND, name="second.yaml")
    graph = LinkGraph(load_library([path.parent]))
    back = graph.backlinks(ItemRef(SEED_ID, "mohsin-naqvi"))
    expected = sorted(
        set(back), key=lambda lk: (lk.source.briefing != SEED_ID, lk.source, lk.relation)
    )
    assert list(back) == expected
    wheres = [lk.source.briefing for lk in back]
    assert wheres[0] == SEED_ID and wheres[-1] == "second" and len(back) >= 3


def test_backlinks_asked_again_are_the_kept_answer_and_a_few_are_kept(
    write_briefing: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_tui.briefing import links

    path = write_briefing(SECOND, name="second.yaml")
    library = load_library([path.parent])
    graph = LinkGraph(library)
    naqvi = ItemRef(SEED_ID, "mohsin-naqvi")
    first = graph.backlinks(naqvi)
    assert graph.backlinks(naqvi) is first  # not collected and sorted again
    assert first == LinkGraph(library).backlinks(naqvi)
    monkeypatch.setattr(links, "BACKLINKS_KEPT", 2)
    refs = [ItemRef(SEED_ID, a.id) for a in library.briefings[0].actors[:4]]
    answers = [graph.backlinks(r) for r in refs]
    assert len(graph._backlinks) == 2
    assert graph.backlinks(refs[-1]) is answers[-1]  # among the last two
    assert graph.backlinks(refs[0]) == answers[0]  # forgotten, found again
