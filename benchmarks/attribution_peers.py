"""Attribution on PolNeAR dev, side by side: the default pipeline, each attribution mode,
and a peer (textacy's direct quotations) over the same parse, with words per second.

For every system: exact, partial and token P/R/F1 per role and attribution-level F1 (the
CONTRACT scorer, ``sourcetrace.evaluate``), then a one-line summary each. Speeds are
measured in this process over the same texts, so they compare; the bare spaCy pass (the
project's model, nothing else) is the baseline of the ``over_bare`` ratio.

The peer is ``textacy.extract.triples.direct_quotations`` run on the docs our model
parsed. textacy finds cue verbs by lemma and our model has no lemmatizer, so spaCy's
standard English rule lemmatizer (spacy-lookups-data) is added for it, and its time is
counted in the peer's. textacy raises ValueError on a text with an odd number of quote
marks; such documents score as empty and are counted.

Needs the ``peers`` extra for the peer (``pip install -e '.[peers]'``) and the
``transformer`` extra for ``--attribution transformer`` (and, for ``transformer-large``, the
encoder from ``sourcetrace fetch-encoder``); without them those rows are
skipped with a message. Usage:
    python benchmarks/attribution_peers.py [--limit N] [--shared ../shared] [--modes MODE ...] [--no-peer]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for every row (torch reads it at import)

import argparse  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from sourcetrace.errors import SourcetraceError
from sourcetrace.evaluate import format_table, load_records, score_documents
from sourcetrace.model import Attribution, Document, Span
from sourcetrace.nlp import load_model
from sourcetrace.pipeline import ATTRIBUTION_MODES, DEFAULT_MODE, analyze


def _token_spans(tokens: list[Any]) -> tuple[Span, ...]:
    """Character spans of a token list, adjacent tokens joined."""
    spans: list[list[int]] = []
    for tok in sorted(tokens, key=lambda t: t.i):
        start, end = tok.idx, tok.idx + len(tok.text)
        if spans and tok.i == spans[-1][2] + 1:
            spans[-1][1], spans[-1][2] = end, tok.i
        else:
            spans.append([start, end, tok.i])
    return tuple((s, e) for s, e, _ in spans)


def _textacy_peer(gold: list[Document], nlp: Any) -> tuple[list[Document], float, int] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        print("peer skipped: textacy is not installed (pip install -e '.[peers]')")
        return None
    peer_nlp = load_model()
    try:
        peer_nlp.add_pipe("lemmatizer", config={"mode": "rule"}).initialize()
    except Exception as e:  # spacy-lookups-data missing
        print(f"peer skipped: spaCy's English lemmatizer needs spacy-lookups-data ({e})")
        return None
    out: list[Document] = []
    crashed = 0
    t0 = time.perf_counter()
    for g in gold:
        doc = peer_nlp(g.text)
        attrs: list[Attribution] = []
        try:
            for n, triple in enumerate(direct_quotations(doc), start=1):
                content = triple.content
                attrs.append(Attribution(
                    id=f"a{n}", source=_token_spans(list(triple.speaker)), cue=_token_spans(list(triple.cue)),
                    content=((content.start_char, content.end_char),), kind="direct",
                ))
        except ValueError:  # "n quotation marks found, indicating an unclosed quotation"
            crashed += 1
            attrs = []
        out.append(Document(doc_id=g.doc_id, text=g.text, attributions=tuple(attrs)))
    return out, time.perf_counter() - t0, crashed


def _summary(name: str, result: Any, words: int, seconds: float, bare: float) -> str:
    m = result.metrics
    return (f"{name:<26} src {m['source_exact']['f1']:.3f} cue {m['cue_exact']['f1']:.3f} "
            f"content {m['content_exact']['f1']:.3f} | attribution {m['attribution']['f1']:.3f} "
            f"strict {m['attribution_strict']['f1']:.3f} content_token {m['content_token']['f1']:.3f} "
            f"| {words / seconds:>6.0f} words/s, {seconds / bare:.2f}x bare")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--modes", nargs="+", choices=ATTRIBUTION_MODES, default=list(ATTRIBUTION_MODES),
                    help="the attribution modes to run (default all; transformer-large takes ~15 min on dev)")
    ap.add_argument("--no-peer", action="store_true", help="skip the textacy row")
    args = ap.parse_args()
    split = args.shared / "data" / "polnear" / args.split
    if not split.exists():
        raise SystemExit(f"PolNeAR {args.split} not found at {split}")
    gold = load_records(split)
    if args.limit:
        gold = gold[: args.limit]
    words = sum(len(re.findall(r"\w+", g.text)) for g in gold)

    nlp = load_model()
    nlp(gold[0].text)  # warm up
    t0 = time.perf_counter()
    for g in gold:
        nlp(g.text)
    bare = time.perf_counter() - t0

    rows: list[tuple[str, Any, float]] = []
    outermost: dict[str, Any] = {}
    for mode in args.modes:
        try:
            analyze(Document(doc_id="warm", text=gold[0].text), mode=mode)
        except SourcetraceError as e:  # the transformer extra is not installed
            print(f"mode {mode} skipped: {e}")
            continue
        t0 = time.perf_counter()
        pred = [analyze(Document(doc_id=g.doc_id, text=g.text), mode=mode) for g in gold]
        seconds = time.perf_counter() - t0
        label = f"{mode} = default pipeline" if mode == DEFAULT_MODE else f"{mode} (--attribution {mode})"
        rows.append((label, score_documents(gold, pred), seconds))
        # PolNeAR annotates no nested attributions: its scope is the outermost ones
        outer = [p.with_(attributions=tuple(a for a in p.attributions if a.parent is None)) for p in pred]
        outermost[label] = score_documents(gold, outer).metrics

    peer = None if args.no_peer else _textacy_peer(gold, nlp)
    if peer is not None:
        peer_docs, peer_seconds, crashed = peer
        rows.append((f"textacy 0.13 direct quotes (crashed on {crashed})", score_documents(gold, peer_docs),
                     peer_seconds))

    print(f"PolNeAR {args.split}: documents={len(gold)} words={words}")
    print(f"bare spaCy pass: {words / bare:.0f} words/s")
    for label, result, _ in rows:
        print(f"\n== {label}")
        print(format_table(result))
    print("\nsummary (exact F1 per role | attribution-level F1 | speed, end to end, one process, one core)")
    for label, result, seconds in rows:
        print(_summary(label.split(" (crashed")[0], result, words, seconds, bare))
    print("\noutermost attributions only (PolNeAR's scope; nested ones, which the seeds need, count as "
          "false positives above): exact F1 per role | attribution F1")
    for label, m in outermost.items():
        print(f"{label.split(' ')[0]:<26} src {m['source_exact']['f1']:.3f} cue {m['cue_exact']['f1']:.3f} "
              f"content {m['content_exact']['f1']:.3f} | attribution {m['attribution']['f1']:.3f}")
    if peer is not None:
        print(f"textacy raised ValueError (odd number of quote marks) on {peer[2]} of {len(gold)} documents; "
              "they score as empty")


if __name__ == "__main__":
    main()
