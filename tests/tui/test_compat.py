"""The private Textual names the app relies on (briefing_tui.tui.compat) still exist.

A Textual upgrade that renames or removes one fails here, by name, instead of somewhere
deep in the app.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList

import briefing_tui
from briefing_tui.tui import compat

INSTANCES: dict[type[Any], Any] = {}


def instance(cls: type[Any]) -> Any:
    if cls not in INSTANCES:
        INSTANCES[cls] = cls() if cls is not OptionList else OptionList("a", "b")
    return INSTANCES[cls]


@pytest.mark.parametrize(
    ("cls", "name", "kind"),
    compat.PRIVATE_NAMES,
    ids=[f"{cls.__name__}.{name}" for cls, name, _ in compat.PRIVATE_NAMES],
)
def test_each_private_name_still_exists(cls: type[Any], name: str, kind: str) -> None:
    if kind == "method":
        assert callable(getattr(cls, name, None)), f"Textual's {cls.__name__}.{name} is gone"
    else:
        assert hasattr(instance(cls), name), f"Textual's {cls.__name__}().{name} is gone"


@pytest.mark.parametrize(("module", "name"), compat.PRIVATE_FUNCTIONS)
def test_each_private_function_still_exists(module: Any, name: str) -> None:
    assert callable(getattr(module, name, None)), f"{module.__name__}.{name} is gone"


@pytest.mark.parametrize(("module", "name"), compat.PRIVATE_LATER)
def test_each_private_name_imported_later_still_exists(module: str, name: str) -> None:
    assert callable(getattr(importlib.import_module(module), name, None)), f"{module}.{name}"


def test_the_hooks_override_the_private_methods_they_name() -> None:
    assert compat.FrameHookApp._display is not App._display
    assert compat.FrameHookApp._handle_exception is not App._handle_exception
    assert compat.HookedOptionList._update_lines is not OptionList._update_lines
    assert compat.HookedInput._watch_value is not Input._watch_value
    assert compat.BatchedScreen._compositor_refresh is not Screen._compositor_refresh
    assert compat.CroppedCompositor._get_renders is not Compositor._get_renders


def private_textual_uses(path: Path) -> list[str]:
    """``textual._x`` imports and ``._name`` attribute uses of Textual's privates in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {name for _, name, _ in compat.PRIVATE_NAMES}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "textual" and (
                any(p.startswith("_") for p in parts)
                or any(a.name.startswith("_") for a in node.names)
            ):
                found.append(f"line {node.lineno}: from {node.module} import ...")
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_no_module_but_compat_touches_textual_privates() -> None:
    ui = Path(briefing_tui.__file__).parent / "tui"
    offenders = {
        str(path.relative_to(ui)): uses
        for path in sorted(ui.rglob("*.py"))
        if path.name != "compat.py" and (uses := private_textual_uses(path))
    }
    assert offenders == {}


def test_the_scan_sees_a_private_use(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from textual import _widget_navigation\nx = app._notifications\n")
    assert len(private_textual_uses(sample)) == 2
