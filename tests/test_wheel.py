"""A plain, non-editable install (as pipx does) carries the bundled library and finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (whl,) = out.glob("briefing_tui-*.whl")
    return whl


def test_wheel_carries_data_seeds_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "briefing_tui/bundled/data/pakistan-us-security-talks.yaml" in names
    assert (
        "briefing_tui/bundled/seeds/pakistan-us-security-narcotics-immigration-talks.txt" in names
    )
    assert "briefing_tui/briefing/briefing.schema.json" in names
    assert any(n.endswith(".tcss") for n in names) or not list(
        (ROOT / "briefing_tui").rglob("*.tcss")
    )


def test_installed_wheel_validates_its_bundled_library_from_elsewhere(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-m", "briefing_tui", "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 briefing file checked: 0 errors" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-c", "import briefing_tui.paths as p; print(p.bundled_library())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.stdout.strip().startswith(str(target)), proc.stdout
