"""The corpus stage: link many analysed documents (DESIGN.md "link").

One module per concern, run in this order by :func:`link_corpus`:

1. :mod:`.independence` finds near-duplicate (syndicated) documents, which the later
   steps treat as one;
2. :mod:`.entities` merges the same person, outlet or agency across documents;
3. :mod:`.citations` draws who-relays-whom edges;
4. :mod:`.claims` groups attributions carrying one proposition, follows each back to
   its original sources and counts the independent ones (:mod:`.independence`).

The stages read the store's tables and write ``link_*`` tables next to them, a document
at a time, so a corpus never has to fit in memory. :func:`link_documents` runs the same
code on a handful of Documents held in memory (through a throw-away in-memory store).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..model import Document

__all__ = ["LINK_VERSION", "CorpusLinks", "link_corpus", "link_documents"]

LINK_VERSION = "2.1"
"""Bumped when the link stages change what they compute, so stores relink on next use."""

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def link_corpus(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Compute every ``link_*`` table of the store behind ``con``; return counts."""
    from .citations import build_citations
    from .claims import build_claims
    from .entities import merge_entities
    from .independence import find_near_duplicates

    counts = {"copies": find_near_duplicates(con)}
    counts["entities"] = merge_entities(con)
    counts["citations"] = build_citations(con)
    counts["claims"] = build_claims(con)
    log.info("linked: %s", counts)
    return counts


@dataclass
class CorpusLinks:
    """The three corpus-level records of CONTRACT.md, plus the near-duplicate groups."""

    citations: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)


def link_documents(docs: Iterable[Document]) -> CorpusLinks:
    """Link already analysed Documents held in memory (small corpora, tests, notebooks).
    All or nothing: a document the store refuses (a span outside its text…) raises
    InputError naming it, where a link of the rest would silently lack it."""
    from ..errors import InputError
    from ..store import Store, as_is

    with Store(":memory:") as store:
        failed = store.add_documents(docs, analyze=as_is).failed
        if failed:
            where, reason = failed[0]
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            raise InputError(where, f"{reason}{more}")
        return CorpusLinks(
            citations=list(store.citations()),
            claims=list(store.claims()),
            sources=list(store.sources()),
            duplicates=list(store.near_duplicates()),
        )
