"""Run the per-document pipeline in this process or in a local process pool.

Documents cross process boundaries as plain CONTRACT dicts, so the same interface can
front a distributed engine later. Each failure is returned, not raised, so one bad
document never stops a run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .. import pipeline
from ..model import Document
from ..pipeline import DEFAULT_MODE, TRANSFORMER_MODES, stages_for

__all__ = ["Failure", "LocalRunner"]


class Failure:
    """A document the pipeline could not analyze, with a one-line reason and where it was
    read from (``Document.where``: the file, or file:line of a JSON Lines record)."""

    def __init__(self, doc_id: str, reason: str, where: str = "") -> None:
        self.doc_id = doc_id
        self.reason = reason
        self.where = where

    def __str__(self) -> str:
        return f"{self.where or self.doc_id}: {self.reason}"  # as a bad input's line reads


CHUNK = 16
"""Documents handed to the pipeline at once in this process (its parse is batched;
nlp.PARSE_BATCH); a pool worker gets POOL_CHUNK, so a few documents still spread over
every worker."""
POOL_CHUNK = 4
CHUNK_CHARS = 1_000_000
"""A chunk closes once its texts reach this many characters: the parses of a chunk are
held together, and one article may be 25 million characters long."""
AHEAD = 4
"""Pool chunks in flight per worker: enough to keep every worker busy, few enough that a
corpus of millions is never read into memory ahead of its analysis."""


def chunks(items: Iterable[Any], size: int = CHUNK, *, weight: Callable[[Any], int] | None = None,
           limit: int | None = None) -> Iterator[list[Any]]:
    """``items`` in lists of ``size``; with ``weight`` and ``limit``, a list also closes once
    its items weigh ``limit`` (a heavy item goes alone)."""
    chunk: list[Any] = []
    load = 0
    for item in items:
        chunk.append(item)
        if weight is not None and limit is not None:
            load += weight(item)
        if len(chunk) >= size or (limit is not None and load >= limit):
            yield chunk
            chunk, load = [], 0
    if chunk:
        yield chunk


def doc_chunks(docs: Iterable[Document], size: int = CHUNK) -> Iterator[list[Document]]:
    """Documents in chunks for ``analyze_many``: ``size`` at most, CHUNK_CHARS of text at most."""
    return chunks(docs, size, weight=lambda d: len(d.text), limit=CHUNK_CHARS)


def _outcome(doc: Document, out: Any) -> Document | Failure:
    return out if isinstance(out, Document) else Failure(doc.doc_id, str(out), doc.where)


def _analyze_dicts(chunk: list[dict[str, Any]], mode: str = DEFAULT_MODE) -> list[dict[str, Any]]:
    docs = [Document.from_dict(d) for d in chunk]
    return [out.to_dict() if isinstance(out, Document) else {"_failure": str(out), "doc_id": doc.doc_id}
            for doc, out in zip(docs, pipeline.analyze_many(docs, mode=mode), strict=True)]


def _start_worker(parent: int, one_thread: bool) -> None:
    # A forked worker inherits the CLI's SIGTERM handler, which raises where the process
    # stands. The pool SIGTERMs its workers when one dies (OOM, kill -9): each then raised
    # inside its chunk and blocked for ever sending that back, and the run hung.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Ctrl-C reaches the whole process group: a worker ends at once, with no traceback of
    # its own (the parent says the stop). The CLI's handler, inherited, raised in the worker
    # and made it ignore the pool's SIGTERM from then on.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _leave_with_parent(parent)
    if one_thread:
        _one_thread_each()


WORKER_DIED = "a worker process died (killed, or out of memory)"
"""What a BrokenProcessPool means to a user: the pool's own words name no cause."""

PARENT_POLL = 1.0
"""Seconds between a worker's looks at whether its parent still lives."""


