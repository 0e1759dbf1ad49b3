"""`briefing-tui new`: a starter briefing that validates, with warnings for what is left to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.briefing.coverage import coverage, curation_report, is_stub
from briefing_tui.briefing.drafting import find_candidates
from briefing_tui.briefing.loader import load_briefing, load_text
from briefing_tui.briefing.model import Briefing
from briefing_tui.briefing.scaffold import Created, Refused, create, render, schema_ref
from briefing_tui.briefing.schema import SCHEMA_PATH
from briefing_tui.briefing.sentences import split_sentences
from briefing_tui.briefing.text import slugify
from briefing_tui.cli import main
from tests.conftest import ROOT, SEED_ARTICLE

SLUG = "pakistan-us-security-narcotics-immigration-talks"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """The seed article, outside any library."""
    path = tmp_path / "in" / SEED_ARTICLE.name
    path.parent.mkdir()
    shutil.copyfile(SEED_ARTICLE, path)
    return path


def new(*args: str) -> int:
    return main(["new", *args])


def loaded(path: Path) -> Briefing:
    result = load_briefing(path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.briefing is not None
    return result.briefing


def test_scaffold_validates_with_warnings(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "lib" / "data"
    assert new(str(article), "--out", str(out_dir)) == 0
    said = capsys.readouterr().out
    briefing_path = out_dir / f"{SLUG}.yaml"
    assert briefing_path.is_file()
    assert "16 numbered sentences" in said

    assert main(["validate", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert " error" not in out
    assert ": warning: " in out
    assert "0 errors" in err
    # What is still to do: the titles, the date, the stubs and the uncited sentences.
    assert "title is still to do" in out
    assert "source.when.basis is still to do" in out
    assert "actor 'mohsin-naqvi' (Mohsin Naqvi) is a stub marked to review" in out
    assert "warning: coverage " in out
    # --strict turns what is left to do into a failure.
    assert main(["validate", "--strict", str(out_dir)]) == 1
    capsys.readouterr()


def test_scaffold_copies_the_article_where_source_file_points(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "lib" / "data"
    assert new(str(article), "--out", str(out_dir)) == 0
    capsys.readouterr()
    b = loaded(out_dir / f"{SLUG}.yaml")
    # --out DIR with no seeds/ beside it: the article goes inside DIR, never outside it
    copy = out_dir / "seeds" / f"{SLUG}.txt"
    assert not (tmp_path / "lib" / "seeds").exists()
    assert b.source.file == f"seeds/{SLUG}.txt"
    assert b.source.path == copy.resolve()
    assert copy.read_bytes() == article.read_bytes()


def test_scaffold_numbers_every_sentence(tmp_path: Path, article: Path) -> None:
    result = create(article, tmp_path / "data")
    assert isinstance(result, Created)
    text = result.briefing.read_text(encoding="utf-8")
    sentences = split_sentences(article.read_text(encoding="utf-8"))
    assert len(sentences) == result.sentences == 16
    for s in sentences:
        assert f"# [{s.number}] {s.text}\n" in text
    # The schema header is the first line, for editors.
    assert text.startswith("# yaml-language-server: $schema=")


def test_scaffold_candidate_actors(tmp_path: Path, article: Path) -> None:
    result = create(article, tmp_path / "data")
    assert isinstance(result, Created)
    b = loaded(result.briefing)
    names = {a.name for a in b.actors}
    # Names the article gives (read from the article, not from the implementation).
    for name in [
        "Pakistan",
        "United States",
        "Mohsin Naqvi",
        "Natalie Baker",
        "Afghanistan",
        "National Narcotics Coordination Centre",
        "China",
        "Marco Rubio",
        "New Delhi",
        "Shehbaz Sharif",
    ]:
        assert name in names
    # Sentence openers, months and weekdays are not names.
    for word in [
        "Even",
        "Earlier",
        "After",
        "In",
        "On",
        "For",
        "He",
        "The",
        "November",
        "Saturday",
    ]:
        assert word not in names
    # A title before a name becomes the role; a lone surname joins the full name as an alias.
    naqvi = next(a for a in b.actors if a.id == "mohsin-naqvi")
    assert naqvi.role == "Interior Minister"
    assert naqvi.aliases == ("Naqvi",)
    assert "Naqvi" not in names
    rubio = next(a for a in b.actors if a.id == "marco-rubio")
    assert rubio.role == "US Secretary of State"
    assert rubio.kind.value == "person"
    # Each candidate is a stub, deduplicated, with a real quote of the sentence it was found in.
    assert all(is_stub(a) for a in b.actors)
    assert len(names) == len(b.actors)
    for a in b.actors:
        assert a.evidence
        found_in = int(a.note.split("sentence ")[1].split(";")[0])
        assert a.evidence[0].sentences == (found_in,)


def test_stub_warnings_replace_mention_warnings(tmp_path: Path, article: Path) -> None:
    result = create(article, tmp_path / "data")
    assert isinstance(result, Created)
    report = curation_report([load_briefing(result.briefing)])
    b = loaded(result.briefing)
    assert not [w for w in report.warnings if "unlinked mention" in w.message]
    stubs = [w for w in report.warnings if "stub marked to review" in w.message]
    assert len(stubs) == len(b.actors)
    # The stubs cite only where they were found: coverage is partial.
    assert coverage(b).uncited


def test_default_id_is_the_slugified_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "My Article (Draft) – Zürich.TXT"
    src.write_text("Officials met in Geneva on Monday.\n", encoding="utf-8")
    out_dir = tmp_path / "data"
    assert new(str(src), "--out", str(out_dir)) == 0
    capsys.readouterr()
    b = loaded(out_dir / "my-article-draft-zurich.yaml")
    assert b.id == "my-article-draft-zurich"
    assert (out_dir / "seeds" / "my-article-draft-zurich.txt").is_file()
    assert [a.name for a in b.actors] == ["Geneva"]


def test_id_option_and_reusing_an_article(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "data"
    assert new(str(article), "--out", str(out_dir), "--id", "first") == 0
    assert new(str(article), "--out", str(out_dir), "--id", "second") == 0
    said = capsys.readouterr().out
    assert "reused the article" in said
    assert loaded(out_dir / "first.yaml").source.path == loaded(out_dir / "second.yaml").source.path
    # Two briefings of one article in one library: a valid library.
    assert main(["validate", str(out_dir)]) == 0
    capsys.readouterr()


def test_out_uses_the_seeds_folder_beside_it_when_there_is_one(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seeds").mkdir()
    out_dir = tmp_path / "data"
    assert new(str(article), "--out", str(out_dir)) == 0
    capsys.readouterr()
    assert loaded(out_dir / f"{SLUG}.yaml").source.path == (tmp_path / "seeds" / article.name)
    assert not (out_dir / "seeds").exists()


def test_scaffold_from_the_seeds_folder_itself(
    library_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds_article = library_dir.parent / "seeds" / SEED_ARTICLE.name
    assert new(str(seeds_article), "--out", str(library_dir), "--id", "again") == 0
    capsys.readouterr()
    assert loaded(library_dir / "again.yaml").source.path == seeds_article.resolve()


def test_refuses_to_overwrite(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "data"
    assert new(str(article), "--out", str(out_dir)) == 0
    target = out_dir / f"{SLUG}.yaml"
    target.write_text("# my edits\n", encoding="utf-8")
    capsys.readouterr()
    assert new(str(article), "--out", str(out_dir)) == 1
    _, err = capsys.readouterr()
    assert "already exists" in err and "never overwritten" in err
    assert "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "# my edits\n"
    # A .yml briefing of that id counts too.
    (out_dir / "other.yml").write_text("# mine\n", encoding="utf-8")
    assert new(str(article), "--out", str(out_dir), "--id", "other") == 1
    assert not (out_dir / "other.yaml").exists()
    capsys.readouterr()


def test_refuses_a_different_article_of_the_same_name(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / f"{SLUG}.txt").write_text("Another text.\n", encoding="utf-8")
    assert new(str(article), "--out", str(tmp_path / "data")) == 1
    _, err = capsys.readouterr()
    assert "different article" in err
    assert (seeds / f"{SLUG}.txt").read_text(encoding="utf-8") == "Another text.\n"
    assert not (tmp_path / "data" / f"{SLUG}.yaml").exists()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"Caf\xe9 au lait.\n", 1, "x.txt:1:4: the file is not UTF-8 text"),
        (b"", 1, "the article is empty"),
        (b"\n  \n", 1, "the article is empty"),
        (b"Red \x1b[31mtext\n", 1, "x.txt:1:5: the article contains the control character"),
        (b"Binary\x00data\n", 1, "NUL byte"),
        (None, 2, "x.txt: no such file"),
    ],
    ids=["not-utf8", "empty", "blank", "escape", "nul", "missing"],
)
def test_bad_article(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    code: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        Path("x.txt").write_bytes(content)
    assert new("x.txt", "--out", "lib") == code
    out, err = capsys.readouterr()
    assert err.startswith("briefing-tui new: ")
    assert message in err
    assert "Traceback" not in err and out == ""
    assert not Path("lib").exists() and not Path("seeds").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "Not An Id"], "is not a valid id"),
        (["--out", "x.txt"], "--out must be a directory"),
    ],
)
def test_usage_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_text("Some text.\n", encoding="utf-8")
    assert new("x.txt", *args) == 2
    assert message in capsys.readouterr().err
    assert not Path("data").exists()


def test_default_out_is_data_beside_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("note.txt").write_text("Ms Ada Lovelace wrote to Charles Babbage.\n", encoding="utf-8")
    assert new("note.txt") == 0
    assert "wrote data/note.yaml" in capsys.readouterr().out
    b = loaded(Path("data/note.yaml"))
    assert b.source.path == (tmp_path / "seeds" / "note.txt").resolve()
    assert {a.name for a in b.actors} == {"Ada Lovelace", "Charles Babbage"}


def test_schema_header_path() -> None:
    # In a checkout the schema sits beside data/: the path the format documentation shows.
    assert schema_ref(ROOT / "data") == "../briefing_tui/briefing/briefing.schema.json"
    assert (ROOT / "data" / schema_ref(ROOT / "data")).resolve() == SCHEMA_PATH.resolve()


def test_schema_header_elsewhere_resolves(tmp_path: Path, article: Path) -> None:
    result = create(article, tmp_path / "data")
    assert isinstance(result, Created)
    first = result.briefing.read_text(encoding="utf-8").splitlines()[0]
    ref = first.removeprefix("# yaml-language-server: $schema=")
    assert (result.briefing.parent / ref).resolve() == SCHEMA_PATH.resolve()


def test_headline_becomes_the_title(tmp_path: Path) -> None:
    src = tmp_path / "story.txt"
    src.write_text(
        "Ministers agree on a new water plan\n\nThe Water Board said on Monday that it agreed.\n",
        encoding="utf-8",
    )
    result = create(src, tmp_path / "data")
    assert isinstance(result, Created)
    b = loaded(result.briefing)
    assert b.title == b.source.title == "Ministers agree on a new water plan"
    report = curation_report([load_briefing(result.briefing)])
    todo = [w.message for w in report.warnings if "still to do" in w.message]
    assert not [m for m in todo if m.startswith(("title", "source.title"))]
    assert [a.name for a in b.actors] == ["Water Board"]
    assert b.actors[0].kind.value == "organisation"


def test_candidates_on_small_texts() -> None:
    def names(text: str) -> list[tuple[str, str, str]]:
        return [(c.name, c.kind, c.role) for c in find_candidates(text, split_sentences(text))]

    assert names("Officials said Mr. Trump spoke to President Emmanuel Macron.") == [
        ("Trump", "person", ""),
        ("Emmanuel Macron", "person", "President"),
    ]
    assert names("The Bank of England raised rates in Pakistan’s favour.") == [
        ("Bank of England", "organisation", ""),
        ("Pakistan", "country", ""),
    ]
    # A title-case headline says nothing about names; a bare title is not a name.
    assert names("Big News From The Capital Today\nThe Prime Minister left.") == []
    # "Smith" at a sentence start counts because the text capitalises it elsewhere too.
    assert [n for n, _, _ in names("Smith left. Later Jane Smith said so.")] == ["Jane Smith"]


def test_quote_is_widened_until_it_points_at_its_sentence(tmp_path: Path) -> None:
    """Evidence maps to the first place a quote occurs: "Baker" first occurs inside
    "Bakersfield", so the quote of the candidate found in sentence 2 must be wider."""
    src = tmp_path / "b.txt"
    src.write_text("Officials from Bakersfield met.\nLater, Ms Baker spoke.\n", encoding="utf-8")
    cands = find_candidates(src.read_text(encoding="utf-8"), split_sentences(src.read_text()))
    assert [(c.name, c.quote) for c in cands] == [
        ("Bakersfield", "Bakersfield"),
        ("Baker", "Ms Baker"),
    ]
    src.write_text("Officials from Bakersfield met.\nLater Baker spoke.\n", encoding="utf-8")
    result = create(src, tmp_path / "data")
    assert isinstance(result, Created)
    b = loaded(result.briefing)
    baker = next(a for a in b.actors if a.name == "Baker")
    assert baker.evidence[0].sentences == (2,)
    assert baker.evidence[0].quote != "Baker"


def test_awkward_characters_survive_into_valid_yaml(tmp_path: Path) -> None:
    text = (
        'He said "yes": C:\\temp #1 is Anna\'s — “Ünïcode” Émile Zola.\n'
        "Line\u2028separator with Jean Valjean and a tab\there.\n"
        "Bob O’Neil: {not: yaml} [nor] & *this | > Karl Marx.\n"
    )
    src = tmp_path / "odd.txt"
    src.write_text(text, encoding="utf-8")
    result = create(src, tmp_path / "data")
    assert isinstance(result, Created)
    b = loaded(result.briefing)
    assert {"Émile Zola", "Jean Valjean", "Karl Marx"} <= {a.name for a in b.actors}


def test_slugify() -> None:
    assert slugify("Pakistan–US talks (draft)") == "pakistan-us-talks-draft"
    assert slugify("Émile  Zola") == "emile-zola"
    assert slugify("日本") == ""


_WORDS = st.sampled_from(
    [
        "Alice",
        "Bob",
        "the",
        "of",
        "Bank",
        "met",
        "said",
        "Mr.",
        "O’Neil",
        "US",
        "us",
        "Paris",
        "“Hello”",
        "it's",
        "Prime",
        "Minister",
        "Zoë",
        "—",
        "and",
        "New",
        "York",
        '"',
        ":",
        "#",
    ]
)
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
_ARTICLE = st.lists(
    st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=5
).map("\n".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_ARTICLE)
def test_any_article_scaffolds_to_a_valid_briefing(tmp_path: Path, text: str) -> None:
    sentences = split_sentences(text)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    candidates = find_candidates(text, sentences)
    body = render("x", "a.txt", "a.txt", sentences, candidates, "schema.json")
    result = load_text(tmp_path / "x.yaml", body)
    assert result.ok, [str(p) for p in result.problems]
    assert result.briefing is not None
    assert len(result.briefing.actors) == len(candidates)


def test_refused_is_a_value(tmp_path: Path) -> None:
    result = create(tmp_path / "missing.txt", tmp_path / "data")
    assert isinstance(result, Refused)
    assert result.exit_code == 2
    assert str(result).endswith("missing.txt: no such file")


WATER_PLAN = (
    "Ministers agree on a new water plan\n\nThe Water Board said on Monday that it had agreed "
    "with Mayor Ana Ruiz to cut leaks by half. Ruiz said the plan would start in spring.\n"
)


def test_curating_walkthrough_matches_the_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/curating.md shows real output of `new` and `validate`; keep it so."""
    doc = (ROOT / "docs" / "curating.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    Path("water-plan.txt").write_text(WATER_PLAN, encoding="utf-8")
    assert new("water-plan.txt") == 0
    said = capsys.readouterr().out
    for line in said.splitlines():
        assert line in doc
    assert main(["validate", "data/water-plan.yaml"]) == 0
    out, err = capsys.readouterr()
    for line in [*out.splitlines(), err.strip()]:
        assert line in doc


def test_a_file_name_without_latin_letters_needs_an_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("日本.txt").write_text("Tokyo hosted the Group of Seven.\n", encoding="utf-8")
    assert new("日本.txt") == 2
    assert "pass --id ID" in capsys.readouterr().err
    assert new("日本.txt", "--id", "japan") == 0
    capsys.readouterr()
    b = loaded(Path("data/japan.yaml"))
    assert b.source.path == (tmp_path / "seeds" / "japan.txt").resolve()


PORTS = (
    "Ports deal signed in Lisbon\n\nLISBON, 14 March 2026 — Portugal and Brazil signed a ports "
    "agreement on Friday, Economy Minister Ana Ruiz said. Joao Silva, the head of the port "
    "authority, welcomed the deal. Silva noted that cargo would double, according to Ruiz. "
    "He said the first ships would arrive in May.\n"
)


def test_a_fresh_article_as_a_new_curator_meets_it(tmp_path: Path) -> None:
    """The curator's findings: people as countries, a dateline word as an actor, the
    dateline's date ignored, surnames not merged; each fixed, and spans drafted."""
    src = tmp_path / "ports.txt"
    src.write_text(PORTS, encoding="utf-8")
    result = create(src, tmp_path / "data")
    assert isinstance(result, Created)
    text = result.briefing.read_text(encoding="utf-8")
    b = loaded(result.briefing)
    assert b.format == 2
    actors = {a.name: a for a in b.actors}
    # people are people, with their surname-only mentions merged as aliases
    assert actors["Ana Ruiz"].kind.value == "person" and actors["Ana Ruiz"].aliases == ("Ruiz",)
    assert actors["Ana Ruiz"].role == "Economy Minister"
    assert actors["Joao Silva"].kind.value == "person"
    assert actors["Joao Silva"].aliases == ("Silva",)
    assert "Silva" not in actors and "Ruiz" not in actors
    # the dateline gives the place and the day; its word is not an actor found there
    assert b.source.place == "Lisbon"
    when = b.source.when
    assert (when.precision.value, when.month, when.day) == ("day", "2026-03", 14)
    assert "LISBON" not in actors
    assert all(a.evidence[0].sentences != (2,) for a in b.actors if a.name == "Lisbon")
    # spans drafted from the reporting verbs
    said = {sp.sentences[0]: sp.attribution for sp in b.spans}
    assert len(said) == len(b.source.sentences)
    assert said[2].speaker == "ana-ruiz" and said[2].voice.value == "paraphrased"
    assert said[4].speaker == "ana-ruiz"  # "according to Ruiz"
    assert said[3].speaker == "writer" and said[3].voice.value == "reported"
    assert said[5].speaker == "unknown" and said[5].certainty.value == "uncertain"
    # no absolute path of this machine in the schema header
    first = text.splitlines()[0]
    assert not first.removeprefix("# yaml-language-server: $schema=").startswith("/")
    # and it loads without errors, the attribution rules included
    assert load_briefing(result.briefing).ok


def test_an_id_already_used_in_the_library_is_not_duplicated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "data"
    out_dir.mkdir()
    (out_dir / "older.yaml").write_text("format: 2\nid: ports\n", encoding="utf-8")
    src = tmp_path / "ports.txt"
    src.write_text(PORTS, encoding="utf-8")
    result = create(src, out_dir)
    assert isinstance(result, Created) and result.briefing.name == "ports-2.yaml"
    assert loaded(result.briefing).id == "ports-2"
    refused = create(src, out_dir, "ports")
    assert isinstance(refused, Refused)
    assert "the id 'ports' is already used by older.yaml" in str(refused)
