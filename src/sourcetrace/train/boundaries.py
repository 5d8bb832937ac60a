"""Train the span-boundary model (``attribution/boundaries.py``) on PolNeAR train.

Each article goes through the pipeline as far as the rules' frames (boilerplate, the
bundled spaCy model, the rules, spans as they drew them). Each frame is matched to the
gold attribution whose cue shares most characters with its own; for its content and its
cue, every candidate start and end (``attribution.boundaries.places``: the word boundaries
near the span's end and the sentence's edge) is one example, labelled by whether it is
where the gold span starts or ends. One logistic model per role and side: python-crfsuite
on one-token sequences with an L2 penalty (a linear-chain CRF over one token is logistic
regression), whose state weights become the JSON the pipeline reads. On one core, about
2 minutes to parse and featurize the 840 articles and 1 to train.

Usage: ``sourcetrace train --component boundaries`` (or ``python -m
sourcetrace.train.boundaries ../shared/data/polnear OUT.json``).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..model import Attribution, Document, Span

__all__ = ["PARAMS", "examples", "train_boundaries"]

# c2 (1.0 against 0.1-0.3) chosen on the first 200 articles of PolNeAR train, held out
PARAMS: dict[str, Any] = {"c1": 0.0, "c2": 1.0, "max_iterations": 300, "feature.possible_transitions": False}


def _chars(text: str, spans: Sequence[Span]) -> set[int]:
    return {i for s, e in spans for i in range(s, e) if not text[i].isspace()}


def _bounds(chars: set[int]) -> Span:
    return min(chars), max(chars) + 1


def examples(doc: Document, gold: Sequence[Attribution]) -> Iterator[tuple[str, list[tuple[list[str], bool]]]]:
    """For a parsed document and its gold attributions: (``role.side``, [(features,
    is_gold)]) for each span end the rules drew whose gold place is among the candidates."""
    from ..attribution import frame_kind, rule_frames
    from ..attribution.boundaries import ROLES, SIDES, WINDOW, TokenTable, candidates

    frames, _, _ = rule_frames(doc)
    if not frames:
        return
    text = doc.text
    table = TokenTable(doc.parsed, text)
    gold_chars = [{role: _chars(text, getattr(g, role)) for role in ROLES} for g in gold]
    for f in frames:
        cue = _chars(text, f.cue)
        if not cue or not gold_chars:
            continue
        # the same attribution: the cues meet (by content, a frame nested in a quotation would
        # meet the outer one, and learn to swallow its own source and cue)
        best = max(range(len(gold)), key=lambda k: len(gold_chars[k]["cue"] & cue))
        if not gold_chars[best]["cue"] & cue:
            continue  # no gold attribution here: nothing to learn about its ends
        kind = frame_kind(text, f)
        cue_start = f.cue[0][0] if f.cue else None
        for role in ROLES:
            spans = getattr(f, role)
            mine, theirs = _chars(text, spans), gold_chars[best][role]
            if not mine or not mine & theirs:
                continue
            others = table.tokens_of([sp for r in ("source", "cue", "content") if r != role for sp in getattr(f, r)])
            span = (spans[0][0], spans[-1][1])
            for side, target in zip(SIDES, _bounds(theirs), strict=True):
                cands = candidates(table, side, span, kind, others, cue_start, WINDOW[role])
                if any(pos == target for pos, _ in cands):
                    yield f"{role}.{side}", [(feats, pos == target) for pos, feats in cands]


def train_boundaries(gold_dir: Path | Sequence[Document], out: Path, *, params: dict[str, Any] | None = None,
                     log: Any = None) -> dict[str, Any]:
    """Train on every ``*.gold.json`` of ``gold_dir`` (or on these gold documents); write
    the weights to ``out`` (JSON, with its training record under "meta")."""
    import pycrfsuite

    from ..attribution.boundaries import ROLES, SIDES, BoundaryModel
    from ..evaluate import load_records
    from .crf_roles import parsed_documents

    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    gold = sorted(load_records(gold_dir) if isinstance(gold_dir, Path) else gold_dir, key=lambda d: d.doc_id)
    keys = [f"{role}.{side}" for role in ROLES for side in SIDES]
    trainers = {k: pycrfsuite.Trainer(verbose=False) for k in keys}
    groups: dict[str, int] = defaultdict(int)
    start = time.monotonic()
    for n, doc in enumerate(parsed_documents(gold), start=1):
        for key, cands in examples(doc, gold[n - 1].attributions):
            groups[key] += 1
            for feats, is_gold in cands:
                trainers[key].append([dict.fromkeys(feats, 1.0)], ["Y" if is_gold else "N"])
        if n % 100 == 0:
            say(f"boundaries: {n}/{len(gold)} articles parsed and featurized ({time.monotonic() - start:.0f} s)")
    prepared = time.monotonic() - start
    chosen = {**PARAMS, **(params or {})}
    weights: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key in keys:
            say(f"boundaries: training {key} on {groups[key]} spans with {chosen}")
            path = str(Path(tmp) / f"{key}.crfsuite")
            trainers[key].set_params(chosen)
            trainers[key].train(path)
            tagger = pycrfsuite.Tagger()
            tagger.open(path)
            table: dict[str, float] = defaultdict(float)
            for (feature, label), w in tagger.info().state_features.items():
                table[feature] += w if label == "Y" else -w
            tagger.close()
            weights[key] = {f: round(w, 5) for f, w in sorted(table.items()) if abs(w) >= 1e-5}
    meta = {
        "articles": len(gold), "spans": dict(groups), "params": chosen,
        "prepare_seconds": round(prepared), "train_seconds": round(time.monotonic() - start - prepared),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(BoundaryModel(weights).to_json(meta) + "\n", encoding="utf-8")
    say(f"boundaries: wrote {out} ({meta['train_seconds']} s of training)")
    return meta


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m sourcetrace.train.boundaries POLNEAR_DIR OUT.json")
    print(json.dumps(train_boundaries(Path(sys.argv[1]) / "train", Path(sys.argv[2])), indent=1))
