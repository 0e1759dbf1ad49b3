"""Work spread over worker processes, results in order (the core; no Textual).

Parsing thousands of briefings (or analysing their documents) is pure-Python work: one
process uses one core. :func:`ordered_map` runs a function over items in a pool of forked
worker processes and yields the results in the items' order, keeping only a few chunks in
flight, so memory stays bounded however many items there are.

Workers are forked (they start at once, with the parent's modules and state: no main module
run again, as ``spawn`` would); a process with other threads running is never forked (a
lock held by one would stay held in the child; a thread that only waits in a system call,
marked :func:`fork_safe`, holds none), so there, and where ``fork`` is missing, the items are
mapped in this process: :func:`can_fork` says which.

The workers ignore Ctrl+C (the terminal sends it to the whole process group): the parent
gets it, stops the pool (cancelling what has not started) and lets the exception through.
The benchmark rows of issue 15 (``index`` cold at 10,000 briefings) justify it.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 16  # items per task: fewer round trips, still a smooth progress bar
IN_FLIGHT = 3  # tasks queued per worker: keeps them busy, bounds what is held


_IN_WORKER: list[bool] = []  # set in a worker process: it starts no workers of its own
_PARENT: list[int] = []  # a worker's parent process


_QUIET_THREADS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def fork_safe(thread: threading.Thread) -> threading.Thread:
    """Mark ``thread`` as one that holds no lock a worker could need: it only waits in a
    system call (as the index child's watch on its stdin does). Its process may still fork
    workers while it runs (:func:`can_fork`)."""
    _QUIET_THREADS.add(thread)
    return thread


def can_fork() -> bool:
    """Whether :func:`ordered_map` and :func:`run_all` may use worker processes here: not in
    a worker, and no thread running besides this one but those marked :func:`fork_safe`."""
    import multiprocessing

    others = threading.active_count() - 1
    if others:
        others -= sum(1 for t in list(_QUIET_THREADS) if t.is_alive())
    return not _IN_WORKER and "fork" in multiprocessing.get_all_start_methods() and others == 0


def worker_count() -> int:
    """How many worker processes to use: the cores this process may run on (at most 8), one
    fewer after :func:`spare_a_core`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores - len(_SPARED), 8))


_SPARED: list[bool] = []


def spare_a_core() -> None:
    """From now on, in this process, leave one core to the others (at least one worker):
    the app's interface, beside the index being built for it."""
    _SPARED[:] = [True]


def _start(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    import random

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (not a handler of the parent's)
    gc.disable()  # a worker's objects are freed by reference counting as it goes
    _IN_WORKER.append(True)
    _PARENT[:] = [os.getppid()]
    _die_with_parent()
    random.seed()  # forked: else every worker draws the same "random" names
    if initializer is not None:
        initializer(*initargs)


def _die_with_parent() -> None:
    """On Linux, the kernel kills this worker when its parent dies (SIGKILLed, say): else a
    worker blocked writing its result to a pipe its siblings still hold open stays forever."""
    import contextlib

    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL) == 0 and os.getppid() != _PARENT[0]:  # 1: SET_PDEATHSIG
            os._exit(1)  # the parent died before the request took effect


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    chunk: int = CHUNK,
) -> Iterator[R]:
    """``fn(item)`` for each item, computed in worker processes, yielded in order.

    ``fn`` and ``initializer`` must be module-level functions (they are pickled by name);
    ``initializer(*initargs)`` runs once in each worker. Leaving the iteration early (or
    an exception) shuts the pool down. Without :func:`can_fork`, mapped in this process.
    """
    import multiprocessing

    if not can_fork():
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, items)
        return
    n = workers if workers is not None else worker_count()
    pool = ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(initializer, initargs),
    )
    pending: deque[Future[list[R]]] = deque()
    it = iter(items)
    try:
        while True:
            while len(pending) < n * IN_FLIGHT:
                batch = [x for _, x in zip(range(chunk), it, strict=False)]
                if not batch:
                    break
                pending.append(pool.submit(_run_chunk, fn, batch))
            if not pending:
                break
            yield from pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(n: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> Any:
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(initializer, initargs),
    )


def run_all(
    fn: Callable[[int], R], n: int, *, poll: Callable[[], None] | None = None, tick: float = 0.1
) -> list[R]:
    """``[fn(0), ..., fn(n - 1)]``, each in a worker process of its own (forked: ``fn`` finds
    what the parent set up before). ``poll()`` is called about every ``tick`` seconds while
    they run (a progress report; what it raises stops the wait). On any exception (Ctrl+C
    included) the workers are told to stop (``fn`` should check :func:`stopped` often),
    the pool is shut down and the exception let through. Needs :func:`can_fork`."""
    import multiprocessing
    from concurrent.futures import FIRST_EXCEPTION, wait

    flag = multiprocessing.get_context("fork").RawValue("b", 0)
    _STOP[:] = [flag]  # before the workers are forked: they share it
    pool = _pool(n, None, ())
    try:
        futures = [pool.submit(fn, k) for k in range(n)]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=tick, return_when=FIRST_EXCEPTION)
            for f in done:
                f.result()  # raises a worker's exception now
            if poll is not None:
                poll()
        return [f.result() for f in futures]
    except BaseException:
        flag.value = 1  # the workers stop at their next step
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _STOP.clear()


_STOP: list[Any] = []  # the flag run_all's workers watch


def stopped() -> bool:
    """In a worker of :func:`run_all`: whether the parent wants it to stop, or is gone
    (killed: nothing would ever use what the worker writes)."""
    return bool(_STOP and _STOP[0].value) or bool(_PARENT and os.getppid() != _PARENT[0])
