"""Exit codes and the crash log, shared by the commands and the app (the lower module both
import, so neither imports the other for them)."""

from __future__ import annotations

from briefing_tui.briefing.text import neutralise, one_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL = 70  # EX_SOFTWARE


def crash_message(exc: BaseException) -> tuple[str, str]:
    """Log ``exc`` (see :func:`_log_crash`); the message for the user, and the log's path.

    Used by the commands (briefing_tui.cli) and by the app (briefing_tui.tui.app).
    """
    log = _log_crash(exc)
    message = (
        f"briefing-tui: internal error: {neutralise(type(exc).__name__)}: "
        f"{one_line(str(exc))[:200]}\n"
        f"the details are in {neutralise(log)}; please report them"
    )
    return message, log


def _log_crash(exc: BaseException) -> str:
    """Write the traceback to the state directory, readable by the user only (tracebacks
    hold data); return where (or why not)."""
    import os
    import time
    import traceback

    from briefing_tui.paths import state_dir

    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc)))
        return str(path)
    except OSError as err:
        return f"(nowhere: cannot write the state directory: {err.strerror})"
