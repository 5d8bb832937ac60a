"""Train the head of the transformer role labeller (``attribution/transformer.py``).

Three steps, all from ../shared/data/polnear:
1. ``featurize``: every article of a split through the frozen encoder once (MiniLM, or
   all-mpnet-base-v2 with ``--encoder``, for ``LARGE_ENSEMBLE``); its
   piece vectors (float16) and BIO role tags (``roles.token_tags``) go to one file in a
   build directory (never into the repository);
2. ``train_head``: one BiLSTM head on train's vectors, scored after every epoch on dev
   with the CONTRACT scorer (attribution F1 after grouping, the number the issue asks
   for); the best epoch is kept;
3. ``train_ensemble``: the heads of ``ENSEMBLE`` one after the other, written with one
   ``config.json`` to ``models/en_sourcetrace_roles_minilm``; at run time their scores
   and transitions are averaged (on PolNeAR dev the three beat the best single head by a
   few tenths of a point of attribution F1 and about one point of exact content F1).

The heads are linear-chain CRFs (``crf_nll``): a plain head scores each piece's tag on
its own, and its Viterbi path often ends a content a few words early or late; a CRF head
learns which tag follows which and is trained on whole sequences.

Fine-tuning (``featurize_windows``, ``finetune``): the encoder's top layers trained
together with one head, from the states below them cached once per window. It is here
because it was measured, not shipped: on PolNeAR dev it did not beat the frozen encoder
under three heads (see ``finetune``).

Usage:
    python -m sourcetrace.train.transformer_roles ../shared/data/polnear build/minilm \
        [--out src/sourcetrace/models/en_sourcetrace_roles_minilm]
    (--single --hidden H --seed S --epochs E [--no-parse] [--crf]: one head, for experiments;
     --finetune HEAD_DIR [--tuned-from N] [--epochs E]: fine-tune from a trained head)
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..attribution.learned import group_roles, to_attributions
from ..attribution.transformer import (
    DEFAULT_HEAD,
    DEFAULT_LARGE_HEAD,
    ENCODER_LAYERS,
    HEAD_DIRS,
    LAYERS,
    MINILM,
    MPNET,
    N_PARSE,
    TUNED_FROM,
    _torch,
    allowed_starts,
    allowed_transitions,
    average_windows,
    build_head,
    decode,
    encode,
    extra_features,
    head_transitions,
    load_encoder,
    pieces,
    window_ids,
)
from ..evaluate import load_records, score_documents
from ..files import write_atomic, write_text_atomic
from ..model import Document
from .roles import TAGS, token_tags

__all__ = ["ENSEMBLE", "ENSEMBLES", "LARGE_ENSEMBLE", "featurize", "featurize_windows", "finetune", "main", "train_ensemble", "train_head"]

_TAG_ID = {t: i for i, t in enumerate(TAGS)}


def featurize(split_dir: Path, out_path: Path, *, parse: bool = True, encoder: str = MINILM,
              log: Any = print) -> int:
    """Encode every gold article of ``split_dir`` with ``encoder``; save vectors, tags and
    offsets. With ``parse``, the project's spaCy model parses each text for the parse
    features. Each article is kept in ``out_path``'s sibling folder as it is done, so a run
    that stops (a large encoder takes an hour on PolNeAR train) goes on where it stopped."""
    torch = _torch()
    parts = out_path.with_suffix(".parts")
    _stamp(out_path.parent, _features(encoder, parse))
    gold = load_records(split_dir)
    nlp = None
    if parse:
        from ..nlp import load_model

        nlp = load_model()
    parts.mkdir(parents=True, exist_ok=True)
    items = []
    t0 = time.perf_counter()
    for n, doc in enumerate(gold, start=1):
        part = parts / f"{doc.doc_id}.pt"
        if part.exists():
            items.append(torch.load(part, weights_only=False))
            continue
        offsets, feats = encode(doc.text, nlp(doc.text) if nlp is not None else None, encoder=encoder)
        tags = token_tags(offsets, doc.attributions)
        item = {
            "doc_id": doc.doc_id, "offsets": offsets, "x": feats.to(torch.float16),
            "y": torch.tensor([_TAG_ID[t] for t in tags], dtype=torch.long),
        }
        write_atomic(part, lambda fh, item=item: torch.save(item, fh))  # a killed run leaves no half part
        items.append(item)
        if n % 20 == 0 or n == len(gold):
            log(f"featurize {split_dir.name}: {n}/{len(gold)} articles, {time.perf_counter() - t0:.0f} s", flush=True)
    write_atomic(out_path, lambda fh: torch.save(items, fh))
    shutil.rmtree(parts)  # the whole split is in out_path now
    return len(items)


_STAMP = "features.json"


def _features(encoder: str, parse: bool) -> dict[str, Any]:
    """What a build folder's cached vectors are made of."""
    return {"encoder": encoder, "layers": list(ENCODER_LAYERS[encoder]), "parse": parse}


