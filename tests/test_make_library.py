"""The benchmark corpus generator makes valid, deterministic, realistic libraries."""

from __future__ import annotations

import sys
from pathlib import Path

from briefing_tui.briefing.library import load_library
from tests.conftest import ROOT, make_library_module


def test_generated_library_validates_and_is_realistic(tmp_path: Path) -> None:
    make_library_module().main(["--briefings", "60", str(tmp_path / "lib")])
    library = load_library([tmp_path / "lib"])
    assert [str(p) for p in library.problems] == []
    assert len(library.briefings) == 60
    shared = [a for a in library.actors if len(a.briefings) > 1 and a.actor.kind == "person"]
    assert len(shared) >= 10, "people recur across briefings"
    years = {e.when.year for b in library.briefings for e in b.context if e.when.year}
    assert len(years) >= 4, "months spread over several years"
    for b in library.briefings:
        assert len(b.source.sentences) >= 5
        assert all(it.evidence for it in (*b.actors, *b.commitments, *b.context))


def test_generator_is_deterministic(tmp_path: Path) -> None:
    mod = make_library_module()
    mod.main(["--briefings", "5", str(tmp_path / "a")])
    mod.main(["--briefings", "5", str(tmp_path / "b")])
    mod.main(["--briefings", "5", "--seed", "2", str(tmp_path / "c")])
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 10
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert any(
        (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes() for f in files
    )


def test_names_never_run_out_for_a_large_library() -> None:
    """Past ~63,000 briefings the generator ran out of unique names and hung: the pool of
    people for a 150,000-briefing library is made, promptly, of unique names and ids."""
    import subprocess

    code = (
        "import random, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
        "import make_library as m\n"
        "pool = m.Pool.make(random.Random(1), 50_000)\n"
        "names = [p[1] for p in pool.people]; ids = [p[0] for p in pool.people]\n"
        "print(len(names), len(set(names)), len(set(ids)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["50000", "50000", "50000"]
