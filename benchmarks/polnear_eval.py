"""Score the pipeline on PolNeAR dev with the CONTRACT scorer and print the tables.

Usage: python benchmarks/polnear_eval.py [--split dev] [--out pred.jsonl]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sourcetrace.evaluate import format_table, load_records, score_documents
from sourcetrace.model import Document
from sourcetrace.pipeline import analyze


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    gold = load_records(args.shared / "data" / "polnear" / args.split)
    pred = [analyze(Document(doc_id=g.doc_id, text=g.text)) for g in gold]
    if args.out:
        args.out.write_text("".join(p.to_json() + "\n" for p in pred), encoding="utf-8")
    # PolNeAR annotates only outermost attributions: nested ones, which the seeds need, are
    # scored here as false positives. The second table shows the PolNeAR scope.
    outermost = [p.with_(attributions=tuple(a for a in p.attributions if a.parent is None)) for p in pred]
    print("all attributions (default output)")
    print(format_table(score_documents(gold, pred)))
    print("\noutermost attributions only (PolNeAR scope)")
    print(format_table(score_documents(gold, outermost)))


if __name__ == "__main__":
    main()
