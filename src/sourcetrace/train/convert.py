"""Turn the treebank, UNER and PolNeAR silver files into spaCy DocBins.

Why our own converter rather than `spacy convert`: the NER layer (UNER IOB2) lives in a
separate file keyed by the UD `sent_id`, and the PolNeAR silver layer uses CoreNLP's UD v1
labels (dobj, nsubjpass, nmod on verbs …), renamed here to the v2 labels of the treebank so
that its news-domain parses train the parser too (the attribution rules read v2 labels).
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

log = logging.getLogger(__name__)

# UNER tags the pre-release train file has but the release dropped (see its PROVENANCE.md).
_UNER_DROP = {"B-OTH", "I-OTH", "B-O", "I-O"}
# CoreNLP's basic dependencies in the PolNeAR layer are Universal Dependencies v1; these
# are the v2 names the treebank (and the attribution rules) use.
_UD1_TO_UD2 = {
    "dobj": "obj", "nsubjpass": "nsubj:pass", "csubjpass": "csubj:pass", "auxpass": "aux:pass",
    "mwe": "fixed", "name": "flat", "neg": "advmod", "nmod:agent": "obl:agent", "root": "ROOT",
}
_PREDICATE_TAGS = ("VB", "JJ", "RB", "MD")
# CoreNLP CoNLL 4-class labels mapped onto the UNER label set; MISC and the numeric
# classes have no UNER counterpart and stay outside entities.
_SILVER_NER = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"}


@dataclass
class Sentence:
    sent_id: str
    words: list[str] = field(default_factory=list)
    spaces: list[bool] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)  # 0-based within the sentence, -1 root
    deps: list[str] = field(default_factory=list)
    ner: list[str] = field(default_factory=list)  # IOB2


def read_conllu(path: Path) -> Iterator[Sentence]:
    """Yield UD sentences as syntactic words (multi-word token lines are folded into spacing)."""
    opener = gzip.open if path.suffix == ".gz" else open
    sent: Sentence | None = None
    mwt_end = -1
    mwt_space = True
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("# sent_id = "):
                sent = Sentence(line[len("# sent_id = ") :].strip())
                mwt_end = -1
                continue
            if not line:
                if sent is not None and sent.words:
                    yield sent
                sent = None
                mwt_end = -1  # a multi-word token never reaches into the next sentence
                continue
            if line.startswith("#") or sent is None:
                continue
            cols = line.split("\t")
            if "." in cols[0]:
                continue  # empty nodes of enhanced UD
            if "-" in cols[0]:
                mwt_end = int(cols[0].split("-")[1])
                mwt_space = "SpaceAfter=No" not in cols[9]
                continue
            idx = int(cols[0])
            misc = cols[9]
            if idx < mwt_end:
                space = False
            elif idx == mwt_end:
                space = mwt_space
            else:
                space = "SpaceAfter=No" not in misc
            sent.words.append(cols[1].replace("\u00a0", " "))
            sent.spaces.append(space)
            sent.tags.append(cols[4])
            head = int(cols[6]) if cols[6].isdigit() else 0
            sent.heads.append(head - 1)
            sent.deps.append(cols[7])
            ner = "O"
            for item in misc.split("|"):
                if item.startswith("NER="):
                    ner = item[4:]
            sent.ner.append(ner)
    if sent is not None and sent.words:
        yield sent


def read_iob2(path: Path) -> dict[str, list[str]]:
    """Read a UNER file into {sent_id: IOB2 tags}, mapping pre-release extra tags to O."""
    out: dict[str, list[str]] = {}
    sent_id = None
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("# sent_id = "):
                sent_id = line[len("# sent_id = ") :].strip()
                tags = []
            elif not line:
                if sent_id is not None:
                    out[sent_id] = tags
                sent_id = None
            elif not line.startswith("#"):
                tag = line.split("\t")[2]
                tags.append("O" if tag in _UNER_DROP else tag)
    if sent_id is not None:
        out[sent_id] = tags
    return out


def _iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if start >= 0 and (tag == "O" or tag.startswith("B-") or tag[2:] != label):
            spans.append((start, i, label))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, label = i, tag[2:]
    return spans


def _class_spans(classes: list[str]) -> list[tuple[int, int, str]]:
    """CoreNLP marks entity classes per token without B/I: runs of one class are one entity."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, cls in enumerate([*classes, "O"]):
        mapped = _SILVER_NER.get(cls, "O")
        if start >= 0 and mapped != label:
            spans.append((start, i, label))
            start = -1
        if mapped != "O" and start < 0:
            start, label = i, mapped
    return spans


def treebank_docs(
    vocab: Vocab, sents: Iterable[Sentence], ner: dict[str, list[str]] | None, *, per_doc: int = 10
) -> Iterator[Doc]:
    """Group gold sentences into multi-sentence docs so the parser learns where sentences end."""
    batch: list[Sentence] = []
    for sent in sents:
        batch.append(sent)
        if len(batch) == per_doc:
            yield _gold_doc(vocab, batch, ner)
            batch = []
    if batch:
        yield _gold_doc(vocab, batch, ner)


