"""A linear-chain CRF over the parse and the rules' own reading: PolNeAR's spans, fast.

Why: the rules find frames from the parse but miss PolNeAR's long tail of cues ("backing",
"would vote for") and its span conventions; the transformer labellers learn both but read
100-1,000 words a second. A CRF (python-crfsuite) over features the pipeline already has
(word, Penn tag, dependency label, the cue lexicon class of the word and of its head, the
nearest cue verb above it in the tree, quotation depth, the rules' own BIO role tags, and
the cue words the rules read and declined: "said a prayer", "attacked the base")
learns from PolNeAR train where the rules' spans should start and end and which other
words are cues, at the cost of one feature pass and a Viterbi decode per article.

Its tags are grouped into attributions by the learned labeller's grouping
(``learned.group_roles``). In ``--attribution crf``, the default mode
(``pipeline._add_crf``), the rules' attributions stand as they are and the CRF's, those
with a source, are added where the rules found nothing (``combine.add_missing``): letting
the CRF decide the outermost spans instead (``combine.learned_first``, as the transformer
modes do) scored the same on PolNeAR but lost the seeds' conventions (seed attribution F1
0.931 against 0.960, 2026-12-02). The tagger knows words, not senses, and reads "Troops
defended the city" or "He said a prayer" as attributions, so its finds on cue words the
rules declined are dropped there unless what they say is a clause, a quotation or a
person. Trained by ``sourcetrace train --component crf`` (``train/crf_roles.py``);
shipped as ``models/en_sourcetrace_roles_crf/model.crfsuite``.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Attribution, Document
from ..nlp import names_of, token_offsets
from ..train.roles import tags_to_spans, token_tags
from .learned import group_roles, to_attributions
from .lexicon import Lexicon, load_lexicon
from .quotes import layout
from .rules import DECLINED

__all__ = ["DEFAULT_MODEL", "crf_tags", "extract_attributions_crf", "load_tagger", "rule_tags", "token_features"]

Span = tuple[int, int]

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "en_sourcetrace_roles_crf" / "model.crfsuite"
_ENV = "SOURCETRACE_CRF_MODEL"
_MAX_UP = 8  # how far up the tree to look for a cue verb


def rule_tags(offsets: Sequence[Span], attributions: Sequence[Attribution]) -> list[str]:
    """BIO role tags of the rules' outermost attributions (what PolNeAR would annotate), in
    the convention of the gold tags the CRF was trained on."""
    return token_tags(offsets, [a for a in attributions if a.parent is None])


def _shape(word: str) -> str:
    if word[:1].isupper():
        return "XX" if word.isupper() and len(word) > 1 else "Xx"
    if word[:1].isdigit():
        return "d"
    if word[:1].isalpha():
        return "x"
    return "p"


def _quote_depth(text: str, offsets: Sequence[Span]) -> list[int]:
    """1 for a token inside a (double) quotation, 2 inside a single one, else 0."""
    quotes = sorted(layout(text).quotes, key=lambda q: q.start)
    depth = [0] * len(offsets)
    starts = [s for s, _ in offsets]
    for q in quotes:
        i = bisect_right(starts, q.start) - 1
        i = max(i, 0)
        while i < len(offsets) and starts[i] < q.end:
            if starts[i] >= q.start:
                depth[i] = max(depth[i], q.level + 1)
            i += 1
    return depth


def token_features(sdoc: Any, rtags: Sequence[str], lex: Lexicon | None = None,
                   text: str | None = None) -> list[list[str]]:
    """The CRF's features for every token of a parsed spaCy Doc (``rtags``: ``rule_tags``;
    ``text``: the text it was parsed from, else spaCy's Doc.text, slow to join)."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IS_SPACE, SENT_START, TAG

    lex = lex or load_lexicon()
    # one array pass instead of a spaCy Token object per token and attribute; the few
    # distinct tag, label and entity hashes are looked up once each
    tag, dep, etype = (names_of(sdoc, col) for col in sdoc.to_array([TAG, DEP, ENT_TYPE]).T.tolist())
    head, sstart, iob, is_space = sdoc.to_array([HEAD, SENT_START, ENT_IOB, IS_SPACE]).astype("int64").T.tolist()
    text = sdoc.text if text is None else text
    offsets = token_offsets(sdoc)
    n = len(offsets)
    words = [text[s:e] for s, e in offsets]
    lower = [w.lower() for w in words]
    heads = [i + h for i, h in enumerate(head)]
    cls: list[str | None] = []
    for w, tg in zip(lower, tag, strict=True):
        lemma = lex.form_to_lemma.get(w)
        c = lex.verb_class.get(lemma) if lemma else None
        if c is None and w in lex.nouns:
            c = "noun"
        cls.append(c if c is None else (c if tg.startswith(("VB", "NN")) else c + "?"))
    qdepth = _quote_depth(text, offsets)
    sent_start = [v == 1 for v in sstart]
    ent = [("B" if b == 3 else "I") + t if t and b in (1, 3) else "O" for t, b in zip(etype, iob, strict=True)]
    space = [bool(v) for v in is_space]
    # the nearest cue word above each token, the label of the branch it hangs on, distance
    # the cue words the rules read and found no frame for ("said a prayer"): a cue word
    # the parse hid from them is another matter (``rules.DECLINED``)
    declined: dict[int, str] = sdoc.user_data.get(DECLINED, {})
    anc: list[str] = []
    anc_declined: list[bool] = []
    for i in range(n):
        j, below, k, found = i, dep[i], 0, ""
        while k < _MAX_UP:
            h = heads[j]
            if h == j:
                break
            below, j, k = dep[j], h, k + 1
            if cls[j] is not None and not cls[j].endswith("?"):
                found = f"{cls[j]}|{below}|{min(k, 3)}"
                break
        anc.append(found)
        anc_declined.append(bool(found) and j in declined)
    # built column by column (one comprehension per template, then zipped): the same
    # features as a loop over tokens, in 15 % less time on PolNeAR dev
    shape = {w: "sh=" + _shape(w) for w in set(words)}
    q = [str(v) for v in qdepth]
    cols: list[Sequence[str]] = [
        ["w=" + w for w in lower],
        ["s3=" + w[-3:] for w in lower],
        [shape[w] for w in words],
        ["t=" + t for t in tag],
        ["d=" + d for d in dep],
        ["dt=" + d + "|" + tag[h] for d, h in zip(dep, heads, strict=True)],
        ["hw=" + (lower[h] if cls[h] is not None else tag[h]) for h in heads],
        ["r=" + r for r in rtags],
        ["q=" + v for v in q],
        ["e=" + e for e in ent],
    ]
    feats = [["b", *row] for row in zip(*cols, strict=True)]
    for i in range(n):
        f = feats[i]
        h = heads[i]
        r = rtags[i]
        if r != "O" and i + 1 < n and rtags[i + 1] != "I-" + r[2:]:
            f.append("rend=" + r[2:])
        if h != i and tag[h].startswith("VB"):
            f.append("hv=" + lower[h] + "|" + dep[i])
        if space[i]:
            f.append("space")
        c = cls[i]
        if c is not None:
            f.append("c=" + c)
        if h != i and cls[h] is not None:
            f.append("hc=" + cls[h] + "|" + dep[i])
        a = anc[i]
        if a:
            f.append("a=" + a)
            f.append("ar=" + a.split("|", 1)[0] + "|" + r)
        if sent_start[i]:
            f.append("bos")
        if i in declined:
            f.append("dec=" + declined[i] + "|" + (c or ""))
        if anc_declined[i]:
            f.append("adec=" + a.split("|", 1)[0])
    for i in range(n - 1):
        feats[i].append("ww=" + lower[i] + "|" + lower[i + 1])
    # the neighbours' tags and words (two each side), their Penn tags and quotation depth
    # (one each side); "#" past the document's edge
    for d in (-2, -1, 1, 2):
        rd, wd, td, qd = f"r{d}=", f"w{d}=", f"t{d}=", f"q{d}="
        near = d in (-1, 1)
        for i in range(n):
            j = i + d
            f = feats[i]
            if 0 <= j < n:
                f.append(rd + rtags[j])
                f.append(wd + lower[j])
                if near:
                    f.append(td + tag[j])
                    f.append(qd + q[j])
            else:
                f.append(rd + "#")
    return feats


