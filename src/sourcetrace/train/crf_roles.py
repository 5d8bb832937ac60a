"""Train the CRF role tagger (``attribution/crf_tagger.py``) on PolNeAR train.

Each training article goes through the pipeline as far as the rules (boilerplate, the
bundled spaCy model, the rules' attributions), because the CRF reads both; its gold role
tags come from the PolNeAR spans over the same tokens (``train.roles.token_tags``). One
L-BFGS run of python-crfsuite with L1 and L2 penalties (``PARAMS``): for the 840 articles
about 2 minutes to parse and featurize and 3 to train, on one core (the shipped model's
``model.meta.json`` records its own times).

Usage: ``sourcetrace train --component crf`` (or ``python -m sourcetrace.train.crf_roles
../shared/data/polnear OUT.crfsuite``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..model import Document

__all__ = ["PARAMS", "parsed_documents", "parsed_with_rules", "train_crf"]

# chosen on PolNeAR train[:200] with the CRF trained on train[200:840]: attribution F1 is
# flat from c1 0.3 to 1.0, c2 0.01 to 0.1, 150 to 300 iterations (0.7013-0.7019), lower at
# c1 0.1 or 2.0; c1 1.0 keeps a third of the features (2.7 MB on all of train, not 6.9)
PARAMS: dict[str, Any] = {"c1": 1.0, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
_CHUNK = 16


def parsed_documents(docs: Sequence[Document]) -> Iterator[Document]:
    """``docs`` (text only) with boilerplate marked and parsed (kept in ``parsed``), in
    batches: what the rules read."""
    from ..boilerplate import mark_boilerplate
    from ..nlp import parse_many

    for i in range(0, len(docs), _CHUNK):
        chunk = [mark_boilerplate(Document(d.doc_id, d.text)) for d in docs[i : i + _CHUNK]]
        yield from parse_many(chunk)


def parsed_with_rules(docs: Sequence[Document]) -> Iterator[Document]:
    """``parsed_documents`` with the rules' attributions: what the CRF reads."""
    from ..attribution import extract_attributions

    for parsed in parsed_documents(docs):
        yield extract_attributions(parsed)


def train_crf(gold_dir: Path, out: Path, *, params: dict[str, Any] | None = None,
              log: Any = None) -> dict[str, Any]:
    """Train on every ``*.gold.json`` of ``gold_dir``; write the model to ``out`` and its
    training record (parameters, articles, tokens, seconds) beside it as ``<stem>.meta.json``."""
    import pycrfsuite

    from ..attribution.crf_tagger import rule_tags, token_features
    from ..evaluate import load_records
    from ..nlp import token_offsets
    from .roles import token_tags

    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    gold = sorted(load_records(gold_dir), key=lambda d: d.doc_id)
    trainer = pycrfsuite.Trainer(verbose=False)
    start = time.monotonic()
    tokens = 0
    for n, doc in enumerate(parsed_with_rules(gold), start=1):
        sdoc = doc.parsed
        offsets = token_offsets(sdoc)
        trainer.append(token_features(sdoc, rule_tags(offsets, doc.attributions), text=doc.text),
                       token_tags(offsets, gold[n - 1].attributions))
        tokens += len(offsets)
        if n % 100 == 0:
            say(f"crf: {n}/{len(gold)} articles parsed and featurized ({time.monotonic() - start:.0f} s)")
    prepared = time.monotonic() - start
    chosen = {**PARAMS, **(params or {})}
    trainer.set_params(chosen)
    say(f"crf: training on {tokens} tokens with {chosen}")
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    meta = {
        "articles": len(gold), "tokens": tokens, "params": chosen,
        "prepare_seconds": round(prepared), "train_seconds": round(time.monotonic() - start - prepared),
    }
    out.with_name(out.stem + ".meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    say(f"crf: wrote {out} ({meta['train_seconds']} s of training)")
    return meta


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m sourcetrace.train.crf_roles POLNEAR_DIR OUT.crfsuite")
    print(json.dumps(train_crf(Path(sys.argv[1]) / "train", Path(sys.argv[2])), indent=1))
