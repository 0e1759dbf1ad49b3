"""Shared fixtures: the bundled library, and a way to write small briefings to disk."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.briefing.model import Briefing

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"
SEED_BRIEFING = DATA / "pakistan-us-security-talks.yaml"
SEED_ARTICLE = SEEDS / "pakistan-us-security-narcotics-immigration-talks.txt"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "000_721318118e9d10fc.txt"


def auto_workers(cores: int, override: str | None = None) -> int:
    """``-n auto``'s worker count: the cores and as many more, up to four more.

    A third of the suite's time is spent waiting: on tmux and SSH sessions, child processes,
    timers. On 2 cores, 2 workers ran it in 322 s, 3 in 254 s, 4 in 241 s (all passed).
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set, as in xdist.
    """
    if override:
        with contextlib.suppress(ValueError):
            return max(1, int(override))
    return cores + min(cores, 4)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return auto_workers(cores or 1, os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"))


def make_library_module() -> ModuleType:
    """The benchmark corpus generator, benchmarks/make_library.py, imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "make_library", ROOT / "benchmarks" / "make_library.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_library"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the user's real cache or state directories from a test."""
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("BRIEFING_TUI_CACHE", str(base / "cache"))
    monkeypatch.setenv("BRIEFING_TUI_STATE", str(base / "state"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)


@pytest.fixture(scope="session")
def seed_library() -> Library:
    library = load_library([DATA])
    assert not library.problems, [str(p) for p in library.problems]
    return library


@pytest.fixture(scope="session")
def seed(seed_library: Library) -> Briefing:
    return seed_library.briefings[0]


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled library (data/ and seeds/ side by side)."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "data"


MINIMAL = """\
format: 1
id: {id}
title: A small briefing
source:
  file: ../seeds/pakistan-us-security-narcotics-immigration-talks.txt
  title: Pakistan and the US agree to intensify cooperation
  when: {{precision: month, month: 2025-11}}
actors:
  - id: pakistan
    name: Pakistan
    kind: country
    evidence: ["Pakistan and the United States agreed"]
"""


@pytest.fixture
def write_briefing(library_dir: Path) -> Callable[..., Path]:
    """Write a briefing into the library copy: ``write_briefing(text, name="x.yaml")``."""

    def write(text: str | bytes | None = None, name: str = "extra.yaml", id: str = "extra") -> Path:
        path = library_dir / name
        content = MINIMAL.format(id=id) if text is None else text
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
