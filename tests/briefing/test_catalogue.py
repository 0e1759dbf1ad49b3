"""The catalogue of bad input: every broken file gets a clear, positioned, safe answer.

``tests/catalogue/bad/`` holds one file per fault, each a copy of ``good/baseline.yaml`` (or
a small file of its own) with that one fault; ``good/`` holds hostile-looking files that are
valid and must load exactly as written. For every bad file ``briefing-tui validate FILE``
must print ``path:line:col: message`` at the place of the fault, saying what is wrong and
how to fix it, exit 1, print no traceback, and let no control character reach the terminal.
The positions below were read off the files (the line of the fault, the column of its
first character), not off the validator's output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from briefing_tui.briefing.library import load_library
from briefing_tui.briefing.loader import load_briefing
from briefing_tui.cli import main

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue"
BAD = CATALOGUE / "bad"
GOOD = CATALOGUE / "good"
ARTICLES = CATALOGUE / "articles"

# C0 controls but newline, DEL, C1 controls; and the bidirectional overrides and isolates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PROBLEM_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    col: int
    what: str  # a fragment of the message saying what is wrong
    fix: str  # a fragment saying what to do about it


# One fault a line: the file in bad/ | line:col of the fault | a fragment of the message saying
# what is wrong | a fragment saying what to do about it. Lines starting with '#' group them.
FAULTS = r"""
# YAML syntax
yaml-unclosed-double-quote.yaml | 4:8 | never closed | add the closing "
yaml-text-after-closing-quote.yaml | 4:20 | text follows the closing " | put the whole value in single quotes
yaml-unclosed-flow-list.yaml | 35:9 | never closed | add the closing ']'
yaml-missing-comma-in-list.yaml | 20:40 | expected ',' or ']' here | separate the entries with commas
yaml-missing-colon.yaml | 5:1 | is not 'key: value' | add the ':' after the key
yaml-missing-space-after-colon.yaml | 3:3 | needs a space after it | write 'key: value'
yaml-colon-in-unquoted-value.yaml | 4:20 | ': ' inside a value that is not quoted | put the whole value in quotes
yaml-bad-indentation.yaml | 25:4 | does not line up | indent the keys of one mapping by the same number of spaces
yaml-list-entry-where-key-expected.yaml | 10:3 | a list entry ('- ') where a key was expected | indent the list under its key
yaml-tab-indentation.yaml | 26:1 | indented with a tab | replace the tab with spaces
yaml-bad-escape.yaml | 9:23 | '\o' is not a valid escape | write '\\' for a backslash
yaml-two-documents.yaml | 60:1 | one YAML document | remove the second '---'
yaml-directive.yaml | 2:1 | is a YAML directive | remove it
# the shape of the file
top-level-list.yaml | 2:1 | must be a mapping | write the briefing as 'field: value'
top-level-scalar.yaml | 3:1 | must be a mapping | write the briefing as 'field: value'
empty.yaml | 1:1 | the file is empty | format, id, title and source
comment-only.yaml | 1:1 | holds only comments | format, id, title and source
whitespace-only.yaml | 1:1 | the file is empty | format, id, title and source
# encodings and binary data
not-utf8-latin1.yaml | 9:23 | not UTF-8 text (byte 0xe9 | save it as UTF-8
utf16.yaml | 1:1 | UTF-16 text, not UTF-8 | save it as UTF-8
binary-png.yaml | 1:1 | not UTF-8 text (byte 0x89 | save it as UTF-8
binary-nul-bytes.yaml | 3:6 | NUL byte | name a UTF-8 text file
# control characters and terminal escape sequences
control-esc-raw-in-title.yaml | 4:22 | control character U+001B ESCAPE | remove it
control-osc-title-escaped.yaml | 5:10 | summary contains the control character U+001B ESCAPE | remove it
control-osc8-hyperlink-escaped.yaml | 27:18 | contains the control character U+001B ESCAPE | remove it
control-c1-csi-raw.yaml | 58:23 | U+009B CONTROL SEQUENCE INTRODUCER | remove it
control-backspace-escaped.yaml | 32:12 | control character U+0008 BACKSPACE | remove it
control-bidi-override.yaml | 41:12 | U+202E RIGHT-TO-LEFT OVERRIDE | remove it
control-line-separator.yaml | 5:27 | U+2028 LINE SEPARATOR | replace it with a space or a real line break
control-escape-in-key.yaml | 9:3 | unknown field 'pl␛[2Jace' in source | did you mean 'place'?
# the source article
source-article-with-escapes.yaml | 7:9 | contains the control character U+001B ESCAPE at line 2, column 19 of the article | remove it from the article
source-article-not-utf8.yaml | 7:9 | '../articles/latin1.txt' at line 2, column 8: the file is not UTF-8 | save it as UTF-8
source-missing.yaml | 7:9 | not found | fix the path
source-is-directory.yaml | 7:9 | a directory, not a file | name a file
# a device outside the library is refused for being outside, before it is looked at
source-is-device.yaml | 7:9 | outside the library | articles may live in
source-absolute-outside.yaml | 7:9 | outside the library | articles may live in
source-climbs-out.yaml | 7:9 | outside the library | copy the article there
# hostile YAML
alias-billion-laughs.yaml | 55:7 | anchors (&a0) are not allowed | write values out
alias-merge-key.yaml | 18:9 | anchors (&country) are not allowed | write values out
nesting-flow-5000-deep.yaml | 4:39 | nested too deeply | check the brackets
nesting-block-3000-deep.yaml | 5:65 | nested too deeply | check the brackets
tag-python-os-system.yaml | 4:8 | tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed | remove the tag
tag-python-builtins-open.yaml | 5:10 | tags such as 'tag:yaml.org,2002:python/object/apply:builtins.open' are not allowed | remove the tag
tag-verbatim-subprocess.yaml | 9:10 | tags such as 'tag:yaml.org,2002:python/object/apply:subprocess.call' are not allowed | remove the tag
tag-directive-shorthand.yaml | 6:8 | tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed | remove the tag
tag-python-object-new-top.yaml | 2:5 | tags such as 'tag:yaml.org,2002:python/object/new:os.system' are not allowed | remove the tag
tag-int-empty.yaml | 2:9 | format must be a whole number | write a number
key-yaml11-boolean.yaml | 10:3 | unknown field 'yes' in source | remove it, or use one of the known fields
# the format
duplicate-key.yaml | 5:1 | duplicate key 'title' (first at line 4) | keep one
duplicate-key-nested.yaml | 25:5 | duplicate key 'name' (first at line 24) | keep one
unknown-field-typo.yaml | 5:1 | unknown field 'sumary' | did you mean 'summary'?
unknown-field-in-actor.yaml | 27:5 | unknown field 'affilation' | did you mean 'affiliation'?
unknown-field-no-match.yaml | 10:3 | unknown field 'weather' in source | remove it
wrong-type-evidence-string.yaml | 28:15 | must be a list of quotes, but it is text | write one '- "quote"' line for each
wrong-type-format-quoted.yaml | 2:9 | format must be a whole number, but it is text | write a number without quotes
wrong-type-actors-mapping.yaml | 12:3 | actors must be a list | start each entry with '- '
wrong-type-by-scalar.yaml | 35:9 | must be a list of ids | write [northland]
wrong-type-title-number.yaml | 41:12 | must be text, but it is a number (2025) | put it in quotes
impossible-month-13.yaml | 45:37 | '2025-13' is not a month | write YYYY-MM
month-as-full-date.yaml | 45:37 | '2025-03-04' is not a month | write YYYY-MM
impossible-day-feb-30.yaml | 36:49 | day 30 does not exist in 2025-02 | use a day from 1 to 28
impossible-day-zero.yaml | 10:47 | day 0 does not exist in 2025-03 | from 1 to 31
month-missing-when-dated.yaml | 45:11 | needs a month | add month: YYYY-MM, or set precision: undated
missing-required-source.yaml | 2:1 | missing the required field 'source' | add 'source:'
missing-required-actor-kind.yaml | 23:5 | missing the required field 'kind' | add 'kind:'
missing-required-evidence.yaml | 40:5 | missing the required field 'evidence' | add 'evidence:'
invalid-id.yaml | 40:9 | 'Customs Data' is not a valid id | use lower-case letters
duplicate-id-across-sections.yaml | 49:5 | duplicate id 'ana-ruiz' (first used at line 23) | rename one of them
dangling-reference-by.yaml | 44:21 | 'eastland' in customs-data's by is not an actor of this briefing | did you mean 'southland'?
dangling-related.yaml | 37:15 | 'customs-dta' in joint-border-office's related is not an item | did you mean 'customs-data'?
dangling-affiliation.yaml | 23:5 | names 'westland', which is not an actor | did you mean
dangling-cross-briefing.yaml | 37:29 | no briefing 'no-such-briefing' in the library | check the briefing id
evidence-not-in-source.yaml | 29:9 | is not found in the source text | check the words after it
evidence-straight-apostrophe.yaml | 22:9 | is not verbatim | copy them as written
evidence-empty-list.yaml | 28:15 | is empty | quote at least one sentence
unsupported-format.yaml | 2:9 | format 3 is not supported | write format: 2
"""


def case(row: str) -> Case:
    file, at, what, fix = (cell.strip() for cell in row.split(" | "))
    line, col = at.split(":")
    return Case(file, int(line), int(col), what, fix)


CASES = [case(row) for row in FAULTS.strip().splitlines() if not row.startswith("#")]
BY_FILE = {c.file: c for c in CASES}

# A representative subset also runs as a real process.
SUBPROCESS = [
    "yaml-unclosed-double-quote.yaml",
    "yaml-tab-indentation.yaml",
    "binary-png.yaml",
    "not-utf8-latin1.yaml",
    "control-esc-raw-in-title.yaml",
    "control-osc8-hyperlink-escaped.yaml",
    "control-escape-in-key.yaml",
    "control-c1-csi-raw.yaml",
    "source-article-with-escapes.yaml",
    "source-is-device.yaml",
    "alias-billion-laughs.yaml",
    "nesting-flow-5000-deep.yaml",
    "tag-python-os-system.yaml",
    "dangling-reference-by.yaml",
]

TIME_LIMIT = 10.0  # seconds: a behaviour check (no hang), not a benchmark


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "briefing-tui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing_tui"]


def run_cli(
    *args: str, cwd: Path | None = None
) -> tuple[subprocess.CompletedProcess[bytes], float]:
    env = {**os.environ, "PYTHONPATH": str(CATALOGUE.parent.parent)}
    start = time.monotonic()
    proc = subprocess.run(
        [*cli_command(), *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )
    return proc, time.monotonic() - start


def problem_lines(out: str) -> list[re.Match[str]]:
    lines = out.splitlines()
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert all(matches), f"not every line is path:line:col: message: {lines!r}"
    return [m for m in matches if m is not None]


def check_output(case: Case, path: Path, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    unsafe = UNSAFE.search(out + err)
    assert unsafe is None, f"a control character reached the terminal: {unsafe.group()!r}"
    found = problem_lines(out)
    assert found, f"{case.file}: no problem printed; stderr: {err}"
    for m in found:
        assert Path(m["path"]).resolve() == path.resolve(), m.group()
        assert int(m["line"]) >= 1 and int(m["col"]) >= 1
        assert not m["message"][0].isupper(), f"messages start in lower case: {m.group()}"
    at = [m for m in found if (int(m["line"]), int(m["col"])) == (case.line, case.col)]
    assert at, f"{case.file}: nothing at {case.line}:{case.col}; got {[m.group() for m in found]}"
    messages = [m["message"] for m in at]
    assert any(case.what in msg and case.fix in msg for msg in messages), messages


def test_the_catalogue_has_at_least_30_files_and_every_one_is_checked() -> None:
    files = sorted(p.name for p in BAD.iterdir() if p.suffix == ".yaml")
    assert len(files) >= 30
    assert sorted(BY_FILE) == files, "every bad file has a case and every case a file"
    assert set(SUBPROCESS) <= set(BY_FILE)


def test_bad_files_are_the_baseline_with_one_fault() -> None:
    """The control: the file every fault is made from is itself clean."""
    result = load_briefing(GOOD / "baseline.yaml")
    assert result.ok and not result.problems, [str(p) for p in result.problems]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_validate_in_process(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD / case.file
    start = time.monotonic()
    code = main(["validate", str(path)])
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert elapsed < TIME_LIMIT
    check_output(case, path, out, err)


@pytest.mark.parametrize("name", SUBPROCESS)
def test_validate_as_a_process(name: str, tmp_path: Path) -> None:
    case = BY_FILE[name]
    path = BAD / name
    proc, elapsed = run_cli("validate", str(path), cwd=tmp_path)
    assert elapsed < TIME_LIMIT, f"{name} took {elapsed:.1f} s"
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", proc.stdout + proc.stderr)
    check_output(case, path, proc.stdout.decode(), proc.stderr.decode())
    assert list(tmp_path.iterdir()) == [], "validate wrote nothing to the working directory"


TAG_FILES = {
    "tag-python-os-system.yaml": "briefing-tui-pwned-os-system",
    "tag-python-builtins-open.yaml": "briefing-tui-pwned-open",
    "tag-verbatim-subprocess.yaml": "briefing-tui-pwned-subprocess",
    "tag-directive-shorthand.yaml": "briefing-tui-pwned-directive",
    "tag-python-object-new-top.yaml": "briefing-tui-pwned-top",
}


@pytest.mark.parametrize("name", sorted(TAG_FILES))
def test_python_tags_never_construct_or_run_anything(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / TAG_FILES[name]
    text = (BAD / name).read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # The payload is live: PyYAML's unsafe loader runs it and the marker file appears.
    try:
        made = yaml.unsafe_load(text)
    except yaml.YAMLError:
        made = None
    if hasattr(made, "close"):
        made.close()
    assert marker.exists(), "the payload must be live for this test to prove anything"
    marker.unlink()
    # briefing-tui refuses the tag and never constructs it: in process and as a process.
    assert main(["validate", str(BAD / name)]) == 1
    assert not marker.exists()
    proc, _ = run_cli("validate", str(BAD / name), cwd=tmp_path)
    assert proc.returncode == 1 and b"are not allowed" in proc.stdout
    assert not marker.exists()
    assert load_briefing(BAD / name).briefing is None
    assert not marker.exists()


# --- valid files that look hostile: loaded clean and kept exactly ----------------------------


def test_good_files_validate_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(GOOD)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "5 briefing files checked: 0 errors" in err


def test_a_byte_order_mark_is_accepted() -> None:
    assert (GOOD / "bom-utf8.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    base = load_briefing(GOOD / "baseline.yaml").briefing
    result = load_briefing(GOOD / "bom-utf8.yaml")
    assert result.ok and not result.problems
    b = result.briefing
    assert b is not None and base is not None
    assert b.id == "catalogue-bom-utf8" and b.title == base.title
    # the mark is not part of the first key, and positions are as an editor shows them
    assert [a.pos.line for a in b.actors] == [a.pos.line for a in base.actors]


def test_crlf_line_endings_are_accepted_with_the_same_positions() -> None:
    assert b"\r\n" in (GOOD / "crlf-line-endings.yaml").read_bytes()
    base = load_briefing(GOOD / "baseline.yaml").briefing
    result = load_briefing(GOOD / "crlf-line-endings.yaml")
    assert result.ok and not result.problems
    b = result.briefing
    assert b is not None and base is not None
    assert (b.title, b.summary) == (base.title, base.summary)
    assert [(i.id, i.pos.line, i.pos.col) for i in b.items] == [
        (i.id, i.pos.line, i.pos.col) for i in base.items
    ]
    assert not any("\r" in i.title for i in b.items)


def test_markup_and_shell_syntax_are_kept_literally() -> None:
    result = load_briefing(GOOD / "rich-markup-literal.yaml")
    assert result.ok and not result.problems
    b = result.briefing
    assert b is not None
    assert b.title == (
        "[bold red]Border[/] [link=https://example.invalid]office[/link] :warning: $(rm -rf ~) `id`"
    )
    ruiz = b.item("ana-ruiz")
    assert ruiz is not None and getattr(ruiz, "role", None) == "[/]Minister[reverse]"


def test_right_to_left_combining_and_wide_text_is_kept_exactly() -> None:
    result = load_briefing(GOOD / "multilingual-rtl-cjk-emoji-combining.yaml")
    assert result.ok and not result.problems, [str(p) for p in result.problems]
    b = result.briefing
    assert b is not None
    assert b.title == "مكتب حدودي — משרד גבול — 国境事務所 🎉"
    # combining accents are kept as written, not normalised to precomposed letters
    assert "Zoe\u0308 and Jose\u0301" in b.summary
    assert not unicodedata.is_normalized("NFC", b.summary)
    assert "👩\u200d👩\u200d👧" in b.summary and "🇳🇴" in b.summary
    assert b.source.place == "東京" and b.source.when.qualifier == "火曜日"
    # each quote maps to the sentence of its script in the article
    expected = {
        "وقّع الوزيران اتفاقاً لفتح مكتب حدودي مشترك.": (1,),
        "השרים חתמו על הסכם": (2,),
        "両国は共同の国境事務所を開設することで合意した。": (3,),
        "văn phòng sẽ mở cửa vào tháng Ba": (4,),
        "celebrated with 🎉 and 👩\u200d👩\u200d👧 emoji, under the flags 🇳🇴 and 🇯🇵.": (5,),
        "Zoe\u0308 and Jose\u0301 signed": (6,),
    }
    got = {ev.quote: ev.sentences for it in b.items for ev in it.evidence}
    for quote, sentences in expected.items():
        assert got.get(quote) == sentences, quote


def test_exported_json_keeps_the_text_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", str(GOOD)]) == 0
    data = json.loads(capsys.readouterr().out)
    titles = {b["id"]: b["title"] for b in data["briefings"]}
    assert titles["catalogue-multilingual"] == "مكتب حدودي — משרד גבול — 国境事務所 🎉"
    assert titles["catalogue-rich-markup-literal"].startswith("[bold red]Border[/] [link=")


# --- a library with broken files in it -----------------------------------------------------


@pytest.fixture
def mixed_library(tmp_path: Path) -> Path:
    """Every good and every bad catalogue file in one library directory."""
    root = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, root)
    lib = root / "library"
    lib.mkdir()
    for sub in ("good", "bad"):
        for f in (root / sub).iterdir():
            f.rename(lib / f"{sub}-{f.name}")
    return lib


def test_broken_briefings_do_not_hide_the_good_ones(mixed_library: Path) -> None:
    library = load_library([mixed_library])
    assert len(library.results) == len(CASES) + 5
    ids = {b.id for b in library.briefings}
    good_ids = {
        "catalogue-baseline",
        "catalogue-bom-utf8",
        "catalogue-crlf-line-endings",
        "catalogue-rich-markup-literal",
        "catalogue-multilingual",
    }
    assert good_ids <= ids
    for result in library.results:
        name = result.path.name
        if name.startswith("good-"):
            assert result.ok and not result.problems, name
        else:
            errors = [p for p in library.errors if Path(p.path).name == name]
            assert errors, f"{name} is broken but has no error"


def test_validate_names_every_broken_file_and_no_good_one(
    mixed_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(mixed_library)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and not UNSAFE.search(out + err)
    named = {Path(m["path"]).name for m in problem_lines(out)}
    assert named == {f"bad-{c.file}" for c in CASES}
    assert f"{len(CASES) + 5} briefing files checked" in err


def test_an_unexpected_failure_in_one_file_does_not_stop_the_library(
    mixed_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing_tui.briefing.loader as loader_module  # the library imports it when loading

    real = loader_module.load_briefing

    def flaky(path: Path, display: str | None = None):  # type: ignore[no-untyped-def]
        if path.name == "good-baseline.yaml":
            raise RuntimeError("simulated bug")
        return real(path, display)

    monkeypatch.setattr(loader_module, "load_briefing", flaky)
    library = load_library([mixed_library])
    ids = {b.id for b in library.briefings}
    assert "catalogue-baseline" not in ids and "catalogue-multilingual" in ids
    msgs = [str(p) for p in library.problems if p.path.endswith("good-baseline.yaml")]
    assert len(msgs) == 1 and "simulated bug" in msgs[0] and "please report it" in msgs[0]
