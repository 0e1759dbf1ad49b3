"""A library: many briefing files loaded together.

An actor id used in several briefings is one actor, so a reader can see every
briefing an actor appears in. A broken file never stops the others from loading.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, overload

from briefing_tui.briefing.confine import add_library_root
from briefing_tui.briefing.model import Actor, Briefing, Item, ItemRef, Pos
from briefing_tui.briefing.problems import Problem, Severity
from briefing_tui.briefing.results import LoadResult, display_path
from briefing_tui.briefing.text import excerpt, suggest

BRIEFING_SUFFIXES = (".yaml", ".yml")


def briefing_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The briefing files named by ``paths``, as Paths: see :func:`briefing_names`."""
    names, problems = briefing_names(paths)
    return [Path(n) for n in names], problems


@dataclass
class Walked:
    """What :func:`briefing_names` walked: every folder it listed, and how many briefing
    names were symlinks (for a listing kept while its folders are unchanged)."""

    folders: list[str] = field(default_factory=list)
    links: int = 0


def briefing_names(
    paths: Iterable[Path], walked: Walked | None = None
) -> tuple[list[str], list[Problem]]:
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
            found = _search(path, problems, walked)
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


def _search(
    root: Path, problems: list[Problem] | None = None, walked: Walked | None = None
) -> list[tuple[str, str | None]]:
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
        if walked is not None:
            walked.folders.append(folder)
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
            elif _briefing_name(name):
                try:
                    is_file = entry.is_file()
                    link = entry.is_symlink()
                except OSError:
                    continue
                if walked is not None and link:
                    walked.links += 1
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
    # As the name tuples sort (no name holds a NUL), comparing strings: one sort of 10,000
    # tuples of tuples held the interpreter for 13-20 ms, while the app took keys.
    found.sort(key=lambda f: "\0".join(f[0]))
    return [
        (path, os.path.realpath(path) if link else os.path.join(real_root, *names))
        for names, path, link in found
    ]


def first_files(paths: Iterable[Path]) -> Iterator[str]:
    """The briefing files named by ``paths``, in the order :func:`briefing_names` lists them,
    found as they are asked for: the first few of a large library without listing it all
    (each folder on the way is listed and its names sorted; only the names taken are statted).
    No problems are said, and a file reached twice may come twice: for the first screen."""
    for path in paths:
        if path.is_dir():
            yield from _in_order(str(path))
        elif path.is_file():
            yield str(path)


def _in_order(folder: str) -> Iterator[str]:
    try:
        names = sorted(n for n in os.listdir(folder) if not n.startswith("."))
    except OSError:
        return
    for name in names:  # (a name is statted only when it is reached)
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            yield from _in_order(path)
        elif _briefing_name(name) and os.path.isfile(path):
            yield path


def _briefing_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in BRIEFING_SUFFIXES


def _skipped(problems: list[Problem] | None, path: str, message: str) -> None:
    """Say what a directory search leaves out (a warning: the rest loads)."""
    if problems is not None:
        problems.append(Problem(Pos(display_path(Path(path))), message, Severity.WARNING))


# A link that matters across briefings, as a summary keeps it: (the naming item's id, its
# title, the relation, the target's briefing ("" for this one), the target's id).
Named = tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class BriefingSummary:
    """What the app needs of a briefing it does not show: the switcher's row and filter, the
    title of search results, and the links other briefings' items need (backlinks to an
    actor they share, references across briefings). Small; kept for every briefing."""

    id: str
    title: str
    path: str
    place: str
    month: str  # YYYY-MM ("" when undated)
    when_label: str
    sort_key: tuple[int, str, int]
    year: int | None  # the inferred year (the briefing's dating), for marking dates
    counts: tuple[int, int, int, int]  # actors, commitments, context events, notes
    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    flat: tuple[str, ...]  # the named links (Named), five strings each, one after the other

    @property
    def actors(self) -> tuple[tuple[str, str], ...]:
        """(id, name) of each actor."""
        return tuple(zip(self.actor_ids, self.actor_names, strict=True))

    @property
    def named(self) -> tuple[Named, ...]:
        """Its links naming one of its actors, or another briefing's item."""
        f = self.flat
        return tuple((f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4]) for i in range(0, len(f), 5))

    def link(self, k: int) -> Named:
        """Its ``k``-th named link."""
        f, i = self.flat, 5 * k
        return (f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4])


