"""Learned span boundaries: where the rules' content and cue spans start and end.

Why: the rules find an attribution's frame from the parse, but where its content stops
("… said the plan would fail, a swipe at the governor") or which words join its cue is a
convention, and PolNeAR's annotators keep to theirs. On PolNeAR train the rules' content
overlaps the gold content three times in five but matches it exactly only twice in five.
So, for each end of each content and cue span, a linear model ranks the word boundaries
near it (``WINDOW``) and the sentence's edge, and the best-scored one is kept: a few
thousand weights over the parse (tag, label and function word on each side, how many
dependency arcs the boundary cuts, how far it moves, the attribution's kind), learned from
PolNeAR train by
``sourcetrace train --component boundaries`` (``train/boundaries.py``) and shipped as
``models/en_sourcetrace_boundaries/weights.json``.

The rules decide which attributions there are; this only moves the ends of their spans.
Guards keep what the rules decided (``adjust_spans``): a move never makes a span overlap
another role, never changes which content holds which cue, never takes in half a
quotation or a time said of the cue; where the seeds' and PolNeAR's cue conventions
differ, the rules' choice stands (``attribution._cue_convention_kept``). The kind is
taken from the final spans; negation and certainty hints stay the rules' (a cue grown to
"could not resist pointing out" denies nothing).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ConfigError
from ..nlp import names_of, token_offsets
from .quotes import ALL_MARKS, DOUBLE_MARKS, layout

__all__ = [
    "DEFAULT_MODEL", "FEATURE_VERSION", "ROLES", "SIDES", "BoundaryModel", "TokenTable", "adjust_spans",
    "TIME_WORDS", "WINDOW", "candidates", "features", "load_boundary_model", "places", "spans_overlap",
]

Span = tuple[int, int]

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "en_sourcetrace_boundaries" / "weights.json"
_ENV = "SOURCETRACE_BOUNDARY_MODEL"
FEATURE_VERSION = 1
"""Bumped whenever a feature changes: a model trained on other features is refused."""
ROLES = ("content", "cue")
SIDES = ("start", "end")
_QUOTE_MARKS = frozenset(ALL_MARKS)
# words that mark where a clause or phrase starts or stops: named in the features
_FUNCTION_WORDS = frozenset({
    "who", "which", "that", "but", "and", "while", "as", "because", "after", "before", "when", "if",
    "though", "although", "even", "including", "according", "where", "whether", "saying", "adding",
})


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-12" if n <= 12 else "13+"


class TokenTable:
    """What the features read of a parsed document, in lists (one pass over spaCy arrays)."""

    def __init__(self, sdoc: Any, text: str) -> None:
        from spacy.attrs import DEP, HEAD, IS_PUNCT, IS_SPACE, IS_STOP, LOWER, SENT_START, TAG

        self.text = text
        self.offsets = token_offsets(sdoc)
        self.starts = [s for s, _ in self.offsets]
        self.ends = [e for _, e in self.offsets]
        self.tag, self.dep, lower = (names_of(sdoc, col) for col in sdoc.to_array([TAG, DEP, LOWER]).T.tolist())
        head, sstart, space, punct, stop = sdoc.to_array(
            [HEAD, SENT_START, IS_SPACE, IS_PUNCT, IS_STOP]).astype("int64").T.tolist()
        n = len(self.offsets)
        self.head = [i + h for i, h in enumerate(head)]
        self.space = [bool(v) for v in space]
        self.punct = [bool(v) for v in punct]
        # a word's own feature only for punctuation and function words: the content words
        # of the sentence say nothing general about where a span ends
        self.word_lower = lower
        self.word = [w if (punct[i] or stop[i] or w in _FUNCTION_WORDS) else "" for i, w in enumerate(lower)]
        marks = {w: sum(c in _QUOTE_MARKS for c in w) for w in set(lower) if not w.isalnum()}
        self.quotes = [marks.get(w, 0) for w in lower]
        # each token's dependency arcs, by the token at their other end (its head, its children)
        self.arcs: list[list[int]] = [[h] if h != i else [] for i, h in enumerate(self.head)]
        for i, h in enumerate(self.head):
            if h != i:
                self.arcs[h].append(i)
        self.sent_start = [0] * n
        self.sent_end = [n] * n
        # the nearest words (not spaces) after and before each word in its sentence; -1: none
        self.after: list[int] = [-1] * n
        self.before: list[int] = [-1] * n
        bounds = [i for i in range(n) if i == 0 or sstart[i] == 1] + [n]
        for begin, stop_ in zip(bounds, bounds[1:], strict=False):
            self.sent_start[begin:stop_] = [begin] * (stop_ - begin)
            self.sent_end[begin:stop_] = [stop_] * (stop_ - begin)
            words = [k for k in range(begin, stop_) if not space[k]]
            for k0, k1 in zip(words, words[1:], strict=False):
                self.after[k0] = k1
                self.before[k1] = k0

    def token_at(self, pos: int) -> int:
        """The token holding character ``pos`` (or the last one starting before it)."""
        return max(0, bisect_right(self.starts, pos) - 1)

    def tokens_of(self, spans: Sequence[Span]) -> set[int]:
        out: set[int] = set()
        for s, e in spans:
            if e > s:
                out.update(range(self.token_at(s), self.token_at(e - 1) + 1))
        return out

    def describe(self, i: int, name: str) -> list[str]:
        out = [f"{name}.t={self.tag[i]}", f"{name}.d={self.dep[i]}"]
        if self.word[i]:
            out.append(f"{name}.w={self.word[i]}")
        return out


WINDOW = {"content": 8, "cue": 3}
"""How many tokens a span's end may move; the sentence's edge is always a candidate too
(its first token for a start, its last word before the closing punctuation for an end:
the long moves go there). On PolNeAR train held out from training, every
boundary of the sentence as a candidate scored within 0.002 of this (content exact F1)
with twice the candidates to score."""
# per side: the boundary token, its neighbour outside the span and the one beyond, the
# sentence-edge flag, the cue-side flag, and the features where there is no neighbour
_NAMES = {"end": ("L", "N", "N2", "fin", "bc", "N=EOS", "N2=EOS"),
          "start": ("F", "P", "P2", "ini", "ac", "P=BOS", "P2=BOS")}


def _rel(d: int) -> str:
    return "r=0" if d == 0 else f"r={'+' if d > 0 else '-'}{_bucket(abs(d))}"


class _Place(NamedTuple):
    """One candidate boundary, in numbers: the features are made from these."""

    pos: int  # character offset of the boundary
    i: int  # the span's token at the boundary (L or F)
    near: int  # the next token outside the span (N or P); -1 at the sentence's edge
    far: int  # the one beyond it (N2 or P2); -1 where there is none
    d: int  # tokens from where the span's end is now
    cross: int  # dependency arcs the boundary cuts
    quotes: int  # quotation marks inside the span (end side; 0 on the start side)
    edge: bool  # the sentence's last word (end side) or first token (start side)
    cue_side: bool  # the span ends before the cue (end side) / starts after it
    head_out: bool  # token i's head lies outside the span
    role: bool  # token i belongs to another role of the attribution
    near_head_in: bool  # the neighbour's head lies inside the span
    near_role: bool
    near_head_role: bool


def places(table: TokenTable, side: str, span: Span, others: set[int], cue_start: int | None,
           window: int = 10**6) -> list[_Place]:
    """Where ``span``'s ``side`` could be: every word boundary of its sentence within
    ``window`` tokens of where it is, and the sentence's edge. ``others``: the tokens of
    the attribution's other roles; ``cue_start``: where its cue starts (None: no cue)."""
    t = table
    first, last = t.token_at(span[0]), t.token_at(span[1] - 1)
    out: list[_Place] = []
    if side == "end":
        lo, hi = first, t.sent_end[last]  # the end moves within [first, end of sentence)
        nonspace = [k for k in range(lo, hi) if not t.space[k]]
        final = max((k for k in nonspace if not t.punct[k]), default=last)
        cross = quotes = 0
        for pos, i in enumerate(nonspace):
            for k in range(nonspace[pos - 1] + 1 if pos else lo, i + 1):  # tokens joining the span
                for o in t.arcs[k]:
                    if lo <= o < hi:
                        cross += -1 if o < k else 1
                quotes += t.quotes[k]
            if abs(i - last) > window and i != final:
                continue
            near = t.after[i]
            far = t.after[near] if near >= 0 else -1
            out.append(_Place(
                t.ends[i], i, near, far, i - last, cross, quotes, i == final,
                cue_start is not None and t.ends[i] <= cue_start, not first <= t.head[i] <= i, i in others,
                near >= 0 and first <= t.head[near] <= i, near in others, near >= 0 and t.head[near] in others))
        return out
    lo, hi = t.sent_start[first], last + 1  # the start moves within [start of sentence, last]
    nonspace = [k for k in range(lo, hi) if not t.space[k]]
    initial = nonspace[0] if nonspace else first
    cross = 0
    for pos in range(len(nonspace) - 1, -1, -1):
        i = nonspace[pos]
        upper = nonspace[pos + 1] if pos + 1 < len(nonspace) else hi
        for k in range(upper - 1, i - 1, -1):  # tokens joining the span, right to left
            for o in t.arcs[k]:
                if lo <= o < hi:
                    cross += -1 if o > k else 1
        if abs(i - first) > window and i != initial:
            continue
        near = t.before[i]
        far = t.before[near] if near >= 0 else -1
        out.append(_Place(
            t.starts[i], i, near, far, i - first, cross, 0, i == initial,
            cue_start is not None and t.starts[i] >= cue_start, not i <= t.head[i] <= last, i in others,
            near >= 0 and i <= t.head[near] <= last, near in others, near >= 0 and t.head[near] in others))
    out.reverse()
    return out


