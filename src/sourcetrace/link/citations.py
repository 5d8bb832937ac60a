"""Who relays whom: citation edges from documents and outlets to what they cite.

An edge ``from → to`` says that ``from`` (a document, or an outlet, agency or person
quoted by one) passes on something from ``to``. Each edge has a basis:

- ``explicit``: an attribution says so. A top-level attribution gives ``doc → speaker``;
  a nested one gives ``parent's speaker → speaker``, so the chain *doc: the Journal
  reported that Interfax said Mizintsev said …* gives doc → the Journal, the Journal →
  Interfax, Interfax → Mizintsev;
- ``credit``: a credit line ("With Post wires", "Reuters contributed to this report") or a
  meta author that is an agency (a Breitbart page by "AP"): the document carries that
  outlet's copy;
- ``inferred``: not said, but implied: a person whose name appears in an outlet's reported
  content and who is quoted right after it is taken to be quoted *by that outlet*; and a
  near-duplicate document relays the earlier article it copies (``to_type: document``).

Evidence points at attributions, ``{"doc_id", "attribution"}`` (a credit points at its
boilerplate span instead, with ``attribution: null``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from .views import AttrView, DocView, EntView, TableWriter, iter_doc_views

__all__ = ["INFERRED_WINDOW", "build_citations", "credit_names", "doc_citations", "iter_citations"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

INFERRED_WINDOW = 1500
"""Characters after an outlet's report within which a quote of someone named in it is
taken as relayed from that outlet: about two short news paragraphs, which is how far the
seed article carries Euractiv's report before quoting Maltsev."""

_CREDIT_LEAD = re.compile(
    r"^(?:with|additional reporting (?:by|from)|reporting by|compiled by|written by|from|by|via|source:)\s+",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(r"\s+(?:contributed|contributes|contributing)\b.*$", re.IGNORECASE)
_CREDIT_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bvia\b|&)\s*")


def credit_names(text: str) -> list[str]:
    """The outlets a credit line names: "With Post wires" -> ["Post wires"]."""
    s = text.strip().strip("—–-•*()[] ").rstrip(".")
    if "/" in s:  # "Marco Reyes/AP Photo": the photographer, then the agency
        s = s.rsplit("/", 1)[-1]
    s = re.sub(r"\s+Photo$", "", s)
    s = _CREDIT_TAIL.sub("", _CREDIT_LEAD.sub("", s))
    names = []
    for part in _CREDIT_SPLIT.split(s):
        part = part.strip(" .")
        if part and len(part) <= 60 and any(ch.isupper() for ch in part):
            names.append(part)
    return names


def _ancestor_with_speaker(doc: DocView, attr: AttrView, by_id: dict[str, AttrView]) -> EntView | None:
    seen = {attr.id}
    parent = attr.parent
    while parent and parent in by_id and parent not in seen:
        seen.add(parent)
        p = by_id[parent]
        ent = doc.speaker(p)
        if ent is not None:
            return ent
        parent = p.parent
    return None


