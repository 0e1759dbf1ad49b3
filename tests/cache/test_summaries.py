"""The app's summaries kept beside the snapshot (briefing_tui/cache/summaries.py): a library
opened again reads no result to summarise it, and any doubt means reading as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing_tui.briefing.library import OnDemandLibrary, load_library
from briefing_tui.cache import snapshot as libcache
from briefing_tui.cache.opening import open_library
from briefing_tui.cache.snapshot import LibraryCache
from briefing_tui.cache.summaries import SummaryFile
from briefing_tui.collector import gc_paused
from briefing_tui.watch import LibraryWatcher
from tests.cache.conftest import age
from tests.conftest import MINIMAL


def open_app_library(lib: Path, snapdir: Path) -> tuple[OnDemandLibrary, LibraryWatcher, int]:
    """The library as the app opens it; how many results were unpickled or parsed."""
    cache = LibraryCache([lib], snapdir)
    watcher = LibraryWatcher([lib], loader=cache.result, store=cache, known=SummaryFile(cache))
    with gc_paused():
        library = open_library(cache, watcher.load)[0]
    assert isinstance(library, OnDemandLibrary)
    return library, watcher, watcher.reads


def same_library(a: OnDemandLibrary, b: OnDemandLibrary) -> None:
    assert a.summaries == b.summaries and a.paths == b.paths and a.problems == b.problems
    assert [a.briefing(i) for i in a.ids] == [b.briefing(i) for i in b.ids]


def test_a_library_opened_again_reads_no_result(lib: Path, tmp_path: Path) -> None:
    first, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4 and (tmp_path / "snap").glob("*.summaries")
    again, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 0  # every summary as kept: no result unpickled, no file parsed
    same_library(first, again)
    whole = load_library([lib])
    assert again.summaries == whole.summaries and again.problems == whole.problems
    assert again.briefing("extra-1") == whole.briefing("extra-1")  # read from the snapshot


def test_summaries_kept_in_several_pickles_read_back_whole(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written CHUNK files to a pickle (one unpickling call never holds the interpreter
    long); a file that ends before its last pickle is not used."""
    from briefing_tui.cache import summaries

    monkeypatch.setattr(summaries, "CHUNK", 3)  # 4 files: two pickles after the header
    first, _, _ = open_app_library(lib, tmp_path / "snap")
    kept = SummaryFile(LibraryCache([lib], tmp_path / "snap"))
    assert len(kept.read()) == 4
    again, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 0
    same_library(first, again)
    data = kept.path.read_bytes()
    kept.path.write_bytes(data[: len(data) - 40])  # the second pickle cut short
    assert kept.read() == {}
    _, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4


def test_an_edited_file_is_summarised_anew(lib: Path, tmp_path: Path) -> None:
    open_app_library(lib, tmp_path / "snap")
    edited = lib / "extra-1.yaml"
    edited.write_text(MINIMAL.format(id="extra-1").replace("A small briefing", "Edited"), "utf-8")
    age(edited)
    library, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 1
    assert library.summary("extra-1").title == "Edited"  # type: ignore[union-attr]
    again, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 0 and again.summary("extra-1").title == "Edited"  # type: ignore[union-attr]


def test_a_file_with_problems_is_always_read(lib: Path, tmp_path: Path) -> None:
    warned = lib / "extra-2.yaml"
    warned.write_text(MINIMAL.format(id="extra-2") + "unknown_field: 1\n", "utf-8")
    age(warned)
    open_app_library(lib, tmp_path / "snap")
    library, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 1 and any("unknown_field" in p.message for p in library.problems)


def test_summaries_for_other_code_or_another_directory_are_not_used(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_app_library(lib, tmp_path / "snap")
    monkeypatch.chdir(tmp_path)  # positions and names are written as seen from here
    _, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4
    monkeypatch.setattr(libcache.LibraryCache, "identity", lambda self: ("other code",))
    _, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4


@pytest.mark.parametrize("damage", ["mode", "bytes", "symlink"])
def test_unsafe_or_damaged_summaries_are_ignored(lib: Path, tmp_path: Path, damage: str) -> None:
    first, _, _ = open_app_library(lib, tmp_path / "snap")
    (kept,) = (tmp_path / "snap").glob("*.summaries")
    if damage == "mode":
        kept.chmod(0o666)
    elif damage == "bytes":
        data = bytearray(kept.read_bytes())
        data[len(data) // 2 :] = b"\x00" * (len(data) - len(data) // 2)
        kept.write_bytes(bytes(data))
    else:
        elsewhere = tmp_path / "elsewhere"
        kept.rename(elsewhere)
        kept.symlink_to(elsewhere)
    library, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4
    same_library(first, library)


def test_a_summary_is_used_only_with_the_snapshot_entry_it_was_made_with(
    lib: Path, tmp_path: Path
) -> None:
    """The snapshot written anew (its entries from another load of the same files, say by
    another process): the kept summaries still match the files' signatures, so they are used;
    a snapshot gone means every file is read."""
    open_app_library(lib, tmp_path / "snap")
    (snap,) = (tmp_path / "snap").glob("*.pickle")
    snap.unlink()
    _, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4


def test_a_planted_payload_in_the_summaries_never_runs(lib: Path, tmp_path: Path) -> None:
    import pickle

    from briefing_tui.cache import summaries

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, (f"touch {marker}",))

    open_app_library(lib, tmp_path / "snap")
    (kept,) = (tmp_path / "snap").glob("*.summaries")
    kept.write_bytes(summaries.MAGIC + pickle.dumps(Payload()))  # the user's own file, 0600
    _, _, reads = open_app_library(lib, tmp_path / "snap")
    assert reads == 4 and not marker.exists()
