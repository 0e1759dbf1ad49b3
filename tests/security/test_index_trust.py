"""Issue 13.2: the search index cache is checked (owner, mode, kind) before Whoosh opens it.

Whoosh's TOC files are pickles: a TOC planted in the cache by another user would run code
as the reader. Each test plants a TOC whose pickle creates a marker file, and checks that it
is never unpickled, that the index is rebuilt (or kept in memory) and that this is said once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import Library, load_library
from briefing_tui.paths import cache_dir
from briefing_tui.search import SearchIndex
from briefing_tui.search import store as search_store


class _Boom:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _plant_toc(gen: Path, marker: Path) -> Path:
    """Overwrite the generation's TOC with one whose pickled schema touches ``marker``."""
    import pickle

    from whoosh.filedb.structfile import StructFile
    from whoosh.index import _CURRENT_TOC_VERSION
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    (toc,) = gen.glob("_MAIN_*.toc")
    with toc.open("wb") as raw:
        f = StructFile(raw)
        for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
            f.write_varint(size)
        f.write_int(-12345)
        f.write_int(_CURRENT_TOC_VERSION)
        for part in (2, 7, 0):
            f.write_varint(part)
        f.write_string(pickle.dumps(_Boom(marker)))
        raw.flush()
    return toc


@pytest.fixture
def library(library_dir: Path, write_briefing: Callable[..., Path]) -> Library:
    write_briefing()
    return load_library([library_dir])


def _generation(library: Library) -> Path:
    base = search_store.library_dir(cache_dir(), library)
    return base / (base / search_store.CURRENT).read_text().strip()


def test_the_planted_toc_runs_when_trusted(library: Library, tmp_path: Path) -> None:
    """The payload is real: a TOC the user wrote is opened and its pickle runs."""
    SearchIndex.open(library).close()
    marker = tmp_path / "ran"
    _plant_toc(_generation(library), marker)
    SearchIndex.open(library).close()  # fails to be a usable index, but it was unpickled
    assert marker.exists()


@pytest.mark.parametrize(
    "plant",
    [
        pytest.param(lambda toc: os.chmod(toc, 0o666), id="world-writable-toc"),
        pytest.param(lambda toc: os.chmod(toc, 0o620), id="group-writable-toc"),
        pytest.param(lambda toc: os.chown(toc, 54321, 54321), id="toc-of-another-user"),
        pytest.param(lambda toc: os.chmod(toc.parent, 0o777), id="writable-generation"),
        pytest.param(lambda toc: os.chown(toc.parent, 54321, -1), id="generation-of-another"),
        pytest.param(
            lambda toc: os.chmod(toc.parent / search_store.MANIFEST, 0o646), id="writable-manifest"
        ),
    ],
)
def test_an_untrusted_index_is_never_unpickled_but_rebuilt_and_said_once(
    library: Library, tmp_path: Path, plant: Callable[[Path], None]
) -> None:
    SearchIndex.open(library).close()
    marker = tmp_path / "ran"
    toc = _plant_toc(_generation(library), marker)
    plant(toc)
    ix = SearchIndex.open(library)
    try:
        assert not marker.exists()
        assert ix.status == "built"
        assert "refused" in ix.notice
        assert ix.search("narcotics").hits
    finally:
        ix.close()
    again = SearchIndex.open(library)  # the rebuilt index is trusted: nothing more to say
    assert (again.status, again.notice) == ("cached", "")
    again.close()
    assert not marker.exists()


def test_a_planted_pointer_of_another_user_is_refused(library: Library, tmp_path: Path) -> None:
    SearchIndex.open(library).close()
    marker = tmp_path / "ran"
    _plant_toc(_generation(library), marker)
    base = search_store.library_dir(cache_dir(), library)
    os.chown(base / search_store.CURRENT, 54321, -1)
    ix = SearchIndex.open(library)
    assert not marker.exists() and ix.status == "built" and "refused" in ix.notice
    ix.close()


def _chain(library: Library) -> dict[str, Path]:
    gen = _generation(library)
    return {"cache": cache_dir(), "index": gen.parents[2], "version": gen.parents[1]} | {
        "library": gen.parent
    }


@pytest.mark.parametrize("folder", ["cache", "index", "version", "library"])
def test_a_cache_folder_of_another_user_is_neither_read_nor_written(
    library: Library, tmp_path: Path, folder: str
) -> None:
    SearchIndex.open(library).close()
    marker = tmp_path / "ran"
    gen = _generation(library)
    _plant_toc(gen, marker)
    os.chown(_chain(library)[folder], 54321, -1)
    before = sorted(p.name for p in gen.parent.iterdir())
    ix = SearchIndex.open(library)
    try:
        assert not marker.exists()
        assert ix.status == "memory" and ix.location is None
        assert "refused" in ix.notice and "another user" in ix.notice
        assert ix.search("narcotics").hits
    finally:
        ix.close()
    assert sorted(p.name for p in gen.parent.iterdir()) == before


@pytest.mark.parametrize("folder", ["cache", "index", "version", "library"])
def test_a_cache_folder_others_may_write_is_made_private_and_its_files_checked(
    library: Library, tmp_path: Path, folder: str
) -> None:
    """As an older version left it under umask 002; what another user planted in it (a
    file of theirs) is refused all the same."""
    SearchIndex.open(library).close()
    marker = tmp_path / "ran"
    toc = _plant_toc(_generation(library), marker)
    os.chown(toc, 54321, 54321)  # planted by another user
    path = _chain(library)[folder]
    os.chmod(path, 0o777)
    ix = SearchIndex.open(library)
    try:
        assert not marker.exists()
        assert ix.status == "built" and "refused" in ix.notice
        assert ix.search("narcotics").hits
    finally:
        ix.close()
    assert not path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    again = SearchIndex.open(library)
    assert (again.status, again.notice) == ("cached", "")
    again.close()


def test_making_a_folder_private_is_said_once(library: Library) -> None:
    SearchIndex.open(library).close()
    os.chmod(cache_dir(), 0o775)
    ix = SearchIndex.open(library)
    assert ix.status == "cached" and "private now" in ix.notice
    ix.close()
    again = SearchIndex.open(library)
    assert again.notice == ""
    again.close()


def test_the_cache_folders_and_index_files_are_private(library: Library) -> None:
    old = os.umask(0o002)  # a umask that would leave files group-writable
    try:
        SearchIndex.open(library).close()
    finally:
        os.umask(old)
    gen = _generation(library)
    for folder in (cache_dir() / "index", gen.parents[1], gen.parent, gen):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for f in [*gen.iterdir(), gen.parent / search_store.CURRENT]:
        assert not f.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH | stat.S_IRWXO), f
    again = SearchIndex.open(library)
    assert (again.status, again.notice) == ("cached", "")
    again.close()


def test_the_index_command_says_so_once(
    library: Library, library_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    SearchIndex.open(library).close()
    os.chmod(_plant_toc(_generation(library), tmp_path / "ran"), 0o666)
    assert main(["index", str(library_dir)]) == 0
    _, err = capsys.readouterr()
    assert err.count("refused") == 1 and "Traceback" not in err
    assert not (tmp_path / "ran").exists()