def _stamped(build: Path) -> dict[str, Any] | None:
    """The features recorded for ``build`` (None for a folder without a record)."""
    stamp = build / _STAMP
    return json.loads(stamp.read_text(encoding="utf-8")) if stamp.exists() else None


def _stamp(build: Path, what: dict[str, Any]) -> dict[str, Any]:
    """Tie a build folder to the features cached in it (encoder, layers, parse features),
    so a run with another encoder cannot train on these vectors by mistake."""
    had = _stamped(build)
    if had is not None:
        if had != what:
            raise ValueError(f"{build} caches other features ({had}, not {what}): use another build folder")
        return had
    if any(build.glob("*.pt")) or any(build.glob("*.parts")):
        raise ValueError(f"{build} holds cached vectors without {_STAMP}: use another build folder")
    write_text_atomic(build / _STAMP, json.dumps(what) + "\n")
    return what


def _predict(scores_of: Callable[[dict[str, Any]], Any], items: list[dict[str, Any]],
             texts: dict[str, str], transitions: tuple[Any, Any] | None = None) -> list[Document]:
    """Decoded, grouped attributions for cached ``items``; ``scores_of`` gives an item's
    per-piece tag scores (it is called only for items with pieces); ``transitions`` are a
    CRF head's."""
    torch = _torch()
    out = []
    with torch.inference_mode():
        for it in items:
            text = texts[it["doc_id"]]
            if len(it["offsets"]) == 0:
                out.append(Document(it["doc_id"], text))
                continue
            frames = group_roles(text, decode(text, it["offsets"], scores_of(it), transitions))
            out.append(Document(it["doc_id"], text, attributions=to_attributions(text, frames)))
    return out


def _dev_summary(metrics: dict[str, Any]) -> str:
    return (f"dev attribution F1 {metrics['attribution']['f1']:.3f} (src {metrics['source_exact']['f1']:.3f} "
            f"cue {metrics['cue_exact']['f1']:.3f} content {metrics['content_exact']['f1']:.3f})")


ENSEMBLE: tuple[dict[str, Any], ...] = (
    {"hidden": 128, "seed": 0, "epochs": 12, "parse": False, "crf": True},
    {"hidden": 160, "seed": 2, "epochs": 12, "parse": True, "crf": True},
    {"hidden": 192, "seed": 1, "epochs": 12, "parse": True, "crf": True},
)
"""The shipped heads: hidden size, seed, epochs, whether they read parse features, and
whether they are CRFs (all are: on PolNeAR dev three CRF heads beat three plain ones by
three points of exact content F1 and one of exact cue F1)."""


LARGE_ENSEMBLE: tuple[dict[str, Any], ...] = (
    {"hidden": 192, "seed": 1, "epochs": 12, "parse": True, "crf": True},
    {"hidden": 160, "seed": 2, "epochs": 12, "parse": True, "crf": True},
    {"hidden": 128, "seed": 0, "epochs": 12, "parse": False, "crf": True},
)
"""The heads over all-mpnet-base-v2 (``--encoder all-mpnet-base-v2``): the same three
shapes, the best MiniLM one first."""
ENSEMBLES: dict[str, tuple[dict[str, Any], ...]] = {MINILM: ENSEMBLE, MPNET: LARGE_ENSEMBLE}
"""The heads trained over each encoder."""


