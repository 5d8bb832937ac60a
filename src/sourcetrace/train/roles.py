"""Token role tags (BIO over source / cue / content) for a learned attribution labeller.

Why a tag sequence: the rules find frames from the parse, and their recall on PolNeAR is
bounded by the parse and the lexicon; a tagger trained on PolNeAR's own spans learns the
annotators' span conventions (whole verb groups, "that" inside the content, quote marks)
directly. Grouping the tagged spans into attributions is done by
``sourcetrace.attribution.learned``.

Conversion: a token gets a role when its characters overlap one of the role's spans; a new
span (of any attribution) starts with ``B-``. The CRF tagger (``train/crf_roles.py``) and the
transformer labellers (``train/transformer_roles.py``) train on these tags.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from ..model import Attribution

__all__ = [
    "ROLE_OF",
    "TAGS",
    "tags_to_spans",
    "token_tags",
]

Span = tuple[int, int]

# Tag suffix per CONTRACT role; the order is the priority when a token overlaps two roles
# (PolNeAR gives each token one label; only shared sources repeat).
ROLE_OF: dict[str, str] = {"cue": "CUE", "source": "SRC", "content": "CNT"}
TAGS: tuple[str, ...] = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CNT", "I-CNT")


def token_tags(
    offsets: Sequence[Span], attributions: Iterable[Attribution]
) -> list[str]:
    """BIO tags for tokens at ``offsets`` (char [start, end)) from the attributions' spans.

    Why overlap and not containment: PolNeAR spans may end inside a tokenizer token
    ("Trump's" as a source of "Trump's campaign said"); the token is still the best unit.
    ``offsets`` are in text order and do not overlap (tokens, word pieces), so each span
    finds its tokens by bisection: the CRF mode converts the rules' spans on every article.
    """
    spans: dict[str, set[Span]] = {suffix: set() for suffix in ROLE_OF.values()}
    for attr in attributions:
        for role, suffix in ROLE_OF.items():
            spans[suffix].update(getattr(attr, role))
    tags = ["O"] * len(offsets)
    starts = [ts for ts, _ in offsets]
    span_id: list[tuple[str, Span] | None] = [None] * len(offsets)
    for suffix in ROLE_OF.values():  # priority order: CUE, SRC, CNT
        for span in sorted(spans[suffix]):
            s, e = span
            i = max(0, bisect_right(starts, s) - 1)  # the last token starting at or before s
            while i < len(offsets) and offsets[i][0] < e:
                if offsets[i][1] > s and span_id[i] is None:
                    span_id[i] = (suffix, span)
                i += 1
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