def _leave_with_parent(parent: int) -> None:
    """A worker ends soon after the process that made the pool does. A parent killed
    outright (SIGKILL, or a SIGTERM with no handler, as `sourcetrace analyze` takes it)
    left its workers waiting on the pool's queue for ever, each holding a model in memory.

    ``parent`` is that process's id, given by it: a worker may be the child of a fork
    server instead (the start method Python 3.14 takes on Linux), or may start after its
    parent is already dead (spawn), so the worker's own parent id at start proves nothing.
    It leaves when it is handed to another parent or when ``parent`` is gone."""
    first = os.getppid()

    def watch() -> None:
        while os.getppid() == first and not _gone(parent):
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended: no such process, or a zombie (dead, not yet reaped
    by its own parent; Linux's /proc tells)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _one_thread_each() -> None:
    """N workers on N cores: each keeps to one thread (torch, for the transformer mode,
    would otherwise start one per core in every worker)."""
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


class LocalRunner:
    """`jobs=1` runs in this process with batched parsing; more uses a process pool."""

    def __init__(self, *, jobs: int = 1, mode: str = DEFAULT_MODE) -> None:
        stages_for(mode)  # an unknown mode is refused here (E504), not once per document
        self.jobs = max(1, jobs)
        self.mode = mode

    def run(self, docs: Iterable[Document]) -> Iterator[Document | Failure]:
        if self.jobs == 1:
            for chunk in doc_chunks(docs):
                for doc, out in zip(chunk, pipeline.analyze_many(chunk, mode=self.mode), strict=True):
                    yield _outcome(doc, out)
            return
        with ProcessPoolExecutor(max_workers=self.jobs, initializer=_start_worker,
                                 initargs=(os.getpid(), self.mode in TRANSFORMER_MODES)) as pool:
            # submitted a few chunks ahead of what is collected, in order (the pool's own
            # map would read every document up front)
            pending: deque[tuple[list[Document], Future[list[dict[str, Any]]]]] = deque()
            finished = False
            try:
                for chunk in doc_chunks(docs, POOL_CHUNK):
                    pending.append((chunk, pool.submit(_analyze_dicts, [d.to_dict() for d in chunk], self.mode)))
                    if len(pending) >= self.jobs * AHEAD:
                        yield from _collect(pool, *pending.popleft())
                while pending:
                    yield from _collect(pool, *pending.popleft())
                finished = True
            except BrokenProcessPool as e:  # said once here for every caller
                raise BrokenProcessPool(WORKER_DIED) from e
            finally:  # stopped early (Ctrl-C, a consumer that stops): finish nothing more
                if not finished:
                    # also while the last chunk is collected, when none is left pending
                    _end_workers(pool)
                    # the pool's own thread cancels what has not started. Futures cancelled
                    # here, then failed by Python 3.11's pool when the workers died (a
                    # SIGTERM to the whole process group), killed that thread half-way,
                    # and the process hung at exit on a pipe no one read.
                    pool.shutdown(wait=True, cancel_futures=True)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """End the workers of a run that stops early: what they hold would be thrown away, and
    one chunk of long texts can take minutes (a SIGTERM sent to the main process alone
    waited 249 s for two texts of 1 MB). The pool sees them die and fails what is pending,
    as when the OOM killer takes one (their SIGTERM is SIG_DFL: ``_start_worker``).

    A worker ended while it sends a result back leaves half a message in the pool's result
    pipe, and the pool's thread waited for the rest for ever (the run hung at its stop):
    this process holds the pipe's writing end too. Closing that here lets the read end in
    an end-of-file once the workers are gone, which the pool takes for a broken worker."""
    results = getattr(pool, "_result_queue", None)  # before Python 3.14's call drops it
    end = getattr(pool, "terminate_workers", None)  # Python 3.14
    if end is not None:
        end()
    else:
        for process in _workers(pool):
            try:
                process.terminate()
            except (OSError, ValueError):  # already gone, or closed
                pass
    writer = getattr(results, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


WATCH = 1.0
"""Seconds between looks at whether a worker died while the pool did not see it."""


def _result(pool: ProcessPoolExecutor, done: Future[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A chunk's result, or the pool's BrokenProcessPool once a worker has died. A worker
    killed outright (the OOM killer) while it sent a result back left the pool's thread
    waiting for the rest of the message for ever; its workers are ended here then, as on
    a stop, which ends that wait."""
    # waited on, not ``result(timeout=)``: a chunk's own TimeoutError (an OSError such as
    # ETIMEDOUT) would read as the wait's, and the loop spun on it for ever
    while not wait([done], timeout=WATCH).done:
        if _a_worker_died(pool):
            _end_workers(pool)
    return done.result()


def _workers(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (its private ``_processes``: the pool lists them nowhere
    else before Python 3.14; none once it has shut down)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _a_worker_died(pool: ProcessPoolExecutor) -> bool:
    for process in _workers(pool):
        try:
            # a worker ends only with the pool (no max_tasks_per_child, whose workers end
            # on their own and would read as dead here)
            if process.exitcode is not None:
                return True
        except ValueError:  # closed: the pool is going
            return True
    return False


def _collect(pool: ProcessPoolExecutor, chunk: list[Document],
             done: Future[list[dict[str, Any]]]) -> Iterator[Document | Failure]:
    for doc, out in zip(chunk, _result(pool, done), strict=True):
        if "_failure" in out:
            yield Failure(doc.doc_id, out["_failure"], doc.where)
        else:
            yield Document.from_dict(out)