def crf_nll(scores: Any, tags: Any, trans: Any, start: Any) -> Any:
    """Mean negative log-likelihood per piece of the gold tag sequences under a linear-chain
    CRF (forward algorithm; padded pieces have tag -100). Transitions a BIO sequence cannot
    take, and a start inside a span, are held at a large negative score."""
    torch = _torch()
    anywhere, _ = allowed_transitions()
    neg = -1e4
    tm = torch.where(torch.tensor(anywhere), trans, torch.full_like(trans, neg))
    sm = torch.where(torch.tensor(allowed_starts()), start, torch.full_like(start, neg))
    mask = tags != -100
    y = tags.clamp_min(0)
    emit = scores.gather(2, y[:, :, None]).squeeze(2)
    gold = sm[y[:, 0]] + emit[:, 0] + ((emit[:, 1:] + tm[y[:, :-1], y[:, 1:]]) * mask[:, 1:]).sum(1)
    alpha = sm[None] + scores[:, 0]
    for i in range(1, scores.shape[1]):
        step = torch.logsumexp(alpha[:, :, None] + tm[None], dim=1) + scores[:, i]
        alpha = torch.where(mask[:, i : i + 1], step, alpha)
    return (torch.logsumexp(alpha, 1) - gold).sum() / mask.sum()


def _valid_bio(y: Any, chunk: int) -> Any:
    """``y`` with every span that starts inside (a chunk's first piece, or after a tag it
    cannot follow) made to start with its B- tag: the CRF forbids such starts."""
    anywhere, _ = allowed_transitions()
    begin = {TAGS.index("I-" + r): TAGS.index("B-" + r) for r in ("SRC", "CUE", "CNT")}
    y = y.clone()
    for i, tag in enumerate(y.tolist()):
        if tag in begin and (i % chunk == 0 or not anywhere[int(y[i - 1]), tag]):
            y[i] = begin[tag]
    return y


def train_head(train_path: Path, dev_path: Path, dev_gold: Path, out_dir: Path, *, epochs: int = 12,
               batch: int = 8, lr: float = 2e-3, seed: int = 0, chunk: int = 1024, hidden: int = 128,
               parse: bool = True, crf: bool = False, file: str = "head.pt", log: Any = print) -> dict[str, Any]:
    """Train on ``train_path``, keep the epoch with the best dev attribution F1; returns
    the head's config entry. Without ``parse`` the head reads only the MiniLM and surface
    features (the first columns of the cached vectors). With ``crf`` it is trained as a
    linear-chain CRF (``crf_nll``; its transitions learn ten times faster than the rest)."""
    torch = _torch()
    torch.manual_seed(seed)
    rng = random.Random(seed)
    train = torch.load(train_path, weights_only=False)
    dev = torch.load(dev_path, weights_only=False)
    gold = load_records(dev_gold)
    texts = {g.doc_id: g.text for g in gold}
    n_in = int(train[0]["x"].shape[1])  # the cached vectors: encoder, surface and parse features
    stamped = _stamped(train_path.parent)
    has_parse = stamped is None or stamped["parse"]
    if parse and not has_parse:
        raise ValueError(f"{train_path} was featurized without parse features; train without them (--no-parse)")
    if not parse and has_parse:
        n_in -= N_PARSE
        for it in (*train, *dev):
            it["x"] = it["x"][:, :n_in]
    config = {"file": file, "n_in": n_in, "hidden": hidden, "proj": 256,
              "parse_features": parse, "seed": seed, "epochs": epochs}
    if crf:
        config["crf"] = True
    head = build_head(n_in, hidden=config["hidden"], proj=config["proj"], crf=crf)
    chain = [p for n, p in head.named_parameters() if n in {"trans", "start"}]
    body = [p for n, p in head.named_parameters() if n not in {"trans", "start"}]
    groups = [{"params": body, "weight_decay": 1e-4}] + ([{"params": chain, "weight_decay": 0.0}] if chain else [])
    opt = torch.optim.AdamW(groups, lr=lr)
    # long articles are cut into chunks so batches stay small; the head runs on whole
    # articles at inference (a BiLSTM does not care)
    pieces = []
    for it in train:
        y = _valid_bio(it["y"], chunk) if crf else it["y"]
        for s in range(0, len(y), chunk):
            pieces.append((it["x"][s : s + chunk], y[s : s + chunk]))
    weights = torch.ones(len(TAGS))
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    best: dict[str, Any] = {"f1": -1.0}
    steps_per_epoch = (len(pieces) + batch - 1) // batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, lr * 10][: len(groups)],
                                                total_steps=epochs * steps_per_epoch)
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        head.train()
        rng.shuffle(pieces)
        pieces_sorted = sorted(pieces, key=lambda p: len(p[1]) + rng.random() * 200)
        batches = [pieces_sorted[i : i + batch] for i in range(0, len(pieces_sorted), batch)]
        rng.shuffle(batches)
        total = 0.0
        for b in batches:
            xs = torch.nn.utils.rnn.pad_sequence([x.float() for x, _ in b], batch_first=True)
            ys = torch.nn.utils.rnn.pad_sequence([y for _, y in b], batch_first=True, padding_value=-100)
            scores = head(xs)
            if crf:
                loss = crf_nll(scores, ys, head.trans, head.start)
            else:
                loss = loss_fn(scores.reshape(-1, len(TAGS)), ys.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), 5.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
        head.eval()
        pred = _predict(lambda it: head(it["x"].float().unsqueeze(0))[0], dev, texts, head_transitions(head))
        metrics = score_documents(gold, pred).metrics
        f1 = metrics["attribution"]["f1"]
        log(f"epoch {epoch}/{epochs}: loss {total / len(batches):.4f}, {_dev_summary(metrics)}, "
            f"{time.perf_counter() - t0:.0f} s", flush=True)
        if f1 > best["f1"]:
            best = {"f1": f1, "epoch": epoch,
                    "metrics": {k: round(v["f1"], 4) for k, v in metrics.items()}}
            out_dir.mkdir(parents=True, exist_ok=True)
            # float16 halves the package's share; the head runs in float32 after loading
            torch.save({k: v.half() for k, v in head.state_dict().items()}, out_dir / file)
    log(f"best epoch {best['epoch']}: dev attribution F1 {best['f1']:.3f}; saved to {out_dir / file}")
    return {**config, "dev": best}


