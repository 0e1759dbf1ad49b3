"""The by-products of a scan's loads (cache/byproducts.py): kept in a file no one else can
name, read back whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from briefing_tui.cache import byproducts
from briefing_tui.cache.byproducts import Byproducts


def test_what_is_put_reads_back_from_a_file_no_one_else_can_name(tmp_path: Path) -> None:
    kept = Byproducts(tmp_path / "cache")
    spots = [kept.put(data) for data in (b"first", b"", b"third" * 1000)]
    assert all(spot is not None for spot in spots)
    assert [byproducts.read(s) for s in spots if s is not None] == [b"first", b"", b"third" * 1000]
    assert list((tmp_path / "cache").iterdir()) == []  # unlinked: nothing to find, or leave
    fd = spots[0][0] if spots[0] is not None else -1
    assert os.stat(fd).st_mode & 0o777 == 0o600
    kept.close()
    assert byproducts.read((fd, 0, 5)) != b"first"  # closed: gone


def test_a_read_cut_short_gives_nothing(tmp_path: Path) -> None:
    kept = Byproducts(tmp_path)
    spot = kept.put(b"abc")
    assert spot is not None
    fd, offset, length = spot
    assert byproducts.read((fd, offset, length + 1)) is None
    assert byproducts.read((fd, offset + 10, 1)) is None


def test_nowhere_to_keep_them_means_none_kept(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    kept = Byproducts(blocked / "cache")
    assert kept.put(b"data") is None
    assert kept.put(b"data") is None  # and it does not try again for every file