def summarise(b: Briefing) -> BriefingSummary:
    """The summary of a briefing (strings that repeat across briefings interned)."""
    intern = sys.intern
    actor_ids = {a.id for a in b.actors}
    named: list[str] = []
    for it in b.items:
        for relation, target in it.references():
            other, sep, iid = target.partition(":")
            if sep:
                named += (intern(it.id), it.title, intern(relation), intern(other), iid)
            elif target in actor_ids:
                named += (intern(it.id), it.title, intern(relation), "", intern(target))
    when = b.source.when
    c = b.counts()
    return BriefingSummary(
        b.id,
        b.title,
        str(b.path),
        intern(b.source.place),
        intern(when.month or ""),
        intern(when.label()),
        when.sort_key(),
        b.dating.year if b.dating is not None else None,
        (c["actors"], c["commitments"], c["context"], c["notes"]),
        tuple(intern(a.id) for a in b.actors),
        tuple(intern(a.name) for a in b.actors),
        tuple(named),
    )


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
    """Briefings loaded together. ``briefings`` is a tuple here; an :class:`OnDemandLibrary`
    (the app's) reads them when asked for, keeping a :class:`BriefingSummary` of each."""

    briefings: Sequence[Briefing]
    results: Sequence[LoadResult] = ()
    library_problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Briefing] = field(default_factory=dict, repr=False, compare=False)
    _actors: dict[str, LibraryActor] = field(default_factory=dict, repr=False, compare=False)
    _made: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
    def with_problems(self) -> tuple[LoadResult, ...]:
        """The files that have problems, in library order."""
        return tuple(r for r in self.results if r.problems)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem, file by file, then the library's own."""
        out = [p for r in self.with_problems for p in r.problems]
        out.extend(self.library_problems)
        return tuple(out)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def broken(self) -> tuple[LoadResult, ...]:
        """Files that could not be loaded at all, or loaded with errors."""
        return tuple(r for r in self.results if not r.ok)

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every briefing file, in library order."""
        return tuple(r.path for r in self.results) or tuple(b.path for b in self.briefings)

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

    # -- what is known of every briefing without reading it ----------------------------------

    @property
    def summaries(self) -> tuple[BriefingSummary, ...]:
        """Every briefing's summary, in library order."""
        made = self._made.get("summaries")
        if made is None:
            made = self._made["summaries"] = tuple(summarise(b) for b in self.briefings)
        return made

    def _positions(self) -> dict[str, int]:
        made = self._made.get("positions")
        if made is None:
            made = self._made["positions"] = {bid: i for i, bid in enumerate(self.ids)}
        return made

    def position(self, briefing_id: str) -> int | None:
        """Where the briefing is in library order (None when it is not in the library)."""
        return self._positions().get(briefing_id)

    def summary(self, briefing_id: str) -> BriefingSummary | None:
        at = self.position(briefing_id)
        return None if at is None else self.summaries[at]

    def title(self, briefing_id: str) -> str | None:
        s = self.summary(briefing_id)
        return None if s is None else s.title

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.summaries)

    def titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.summaries}

    def inferred_years(self) -> dict[str, int]:
        """Each briefing's inferred year (its dating), for marking dates ``Nov 2025*``."""
        return {s.id: s.year for s in self.summaries if s.year is not None}

    @property
    def digests(self) -> Mapping[str, str]:
        """Briefings' search-index content hashes known without reading them (id -> hash)."""
        return {}


READ_CACHE = 48  # briefings an OnDemandLibrary keeps read (the shown one, recent visits, hits)


class BriefingReader:
    """Briefings read on demand, the :data:`READ_CACHE` most recently used kept.

    ``read(path)`` gives a file's load result; ``pinned`` results are held (never read
    again). Safe to use from several threads (the UI, search workers).
    """

    def __init__(
        self,
        read: Callable[[str], LoadResult],
        paths: Mapping[str, str],
        pinned: Mapping[str, LoadResult],
        size: int = READ_CACHE,
    ) -> None:
        self._read = read
        self._paths = paths  # briefing id -> its file
        self._pinned = pinned  # file -> its result
        self._size = size
        self._kept: OrderedDict[str, LoadResult] = OrderedDict()
        self._lock = threading.RLock()
        self.reads = 0

    def result(self, path: str, keep: bool = True) -> LoadResult:
        """The file's result; ``keep=False``: not kept if read now (a pass over every file
        must not push out what the screen shows)."""
        pinned = self._pinned.get(path)
        if pinned is not None:
            return pinned
        with self._lock:
            found = self._kept.get(path)
            if found is not None:
                self._kept.move_to_end(path)
                return found
            found = self._read(path)
            self.reads += 1
            if not keep:
                return found
            self._kept[path] = found
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
            return found

    def seed(self, results: Iterable[LoadResult]) -> None:
        """Keep these results (just read) as if they had been asked for."""
        with self._lock:
            for r in results:
                self._kept[str(r.path)] = r
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def get(self, briefing_id: str, default: Any = None) -> Any:
        path = self._paths.get(briefing_id)
        if path is None:
            return default
        b = self.result(path).briefing
        # a file changed since its summary was made reads as not that briefing
        return b if b is not None and b.id == briefing_id else default


