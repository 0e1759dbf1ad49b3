"""The code's layout: packages by concern, imports that form a DAG, no oversized module.

See README "How the code is laid out".
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import briefing_tui

PACKAGE = Path(briefing_tui.__file__).resolve().parent
MAX_LINES = 800
TOP_LEVEL = {"__init__", "__main__", "cli", "collector", "exits", "paths", "watch"}
PACKAGES = {"briefing", "search", "cache", "tui"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every briefing_tui module ``path`` imports: at module level, under TYPE_CHECKING
    and inside functions alike (a lazy import is still a dependency)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name.startswith("briefing_tui.") and name in known:
                out.add(name)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {
        name: {m for m in imports_of(path, known) if m != name and m != "briefing_tui"}
        for name, path in mods.items()
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            # a package's __init__ importing its own submodule is a facade, not a circle
            if node != "briefing_tui" and nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_imports_form_a_dag() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_check_sees_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_top_level_is_small_and_the_packages_are_those_documented() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == PACKAGES


def test_no_module_is_over_800_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_only_the_ui_reaches_the_ui() -> None:
    """Nothing outside briefing_tui.tui imports from it, but the command that opens it."""
    edges = graph()
    bad = {
        f"{src} -> {dst}"
        for src, dsts in edges.items()
        for dst in dsts
        if dst.startswith("briefing_tui.tui")
        and not src.startswith("briefing_tui.tui")
        and (src, dst) != ("briefing_tui.cli", "briefing_tui.tui.run")
    }
    assert bad == set()


@pytest.mark.parametrize("package", [*sorted(PACKAGES - {"tui"}), "cli", "watch", "exits"])
def test_each_core_package_imports_no_textual(package: str) -> None:
    """Structural boundary: in a fresh interpreter, importing every module of the package
    loads no Textual (and the briefing format loads no search engine either)."""
    names = [
        n
        for n in modules()
        if n == f"briefing_tui.{package}" or n.startswith(f"briefing_tui.{package}.")
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'whoosh'))\n"
        "print(','.join(m.split('.')[0] for m in bad[:1]) + ';' + ','.join(bad[:3]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    first, _, examples = proc.stdout.strip().partition(";")
    assert first != "textual", f"{package} imports Textual: {examples}"
    if package == "briefing":
        assert first == "", f"the briefing format imports a search engine: {examples}"
