"""The one boundary between briefing data and everything that shows it.

Every string a load produces (each field of the briefing, its items, its article, problem
messages, ids, including an id made from a file name) is passed through
:func:`briefing_tui.briefing.text.defang` before the load result leaves the loader: control
characters become visible symbols (``␛``) and bidirectional overrides become ``�``. The
validator still reports such characters as errors; this makes sure that a briefing shown
all the same can never put an escape sequence on the reader's terminal, in a notification,
a title, a log line, the clipboard (OSC 52) or the JSON of ``export`` and ``search``.

Clean data is returned as the same objects. A file whose text holds no backslash (so no
YAML escape) and no unsafe character, with a clean name, cannot give an unsafe string (the
article is refused when it holds one), so its result is not walked at all.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePath
from typing import Any, TypeVar

from briefing_tui.briefing.model import Source
from briefing_tui.briefing.text import defang, find_control

T = TypeVar("T")
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # a dataclass's field names; None: not one


def neutral_result(result: T, text: str, path: Path) -> T:
    """:func:`neutral` of a load ``result`` of the file ``text`` at ``path``, skipped when
    nothing in them could hold a control character."""
    if (
        "\\" not in text
        and find_control(text.replace("\r", "\n")) is None
        and defang(path.name) is path.name
    ):
        return result
    return neutral(result)


def neutral(obj: T) -> T:
    """``obj`` with every string in it defanged: frozen dataclasses, tuples, lists and dicts
    are rebuilt where something changed; paths, enums and numbers are kept as they are."""
    return _walk(obj)  # type: ignore[no-any-return]


def _walk(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj if type(obj) is not str else defang(obj)  # an enum's value is fixed
    if isinstance(obj, tuple):
        items = tuple(_walk(x) for x in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    if obj is None or isinstance(obj, int | float | bytes | PurePath):
        return obj
    if isinstance(obj, list):
        return [_walk(x) for x in obj]
    if isinstance(obj, dict):
        pairs = [(_walk(k), _walk(v)) for k, v in obj.items()]
        same = all(k2 is k and v2 is v for (k2, v2), (k, v) in zip(pairs, obj.items(), strict=True))
        return obj if same else dict(pairs)
    cls = type(obj)
    names = _FIELDS.get(cls, ())
    if names == ():
        names = _FIELDS[cls] = (
            tuple(f.name for f in dataclasses.fields(obj))
            if dataclasses.is_dataclass(obj) and not isinstance(obj, type)
            else None
        )
    if names is None:
        return obj
    changes = {}
    for name in names:
        value = getattr(obj, name)
        if name == "sentences" and isinstance(obj, Source) and defang(obj.text) is obj.text:
            continue  # slices of a clean article
        new = _walk(value)
        if new is not value:
            changes[name] = new
    return dataclasses.replace(obj, **changes) if changes else obj
