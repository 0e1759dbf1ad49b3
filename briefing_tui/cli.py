"""The command line: open the app, or validate, export, search and index a library.

``briefing-tui [PATH ...]`` opens the app; ``briefing-tui COMMAND ...`` runs a command.
With no PATH the bundled library is used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing_tui import __version__
from briefing_tui.briefing.text import neutralise, one_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL = 70  # EX_SOFTWARE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _paths(values: Sequence[str] | None) -> list[Path]:
    from briefing_tui.paths import bundled_library

    return [Path(v) for v in values] if values else [bundled_library()]


def _out(text: str) -> None:
    sys.stdout.write(neutralise(text) if "\x1b" in text else text)


def cmd_open(args: argparse.Namespace) -> int:
    import gc
    import os

    gc.disable()  # start-up allocates much and frees little: back on after the first paint
    # Textual draws at most 60 frames a second: an answer (search results) that arrives just
    # after a key's echo waits up to 17 ms for its frame. Frames are only drawn when something
    # changed, so a higher cap costs nothing idle. Read when Textual is imported.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from briefing_tui.tui.app import run_app

    return run_app(_paths(args.paths), args)


def cmd_validate(args: argparse.Namespace) -> int:
    from briefing_tui.briefing.library import load_library

    library = load_library(_paths(args.paths))
    for p in library.problems:
        print(neutralise(str(p)))
    # Curation warnings (briefing_tui.briefing.coverage): uncited sentences, unlinked mentions, TODOs.
    from briefing_tui.briefing.coverage import curation_report

    curation = curation_report(library.results)
    for p in curation.warnings:
        print(neutralise(str(p)))
    errors = len(library.errors)
    warnings = len(library.problems) - errors + len(curation.warnings)
    n = len(library.results)
    summary = f"{n} briefing file{'s' if n != 1 else ''} checked: "
    summary += f"{errors} error{'s' if errors != 1 else ''}"
    if warnings:
        summary += f", {warnings} warning{'s' if warnings != 1 else ''}"
    if curation.summary():
        summary += f"; {curation.summary()}"
    print(summary, file=sys.stderr)
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from briefing_tui.briefing.export import to_json, to_markdown
    from briefing_tui.briefing.library import load_library

    library = load_library(_paths(args.paths))
    for p in library.errors:
        print(neutralise(str(p)), file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(to_json(library))
    else:
        sys.stdout.write(neutralise(to_markdown(library)))
    return EXIT_PROBLEMS if library.errors else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from briefing_tui.briefing.schema import SCHEMA_PATH, schema_text

    if args.print:
        sys.stdout.write(schema_text())
    else:
        print(SCHEMA_PATH)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from briefing_tui.briefing.library import load_library
    from briefing_tui.search import SearchIndex

    query = " ".join(args.query)
    if args.limit < 0:
        print("briefing-tui search: error: --limit must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    library = load_library(_paths(args.data))
    for p in library.errors:
        print(neutralise(str(p)), file=sys.stderr)
    index = SearchIndex.open(library)
    try:
        result = index.search(query, args.limit, time_limit=5.0)
    finally:
        index.close()
    if result.note:
        print(neutralise(result.note), file=sys.stderr)
    if result.more:  # --limit cut the list: say so, and how to see the rest
        print(f"showing {result.count_label()} hits; --limit N shows more", file=sys.stderr)
    if args.json:
        hits = [
            {
                "briefing": h.briefing,
                "kind": h.kind,
                "id": h.id,
                "title": h.title,
                "month": h.month,
                "snippet": h.snippet,
                "score": round(h.score, 4),
            }
            for h in result.hits
        ]
        sys.stdout.write(json.dumps(hits, ensure_ascii=False, indent=2) + "\n")
    else:
        for h in result.hits:
            month = f" ({h.month})" if h.month else ""
            fields = (f"{h.briefing}:{h.id}", h.kind, f"{h.title}{month}", h.snippet)
            print("\t".join(neutralise(f).replace("\n", " ") for f in fields))
    return EXIT_OK if result.hits else EXIT_PROBLEMS


class _ProgressBar:
    """A plain text progress bar on stderr, redrawn at most ~10 times a second."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label = label
        self.width = width
        self.tty = sys.stderr.isatty()
        self._last = 0.0
        self._shown = False
        self._done_shown = False

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        if done >= total:
            if self._done_shown:
                return
            self._done_shown = True
        self._last = now
        total = max(total, 1)
        filled = min(self.width, self.width * done // total)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label} [{bar}] {done}/{total}"
        if self.tty:
            sys.stderr.write("\r" + text)
        elif done >= total or not self._shown:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self._shown = True

    def finish(self) -> None:
        if self.tty and self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from briefing_tui.cache.snapshot import (
        load_library,  # also refreshes the app's library snapshot
    )
    from briefing_tui.search import SearchIndex

    library = load_library(_paths(args.paths))
    for p in library.errors:
        print(neutralise(str(p)), file=sys.stderr)
    bar = _ProgressBar("indexing briefings")
    start = time.monotonic()
    index = SearchIndex(library, progress=bar, rebuild=args.rebuild)
    bar.finish()
    took = time.monotonic() - start
    n = len(library.briefings)
    where = str(index.location) if index.location is not None else "memory (cache not writable)"
    status = index.status
    index.close()
    if status == "unavailable":
        print(f"briefing-tui index: {index.error}", file=sys.stderr)
        return EXIT_PROBLEMS
    re_n = len(index.reindexed)
    print(
        f"{n} briefing{'s' if n != 1 else ''} in the index ({status}: "
        f"{re_n} indexed in {took:.1f} s); index at {neutralise(where)}"
    )
    return EXIT_PROBLEMS if library.errors else EXIT_OK


COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {}


def command(
    name: str, help: str
) -> Callable[
    [Callable[[argparse.ArgumentParser], None]], Callable[[argparse.ArgumentParser], None]
]:
    """Register a subcommand's argument setup; its runner is ``cmd_<name>``."""

    def deco(
        setup: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[argparse.ArgumentParser], None]:
        COMMANDS[name] = (help, setup, globals()[f"cmd_{name}"])
        return setup

    return deco


@command("validate", "check briefings; one problem a line as path:line:col: message")
def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="briefing files or directories (default: the bundled library)",
    )
    p.add_argument("--strict", action="store_true", help="warnings count as problems too")
    p.epilog = "Exit status: 0 clean, 1 problems found, 2 usage error."


