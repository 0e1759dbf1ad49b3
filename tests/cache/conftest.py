"""What the cache tests share: file times outside the racy window, and a small library."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL

OLD = time.time() - 3600  # file times well outside the racy window


def age(*paths: Path) -> None:
    """Set the files' times an hour back (a fresh write is 'racy' and never cached)."""
    for p in paths:
        os.utime(p, (OLD, OLD))


def age_tree(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            age(p)


@pytest.fixture
def lib(library_dir: Path) -> Path:
    """The bundled library plus three small briefings, every file an hour old."""
    for i in range(3):
        (library_dir / f"extra-{i}.yaml").write_text(MINIMAL.format(id=f"extra-{i}"), "utf-8")
    age_tree(library_dir.parent)
    return library_dir