def _token_features(t: TokenTable, side: str, p: _Place) -> list[str]:
    """The features of the words at the boundary (the same wherever the span started)."""
    a, b, b2, _, _, no_near, no_far = _NAMES[side]
    out = t.describe(p.i, a)
    if p.near < 0:
        return [*out, no_near]
    out += t.describe(p.near, b)
    pair = (t.tag[p.i], t.tag[p.near]) if side == "end" else (t.tag[p.near], t.tag[p.i])
    out.append(f"{'L' if side == 'end' else 'P'}.t={pair[0]}|{'N' if side == 'end' else 'F'}.t={pair[1]}")
    out.append(f"{b}.hd={t.dep[t.head[p.near]]}|{b}.d={t.dep[p.near]}")
    out += t.describe(p.far, b2) if p.far >= 0 else [no_far]
    return out


def _flags(side: str, p: _Place) -> list[str]:
    """The yes/no features of a place."""
    a, b, _, edge, cue_side, _, _ = _NAMES[side]
    out = [f"{a}h_out={p.head_out}", f"{a}_role={p.role}", f"{edge}={p.edge}", f"{cue_side}={p.cue_side}"]
    if p.near >= 0:
        out += [f"{b}h_in={p.near_head_in}", f"{b}_role={p.near_role}", f"{b}h_role={p.near_head_role}"]
    return out


