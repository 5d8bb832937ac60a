"""Where the per-document pipeline runs: this process, a local pool (more engines later)."""

from __future__ import annotations

from .local import Failure, LocalRunner

__all__ = ["Failure", "LocalRunner"]
