"""Issue 13.4: ``source.file`` reads only articles inside the library."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import load_briefing
from tests.conftest import MINIMAL, SEED_ARTICLE

ARTICLE = "../seeds/pakistan-us-security-narcotics-immigration-talks.txt"


def with_source(path: str) -> str:
    return MINIMAL.format(id="outside").replace(ARTICLE, path)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A readable article outside the library (as /etc/passwd would be)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    secret = folder / "secret.txt"
    secret.write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    return secret


def _refused(library_dir: Path, source: str) -> str:
    path = library_dir / "outside.yaml"
    path.write_text(with_source(source), encoding="utf-8")
    result = load_briefing(path)
    assert result.briefing is None
    [problem] = result.problems
    assert (problem.line, problem.col) == (5, 9)  # the value of source.file
    assert "outside the library" in problem.message
    assert "articles may live in" in problem.message
    return problem.message


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda out: str(out), id="absolute"),
        pytest.param(lambda out: "../elsewhere/secret.txt", id="climbing"),
        pytest.param(lambda out: "../seeds/../../" + "../" * 20 + "etc/passwd", id="etc-passwd"),
        pytest.param(lambda out: "/etc/passwd", id="absolute-etc-passwd"),
    ],
)
def test_an_article_outside_the_library_is_refused(
    library_dir: Path, outside: Path, source: Callable[[Path], str]
) -> None:
    _refused(library_dir, source(outside))


def test_a_symlinked_article_that_leaves_is_refused(library_dir: Path, outside: Path) -> None:
    (library_dir.parent / "seeds" / "link.txt").symlink_to(outside)
    _refused(library_dir, "../seeds/link.txt")


def test_a_symlinked_folder_that_leaves_is_refused(library_dir: Path, outside: Path) -> None:
    (library_dir / "inner").symlink_to(outside.parent, target_is_directory=True)
    _refused(library_dir, "inner/secret.txt")


def test_a_symlinked_seeds_folder_that_leaves_is_refused(library_dir: Path, outside: Path) -> None:
    (library_dir.parent / "seeds").rename(library_dir.parent / "old-seeds")
    os.symlink(outside.parent, library_dir.parent / "seeds")
    _refused(library_dir, "../seeds/secret.txt")


def test_the_refused_article_is_never_indexed_or_exported(
    library_dir: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing_tui.cli import main

    outside.write_text("Zanzibarite password hunter2 was here.\n", encoding="utf-8")
    (library_dir / "outside.yaml").write_text(with_source(str(outside)), encoding="utf-8")
    assert main(["export", "--format", "json", str(library_dir)]) == 1
    out, err = capsys.readouterr()
    assert "hunter2" not in out and "outside the library" in err
    main(["search", "--data", str(library_dir), "hunter2"])
    out, _ = capsys.readouterr()
    assert "hunter2" not in out


@pytest.mark.parametrize("folder", ["below", "seeds", "articles", "sources"])
def test_articles_inside_the_library_still_load(
    library_dir: Path, write_briefing: Callable[..., Path], folder: str
) -> None:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    where = {
        "below": library_dir / "texts",
        "seeds": library_dir.parent / "seeds",
        "articles": library_dir.parent / "articles",
        "sources": library_dir.parent / "sources",
    }[folder]
    where.mkdir(exist_ok=True)
    (where / "a.txt").write_text(text, encoding="utf-8")
    named = "texts/a.txt" if folder == "below" else f"../{folder}/a.txt"
    write_briefing(MINIMAL.format(id="inside").replace(ARTICLE, named))
    library = load_library([library_dir])
    assert not library.problems, [str(p) for p in library.problems]
    assert len(library.briefings) == 2


def test_a_briefing_deep_in_the_library_may_use_the_seeds_beside_it(library_dir: Path) -> None:
    deeper = library_dir / "more" / "deeper"
    deeper.mkdir(parents=True)
    (deeper / "deep.yaml").write_text(
        MINIMAL.format(id="deep").replace("../seeds", "../../../seeds"), encoding="utf-8"
    )
    library = load_library([library_dir])
    assert not library.problems, [str(p) for p in library.problems]
    # a briefing file given alone: its folder is its library, the seeds two folders up
    # are outside it
    alone = library_dir.parent / "other" / "sub"
    alone.mkdir(parents=True)
    (alone / "x.yaml").write_text(
        MINIMAL.format(id="x").replace("../seeds", "../../seeds"), encoding="utf-8"
    )
    result = load_library([alone / "x.yaml"])
    assert not result.briefings
    assert "outside the library" in result.problems[0].message