def features(t: TokenTable, side: str, kind: str, p: _Place) -> list[str]:
    """Every feature of a place, as the model's weights name them."""
    here = p.d == 0
    x = _bucket(p.cross)
    out = ["b", _rel(p.d), "k=" + kind, f"x={x}", f"0={here}|x={x}", *_token_features(t, side, p), *_flags(side, p)]
    if side == "end":
        out.append(f"q={p.quotes % 2}")
    if p.near >= 0:
        b = _NAMES[side][1]
        out.append(f"k={kind}|{b}.t={t.tag[p.near]}")
        out += [f"0={here}|{f}" for f in t.describe(p.near, b)]
    return out


def candidates(table: TokenTable, side: str, span: Span, kind: str, others: set[int],
               cue_start: int | None, window: int = 10**6) -> list[tuple[int, list[str]]]:
    """``places`` with their features: (character offset, features), for training."""
    return [(p.pos, features(table, side, kind, p)) for p in places(table, side, span, others, cue_start, window)]


class _Weights:
    """One role and side's weights, read the fast way: the sum of ``features`` without
    making their strings (a test holds the two to each other). Each feature's weight is
    looked up once per value it takes (a tag, a label, a pair of tags) and remembered."""

    def __init__(self, key: str, weights: dict[str, float]) -> None:
        self.key = key
        self.side = side = key.split(".")[1]
        self.weights = weights
        a, b, b2, edge, cue_side, no_near, no_far = _NAMES[side]
        self.names = (a, b, b2)
        self.pair = ("L", "N") if side == "end" else ("P", "F")
        self.bias = weights.get("b", 0.0)
        self.no_near = weights.get(no_near, 0.0)
        self.no_far = weights.get(no_far, 0.0)
        self.flags = [tuple(weights.get(f"{name}={v}", 0.0) for v in (False, True))
                      for name in (f"{a}h_out", f"{a}_role", edge, cue_side, f"{b}h_in", f"{b}_role", f"{b}h_role")]
        self.quotes = tuple(weights.get(f"q={v}", 0.0) for v in (0, 1))
        self.memo: dict[tuple[str, Any], float] = {}

    def w(self, slot: str, value: Any) -> float:
        """The weight of the feature ``slot`` with ``value`` (remembered)."""
        key = (slot, value)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self.weights.get(self._name(slot, value), 0.0)
        return got

    def _name(self, slot: str, value: Any) -> str:
        if slot == "r":
            return _rel(value)
        if slot == "pair":
            return f"{self.pair[0]}.t={value[0]}|{self.pair[1]}.t={value[1]}"
        if slot == "hd":
            return f"{self.names[1]}.hd={value[0]}|{self.names[1]}.d={value[1]}"
        if slot == "kn":
            return f"k={value[0]}|{self.names[1]}.t={value[1]}"
        if slot == "0x":
            return f"0={value[0]}|x={value[1]}"
        if slot.startswith("0"):  # "0t", "0d", "0w": the neighbour's, at the current place
            return f"0={value[0]}|{self.names[1]}.{slot[1]}={value[1]}"
        return f"{slot}={value}"  # "k", "x", and "L.t", "N.d", "N2.w" ...

    def score(self, t: TokenTable, kind: str, p: _Place) -> float:
        """The sum of the weights of ``features(t, side, kind, p)``."""
        memo, w, fl = self.memo, self.w, self.flags
        a, b, b2 = self.names
        here = p.d == 0
        x = _bucket(p.cross)
        i, n = p.i, p.near
        keys = [("r", p.d), ("x", x), ("0x", (here, x)), ("k", kind), (a + ".t", t.tag[i]), (a + ".d", t.dep[i])]
        if t.word[i]:
            keys.append((a + ".w", t.word[i]))
        s = self.bias + fl[0][p.head_out] + fl[1][p.role] + fl[2][p.edge] + fl[3][p.cue_side]
        if self.side == "end":
            s += self.quotes[p.quotes % 2]
        if n < 0:
            s += self.no_near
        else:
            s += fl[4][p.near_head_in] + fl[5][p.near_role] + fl[6][p.near_head_role]
            tag_n, dep_n, word_n = t.tag[n], t.dep[n], t.word[n]
            keys += [(b + ".t", tag_n), (b + ".d", dep_n),
                     ("pair", (t.tag[i], tag_n) if self.side == "end" else (tag_n, t.tag[i])),
                     ("hd", (t.dep[t.head[n]], dep_n)), ("kn", (kind, tag_n)), ("0t", (here, tag_n)),
                     ("0d", (here, dep_n))]
            if word_n:
                keys += [(b + ".w", word_n), ("0w", (here, word_n))]
            f = p.far
            if f < 0:
                s += self.no_far
            else:
                keys += [(b2 + ".t", t.tag[f]), (b2 + ".d", t.dep[f])]
                if t.word[f]:
                    keys.append((b2 + ".w", t.word[f]))
        for key in keys:
            v = memo.get(key)
            s += w(*key) if v is None else v
        return s


