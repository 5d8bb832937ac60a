"""Where the per-document pipeline runs: this process, a local pool (more engines later)."""

from __future__ import annotations

from .local import WORKER_DIED, Failure, LocalRunner

__all__ = ["WORKER_DIED", "Failure", "LocalRunner"]
