"""Words per second on PolNeAR dev: the whole pipeline and the bare spaCy pass, one run.

Both are measured in this process over the same texts, so their ratio is meaningful even
on a noisy machine. Usage: python benchmarks/speed.py [--limit N] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from sourcetrace.model import Document
from sourcetrace.nlp import load_model
from sourcetrace.pipeline import analyze


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = ap.parse_args()
    dev = args.shared / "data" / "polnear" / "dev"
    if not dev.exists():
        raise SystemExit(f"PolNeAR dev not found at {dev}")
    paths = sorted(dev.glob("*.txt"))
    if args.limit:
        paths = paths[: args.limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(re.findall(r"\w+", t)) for t in texts)
    nlp = load_model()
    nlp(texts[0])  # warm up

    t0 = time.perf_counter()
    for text in texts:
        nlp(text)
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    for n, text in enumerate(texts):
        analyze(Document(doc_id=str(n), text=text))
    full = time.perf_counter() - t0

    print(f"documents={len(texts)} words={words}")
    print(f"bare_spacy_words_per_s={words / bare:.0f}")
    print(f"pipeline_words_per_s={words / full:.0f}")
    print(f"pipeline_over_bare={full / bare:.2f}")


if __name__ == "__main__":
    main()
