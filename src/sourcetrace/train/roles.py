"""Token role tags (BIO over source / cue / content) for a learned attribution labeller.

Why a tag sequence: the rules find frames from the parse, and their recall on PolNeAR is
bounded by the parse and the lexicon; a tagger trained on PolNeAR's own spans learns the
annotators' span conventions (whole verb groups, "that" inside the content, quote marks)
directly. Grouping the tagged spans into attributions is done by
``sourcetrace.attribution.learned``.

Conversion: a token gets a role when its characters overlap one of the role's spans; a new
span (of any attribution) starts with ``B-``. Training docs are paragraphs (split at blank
lines) so that batches shuffle well; the labeller itself runs on whole texts.

Usage (writes DocBins, never into the repository):
    python -m sourcetrace.train.roles ../shared/data/polnear build/roles
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..model import Attribution, Document

__all__ = [
    "ROLE_OF",
    "TAGS",
    "convert_split",
    "doc_tags",
    "paragraphs",
    "tags_to_spans",
    "token_tags",
]

Span = tuple[int, int]

# Tag suffix per CONTRACT role; the order is the priority when a token overlaps two roles
# (PolNeAR gives each token one label; only shared sources repeat).
ROLE_OF: dict[str, str] = {"cue": "CUE", "source": "SRC", "content": "CNT"}
TAGS: tuple[str, ...] = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CNT", "I-CNT")

_PARA_RE = re.compile(r"\n[ \t]*\n\s*")


def token_tags(
    offsets: Sequence[Span], attributions: Iterable[Attribution]
) -> list[str]:
    """BIO tags for tokens at ``offsets`` (char [start, end)) from the attributions' spans.

    Why overlap and not containment: PolNeAR spans may end inside a tokenizer token
    ("Trump's" as a source of "Trump's campaign said"); the token is still the best unit.
    """
    spans: dict[str, set[Span]] = {suffix: set() for suffix in ROLE_OF.values()}
    for attr in attributions:
        for role, suffix in ROLE_OF.items():
            spans[suffix].update(getattr(attr, role))
    tags = ["O"] * len(offsets)
    span_id: list[tuple[str, Span] | None] = [None] * len(offsets)
    for suffix in ROLE_OF.values():  # priority order: CUE, SRC, CNT
        for span in sorted(spans[suffix]):
            s, e = span
            for i, (ts, te) in enumerate(offsets):
                if ts < e and s < te and span_id[i] is None:
                    span_id[i] = (suffix, span)
    prev: tuple[str, Span] | None = None
    for i, sid in enumerate(span_id):
        if sid is not None:
            tags[i] = ("I-" if sid == prev else "B-") + sid[0]
        prev = sid
    return tags


def tags_to_spans(offsets: Sequence[Span], tags: Sequence[str]) -> list[tuple[str, Span]]:
    """Decode BIO tags into ``(suffix, [start, end))`` char spans, in text order.

    An ``I-`` after a different role (an invalid sequence) starts a new span, as a ``B-``.
    Whitespace-only tokens are left to the caller: they never start a span here because
    spaCy does not tag them differently, but a trailing one is trimmed off by the offsets
    of the last non-space token (callers pass the texts' token offsets).
    """
    out: list[tuple[str, Span]] = []
    cur_role: str | None = None
    cur_start = cur_end = 0
    for (ts, te), tag in zip(offsets, tags, strict=False):
        if tag == "O" or "-" not in tag:
            if cur_role is not None:
                out.append((cur_role, (cur_start, cur_end)))
            cur_role = None
            continue
        prefix, role = tag.split("-", 1)
        if prefix == "I" and role == cur_role:
            cur_end = te
            continue
        if cur_role is not None:
            out.append((cur_role, (cur_start, cur_end)))
        cur_role, cur_start, cur_end = role, ts, te
    if cur_role is not None:
        out.append((cur_role, (cur_start, cur_end)))
    return out


def paragraphs(text: str) -> list[Span]:
    """[start, end) of the blank-line separated paragraphs (whitespace-only ones dropped)."""
    out: list[Span] = []
    start = 0
    for m in _PARA_RE.finditer(text):
        if text[start : m.start()].strip():
            out.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def doc_tags(nlp: object, doc: Document, *, split: bool = True) -> Iterator[object]:
    """spaCy Docs (one per paragraph, or one for the text) with the role tags as ``tag_``."""
    pieces = paragraphs(doc.text) if split else [(0, len(doc.text))]
    for start, end in pieces:
        sdoc = nlp.make_doc(doc.text[start:end])  # type: ignore[attr-defined]
        offsets = [(start + t.idx, start + t.idx + len(t.text)) for t in sdoc]
        for tok, tag in zip(sdoc, token_tags(offsets, doc.attributions), strict=False):
            tok.tag_ = tag
        yield sdoc


def convert_split(gold_dir: Path, out_path: Path, *, split: bool = True) -> int:
    """Write one DocBin of role-tagged docs for every ``*.gold.json`` in ``gold_dir``."""
    import spacy
    from spacy.tokens import DocBin

    from ..evaluate import load_records

    nlp = spacy.blank("en")
    bin_ = DocBin(attrs=["TAG"], store_user_data=False)
    n = 0
    for doc in load_records(gold_dir):
        for sdoc in doc_tags(nlp, doc, split=split):
            bin_.add(sdoc)
            n += 1
    out_path.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(out_path)
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """CLI for the two DocBins training needs (train paragraphs, dev whole articles)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        sys.stderr.write("usage: python -m sourcetrace.train.roles POLNEAR_DIR OUT_DIR\n")
        return 2
    src, out = Path(args[0]), Path(args[1])
    for name in ("train", "dev"):
        n = convert_split(src / name, out / f"{name}.spacy", split=True)
        sys.stderr.write(f"{name}: {n} docs -> {out / f'{name}.spacy'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
