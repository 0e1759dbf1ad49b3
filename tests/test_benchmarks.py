"""The benchmark harness runs and produces well-formed figures (a smoke test, not a timed test).

Benchmarks report figures; these tests only check that each piece of the harness works on a tiny
library with tiny repeat counts: the FTS5 reference answers prefix queries, the terminals count
bytes and see text appear, and run.py writes a complete report.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from benchmarks import corpus, run, searching
from benchmarks.commands import run_measured
from benchmarks.figures import Row
from benchmarks.fts5_reference import Fts5Index, fts5_available
from benchmarks.scale import index_built, nav_cursor_row
from benchmarks.stats import growth_exponent, median, p95, percentile
from benchmarks.terminal import PtyTerminal, TmuxTerminal, child_env
from briefing_tui.briefing.library import Library, load_library

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Library]:
    workdir = tmp_path_factory.mktemp("bench-work")
    path = corpus.generated_library(workdir, 6)
    library = load_library([path])
    assert not library.problems
    return path, library


def test_percentiles_interpolate_between_ranks() -> None:
    assert median([5, 1, 3]) == 3
    assert median([1, 2, 3, 4]) == 2.5
    assert p95(list(range(101))) == pytest.approx(95)
    assert percentile([10.0], 95) == 10.0
    assert math.isnan(median([]))


def test_row_verdicts_say_by_how_much_a_target_is_missed() -> None:
    ok = Row("x", "a", "p95", 0.010, "s", limit=0.015)
    assert ok.verdict() == "met"
    miss = Row("x", "a", "p95", 0.030, "s", limit=0.015)
    assert miss.verdict() == "MISSED by 15.0 ms (100% over)"
    on_ratio = Row("x", "a", "median", 3.0, "s", reference=1.0, limit=2.0, on_ratio=True)
    assert on_ratio.ratio == 3.0 and on_ratio.verdict().startswith("MISSED by 1.00x (50% over)")
    idle = Row("x", "a", "over 5 s", 12.0, "B/s", limit=0.0)
    assert idle.verdict() == "MISSED by 12 B/s"
    unmeasured = Row("x", "a", "p95", math.nan, "s", limit=0.05)
    assert unmeasured.verdict() == "not measured" and unmeasured.met is None
    unmet = Row("x", "a", "median", 1.0, "s", limit=60.0, unmet="no progress reported")
    assert unmet.met is False and "no progress reported" in unmet.verdict()


def test_typed_queries_are_deterministic_words_of_the_corpus(tiny: tuple[Path, Library]) -> None:
    _, library = tiny
    first = corpus.typed_queries(library, 4, seed=3)
    assert first == corpus.typed_queries(library, 4, seed=3)
    assert first != corpus.typed_queries(library, 4, seed=4)
    text = " ".join(s.text.lower() for b in library.briefings for s in b.source.sentences)
    for q in first:
        words = q.split()
        assert len(words) == 3
        assert all(w in text for w in words)
    assert corpus.keystrokes("ab c") == ["a", "ab", "ab ", "ab c"]


def test_documents_are_one_per_item_and_per_sentence(tiny: tuple[Path, Library]) -> None:
    _, library = tiny
    docs = list(corpus.documents(library))
    items = sum(len(b.items) for b in library.briefings)
    sentences = sum(len(b.source.sentences) for b in library.briefings)
    assert len(docs) == items + sentences
    assert sum(d.kind == "sentence" for d in docs) == sentences


@pytest.mark.skipif(not fts5_available(), reason="this sqlite3 has no FTS5")
def test_fts5_reference_matches_the_last_word_as_a_prefix(tiny: tuple[Path, Library]) -> None:
    _, library = tiny
    index = Fts5Index.build(corpus.documents(library))
    person = library.briefings[0].actors[-1]  # a person with a first and a last name
    first, last = person.name.lower().split()[:2]
    hits = index.search(f"{first} {last[:3]}")
    assert hits and len(hits) <= 20
    assert any(last in h.snippet.lower() for h in hits)
    # highlights are spans of the plain snippet
    for h in hits:
        for start, end in h.highlights:
            assert 0 <= start < end <= len(h.snippet)
    assert index.search(f"{first} {last[:3]} ") == []  # a finished word is not a prefix
    assert Fts5Index.match_expression('say "hi" to') == '"say" "hi" "to"*'
    assert Fts5Index.match_expression("  ") is None
    index.close()


PRINT_ON_KEY = """
import os, sys, termios, tty
cols, rows = os.get_terminal_size(0)
sys.stdout.write(f"ready {cols}x{rows}\\n"); sys.stdout.flush()
tty.setraw(0)
while True:
    ch = os.read(0, 1)
    if ch == b"q":
        break
    sys.stdout.write("x" * 1000); sys.stdout.flush()
