"""``briefing-tui search`` and ``briefing-tui index``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui import cli
from briefing_tui.paths import cache_dir

BRIEFING = "pk-us-security-talks-2025-11"


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], tty: bool = False
) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_search_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["search", "--limit", "3", "zero", "tolerance"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    ref, kind, title, snippet = lines[0].split("\t")
    assert ref == f"{BRIEFING}:zero-tolerance-narcotics-policy"
    assert kind == "commitment"
    assert title == "Zero-tolerance policy against narcotics (2025-11)"
    assert "zero-tolerance" in snippet


def test_search_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["search", "--json", "--limit", "50", "narcotics"], capsys)
    assert code == 0
    hits = json.loads(out)
    assert isinstance(hits, list) and hits
    keys = {"briefing", "kind", "id", "title", "month", "snippet", "score"}
    for h in hits:
        assert set(h) == keys
        assert h["briefing"] == BRIEFING
        assert isinstance(h["score"], float)
        assert isinstance(h["snippet"], str) and h["snippet"]
        assert h["month"] is None or len(h["month"]) == 7
    kinds = {h["kind"] for h in hits}
    assert {"sentence", "actor", "commitment"} <= kinds
    # Actors and sentences have no month: null in JSON.
    assert all(h["month"] is None for h in hits if h["kind"] in ("actor", "sentence"))
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_no_hits_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["search", "--json", "qwxzvq"], capsys)
    assert code == 1
    assert json.loads(out) == []
    code, out, _ = run(["search", "qwxzvq"], capsys)
    assert code == 1
    assert out == ""


def test_search_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["search"], capsys)
    assert code == 2
    assert "QUERY" in err
    code, _, err = run(["search", "--limit", "x", "naqvi"], capsys)
    assert code == 2
    code, _, err = run(["search", "--limit", "-1", "naqvi"], capsys)
    assert code == 2


def test_search_typo_note_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["search", "narcotcs"], capsys)
    assert code == 0
    assert "close matches" in err
    assert "narcotics" in out.lower()


def test_search_awkward_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["search", "--json", '"unbalanced', "AND", ":", "*"], capsys)
    assert code in (0, 1)
    assert isinstance(json.loads(out), list)


def test_search_data_paths(
    library_dir: Path, write_briefing: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = write_briefing(name="extra.yaml", id="extra")
    code, out, _ = run(["search", "--json", "--data", str(extra), "pakistan"], capsys)
    assert code == 0
    assert {h["briefing"] for h in json.loads(out)} == {"extra"}
    code, out, _ = run(
        ["search", "--json", "--limit", "100", "--data", str(library_dir), "pakistan"], capsys
    )
    assert {h["briefing"] for h in json.loads(out)} == {"extra", BRIEFING}


def test_search_output_never_carries_escapes(
    library_dir: Path, write_briefing: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # Control characters are refused by the validator, but a briefing with errors still
    # loads; whatever reaches the output is neutralised.
    text = (library_dir / "pakistan-us-security-talks.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Mohsin Naqvi", 'name: "Mohsin \\e[31mNaqvi"')
    (library_dir / "pakistan-us-security-talks.yaml").write_text(text, encoding="utf-8")
    _code, out, err = run(["search", "--data", str(library_dir), "mohsin"], capsys)
    assert "Mohsin \u241b[31mNaqvi" in out  # shown as a visible symbol
    assert "\x1b" not in out and "\x1b" not in err


def test_index_builds_then_reuses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["index"], capsys)
    assert code == 0
    assert "built" in out
    assert str(cache_dir()) in out
    assert "1/1" in err  # the progress bar, finished
    code, out, _ = run(["index"], capsys)
    assert code == 0
    assert "cached" in out and "0 indexed" in out
    code, out, _ = run(["index", "--rebuild"], capsys)
    assert code == 0 and "built" in out


def test_index_progress_bar_on_a_terminal(
    library_dir: Path,
    write_briefing: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(3):
        write_briefing(name=f"b{n}.yaml", id=f"b{n}")
    fake = io.StringIO()
    fake.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", fake)
    code = cli.main(["index", str(library_dir)])
    assert code == 0
    err = fake.getvalue()
    assert "\r" in err
    assert "[" in err and "]" in err
    assert err.rstrip().endswith("4/4")
    assert "#" * 30 in err


def test_index_unwritable_cache_says_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("BRIEFING_TUI_CACHE", str(blocker))
    code, out, _ = run(["index"], capsys)
    assert code == 0
    assert "memory" in out
    code, out, _ = run(["search", "naqvi"], capsys)
    assert code == 0 and "mohsin-naqvi" in out


def test_index_with_broken_briefing_exits_1(
    library_dir: Path, write_briefing: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    write_briefing("format: 1\nid: [not, an, id]\n", name="broken.yaml")
    code, out, err = run(["index", str(library_dir)], capsys)
    assert code == 1
    assert "broken.yaml" in err
    assert "1 briefing in the index" in out


def test_search_says_when_limit_cut_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["search", "--limit", "2", "naqvi"], capsys)
    assert code == 0
    assert len(out.splitlines()) == 2
    _, all_out, _ = run(["search", "--limit", "1000", "naqvi"], capsys)
    total = len(all_out.splitlines())
    assert total > 2
    assert f"showing 2 of {total} hits; --limit N shows more" in err
    _, _, err = run(["search", "--limit", "1000", "naqvi"], capsys)
    assert "--limit" not in err  # nothing was cut
