"""``search`` and ``index`` through the library snapshot: only new and changed files are
parsed, only changed briefings re-indexed, hits read their briefings on demand."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from briefing_tui import cli
from briefing_tui.briefing import library as library_module
from briefing_tui.briefing.model import Briefing
from briefing_tui.cache import loading, pickles, snapshot
from briefing_tui.search import scan, schema
from briefing_tui.search.scan import scan_library
from briefing_tui.search.schema import rows_of
from tests.conftest import MINIMAL

OLD = time.time() - 3600  # outside the racy window: the snapshot trusts these files


def age(*paths: Path) -> None:
    """Set the files' times an hour back (a fresh write is 'racy' and never cached; a
    change of times is a change too: age only what was written)."""
    for p in paths:
        os.utime(p, (OLD, OLD))


def briefing(bid: str, word: str) -> str:
    text = MINIMAL.format(id=bid).replace("name: Pakistan", f"name: Pakistan\n    role: the {word}")
    assert word in text
    return text


@pytest.fixture
def lib(library_dir: Path) -> Path:
    """The bundled briefing and four small ones, each with a word of its own."""
    for i, word in enumerate(["albatross", "bittern", "cormorant", "dunlin"]):
        (library_dir / f"b{i}.yaml").write_text(briefing(f"b{i}", word), "utf-8")
    age(*(p for p in library_dir.parent.rglob("*") if p.is_file()))
    return library_dir


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every briefing file parsed (by the snapshot's loader), in order."""
    calls: list[Path] = []
    real = library_module.load_one

    def counting(path: Path) -> object:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(snapshot, "load_one", counting)
    monkeypatch.setattr(loading, "load_one", counting)  # what a scan loads
    monkeypatch.setattr(pickles, "load_one", counting)  # a result not read back
    return calls


