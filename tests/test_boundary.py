"""Architecture: the core imports no Textual, so it is usable as a library and from the CLI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import briefing_tui

UI_MODULES = {"briefing_tui.tui"}


def core_modules() -> list[str]:
    out = []
    for info in pkgutil.walk_packages(briefing_tui.__path__, "briefing_tui."):
        if info.name == "briefing_tui.__main__":
            continue
        if any(info.name == ui or info.name.startswith(ui + ".") for ui in UI_MODULES):
            continue
        out.append(info.name)
    return out


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter from the project root (nothing imported yet)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(briefing_tui.__file__).parent.parent,
        timeout=60,
    )


def test_there_are_core_modules() -> None:
    mods = core_modules()
    for expected in (
        "briefing_tui.briefing.model",
        "briefing_tui.briefing.loader",
        "briefing_tui.briefing.library",
        "briefing_tui.briefing.links",
        "briefing_tui.search",
        "briefing_tui.cli",
    ):
        assert expected in mods


def test_core_imports_no_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"core modules import Textual: {proc.stdout}"


def test_the_cli_validates_without_importing_textual() -> None:
    code = (
        "import sys\n"
        "from briefing_tui.cli import main\n"
        "main(['validate'])\n"
        "print('textual' in sys.modules)\n"
    )
    proc = run_python(code)
    assert proc.stdout.strip().splitlines()[-1] == "False"