"""


def test_pty_terminal_counts_every_byte_written(tmp_path: Path) -> None:
    with PtyTerminal([sys.executable, "-c", PRINT_ON_KEY], child_env(), cols=80, rows=24) as term:
        term.wait_first_output(30)
        term.read_until_quiet(0.2, 5)
        assert b"ready 80x24" in term.tail
        assert term.key(b"a", quiet=0.2) == 1000
        assert term.key(b"b", quiet=0.2) == 1000
        assert term.idle(0.2) == 0


DELAYED_TEXT = """
import sys, time
time.sleep(0.3)
sys.stdout.write("\\x1b[2J\\x1b[Hnot yet\\r\\n"); sys.stdout.flush()
time.sleep(0.3)
sys.stdout.write("the MARKER is here\\r\\n"); sys.stdout.flush()
sys.stdin.readline()
"""


@needs_tmux
def test_tmux_terminal_times_text_appearing_on_the_screen(tmp_path: Path) -> None:
    with TmuxTerminal(100, 30, tmp_path / "tmux") as term:
        t0 = term.launch([sys.executable, "-c", DELAYED_TEXT], child_env())
        found = term.wait_for_screen(lambda s: "MARKER" in s, since=t0, timeout=30)
        assert found is not None
        shown, screen = found
        assert 0.55 < shown - t0 < 10  # the marker came 0.6 s after the launch
        assert "not yet" in screen
        pid = term.pane_pid()
        latency, nbytes = term.key_latency("hello", literal=True, quiet=0.2)
        assert latency is not None and nbytes >= 5  # the terminal echoes the typed text
        assert term.pane_pid() == pid
        assert term.wait_for_screen(lambda s: "hello" in s, since=0, timeout=10) is not None


TWO_ANSWERS = """
import sys, time
print("ready", end="\\r\\n", flush=True)
sys.stdin.readline()  # the key: results 0.15 s later, their count 0.3 s after them
for delay, text in ((0.15, "20 of ... RESULTS"), (0.3, "counted")):
    time.sleep(delay)
    print(text, end="\\r\\n", flush=True)