def featurize_windows(split_dir: Path, out_path: Path, *, tuned_from: int = TUNED_FROM, log: Any = print) -> int:
    """For fine-tuning: every gold article's encoder states below the tuned layers (the
    input of layer ``tuned_from``, per window, float16), its surface and parse features
    and its tags. The frozen lower layers then run once, not once per epoch."""
    torch = _torch()
    from ..nlp import load_model

    _, model = load_encoder()
    nlp = load_model()
    gold = load_records(split_dir)
    items = []
    t0 = time.perf_counter()
    for n, doc in enumerate(gold, start=1):
        ids, offsets = pieces(doc.text)
        item: dict[str, Any] = {"doc_id": doc.doc_id, "offsets": offsets}
        if ids:
            with torch.inference_mode():
                states = model(input_ids=window_ids(ids)).hidden_states[tuned_from]
            tags = token_tags(offsets, doc.attributions)
            item.update(h=states.to(torch.float16), extra=extra_features(doc.text, offsets, nlp(doc.text)).half(),
                        y=torch.tensor([_TAG_ID[t] for t in tags], dtype=torch.long))
        items.append(item)
        if n % 50 == 0 or n == len(gold):
            log(f"featurize windows {split_dir.name}: {n}/{len(gold)} articles, {time.perf_counter() - t0:.0f} s",
                flush=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(items, out_path)
    return len(items)


def _tuned_labeller(layers: Any, head: Any, tuned_from: int) -> Any:
    """The encoder's top layers and a role head as one trainable module, fed the cached
    states below the top layers."""
    torch = _torch()
    n_layers = tuned_from + len(layers)

    class TunedLabeller(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.layers = layers
            self.head = head

        def forward(self, h: Any, extra: Any) -> Any:
            hidden = {}
            for i, layer in enumerate(self.layers, start=tuned_from + 1):
                h = layer(h)
                hidden[i] = h
            states = torch.cat([hidden[n_layers + 1 + k] for k in LAYERS], dim=-1)
            x = torch.cat([average_windows(states, extra.shape[0]), extra], dim=-1)
            return self.head(x.unsqueeze(0))[0]

    return TunedLabeller()


def finetune(train_path: Path, dev_path: Path, dev_gold: Path, start_head: Path, out_dir: Path, *,
             epochs: int = 4, lr_encoder: float = 5e-5, lr_head: float = 5e-4, accumulate: int = 4,
             seed: int = 0, tuned_from: int = TUNED_FROM, log: Any = print) -> dict[str, Any]:
    """Fine-tune the encoder's top layers (from ``tuned_from`` up) together with a trained head (``start_head``, a
    directory with one head's ``config.json``, parse features on) on cached window states
    (``featurize_windows``); the epoch with the best dev attribution F1 is written to
    ``out_dir`` as ``encoder.pt`` (the top layers) and ``head.pt``, float16."""
    import copy

    torch = _torch()
    torch.manual_seed(seed)
    rng = random.Random(seed)
    start = json.loads((start_head / "config.json").read_text(encoding="utf-8"))
    entry = dict(start["heads"][0]) if "heads" in start else dict(start)
    if not entry.get("parse_features"):
        raise ValueError("fine-tuning starts from a head trained with parse features")
    head = build_head(entry["n_in"], hidden=entry["hidden"], proj=entry["proj"])
    state = torch.load(start_head / entry["file"], map_location="cpu", weights_only=True)
    head.load_state_dict({k: v.float() for k, v in state.items()})
    _, encoder = load_encoder()
    layers = copy.deepcopy(encoder.encoder.layer[tuned_from:])
    model = _tuned_labeller(layers, head, tuned_from)
    train = [it for it in torch.load(train_path, weights_only=False) if "h" in it]
    dev = torch.load(dev_path, weights_only=False)
    gold = load_records(dev_gold)
    texts = {g.doc_id: g.text for g in gold}
    opt = torch.optim.AdamW([
        {"params": model.layers.parameters(), "lr": lr_encoder},
        {"params": model.head.parameters(), "lr": lr_head},
    ], weight_decay=1e-4)
    steps = epochs * ((len(train) + accumulate - 1) // accumulate)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: min((i + 1) / warm, max(0.0, (steps - i) / (steps - warm))))
    loss_fn = torch.nn.CrossEntropyLoss()

    def evaluate() -> dict[str, Any]:
        model.eval()
        pred = _predict(lambda it: model(it["h"].float(), it["extra"].float()), dev, texts)
        return score_documents(gold, pred).metrics

    def report(metrics: dict[str, Any], what: str) -> None:
        log(f"{what}: {_dev_summary(metrics)}, {time.perf_counter() - t0:.0f} s", flush=True)

    t0 = time.perf_counter()
    metrics = evaluate()
    report(metrics, "start")
    best: dict[str, Any] = {"f1": metrics["attribution"]["f1"], "epoch": 0}
    for epoch in range(1, epochs + 1):
        model.train()
        rng.shuffle(train)
        total = 0.0
        for n, it in enumerate(train, start=1):
            scores = model(it["h"].float(), it["extra"].float())
            loss = loss_fn(scores, it["y"]) / accumulate
            loss.backward()
            total += float(loss.detach())
            if n % accumulate == 0 or n == len(train):
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
                sched.step()
                opt.zero_grad()
            if n % 200 == 0:
                log(f"epoch {epoch}: {n}/{len(train)} articles, loss {total * accumulate / n:.4f}, "
                    f"{time.perf_counter() - t0:.0f} s", flush=True)
        metrics = evaluate()
        report(metrics, f"epoch {epoch}/{epochs}")
        if metrics["attribution"]["f1"] > best["f1"] or best["epoch"] == 0:
            best = {"f1": metrics["attribution"]["f1"], "epoch": epoch,
                    "metrics": {k: round(v["f1"], 4) for k, v in metrics.items()}}
            out_dir.mkdir(parents=True, exist_ok=True)
            torch.save({k: v.half() for k, v in model.layers.state_dict().items()}, out_dir / "encoder.pt")
            torch.save({k: v.half() for k, v in model.head.state_dict().items()}, out_dir / "head.pt")
    log(f"best epoch {best['epoch']}: dev attribution F1 {best['f1']:.3f}; saved to {out_dir}")
    head_entry = {**entry, "file": "head.pt", "dev": best, "finetuned": {
        "epochs": epochs, "lr_encoder": lr_encoder, "lr_head": lr_head, "accumulate": accumulate, "seed": seed,
        "tuned_from": tuned_from}}
    config = {"encoder": "all-MiniLM-L6-v2", "encoder_layers": "encoder.pt", "tuned_from": tuned_from,
              "layers": list(LAYERS), "window": 256, "stride": 128, "heads": [head_entry]}
    (out_dir / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return head_entry


def _write_config(out_dir: Path, heads: list[dict[str, Any]], encoder: str = MINILM) -> None:
    config = {"encoder": encoder, "layers": list(ENCODER_LAYERS[encoder]), "window": 256, "stride": 128,
              "heads": heads}
    (out_dir / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def _featurized(polnear: Path, build: Path, log: Any = print, encoder: str = MINILM) -> None:
    """Cache train and dev vectors (with parse features) in ``build`` unless already there."""
    _stamp(build, _features(encoder, parse=True))
    for split in ("train", "dev"):
        if not (build / f"{split}.pt").exists():
            featurize(polnear / split, build / f"{split}.pt", parse=True, encoder=encoder, log=log)


def train_ensemble(polnear: Path, build: Path, out_dir: Path, *, heads: Sequence[dict[str, Any]] = ENSEMBLE,
                   encoder: str = MINILM, log: Any = print) -> list[dict[str, Any]]:
    """Featurize train and dev once with ``encoder`` (and parse features), train every
    head, write them."""
    _featurized(polnear, build, log, encoder)
    entries = []
    for n, spec in enumerate(heads, start=1):
        entries.append(train_head(build / "train.pt", build / "dev.pt", polnear / "dev", out_dir,
                                  epochs=spec["epochs"], hidden=spec["hidden"], seed=spec["seed"],
                                  parse=spec["parse"], crf=spec.get("crf", False), file=f"head{n}.pt", log=log))
        _write_config(out_dir, entries, encoder)
    return entries


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sourcetrace.train.transformer_roles")
    ap.add_argument("polnear", type=Path, help="../shared/data/polnear")
    ap.add_argument("build", type=Path, help="a build directory for the cached vectors")
    ap.add_argument("--out", type=Path, default=None,
                    help=f"default {DEFAULT_HEAD} ({DEFAULT_LARGE_HEAD.name} with --encoder {MPNET}); "
                         "with --finetune, BUILD/finetuned")
    ap.add_argument("--single", action="store_true", help="train one head (the options below), not the ensemble")
    ap.add_argument("--epochs", type=int, default=None, help="default 12 for a head, 2 for fine-tuning")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-parse", action="store_true", help="encoder and surface features only")
    ap.add_argument("--crf", action="store_true", help="train the head as a linear-chain CRF")
    ap.add_argument("--finetune", type=Path, metavar="HEAD_DIR",
                    help="fine-tune the encoder's top layers from this trained head (one head, parse features)")
    ap.add_argument("--tuned-from", type=int, default=TUNED_FROM, help="first MiniLM layer fine-tuned (0-5)")
    ap.add_argument("--encoder", choices=sorted(ENCODER_LAYERS), default=MINILM,
                    help="the frozen encoder whose vectors the heads read (a build directory holds one encoder's)")
    args = ap.parse_args(argv)
    if args.finetune:
        if args.encoder != MINILM:
            ap.error("--finetune is for the MiniLM encoder only")
        windows = args.build / f"windows{args.tuned_from}"
        for split in ("train", "dev"):
            if not (windows / f"{split}.pt").exists():
                featurize_windows(args.polnear / split, windows / f"{split}.pt", tuned_from=args.tuned_from)
        finetune(windows / "train.pt", windows / "dev.pt", args.polnear / "dev", args.finetune,
                 args.out or args.build / "finetuned", epochs=args.epochs or 2, tuned_from=args.tuned_from)
        return 0
    args.out = args.out or HEAD_DIRS[args.encoder]
    if not args.single:
        train_ensemble(args.polnear, args.build, args.out, encoder=args.encoder, heads=ENSEMBLES[args.encoder])
        return 0
    _featurized(args.polnear, args.build, encoder=args.encoder)
    entry = train_head(args.build / "train.pt", args.build / "dev.pt", args.polnear / "dev", args.out,
                       epochs=args.epochs or 12, hidden=args.hidden, seed=args.seed, parse=not args.no_parse,
                       crf=args.crf)
    _write_config(args.out, [entry], args.encoder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
