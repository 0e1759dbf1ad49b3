"""A library: many briefing files loaded together.

An actor id used in several briefings is one actor, so a reader can see every
briefing an actor appears in. A broken file never stops the others from loading.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing_tui.briefing.confine import add_library_root
from briefing_tui.briefing.loader import LoadResult, display_path, load_briefing
from briefing_tui.briefing.model import Actor, Briefing, Item, ItemRef, Pos
from briefing_tui.briefing.problems import Problem, Severity
from briefing_tui.briefing.text import excerpt, suggest

BRIEFING_SUFFIXES = (".yaml", ".yml")


def briefing_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The briefing files named by ``paths``, as Paths: see :func:`briefing_names`."""
    names, problems = briefing_names(paths)
    return [Path(n) for n in names], problems


def briefing_names(paths: Iterable[Path]) -> tuple[list[str], list[Problem]]:
    """The briefing files named by ``paths`` (files, or directories searched recursively).

    A directory is searched as ``Path.rglob`` would (symlinked directories are not entered,
    unreadable ones are skipped), leaving out hidden files and directories; each directory's
    files are sorted as paths sort. A file named twice (or reached through a symlink) is
    kept once, where it comes first.

    Names are sorted and compared as strings, and no Path is made per file (a library of
    100,000 files lists in a fraction of a second).
    """
    files: list[tuple[str, str | None]] = []  # (path, its resolved path if known)
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            add_library_root(path)  # its briefings may read the articles beside it
            found = _search(path, problems)
            if not found:
                problems.append(
                    Problem(
                        Pos(display_path(path)),
                        "no briefing files (*.yaml, *.yml) in this directory; "
                        "name a directory of briefings, or the files themselves",
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append((str(path), None))
        elif path.exists():  # a device, pipe or socket: never opened (it could block)
            problems.append(
                Problem(
                    Pos(display_path(path)),
                    "not a regular file (it is a device, pipe or socket); name a briefing file",
                )
            )
        else:
            problems.append(
                Problem(Pos(display_path(path)), "no such file or directory; check the path")
            )
    seen: set[str] = set()
    unique = []
    for f, resolved in files:
        key = resolved if resolved is not None else os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def _search(root: Path, problems: list[Problem] | None = None) -> list[tuple[str, str | None]]:
    """Briefing files under the directory ``root``, sorted, with their resolved paths.

    Only a symlink needs resolving: every other file's resolved path is the root's, resolved
    once, joined with the names walked (symlinked directories are never entered).
    """
    real_root = str(root.resolve())
    # (names below root, the file's path as a string, symlink): the names sort as paths do
    found: list[tuple[tuple[str, ...], str, bool]] = []

    def walk(folder: str, names: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            _skipped(
                problems,
                folder,
                "cannot read this folder (permission denied): its "
                "briefings are not loaded; let yourself read it, or leave it out",
            )
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue  # hidden: never a briefing, never searched
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                walk(entry.path, (*names, name))
            elif os.path.splitext(name)[1].lower() in BRIEFING_SUFFIXES:
                try:
                    is_file = entry.is_file()
                    link = entry.is_symlink()
                except OSError:
                    continue
                if is_file:
                    found.append(((*names, name), entry.path, link))
                elif link and not os.path.exists(entry.path):
                    try:
                        link_to = os.readlink(entry.path)
                        # the end of a long target names the file: keep that
                        target = (
                            excerpt(link_to, 80)
                            if len(link_to) <= 80
                            else "…" + excerpt(link_to[-79:], 79)
                        )
                    except OSError:
                        target = "?"
                    message = f"a symlink to a file that does not exist ({target}): it is "
                    _skipped(problems, entry.path, message + "skipped; fix or remove it")

    walk(str(root), ())
    found.sort()
    return [
        (path, os.path.realpath(path) if link else os.path.join(real_root, *names))
        for names, path, link in found
    ]


def _skipped(problems: list[Problem] | None, path: str, message: str) -> None:
    """Say what a directory search leaves out (a warning: the rest loads)."""
    if problems is not None:
        problems.append(Problem(Pos(display_path(Path(path))), message, Severity.WARNING))


@dataclass(frozen=True, slots=True)
class LibraryActor:
    """One actor across the library: every briefing it appears in, in library order."""

    id: str
    appearances: tuple[tuple[str, Actor], ...]  # (briefing id, the actor as that briefing has it)

    @property
    def actor(self) -> Actor:
        return self.appearances[0][1]

    @property
    def briefings(self) -> tuple[str, ...]:
        return tuple(b for b, _ in self.appearances)


@dataclass(frozen=True)
class Library:
    briefings: tuple[Briefing, ...]
    results: tuple[LoadResult, ...] = ()
    library_problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Briefing] = field(default_factory=dict, repr=False, compare=False)
    _actors: dict[str, LibraryActor] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for b in self.briefings:
            self._by_id.setdefault(b.id, b)
        acc: dict[str, list[tuple[str, Actor]]] = {}
        for b in self.briefings:
            for a in b.actors:
                acc.setdefault(a.id, []).append((b.id, a))
        for aid, apps in acc.items():
            self._actors[aid] = LibraryActor(aid, tuple(apps))

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem, file by file, then the library's own."""
        out = [p for r in self.results for p in r.problems]
        out.extend(self.library_problems)
        return tuple(out)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def broken(self) -> tuple[LoadResult, ...]:
        """Files that could not be loaded at all, or loaded with errors."""
        return tuple(r for r in self.results if not r.ok)

    def briefing(self, briefing_id: str) -> Briefing | None:
        return self._by_id.get(briefing_id)

    def item(self, ref: ItemRef) -> Item | None:
        b = self._by_id.get(ref.briefing)
        return b.item(ref.item) if b else None

    def actor(self, actor_id: str) -> LibraryActor | None:
        return self._actors.get(actor_id)

    @property
    def actors(self) -> tuple[LibraryActor, ...]:
        return tuple(self._actors.values())


def load_library(paths: Sequence[Path]) -> Library:
    """Load every briefing under ``paths``; problems are collected, never raised."""
    files, problems = briefing_files(paths)
    results = [load_one(f) for f in files]
    return assemble(results, problems)


def load_one(path: Path) -> LoadResult:
    """:func:`load_briefing`, with a last line of defence for the library.

    Bad input is answered with problems, never an exception; should a bug raise one all
    the same, it becomes this file's problem so the other briefings still load.
    """
    try:
        return load_briefing(path)
    except Exception as exc:
        name = display_path(path)
        return LoadResult(
            path,
            None,
            (
                Problem(
                    Pos(name),
                    f"briefing-tui failed on this file ({type(exc).__name__}: "
                    f"{excerpt(str(exc), 120)}); this is a bug: please report it with the file",
                ),
            ),
        )


def assemble(results: Sequence[LoadResult], problems: Sequence[Problem] = ()) -> Library:
    """A library from load results: shows every briefing that loaded, checks across files."""
    lib_problems = list(problems)
    briefings: list[Briefing] = []
    kept: list[LoadResult] = []
    ids: dict[str, LoadResult] = {}
    for r in results:
        b = r.briefing
        if b is not None and b.id in ids:
            first = ids[b.id]
            lib_problems.append(
                Problem(
                    r.id_pos or Pos(display_path(r.path)),
                    f"briefing id '{b.id}' is already used by {display_path(first.path)}; "
                    "give this briefing an id of its own (it is not shown)",
                )
            )
            kept.append(r)
            continue
        if b is not None:
            ids[b.id] = r
            briefings.append(b)
        kept.append(r)
    for b in briefings:
        positions = ids[b.id].ref_pos
        for it in b.items:
            for relation, target in it.references():
                if ":" not in target:
                    continue
                at = positions.get((it.id, relation, target), it.pos)
                other, _, iid = target.partition(":")
                ob = ids.get(other)
                if ob is None or ob.briefing is None:
                    lib_problems.append(
                        Problem(
                            at,
                            f"'{target}' in {it.id}'s {relation}: no briefing '{other}' in "
                            f"the library{suggest(other, set(ids), '; check the briefing id')}",
                        )
                    )
                elif ob.briefing.item(iid) is None:
                    known = {i.id for i in ob.briefing.items}
                    lib_problems.append(
                        Problem(
                            at,
                            f"'{target}' in {it.id}'s {relation}: briefing '{other}' has no "
                            f"item '{iid}'{suggest(iid, known, '; check the item id')}",
                        )
                    )
    return Library(tuple(briefings), tuple(kept), tuple(lib_problems))
