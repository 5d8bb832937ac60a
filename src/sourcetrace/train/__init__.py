"""`sourcetrace train`: rebuild a bundled model from ../shared/data.

`--component model` (this module) rebuilds the English news model; the span ends
(`boundaries.py`), the CRF role tagger (`crf_roles.py`) and the transformer labellers'
heads (`transformer_roles.py`) each have a module of their own, called from here.

The English model's steps: convert the UD EWT treebank (+ UNER entities) and half of the PolNeAR CoreNLP
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

__all__ = [
    "CONFIG", "TRANSFORMER_COMPONENTS", "evaluate_model", "train_boundary_model", "train_crf_tagger", "train_model",
    "train_transformer_heads",
]

CONFIG = Path(__file__).parent / "config.cfg"
log = logging.getLogger(__name__)


def _aligned_scores(nlp: Any, gold: list[Any]) -> dict[str, float]:
    """Tag accuracy, UAS/LAS and NER P/R/F over tokens whose character span matches the
    gold token's (spaCy's own Scorer counts every misaligned token as wrong, which on the
    treebank's web text lowers its numbers far below what the parser does on words)."""
    tot = tag = uas = las = 0
    gold_ents = pred_ents = hit_ents = 0
    has_dep = False
    for g in gold:
        p = nlp(g.text)
        by_idx = {t.idx: t for t in p}
        for t in g:
            q = by_idx.get(t.idx)
            if q is None or len(q.text) != len(t.text):
                continue
            tot += 1
            tag += q.tag_ == t.tag_
            if g.has_annotation("DEP"):
                has_dep = True
                head_ok = q.head.idx == t.head.idx
                uas += head_ok
                las += head_ok and q.dep_.lower() == t.dep_.lower()
        ge = {(e.start_char, e.end_char, e.label_) for e in g.ents}
        pe = {(e.start_char, e.end_char, e.label_) for e in p.ents}
        gold_ents, pred_ents, hit_ents = gold_ents + len(ge), pred_ents + len(pe), hit_ents + len(ge & pe)
    out = {"aligned_tokens": float(tot), "tag_acc": tag / max(tot, 1)}
    if has_dep:
        out.update(uas=uas / max(tot, 1), las=las / max(tot, 1))
    out.update(ents_p=hit_ents / max(pred_ents, 1), ents_r=hit_ents / max(gold_ents, 1),
               ents_f=2 * hit_ents / max(gold_ents + pred_ents, 1))
    return {k: round(v, 4) for k, v in out.items()}


def evaluate_model(model_dir: Path, corpus_dir: Path) -> dict[str, Any]:
    """Scores on the gold treebank dev set and on the PolNeAR silver dev set: our
    character-aligned scores, and spaCy's own Scorer numbers for comparison."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example

    from ..nlp import use_news_infixes

    nlp = spacy.load(model_dir)
    use_news_infixes(nlp)  # scored with the tokenizer it runs with
    out: dict[str, Any] = {}
    for name in ("dev", "dev-silver"):
        path = corpus_dir / f"{name}.spacy"
        if not path.exists():
            continue
        gold = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        scores = nlp.evaluate([Example(nlp.make_doc(g.text), g) for g in gold])
        keep = ["tag_acc", "dep_uas", "dep_las", "sents_f", "ents_f"]
        out[name] = {
            "aligned": _aligned_scores(nlp, gold),
            "spacy_scorer": {k: round(float(scores[k]), 4) for k in keep if scores.get(k) is not None},
        }
    return out


def train_model(
    shared: Path,
    workdir: Path,
    *,
    max_epochs: int = 12,
    max_steps: int = 0,
    silver_fraction: float = 0.5,
    install: bool = True,
) -> dict[str, Any]:
    from spacy.cli.train import train as spacy_train

    from .convert import build_corpora

    data = shared / "data" / "ud-english-ewt" / "en_ewt-ud-train.conllu"
    if not data.exists():
        raise ConfigError(f"E710: training data not found at {data}; pass --shared")
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
            "training.max_steps": max_steps,
            "training.eval_frequency": 500,
        },
    )
    best = out / "model-best"
    scores = evaluate_model(best, corpus)
    if install:
        target = _install(best, "en_sourcetrace")
        (target / "accuracy.json").write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    return scores


def _install(best: Path, name: str) -> Path:
    """Replace the packaged model ``models/<name>`` with ``best``; return where it went."""
    target = Path(__file__).parents[1] / "models" / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(best, target)
    return target


def _polnear(shared: Path) -> Path:
    polnear = shared / "data" / "polnear"
    if not (polnear / "train").is_dir():
        raise ConfigError(f"E710: PolNeAR not found at {polnear}; pass --shared")
    return polnear


def _train_file_model(shared: Path, workdir: Path, name: str, default: Path, train: Any,
                      install: bool) -> dict[str, Any]:
    """Train a one-file model on PolNeAR train into ``workdir/name``; with ``install``,
    replace the packaged folder that ``default`` lives in."""
    out = workdir / name / default.name
    meta: dict[str, Any] = train(_polnear(shared) / "train", out)
    if install:
        _install(out.parent, default.parent.name)
    return meta


def train_crf_tagger(shared: Path, workdir: Path, *, install: bool = True) -> dict[str, Any]:
    """Rebuild the CRF role tagger (``models/en_sourcetrace_roles_crf``) from PolNeAR train."""
    from ..attribution.crf_tagger import DEFAULT_MODEL
    from .crf_roles import train_crf

    return _train_file_model(shared, workdir, "crf", DEFAULT_MODEL, train_crf, install)


def train_boundary_model(shared: Path, workdir: Path, *, install: bool = True) -> dict[str, Any]:
    """Rebuild the span-boundary model (``models/en_sourcetrace_boundaries``) from PolNeAR train."""
    from ..attribution.boundaries import DEFAULT_MODEL
    from .boundaries import train_boundaries

    return _train_file_model(shared, workdir, "boundaries", DEFAULT_MODEL, train_boundaries, install)


TRANSFORMER_COMPONENTS = {"minilm": "all-MiniLM-L6-v2", "mpnet": "all-mpnet-base-v2"}
"""``sourcetrace train --component`` names of the transformer labellers, and their encoders."""


def train_transformer_heads(shared: Path, workdir: Path, *, component: str = "minilm",
                            install: bool = True) -> dict[str, Any]:
    """Rebuild a transformer labeller's heads: over MiniLM (``minilm``,
    ``models/en_sourcetrace_roles_minilm``) or all-mpnet-base-v2 (``mpnet``,
    ``models/en_sourcetrace_roles_mpnet``, the encoder fetched first by ``sourcetrace
    fetch-encoder``). Vectors are cached in ``workdir/<component>``; needs the transformer extra."""
    from ..attribution.transformer import HEAD_DIRS
    from .transformer_roles import ENSEMBLES, train_ensemble

    encoder = TRANSFORMER_COMPONENTS[component]
    out = HEAD_DIRS[encoder] if install else workdir / f"{component}-heads"
    heads = train_ensemble(_polnear(shared), workdir / component, out, heads=ENSEMBLES[encoder], encoder=encoder)
    return {h["file"]: h["dev"] for h in heads}
