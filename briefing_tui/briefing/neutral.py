"""The one boundary between briefing data and everything that shows it.

Every string a load produces (each field of the briefing, its items, its article, problem
messages, ids, including an id made from a file name) is passed through
:func:`briefing_tui.briefing.text.defang` before the load result leaves the loader: control
characters become visible symbols (``␛``) and bidirectional overrides become ``�``. The
validator still reports such characters as errors; this makes sure that a briefing shown
all the same can never put an escape sequence on the reader's terminal, in a notification,
a title, a log line, the clipboard (OSC 52) or the JSON of ``export`` and ``search``.

Clean data is returned as the same objects (one regular-expression scan per string).
"""

from __future__ import annotations

import dataclasses
import enum
from pathlib import PurePath
from typing import Any, TypeVar

from briefing_tui.briefing.model import Source
from briefing_tui.briefing.text import defang

T = TypeVar("T")


def neutral(obj: T) -> T:
    """``obj`` with every string in it defanged: frozen dataclasses, tuples, lists and dicts
    are rebuilt where something changed; paths, enums and numbers are kept as they are."""
    return _walk(obj)  # type: ignore[no-any-return]


def _walk(obj: Any) -> Any:
    if isinstance(obj, enum.Enum | PurePath | int | float | bytes) or obj is None:
        return obj
    if isinstance(obj, str):
        return defang(obj)
    if isinstance(obj, tuple):
        items = tuple(_walk(x) for x in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    if isinstance(obj, list):
        return [_walk(x) for x in obj]
    if isinstance(obj, dict):
        out = {_walk(k): _walk(v) for k, v in obj.items()}
        same = all(a is b for a, b in zip(out, obj, strict=False)) and all(
            out[k] is v for k, v in zip(out, obj.values(), strict=False)
        )
        return obj if same and len(out) == len(obj) else out
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        if isinstance(obj, Source) and defang(obj.text) is obj.text:
            # the sentences are slices of a clean article: nothing to do in them
            changes = {"sentences": obj.sentences}
        for f in dataclasses.fields(obj):
            if f.name in changes:
                continue
            value = getattr(obj, f.name)
            new = _walk(value)
            if new is not value:
                changes[f.name] = new
        changes = {k: v for k, v in changes.items() if v is not getattr(obj, k)}
        return dataclasses.replace(obj, **changes) if changes else obj
    return obj
