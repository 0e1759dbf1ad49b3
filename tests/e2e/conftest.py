from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .terminal import SshServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def private_env(tmp_path: Path) -> dict[str, str]:
    """Environment for the app under test: its own cache and state, no SSH markers."""
    return {
        "BRIEFING_TUI_CACHE": str(tmp_path / "cache"),
        "BRIEFING_TUI_STATE": str(tmp_path / "state"),
        "LANG": "C.UTF-8",
    }


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    server = SshServer(tmp_path_factory.mktemp("sshd"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
