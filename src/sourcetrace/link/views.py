"""Reading the store one document at a time, and writing link tables in batches.

Every link stage walks the corpus document by document through :func:`iter_doc_views`
(a streamed query, a few hundred documents in memory at most) and writes its rows with
:class:`TableWriter`, so linking 10,000 articles needs no more memory than linking 100.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from ..model import Span

__all__ = ["AttrView", "DocView", "EntView", "TableWriter", "iter_doc_views"]


@dataclass(frozen=True, slots=True)
class EntView:
    id: str
    ekey: str  # the merged (corpus-wide) entity key
    name: str  # the merged canonical name
    type: str
    mentions: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class AttrView:
    id: str
    position: int
    parent: str | None
    speaker: str | None
    content: tuple[Span, ...]
    content_text: str
    norm: str
    ckey: int | None
    n_terms: int = 0  # content words (0 when too few to be sketched)
    cue_text: str = ""


@dataclass(frozen=True, slots=True)
class DocView:
    doc_id: str
    seq: int
    cluster: str  # representative of the document's near-duplicate group
    outlet_key: str | None
    author: str | None
    attrs: tuple[AttrView, ...]
    ents: dict[str, EntView]
    credits: tuple[tuple[Span, str], ...]

    def speaker(self, attr: AttrView) -> EntView | None:
        return self.ents.get(attr.speaker) if attr.speaker else None


def _spans(raw: Any) -> tuple[Span, ...]:
    data = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return tuple((int(s), int(e)) for s, e in data)


_QUERY = """
WITH a AS (
    SELECT a.doc_id, list(struct_pack(id := a.attr_id, pos := a.position, parent := a.parent,
        speaker := a.speaker, content := a.content, text := a.content_text, norm := a.content_norm,
        ckey := a.ckey, n_terms := coalesce(c.n_terms, 0), cue := a.cue_text) ORDER BY a.position) AS attrs
    FROM attributions a LEFT JOIN contents c ON c.ckey = a.ckey GROUP BY a.doc_id),
e AS (
    SELECT e.doc_id, list(struct_pack(id := e.entity_id, ekey := m.ekey, name := m.name,
        type := m.type, mentions := e.mentions)) AS ents
    FROM entities e JOIN link_entity_map m ON m.doc_id = e.doc_id AND m.entity_id = e.entity_id
    GROUP BY e.doc_id),
b AS (
    SELECT doc_id, list(struct_pack(s := span_start, e := span_end, text := text)) AS credits
    FROM boilerplate WHERE kind IN ('credit', 'photo-credit') GROUP BY doc_id)
SELECT d.doc_id, d.seq, c.cluster, o.ekey, d.meta->>'author', a.attrs, e.ents, b.credits
FROM documents d
JOIN link_doc_clusters c ON c.doc_id = d.doc_id
LEFT JOIN link_doc_outlets o ON o.doc_id = d.doc_id
LEFT JOIN a ON a.doc_id = d.doc_id
LEFT JOIN e ON e.doc_id = d.doc_id
LEFT JOIN b ON b.doc_id = d.doc_id
ORDER BY d.seq
"""


def iter_doc_views(con: duckdb.DuckDBPyConnection, *, batch: int = 200) -> Iterator[DocView]:
    """Every stored document with its attributions and merged entities, in insertion order.

    Needs ``link_doc_clusters``, ``link_doc_outlets`` and ``link_entity_map``. Reads on a
    cursor of its own, so the caller may write through ``con`` meanwhile.
    """
    cur = con.cursor()
    try:
        cur.execute(_QUERY)
        while rows := cur.fetchmany(batch):
            for doc_id, seq, cluster, okey, author, attrs, ents, credits in rows:
                yield DocView(
                    doc_id=doc_id, seq=int(seq), cluster=cluster, outlet_key=okey,
                    author=author,
                    attrs=tuple(
                        AttrView(
                            id=a["id"], position=int(a["pos"]), parent=a["parent"], speaker=a["speaker"],
                            content=_spans(a["content"]), content_text=a["text"] or "",
                            norm=a["norm"] or "", ckey=a["ckey"], n_terms=int(a["n_terms"] or 0),
                            cue_text=a["cue"] or "",
                        )
                        for a in (attrs or [])
                    ),
                    ents={
                        e["id"]: EntView(e["id"], e["ekey"], e["name"], e["type"], _spans(e["mentions"]))
                        for e in (ents or [])
                    },
                    credits=tuple(((int(c["s"]), int(c["e"])), c["text"] or "") for c in (credits or [])),
                )
    finally:
        cur.close()


class TableWriter:
    """Create (or replace) a table, then append rows to it in Arrow batches."""

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str, schema: pa.Schema,
                 *, batch: int = 20_000) -> None:
        self.con = con
        self.name = name
        self.schema = schema
        self.batch = batch
        self.rows: list[dict[str, Any]] = []
        empty = pa.Table.from_pylist([], schema=schema)
        con.register("_tw_empty", empty)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _tw_empty")
        con.unregister("_tw_empty")

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        self.con.register("_tw_rows", table)
        self.con.execute(f"INSERT INTO {self.name} SELECT * FROM _tw_rows")
        self.con.unregister("_tw_rows")
        self.rows = []

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.flush()
