"""Huge, deep and strange files: answered with a positioned problem, quickly, never a hang.

The big inputs are generated here into tmp_path (never committed). The time bounds are
generous behaviour checks (no hang, nothing quadratic), not benchmarks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import MAX_TEXT, load_briefing, load_bytes, load_text
from briefing_tui.briefing.yamltree import MAX_BYTES, MAX_DEPTH, parse

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue"
BASELINE = (CATALOGUE / "good" / "baseline.yaml").read_text(encoding="utf-8")
TITLE_LINE = "title: Northland and Southland agree to open a joint border office"
QUOTE_LINE = '      - "Minister Ana Ruiz said"'
# Seconds: a behaviour check (linear, no blow-up), not a benchmark. In-process checks count
# this process's CPU time (time.process_time), which other work on a loaded machine (the
# rest of the suite in parallel) does not inflate; checks that something never blocks (a
# named pipe) or run a command count wall time.
TIME_LIMIT = 10.0
MB = 1024 * 1024


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """A library directory beside a copy of the catalogue's articles."""
    shutil.copytree(CATALOGUE / "articles", tmp_path / "articles")
    (tmp_path / "lib").mkdir()
    return tmp_path / "lib"


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def validate(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    script = Path(sys.executable).parent / "briefing-tui"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "briefing_tui"]
    env = {**os.environ, "PYTHONPATH": str(CATALOGUE.parent.parent)}
    start = time.monotonic()
    proc = subprocess.run(
        [*cmd, "validate", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )
    return proc, time.monotonic() - start


def test_the_baseline_loads_clean(lib: Path) -> None:
    path = lib / "b.yaml"
    path.write_text(BASELINE, encoding="utf-8")
    assert load_briefing(path).ok


def test_a_5_mb_line_of_text_is_refused_with_its_length(lib: Path) -> None:
    path = lib / "long-title.yaml"
    text = BASELINE.replace(TITLE_LINE, "title: " + "A" * (5 * MB), 1)
    path.write_text(text, encoding="utf-8")
    proc, elapsed = validate(str(path), cwd=lib)
    assert elapsed < TIME_LIMIT and proc.returncode == 1 and "Traceback" not in proc.stderr
    line = line_of(BASELINE, TITLE_LINE)
    expected = (
        f"long-title.yaml:{line}:8: title is {5 * MB:,} characters long "
        f"(the limit is {MAX_TEXT:,}); shorten it"
    )
    assert expected in proc.stdout
    assert len(proc.stdout) < 2000, "the message never repeats the 5 MB of text"


def test_a_5_mb_quote_is_answered_quickly(lib: Path) -> None:
    path = lib / "long-quote.yaml"
    quote = "Minister Ana Ruiz said " + "and then " * (5 * MB // 9)
    path.write_text(BASELINE.replace(QUOTE_LINE, f'      - "{quote}"'), encoding="utf-8")
    start = time.process_time()
    result = load_briefing(path, "long-quote.yaml")
    assert time.process_time() - start < TIME_LIMIT
    line = line_of(BASELINE, QUOTE_LINE)
    assert [(p.line, p.col) for p in result.problems] == [(line, 9)]
    assert "characters long" in result.problems[0].message
    assert len(result.problems[0].message) < 300


def test_a_5_mb_line_that_breaks_the_yaml_points_at_the_right_column(lib: Path) -> None:
    n = 5 * MB
    text = BASELINE.replace(TITLE_LINE, "title: " + "x" * n + ": y", 1)
    start = time.process_time()
    result = load_text(lib / "x.yaml", text, "x.yaml")
    assert time.process_time() - start < TIME_LIMIT
    [problem] = result.problems
    assert (problem.line, problem.col) == (line_of(BASELINE, TITLE_LINE), len("title: ") + n + 1)
    assert "': ' inside a value that is not quoted; put the whole value in quotes" in str(problem)


def test_a_file_of_tens_of_megabytes_is_refused_without_reading_it(lib: Path) -> None:
    path = lib / "huge.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(BASELINE)
        block = "# " + "x" * 1022 + "\n"
        for _ in range(24 * 1024):
            fh.write(block)
    assert path.stat().st_size > 24 * MB
    proc, elapsed = validate(str(path), cwd=lib)
    assert elapsed < TIME_LIMIT and proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stdout.startswith("huge.yaml:1:1: the file is too large (24.")
    assert "the limit is 8 MiB" in proc.stdout
    # the same limit holds for text handed to the loader directly
    result = load_bytes(path, path.read_bytes(), "huge.yaml")
    assert result.briefing is None and "too large" in result.problems[0].message


def test_just_under_the_size_limit_still_loads(lib: Path) -> None:
    text = BASELINE + "# " + "x" * (MAX_BYTES - len(BASELINE.encode()) - 10) + "\n"
    assert len(text.encode()) <= MAX_BYTES
    path = lib / "big-comment.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_briefing(path).ok


def test_nesting_thousands_deep_in_block_style() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(2000))
    start = time.process_time()
    problem = parse("deep.yaml", text)
    assert time.process_time() - start < TIME_LIMIT
    # the root mapping is level 1; the mapping of k(i) starts on line i + 2, column 2i + 3
    level = MAX_DEPTH + 1
    assert str(problem).startswith(f"deep.yaml:{level}:{2 * (level - 2) + 3}: ")
    assert "nested too deeply" in str(problem)


def test_nesting_thousands_deep_at_the_end_of_a_large_file() -> None:
    filler = "".join(f"k{i}: some text {i}\n" for i in range(200_000))
    text = filler + "deep: [\"[[\", '[''[', # [[[\n  " + "[" * 3000 + "]" * 3000 + "]\n"
    start = time.process_time()
    problem = parse("deep.yaml", text)
    assert time.process_time() - start < TIME_LIMIT
    # the root mapping is level 1 and the first '[' level 2 (quotes and the comment hold
    # brackets that do not count); the next line's brackets are levels 3, 4, ...
    assert str(problem).startswith(f"deep.yaml:{200_002}:{3 + MAX_DEPTH - 2}: ")
    assert "nested too deeply" in str(problem)


def test_a_large_valid_briefing_loads_in_time(lib: Path) -> None:
    topics = ", ".join(["security"] * 300_000)
    text = BASELINE.replace(
        "    related: [customs-data]\n", f"    topics: [{topics}]\n    related: [customs-data]\n"
    )
    assert len(text) > 3_000_000
    start = time.process_time()
    result = load_text(lib / "x.yaml", text, "x.yaml")
    assert time.process_time() - start < TIME_LIMIT
    assert result.ok
    assert result.briefing is not None
    commitment = result.briefing.item("joint-border-office")
    assert commitment is not None and len(getattr(commitment, "topics", ())) == 300_000


def test_a_large_source_article_verifies_in_time(lib: Path) -> None:
    talks = (lib.parent / "articles" / "talks.txt").read_text(encoding="utf-8")
    body = talks * (7 * MB // len(talks.encode()))
    (lib.parent / "articles" / "big.txt").write_text(
        body + "Mr. Ruiz closed the office at last.\n", encoding="utf-8"
    )
    text = BASELINE.replace("../articles/talks.txt", "../articles/big.txt").replace(
        QUOTE_LINE, '      - "Mr. Ruiz closed the office at last."'
    )
    start = time.process_time()
    result = load_text(lib / "x.yaml", text, "x.yaml")
    assert time.process_time() - start < TIME_LIMIT
    assert result.ok, [str(p) for p in result.problems]
    assert result.briefing is not None
    ruiz = result.briefing.item("ana-ruiz")
    assert ruiz is not None
    n = len(result.briefing.source.sentences)
    assert ruiz.evidence[0].sentences == (n,)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_never_blocks(lib: Path) -> None:
    os.mkfifo(lib / "pipe.yaml")
    (lib / "good.yaml").write_text(BASELINE, encoding="utf-8")
    proc, elapsed = validate(str(lib / "pipe.yaml"), cwd=lib)
    assert elapsed < TIME_LIMIT and proc.returncode == 1
    assert "pipe.yaml:1:1: not a regular file" in proc.stdout
    proc, elapsed = validate(str(lib), cwd=lib)  # in a directory it is not a briefing
    assert elapsed < TIME_LIMIT and proc.returncode == 0, proc.stdout
    assert "1 briefing file checked: 0 errors" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_the_source_never_blocks(lib: Path) -> None:
    os.mkfifo(lib.parent / "articles" / "pipe.txt")
    path = lib / "b.yaml"
    path.write_text(BASELINE.replace("talks.txt", "pipe.txt"), encoding="utf-8")
    start = time.monotonic()
    result = load_briefing(path, "b.yaml")
    assert time.monotonic() - start < TIME_LIMIT
    assert [p.message for p in result.problems if "not a regular file" in p.message]


def test_a_source_over_the_size_limit_is_not_read(lib: Path) -> None:
    with (lib.parent / "articles" / "sparse.txt").open("wb") as fh:
        fh.truncate(MAX_BYTES + MB)  # sparse: nothing is written, nothing may be read
    path = lib / "b.yaml"
    path.write_text(BASELINE.replace("talks.txt", "sparse.txt"), encoding="utf-8")
    result = load_briefing(path, "b.yaml")
    [problem] = [p for p in result.problems if "too large" in p.message]
    assert (problem.line, problem.col) == (line_of(BASELINE, "  file: ../articles"), 9)


def test_a_symlink_loop_as_the_source(lib: Path) -> None:
    loop = lib.parent / "articles" / "loop.txt"
    loop.symlink_to(loop)
    path = lib / "b.yaml"
    path.write_text(BASELINE.replace("talks.txt", "loop.txt"), encoding="utf-8")
    result = load_briefing(path, "b.yaml")
    assert result.briefing is None
    [problem] = result.problems
    assert problem.line == line_of(BASELINE, "  file: ../articles")
    assert "source file '../articles/loop.txt'" in problem.message


def test_a_nul_in_the_source_path(lib: Path) -> None:
    text = BASELINE.replace("file: ../articles/talks.txt", 'file: "../articles/talks\\0.txt"')
    result = load_text(lib / "b.yaml", text, "b.yaml")
    assert result.briefing is None
    assert result.problems and all(
        p.line == line_of(BASELINE, "  file: ../") for p in result.problems
    )
    assert any("U+0000" in p.message for p in result.problems)


def test_an_unreadable_file(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = lib / "secret.yaml"
    path.write_text(BASELINE, encoding="utf-8")
    (lib / "open.yaml").write_text(BASELINE.replace("catalogue-baseline", "open"), "utf-8")
    real_open = os.open

    def guarded(file: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if Path(str(file)).name == "secret.yaml":  # as chmod 000 would, even for root
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", guarded)  # files are opened with os.open (O_NONBLOCK)
    library = load_library([lib])
    [problem] = library.problems
    assert problem.path.endswith("secret.yaml")
    assert "cannot read the file (Permission denied)" in problem.message
    assert [b.id for b in library.briefings] == ["open"]