class _Lazy(Sequence[Any]):
    """A sequence whose elements are made when asked for (briefings, load results)."""

    def __init__(
        self, keys: Sequence[str], make: Callable[[str], Any], each: Callable[[str], Any]
    ) -> None:
        self._keys = keys
        self._make = make
        self._each = each  # for iterating: reads without keeping

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return tuple(self._make(k) for k in self._keys[i])
        return self._make(self._keys[i])

    def __iter__(self) -> Iterator[Any]:
        return (self._each(k) for k in self._keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} read on demand>"


class OnDemandLibrary(Library):
    """A library whose briefings are read when asked for (through a :class:`BriefingReader`),
    keeping only each briefing's :class:`BriefingSummary` and the results of the files with
    problems. ``briefings`` and ``results`` read what they are asked for (iterating them
    reads every file, one at a time: the summaries, ``paths`` and ``with_problems`` do not).
    """

    def __init__(
        self,
        files: Sequence[str],
        summaries: Sequence[BriefingSummary],
        read: Callable[[str], LoadResult],
        pinned: Mapping[str, LoadResult],
        library_problems: Sequence[Problem] = (),
        digests: Mapping[str, str] | None = None,
        cache_size: int = READ_CACHE,
    ) -> None:
        summaries = tuple(summaries)
        by_path = {s.id: s.path for s in summaries}
        reader = BriefingReader(read, by_path, pinned, cache_size)
        ids = [s.id for s in summaries]
        setattr_ = object.__setattr__
        setattr_(self, "reader", reader)
        setattr_(self, "files", tuple(files))
        setattr_(self, "briefings", _Lazy(ids, self._shown, partial(self._shown, keep=False)))
        setattr_(
            self, "results", _Lazy(self.files, reader.result, partial(reader.result, keep=False))
        )
        setattr_(self, "library_problems", tuple(library_problems))
        setattr_(self, "_by_id", reader)
        setattr_(self, "_actors", {})
        setattr_(self, "_made", {"summaries": summaries})
        setattr_(self, "_digests", dict(digests or {}))
        kept = [r for f in self.files if (r := pinned.get(f)) is not None and r.problems]
        setattr_(self, "_with_problems", tuple(kept))

    reader: BriefingReader
    files: tuple[str, ...]
    _digests: dict[str, str]
    _with_problems: tuple[LoadResult, ...]

    def __eq__(self, other: object) -> bool:
        """Equal to a library of the same briefings, results and problems (reads them all)."""
        if not isinstance(other, Library):
            return NotImplemented
        return (
            self.library_problems == other.library_problems
            and self.briefings == other.briefings
            and self.results == other.results
        )

    __hash__ = None  # type: ignore[assignment]

    def _shown(self, briefing_id: str, keep: bool = True) -> Briefing:
        s = self.summary(briefing_id)
        assert s is not None
        b = self.reader.result(s.path, keep).briefing  # (if its file changed since: as now)
        assert b is not None
        return b

    @property
    def with_problems(self) -> tuple[LoadResult, ...]:
        return self._with_problems

    @property
    def broken(self) -> tuple[LoadResult, ...]:
        return tuple(r for r in self._with_problems if not r.ok)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(Path(f) for f in self.files)

    @property
    def digests(self) -> Mapping[str, str]:
        return self._digests

    def actor(self, actor_id: str) -> LibraryActor | None:
        apps = []
        for s in self.summaries:
            if actor_id in s.actor_ids:
                b = self.briefing(s.id)
                a = b.item(actor_id) if b is not None else None
                if isinstance(a, Actor):
                    apps.append((s.id, a))
        return LibraryActor(actor_id, tuple(apps)) if apps else None

    @property
    def actors(self) -> tuple[LibraryActor, ...]:
        seen = dict.fromkeys(aid for s in self.summaries for aid in s.actor_ids)
        return tuple(a for aid in seen if (a := self.actor(aid)) is not None)


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
    from briefing_tui.briefing.loader import load_briefing  # parsing: not for a snapshot

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


