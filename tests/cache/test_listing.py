"""The library's listing kept in its snapshot: reused while its folders are unchanged, listed
again when one changes, never kept when it could not be trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_tui.briefing.library import briefing_names
from briefing_tui.cache import listing
from briefing_tui.cache.snapshot import LibraryCache
from tests.cache.conftest import age
from tests.conftest import MINIMAL


@pytest.fixture
def lib(library_dir: Path) -> Path:
    """The bundled library plus two briefings at the top, one in a sub-folder and a folder
    without any; every file and folder an hour old."""
    root = library_dir
    (root / "sub").mkdir()
    (root / "empty").mkdir()
    for name in ("a.yaml", "b.yaml", "sub/c.yaml"):
        bid = name.replace("/", "-").removesuffix(".yaml")
        text = MINIMAL.format(id=bid)
        if name.startswith("sub/"):  # its article, one folder further up
            text = text.replace("file: ../seeds/", "file: ../../seeds/")
        (root / name).write_text(text, "utf-8")
    age_all(root)
    return root


def age_all(root: Path) -> None:
    age(*root.rglob("*"), root)


def names(lib: Path, snapdir: Path) -> tuple[list[str], LibraryCache]:
    cache = LibraryCache([lib], snapdir)
    found, problems = cache.names()
    assert problems == []
    cache.scan()  # saves the snapshot (with the listing)
    return found, cache


def not_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "briefing_names", lambda *_: pytest.fail("listed again"))


def test_unchanged_folders_reuse_the_listing(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = names(lib, tmp_path / "snap")
    assert first == briefing_names([lib])[0] and len(first) == 4
    not_listed(monkeypatch)
    again, cache = names(lib, tmp_path / "snap")
    assert again == first
    assert cache.hits == 4  # the files themselves are still statted and taken from it


@pytest.mark.parametrize("where", ["", "sub", "empty"])
def test_a_file_added_in_any_folder_is_found(lib: Path, tmp_path: Path, where: str) -> None:
    names(lib, tmp_path / "snap")
    (lib / where / "new.yaml").write_text(MINIMAL.format(id="new"), "utf-8")
    found, _ = names(lib, tmp_path / "snap")
    assert str(lib / where / "new.yaml") in found
    assert found == briefing_names([lib])[0]


def test_a_removed_or_renamed_file_is_gone(lib: Path, tmp_path: Path) -> None:
    names(lib, tmp_path / "snap")
    (lib / "sub" / "c.yaml").rename(lib / "sub" / "d.yaml")
    (lib / "a.yaml").unlink()
    found, _ = names(lib, tmp_path / "snap")
    assert found == briefing_names([lib])[0]
    assert str(lib / "a.yaml") not in found and str(lib / "sub" / "d.yaml") in found


def test_a_folder_replaced_is_listed_again(lib: Path, tmp_path: Path) -> None:
    names(lib, tmp_path / "snap")
    (lib / "sub").rename(tmp_path / "old-sub")
    (lib / "sub").mkdir()
    (lib / "sub" / "e.yaml").write_text(MINIMAL.format(id="e"), "utf-8")
    age_all(lib)  # even with the same times as before, the folder is another one
    found, _ = names(lib, tmp_path / "snap")
    assert found == briefing_names([lib])[0] and str(lib / "sub" / "e.yaml") in found


def test_a_folder_just_modified_is_not_trusted(lib: Path, tmp_path: Path) -> None:
    os.utime(lib / "sub")  # now: a change within the same tick could go unseen
    _, cache = names(lib, tmp_path / "snap")
    assert cache._listing_kept is None
    age_all(lib)
    _, cache = names(lib, tmp_path / "snap")
    assert cache._listing_kept is not None


def test_symlinked_briefings_and_problems_are_never_kept(lib: Path, tmp_path: Path) -> None:
    (lib / "link.yaml").symlink_to(lib / "a.yaml")
    age_all(lib)
    _, cache = names(lib, tmp_path / "snap")
    assert cache._listing_kept is None
    (lib / "link.yaml").unlink()
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    age(nothing)
    cache = LibraryCache([lib, nothing], tmp_path / "snap2")
    _, problems = cache.names()
    assert problems and cache._listing_kept is None  # "no briefing files" in it


def test_another_working_directory_lists_again(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(lib)
    first, _ = names(Path("."), tmp_path / "snap")
    assert first == briefing_names([Path(".")])[0] and "./a.yaml" in first
    monkeypatch.chdir(lib / "sub")
    found, _ = names(Path(".."), tmp_path / "snap")
    assert found == briefing_names([Path("..")])[0]


def test_absolute_paths_reuse_the_listing_from_another_working_directory(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lib.is_absolute()
    monkeypatch.chdir(lib)
    first, _ = names(lib, tmp_path / "snap")
    monkeypatch.chdir(tmp_path)
    not_listed(monkeypatch)
    again, cache = names(lib, tmp_path / "snap")
    assert again == first == briefing_names([lib])[0]
    assert cache.hits == 4