@dataclass(frozen=True)
class BoundaryModel:
    """One weight table per role and side ("content.end" -> feature -> weight)."""

    weights: dict[str, dict[str, float]]
    _fast: dict[str, _Weights] = field(default_factory=dict, compare=False, repr=False)

    def scorer(self, key: str) -> _Weights | None:
        if key not in self._fast and key in self.weights:
            self._fast[key] = _Weights(key, self.weights[key])
        return self._fast.get(key)

    def best(self, table: TokenTable, key: str, kind: str, cands: list[_Place], current: int) -> int:
        """The best-scored position; the current one wins a tie."""
        scorer = self.scorer(key)
        if scorer is None or not cands:
            return current
        best_pos, best_score = current, None
        for p in cands:
            score = scorer.score(table, kind, p)
            # the place at the current end stands for it, even where the rules' span ends
            # inside a token (a quote mark glued to a dash): staying never moves the span
            pos = current if p.d == 0 else p.pos
            if best_score is None or score > best_score or (score == best_score and pos == current):
                best_pos, best_score = pos, score
        return best_pos

    def to_json(self, meta: dict[str, Any] | None = None) -> str:
        return json.dumps({"feature_version": FEATURE_VERSION, "meta": meta or {}, "weights": self.weights},
                          sort_keys=True)


@lru_cache(maxsize=4)
def _load(path: str) -> BoundaryModel:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"E530: cannot read the boundary model {path}: {e}") from e
    if not isinstance(raw, dict) or raw.get("feature_version") != FEATURE_VERSION:
        raise ConfigError(f"E531: {path} was trained on other features (want version {FEATURE_VERSION}); "
                          "retrain it with 'sourcetrace train --component boundaries'")
    try:
        return BoundaryModel({str(k): {str(f): float(w) for f, w in v.items()} for k, v in raw["weights"].items()})
    except (KeyError, AttributeError, TypeError, ValueError) as e:
        raise ConfigError(f"E530: {path} is not a boundary model (weight tables by role and side): {e!r}") from e


