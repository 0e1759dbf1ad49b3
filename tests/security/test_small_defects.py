"""Issue 13.6: the smaller defects, each with the test that failed before its fix."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing_tui.briefing import yamltree
from briefing_tui.briefing.library import Library, load_library
from briefing_tui.paths import cache_dir
from briefing_tui.search import SearchIndex
from briefing_tui.search import store as search_store
from tests.conftest import ROOT

PYTHON = sys.executable


def run_cli(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [PYTHON, "-m", "briefing_tui", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=60,
        **kw,
    )


def test_without_a_terminal_the_app_refuses_at_once() -> None:
    """It used to spin at 100% CPU forever with input from /dev/null or output to a pipe."""
    start = time.monotonic()
    done = run_cli(stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "not a terminal" in done.stderr and "Traceback" not in done.stderr
    assert "briefing-tui export" in done.stderr  # what to use instead
    assert time.monotonic() - start < 30


@pytest.fixture
def library(library_dir: Path) -> Library:
    return load_library([library_dir])


def _generation(library: Library) -> Path:
    base = search_store.library_dir(cache_dir(), library)
    return base / (base / search_store.CURRENT).read_text().strip()


@pytest.mark.parametrize("damage", ["deleted", "emptied", "truncated"])
def test_a_damaged_vocabulary_is_found_and_rebuilt(library: Library, damage: str) -> None:
    first = SearchIndex.open(library)
    typo = first.search("narcotis ")  # a typo: found through the vocabulary
    assert typo.hits and typo.corrected
    first.close()
    words = _generation(library) / search_store.WORDS
    if damage == "deleted":
        words.unlink()
    elif damage == "emptied":
        words.write_text("", encoding="utf-8")
    else:
        words.write_text(words.read_text(encoding="utf-8")[:100], encoding="utf-8")
    ix = SearchIndex.open(library)
    try:
        assert ix.status == "built"
        again = ix.search("narcotis ")
        assert [h.id for h in again.hits] == [h.id for h in typo.hits]
    finally:
        ix.close()


def test_search_says_one_line_when_the_index_fails(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main
    from briefing_tui.search.engine import Engine

    real = Engine.search
    calls = {"n": 0}

    def damaged_once(self: Engine, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("segment _MAIN_1.seg is damaged")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "search", damaged_once)
    assert main(["search", "--data", str(library_dir), "naqvi"]) == 0
    out, err = capsys.readouterr()
    assert out  # the answer is right all the same
    assert "Traceback" not in err
    told = [line for line in err.strip().splitlines() if "--limit" not in line]  # the cut
    assert len(told) == 1, err
    assert "rebuilt" in told[0]


@pytest.mark.parametrize("command", ["search", "export"])
def test_an_ascii_output_gets_escapes_not_a_failure(command: str) -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    args = ["search", "--json", "naqvi"] if command == "search" else ["export", "--format", "json"]
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.isascii()
    assert json.loads(done.stdout)
    text = run_cli(*(["search", "naqvi"] if command == "search" else ["export"]), env=env)
    assert text.returncode == 0 and "Traceback" not in text.stderr


def test_a_fifo_swapped_in_after_the_stat_never_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = tmp_path / "regular.yaml"
    regular.write_text("format: 1\n", encoding="utf-8")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    real_stat = Path.stat

    def stat_says_regular(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        if self == fifo:  # the stat saw a file; by the open it is a FIFO
            return real_stat(regular)
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat_says_regular)
    answer: list[object] = []
    worker = threading.Thread(target=lambda: answer.append(yamltree.read_file(fifo)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the open before failing (a writer end)
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("read_file blocked on a FIFO")
    [problem] = answer
    assert "not a regular file" in getattr(problem, "message", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["naqvi", "-pakistan"],
        ["-pakistan", "naqvi"],
        ["--json", "naqvi", "-pakistan"],
        ["naqvi", "--limit", "100", "-pakistan"],
        ["naqvi", "--lim=100", "-pakistan"],
    ],
)
def test_minus_word_excludes_without_a_double_dash(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    def ids(*query: str) -> set[str]:
        assert main(["search", "--json", "--limit", "100", *query]) in (0, 1)
        out, err = capsys.readouterr()
        assert "error" not in err, err
        return {f"{h['briefing']}:{h['id']}" for h in json.loads(out)}

    code = main(["search", *argv])
    out, err = capsys.readouterr()
    assert code == 0 and "error" not in err, err
    options = [a for a in argv if a.startswith("--")]
    if "--limit" in argv:
        options.append("100")
    words = [a for a in argv if a not in options]
    assert main(["search", *options, "--", *words]) == 0
    expected, _ = capsys.readouterr()
    assert out == expected
    assert ids("naqvi", "-pakistan") < ids("naqvi")  # the exclusion takes hits away


def test_index_of_a_missing_path_does_not_blame_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    assert main(["index", str(tmp_path / "missing")]) == 1
    out, err = capsys.readouterr()
    assert "not writable" not in out + err
    assert "no such file or directory" in err


def test_crash_logs_are_private(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_tui.cli import crash_message

    old = os.umask(0o022)
    try:
        _, log = crash_message(RuntimeError("boom"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(Path(log).stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32"),
        ("utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf-16-be", b"\xfe\xff", "UTF-16"),
    ],
)
def test_utf32_is_not_called_utf16(encoding: str, bom: bytes, name: str) -> None:
    problem = yamltree.decode("x.yaml", bom + "format: 1\n".encode(encoding))
    assert not isinstance(problem, str)
    assert f"the file is {name} text" in problem.message


def test_a_dangling_symlink_is_skipped_with_a_word(library_dir: Path) -> None:
    (library_dir / "gone.yaml").symlink_to(library_dir / "deleted.yaml")
    library = load_library([library_dir])
    assert library.briefings  # the rest loads
    [problem] = library.problems
    assert problem.severity == "warning" and problem.path.endswith("gone.yaml")
    assert "does not exist" in problem.message and "deleted.yaml" in problem.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable folders")
def test_an_unreadable_folder_is_skipped_with_a_word(library_dir: Path) -> None:
    closed = library_dir / "closed"
    closed.mkdir()
    closed.chmod(0)
    try:
        library = load_library([library_dir])
    finally:
        closed.chmod(0o700)
    assert any("cannot read this folder" in p.message for p in library.problems)


def test_a_backslash_in_a_file_name_is_not_a_folder_separator() -> None:
    from briefing_tui.tui.screens.problems import short_name

    assert short_name("briefings/a\\b.yaml") == "a\\b.yaml"
    assert short_name("briefings/sub/c.yaml") == "c.yaml"


def test_new_refuses_an_id_already_in_the_library(
    library_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    article = tmp_path / "another.txt"
    article.write_text("Northland and Southland agreed to talk.\n", encoding="utf-8")
    taken = load_library([library_dir]).briefings[0].id
    before = sorted(p.name for p in library_dir.iterdir())
    assert main(["new", str(article), "--id", taken, "--out", str(library_dir)]) == 1
    _, err = capsys.readouterr()
    assert "already has the id" in err
    assert sorted(p.name for p in library_dir.iterdir()) == before
    assert main(["new", str(article), "--id", "fresh-id", "--out", str(library_dir)]) == 0


def test_an_index_build_stopped_on_exit_logs_no_traceback(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """The app stops a build from its progress callback when it exits: that used to be
    logged as a failure, with a traceback, printed after the terminal was restored."""
    from briefing_tui.search import BuildCancelled

    def stop(done: int, total: int) -> None:
        raise BuildCancelled

    with pytest.raises(BuildCancelled):
        SearchIndex(library, progress=stop)
    assert not [r for r in caplog.records if r.exc_info]