sys.stdin.readline()
"""


@needs_tmux
def test_tmux_terminal_times_the_first_answer_and_the_settled_screen(tmp_path: Path) -> None:
    with TmuxTerminal(100, 30, tmp_path / "tmux") as term:
        t0 = term.launch([sys.executable, "-c", TWO_ANSWERS], child_env())
        assert term.wait_for_screen(lambda s: "ready" in s, since=t0, timeout=30) is not None
        answer = re.compile(rb"RESULTS")
        first, settled = term.key_answer("Enter", answer, literal=False, quiet=0.5)
        assert first is not None and settled is not None
        assert 0.1 < first < settled and settled - first > 0.25  # counted came 0.3 s later
        echo, settled2 = term.key_answer("y", answer, literal=True, quiet=0.3)
        assert echo is not None and echo == settled2  # no answer, an echo: the settled time


def test_the_results_frame_is_told_by_the_search_status_line() -> None:
    from benchmarks.suite import RESULTS_FRAME

    for status in ("20 of 1,012", "20 of … (counting)", "1 result", "3 results", "No results."):
        assert RESULTS_FRAME.search(f"\x1b[2;3H{status}  ".encode()), status
    assert RESULTS_FRAME.search(b"Keep typing (one letter finds nothing).")
    for echo in ("fisheries of the", "ports of 20", "search…"):  # a query being typed
        assert not RESULTS_FRAME.search(echo.encode()), echo


def _run_smoke(
    tmp_path: Path, only: str, words: int = 2, extra: tuple[str, ...] = (), limit: float = 300
) -> tuple[list[dict[str, object]], str, int]:
    out = tmp_path / "bench.md"
    figures = tmp_path / "bench.json"
    started = time.perf_counter()
    status = run.main(
        [
            "--briefings",
            "6",
            "--load-sizes",
            "3,6",
            "--repeats",
            "1",
            "--queries",
            "1",
            "--words",
            str(words),
            "--keys",
            "1",
            "--idle",
            "0.2",
            "--only",
            only,
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(out),
            "--json",
            str(figures),
            *extra,
        ]
    )
    assert time.perf_counter() - started < limit
    return json.loads(figures.read_text()), out.read_text(), status


def _check_rows(rows: list[dict[str, object]], benches: set[str]) -> None:
    assert {r["bench"] for r in rows} == benches
    for r in rows:
        verdict = str(r["verdict"])
        assert verdict in ("met", "—", "not measured") or verdict.startswith("MISSED"), r
        if r["value"] is None:
            assert verdict == "not measured" and r["note"], r  # says why
        else:
            assert isinstance(r["value"], float | int) and r["value"] >= 0, r
        if r["reference"] is not None:
            assert r["reference"] >= 0, r


def test_run_in_process_benchmarks_write_a_report(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(tmp_path, "load,search,index")
    assert status == 0
    _check_rows(rows, {"load", "search", "index"})
    whats = {(r["what"], r["stat"]) for r in rows}
    assert ("library load (YAML parse + validate), 6 briefings", "median") in whats
    search = [r for r in rows if r["bench"] == "search"]
    assert {r["stat"] for r in search} == {
        "p50",
        "p95",
        "p95 ratio",
        "p50 (all keys)",
        "p95 (all keys)",
    }
    assert all(r["value"] and r["reference"] for r in search)  # both engines were timed
    # every measured keystroke followed an emptied result cache
    assert "result cache emptied before each of our" in str(search[0]["note"])
    for heading in ("## Machine", "## Versions", "## Reproduce", "## Results", "## Profiles"):
        assert heading in md
    assert (
        "| benchmark | stat | briefing-tui | reference (same run) | ratio | target | verdict |"
        in md
    )
    assert "library load, 6 briefings (cProfile" in md
    assert "result cache emptied before each keystroke (cProfile" in md


@needs_tmux
def test_run_first_paint_and_memory_write_a_report(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(tmp_path, "first_paint,memory", words=1)
    assert status == 0, md
    _check_rows(rows, {"first_paint", "memory"})
    paint = [r for r in rows if r["bench"] == "first_paint"]
    assert len(paint) == 2
    for r in paint:  # both the app and the minimal app painted
        assert r["value"] and r["reference"] and r["ratio"]
    memory = next(r for r in rows if r["bench"] == "memory")
    assert memory["value"] and memory["value"] > 10 * 2**20
    assert memory["reference"] and memory["reference"] > 10 * 2**20
    assert "Where start-up goes" in md


@needs_tmux
def test_run_keystroke_writes_a_report(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(tmp_path, "keystroke", words=1)
    assert status == 0, md
    _check_rows(rows, {"keystroke"})
    assert [r["stat"] for r in rows] == ["p95", "p95"]  # to screen, to the results frame
    assert all(r["value"] and r["reference"] for r in rows)


@needs_tmux
def test_run_bytes_writes_a_report(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(tmp_path, "bytes", words=1)
    assert status == 0, md
    _check_rows(rows, {"bytes"})
    whats = [r["what"] for r in rows]
    assert sum(w.startswith("bytes per key typing in search") for w in whats) == 2  # local, SSH
    assert sum(w.startswith("bytes per key moving the selection") for w in whats) == 2
    idle = [r for r in rows if str(r["what"]).startswith("idle in an SSH session")]
    assert len(idle) == 2 and idle[0]["value"] is not None
    for r in rows:
        if r["bench"] == "bytes" and not str(r["what"]).startswith("idle"):
            assert r["reference"] and r["reference"] > 0  # the filter app was measured


def test_run_watch_idle_and_whoosh_own_write_a_report(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(tmp_path, "watch_idle,whoosh_own")
    assert status == 0, md
    _check_rows(rows, {"watch_idle", "whoosh_own"})
    idle = [r for r in rows if r["bench"] == "watch_idle"]
    assert [r["unit"] for r in idle] == ["%", "count", "s"]
    assert all(r["reference"] is not None for r in idle)  # the poller measured beside it
    latency = idle[2]
    assert latency["value"] and latency["reference"]  # both loops saw the edits
    own = [r for r in rows if r["bench"] == "whoosh_own"]
    assert {r["stat"] for r in own} == {"median", "p95"}
    assert all(r["value"] and r["reference"] for r in own)  # both writers and scorers timed
    assert "### watch_idle" in md and "### whoosh_own" in md


def test_growth_exponent_is_the_log_log_slope() -> None:
    assert growth_exponent(1000, 2.0, 10000, 20.0) == pytest.approx(1.0)  # linear
    assert growth_exponent(1000, 2.0, 10000, 200.0) == pytest.approx(2.0)  # quadratic
    assert growth_exponent(1, 0.5, 1000, 0.5) == pytest.approx(0.0)  # flat
    assert growth_exponent(10, 4.0, 1000, 40.0) == pytest.approx(0.5)
    assert math.isnan(growth_exponent(1000, math.nan, 10000, 1.0))
    assert math.isnan(growth_exponent(1000, 0.0, 10000, 1.0))
    assert math.isnan(growth_exponent(1000, 1.0, 1000, 2.0))


def test_both_engines_answer_only_words_of_two_letters_or_more() -> None:
    assert not searching.both_answer("a")  # one letter alone: the app waits
    assert not searching.both_answer("drug t")  # a one-letter word being typed
    assert not searching.both_answer("  ")
    assert searching.both_answer("dr")
    assert searching.both_answer("drug t ")  # the word is finished: both search it whole
    assert searching.both_answer("drug tr")


def test_distinct_keystrokes_never_repeat_a_text() -> None:
    seen: set[str] = set()
    warm = searching.distinct_keystrokes(["ab"], seen)
    assert [p for _, p in warm] == ["a", "ab"]
    measured = searching.distinct_keystrokes(["abc", "abd", "x"], seen)
    assert [p for _, p in measured] == ["abc", "abd", "x"]  # "a", "ab" were the warm-up's
    assert [qi for qi, _ in measured] == [0, 1, 2]


def test_no_measured_search_is_a_cache_hit(tiny: tuple[Path, Library], tmp_path: Path) -> None:
    from briefing_tui.search import SearchIndex

    _, library = tiny
    index = SearchIndex.open(library, cache_dir=tmp_path / "cache")
    try:
        index.search("minister", limit=20)
        index.search("minister", limit=20)  # typed again: answered from the cache
        assert searching.result_cache_size(index) == 1
        assert searching.clear_result_cache(index)
        assert searching.result_cache_size(index) == 0
        queries = corpus.typed_queries(library, 3, words=2)
        warmup = corpus.typed_queries(library, 1, seed=99, words=2)
        fts = Fts5Index.build(corpus.documents(library))
        times = searching.time_keystrokes(index, fts, queries, warmup)
        fts.close()
    finally:
        index.close()
    assert times.ours and len(times.ours) == len(times.fts) == len(times.both)
    assert times.cleared == len(times.ours)
    assert times.cache_sizes == [0] * len(times.ours)  # empty before every measured search
    measured = [p for _, p in searching.distinct_keystrokes(queries, set())]
    assert len(times.ours) <= len(set(measured))


ALLOCATE = "import time; b = bytearray({mb} * 2**20); b[::4096] = b'x' * len(b[::4096]); "
ALLOCATE += "time.sleep({sleep})"


def test_a_command_is_timed_with_its_own_peak_memory() -> None:
    big = run_measured([sys.executable, "-c", ALLOCATE.format(mb=150, sleep=0.3)], child_env())
    ballast = bytearray(300 * 2**20)  # this process's own peak must not count either
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = run_measured([sys.executable, "-c", ALLOCATE.format(mb=1, sleep=0)], child_env())
    del ballast
    assert big.returncode == 0 and small.returncode == 0
    assert big.wall >= 0.3
    assert big.rss >= 150 * 2**20
    assert small.rss < 60 * 2**20  # its own peak: not the bigger child's, not ours
    failed = run_measured([sys.executable, "-c", "raise SystemExit(3)"], child_env())
    assert failed.returncode == 3


def test_navigator_cursor_row_is_found_on_the_screen() -> None:
    screen = "title\n┏━ Actors ━┓\n┃ Pakistan ┃│▶ACTOR\n┃▶India    ┃│\n"
    assert nav_cursor_row(screen) == 3
    assert nav_cursor_row("no cursor\n┃ India ┃│▶ACTOR") is None  # the detail's mark


def test_an_index_counts_as_built_only_once_published(tmp_path: Path) -> None:
    work = tmp_path / "briefing-tui" / "index" / "tmp-123-abc"
    work.mkdir(parents=True)
    (work / "_MAIN_0.toc").write_bytes(b"")  # being written: not yet
    assert not index_built(tmp_path)
    (tmp_path / "briefing-tui" / "index" / "current").write_text("g-1", encoding="utf-8")
    assert index_built(tmp_path)


@needs_tmux
def test_run_commands_and_scale_write_their_tables(tmp_path: Path) -> None:
    rows, md, status = _run_smoke(
        tmp_path, "commands,scale", extra=("--scale-sizes", "6"), limit=300
    )
    assert status == 0, md
    _check_rows(rows, {"commands", "scale"})
    commands = [r for r in rows if r["bench"] == "commands"]
    assert len(commands) == 12  # 6 commands at the bundled library and at 6 briefings
    for r in commands:
        assert r["value"] and "peak RSS" in str(r["note"]) and "FAILED" not in str(r["note"])
    scale = {str(r["what"]) for r in rows if r["bench"] == "scale"}
    for figure in (
        "`briefing-tui search --json`, warm cache, 6 briefings",
        "cold `index`: peak memory, 6 briefings",
        "search per keystroke in process p95 (cache emptied), 6 briefings",
        "navigation while the index builds, cold start: p95, 6 briefings",
        "TUI peak memory after a search, cold start, 6 briefings",
    ):
        assert figure in scale
    assert "## Commands by size" in md and "growth 1→6" in md
    assert "## Scale: issue 15's table" in md
    # the scale and command rows have their own tables, not the Results table
    results = md.split("## Results", 1)[1].split("\n## ", 1)[0]
    assert "cold `index`" not in results
