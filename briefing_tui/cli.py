"""The command line: open the app, or validate, export, search and index a library.

``briefing-tui [PATH ...]`` opens the app; ``briefing-tui COMMAND ...`` runs a command.
With no PATH the bundled library is used.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_tui import __version__
from briefing_tui.briefing.text import json_safe, neutralise, one_line
from briefing_tui.exits import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    crash_message,
)

if TYPE_CHECKING:
    from briefing_tui.search import SearchIndex
    from briefing_tui.search.scan import ScannedLibrary


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _paths(values: Sequence[str] | None) -> list[Path]:
    from briefing_tui.paths import bundled_library

    return [Path(v) for v in values] if values else [bundled_library()]


def _out(text: str) -> None:
    sys.stdout.write(neutralise(text) if "\x1b" in text else text)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):  # closed
        return False


def _unicode_stdout(stream: object = None) -> bool:
    """Whether the stream (standard output) can encode any character (not so with
    LC_ALL=C, PYTHONUTF8=0)."""
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None)
    try:
        "\u2014\u00e9\U0001f600".encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _json_out(text: str) -> None:
    """JSON on standard output: controls, bidi overrides (and, for an output that cannot
    encode them, all non-ASCII characters) written as \\u escapes: the same JSON value."""
    sys.stdout.write(json_safe(text, ascii_only=not _unicode_stdout()))


def _words_after_options(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with the query's words after ``--``, so that ``-word`` (exclude a word)
    needs no ``--``: only the parser's own options (or their unambiguous prefixes) are
    options, every other token is a word of the query, in order."""
    longs = [o for o in parser._option_string_actions if o.startswith("--")]
    options: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            words.extend(argv[i + 1 :])
            break
        key = token.split("=", 1)[0]
        matches = [o for o in longs if o.startswith(key)] if key.startswith("--") else []
        action = parser._option_string_actions.get(key)
        if action is None and len(matches) == 1:
            action = parser._option_string_actions[matches[0]]
        if action is None or key in ("-", "--"):
            words.append(token)
        else:
            options.append(token)
            if action.nargs != 0 and "=" not in token and i + 1 < len(argv):
                options.append(argv[i + 1])
                i += 1
        i += 1
    return [*options, "--", *words] if words else options


