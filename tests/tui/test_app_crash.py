"""An unexpected exception inside the app: caught at the boundary, logged to the state
directory, shown as one message; the terminal is restored and the exit code says so."""

from __future__ import annotations

import shlex
import sys
import textwrap
from pathlib import Path

import pytest

from briefing_tui.briefing.library import Library
from briefing_tui.exits import EXIT_INTERNAL
from briefing_tui.tui.app import BriefingApp
from briefing_tui.tui.widgets.lists import BriefList
from tests.tui.helpers import aio, make_app, settle, until

NARROW = (80, 24)
BUG = "simulated bug \x1b[31m in a key handler"


def crash_logs(state: Path) -> list[Path]:
    return sorted(state.glob("crash-*.log"))


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("BRIEFING_TUI_STATE", str(folder))
    return folder


async def crash_on_key(app: BriefingApp, key: str) -> None:
    """Run ``app``, press ``key`` (whose handler raises) and wait for the app to stop."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await until(pilot, lambda: app.crash_log is not None)
        await until(pilot, lambda: not app.is_running)


@aio
async def test_a_failing_key_handler_is_logged_and_shown_in_one_message(
    seed_library: Library,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken_cursor_down(self: BriefList) -> None:
        raise RuntimeError(BUG)

    monkeypatch.setattr(BriefList, "action_cursor_down", broken_cursor_down)
    app = make_app(seed_library)
    # Under run_test the exception is raised at the end, as Textual does for test frameworks.
    with pytest.raises(RuntimeError, match="simulated bug"):
        await crash_on_key(app, "j")
    assert app.return_code == EXIT_INTERNAL
    (log,) = crash_logs(state)
    assert app.crash_log == str(log)
    text = log.read_text(encoding="utf-8")
    assert text.startswith("Traceback")
    assert "broken_cursor_down" in text and "simulated bug" in text
    assert "Traceback" not in capsys.readouterr().err  # Textual printed none
    message = app.crash_message
    assert "\x1b" not in message and "Traceback" not in message
    assert message.startswith("briefing-tui: internal error: RuntimeError: simulated bug ␛[31m")
    assert f"the details are in {log}; please report them" in message


@aio
async def test_a_failing_worker_logs_the_worker_s_own_traceback(
    seed_library: Library, state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_job() -> None:
        raise ValueError("simulated bug in a worker")

    app = make_app(seed_library)
    with pytest.raises(Exception, match="simulated bug in a worker"):
        async with app.run_test(size=NARROW) as pilot:
            await settle(pilot)
            app.run_worker(failing_job, thread=True)  # exit_on_error: the default
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_INTERNAL
    (log,) = crash_logs(state)
    text = log.read_text(encoding="utf-8")
    assert "failing_job" in text and "ValueError: simulated bug in a worker" in text
    assert "internal error: ValueError: simulated bug in a worker" in app.crash_message
    assert "Traceback" not in capsys.readouterr().err


@aio
async def test_an_unwritable_state_directory_still_gives_one_message(
    seed_library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_TUI_STATE", str(blocker / "state"))

    def broken_cursor_down(self: BriefList) -> None:
        raise RuntimeError(BUG)

    monkeypatch.setattr(BriefList, "action_cursor_down", broken_cursor_down)
    app = make_app(seed_library)
    with pytest.raises(RuntimeError):
        await crash_on_key(app, "j")
    assert app.return_code == EXIT_INTERNAL
    message = app.crash_message
    assert "internal error: RuntimeError" in message
    assert "cannot write the state directory" in message
    assert "Traceback" not in capsys.readouterr().err


@aio
async def test_a_failure_while_the_first_screen_mounts_is_caught_too(
    seed_library: Library, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_tui.tui.widgets.navigator import Navigator

    def broken_show_briefing(self: Navigator, *args: object, **kwargs: object) -> None:
        raise KeyError("simulated bug while mounting")

    monkeypatch.setattr(Navigator, "show_briefing", broken_show_briefing)
    app = make_app(seed_library)
    with pytest.raises(KeyError):
        async with app.run_test(size=NARROW) as pilot:
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == EXIT_INTERNAL
    (log,) = crash_logs(state)
    assert "broken_show_briefing" in log.read_text(encoding="utf-8")
    assert "internal error: KeyError" in app.crash_message


# -- the real command in a real terminal ------------------------------------------------------

CRASHING_APP = textwrap.dedent(
    """
    import sys
    from briefing_tui.tui.widgets.lists import BriefList

    def broken_cursor_down(self):
        raise RuntimeError("simulated bug \\x1b[31m in a key handler")

    BriefList.action_cursor_down = broken_cursor_down
    from briefing_tui.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.e2e
def test_the_real_command_restores_the_terminal_and_prints_one_message(tmp_path: Path) -> None:
    from tests.e2e.terminal import tmux_session

    script = tmp_path / "crashing_app.py"
    script.write_text(CRASHING_APP, encoding="utf-8")
    state = tmp_path / "state"
    env = {
        "BRIEFING_TUI_CACHE": str(tmp_path / "cache"),
        "BRIEFING_TUI_STATE": str(state),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    assignments = [f"{k}={shlex.quote(v)}" for k, v in env.items()]
    app = " ".join(["env", *assignments, shlex.quote(sys.executable), shlex.quote(str(script))])
    # The shell stays: the terminal's modes afterwards are those the app left behind.
    command = f"{app}; echo exit=$?; sleep 120"
    with tmux_session(command, 80, 24) as t:

        def flag(name: str) -> str:
            out = t.tmux("display-message", "-p", "-t", t.session, "#{" + name + "}")
            return out.stdout.strip()

        t.wait_for("Pakistan and US agree")
        assert flag("alternate_on") == "1"
        assert flag("cursor_flag") == "0"  # Textual hides the cursor while it runs
        t.send("j")
        t.wait_for(f"exit={EXIT_INTERNAL}", timeout=10)
        screen = t.tmux("capture-pane", "-p", "-J", "-S", "-50", "-t", t.session).stdout
        modes = {name: flag(name) for name in ("alternate_on", "cursor_flag", "mouse_any_flag")}
    assert modes == {"alternate_on": "0", "cursor_flag": "1", "mouse_any_flag": "0"}
    assert "Traceback" not in screen
    (log,) = crash_logs(state)
    lines = [line for line in screen.splitlines() if line.strip()]
    assert lines[-3:] == [
        "briefing-tui: internal error: RuntimeError: simulated bug ␛[31m in a key handler",
        f"the details are in {log}; please report them",
        f"exit={EXIT_INTERNAL}",
    ]
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "broken_cursor_down" in text
