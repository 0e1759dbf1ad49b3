"""The command line: exit codes and output of validate, export, schema, --version, --help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_tui import __version__
from briefing_tui.briefing.schema import SCHEMA_PATH
from briefing_tui.cli import main
from tests.conftest import DATA, SEED_BRIEFING


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing_tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def test_validate_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA)]) == 0
    out, err = capsys.readouterr()
    # Curation warnings (coverage, unlinked mentions) may be printed; no errors.
    assert all(": warning: " in line for line in out.splitlines())
    assert "1 briefing file checked: 0 errors" in err


def test_validate_defaults_to_the_bundled_library_from_any_directory(tmp_path: Path) -> None:
    proc = run("validate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 briefing file checked: 0 errors" in proc.stderr


def test_validate_problems_exit_1_one_per_line(write_briefing, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = write_briefing("format: 1\nid: Bad Id\ntitle: [x]\n", name="bad.yaml")
    code = main(["validate", str(bad.parent)])
    out, err = capsys.readouterr()
    assert code == 1
    lines = [ln for ln in out.splitlines() if ": warning: " not in ln]  # errors only
    assert len(lines) == 3
    for line in lines:
        path, lineno, col, message = line.split(":", 3)
        assert path.endswith("bad.yaml") and lineno.isdigit() and col.isdigit() and message
    assert any(":2:5: the briefing id 'Bad Id' is not a valid id" in ln for ln in lines)
    assert "2 briefing files checked: 3 errors" in err


def test_validate_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-such-flag"]) == 2
    assert "usage: briefing-tui validate" in capsys.readouterr().err


def test_validate_missing_path_is_a_problem(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml:1:1: no such file or directory" in capsys.readouterr().out


def test_version_and_help() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"briefing-tui {__version__}"
    proc = run("--help")
    assert proc.returncode == 0
    for word in ("validate", "export", "schema", "PATH"):
        assert word in proc.stdout
    proc = run("export", "--help")
    assert proc.returncode == 0 and "--format" in proc.stdout


def test_export_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", str(SEED_BRIEFING)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["export"] == "briefing-tui" and data["version"] == 1
    (b,) = data["briefings"]
    assert b["id"] == "pk-us-security-talks-2025-11"
    assert len(b["source"]["sentences"]) == 16
    assert b["source"]["sentences"][0]["number"] == 1
    kinds = {i["kind"] for i in b["items"]}
    assert kinds == {"actor", "commitment", "event", "note", "assessment"}
    for item in b["items"]:
        assert set(item) >= {
            "id",
            "ref",
            "kind",
            "title",
            "fields",
            "links",
            "backlinks",
            "evidence",
        }
        for ev in item["evidence"]:
            assert ev["quote"] and all(1 <= n <= 16 for n in ev["sentences"])
            # every quote of the seed is attributed (format 2)
            a = ev["attribution"]
            assert a["voice"] in {"quoted", "paraphrased", "reported", "analysis"}
            assert a["certainty"] in {"certain", "likely", "uncertain"}
            assert a["speaker"] in {"writer", "unknown"} or a["speaker"].startswith(b["id"] + ":")
            assert a["speaker_name"]
    naqvi = next(i for i in b["items"] if i["id"] == "mohsin-naqvi")
    assert naqvi["fields"]["affiliation"] == "pakistan"
    assert {"relation": "affiliation", "target": f"{b['id']}:pakistan"} in naqvi["links"]
    assert naqvi["backlinks"], "commitments made by Naqvi link back to him"
    assert [g["month"] for g in b["context_by_month"]][-1] == "Undated"
    assert any(a["id"] == "pakistan" for a in data["actors"])


def test_export_json_attribution_follows_the_spans(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", str(SEED_BRIEFING)]) == 0
    (b,) = json.loads(capsys.readouterr().out)["briefings"]
    items = {i["id"]: i for i in b["items"]}
    (zero,) = items["zero-tolerance-narcotics-policy"]["evidence"]
    assert zero["attribution"] == {
        "speaker": f"{b['id']}:mohsin-naqvi",
        "speaker_name": "Naqvi",
        "voice": "paraphrased",
        "certainty": "certain",
        "note": "",
    }
    (he,) = items["airport-drug-detection-priority"]["evidence"]
    assert he["attribution"]["certainty"] == "uncertain" and "He" in he["attribution"]["note"]
    (keen,) = items["reduce-overreliance-on-china"]["evidence"]
    assert keen["attribution"]["speaker"] == "writer"
    assert keen["attribution"]["voice"] == "analysis"
    assert items["reduce-overreliance-on-china"]["kind"] == "assessment"
    assert b["format"] == 2 and len(b["attribution"]) >= 16
    assert b["key_judgements"] and b["unknowns"] and b["source_assessment"]["direct_quotes"] == 1
    trump = items["donald-trump"]
    assert "Mr Trump" in trump["inferred"]["name"]


def test_export_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Pakistan and US agree")
    for heading in (
        "## Actors",
        "## Commitments",
        "## Context by month",
        "### November 2025",
        "### Undated",
    ):
        assert heading in md
    assert "> Pakistan and the United States agreed to intensify cooperation" in md
    # each quote says who says it
    assert "against narcotics. (sentence 6) — Naqvi, paraphrased" in md
    assert "overreliance on China (sentence 13) — the writer's analysis" in md
    for heading in ("## Key judgements", "## Unknowns", "## Source assessment"):
        assert heading in md


def test_export_with_problems_exits_1(write_briefing, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_briefing("format: 1\n", name="bad.yaml")
    assert main(["export", str(path.parent)]) == 1
    out, err = capsys.readouterr()
    assert "missing the required field" in err
    assert len(json.loads(out)["briefings"]) == 1  # the good one is still exported


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out.strip() == str(SCHEMA_PATH)
    assert main(["schema", "--print"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "briefing-tui briefing"


def test_unknown_option_for_open_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    assert "usage: briefing-tui" in capsys.readouterr().err


def test_an_internal_error_is_logged_not_shown_as_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import briefing_tui.briefing.export

    def boom(library: object) -> str:
        raise RuntimeError("simulated bug \x1b[31m")

    monkeypatch.setattr(briefing_tui.briefing.export, "to_json", boom)
    monkeypatch.setenv("BRIEFING_TUI_STATE", str(tmp_path / "state"))
    assert main(["export"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err
    assert "internal error: RuntimeError: simulated bug" in err
    (log,) = (tmp_path / "state").glob("crash-*.log")
    assert "Traceback" in log.read_text() and "simulated bug" in log.read_text()
