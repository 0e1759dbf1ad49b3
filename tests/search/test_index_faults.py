"""Faults of the search index's cache, and the recovery from each: the next search works and
gives the same results as a fresh build.

tests/search/test_index.py already covers a damaged index found when opening (truncated, deleted or
zeroed segments, a garbage or missing TOC, a bad manifest or pointer), a cache path that is a
file, a cache whose directories cannot be made, and processes building or updating at once.
This file adds what they do not:

- a write error (ENOSPC) at any point of writing the index, when building and when updating;
- a read-only cache as root (chmod cannot stop root, so every write is refused the way a
  read-only file system refuses it, with EROFS), and nothing in it is changed;
- a process killed with SIGKILL while indexing a generated 300-briefing library: while
  adding documents, half-way through writing a segment file, before publishing, while
  updating, and the real ``briefing-tui index`` command;
- three instances started at once on a damaged index, and three real ``briefing-tui search``
  commands at once on a cold cache;
- the files of an index damaged while it is open, a truncated TOC and a TOC of an older
  generation;
- the app itself, searching from the search pane, after such faults.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.paths import cache_dir
from briefing_tui.search import SearchIndex
from briefing_tui.search import store as search_store
from tests.conftest import ROOT
from tests.search.test_index import QUERIES, ZEBRA
from tests.test_readonly import assert_unchanged, tree_state
from tests.tui.helpers import aio, browser, make_app, settle, type_text, until

# Queries for the generated library: words, names, a phrase, filters, a prefix, a typo and
# one that finds nothing.
BIG_QUERIES = [
    "minerals",
    "haddad fisheries",
    '"joint working group"',
    "kind:commitment energy",
    "actor:haddad",
    "month:2024-09",
    "topic:narcotics",
    "infrastr",
    "finland zebra",
    "fisheris ",
]

Answers = dict[str, list[tuple[object, ...]]]


def answers(ix: SearchIndex, queries: list[str], scores: bool = True) -> Answers:
    """Every hit of every query (no time limit), as ([score,] briefing, kind, id), sorted.

    An index refreshed in place still counts its deleted documents in its statistics, so
    its scores differ a little from a fresh one's: compare those without scores.
    """
    out: Answers = {}
    for q in queries:
        r = ix.search(q, limit=100_000, time_limit=120.0)
        assert "failed" not in r.note, r.note
        rows = [
            ((round(h.score, 3),) if scores else ()) + (h.briefing, h.kind, h.id) for h in r.hits
        ]
        out[q] = sorted(rows)
    return out


def fresh(library: Library, queries: list[str], scores: bool = True) -> Answers:
    ix = SearchIndex(library, memory=True)
    try:
        return answers(ix, queries, scores)
    finally:
        ix.close()


def index_base(library: Library) -> Path:
    return search_store.library_dir(cache_dir(), library)


def entries(base: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in base.iterdir() if p.name.startswith(prefix))


@pytest.fixture
def two_briefings(library_dir: Path, write_briefing: Callable[..., Path]) -> Path:
    write_briefing()
    return library_dir


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated library of 300 briefings (benchmarks/make_library.py), made once."""
    out = tmp_path_factory.mktemp("big")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "make_library.py"),
            "--briefings",
            "300",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def big_library(big_dir: Path) -> Library:
    library = load_library([big_dir / "briefings"])
    assert len(library.briefings) == 300 and not library.errors
    return library


@pytest.fixture(scope="module")
def big_expected(big_library: Library) -> Answers:
    expected = fresh(big_library, BIG_QUERIES)
    # The queries are worth comparing: most find something, one finds nothing.
    assert sum(1 for rows in expected.values() if rows) >= len(BIG_QUERIES) - 1
    assert not expected["finland zebra"]
    assert len(expected['"joint working group"']) > 100
    return expected


# -- a write error while indexing -----------------------------------------------------------


