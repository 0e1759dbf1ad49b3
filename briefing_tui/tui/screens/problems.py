"""Problems in the library: a notification for each broken file, and the problems view.

Opened on a library where some files are broken, the app still shows every good briefing.
Each broken file is named in a notification with its first error, and ``p`` opens the
problems view: every problem (errors first, then warnings, including the curation
warnings of ``briefing-tui validate``) as ``path:line:col: message``. Enter shows one in
full, with the lines of the file around it. The empty screen (no briefing could be
loaded) lists the problems with the same widget.

Every text here comes from files or their names: it is neutralised and built as plain
``Text``, never parsed as markup.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from briefing_tui.briefing.library import Library
from briefing_tui.briefing.model import ItemRef
from briefing_tui.briefing.problems import Problem
from briefing_tui.briefing.results import display_path
from briefing_tui.briefing.text import excerpt, neutralise, one_line
from briefing_tui.tui.screens.dialog import DialogScreen
from briefing_tui.tui.widgets.lists import BriefList

if TYPE_CHECKING:
    from textual.app import App

MAX_TOASTS = 3  # notifications at most (they fit 80x24): a file each, or the last names the rest
SUMMARY_NAMES = 6  # file names the last notification lists before "and N more"
TOAST_SECONDS = 12
CONTEXT_LINES = 2  # lines shown before and after the problem's line
BADGES = {"error": "ERROR", "warning": "WARN "}


# -- notifications ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrokenFile:
    """A file with at least one error: its first error and whether its briefing is shown."""

    path: str  # as problems name it
    first: Problem
    errors: int
    shown: bool  # its briefing is in the library all the same (some items may be missing)


def broken_files(library: Library) -> list[BrokenFile]:
    """Every file (or path) with an error, in library order, with its first error."""
    shown_paths = {
        display_path(r.path)
        for r in library.with_problems  # (a file with an error has problems)
        if r.briefing is not None and library.briefing(r.briefing.id) is r.briefing
    }
    firsts: dict[str, Problem] = {}
    counts: dict[str, int] = {}
    for p in library.errors:
        firsts.setdefault(p.path, p)
        counts[p.path] = counts.get(p.path, 0) + 1
    return [BrokenFile(path, p, counts[path], path in shown_paths) for path, p in firsts.items()]


def short_name(path: str) -> str:
    """The last part of a path as problems name it (for a list of many files)."""
    if os.altsep:  # Windows: both separate folders; elsewhere a '\\' is part of a name
        path = path.replace(os.altsep, os.sep)
    return path.rstrip(os.sep).rsplit(os.sep, 1)[-1] or path


def notify_broken(app: App[Any], library: Library, key: str = "p") -> int:
    """Name each broken file in a notification with its first problem; return how many.

    The title names the file; the message is its first error as ``line:col: message``.

    Up to MAX_TOASTS files get a notification each; the rest are named together in one
    more, so a library of hundreds of broken files cannot bury the screen.
    """
    broken = broken_files(library)
    last = min(len(broken), MAX_TOASTS) - 1
    for i, bf in enumerate(broken):
        hint = f" Press {key} to see every problem." if i == last else ""
        if i == MAX_TOASTS - 1 and len(broken) > MAX_TOASTS:
            rest = broken[i:]
            names = ", ".join(excerpt(short_name(b.path), 40) for b in rest[:SUMMARY_NAMES])
            if len(rest) > SUMMARY_NAMES:
                names += f" and {len(rest) - SUMMARY_NAMES} more"
            app.notify(
                f"{names}.{hint}",
                title=f"{len(rest)} more files with problems",
                severity="error",
                timeout=TOAST_SECONDS,
                markup=False,
            )
            break
        more = f" (+{bf.errors - 1} more)" if bf.errors > 1 else ""
        title = "Shown with errors: " if bf.shown else "Not loaded: "
        where = f"{bf.first.line}:{bf.first.col}: " if bf.first.line else ""
        message = excerpt(bf.first.message, 100)
        stop = "" if message.endswith(("…", ".")) else "."
        app.notify(
            f"{where}{message}{more}{stop}{hint}",
            title=title + excerpt(short_name(bf.path), 60),
            severity="warning" if bf.shown else "error",
            timeout=TOAST_SECONDS,
            markup=False,
        )
    return len(broken)


# -- the list ---------------------------------------------------------------------------------


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then warnings; each in the order given (file by file, line by line)."""
    items = list(problems)
    return [p for p in items if p.is_error] + [p for p in items if not p.is_error]


