"""How many independent sources stand behind a claim, and which documents only echo it.

Two things make a claim look better supported than it is: many outlets relaying one
origin, and one article syndicated (copied) under several names. So a claim's support is
counted over *original sources* (the end of each attribution chain, after entities were
merged across documents), never over documents, and near-duplicate documents are
grouped first (MinHash over the whole text, without boilerplate) so a copy of an article
adds nothing: its anonymous "a source" is the original's "a source".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import LeanMinHash, MinHashLSH

from . import sketch
from .unionfind import UnionFind
from .views import TableWriter

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "ChainEnd",
    "Independence",
    "assess",
    "coordinated_parts",
    "find_near_duplicates",
    "iter_duplicate_groups",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

NEAR_DUPLICATE_THRESHOLD = 0.7
"""Estimated Jaccard of word 4-gram sets above which two articles are one (syndicated)
text. A wire story re-run with a new headline, a different credit line and a few edits
stays above 0.8; two articles on the same event written separately stay below 0.2 (the
hand-written cases in tests/test_link.py; the two seed articles: 0.0)."""


_COORDINATED = re.compile(
    r"^(?:the\s+)?(?P<a>[A-Z][\w.'’-]*)\s+and\s+(?P<b>[A-Z][\w.'’-]*)(?P<head>(?:\s+[a-z][\w-]*)+)$"
)


def coordinated_parts(name: str) -> list[str]:
    """The sources a coordinated source phrase names: "Ukrainian and Western accounts" ->
    ["Ukrainian accounts", "Western accounts"]; one source -> [name]. Only two capitalised
    modifiers of one common head are split ("Anti-Russia activists and former politicians"
    stays one group: it is one set of people at one meeting)."""
    m = _COORDINATED.match(" ".join(name.split()))
    if m is None:
        return [name]
    head = m.group("head").strip()
    return [f"{m.group('a')} {head}", f"{m.group('b')} {head}"]


@dataclass(frozen=True, slots=True)
class ChainEnd:
    """One attribution chain of a claim, reduced to what independence needs."""

    doc_id: str
    cluster: str  # representative document of its near-duplicate group
    doc_outlet: str | None  # merged key of the document's own outlet (meta)
    origin: tuple[str, str] | None  # (key, name) of the original source; None: unidentified
    relays: tuple[tuple[str, str], ...] = ()  # (key, name) of the hops in between
    withheld: bool = False  # the speaker denies it or does not confirm it: not its source


@dataclass(frozen=True, slots=True)
class Independence:
    original_sources: list[str]
    independent_sources: int
    echoes: list[str]
    identified: bool  # False when no chain names its original source


def _top(key: str, part_of: Mapping[str, str]) -> str:
    seen = {key}
    while key in part_of and part_of[key] not in seen:
        key = part_of[key]
        seen.add(key)
    return key


def assess(chains: Iterable[ChainEnd], part_of: Mapping[str, str] | None = None) -> Independence:
    """Count the distinct original sources of one claim and list its echoes.

    - origins are compared by merged entity key, so two outlets citing one person count once;
    - an outlet given as the origin whose own article in the corpus carries the claim from a
      deeper source only relays it (it becomes an echo, its source counts);
    - a coordinated origin ("Ukrainian and Western accounts") is two sources;
    - origins that are parts of one institution (``part_of``: Page Six and the New York
      Post; Ukraine's Ministry of Defense and its government) are one source;
    - chains with no identified origin add one source only when no chain names one
      (an unnamed origin may well be one of the named ones);
    - a speaker who denies the claim or says it is not confirmed ("which have not been
      confirmed by Russia") is no source of it; such a chain counts as an unnamed one;
    - echoes are every document carrying the claim and every relay that is not an origin.
    """
    chains = list(chains)
    outlet_clusters: dict[str, set[str]] = {}
    for c in chains:
        if c.doc_outlet:
            outlet_clusters.setdefault(c.doc_outlet, set()).add(c.cluster)
    origins: dict[str, str] = {}
    relays: dict[str, str] = {}
    unidentified = False
    for c in chains:
        relays.update(dict(c.relays))
        if c.origin is None or c.withheld:
            unidentified = True
        else:
            origins.setdefault(c.origin[0], c.origin[1])
    for key in list(origins):
        clusters = outlet_clusters.get(key)
        if not clusters:
            continue
        deeper = any(
            c.origin is not None and not c.withheld and c.origin[0] != key
            for c in chains if c.cluster in clusters
        )
        if deeper:
            relays[key] = origins.pop(key)
    part_of = part_of or {}
    units: set[tuple[str, str]] = set()  # (top institution, coordinated part)
    parts: set[str] = set()
    for key, name in origins.items():
        split = coordinated_parts(name)
        parts.update(split)
        top = _top(key, part_of)
        if len(split) > 1:
            units.update((top, part) for part in split)
        else:
            units.add((top, ""))
    names = sorted(parts)
    count = len(units)
    if count == 0 and unidentified:
        count = 1
    docs = sorted({c.doc_id for c in chains})
    relay_names = sorted({name for key, name in relays.items() if key not in origins} - set(docs))
    return Independence(
        original_sources=names,
        independent_sources=count,
        echoes=docs + relay_names,
        identified=bool(origins),
    )


# -- near-duplicate documents ------------------------------------------------------------

_CLUSTER_SCHEMA = pa.schema([("doc_id", pa.string()), ("cluster", pa.string()), ("size", pa.int32())])


def find_near_duplicates(con: duckdb.DuckDBPyConnection, *,
                         threshold: float = NEAR_DUPLICATE_THRESHOLD) -> int:
    """Write ``link_doc_clusters(doc_id, cluster, size)``; return the number of copies found.

    The representative of a group is its earliest document (by ``published``, then by
    the order it was added), so a copy points at what it copied.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=sketch.TEXT_PERM)
    sigs: dict[str, np.ndarray] = {}
    order: dict[str, tuple[str, int]] = {}
    uf: UnionFind[str] = UnionFind()
    cur = con.cursor()
    try:
        cur.execute("SELECT doc_id, signature, coalesce(published, '~'), seq FROM documents ORDER BY seq")
        while rows := cur.fetchmany(2000):
            for doc_id, raw, published, seq in rows:
                order[doc_id] = (str(published), int(seq))
                if raw is None:
                    continue
                sig = np.frombuffer(raw, dtype="<u4").astype(np.uint32)
                mh = LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")
                for other in lsh.query(mh):
                    if sketch.estimate_jaccard(sig, sigs[other]) >= threshold:
                        uf.union(doc_id, other)
                lsh.insert(doc_id, mh, check_duplication=False)
                sigs[doc_id] = sig
    finally:
        cur.close()
    copies = 0
    rep: dict[str, str] = {}
    size: dict[str, int] = {}
    for members in uf.groups().values():
        first = min(members, key=lambda d: order[d])
        for d in members:
            rep[d] = first
            size[d] = len(members)
        copies += len(members) - 1
    with TableWriter(con, "link_doc_clusters", _CLUSTER_SCHEMA) as out:
        for doc_id in order:
            out.add({"doc_id": doc_id, "cluster": rep.get(doc_id, doc_id), "size": size.get(doc_id, 1)})
    log.info("near-duplicates: %d copies in %d documents", copies, len(order))
    return copies


def iter_duplicate_groups(cur: duckdb.DuckDBPyConnection) -> Iterator[list[str]]:
    """Groups of near-duplicate documents (representative first), largest first."""
    cur.execute(
        "SELECT list(c.doc_id ORDER BY (c.doc_id = c.cluster) DESC, d.seq) FROM link_doc_clusters c "
        "JOIN documents d USING (doc_id) WHERE c.size > 1 GROUP BY c.cluster "
        "ORDER BY count(*) DESC, min(d.seq)"
    )
    while rows := cur.fetchmany(500):
        for (members,) in rows:
            yield list(members)
