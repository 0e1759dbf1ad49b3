"""The private Whoosh names the index's fast paths rely on (briefing_tui.search.whoosh_compat)
still exist; and no other module touches Whoosh's privates."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

import briefing_tui
from briefing_tui.search import whoosh_compat


@pytest.mark.parametrize(
    ("owner", "name", "kind"),
    whoosh_compat.PRIVATE_NAMES,
    ids=[f"{getattr(o, '__name__', o)}.{n}" for o, n, _ in whoosh_compat.PRIVATE_NAMES],
)
def test_each_private_name_still_exists(owner: Any, name: str, kind: str) -> None:
    if kind in ("method", "function"):
        assert callable(getattr(owner, name, None)), f"Whoosh's {owner.__name__}.{name} is gone"
    else:
        source = "".join(
            inspect.getsource(c) for c in owner.__mro__ if c.__module__.startswith("whoosh")
        )
        assert f"self.{name} =" in source, f"Whoosh's {owner.__name__} no longer sets {name}"


def whoosh_private_uses(path: Path) -> list[str]:
    """Imports of private Whoosh names and uses of the listed private attributes."""
    names = {name for _, name, _ in whoosh_compat.PRIVATE_NAMES} | {
        "_postwriter",
        "_perdoc",
        "_dbfile",
        "_basepos",
        "_count",
    }
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("whoosh"):
            found += [f"line {node.lineno}: {a.name}" for a in node.names if a.name.startswith("_")]
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Constant) and node.value == "deleted_docs_set":
            found.append(f"line {node.lineno}: deleted_docs_set")
    return found


def test_no_module_but_whoosh_compat_touches_whoosh_privates() -> None:
    package = Path(briefing_tui.__file__).parent
    offenders = {
        str(p.relative_to(package)): uses
        for p in sorted(package.rglob("*.py"))
        if p.name != "whoosh_compat.py" and (uses := whoosh_private_uses(p))
    }
    assert offenders == {}


def test_the_scan_sees_a_private_use(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from whoosh.codec.whoosh3 import _lenfield\nw._postwriter\n")
    assert len(whoosh_private_uses(sample)) == 2