def _one_line_logging() -> None:
    """What the commands log (a damaged index being rebuilt) goes to standard error as one
    line, never a traceback (the answer is right all the same)."""
    import logging

    class OneLine(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            with contextlib.suppress(Exception):
                sys.stderr.write(f"briefing-tui: {one_line(record.getMessage())}\n")

    root = logging.getLogger("briefing_tui")
    if not any(
        isinstance(h, logging.Handler) and type(h).__name__ == "OneLine" for h in root.handlers
    ):
        handler = OneLine(logging.WARNING)
        root.addHandler(handler)


def _lenient_output() -> None:
    """Text a stream cannot encode is written as escapes (``\\u2014``), never a failure
    (exit 70)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        if getattr(stream, "errors", "") == "strict" or not _unicode_stdout(stream):
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


def cmd_open(args: argparse.Namespace) -> int:
    import gc
    import os

    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        # with a file or a pipe the app would wait forever for keys it can never read
        which = "input" if not _is_terminal(sys.stdin) else "output"
        print(
            f"briefing-tui: standard {which} is not a terminal; run it in a terminal, or use "
            "'briefing-tui export' or 'briefing-tui search' for output to a file or a pipe",
            file=sys.stderr,
        )
        return EXIT_USAGE
    gc.disable()  # start-up allocates much and frees little: back on after the first paint
    # Textual draws at most 60 frames a second: an answer (search results) that arrives just
    # after a key's echo waits up to 17 ms for its frame. Frames are only drawn when something
    # changed, so a higher cap costs nothing idle. Read when Textual is imported.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from briefing_tui.tui.run import run_app

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
    for p in curation.notes:  # e.g. a briefing in format 1: not a problem, but worth knowing
        print(neutralise(str(p)), file=sys.stderr)
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
        _json_out(to_json(library))
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


def _scan_and_open(
    paths: list[Path], *, bars: bool, rebuild: bool = False
) -> tuple[ScannedLibrary, SearchIndex]:
    """The library scanned through its snapshot (only new and changed files parsed), its
    errors on stderr, and its index brought up to date (see briefing_tui.search.scan)."""
    from briefing_tui.search import SearchIndex
    from briefing_tui.search.scan import scan_library

    reading = _ProgressBar("reading briefings")
    scanned = scan_library(paths, progress=reading if bars and reading.tty else None)
    reading.finish()
    for line in scanned.error_lines():
        print(neutralise(line), file=sys.stderr)
    bar = _ProgressBar("indexing briefings")
    index = SearchIndex(
        scanned.library, progress=bar if bars else None, rebuild=rebuild, plan=scanned.plan
    )
    bar.finish()
    return scanned, index


def cmd_search(args: argparse.Namespace) -> int:
    import json

    query = " ".join(args.query)
    if args.limit < 0:
        print("briefing-tui search: error: --limit must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    # a bar only on a terminal: a first search at 10,000 briefings builds the index
    _, index = _scan_and_open(_paths(args.data), bars=_is_terminal(sys.stderr))
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
        _json_out(json.dumps(hits, ensure_ascii=False, indent=2) + "\n")
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

    start = time.monotonic()
    scanned, index = _scan_and_open(_paths(args.paths), bars=True, rebuild=args.rebuild)
    took = time.monotonic() - start
    n = scanned.briefings
    if index.location is not None:
        where = str(index.location)
    elif not n:
        where = "memory (no briefing to index)"
    else:
        where = "memory (cache not writable)"
    status = index.status
    index.close()
    if status == "unavailable":
        print(f"briefing-tui index: {neutralise(str(index.error))}", file=sys.stderr)
        return EXIT_PROBLEMS
    re_n = len(index.reindexed)
    print(
        f"{n} briefing{'s' if n != 1 else ''} in the index ({status}: "
        f"{re_n} indexed in {took:.1f} s); index at {neutralise(where)}"
    )
    return EXIT_PROBLEMS if scanned.error_lines() else EXIT_OK


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


def _paths_arg(p: argparse.ArgumentParser) -> None:
    """The briefing files or directories a subcommand reads (none: the bundled library)."""
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="briefing files or directories (default: the bundled library)",
    )


@command("validate", "check briefings; one problem a line as path:line:col: message")
def _validate_args(p: argparse.ArgumentParser) -> None:
    _paths_arg(p)
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
    _paths_arg(p)


def cmd_new(args: argparse.Namespace) -> int:
    from briefing_tui.briefing.scaffold import Refused, create, seeds_dir

    out = Path(args.out or "data")
    if args.id:  # an id of one's choosing must be new (a drafted one is made unique)
        used = _id_in_use(out, args.id)
        if used is not None:
            print(f"briefing-tui new: {neutralise(used)}", file=sys.stderr)
            return EXIT_PROBLEMS
    result = create(Path(args.article), out, args.id, seeds_dir(out, args.out is not None))
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


def _id_in_use(out: Path, briefing_id: str) -> str | None:
    """Why ``briefing_id`` may not be given to a new briefing in ``out`` (None: it may)."""
    from briefing_tui.briefing.library import load_library
    from briefing_tui.briefing.loader import display_path

    if not briefing_id or not out.is_dir():
        return None
    for b in load_library([out]).briefings:
        if b.id == briefing_id:
            return (
                f"{display_path(b.path)} already has the id '{briefing_id}'; choose another "
                "with --id (briefing ids are unique in a library)"
            )
    return None


@command("new", "start a briefing from an article: copy it to seeds/, write a starter briefing")
def _new_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("article", metavar="ARTICLE", help="the article, a UTF-8 text file")
    p.add_argument("--id", help="the briefing's id (default: the article's file name, slugified)")
    p.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="the library directory to write ID.yaml in (default: ./data, the article going "
        "to ./seeds/ beside it); with --out the article goes to DIR/seeds/, or to the "
        "seeds/ folder beside DIR when there is one",
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
    _paths_arg(p)
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
    _lenient_output()
    try:
        if args_list and args_list[0] in COMMANDS:
            _one_line_logging()
            name = args_list[0]
            help, setup, run = COMMANDS[name]
            sub = _Parser(prog=f"briefing-tui {name}", description=help)
            setup(sub)
            rest = args_list[1:]
            if name == "search":
                rest = _words_after_options(sub, rest)
            return run(sub.parse_args(rest))
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
