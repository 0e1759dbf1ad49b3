"""A cold index built by worker processes: the same answers as one process gives, progress
reported, broken files still reported by file, line and column, and Ctrl+C leaving no
half-written index or snapshot."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing_tui import cli
from briefing_tui.cache import snapshot, workers
from briefing_tui.search import BuildCancelled, SearchIndex, store
from briefing_tui.search import writer as writer_module
from briefing_tui.search.scan import scan_library
from briefing_tui.search.writer import FastSegmentWriter
from tests.conftest import ROOT

QUERIES = (
    ["aviation"],
    ["security", "cooperation"],
    ["narc"],
    ["kind:commitment", "health"],
    ["minister", "-energy"],
    ["talks"],
)
BROKEN = "format: 1\nid: [unclosed\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 generated briefings (one of them with a checking error) and a broken file, every
    file an hour old."""
    out = tmp_path_factory.mktemp("parallel")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_library.py"), "--briefings", "60", out],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lib = out / "briefings"
    (lib / "00000-broken.yaml").write_text(BROKEN, "utf-8")
    text = (lib / "00002.yaml").read_text("utf-8")
    assert "kind: country" in text
    (lib / "00002.yaml").write_text(text.replace("kind: country", "kind: planet", 1), "utf-8")
    old = time.time() - 3600
    for p in out.rglob("*"):
        os.utime(p, (old, old))
    return lib


def mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, parallel: bool) -> None:
    """Workers from the first file and briefing (one per 10 briefings, each flushing a
    segment every 20,000 postings: several each), or none."""
    monkeypatch.setenv("BRIEFING_TUI_CACHE", str(tmp_path / ("par" if parallel else "ser")))
    monkeypatch.setattr(snapshot, "PARALLEL_FROM", 1 if parallel else 10**9)
    monkeypatch.setattr(store, "PARALLEL_FROM", 1 if parallel else 10**9)
    monkeypatch.setattr(store, "SHARE", 10)
    if parallel:
        monkeypatch.setattr(store, "FLUSH_POSTINGS", 40_000)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_parallel_cold_index_answers_byte_for_byte_as_a_serial_one(
    generated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers: dict[bool, list[str]] = {}
    segments: dict[bool, int] = {}
    for parallel in (False, True):
        mode(monkeypatch, tmp_path, parallel)
        code, out, err = run(capsys, "index", str(generated))
        assert code == 1  # the broken files
        assert "built: 60 indexed" in out
        where = Path(out.rsplit("index at ", 1)[1].strip())
        segments[parallel] = len(list(where.glob("*.seg")))
        # the errors, by file, line and column, whoever parsed the file
        assert "00000-broken.yaml:2:" in err and "00002.yaml:" in err
        answers[parallel] = [err]
        for words in QUERIES:
            code, out, _ = run(
                capsys, "search", "--json", "--limit", "100", *words, "--data", str(generated)
            )
            assert json.loads(out) or words == ["talks"], words
            answers[parallel].append(out)
    assert answers[True] == answers[False]
    assert segments[False] == 1
    if workers.can_fork():
        assert segments[True] > workers.worker_count()  # by workers, several segments each


def test_a_parallel_scan_reports_progress_and_summarises_as_a_serial_one(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[bool, list[tuple[int, int]]] = {}
    summaries = {}
    for parallel in (False, True):
        mode(monkeypatch, tmp_path, parallel)
        calls: list[tuple[int, int]] = []
        snapdir = tmp_path / f"snap-{parallel}"
        scanned = scan_library([generated], snapdir, lambda d, t, c=calls: c.append((d, t)))
        seen[parallel] = calls
        summaries[parallel] = [
            (f.path, f.id, f.digest, f.errors, f.warnings) for f in scanned.files
        ]
        assert scanned.loaded == 61
    assert summaries[True] == summaries[False]
    for calls in seen.values():
        assert calls[-1] == (61, 61)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_ctrl_c_while_scanning_in_parallel_leaves_no_snapshot_nor_spool(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode(monkeypatch, tmp_path, True)
    snapdir = tmp_path / "snap"

    def interrupt(done: int, total: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan_library([generated], snapdir, interrupt)
    assert not snapdir.exists() or list(snapdir.iterdir()) == []
    assert scan_library([generated], snapdir).loaded == 61  # nothing half-kept


def test_ctrl_c_while_workers_write_the_index_leaves_nothing_half_written(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode(monkeypatch, tmp_path, True)
    scanned = scan_library([generated], tmp_path / "snap")
    calls: list[int] = []

    def interrupt(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) > 1:  # once the workers run
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SearchIndex(scanned.library, tmp_path / "ix", interrupt, plan=scanned.plan)
    base = store.library_dir(tmp_path / "ix", scanned.plan.key)
    assert not (base / store.CURRENT).exists()
    assert list(base.glob("tmp-*")) == []  # the work directory removed
    index = SearchIndex(scanned.library, tmp_path / "ix", plan=scanned.plan)
    assert index.status == "built" and len(index.reindexed) == 60
    index.close()


def test_a_worker_frees_each_writer_whose_segment_it_finished(
    generated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Workers run with the collector off (cache/workers.py), and a finished Whoosh writer
    sits in reference cycles: each is collected once its segment is written, not kept (with
    what it held) until the worker exits. The shares run here in this process, as forked
    workers would, with the collector off."""
    mode(monkeypatch, tmp_path, parallel=True)
    monkeypatch.setattr(store, "FLUSH_POSTINGS", 10_000)  # a segment every 5,000 postings
    made: list[weakref.ref[FastSegmentWriter]] = []
    init = FastSegmentWriter.__init__

    def tracked(self: FastSegmentWriter, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(FastSegmentWriter, "__init__", tracked)
    alive: list[int] = []  # writers still in memory after each share

    def in_process(fn: Callable[[int], Any], n: int, **_: Any) -> list[Any]:
        gc.disable()
        try:
            out = []
            for k in range(n):
                out.append(fn(k))
                alive.append(sum(r() is not None for r in made))
            return out
        finally:
            gc.enable()

    monkeypatch.setattr(workers, "run_all", in_process)
    code, _, _ = run(capsys, "index", str(generated))
    assert code == 1  # the broken file is reported; the others are indexed
    assert len(alive) >= 2 and len(made) >= 3 * len(alive)  # several segments per share
    assert alive[-1] <= len(alive)  # at most each share's last writer (the worker exits)


def test_a_killed_load_leaves_no_spool_behind(generated: Path, tmp_path: Path) -> None:
    # A cold load keeps what it parsed in a spool file until the snapshot is saved; on POSIX
    # the file has no name from the start, so a process killed mid-load (an app quit while
    # it loads: it ends with os._exit) leaves nothing in the cache.
    snapdir = tmp_path / "snap"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from briefing_tui.cache.snapshot import LibraryCache
        cache = LibraryCache([Path({str(generated)!r})], Path({str(snapdir)!r}))
        files, _ = cache.listing()
        for f in files[:10]:
            cache.result(f)
        assert cache.misses == 10 and cache._spool is not None  # spooled, not saved
        print(sorted(p.name for p in Path({str(snapdir)!r}).iterdir()), flush=True)
        os._exit(0)  # killed, as it were: nothing closed or removed
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert list(snapdir.iterdir()) == []
    assert scan_library([generated], snapdir).loaded == 61  # and a full load still works


def test_a_worker_stops_within_the_segment_it_is_writing(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing out a segment takes seconds at 10,000 briefings: a worker asked to stop then
    stops within it (every 1,024 terms), not after it. (Before, the app's child, waiting for
    its worker, was killed after its grace period and left its work directory behind.) The
    shares run here in this process, as forked workers would."""
    mode(monkeypatch, tmp_path, parallel=True)
    scanned = scan_library([generated], tmp_path / "snap")
    terms = {"written": 0, "asked": -1}  # terms written, and how many when stop was asked
    real_fill = writer_module.fill_blocks

    def fill(*args: Any) -> None:
        terms["written"] += 1
        if terms["asked"] < 0 and terms["written"] >= 100:  # well into the segment
            terms["asked"] = terms["written"]
        real_fill(*args)

    monkeypatch.setattr(writer_module, "fill_blocks", fill)
    monkeypatch.setattr(workers, "stopped", lambda: terms["asked"] >= 0)

    def in_process(fn: Callable[[int], Any], n: int, **_: Any) -> list[Any]:
        return [fn(k) for k in range(n)]

    monkeypatch.setattr(workers, "run_all", in_process)
    with pytest.raises(BuildCancelled):
        SearchIndex(scanned.library, tmp_path / "ix", plan=scanned.plan)
    assert 0 < terms["written"] - terms["asked"] <= 1024  # stopped within the segment
    base = store.library_dir(tmp_path / "ix", scanned.plan.key)
    assert not (base / store.CURRENT).exists()
    assert list(base.glob("tmp-*")) == []  # the work directory removed
    # without the stop, that segment goes on: every term of the index is written
    monkeypatch.setattr(workers, "stopped", lambda: False)
    stopped_at, terms["asked"] = terms["written"], 10**9
    terms["written"] = 0
    SearchIndex(scanned.library, tmp_path / "ix", plan=scanned.plan).close()
    assert terms["written"] > stopped_at
