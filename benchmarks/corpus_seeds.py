"""The corpus layer on the two seed articles against ../shared/seeds/corpus.gold.json.

Runs the real pipeline on both seed texts, stores and links them, then prints what
``sourcetrace.corpus_eval`` measures: entities present in both articles, the gold's
explicit citation edges found, and the gold claims whose independent-source count one of
our claims gets right, followed by every miss.
Usage: python benchmarks/corpus_seeds.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from sourcetrace.corpus_eval import score_corpus
from sourcetrace.evaluate import load_records
from sourcetrace.model import Document
from sourcetrace.pipeline import analyze
from sourcetrace.store import Store, as_is


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = ap.parse_args()
    seeds = args.shared / "seeds"
    gold_docs = load_records(seeds)
    corpus_gold = json.loads((seeds / "corpus.gold.json").read_text(encoding="utf-8"))
    pred = [analyze(Document(doc_id=g.doc_id, text=g.text)) for g in gold_docs]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "seeds.duckdb") as store:
        store.add_documents(pred, analyze=as_is)
        score = score_corpus(corpus_gold, gold_docs, pred, store)
    for line in score.lines():
        print(line)
    for miss in score.misses:
        print("  " + miss)


if __name__ == "__main__":
    main()
