"""Run the benchmark suite: print a table and write docs/benchmarks.md.

    python benchmarks/run.py                 # full run, scale table at 1k and 10k (~25 min)
    python benchmarks/run.py --quick         # fewer repeats, scale table at 1k (~4 min)
    python benchmarks/run.py --huge          # the commands at 100,000 briefings too
    python benchmarks/run.py --only search --briefings 1000

Benchmarks report figures; they are not tests. Each is measured beside its reference in the same
run. See docs/benchmarks.md for what each measures and how.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import report
from benchmarks.suite import BENCHMARKS, Context, Settings

ROOT = Path(__file__).resolve().parent.parent


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Run the briefing-tui benchmark suite; print a table and write "
        "docs/benchmarks.md.",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats, and the scale table at 1,000 briefings only (unless --scale-sizes)",
    )
    p.add_argument(
        "--scale-sizes",
        type=_sizes,
        default=None,
        metavar="N,N",
        help="library sizes of the scale table and the commands (default 1000,10000)",
    )
    p.add_argument(
        "--huge",
        "--full",
        action="store_true",
        help="also time the commands at 100,000 briefings (a cold index there takes long)",
    )
    p.add_argument(
        "--briefings",
        type=int,
        default=1000,
        metavar="N",
        help="library size for the at-scale benchmarks (default 1000)",
    )
    p.add_argument(
        "--load-sizes",
        type=_sizes,
        default=None,
        metavar="N,N",
        help="library sizes for the load benchmark (default 100 and --briefings)",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these benchmarks (repeatable or comma-separated): {', '.join(BENCHMARKS)}",
    )
    p.add_argument("--seed", type=int, default=1, help="corpus generator seed (default 1)")
    p.add_argument("--repeats", type=int, help="repeat count for every benchmark (overrides)")
    p.add_argument("--queries", type=int, help="number of typed queries (overrides)")
    p.add_argument("--words", type=int, default=3, help="words per typed query (default 3)")
    p.add_argument("--keys", type=int, help="selection moves each way per session (overrides)")
    p.add_argument("--idle", type=float, help="seconds of each idle measurement (overrides)")
    p.add_argument("--quiet", type=float, help="seconds of silence that end a key's answer")
    p.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "briefing-tui-bench",
        help="where generated libraries are kept between runs",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="the Markdown report (default docs/benchmarks.md)",
    )
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    p.add_argument("--keep", action="store_true", help="keep this run's scratch directory")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(args_list)
    only = [name for chunk in args.only for name in chunk.split(",") if name]
    unknown = [n for n in only if n not in BENCHMARKS]
    if unknown:
        parser().error(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}"
        )
    if args.briefings < 1:
        parser().error("--briefings must be at least 1")
    settings = Settings(
        quick=args.quick,
        briefings=args.briefings,
        load_sizes=args.load_sizes or tuple(sorted({min(100, args.briefings), args.briefings})),
        seed=args.seed,
        repeats=args.repeats,
        queries=args.queries,
        words=args.words,
        keys=args.keys,
        idle=args.idle,
        quiet=args.quiet,
        scale_sizes=args.scale_sizes or ((1000,) if args.quick else (1000, 10000)),
        huge=args.huge,
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    rundir = Path(tempfile.mkdtemp(prefix="run-", dir=args.workdir))

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    ctx = Context(settings, args.workdir, rundir, log=log)
    # As an install does (pip compiles every module): with PYTHONDONTWRITEBYTECODE set and an
    # editable checkout, every start would otherwise compile briefing-tui's modules again.
    import compileall

    import briefing_tui

    compileall.compile_dir(Path(briefing_tui.__file__).parent, quiet=1)
    started = time.perf_counter()
    failed: list[str] = []
    try:
        for name, bench in BENCHMARKS.items():
            if only and name not in only:
                continue
            log(f"{name} ...")
            t0 = time.perf_counter()
            try:
                bench(ctx)
            except Exception as exc:  # a broken benchmark must not hide the others
                failed.append(name)
                ctx.note(name, f"FAILED: {type(exc).__name__}: {exc}".splitlines()[0])
                log(traceback.format_exc())
            log(f"  ({time.perf_counter() - t0:.1f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(rundir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print(report.terminal_table(ctx.rows))
    for name in failed:
        print(f"{name}: FAILED ({ctx.notes[name][-1]})")
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report.markdown(ctx, args_list, elapsed), encoding="utf-8")
        print(f"wrote {args.output} ({elapsed:.0f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(
            json.dumps([r.as_dict() for r in ctx.rows], indent=2) + "\n", encoding="utf-8"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
