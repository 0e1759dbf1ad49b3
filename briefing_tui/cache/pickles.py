"""Pickling load results for the library snapshot (see :mod:`briefing_tui.cache.snapshot`),
and reading one back from where it lies in the snapshot's file.

Unpickling runs code: only the classes a load result is made of are accepted (exactly those
(module, name) pairs), and the model's frozen dataclasses are pickled as calls of their class
with every field (fast to unpickle).
"""

from __future__ import annotations

import dataclasses
import enum
import io
import os
import pickle
from collections.abc import Callable
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from briefing_tui.briefing import model as model_module
from briefing_tui.briefing import problems as problems_module
from briefing_tui.briefing import results as results_module
from briefing_tui.briefing.library import load_one
from briefing_tui.briefing.model import Pos
from briefing_tui.briefing.results import LoadResult

_ALLOWED_MODULES = frozenset(
    {
        "briefing_tui.briefing.results",
        "briefing_tui.briefing.model",
        "briefing_tui.briefing.problems",
        "pathlib",
    }
)
_ALLOWED_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict", "str", "int"})


def _own_classes(module: Any) -> set[tuple[str, str]]:
    """The public dataclasses and enums defined in ``module`` (not those it imports)."""
    return {
        (module.__name__, name)
        for name, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and not name.startswith("_")
        and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))
    }


# Exactly the (module, name) pairs a pickled load result is made of: nothing else in those
# modules (``pathlib.os`` is the os module), and never a dotted name (protocol 4 resolves
# ``os.system`` as an attribute path from the module).
_ALLOWED_CLASSES = frozenset(
    {("builtins", name) for name in _ALLOWED_BUILTINS}
    | _own_classes(results_module)
    | _own_classes(model_module)
    | _own_classes(problems_module)
    | {("pathlib", name) for name in ("Path", "PosixPath", "PurePath", "PurePosixPath")}
)


class _Unpickler(pickle.Unpickler):
    """Accepts only the classes a load result is made of.

    ``renamed`` (old, new): every position naming the file ``old`` names ``new`` instead
    (a result loaded from another working directory, read from this one).
    """

    def __init__(self, file: BinaryIO, renamed: tuple[str, str] | None = None) -> None:
        super().__init__(file)
        self._renamed = renamed

    def find_class(self, module: str, name: str) -> Any:
        if "." not in name and (module, name) in _ALLOWED_CLASSES:
            cls = super().find_class(module, name)
            if cls is Pos and self._renamed is not None:
                old, new = self._renamed

                def pos(path: str, line: int = 1, col: int = 1) -> Pos:
                    return Pos(new if path == old else path, line, col)

                return pos
            return cls
        raise pickle.UnpicklingError(f"unexpected class in a library snapshot: {module}.{name}")


class _Pickler(pickle.Pickler):
    """Pickles the model's frozen dataclasses as calls of their class with every field.

    Unpickling then runs the dataclass's ``__init__`` (all fields are ``init`` fields, and
    none has ``__post_init__``), several times faster than the generic ``__setstate__`` of
    a frozen slotted dataclass, which looks up its fields for every object.
    """

    # per class, what gives an object's fields as a tuple (None: not pickled so)
    _fields: ClassVar[dict[type, Callable[[Any], tuple[Any, ...]] | None]] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        try:
            values = self._fields[cls]
        except KeyError:
            values = self._fields[cls] = _field_values(cls)
        if values is None:
            return NotImplemented
        return cls, values(obj)


def _field_values(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """What gives the fields of a ``cls`` object as a tuple, in order (one C call: the
    snapshot pickles some 150 of them per briefing); None when ``cls`` is not one of the
    model's dataclasses that can be pickled as a call of its class."""
    if not (dataclasses.is_dataclass(cls) and cls.__module__ in _ALLOWED_MODULES):
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields) or hasattr(cls, "__post_init__"):
        return None
    names = [f.name for f in fields]
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _pickle(obj: object) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


def _unpickle(data: bytes, renamed: tuple[str, str] | None = None) -> Any:
    return _Unpickler(io.BytesIO(data), renamed).load()


def unpickle_file(f: BinaryIO) -> Any:
    """What ``f`` holds, read as :func:`_unpickle` reads bytes (only a load result's classes),
    without holding the whole file in memory at once."""
    return _Unpickler(f).load()


# (the snapshot's open file, offset, length, the file's name to replace or None)
Located = tuple[int, int, int, tuple[str, str] | None]


def read_located(path: Path, where: Located | None) -> LoadResult:
    """The file's load result from where
    :meth:`briefing_tui.cache.snapshot.LibraryCache.located` said it lies (loaded now when
    that is None or does not hold it)."""
    loaded = _result_at(*where[:3], path, where[3]) if where is not None else None
    return loaded if loaded is not None else load_one(path)


def _result_at(
    fd: int, offset: int, length: int, path: Path, renamed: tuple[str, str] | None
) -> LoadResult | None:
    """The load result of ``path`` pickled at ``offset`` in the open file ``fd`` (its
    problems naming the file anew when ``renamed``); None when it is not there: cut short,
    unreadable, or another file's."""
    try:
        blob = os.pread(fd, length, offset)
        loaded = _unpickle(blob, renamed) if len(blob) == length else None
    except Exception:
        return None
    return loaded if isinstance(loaded, LoadResult) and loaded.path == path else None
