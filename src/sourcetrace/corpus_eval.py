"""Score a linked corpus against a corpus gold record (``corpus.gold.json`` of the seeds).

The gold names its own nodes (``n:nyp``) and points at entities of its per-document gold
records; ours are canonical names. The two meet through the text:

- a gold node is one of our entities when one of the node's gold mentions overlaps one of
  that entity's mentions in the same document; a gold post or tweet is also met by its
  author (the gold's own ``authored_by`` link), since our edges go to whoever posted;
- a gold attribution is one of ours when their cues and contents overlap (the CONTRACT's
  attribution matching).

Three numbers follow the issue's Done-when: entities present in both (all) documents,
gold ``explicit`` citation edges found, and gold claims whose independent-source count
one of our claims carrying their attributions gets right.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Document, Span, spans_overlap
from .store import Store

__all__ = ["CorpusScore", "score_corpus"]

Spans = list[Span]


@dataclass
class CorpusScore:
    shared_gold: int = 0
    shared_found: int = 0
    edges_gold: int = 0
    edges_node_for_node: int = 0
    edges_found: int = 0  # with a post met by its author
    claims_gold: int = 0
    claims_carried: int = 0
    claims_same_count: int = 0
    our_claims: int = 0
    our_edges: int = 0
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"entities in all documents: gold {self.shared_gold}, found {self.shared_found}",
            f"gold explicit citation edges {self.edges_gold}: found {self.edges_node_for_node} node for node, "
            f"{self.edges_found} with a post met by its author; our edges {self.our_edges}",
            f"gold claims {self.claims_gold}: carried by a claim of ours {self.claims_carried}, "
            f"same independent-source count {self.claims_same_count}; our claims {self.our_claims}",
        ]


class _Nodes:
    """Gold node ids -> gold mention spans per document, and our names -> ours."""

    def __init__(self, gold: dict[str, Any], gold_docs: dict[str, Document], store: Store) -> None:
        self.nodes = {n["id"]: n for n in gold["nodes"]}
        self.authors = {
            x["from"]: x["to"] for x in gold.get("entity_links", [])
            if x.get("rel") == "authored_by" and self.nodes.get(x["from"], {}).get("type") == "social-post"
        }
        self.gold_docs = gold_docs
        self.ours: dict[str, dict[str, Spans]] = {}
        for name, doc_id, mentions in store.con.execute(
            "SELECT m.name, e.doc_id, e.mentions FROM link_entity_map m JOIN entities e USING (doc_id, entity_id)"
        ).fetchall():
            spans = [(int(s), int(e)) for s, e in json.loads(mentions or "[]")]
            self.ours.setdefault(name, {}).setdefault(doc_id, []).extend(spans)

    def gold_spans(self, node_id: str) -> dict[str, Spans]:
        out: dict[str, Spans] = {}
        for doc_id, eid in (self.nodes.get(node_id, {}).get("refs") or {}).items():
            doc = self.gold_docs.get(doc_id)
            ent = next((e for e in doc.entities if e.id == eid), None) if doc else None
            if ent is not None:
                out[doc_id] = list(ent.mentions)
        return out

    def same(self, node_id: str, ours: str, *, authors: bool) -> bool:
        if node_id.startswith("doc:"):
            return ours == node_id[4:]
        theirs = self.gold_spans(node_id)
        mine = self.ours.get(ours, {})
        if any(spans_overlap(theirs[d], mine[d]) for d in theirs if d in mine):
            return True
        return authors and node_id in self.authors and self.same(self.authors[node_id], ours, authors=False)


def _shared(gold: dict[str, Any], gold_docs: dict[str, Document], sources: list[dict[str, Any]],
            nodes: _Nodes, score: CorpusScore) -> None:
    docs = set(gold["documents"])
    ours = [s for s in sources if docs <= set(s["documents"])]
    score.shared_gold = len(gold["entities_across"])
    for ent in gold["entities_across"]:
        spans = {d: list(next(e for e in gold_docs[d].entities if e.id == eid).mentions)
                 for d, eid in ent["ids"].items()}
        # met in every document by one entity of ours present in all of them
        hit = any(all(spans_overlap(spans[d], nodes.ours.get(s["name"], {}).get(d, [])) for d in spans) for s in ours)
        score.shared_found += hit
        if not hit:
            score.misses.append(f"entity in all documents not found: {ent['name']}")


def _edges(gold: dict[str, Any], citations: list[dict[str, Any]], nodes: _Nodes, score: CorpusScore) -> None:
    explicit = [c for c in gold["citations"] if c["basis"] == "explicit"]
    score.edges_gold = len(explicit)
    score.our_edges = len(citations)
    for edge in explicit:
        def found(authors: bool, edge: dict[str, Any] = edge) -> bool:
            return any(nodes.same(edge["from"], c["from"], authors=authors)
                       and nodes.same(edge["to"], c["to"], authors=authors) for c in citations)
        score.edges_node_for_node += found(False)
        if found(True):
            score.edges_found += 1
        else:
            name = {k: nodes.nodes.get(edge[k], {}).get("name", edge[k]) for k in ("from", "to")}
            score.misses.append(f"citation {edge['id']} not found: {name['from'][:40]} -> {name['to'][:40]}")


def _claims(gold: dict[str, Any], gold_docs: dict[str, Document], pred: dict[str, Document],
            claims: list[dict[str, Any]], score: CorpusScore) -> None:
    independent = {x["claim"]: x["independent_original_sources"] for x in gold["independence"]}
    score.claims_gold = len(gold["claims"])
    score.our_claims = len(claims)
    for claim in gold["claims"]:
        ids: set[tuple[str, str]] = set()
        for member in claim["attributions"]:
            doc_id = member["doc"]
            by_id = {a.id: a for a in gold_docs[doc_id].attributions}
            ours = pred[doc_id].attributions if doc_id in pred else ()
            for aid in member["attributions"]:
                g = by_id[aid]
                ids |= {(doc_id, a.id) for a in ours if spans_overlap(a.cue, g.cue) and spans_overlap(a.content, g.content)}
        carriers = [c for c in claims if any((m["doc_id"], m["attribution"]) in ids for m in c["members"])]
        if not carriers:
            score.misses.append(f"claim {claim['id']} not carried: {claim['proposition'][:70]}")
            continue
        score.claims_carried += 1
        best = max(carriers, key=lambda c: sum((m["doc_id"], m["attribution"]) in ids for m in c["members"]))
        if best["independent_sources"] == independent[claim["id"]]:
            score.claims_same_count += 1
        else:
            score.misses.append(
                f"claim {claim['id']}: gold {independent[claim['id']]} independent, ours "
                f"{best['independent_sources']} {best['original_sources']}: {claim['proposition'][:60]}")


def score_corpus(gold: dict[str, Any], gold_docs: Iterable[Document], pred: Iterable[Document],
                 store: Store) -> CorpusScore:
    """Compare ``store`` (holding ``pred``, linked) with the corpus gold record ``gold``."""
    gold_by_id = {d.doc_id: d for d in gold_docs}
    pred_by_id = {d.doc_id: d for d in pred}
    score = CorpusScore()
    sources = list(store.sources())
    citations = list(store.citations())
    claims = list(store.claims())
    nodes = _Nodes(gold, gold_by_id, store)
    _shared(gold, gold_by_id, sources, nodes, score)
    _edges(gold, citations, nodes, score)
    _claims(gold, gold_by_id, pred_by_id, claims, score)
    return score
