"""Role tags into attributions: the grouping shared by the learned labellers.

Why: the CRF tagger (``crf_tagger.py``) and the transformer labellers (``transformer.py``)
tag tokens as source, cue or content (``train/roles.py``); this module turns those tags
into CONTRACT attributions. (It once also ran a CNN role labeller of its own, the
``combined`` mode; the CRF tagger replaced it, see docs/measurements.md.)

Grouping (``group_roles``): every CUE span anchors one attribution; it takes the nearest
SRC span of its sentence (or none); every CNT span joins the nearest cue of its sentence,
else of its paragraph, else (a quotation carried on into a new paragraph) the last cue of
the previous paragraph (or the cue whose opened quotation it continues). Content pieces of
one attribution in one paragraph are joined when no cue or source lies between them. A cue
that gets no content is dropped (PolNeAR has none).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Attribution, strip_span
from .quotes import CLOSING, OPENING, layout

__all__ = [
    "RoleFrame",
    "group_roles",
    "sentence_starts",
    "to_attributions",
]

Span = tuple[int, int]


# A sentence ends at . ! ? (plus closing quotes/brackets) before a space and a capital,
# digit or opening quote, unless the word before the stop is a common abbreviation.
_SENT_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "st", "jr", "sr", "lt", "col",
    "sgt", "capt", "prof", "rev", "u.s", "u.n", "u.k", "inc", "corp", "co", "ltd", "no",
    "vs", "v", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec",
    "a.m", "p.m", "d.c", "calif", "fla", "ariz", "mass", "pa", "n.y", "ky", "ohio", "va",
}
_PARA = re.compile(r"\n\s*\n|\n")
_MAX_GAP = 300  # characters (same paragraph only)


@dataclass
class RoleFrame:
    """One grouped attribution before it becomes an ``Attribution``."""

    cue: Span
    source: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)


def _trim(text: str, span: Span) -> Span | None:
    s, e = strip_span(text, span)
    return (s, e) if s < e else None


def sentence_starts(text: str) -> list[int]:
    """Cheap sentence starts (regex, abbreviation-aware; paragraph breaks always split).

    Why not the parser: the labeller must stay parse-free to be fast; grouping only needs
    rough sentence regions.
    """
    starts = {0}
    for m in _PARA.finditer(text):
        starts.add(m.end())
    for m in _SENT_END.finditer(text):
        word = re.search(r"([\w.]+)$", text[max(0, m.start() - 12) : m.start()])
        if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
            continue
        starts.add(m.end())
    return sorted(starts)


def _para_starts(text: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in _PARA.finditer(text)]
    return starts


def _dist(a: Span, b: Span) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def _fill_gaps(content: list[Span], marks: Sequence[Span], paras: list[int]) -> list[Span]:
    """Join content pieces of one attribution whose gap holds no cue or source.

    Why: the tagger sometimes drops a few tokens inside a long content ("O" in the middle),
    which breaks an exact match; a real split ("“…,” he said, “…”") has the frame between.
    """
    out: list[Span] = []
    for span in content:
        if out:
            prev = out[-1]
            gap = (prev[1], span[0])
            if (
                gap[1] - gap[0] <= _MAX_GAP
                and bisect_right(paras, prev[0]) == bisect_right(paras, span[0])
                and not any(m[0] < gap[1] and gap[0] < m[1] for m in marks)
            ):
                out[-1] = (prev[0], max(prev[1], span[1]))
                continue
        out.append(span)
    return out


def group_roles(
    text: str, roles: Sequence[tuple[str, Span]], *, fill_gaps: bool = True
) -> list[RoleFrame]:
    """Group decoded role spans (``("CUE"|"SRC"|"CNT", span)``) into attributions."""
    spans = [(r, t) for r, s in roles if (t := _trim(text, s)) is not None]
    cues = [s for r, s in spans if r == "CUE"]
    if not cues:
        return []
    sents = sentence_starts(text)
    paras = _para_starts(text)
    sent_of = lambda pos: bisect_right(sents, pos) - 1  # noqa: E731
    para_of = lambda pos: bisect_right(paras, pos) - 1  # noqa: E731
    frames = [RoleFrame(cue=c) for c in cues]
    cue_sent = [sent_of(c[0]) for c in cues]
    cue_para = [para_of(c[0]) for c in cues]

    for role, span in spans:
        if role == "SRC":
            continue
        if role == "CUE":
            continue
        # content: same sentence, else same paragraph, else last cue of the previous one
        sent, para = sent_of(span[0]), para_of(span[0])
        cand = [i for i, s in enumerate(cue_sent) if s == sent or sent_of(span[1] - 1) == s]
        if not cand and text[span[0]] in OPENING and para_of(cues[0][0]) < para:
            # a quotation left open at the end of the previous paragraph goes on here
            last = max(
                (c for f in frames for c in f.content if para_of(c[0]) == para - 1),
                default=None,
            )
            if last is not None and text[last[0]] in OPENING and text[last[1] - 1] not in CLOSING:
                cand = [i for i, f in enumerate(frames) if last in f.content]
        if not cand:
            cand = [i for i, p in enumerate(cue_para) if p == para]
        if not cand and text[span[0]] in OPENING:
            prev = [i for i, p in enumerate(cue_para) if p == para - 1]
            cand = prev[-1:]
        if not cand:
            continue
        best = min(cand, key=lambda i: (_dist(cues[i], span), i))
        frames[best].content.append(span)

    if fill_gaps:
        marks = [s for r, s in spans if r != "CNT"]
        for frame in frames:
            frame.content = _fill_gaps(sorted(frame.content), marks, paras)

    srcs = [s for r, s in spans if r == "SRC"]
    for i, frame in enumerate(frames):
        cand = [s for s in srcs if sent_of(s[0]) == cue_sent[i] or sent_of(s[1] - 1) == cue_sent[i]]
        if cand:
            frame.source = [min(cand, key=lambda s: (_dist(frame.cue, s), s))]
    return [f for f in frames if f.content]


def _kind(text: str, frame: RoleFrame, quotes: Sequence[Any]) -> str:
    """direct / mixed / indirect / according_to from quote marks and the cue words."""
    if text[frame.cue[0] : frame.cue[1]].lower().startswith("according to"):
        return "according_to"
    chars = sum(e - s for s, e in frame.content)
    quoted = sum(
        max(0, min(e, q.end) - max(s, q.start)) for s, e in frame.content for q in quotes
    )
    if chars and quoted >= chars - 2:
        return "direct"
    return "mixed" if quoted else "indirect"


def to_attributions(text: str, frames: Sequence[RoleFrame]) -> tuple[Attribution, ...]:
    """CONTRACT attributions (ids l1, l2, … in text order of the cue)."""
    out = []
    quotes = [q for q in layout(text).quotes if q.level == 0] if frames else []
    # a piece of nothing but punctuation (a stray quote mark tagged as content) says nothing
    cleaned = [replace(f, content=[c for c in f.content if any(ch.isalnum() for ch in text[c[0]:c[1]])])
               for f in sorted(frames, key=lambda f: f.cue)]
    # PolNeAR has no attribution without content
    for n, f in enumerate((f for f in cleaned if f.content), start=1):
        out.append(
            Attribution(
                id=f"l{n}",
                source=tuple(f.source),
                cue=(f.cue,),
                content=tuple(sorted(f.content)),
                kind=_kind(text, f, quotes),
            )
        )
    return tuple(out)
