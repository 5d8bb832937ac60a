"""Compare the rules with the learned role labeller on PolNeAR dev (CONTRACT scorer).

Variants: rules (the default pipeline), oracle (gold role tags decoded and grouped by
the learned grouping: the ceiling of the grouping alone), learned (the tagger alone),
combo (learned attributions plus the rules' attributions whose cue and content the
tagger did not cover at all), and +rCNT / +rSRC / +rCUE (combo, where a rules attribution
overlaps a learned one on cue and content, taking the rules' content / source / cue). Also the learned labeller's words/s on one thread.

Usage: OMP_NUM_THREADS=1 python benchmarks/roles_eval.py [--model build/roles/out/model-best]
       [--rules-pred /tmp/rules_dev.jsonl]   (reuse the rules' predictions if the file exists)
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sourcetrace.attribution.learned import (  # noqa: E402
    extract_attributions_learned,
    group_roles,
    load_labeller,
    to_attributions,
)
from sourcetrace.evaluate import EvalResult, load_records, score_documents  # noqa: E402
from sourcetrace.model import Document  # noqa: E402
from sourcetrace.train.roles import tags_to_spans, token_tags  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _oracle(gold: list[Document]) -> list[Document]:
    import spacy

    nlp = spacy.blank("en")
    out = []
    for g in gold:
        sdoc = nlp.make_doc(g.text)
        offsets = [(t.idx, t.idx + len(t.text)) for t in sdoc]
        roles = tags_to_spans(offsets, token_tags(offsets, g.attributions))
        out.append(g.with_(attributions=to_attributions(g.text, group_roles(g.text, roles))))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _combo(learned: list[Document], rules: list[Document]) -> list[Document]:
    """Learned attributions, plus rules ones whose cue and content the tagger left alone."""
    out = []
    for ld, rd in zip(learned, rules, strict=True):
        taken = [s for a in ld.attributions for s in (*a.cue, *a.content, *a.source)]
        extra = [
            a for a in rd.attributions
            if not any(_overlap(c, t) for c in (*a.cue, *a.content) for t in taken)
        ]
        out.append(ld.with_(attributions=tuple(ld.attributions) + tuple(extra)))
    return out


def _swap(learned: list[Document], rules: list[Document], roles: tuple[str, ...]) -> list[Document]:
    """Learned attributions whose cue and content a rules attribution overlaps take the
    rules' spans for ``roles`` (the parse knows clause and NP boundaries better)."""
    out = []
    for ld, rd in zip(learned, rules, strict=True):
        attrs = []
        for a in ld.attributions:
            match = next(
                (r for r in rd.attributions
                 if any(_overlap(x, y) for x in a.cue for y in r.cue)
                 and any(_overlap(x, y) for x in a.content for y in r.content)),
                None,
            )
            if match is not None:
                a = replace(a, **{role: getattr(match, role) for role in roles if getattr(match, role)})
            attrs.append(a)
        out.append(ld.with_(attributions=tuple(attrs)))
    return out


def _row(name: str, res: EvalResult) -> str:
    m = res.metrics
    cells = [f"{m[f'{r}_{k}']['f1']:.3f}" for r in ("source", "cue", "content") for k in ("exact", "partial", "token")]
    cells += [f"{m['attribution']['f1']:.3f}", f"{m['attribution_strict']['f1']:.3f}"]
    return f"{name:<8} " + " ".join(f"{c:>6}" for c in cells)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--rules-pred", type=Path, default=Path("/tmp/rules_dev.jsonl"))
    args = ap.parse_args()

    gold = load_records(args.shared / "data" / "polnear" / args.split)
    results: dict[str, EvalResult] = {}

    if args.rules_pred.is_file():
        by_id = {d.doc_id: d for d in load_records(args.rules_pred)}
        rules = [by_id[g.doc_id] for g in gold]
    else:
        from sourcetrace.pipeline import analyze

        rules = [analyze(Document(doc_id=g.doc_id, text=g.text)) for g in gold]
        args.rules_pred.write_text("".join(p.to_json() + "\n" for p in rules), encoding="utf-8")
    results["rules"] = score_documents(gold, rules)
    results["oracle"] = score_documents(gold, _oracle(gold))

    nlp = load_labeller(args.model)
    blank = [Document(doc_id=g.doc_id, text=g.text) for g in gold]
    extract_attributions_learned(blank[0], nlp)  # warm up
    t0 = time.perf_counter()
    learned = [extract_attributions_learned(d, nlp) for d in blank]
    elapsed = time.perf_counter() - t0
    words = sum(len(g.text.split()) for g in gold)
    results["learned"] = score_documents(gold, learned)
    results["combo"] = score_documents(gold, _combo(learned, rules))
    for tag, roles in (("+rCNT", ("content",)), ("+rSRC", ("source",)), ("+rCUE", ("cue",))):
        results[tag] = score_documents(gold, _swap(_combo(learned, rules), rules, roles))

    head = " ".join(f"{r[:3]}-{k[:3]:>2}" for r in ("source", "cue", "content") for k in ("exact", "partial", "token"))
    print(f"{'variant':<8} {head}    att strict")
    for name, res in results.items():
        print(_row(name, res))
    print(f"learned labeller: {words} words in {elapsed:.1f} s = {words / elapsed:,.0f} words/s "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')})")


if __name__ == "__main__":
    main()
