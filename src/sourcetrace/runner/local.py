"""Run the per-document pipeline in this process or in a local process pool.

Documents cross process boundaries as plain CONTRACT dicts, so the same interface can
front a distributed engine later. Each failure is returned, not raised, so one bad
document never stops a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from ..errors import SourcetraceError
from ..model import Document
from ..pipeline import TRANSFORMER_MODES, analyze

__all__ = ["Failure", "LocalRunner"]


class Failure:
    """A document the pipeline could not analyze, with a one-line reason."""

    def __init__(self, doc_id: str, reason: str) -> None:
        self.doc_id = doc_id
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.reason}"


def _analyze_dict(data: dict[str, Any], mode: str = "rules") -> dict[str, Any]:
    doc = Document.from_dict(data)
    try:
        return analyze(doc, mode=mode).to_dict()
    except SourcetraceError as e:
        return {"_failure": str(e), "doc_id": doc.doc_id}


def _one_thread_each() -> None:
    """N workers on N cores: each keeps to one thread (torch, for the transformer mode,
    would otherwise start one per core in every worker)."""
    import os

    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


class LocalRunner:
    """`jobs=1` runs in this process with batched parsing; more uses a process pool."""

    def __init__(self, *, jobs: int = 1, mode: str = "rules") -> None:
        self.jobs = max(1, jobs)
        self.mode = mode

    def run(self, docs: Iterable[Document]) -> Iterator[Document | Failure]:
        if self.jobs == 1:
            for doc in docs:
                try:
                    yield analyze(doc, mode=self.mode)
                except SourcetraceError as e:
                    yield Failure(doc.doc_id, str(e))
            return
        init = _one_thread_each if self.mode in TRANSFORMER_MODES else None
        with ProcessPoolExecutor(max_workers=self.jobs, initializer=init) as pool:
            work = partial(_analyze_dict, mode=self.mode)
            for out in pool.map(work, (d.to_dict() for d in docs), chunksize=4):
                if "_failure" in out:
                    yield Failure(out["doc_id"], out["_failure"])
                else:
                    yield Document.from_dict(out)
