"""`sourcetrace train`: rebuild the bundled English news model from ../shared/data.

Steps: convert the UD EWT treebank (+ UNER entities) and half of the PolNeAR CoreNLP
silver layer (tags and entities only) to DocBins, train with `config.cfg` beside this
file, score the best model on the EWT dev set and on the PolNeAR silver dev set, and copy
it into the package with its scores in `accuracy.json`.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = ["CONFIG", "evaluate_model", "train_model"]

CONFIG = Path(__file__).parent / "config.cfg"
log = logging.getLogger(__name__)


def evaluate_model(model_dir: Path, corpus_dir: Path) -> dict[str, Any]:
    """POS, UAS/LAS, sentence and NER scores on the gold and silver dev sets."""
    import spacy
    from spacy.training import Corpus

    nlp = spacy.load(model_dir)
    out: dict[str, Any] = {}
    for name in ("dev", "dev-silver"):
        path = corpus_dir / f"{name}.spacy"
        if not path.exists():
            continue
        examples = list(Corpus(str(path))(nlp))
        scores = nlp.evaluate(examples)
        keep = ["tag_acc", "dep_uas", "dep_las", "sents_f", "ents_p", "ents_r", "ents_f", "ents_per_type"]
        out[name] = {k: scores.get(k) for k in keep if scores.get(k) is not None}
    return out


def train_model(
    shared: Path,
    workdir: Path,
    *,
    max_epochs: int = 12,
    silver_fraction: float = 0.5,
    install: bool = True,
) -> dict[str, Any]:
    from spacy.cli.train import train as spacy_train

    from .convert import build_corpora

    data = shared / "data" / "ud-english-ewt" / "en_ewt-ud-train.conllu"
    if not data.exists():
        raise ConfigError(f"E601: training data not found at {data}; pass --shared")
    corpus = workdir / "corpus"
    (corpus / "train").mkdir(parents=True, exist_ok=True)
    counts = build_corpora(shared, corpus, silver_fraction=silver_fraction)
    for name in ("train.spacy", "silver.spacy"):
        if (corpus / name).exists():
            shutil.move(str(corpus / name), str(corpus / "train" / name))
    log.info("training on %s", counts)
    out = workdir / "output"
    spacy_train(
        CONFIG,
        out,
        overrides={
            "paths.train": str(corpus / "train"),
            "paths.dev": str(corpus / "dev.spacy"),
            "paths.log": str(workdir / "train-log.jsonl"),
            "training.max_epochs": max_epochs,
            "training.eval_frequency": 500,
        },
    )
    best = out / "model-best"
    scores = evaluate_model(best, corpus)
    if install:
        target = Path(__file__).parents[1] / "models" / "en_sourcetrace"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(best, target)
        (target / "accuracy.json").write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    return scores
