"""Words per second on PolNeAR dev: the whole pipeline and the bare spaCy pass, one run.

Both are measured in this process over the same texts, so their ratio is meaningful even
on a noisy machine: the texts go in chunks of 16, and each chunk is timed every way in
turn (the order flipped every other chunk), so a slow minute hits every way alike. Two
ways each: batched, as `sourcetrace analyze` and `corpus add` run (``analyze_many`` on the
chunk, whose parse is one ``nlp.pipe`` pass, against ``nlp.pipe``), and one document at a
time (``analyze`` against ``nlp(text)``). The headline numbers are the batched ones:
``pipeline`` is the default mode (``pipeline.DEFAULT_MODE``), and whichever of the ``rules``
and ``crf`` modes is not the default is timed batched beside it by name; so are the learned span ends
(``attribution/boundaries.py``) alone: the attribution stage with and without them, on
the same parses.
Usage: python benchmarks/speed.py [--limit N] [--rounds R] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sourcetrace.attribution import extract_attributions
from sourcetrace.boilerplate import mark_boilerplate
from sourcetrace.model import Document
from sourcetrace.nlp import PARSE_BATCH, load_model, parse_many
from sourcetrace.pipeline import DEFAULT_MODE, analyze, analyze_many
from sourcetrace.runner.local import doc_chunks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the texts, summed")
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
    docs = [Document(doc_id=str(n), text=text) for n, text in enumerate(texts)]
    analyze(docs[0])  # warm up: the model and every stage's lexicons load here
    analyze(docs[0], mode="crf")  # and the CRF tagger (raises if its model is missing)
    others = [m for m in ("rules", "crf") if m != DEFAULT_MODE]  # the default is "pipeline": not timed twice
    runs: dict[str, Callable[[list[Document]], object]] = {
        "bare_spacy": lambda c: list(nlp.pipe([d.text for d in c], batch_size=PARSE_BATCH)),
        "pipeline": analyze_many,
        **{f"pipeline_{m}": partial(analyze_many, mode=m) for m in others},
        "bare_spacy_one_by_one": lambda c: [nlp(d.text) for d in c],
        "pipeline_one_by_one": lambda c: [analyze(d) for d in c],
    }
    seconds = dict.fromkeys(runs, 0.0)
    spans = {"attribution_rules_drawn": False, "attribution_learned_ends": True}
    seconds.update(dict.fromkeys(spans, 0.0))
    for _ in range(args.rounds):
        for k, chunk in enumerate(doc_chunks(docs)):
            for name in list(runs) if k % 2 == 0 else list(reversed(runs)):
                t0 = time.perf_counter()
                runs[name](chunk)
                seconds[name] += time.perf_counter() - t0
            parsed = parse_many([mark_boilerplate(d) for d in chunk])
            for name in list(spans) if k % 2 == 0 else list(reversed(spans)):
                t0 = time.perf_counter()
                for d in parsed:
                    extract_attributions(d, boundaries=spans[name])
                seconds[name] += time.perf_counter() - t0

    print(f"documents={len(texts)} words={words} rounds={args.rounds}")
    for name, took in seconds.items():
        if name not in spans:
            print(f"{name}_words_per_s={words * args.rounds / took:.0f}")
    print(f"default_mode={DEFAULT_MODE}")
    print(f"pipeline_over_bare={seconds['pipeline'] / seconds['bare_spacy']:.2f}")
    for m in others:
        print(f"{m}_mode_over_bare={seconds[f'pipeline_{m}'] / seconds['bare_spacy']:.2f}")
    print(f"one_by_one_pipeline_over_bare={seconds['pipeline_one_by_one'] / seconds['bare_spacy_one_by_one']:.2f}")
    print(f"batched_speedup={seconds['pipeline_one_by_one'] / seconds['pipeline']:.2f}")
    learned = seconds["attribution_learned_ends"] - seconds["attribution_rules_drawn"]
    print(f"learned_span_ends_s={learned:.2f} ({learned / seconds['pipeline']:.1%} of the pipeline's time)")


if __name__ == "__main__":
    main()