@command("export", "write the whole library to stdout as JSON or Markdown")
def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="output format (default: json)",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="briefing files or directories (default: the bundled library)",
    )


def cmd_new(args: argparse.Namespace) -> int:
    from briefing_tui.briefing.scaffold import Refused, create

    result = create(Path(args.article), Path(args.out), args.id)
    if isinstance(result, Refused):
        print(f"briefing-tui new: {neutralise(str(result))}", file=sys.stderr)
        return result.exit_code
    from briefing_tui.briefing.loader import display_path

    where = display_path(result.briefing)
    copied = "copied the article to" if result.copied else "reused the article in"
    print(
        neutralise(
            f"wrote {where}: {result.sentences} numbered sentences, "
            f"{len(result.candidates)} candidate actors to review\n"
            f"{copied} {display_path(result.article)}\n"
            f"next: fill in the TODOs, then run: briefing-tui validate {where}"
        )
    )
    return EXIT_OK


@command("new", "start a briefing from an article: copy it to seeds/, write a starter briefing")
def _new_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("article", metavar="ARTICLE", help="the article, a UTF-8 text file")
    p.add_argument("--id", help="the briefing's id (default: the article's file name, slugified)")
    p.add_argument(
        "--out",
        metavar="DIR",
        default="data",
        help="the library directory to write ID.yaml in (default: ./data); the article is "
        "copied to seeds/ beside it (DIR/../seeds/)",
    )
    p.epilog = (
        "Never overwrites a briefing. Exit status: 0 written, 1 refused (briefing exists, "
        "article unusable), 2 usage error (no such article, bad id)."
    )


@command("schema", "print where the briefing JSON Schema is installed (for editors)")
def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--print", action="store_true", help="print the schema itself")


@command("search", "search a library; one hit a line, or --json")
def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="+", metavar="QUERY", help="the query (see docs/search.md)")
    p.add_argument("--json", action="store_true", help="print a JSON array of hits")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (default: 20)")
    p.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        help="briefing file or directory to search (repeatable; default: the bundled library)",
    )
    p.epilog = (
        'Query: words (all must match), "a phrase", kind:commitment, actor:naqvi, '
        "month:2025-10, topic:narcotics, briefing:ID, status:agreed, -word to exclude. "
        "Exit status: 0 hits found, 1 no hits, 2 usage error."
    )


@command("index", "build or refresh the search index (with a progress bar)")
def _index_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="briefing files or directories (default: the bundled library)",
    )
    p.add_argument("--rebuild", action="store_true", help="write the index again from scratch")
    p.epilog = "Exit status: 0 done, 1 a briefing had errors (the others are indexed), 2 usage."


def _main_parser() -> argparse.ArgumentParser:
    lines = "\n".join(f"  {name:<10} {help}" for name, (help, _, _) in COMMANDS.items())
    p = _Parser(
        prog="briefing-tui",
        description="Browse hand-curated news briefings in the terminal: actors, commitments "
        "and context by month, tied to the article's sentences, with search.",
        epilog=f"commands (briefing-tui COMMAND --help for more):\n{lines}\n\n"
        "With no PATH the bundled briefing library is opened.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"briefing-tui {__version__}")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="briefing files or directories to open (default: the bundled library)",
    )
    p.add_argument(
        "--ssh",
        action="store_true",
        help="behave as over SSH: no animation or blinking, small redraws",
    )
    p.add_argument(
        "--no-watch",
        action="store_true",
        help="do not reload briefings and articles when their files change on disk",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMANDS:
            name = args_list[0]
            help, setup, run = COMMANDS[name]
            sub = _Parser(prog=f"briefing-tui {name}", description=help)
            setup(sub)
            return run(sub.parse_args(args_list[1:]))
        args = _main_parser().parse_args(args_list)
        return cmd_open(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug, never bad input: say so briefly, keep the details
        print(crash_message(exc)[0], file=sys.stderr)
        return EXIT_INTERNAL


def crash_message(exc: BaseException) -> tuple[str, str]:
    """Log ``exc`` (see :func:`_log_crash`); the message for the user, and the log's path.

    Used by the commands and by the app (``BriefingApp._handle_exception``).
    """
    log = _log_crash(exc)
    message = (
        f"briefing-tui: internal error: {neutralise(type(exc).__name__)}: "
        f"{one_line(str(exc))[:200]}\n"
        f"the details are in {neutralise(log)}; please report them"
    )
    return message, log


def _log_crash(exc: BaseException) -> str:
    """Write the traceback to the state directory; return where (or why not)."""
    import time
    import traceback

    from briefing_tui.paths import state_dir

    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return str(path)
    except OSError as err:
        return f"(nowhere: cannot write the state directory: {err.strerror})"
