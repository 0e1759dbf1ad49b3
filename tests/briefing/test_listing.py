"""briefing_files walks directories itself (fast): the same files, in the same order, as the
straightforward ``Path.rglob`` + ``resolve`` listing it replaced, on awkward trees."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import BRIEFING_SUFFIXES, briefing_files


def reference(paths: Iterable[Path]) -> list[Path]:
    """The listing as it was first written (files only; problems are unchanged code)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in BRIEFING_SUFFIXES
                    and p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for rel in [
        "b.yaml",
        "a.yml",
        "C.YAML",
        "a-c.yaml",
        "a/b.yaml",
        "a/z/deep.yaml",
        "notes.txt",
        "x.yaml.bak",
        "x.yaml.",
        ".hidden.yaml",
        ".hid/inside.yaml",
        "sub/.also/inside.yaml",
        "sub/ok.yaml",
        "sub/ok2.yml",
    ]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("format: 1\n", "utf-8")
    (root / "dir.yaml").mkdir()  # a directory named like a briefing
    (root / "dir.yaml" / "in-dir.yaml").write_text("format: 1\n", "utf-8")
    (root / "link-to-b.yaml").symlink_to(root / "b.yaml")  # the same file twice
    (root / "broken.yaml").symlink_to(root / "missing.yaml")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.yaml").write_text("format: 1\n", "utf-8")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)  # not entered
    (root / "link-out.yaml").symlink_to(outside / "o.yaml")
    fifo = root / "pipe.yaml"
    os.mkfifo(fifo)
    return root


def test_the_same_files_in_the_same_order(tree: Path) -> None:
    files, problems = briefing_files([tree])
    assert files == reference([tree])
    # the dangling symlink is skipped, and said (a warning)
    assert [(p.path.rsplit("/", 1)[-1], p.severity) for p in problems] == [
        ("broken.yaml", "warning")
    ]
    names = [str(f.relative_to(tree)) for f in files]
    assert "b.yaml" in names and "link-to-b.yaml" not in names  # one file, listed once
    assert "a/b.yaml" in names and "dir.yaml/in-dir.yaml" in names
    assert not any(n.startswith(".") or "/." in n for n in names)
    assert "pipe.yaml" not in names and "broken.yaml" not in names


def test_the_first_files_come_in_the_same_order_without_listing_them_all(tree: Path) -> None:
    """first_files (the first screen's) walks the folders in library order, lazily."""
    from itertools import islice

    from briefing_tui.briefing.library import briefing_names, first_files

    seen: set[str] = set()
    found = []
    for f in first_files([tree, tree / "sub"]):  # deduplicated as briefing_names does
        if os.path.realpath(f) not in seen:
            seen.add(os.path.realpath(f))
            found.append(f)
    assert found == briefing_names([tree, tree / "sub"])[0]
    assert list(islice(first_files([tree]), 2)) == found[:2]
    assert list(first_files([tree / "b.yaml", tree / "missing"])) == [str(tree / "b.yaml")]


@pytest.mark.parametrize(
    "arrange",
    [
        lambda t: [t, t / "sub"],
        lambda t: [t / "sub", t],
        lambda t: [t / "b.yaml", t],
        lambda t: [t / "link-to-b.yaml", t / "a", t],
        lambda t: [t / "linked-dir", t],
        lambda t: [t / ".." / t.name],
        lambda t: [t / "sub" / ".." / "a"],
    ],
)
def test_overlapping_and_roundabout_paths(tree: Path, arrange) -> None:  # type: ignore[no-untyped-def]
    paths = arrange(tree)
    assert briefing_files(paths)[0] == reference(paths)


def test_a_symlinked_root_and_relative_paths(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(tree, target_is_directory=True)
    assert briefing_files([alias, tree])[0] == reference([alias, tree])
    monkeypatch.chdir(tmp_path)
    rel = [Path("lib"), Path("alias/sub")]
    assert briefing_files(rel)[0] == reference(rel)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable directories")
def test_an_unreadable_directory_is_skipped(tree: Path) -> None:
    locked = tree / "sub"
    locked.chmod(0)
    try:
        assert briefing_files([tree])[0] == reference([tree])
    finally:
        locked.chmod(0o755)
