"""The corpus layer on the two seed articles against ../shared/seeds/corpus.gold.json.

Prints: entities present in both articles (gold vs ours), and for each gold claim whether
one of our claims carries its attributions and gives the same independent-source count.
Gold attributions are mapped to ours by cue and content overlap (the CONTRACT's matching).
Usage: python benchmarks/corpus_seeds.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from sourcetrace.evaluate import load_records
from sourcetrace.model import Document
from sourcetrace.pipeline import analyze
from sourcetrace.store import Store, as_is


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return any(x[0] < y[1] and y[0] < x[1] for x in a for y in b)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = ap.parse_args()
    seeds = args.shared / "seeds"
    gold_docs = {g.doc_id: g for g in load_records(seeds)}
    corpus_gold = json.loads((seeds / "corpus.gold.json").read_text(encoding="utf-8"))
    pred = {d: analyze(Document(doc_id=d, text=g.text)) for d, g in gold_docs.items()}

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "seeds.duckdb") as store:
        store.add_documents(pred.values(), analyze=as_is)
        claims = list(store.claims())
        sources = list(store.sources())

    shared = [e for e in sources if len(e["documents"]) > 1]
    print(f"entities in both articles: gold {len(corpus_gold['entities_across'])}, ours {len(shared)}")
    print("  gold:", ", ".join(e["name"] for e in corpus_gold["entities_across"]))
    print("  ours:", ", ".join(e["name"] for e in shared))

    independent = {x["claim"]: x["independent_original_sources"] for x in corpus_gold["independence"]}
    found = same = 0
    for claim in corpus_gold["claims"]:
        ids = set()
        for member in claim["attributions"]:
            doc = gold_docs[member["doc"]]
            for aid in member["attributions"]:
                gattr = next(a for a in doc.attributions if a.id == aid)
                ids |= {(doc.doc_id, a.id) for a in pred[doc.doc_id].attributions
                        if _overlap(a.cue, gattr.cue) and _overlap(a.content, gattr.content)}
        candidates = [c for c in claims if any((m["doc_id"], m["attribution"]) in ids for m in c["members"])]
        if not candidates:
            continue
        found += 1
        best = max(candidates, key=lambda c: sum((m["doc_id"], m["attribution"]) in ids for m in c["members"]))
        same += best["independent_sources"] == independent[claim["id"]]
    print(f"gold claims {len(corpus_gold['claims'])}: carried by a claim of ours {found}, "
          f"same independent-source count {same}; our claims {len(claims)}")


if __name__ == "__main__":
    main()