def _inside(span: tuple[int, int], spans: tuple[tuple[int, int], ...]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def doc_citations(doc: DocView, *, outlet_index: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """The citation rows of one document (one row per piece of evidence)."""
    rows: list[dict[str, Any]] = []
    doc_node = ("doc:" + doc.doc_id, doc.doc_id, "document")

    def add(src: tuple[str, str, str], dst: tuple[str, str, str], basis: str,
            attr: str | None = None, bp: tuple[int, int] | None = None) -> None:
        rows.append({
            "from_key": src[0], "from_name": src[1], "from_type": src[2],
            "to_key": dst[0], "to_name": dst[1], "to_type": dst[2], "basis": basis,
            "doc_id": doc.doc_id, "seq": doc.seq, "attr_id": attr,
            "bp_start": bp[0] if bp else None, "bp_end": bp[1] if bp else None,
        })

    by_id = {a.id: a for a in doc.attrs}
    explicit: set[tuple[str, str]] = set()
    for attr in doc.attrs:
        ent = doc.speaker(attr)
        if ent is None:
            continue
        via = _ancestor_with_speaker(doc, attr, by_id)
        src = (via.ekey, via.name, via.type) if via is not None else doc_node
        if src[0] == ent.ekey:
            continue  # "he said" inside his own quote: no relay
        add(src, (ent.ekey, ent.name, ent.type), "explicit", attr.id)
        explicit.add((src[0], ent.ekey))

    # inferred: someone named in an outlet's report and quoted just after it
    top = [a for a in doc.attrs if a.parent is None and a.content]
    for b in top:
        outlet = doc.speaker(b)
        if outlet is None or outlet.type != "outlet":
            continue
        end_b = max(e for _, e in b.content)
        for a in top:
            ent = doc.speaker(a)
            if ent is None or ent.ekey == outlet.ekey or ent.type in {"outlet", "document"}:
                continue
            start_a = min(s for s, _ in a.content)
            if not (end_b <= start_a <= end_b + INFERRED_WINDOW):
                continue
            if (outlet.ekey, ent.ekey) in explicit:
                continue
            if any(_inside(m, b.content) for m in ent.mentions):
                add((outlet.ekey, outlet.name, outlet.type), (ent.ekey, ent.name, ent.type), "inferred", a.id)

    for span, text in doc.credits:
        for name in credit_names(text):
            key, cname = outlet_index.get(name, ("e:" + name.lower(), name))
            add(doc_node, (key, cname, "outlet"), "credit", None, span)
    if doc.author and doc.author in outlet_index:
        key, cname = outlet_index[doc.author]
        if key != doc.outlet_key:
            add(doc_node, (key, cname, "outlet"), "credit")
    if doc.cluster != doc.doc_id:
        add(doc_node, ("doc:" + doc.cluster, doc.cluster, "document"), "inferred")
    return rows


_ROW_SCHEMA = pa.schema(
    [("from_key", pa.string()), ("from_name", pa.string()), ("from_type", pa.string()),
     ("to_key", pa.string()), ("to_name", pa.string()), ("to_type", pa.string()),
     ("basis", pa.string()), ("doc_id", pa.string()), ("seq", pa.int64()), ("attr_id", pa.string()),
     ("bp_start", pa.int32()), ("bp_end", pa.int32())]
)


def build_citations(con: duckdb.DuckDBPyConnection) -> int:
    """Write ``link_citation_rows`` and the aggregated ``link_citations``; return the edge count."""
    outlet_index = {
        name: (ekey, cname)
        for name, ekey, cname in con.execute(
            "SELECT name, ekey, cname FROM link_names WHERE type = 'outlet'"
        ).fetchall()
    }
    with TableWriter(con, "link_citation_rows", _ROW_SCHEMA) as out:
        for doc in iter_doc_views(con):
            for row in doc_citations(doc, outlet_index=outlet_index):
                out.add(row)
    con.execute(
        """
        CREATE OR REPLACE TABLE link_citations AS
        SELECT from_key, any_value(from_name) AS from_name, any_value(from_type) AS from_type,
               to_key, any_value(to_name) AS to_name, any_value(to_type) AS to_type, basis,
               list(struct_pack(doc_id := doc_id, attribution := attr_id,
                                bp_start := bp_start, bp_end := bp_end)
                    ORDER BY seq, attr_id) AS evidence,
               count(*) AS weight, count(DISTINCT doc_id) AS n_docs
        FROM link_citation_rows
        GROUP BY from_key, to_key, basis
        """
    )
    n = int(con.execute("SELECT count(*) FROM link_citations").fetchall()[0][0])
    log.info("citations: %d edges", n)
    return n


def iter_citations(cur: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`corpus citations` edges, most evidence first."""
    sql = (
        "SELECT from_name, to_name, to_type, basis, evidence FROM link_citations "
        "ORDER BY n_docs DESC, weight DESC, from_name, to_name, basis"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur.execute(sql)
    while rows := cur.fetchmany(1000):
        for src, dst, to_type, basis, evidence in rows:
            ev = []
            for item in evidence or []:
                entry: dict[str, Any] = {"doc_id": item["doc_id"], "attribution": item["attribution"]}
                if item["bp_start"] is not None:
                    entry["boilerplate"] = [item["bp_start"], item["bp_end"]]
                ev.append(entry)
            yield {"from": src, "to": dst, "to_type": to_type, "basis": basis, "evidence": ev}