class _Full:
    """A file object that refuses to write past a shared budget of bytes: a full disk."""

    def __init__(self, raw: Any, budget: list[int], written: list[int]) -> None:
        self._raw = raw
        self._budget = budget
        self._written = written

    def write(self, data: bytes) -> int:
        room = self._budget[0] - self._written[0]
        if len(data) > room:
            if room > 0:  # what fits is written, as a file system does
                self._raw.write(data[:room])
                self._written[0] += room
            raise OSError(errno.ENOSPC, "No space left on device")
        self._written[0] += len(data)
        return int(self._raw.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


@contextlib.contextmanager
def disk_with_room_for(monkeypatch: pytest.MonkeyPatch, budget: int | None) -> Iterator[list[int]]:
    """Whoosh's files get ``budget`` bytes in all (None: unlimited); yields bytes written."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import StructFile

    written = [0]
    room = [budget if budget is not None else 1 << 62]
    real = FileStorage.create_file

    def create_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        f = real(self, name, *args, **kwargs)
        return StructFile(_Full(f.file, room, written), name=name, onclose=f.onclose)

    with monkeypatch.context() as m:
        m.setattr(FileStorage, "create_file", create_file)
        yield written


def test_the_full_disk_simulation_bites(two_briefings: Path, monkeypatch: pytest.MonkeyPatch):
    """The fault is real: with no room, nothing is written to the cache."""
    library = load_library([two_briefings])
    with disk_with_room_for(monkeypatch, 0):
        ix = SearchIndex.open(library)
    assert ix.status == "memory"  # it could not write the index, so it kept it in memory
    assert not (index_base(library) / search_store.CURRENT).exists()
    ix.close()


@pytest.mark.parametrize("share", [0.0, 0.02, 0.5, 0.98])
def test_a_full_disk_while_building_falls_back_to_memory_then_recovers(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, share: float
) -> None:
    library = load_library([two_briefings])
    expected = fresh(library, QUERIES)
    # How many bytes a whole build writes (in a cache of its own).
    with disk_with_room_for(monkeypatch, None) as written:
        SearchIndex.open(library, cache_dir=tmp_path / "measure").close()
    total = written[0]
    assert total > 10_000
    with disk_with_room_for(monkeypatch, int(total * share)):
        ix = SearchIndex.open(library)
        assert ix.status == "memory"
        assert answers(ix, QUERIES) == expected
        ix.close()
    base = index_base(library)
    assert not (base / search_store.CURRENT).exists()  # nothing half-written was published
    assert entries(base, "tmp-") == []  # and the work directory is gone
    # The disk has room again: the next open writes the index, and it is the same.
    again = SearchIndex.open(library)
    assert again.status == "built"
    assert answers(again, QUERIES) == expected
    again.close()
    assert SearchIndex.open(library).status == "cached"


@pytest.mark.parametrize("name", [search_store.WORDS, search_store.MANIFEST, "current.tmp"])
def test_a_write_error_on_the_last_files_is_recovered(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    library = load_library([two_briefings])
    expected = fresh(library, QUERIES)
    real = Path.write_text

    def failing(self: Path, *args: Any, **kwargs: Any) -> int:
        if self.name.startswith(name):
            real(self, "")  # created, then the disk filled up
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(Path, "write_text", failing)
        ix = SearchIndex.open(library)
        assert ix.status == "memory"
        assert answers(ix, QUERIES) == expected
        ix.close()
    base = index_base(library)
    assert not (base / search_store.CURRENT).exists()
    again = SearchIndex.open(library)
    assert again.status == "built"
    assert answers(again, QUERIES) == expected
    again.close()


def test_a_full_disk_while_updating_keeps_the_old_index(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([two_briefings])
    first = SearchIndex.open(library)
    generation = first.location
    first.close()
    (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
    edited = load_library([two_briefings])
    with disk_with_room_for(monkeypatch, 2_000):
        ix = SearchIndex.open(edited)
        assert ix.status == "memory"
        assert ix.reindexed == ("extra",)  # the rest came from the cached index
        assert answers(ix, QUERIES, scores=False) == fresh(edited, QUERIES, scores=False)
        ix.close()
    base = index_base(library)
    assert (base / search_store.CURRENT).read_text() == generation.name  # type: ignore[union-attr]
    assert entries(base, "tmp-") == []
    # The next open brings the intact old index up to date.
    again = SearchIndex.open(edited)
    assert again.status == "updated" and again.reindexed == ("extra",)
    assert answers(again, QUERIES, scores=False) == fresh(edited, QUERIES, scores=False)
    again.close()


# -- a read-only cache (as root) -------------------------------------------------------------


def _under(path: Any, root: Path) -> bool:
    try:
        p = Path(os.fsdecode(path)) if not isinstance(path, int) else None
    except TypeError:
        return False
    return p is not None and (p == root or root in p.absolute().parents)


@contextlib.contextmanager
def read_only(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every change under ``root`` fails with EROFS, as on a read-only file system.

    Tests run as root, whom chmod does not stop; this refuses at the system calls instead:
    opening for writing, making, renaming, linking and removing.
    """
    root = root.absolute()

    def refuse(path: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    real_open = builtins.open
    real_os_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and _under(file, root):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & writing and _under(path, root):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guard(real: Callable[..., Any], paths: int = 1) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            for p in args[:paths]:
                if _under(p, root):
                    refuse(p)
            return real(*args, **kwargs)

        return guarded

    with monkeypatch.context() as m:
        m.setattr(builtins, "open", guarded_open)
        m.setattr(io, "open", guarded_open)
        m.setattr(os, "open", guarded_os_open)
        for name in ("mkdir", "unlink", "remove", "rmdir", "utime", "chmod"):
            m.setattr(os, name, guard(getattr(os, name)))
        for name in ("rename", "replace", "link", "symlink"):
            m.setattr(os, name, guard(getattr(os, name), paths=2))
        yield


def test_the_read_only_simulation_bites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with read_only(tmp_path, monkeypatch):
        for attempt in (
            lambda: (tmp_path / "x").write_text("x"),
            lambda: (tmp_path / "d").mkdir(),
            lambda: os.open(tmp_path / "y", os.O_CREAT | os.O_WRONLY),
        ):
            with pytest.raises(OSError) as caught:
                attempt()
            assert caught.value.errno == errno.EROFS
        (tmp_path.parent / f"{tmp_path.name}-beside").write_text("elsewhere is writable")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("cache", ["empty", "current", "out of date"])
def test_a_read_only_cache_is_used_as_it_is_and_never_changed(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    library = load_library([two_briefings])
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    if cache != "empty":
        SearchIndex.open(library).close()
    if cache == "out of date":
        (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
        library = load_library([two_briefings])
    before = tree_state(root)
    with read_only(root, monkeypatch):
        ix = SearchIndex.open(library)
        if cache == "current":
            assert ix.status == "cached"  # read where it is
            assert answers(ix, QUERIES) == fresh(library, QUERIES)
        else:
            assert ix.status == "memory"
            if cache == "out of date":
                assert ix.reindexed == ("extra",)  # the rest copied from the cached index
            assert answers(ix, QUERIES, scores=False) == fresh(library, QUERIES, scores=False)
        ix.close()
    assert_unchanged(before, tree_state(root))


def test_search_and_index_commands_work_on_a_read_only_cache(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    library = load_library([two_briefings])
    expected = [list(r) for r in fresh(library, ["narcotics"], scores=False)["narcotics"]]
    with read_only(root, monkeypatch):
        assert main(["index", str(two_briefings)]) == 0
        out, _ = capsys.readouterr()
        assert "memory (cache not writable)" in out
        argv = ["search", "--json", "--limit", "1000", "--data", str(two_briefings)]
        code = main([*argv, "narcotics"])
        out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    assert sorted([h["briefing"], h["kind"], h["id"]] for h in json.loads(out)) == expected
    assert not any(root.iterdir())


# -- damaged files -----------------------------------------------------------------------


def _truncate_toc(gen: Path) -> None:
    for p in gen.glob("_MAIN_*.toc"):
        with p.open("r+b") as f:
            f.truncate(p.stat().st_size // 2)


def _truncate_segments_to_nothing(gen: Path) -> None:
    for p in gen.glob("*.seg"):
        p.write_bytes(b"")


def _older_toc(gen: Path) -> None:
    """The TOC of the generation before (as a backup restored over the cache would)."""
    older = gen.parent / "older-copy"
    assert any(older.glob("_MAIN_*.toc"))
    for p in older.glob("_MAIN_*.toc"):
        for q in gen.glob("_MAIN_*.toc"):
            q.unlink()
        shutil.copy(p, gen / p.name)


@pytest.mark.parametrize("damage", [_truncate_toc, _truncate_segments_to_nothing, _older_toc])
def test_more_kinds_of_damage_are_rebuilt(
    two_briefings: Path, damage: Callable[[Path], None]
) -> None:
    (two_briefings / "extra.yaml").write_text(ZEBRA, encoding="utf-8")
    older_library = load_library([two_briefings])
    older = SearchIndex.open(older_library)
    assert older.location is not None
    # A copy under a name the index never cleans up.
    shutil.copytree(older.location, older.location.parent / "older-copy")
    older.close()
    (two_briefings / "extra.yaml").unlink()
    library = load_library([two_briefings])
    ix = SearchIndex.open(library)
    assert ix.status == "updated"
    gen = ix.location
    assert gen is not None
    ix.close()
    damage(gen)
    again = SearchIndex.open(library)
    assert again.status == "built" and again.location != gen
    assert answers(again, QUERIES) == fresh(library, QUERIES)
    again.close()


def test_files_damaged_under_an_open_index_do_not_stop_its_searches(
    two_briefings: Path,
) -> None:
    library = load_library([two_briefings])
    expected = fresh(library, QUERIES)
    ix = SearchIndex.open(library)
    gen = ix.location
    assert gen is not None and ix.status == "built"
    for p in gen.iterdir():  # every file of it, truncated under the running index
        if p.is_file():
            with p.open("r+b") as f:
                f.truncate(p.stat().st_size // 3)
    # The first search that reads the damage rebuilds the index and answers from it.
    assert answers(ix, QUERIES) == expected
    assert ix.status == "built" and ix.location != gen
    ix.close()
    again = SearchIndex.open(library)  # the next process uses the rebuilt one
    assert again.status == "cached" and again.location not in (None, gen)
    assert answers(again, QUERIES) == expected
    again.close()


# -- a process killed while indexing ---------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from briefing_tui.briefing.library import load_library
    from briefing_tui.search import SearchIndex

    library = load_library([Path(sys.argv[1])])
    marker, where = Path(sys.argv[2]), sys.argv[3]

    def stop_here():
        marker.write_text("here")
        time.sleep(300)  # until killed

    progress = None
    if where.startswith("progress:"):
        at = int(where.split(":")[1])

        def progress(done, total):
            if done >= at:
                stop_here()

    elif where.startswith("bytes:"):
        # Stop in the middle of writing the index files: after this many bytes.
        from whoosh.filedb.filestore import FileStorage

        budget = [int(where.split(":")[1])]
        real = FileStorage.create_file

        class Slow:
            def __init__(self, raw):
                self.raw = raw

            def write(self, data):
                if len(data) >= budget[0]:
                    self.raw.write(data[: budget[0]])
                    self.raw.flush()
                    stop_here()
                budget[0] -= len(data)
                return self.raw.write(data)

            def __getattr__(self, name):
                return getattr(self.raw, name)

        def create_file(self, name, *args, **kwargs):
            f = real(self, name, *args, **kwargs)
            f.file = Slow(f.file)
            return f

        FileStorage.create_file = create_file

    SearchIndex.open(library, progress=progress)
    print("not killed")
    """
)


def spawn(args: list[str]) -> subprocess.Popen[bytes]:
    """Start ``args`` with its output piped and this process's environment."""
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )


def sigkill_when(proc: subprocess.Popen[bytes], reached: Callable[[], None]) -> None:
    """Wait with ``reached()`` until ``proc`` is at the point to stop, then SIGKILL it (it is
    killed and reaped whatever happens) and check that the signal is what ended it."""
    try:
        reached()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def kill_while_indexing(folder: Path, where: str, tmp_path: Path) -> None:
    """Index ``folder`` in a new process, SIGKILL it at ``where``."""
    marker = tmp_path / f"stopped-{where.replace(':', '-')}"
    proc = spawn([sys.executable, "-c", _CHILD, str(folder), str(marker), where])

    def reached() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the indexer never reached the point"
            time.sleep(0.01)

    sigkill_when(proc, reached)
    # its worker processes (a large build has them) die with it: none is left running
    deadline = time.monotonic() + 10
    while left := processes_naming(str(marker)):
        assert time.monotonic() < deadline, f"workers outlived the killed indexer: {left}"
        time.sleep(0.05)


def processes_naming(text: str) -> list[int]:
    """The processes whose command line holds ``text`` (Linux: none known elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize(
    "where",
    [
        "progress:1",  # the first briefings analysed
        "progress:150",  # half of them
        "bytes:400000",  # half-way through writing the segment files
        "progress:300",  # everything written; not yet published
    ],
)
def test_killed_while_building_a_300_briefing_index(
    big_dir: Path,
    big_library: Library,
    big_expected: Answers,
    tmp_path: Path,
    where: str,
) -> None:
    kill_while_indexing(big_dir / "briefings", where, tmp_path)
    base = index_base(big_library)
    assert not (base / search_store.CURRENT).exists()  # nothing was published
    (work,) = base.glob("tmp-*")  # what the killed process left behind
    if where.startswith("bytes:"):  # killed in the middle of writing its files
        written = sum(p.stat().st_size for p in work.iterdir() if p.is_file())
        assert 0 < written <= int(where.split(":")[1])
    if where == "progress:150":  # left long ago: removed when a generation is next written
        old = time.time() - search_store.STALE_WORK_SECONDS - 60
        os.utime(work, (old, old))
    ix = SearchIndex.open(big_library)
    assert ix.status == "built"
    assert answers(ix, BIG_QUERIES) == big_expected
    ix.close()
    assert work.exists() == (where != "progress:150")  # a recent one may still be in use
    assert SearchIndex.open(big_library).status == "cached"


def test_killed_while_updating_a_300_briefing_index(
    big_dir: Path, big_library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "library"
    shutil.copytree(big_dir, folder)
    SearchIndex.open(load_library([folder / "briefings"])).close()
    # A hundred briefings edited: the title of each one's first commitment gains a word.
    for path in sorted((folder / "briefings").glob("*.yaml"))[:100]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('    title: "', '    title: "Revised: ', 1), encoding="utf-8")
    edited = load_library([folder / "briefings"])
    kill_while_indexing(folder / "briefings", "progress:50", tmp_path)
    ix = SearchIndex.open(edited)
    assert ix.status == "updated" and len(ix.reindexed) == 100
    queries = [*BIG_QUERIES, "revised"]
    assert answers(ix, queries, scores=False) == fresh(edited, queries, scores=False)
    assert len(ix.search("revised", limit=1000, time_limit=60).hits) == 100
    ix.close()


def test_the_index_command_killed_at_once_then_run_again(
    big_dir: Path, big_library: Library, big_expected: Answers
) -> None:
    command = [str(Path(sys.executable).parent / "briefing-tui"), "index"]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "briefing_tui", "index"]
    proc = spawn([*command, str(big_dir / "briefings")])

    def reached() -> None:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # the progress bar's first line: indexing has begun
        assert b"indexing briefings" in line, line

    sigkill_when(proc, reached)
    done = subprocess.run(
        [*command, str(big_dir / "briefings")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "300 briefings in the index" in done.stdout
    ix = SearchIndex.open(big_library)
    assert ix.status == "cached"
    assert answers(ix, BIG_QUERIES) == big_expected
    ix.close()


# -- three instances at once -------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from briefing_tui.briefing.library import load_library
    from briefing_tui.search import SearchIndex

    library = load_library([Path(sys.argv[1])])
    go, ready = Path(sys.argv[2]), Path(sys.argv[3])
    queries = json.loads(sys.argv[4])
    ready.write_text("ready")
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    ix = SearchIndex.open(library)
    out = {"status": ix.status, "answers": {}}
    for q in queries:
        hits = ix.search(q, limit=100000, time_limit=120).hits
        out["answers"][q] = sorted([round(h.score, 3), h.briefing, h.kind, h.id] for h in hits)
    print(json.dumps(out))
    """
)


def start_together(argvs: list[list[str]], tmp_path: Path) -> list[subprocess.Popen[str]]:
    """Start processes that wait for a common signal, then give it."""
    go = tmp_path / "go"
    procs, readies = [], []
    for n, argv in enumerate(argvs):
        ready = tmp_path / f"ready-{n}"
        readies.append(ready)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _WORKER, *argv[:1], str(go), str(ready), *argv[1:]],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=os.environ.copy(),
            )
        )
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    go.write_text("go")
    return procs


def test_three_instances_at_once_on_a_damaged_index(
    big_dir: Path, big_library: Library, big_expected: Answers, tmp_path: Path
) -> None:
    ix = SearchIndex.open(big_library)
    gen = ix.location
    assert gen is not None
    ix.close()
    for p in gen.glob("*.seg"):  # damaged: all three find it unusable at the same time
        with p.open("r+b") as f:
            f.truncate(p.stat().st_size // 2)
    folder = str(big_dir / "briefings")
    procs = start_together([[folder, json.dumps(BIG_QUERIES)]] * 3, tmp_path)
    expected = {q: [list(row) for row in rows] for q, rows in big_expected.items()}
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        result = json.loads(out)
        assert result["status"] == "built"
        assert result["answers"] == expected
    # What they left is sound and current.
    after = SearchIndex.open(big_library)
    assert after.status == "cached" and after.location != gen
    assert answers(after, BIG_QUERIES) == big_expected
    after.close()


def test_three_search_commands_at_once_on_a_cold_cache(two_briefings: Path, tmp_path: Path) -> None:
    library = load_library([two_briefings])
    expected = {
        q: [list(row) for row in rows]
        for q, rows in fresh(library, QUERIES[:3], scores=False).items()
    }
    command = [sys.executable, "-m", "briefing_tui", "search", "--json", "--limit", "100000"]
    gate = tmp_path / "gate"
    starter = textwrap.dedent(
        """
        import os, sys, time
        gate = sys.argv[1]
        while not os.path.exists(gate):
            time.sleep(0.005)
        os.execv(sys.argv[2], sys.argv[2:])
        """
    )
    procs = []
    for q in QUERIES[:3]:
        argv = [*command, "--data", str(two_briefings), q]
        procs.append(
            (
                q,
                subprocess.Popen(
                    [sys.executable, "-c", starter, str(gate), *argv],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=os.environ.copy(),
                ),
            )
        )
    gate.write_text("go")
    for q, p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode in (0, 1), err
        assert "Traceback" not in err
        hits = json.loads(out)
        assert sorted([h["briefing"], h["kind"], h["id"]] for h in hits) == expected[q]
    assert SearchIndex.open(library).status == "cached"


# -- the app after a fault -------------------------------------------------------------------


Fault = Callable[[Library, pytest.MonkeyPatch, Path], contextlib.AbstractContextManager[Any]]


def _damage_index(
    library: Library, damage: Callable[[Path], None]
) -> contextlib.AbstractContextManager[Any]:
    """Build the index of ``library``, then ``damage`` its files (given their folder)."""
    ix = SearchIndex.open(library)
    assert ix.location is not None
    damage(ix.location)
    ix.close()
    return contextlib.nullcontext()


def _damage_segments(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    def truncate(location: Path) -> None:
        for p in location.glob("*.seg"):
            with p.open("r+b") as f:
                f.truncate(p.stat().st_size // 2)

    return _damage_index(library, truncate)


def _garbage_toc(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    def garble(location: Path) -> None:
        for p in location.glob("_MAIN_*.toc"):
            p.write_bytes(os.urandom(200))

    return _damage_index(library, garble)


def _cache_is_a_file(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    blocker = tmp / "cache-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_TUI_CACHE", str(blocker))
    return contextlib.nullcontext()


def _read_only_cache(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    return read_only(root, monkeypatch)


def _full_disk(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    return disk_with_room_for(monkeypatch, 5_000)


def _killed_mid_build(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> contextlib.AbstractContextManager[Any]:
    folder = Path(library.results[0].path).parent
    kill_while_indexing(folder, "progress:1", tmp)
    return contextlib.nullcontext()


@pytest.mark.parametrize(
    "fault",
    [
        _damage_segments,
        _garbage_toc,
        _cache_is_a_file,
        _read_only_cache,
        _full_disk,
        _killed_mid_build,
    ],
)
@aio
async def test_the_app_searches_as_a_fresh_index_would_after_a_fault(
    two_briefings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fault: Fault
) -> None:
    library = load_library([two_briefings])
    ix = SearchIndex(library, memory=True)
    expected = [(h.briefing, h.kind, h.id) for h in ix.search("narcotics", limit=20).hits]
    ix.close()
    assert expected
    with fault(library, monkeypatch, tmp_path):
        app = make_app(library)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.index is not None and app.index_error is None
            screen = browser(app)
            await pilot.press("slash")
            await type_text(pilot, "narcotics")
            await until(pilot, lambda: bool(screen.search.hits))
            assert [(h.briefing, h.kind, h.id) for h in screen.search.hits] == expected
