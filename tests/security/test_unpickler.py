"""Issue 13.3: the snapshot's restricted unpickler accepts exact (module, name) pairs only."""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import pytest

from briefing_tui.briefing.library import load_library
from briefing_tui.cache import pickles


def _global4(module: str, name: str) -> bytes:
    """Protocol 4 STACK_GLOBAL of ``module``.``name``: the unpickler resolves dotted names."""

    def unicode(s: str) -> bytes:
        data = s.encode()
        return pickle.SHORT_BINUNICODE + struct.pack("<B", len(data)) + data

    return unicode(module) + pickle.MEMOIZE + unicode(name) + pickle.MEMOIZE + pickle.STACK_GLOBAL


def _call(module: str, name: str, arg: str) -> bytes:
    data = arg.encode()
    return (
        pickle.PROTO
        + b"\x04"
        + _global4(module, name)
        + pickle.SHORT_BINUNICODE
        + struct.pack("<B", len(data))
        + data
        + pickle.TUPLE1
        + pickle.REDUCE
        + pickle.STOP
    )


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("pathlib", "os.system"),  # a dotted name through an allowed module
        ("pathlib", "os"),  # a module an allowed module imports
        ("pathlib", "Path.write_text"),
        ("briefing_tui.briefing.model", "Path.unlink"),
        ("briefing_tui.briefing.loader", "read_file"),  # a function, not a class
        ("briefing_tui.briefing.loader", "re.compile"),
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("os", "system"),
        ("posix", "system"),
    ],
)
def test_a_crafted_payload_is_refused_and_never_runs(
    module: str, name: str, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    payload = _call(module, name, f"touch {marker}")
    with pytest.raises(pickle.UnpicklingError, match="unexpected class"):
        pickles._unpickle(payload)
    assert not marker.exists()


def test_what_a_load_result_is_made_of_is_still_accepted(library_dir: Path) -> None:
    library = load_library([library_dir])
    for result in library.results:
        assert pickles._unpickle(pickles._pickle(result)) == result