def load_boundary_model(path: Path | str | None = None) -> BoundaryModel:
    """The shipped model, the one at ``path`` or at $SOURCETRACE_BOUNDARY_MODEL."""
    return _load(str(path or os.environ.get(_ENV) or DEFAULT_MODEL))


def spans_overlap(a: Span, spans: Sequence[Span]) -> bool:
    """Whether span ``a`` shares a character with any of ``spans``."""
    return any(a[0] < e and s < a[1] for s, e in spans)


def adjust_spans(table: TokenTable, model: BoundaryModel, role: str, spans: list[Span], other_spans: list[Span],
                 kind: str, cue_start: int | None, keep_inside: Sequence[Span] = (),
                 keep_out: Sequence[Span] = (), governor: Sequence[Span] = ()) -> list[Span]:
    """``spans`` (one role of one attribution, in text order) with its first start and last
    end where the model puts them. ``keep_inside``: spans that must stay inside (the cues
    of attributions nested in this content); ``keep_out``: spans it may not take in (the
    other attributions' cues: a move never changes which attribution holds which);
    ``governor``: the cue. A move is refused where the span would cross another role, lose
    a nested cue, take in another attribution's cue ("praised the plan as bold [and denied
    …]"), take in one mark of a quotation it held whole, or take in a time that hangs on
    the cue ("defended his plan [on Sunday]": when it was said, not what)."""
    if not spans:
        return spans
    others = table.tokens_of(other_spans)
    out = list(spans)
    s0, e0 = out[0][0], out[-1][1]
    window = WINDOW.get(role, 10**6)
    end = model.best(table, f"{role}.end", kind, places(table, "end", (s0, e0), others, cue_start, window), e0)
    start = model.best(table, f"{role}.start", kind, places(table, "start", (s0, e0), others, cue_start, window), s0)
    if end > out[-1][0]:
        out[-1] = (out[-1][0], end)
    if start < out[0][1]:
        out[0] = (start, out[0][1])
    if out == list(spans):
        return out
    if any(e <= s for s, e in out) or any(spans_overlap(sp, other_spans) for sp in out):
        return list(spans)
    if not all(any(s <= k0 and k1 <= e for s, e in out) for k0, k1 in keep_inside):
        return list(spans)
    if any(spans_overlap(k, out) and not spans_overlap(k, spans) for k in keep_out):
        return list(spans)
    if _marks(table.text, spans) % 2 == 0 and _marks(table.text, out) % 2:
        return list(spans)  # a quotation's mark at one end only: half a quotation
    if governor and _takes_the_governors(table, spans, out, table.tokens_of(governor), TIME_WORDS):
        return list(spans)
    return out


def _takes_the_governors(table: TokenTable, old: Sequence[Span], new: Sequence[Span], cue: set[int],
                         words: frozenset[str]) -> bool:
    """Whether the move adds a phrase that hangs on the cue (up the tree, before reaching
    the old span) and holds one of ``words``."""
    inside = table.tokens_of(old)
    added = table.tokens_of(new) - inside
    for k in added:
        if table.word_lower[k] not in words:
            continue
        j = k
        for _ in range(30):
            h = table.head[j]
            if h in inside or h == j:
                break
            if h in cue:
                return True
            j = h
    return False


# a time that hangs on the cue is when it was said, not what ("defended his plan on Sunday");
# the same words stay out of a cue ("said Tuesday", ``attribution._cue_convention_kept``)
TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    "tonight", "morning", "afternoon", "evening", "night", "week", "month", "year", "weekend", "earlier",
    "later", "ago", "recently",
})


def _marks(text: str, spans: Sequence[Span]) -> int:
    """Quotation marks in the spans: double ones (two apostrophes, as PolNeAR's NYT text
    writes them, count as one), and the single ones that open or close a quotation (not
    the apostrophes of "don’t" or "Putin’s": ``quotes.layout`` tells them apart)."""
    single = [p for q in layout(text).quotes if q.level == 1
              for p in ((q.start, q.end - 1) if q.closed else (q.start,)) if text[p] in "‘’'"]
    return (sum(text[s:e].count(m) for s, e in spans for m in (*DOUBLE_MARKS, "''"))
            + sum(s <= p < e for s, e in spans for p in single))