def _used_twice(at: Pos, briefing_id: str, first: Path) -> Problem:
    return Problem(
        at,
        f"briefing id '{briefing_id}' is already used by {display_path(first)}; "
        "give this briefing an id of its own (it is not shown)",
    )


def _dangling(
    at: Pos,
    source: str,
    relation: str,
    target: str,
    ids: Iterable[str],
    items: Callable[[str], Briefing | None],
) -> Problem | None:
    """The problem with a reference to another briefing's item, if it has one."""
    other, _, iid = target.partition(":")
    ob = items(other)
    if ob is None:
        return Problem(
            at,
            f"'{target}' in {source}'s {relation}: no briefing '{other}' in "
            f"the library{suggest(other, set(ids), '; check the briefing id')}",
        )
    if ob.item(iid) is None:
        known = {i.id for i in ob.items}
        return Problem(
            at,
            f"'{target}' in {source}'s {relation}: briefing '{other}' has no "
            f"item '{iid}'{suggest(iid, known, '; check the item id')}",
        )
    return None


def assemble(results: Sequence[LoadResult], problems: Sequence[Problem] = ()) -> Library:
    """A library from load results: shows every briefing that loaded, checks across files."""
    lib_problems = list(problems)
    briefings: list[Briefing] = []
    kept: list[LoadResult] = []
    ids: dict[str, LoadResult] = {}
    for r in results:
        b = r.briefing
        if b is not None and b.id in ids:
            lib_problems.append(
                _used_twice(r.id_pos or Pos(display_path(r.path)), b.id, ids[b.id].path)
            )
            kept.append(r)
            continue
        if b is not None:
            ids[b.id] = r
            briefings.append(b)
        kept.append(r)

    def shown(bid: str) -> Briefing | None:
        r = ids.get(bid)
        return r.briefing if r is not None else None

    for b in briefings:
        positions = ids[b.id].ref_pos
        for it in b.items:
            for relation, target in it.references():
                if ":" not in target:
                    continue
                at = positions.get((it.id, relation, target), it.pos)
                found = _dangling(at, it.id, relation, target, ids, shown)
                if found is not None:
                    lib_problems.append(found)
    return Library(tuple(briefings), tuple(kept), tuple(lib_problems))


@dataclass(frozen=True, slots=True)
class Filed:
    """One briefing file as an :class:`OnDemandLibrary` keeps it: its briefing's summary
    (None when it loads none), where its id and its references to other briefings are
    written (for the library's problems)."""

    path: str
    summary: BriefingSummary | None
    id_pos: Pos | None = None
    cross_pos: tuple[Pos, ...] = ()  # one per reference to another briefing, in order


def filed(result: LoadResult) -> Filed:
    b = result.briefing
    if b is None:
        return Filed(str(result.path), None, result.id_pos)
    s = summarise(b)
    cross: list[Pos] = []
    for iid, _, relation, other, target in s.named:
        if other:
            it = b.item(iid)
            fallback = it.pos if it is not None else Pos(display_path(result.path))
            cross.append(result.ref_pos.get((iid, relation, f"{other}:{target}"), fallback))
    return Filed(str(result.path), s, result.id_pos, tuple(cross))


def assemble_on_demand(
    files: Sequence[Filed],
    read: Callable[[str], LoadResult],
    pinned: Mapping[str, LoadResult],
    problems: Sequence[Problem] = (),
    digests: Mapping[str, str] | None = None,
) -> OnDemandLibrary:
    """:func:`assemble` for files summarised (:func:`filed`): an :class:`OnDemandLibrary`
    that reads a briefing through ``read`` (a file's load result) when asked for, ``pinned``
    results held. The same briefings, problems and checks across files as :func:`assemble`
    (a briefing is read only to check a reference to one of its items)."""
    lib_problems = list(problems)
    shown: dict[str, Filed] = {}
    summaries: list[BriefingSummary] = []
    for f in files:
        s = f.summary
        if s is None:
            continue
        if s.id in shown:
            lib_problems.append(
                _used_twice(
                    f.id_pos or Pos(display_path(Path(f.path))), s.id, Path(shown[s.id].path)
                )
            )
            continue
        shown[s.id] = f
        summaries.append(s)
    library = OnDemandLibrary([f.path for f in files], summaries, read, pinned, (), digests)
    for s in summaries:
        k = 0
        for iid, _, relation, other, target in s.named:
            if not other:
                continue
            at = shown[s.id].cross_pos[k]
            k += 1
            found = _dangling(at, iid, relation, f"{other}:{target}", shown, library.briefing)
            if found is not None:
                lib_problems.append(found)
    object.__setattr__(library, "library_problems", tuple(lib_problems))
    return library