def problem_prompt(p: Problem) -> Text:
    """``ERROR name:line:col  folder/`` and the message below it: plain text, never markup.

    The file name comes first so a long folder can never push it out of sight: a path has
    no space to wrap at, and would be cut anywhere.
    """
    text = Text(BADGES.get(p.severity.value, "?    "), style="reverse bold")
    name = short_name(p.path)
    folder = p.path[: len(p.path) - len(name)] if p.path.endswith(name) else ""
    where = f"{name}:{p.line}:{p.col}" if p.line else name
    text.append(" " + one_line(where), style="bold")
    if folder:
        text.append("  " + one_line(folder), style="dim")
    text.append("\n  " + one_line(p.message))
    return text


def counts_label(problems: Sequence[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


class ProblemList(BriefList):
    """Problems, two lines each; Enter (OptionSelected) asks to show one in full."""

    def __init__(self, problems: Sequence[Problem], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.problems: list[Problem] = []
        self.extend(problems)

    def extend(self, problems: Iterable[Problem]) -> None:
        new = list(problems)
        start = len(self.problems)
        self.problems.extend(new)
        self.add_options([Option(problem_prompt(p), id=str(start + i)) for i, p in enumerate(new)])

    @property
    def highlighted_problem(self) -> Problem | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.problems):
            return None
        return self.problems[self.highlighted]


# -- one problem in full --------------------------------------------------------------------


def source_paths(library: Library) -> dict[str, Path]:
    """The files of the library by the name their problems give them."""
    return {display_path(path): path for path in library.paths}


def context(path: Path | None, p: Problem, around: int = CONTEXT_LINES) -> Text | None:
    """The lines of the file around ``p``, numbered, with a caret under its column.

    Read with the loader's own guards (regular files only, size limit, UTF-8), so a file
    that changed into something unreadable since is simply not shown.
    """
    if path is None or p.line < 1:
        return None
    from briefing_tui.briefing.yamltree import read_file

    text = read_file(path)
    if isinstance(text, Problem):
        return None
    lines = text.splitlines()
    if p.line > len(lines):
        return None
    first = max(1, p.line - around)
    last = min(len(lines), p.line + around)
    width = len(str(last))
    out = Text()
    for n in range(first, last + 1):
        line = neutralise(lines[n - 1][:500])
        gutter = f"{n:>{width}} │ "
        style = "bold" if n == p.line else "dim"
        out.append(gutter, style="dim")
        out.append(line + "\n", style=style)
        if n == p.line and p.col >= 1:
            before = neutralise(lines[n - 1][: p.col - 1][:500])
            out.append(" " * (width + 3 + cell_len(before)) + "^\n", style="bold")
    return out


def full_text(p: Problem, path: Path | None) -> Text:
    kind = "Error" if p.is_error else "Warning"
    text = Text(f"{kind} at ", style="bold")
    text.append(one_line(str(p.pos)), style="bold underline")
    text.append("\n\n")
    text.append(neutralise(p.message))
    lines = context(path, p)
    if lines is not None:
        text.append("\n\n")
        text.append_text(lines)
    return text


class ProblemScreen(DialogScreen[None]):
    """One problem in full, with the lines of its file around it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "Close", id="problem.close"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="problem.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="problem.up"),
    ]

    BOX = "VerticalScroll"
    BOX_SIZE = "width: 90%; max-width: 110; height: auto; max-height: 90%;"
    BOX_SURFACE = True

    def __init__(self, problem: Problem, path: Path | None) -> None:
        super().__init__()
        self.problem = problem
        self.path = path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problem-body") as body:
            body.border_title = "Problem"
            body.border_subtitle = "Esc closes"
            yield Static(full_text(self.problem, self.path), id="problem-text")

    def action_scroll(self, where: str) -> None:
        body = self.query_one(VerticalScroll)
        (body.scroll_down if where == "down" else body.scroll_up)(animate=False)


def show_problem(app: App[Any], library: Library, p: Problem | None) -> None:
    if p is not None:
        app.push_screen(ProblemScreen(p, source_paths(library).get(p.path)))


# -- the problems view ----------------------------------------------------------------------


def item_of(library: Library, p: Problem) -> ItemRef | None:
    """The loaded item a problem is in: the last item of its file starting at or before the
    problem's line (None when the file did not load, or the problem is outside any item)."""
    found: ItemRef | None = None
    best = 0
    for s in library.summaries:
        if os.path.basename(s.path) != os.path.basename(p.path):
            continue
        if display_path(Path(s.path)) != p.path:
            continue  # (only its briefing is read)
        b = library.briefing(s.id)
        for item in b.items if b is not None else ():
            pos = item.pos
            if pos.path == p.path and best < pos.line <= p.line:
                found, best = ItemRef(s.id, item.id), pos.line
    return found


def curation_warnings(library: Library) -> tuple[Problem, ...]:
    """The curation warnings of ``briefing-tui validate``: uncited sentences, unlinked
    mentions, TODO markers."""
    from briefing_tui.briefing.coverage import curation_report

    return curation_report(library.results).warnings


class ProblemsScreen(DialogScreen[None]):
    """Every problem of the library; Enter goes to the item a problem is in (or shows it in
    full when it is in none that loaded), f shows it in full, Escape (or p) closes.

    The library's own problems are there at once; the curation warnings are checked in a
    thread (they read every briefing's article) and added when ready.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p,q", "dismiss", "Close", id="problems.close"),
        Binding("enter,o", "go", "Go to its item", id="problems.go"),
        Binding("f", "open", "Show in full", id="problems.open"),
    ]

    BOX = "#problems-box"
    BOX_SIZE = "width: 95%; max-width: 140; height: 90%;"
    BOX_SURFACE = True
    DEFAULT_CSS = """
    ProblemsScreen #problems-status { height: auto; color: $text-muted; }
    ProblemsScreen ProblemList, ProblemsScreen ProblemList:focus { height: 1fr; border: none; }
        """

    def __init__(self, library: Library, *, curation: bool = True) -> None:
        super().__init__()
        self.library = library
        self.curation = curation
        self.curation_done = not curation

    def compose(self) -> ComposeResult:
        problems = ordered(self.library.problems)
        with Vertical(id="problems-box") as box:
            box.border_subtitle = "Enter goes to its item · f shows in full · Esc closes"
            yield Static(id="problems-status")
            yield ProblemList(problems, id="problems-list")

    problem_list = getters.query_one(ProblemList)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # the toasts named the broken files; this lists them
        lst = self.problem_list
        lst.focus()
        lst.highlight_first_enabled()
        self._update_status()
        if self.curation:
            self._check_curation()

    @work(thread=True, group="curation", exit_on_error=False)
    def _check_curation(self) -> tuple[Problem, ...]:
        return curation_warnings(self.library)

    def _update_status(self) -> None:
        problems = self.problem_list.problems
        box = self.query_one("#problems-box")
        box.border_title = f"Problems ({counts_label(problems)})"
        status = Text()
        if not problems:
            status.append("No problems found." if self.curation_done else "No problems so far.")
        if not self.curation_done:
            status.append(
                (" " if not problems else "")
                + "Checking curation (uncited sentences, unlinked mentions, TODOs)…",
                style="dim",
            )
        widget = self.query_one("#problems-status", Static)
        widget.update(status)
        widget.display = bool(status.plain)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "curation":
            return
        if event.state == WorkerState.SUCCESS:
            self.curation_done = True
            lst = self.problem_list
            lst.extend(event.worker.result or ())
            if lst.highlighted is None:
                lst.highlight_first_enabled()
            self._update_status()
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.curation_done = True
            self._update_status()
            error = event.worker.error
            self.query_one("#problems-status", Static).update(
                Text(f"The curation check failed: {one_line(repr(error))}", style="dim")
            )
            self.query_one("#problems-status", Static).display = True

    def action_open(self) -> None:
        show_problem(self.app, self.library, self.problem_list.highlighted_problem)

    def action_go(self) -> None:
        """Close the view and show the item the highlighted problem is in; a problem in no
        item that loaded (a file that did not load, a briefing-wide one) is shown in full."""
        p = self.problem_list.highlighted_problem
        ref = item_of(self.library, p) if p is not None else None
        if ref is None:
            self.action_open()
            return
        go = getattr(self.app, "go_to_ref", None)
        self.dismiss()
        if go is not None:
            go(ref.briefing, ref.item)

    @on(BriefList.OptionSelected)
    def _selected(self, event: BriefList.OptionSelected) -> None:
        event.stop()
        self.action_go()
