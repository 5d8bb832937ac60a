"""Corpus scale: add N articles to a fresh DuckDB store, then link and query them.

Prints documents per second, peak RSS (VmHWM from /proc/self/status) after 1,000 and after
N documents, the time to link the corpus and the time of a `corpus claims` query.

Articles are PolNeAR train texts (../shared/data/polnear/train), cycled with perturbed
ids and a one-line suffix ("[copy k]") so every copy is a new text to the store; the
copies of one article are near-duplicates, which is what a syndicated corpus looks like.
PolNeAR train holds one text twice (two dated copies of one Washington Post story), so
each pass over it stores one document fewer: 9,988 of 10,000.

  --no-nlp   store the PolNeAR gold records as pre-analysed (speakers from their source
             spans, typed by resolve.entity_type): measures the store and the link stage
             without hours of parsing. Without it, every article goes through the pipeline.

Usage: python benchmarks/corpus_scale.py [--n 10000 | --limit 300] [--no-nlp] [--db FILE] [--jobs N]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sourcetrace.model import Document, Entity
from sourcetrace.resolve import entity_type, person_name
from sourcetrace.store import Store, as_is

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "who", "you", "him", "her", "them"}


def _status(key: str) -> float:
    """A /proc/self/status value in MiB (VmRSS now, VmHWM peak); getrusage as fallback."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _light_speakers(doc: Document) -> Document:
    """Give a gold record (attributions only) entities: one per distinct source name."""
    ents: dict[str, dict] = {}
    attrs = []
    for attr in doc.attributions:
        if not attr.source:
            attrs.append(attr)
            continue
        span = (attr.source[0][0], attr.source[-1][1])
        text = doc.text[span[0] : span[1]].strip()
        typ = "other" if text.lower() in _PRONOUNS else entity_type(text)
        name = person_name(text) if typ == "person" else text
        ent = ents.setdefault(name.lower(), {"id": f"e{len(ents) + 1}", "name": name, "type": typ, "mentions": []})
        ent["mentions"].append(span)
        attrs.append(dataclasses.replace(attr, speaker=ent["id"]))
    entities = tuple(Entity(e["id"], e["name"], e["type"], tuple(e["mentions"])) for e in ents.values())
    return doc.with_(attributions=tuple(attrs), entities=entities)


def _articles(train: Path, n: int, *, records: bool) -> Iterator[Document]:
    """N documents, read lazily (nothing held in memory), cycling over the train set."""
    paths = sorted(train.glob("*.gold.json" if records else "*.txt"))
    if not paths:
        raise SystemExit(f"no PolNeAR train files in {train}")
    for i, path in zip(range(n), itertools.cycle(paths), strict=False):
        copy = i // len(paths)
        if records:
            doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
            doc = _light_speakers(doc)
            text, meta = doc.text, doc.meta
        else:
            doc = None
            text, meta = path.read_text(encoding="utf-8"), {}
        suffix = f"\n[copy {copy}]\n" if copy else ""
        stem = path.name.split(".")[0]
        doc_id = f"{stem}~{copy}" if copy else stem
        if doc is None:
            yield Document(doc_id, text + suffix, meta)
        else:
            yield dataclasses.replace(doc, doc_id=doc_id, text=text + suffix)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", "--limit", dest="n", type=int, default=10_000, help="documents to add")
    ap.add_argument("--no-nlp", action="store_true", help="store pre-analysed PolNeAR gold records")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--db", type=Path, default=None, help="store file (default: a fresh temporary one)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--memory-limit", default="512MB", help="DuckDB's memory limit for the store")
    args = ap.parse_args()
    train = args.shared / "data" / "polnear" / "train"
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="corpus-scale-")
        args.db = Path(tmp.name) / "bench.duckdb"
    if args.db.exists():
        raise SystemExit(f"{args.db} exists; the benchmark needs a fresh store")
    if not args.no_nlp:
        from sourcetrace.nlp import load_model

        load_model()  # model load is not part of the throughput

    baseline = _status("VmRSS")
    marks: dict[int, tuple[float, float, float]] = {}
    added = 0
    started = time.perf_counter()

    def on_event(event: str, name: str, detail: str) -> None:
        nonlocal added
        if event == "added":
            added += 1
            if added == 1000:
                marks[added] = (time.perf_counter() - started, _status("VmHWM"), _status("VmRSS"))

    with Store(args.db, memory_limit=args.memory_limit) as store:
        summary = store.add_documents(
            _articles(train, args.n, records=args.no_nlp),
            analyze=as_is if args.no_nlp else None, jobs=args.jobs, on_event=on_event,
        )
        elapsed = time.perf_counter() - started
        marks.setdefault(summary.added, (elapsed, _status("VmHWM"), _status("VmRSS")))
        mode = "pre-analysed records (--no-nlp)" if args.no_nlp else f"full pipeline, jobs={args.jobs}"
        print(f"corpus_scale: {args.n} PolNeAR train documents, {mode}")
        print(f"added {summary.added}, skipped {summary.skipped}, failed {len(summary.failed)} "
              f"in {elapsed:.1f} s = {summary.added / elapsed:.1f} docs/s")
        print(f"  RSS before adding (libraries{'' if args.no_nlp else ' and model'} loaded): {baseline:.1f} MiB")
        for k, (t, peak, now) in sorted(marks.items()):
            print(f"  at {k:>6} docs: {t:7.1f} s, peak RSS {peak:7.1f} MiB (now {now:.1f} MiB)")
        t0 = time.perf_counter()
        store.ensure_linked()
        link_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        n_claims = sum(1 for _ in store.claims())
        query_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        shared = sum(1 for _ in store.claims(min_docs=2))
        shared_s = time.perf_counter() - t0
        counts = store.summary()
        print(f"link (entities, citations, claims, independence): {link_s:.1f} s, "
              f"peak RSS {_status('VmHWM'):.1f} MiB")
        print(f"`corpus claims` query: {n_claims} claims in {query_s:.2f} s; "
              f"--min-docs 2: {shared} claims in {shared_s:.2f} s")
        store.con.execute("CHECKPOINT")
        print(f"store: {os.path.getsize(args.db) / 2**20:.1f} MiB on disk; {counts}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
