"""Lint, format and type checks, configured in pyproject.toml, as part of the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


@pytest.mark.parametrize(
    "args", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"]
)
def test_ruff(args: list[str]) -> None:
    proc = subprocess.run(
        [tool("ruff"), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_the_core() -> None:
    proc = subprocess.run([tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_n_auto_runs_more_workers_than_cores_as_the_suite_waits_a_third_of_the_time() -> None:
    from tests.conftest import auto_workers

    assert [auto_workers(n) for n in (1, 2, 4, 16)] == [2, 4, 8, 20]
    assert auto_workers(2, "3") == 3  # xdist's own setting still decides
    assert auto_workers(2, "many") == 4