@lru_cache(maxsize=2)
def _load(path: str) -> Any:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def load_tagger(path: Path | str | None = None) -> Any:
    """The trained CRF (explicit path, else $SOURCETRACE_CRF_MODEL, else the bundled one)."""
    chosen = Path(path) if path is not None else Path(os.environ.get(_ENV, DEFAULT_MODEL))
    if not chosen.is_file():
        raise FileNotFoundError(f"no trained CRF role tagger at {chosen}")
    return _load(str(chosen))


def crf_tags(tagger: Any, sdoc: Any, attributions: Sequence[Attribution],
             offsets: Sequence[Span] | None = None, text: str | None = None) -> list[str]:
    """The CRF's BIO role tags for a parsed document, given the rules' attributions."""
    offsets = token_offsets(sdoc) if offsets is None else offsets
    return list(tagger.tag(token_features(sdoc, rule_tags(offsets, attributions), text=text)))


def extract_attributions_crf(doc: Document, tagger: Any | None = None) -> Document:
    """The CRF's attributions for a parsed ``doc`` whose ``attributions`` are the rules'."""
    if doc.parsed is None:
        raise ValueError("the CRF reads the parse: run the nlp stage first")
    tagger = tagger if tagger is not None else load_tagger()
    sdoc = doc.parsed
    offsets = token_offsets(sdoc)
    tags = crf_tags(tagger, sdoc, doc.attributions, offsets, doc.text)
    # a newline token inside a span keeps the span going (PolNeAR contents may cross one)
    for i in range(1, len(tags) - 1):
        if tags[i] == "O" and tags[i - 1] != "O" and tags[i + 1].startswith("I-") \
                and tags[i - 1][2:] == tags[i + 1][2:] and not doc.text[offsets[i][0]:offsets[i][1]].strip():
            tags[i] = tags[i + 1]
    frames = group_roles(doc.text, tags_to_spans(offsets, tags))
    return doc.with_(attributions=to_attributions(doc.text, frames))