@pytest.fixture
def unpickled(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files whose pickled results were read from the snapshot, in order (for a hit, or
    for the documents of a briefing to index)."""
    calls: list[Path] = []
    real = snapshot.LibraryCache._unpickled

    def counting(self: snapshot.LibraryCache, entry: object, path: Path) -> object:
        calls.append(path)
        return real(self, entry, path)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot.LibraryCache, "_unpickled", counting)
    read = pickles.read_located

    def reading(path: Path, where: object) -> object:  # the documents of a briefing indexed
        if where is not None:
            calls.append(path)
        return read(path, where)  # type: ignore[arg-type]

    monkeypatch.setattr(pickles, "read_located", reading)
    return calls


def search(lib: Path, capsys: pytest.CaptureFixture[str], *words: str) -> list[dict[str, str]]:
    code = cli.main(["search", "--json", "--data", str(lib), *words])
    out, _ = capsys.readouterr()
    assert code in (0, 1)
    hits: list[dict[str, str]] = json.loads(out)
    return hits


def index(lib: Path, capsys: pytest.CaptureFixture[str]) -> str:
    cli.main(["index", str(lib)])
    out, _ = capsys.readouterr()
    return out


def test_an_edit_is_found_after_parsing_only_that_file(
    lib: Path, capsys: pytest.CaptureFixture[str], parsed: list[Path]
) -> None:
    assert {h["briefing"] for h in search(lib, capsys, "bittern")} == {"b1"}
    assert len(parsed) == 5  # the first run parses everything
    parsed.clear()
    edited = lib / "b1.yaml"
    edited.write_text(briefing("b1", "egret"), "utf-8")
    age(edited)
    assert {h["briefing"] for h in search(lib, capsys, "egret")} == {"b1"}
    assert parsed == [edited]  # the scan parsed the edited file, and nothing else
    assert search(lib, capsys, "bittern") == []  # the old text is gone
    assert parsed == [edited]  # a search with nothing changed parses nothing


def test_added_and_removed_files(
    lib: Path, capsys: pytest.CaptureFixture[str], parsed: list[Path]
) -> None:
    search(lib, capsys, "albatross")
    parsed.clear()
    (lib / "b0.yaml").unlink()
    added = lib / "b9.yaml"
    added.write_text(briefing("b9", "flamingo"), "utf-8")
    age(added)
    assert search(lib, capsys, "albatross") == []
    assert {h["briefing"] for h in search(lib, capsys, "flamingo")} == {"b9"}
    assert parsed == [added]


def test_index_after_one_edit_reindexes_exactly_that_briefing(
    lib: Path, capsys: pytest.CaptureFixture[str], parsed: list[Path]
) -> None:
    assert "5 indexed" in index(lib, capsys)
    parsed.clear()
    (lib / "b2.yaml").write_text(briefing("b2", "grebe"), "utf-8")
    age(lib / "b2.yaml")
    out = index(lib, capsys)
    assert "(updated: 1 indexed" in out
    assert parsed == [lib / "b2.yaml"]
    os.utime(lib / "b3.yaml", (OLD + 60, OLD + 60))  # touched, not changed: parsed, kept
    out = index(lib, capsys)
    assert "(cached: 0 indexed" in out
    assert parsed == [lib / "b2.yaml", lib / "b3.yaml"]


def test_unchanged_briefings_are_never_unpickled(
    lib: Path, capsys: pytest.CaptureFixture[str], unpickled: list[int]
) -> None:
    index(lib, capsys)
    unpickled.clear()
    (lib / "b2.yaml").write_text(briefing("b2", "heron"), "utf-8")
    age(lib / "b2.yaml")
    index(lib, capsys)
    assert unpickled == []  # parsed: its documents come from the parse, none read back
    unpickled.clear()
    hits = search(lib, capsys, "heron")
    assert [h["briefing"] for h in hits] == ["b2"]
    assert unpickled == [lib / "b2.yaml"]  # the hit's briefing, for its title and snippet


def test_a_new_index_takes_each_briefings_documents_from_its_parse(
    lib: Path,
    capsys: pytest.CaptureFixture[str],
    unpickled: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cold index reads no result back from the snapshot: the scan's loads made each
    briefing's documents (cache/byproducts.py); the answers are those of an index made
    from the results read back."""
    queries = (["albatross"], ["pakistan"], ["kind:actor"], ["dunl"], ['"the cormorant"'])
    assert "built: 5 indexed" in index(lib, capsys)
    assert unpickled == []
    answers = [search(lib, capsys, *q) for q in queries]
    assert all(answers)
    unpickled.clear()
    monkeypatch.setattr(scan, "index_rows", lambda result: None)  # no documents made
    assert "built: 5 indexed" in index_anew(lib, capsys)
    assert sorted(unpickled) == sorted(lib.glob("*.yaml"))  # read back, each once
    assert [search(lib, capsys, *q) for q in queries] == answers


@pytest.mark.parametrize("damaged", [None, b"not marshal", rows_of("another", [])])
def test_documents_that_do_not_read_back_are_made_again(
    lib: Path,
    capsys: pytest.CaptureFixture[str],
    parsed: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    damaged: bytes | None,
) -> None:
    expected = search(lib, capsys, "bittern")
    assert [h["briefing"] for h in expected] == ["b1"]
    parsed.clear()
    monkeypatch.setattr(scan, "read_byproduct", lambda spot: damaged)
    assert "built: 5 indexed" in index_anew(lib, capsys)
    files = sorted(lib.glob("*.yaml"))
    assert sorted(parsed) == sorted(files + files)  # scanned, then parsed for its documents
    assert search(lib, capsys, "bittern") == expected


def test_a_briefings_rows_read_back_as_its_documents_and_only_as_its(seed: Briefing) -> None:
    assert tuple(f.name for f in dataclasses.fields(schema.RawDoc)) == schema._ROW
    docs = schema.raw_documents(seed)
    assert docs
    data = rows_of(seed.id, docs)
    assert schema.docs_of_rows(data, seed.id) == docs
    assert schema.docs_of_rows(data, "another") is None
    assert schema.docs_of_rows(data[: len(data) // 2], seed.id) is None
    assert schema.docs_of_rows(b"\x00garbage", seed.id) is None


def index_anew(lib: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``index --rebuild`` after removing the library snapshot: every file parsed again."""
    for snap in Path(os.environ["BRIEFING_TUI_CACHE"]).rglob("library-*"):
        snap.unlink()
    cli.main(["index", "--rebuild", str(lib)])
    out, _ = capsys.readouterr()
    return out


def test_the_scan_summarises_each_file(lib: Path, tmp_path: Path) -> None:
    (lib / "broken.yaml").write_text("format: 1\nid: [unclosed\n", "utf-8")
    (lib / "twin.yaml").write_text(briefing("b0", "ibis"), "utf-8")
    age(lib / "broken.yaml", lib / "twin.yaml")
    for _ in range(2):  # parsed, then from the snapshot: the same answers
        scanned = scan_library([lib], tmp_path / "snap")
        by_name = {Path(f.path).name: f for f in scanned.files}
        assert by_name["broken.yaml"].id is None and by_name["broken.yaml"].errors
        assert (
            by_name["b0.yaml"].digest and by_name["b0.yaml"].digest in scanned.plan.wanted.values()
        )
        assert sorted(scanned.plan.wanted) == sorted(
            ["b0", "b1", "b2", "b3", "pk-us-security-talks-2025-11"]
        )
        (dup,) = scanned.duplicates
        assert "twin.yaml" in dup and "'b0' is already used by" in dup
        assert scanned.files_with_errors == 1
    assert scanned.loaded == 1  # the second scan parsed only the broken file (never cached)


def test_errors_are_reported_and_the_rest_is_searched(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (lib / "broken.yaml").write_text("format: 1\nid: [unclosed\n", "utf-8")
    (lib / "twin.yaml").write_text(briefing("b0", "jacana"), "utf-8")
    age(lib / "broken.yaml", lib / "twin.yaml")
    for _ in range(2):  # the second time from the snapshot
        code = cli.main(["index", str(lib)])
        out, err = capsys.readouterr()
        assert code == 1
        assert "broken.yaml:2:" in err
        assert "twin.yaml: briefing id 'b0' is already used by" in err
        assert "5 briefings in the index" in out
    assert search(lib, capsys, "jacana") == []  # the second b0 is not shown (nor indexed)
    assert {h["briefing"] for h in search(lib, capsys, "albatross")} == {"b0"}


@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_a_damaged_snapshot_still_answers_right(
    lib: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    search(lib, capsys, "albatross")
    (snap,) = (Path(os.environ["BRIEFING_TUI_CACHE"]) / "libraries").glob("*.pickle")
    data = snap.read_bytes()
    snap.write_bytes(b"garbage" * 10 if damage == "garbage" else data[: len(data) * 2 // 3])
    (lib / "b0.yaml").write_text(briefing("b0", "kittiwake"), "utf-8")
    age(lib / "b0.yaml")
    assert {h["briefing"] for h in search(lib, capsys, "kittiwake")} == {"b0"}
    assert search(lib, capsys, "albatross") == []
    assert {h["briefing"] for h in search(lib, capsys, "dunlin")} == {"b3"}


def test_a_scan_from_another_directory_reuses_the_snapshot_and_names_files_from_there(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[Path]
) -> None:
    # an error in a file the snapshot keeps (it loads a briefing): its line names the file
    bad = lib / "b1.yaml"
    bad.write_text(briefing("b1", "bittern").replace("kind: country", "kind: planet"), "utf-8")
    age(bad)
    seen = []
    for cwd in (lib.parent, lib, lib.parent):  # "data/b1.yaml", "b1.yaml", "data/b1.yaml"
        monkeypatch.chdir(cwd)
        scanned = scan_library([lib], tmp_path / "snap")
        (line,) = (e for f in scanned.files for e in f.errors if "b1.yaml" in e)
        assert line.startswith(os.path.relpath(bad, cwd) + ":"), line
        seen.append((scanned.loaded, sorted(scanned.plan.wanted.items())))
    assert [n for n, _ in seen] == [5, 0, 0]  # parsed once, then reused from any directory
    assert seen[0][1] == seen[1][1] == seen[2][1]
    assert len(parsed) == 5


def test_a_warm_search_reads_the_snapshot_once(
    lib: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    index(lib, capsys)
    reads: list[int] = []
    real = snapshot.safe_to_read

    def counting(fd: int, max_bytes: int) -> bool:  # once per opening of the snapshot
        reads.append(fd)
        return real(fd, max_bytes)

    monkeypatch.setattr(snapshot, "safe_to_read", counting)
    assert {h["briefing"] for h in search(lib, capsys, "albatross")} == {"b0"}
    assert len(reads) == 1  # scanned and then read for the hit from the same opening
    reads.clear()
    (lib / "b3.yaml").write_text(briefing("b3", "puffin"), "utf-8")
    age(lib / "b3.yaml")
    assert {h["briefing"] for h in search(lib, capsys, "puffin")} == {"b3"}
    assert len(reads) == 2  # changed: the snapshot saved, then the new one read


def test_the_index_key_takes_each_files_folder(tmp_path: Path) -> None:
    """files_key cuts each name at its last separator: the same folder however the names
    spell it, another folder another key."""
    from briefing_tui.search.store import files_key

    (tmp_path / "d").mkdir()
    (tmp_path / "e").mkdir()
    d = str(tmp_path / "d")
    assert files_key([f"{d}//a.yaml", f"{d}/b.yaml"]) == files_key([f"{d}/c.yaml"])
    assert files_key([f"{d}/./a.yaml"]) == files_key([f"{d}/a.yaml"])
    assert files_key([f"{d}/a.yaml"]) != files_key([str(tmp_path / "e" / "a.yaml")])
    assert files_key([]) == "empty"