def _join(
    vocab: Vocab, batch: list[Sentence], label: Callable[[Sentence, int], str],
    spans: Callable[[Sentence], list[tuple[int, int, str]] | None],
) -> Doc:
    """One Doc from consecutive sentences: tags, heads, labels (via `label`) and entities
    (via `spans`; None for any sentence leaves the whole doc's NER missing)."""
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    heads: list[int] = []
    deps: list[str] = []
    starts: list[bool] = []
    ents: list[tuple[int, int, str]] | None = []
    for sent in batch:
        offset = len(words)
        words += sent.words
        spaces += sent.spaces[:-1] + [True]
        tags += sent.tags
        heads += [offset + h if h >= 0 else offset + i for i, h in enumerate(sent.heads)]
        deps += ["ROOT" if h < 0 else label(sent, i) for i, h in enumerate(sent.heads)]
        starts += [True] + [False] * (len(sent.words) - 1)
        found = spans(sent)
        if found is None or ents is None:
            ents = None  # alignment lost: leave this doc's NER missing, not wrong
        else:
            ents += [(offset + s, offset + e, lab) for s, e, lab in found]
    doc = Doc(vocab, words=words, spaces=spaces, tags=tags, heads=heads, deps=deps, sent_starts=starts)
    if ents is not None:
        doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in ents], default="outside")
    return doc


def _gold_doc(vocab: Vocab, batch: list[Sentence], ner: dict[str, list[str]] | None) -> Doc:
    def spans(sent: Sentence) -> list[tuple[int, int, str]] | None:
        tags = ner.get(sent.sent_id) if ner is not None else None
        return _iob_spans(tags) if tags is not None and len(tags) == len(sent.words) else None

    return _join(vocab, batch, lambda sent, i: sent.deps[i], spans)


def _ud2_label(sent: Sentence, i: int) -> str:
    """Rename a UD v1 label; a v1 `nmod` on a predicate is a v2 `obl`."""
    dep = sent.deps[i]
    head = sent.heads[i]
    if dep.startswith("nmod") and dep != "nmod:poss" and head >= 0 and sent.tags[head].startswith(_PREDICATE_TAGS):
        return "obl" + dep[4:]
    return _UD1_TO_UD2.get(dep, dep)


def silver_docs(vocab: Vocab, sents: Iterable[Sentence], *, per_doc: int = 8) -> Iterator[Doc]:
    """News-domain silver docs: consecutive sentences of one article, with PTB tags, UD v2
    dependencies converted from CoreNLP's v1 output, and CoNLL entities."""
    batch: list[Sentence] = []
    article = None
    for sent in sents:
        name = sent.sent_id.rsplit("#", 1)[0]
        if batch and (name != article or len(batch) == per_doc):
            yield _silver_doc(vocab, batch)
            batch = []
        article = name
        batch.append(sent)
    if batch:
        yield _silver_doc(vocab, batch)


def _silver_doc(vocab: Vocab, batch: list[Sentence]) -> Doc:
    return _join(vocab, batch, _ud2_label, lambda sent: _class_spans(sent.ner))


def build_corpora(shared: Path, out_dir: Path, *, silver_fraction: float = 1.0) -> dict[str, int]:
    """Write train/dev DocBins for `sourcetrace train`; returns document counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ud = shared / "data" / "ud-english-ewt"
    uner = shared / "data" / "uner-english-ewt"
    polnear = shared / "data" / "polnear"
    vocab = Vocab()
    counts: dict[str, int] = {}
    splits = {
        "train": (ud / "en_ewt-ud-train.conllu", uner / "en_ewt-ud-train.prerelease-0c7ce0d.iob2"),
        "dev": (ud / "en_ewt-ud-dev.conllu", uner / "en_ewt-ud-dev.iob2"),
    }
    for split, (conllu, iob) in splits.items():
        db = DocBin(store_user_data=False)
        for doc in treebank_docs(vocab, read_conllu(conllu), read_iob2(iob)):
            db.add(doc)
        counts[f"{split}-gold"] = len(db)
        db.to_disk(out_dir / f"{split}.spacy")
    silver = polnear / "train.corenlp.conllu.gz"
    if silver.exists() and silver_fraction > 0:
        db = DocBin(store_user_data=False)
        step = max(1, round(1 / silver_fraction))
        for i, doc in enumerate(silver_docs(vocab, read_conllu(silver))):
            if i % step == 0:
                db.add(doc)
        counts["train-silver"] = len(db)
        db.to_disk(out_dir / "silver.spacy")
    silver_dev = polnear / "dev.corenlp.conllu.gz"
    if silver_dev.exists():
        db = DocBin(store_user_data=False)
        for doc in silver_docs(vocab, read_conllu(silver_dev)):
            db.add(doc)
        counts["dev-silver"] = len(db)
        db.to_disk(out_dir / "dev-silver.spacy")
    log.info("corpora written to %s: %s", out_dir, counts)
    return counts
