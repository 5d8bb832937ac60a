"""Stage 4: attribution relations (source, cue, content), their kind and nesting.

The rules live in `rules.py` (frames over the dependency parse) and `quotes.py`
(quotation regions); this module turns frames into CONTRACT attributions: ids in text
order, `kind` from how much of the content is quoted, and `parent` for nested chains.
On the way it detaches a trailing "according to Z" and a speaker's second statement from
the frame they were read into (each is an attribution of its own, not one nested in it),
drops frames found in boilerplate, and lets the learned span ends (`boundaries.py`) move
where contents and cues start and end.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..boilerplate import in_boilerplate
from ..errors import StageError
from ..model import Attribution, Document, Span
from .boundaries import TIME_WORDS, BoundaryModel, TokenTable, adjust_spans, load_boundary_model, spans_overlap
from .quotes import CLOSING, OPENING
from .rules import Frame, _trim, find_frames

__all__ = ["caption_or_dropped", "extract_attributions", "find_frames", "frame_kind", "rule_frames"]

_REPORT_LEMMAS = {"report", "reportedly", "according to"}


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _quoted(piece: str) -> bool:
    """A content piece that is all one quotation (two apostrophes count as a quote mark)."""
    opens = piece[:1] in OPENING or piece.startswith("''")
    body = piece.rstrip(".,")
    closes = body[-1:] in CLOSING or body.endswith("''")
    return opens and closes


def frame_kind(text: str, frame: Frame) -> str:
    """The CONTRACT kind of a frame: direct, mixed, indirect, according_to or implicit."""
    pieces = [text[s:e] for s, e in frame.content]
    fully = all(_quoted(p) for p in pieces) and pieces
    if not frame.cue:
        return "implicit"
    if fully:
        return "direct"
    if frame.lemma in _REPORT_LEMMAS or (frame.cue_class == "report" and frame.lemma == "report"):
        return "according_to"
    joined = "".join(pieces)
    if any(c in joined for c in "“”\"") or ("‘" in joined and "’" in joined) or "''" in joined:
        return "mixed"
    return "indirect"


def _parents(frames: list[Frame]) -> list[int | None]:
    """The frame each one is reported through: the smallest content that holds its cue."""
    parents: list[int | None] = []
    for i, f in enumerate(frames):
        best, best_len = None, None
        for j, g in enumerate(frames):
            if i == j or not f.cue:
                continue
            if not all(any(_inside(c, gc) for gc in g.content) for c in f.cue):
                continue  # g's content does not hold f's cue (most pairs: decided first)
            holds_src = all(any(_inside(s, gc) for gc in g.content) for s in f.source)
            size = sum(e - s for s, e in g.content)
            # each content holds the other's cue when the parser hung the report frame inside
            # the reported clause ("X believes Y, the Post reported"): the larger one is outer
            circular = g.cue and all(any(_inside(c, fc) for fc in f.content) for c in g.cue)
            if circular and size > sum(e - s for s, e in f.content):
                circular = False
            if holds_src and not circular:
                if best_len is None or size < best_len:
                    best, best_len = j, size
        parents.append(best)
    return parents


def _detach_according_to(text: str, frames: list[Frame]) -> None:
    """'X said Y, according to Z': the 'according to Z' phrase frames the whole report, so
    it is cut from the end (or start) of the content it was parsed into."""
    for acc in frames:
        if acc.lemma != "according to" or not acc.cue:
            continue
        lo = min(s for s, _ in [*acc.cue, *acc.source])
        hi = max(e for _, e in [*acc.cue, *acc.source])
        for other in frames:
            # only the report that the phrase frames: its cue lies in the phrase's content
            if other is acc or not other.cue or not any(_inside(other.cue[0], c) for c in acc.content):
                continue
            spans = []
            for s, e in other.content:
                if s <= lo and hi <= e + 1:
                    before = _trim(text, (s, lo))
                    after = _trim(text, (hi, e)) if hi < e else None
                    spans += [x for x in (before, after) if x]
                else:
                    spans.append((s, e))
            if spans:
                other.content = spans


_SPEAKING = frozenset({"speech_strong", "speech", "allege"})
_ADVERBS_BEFORE = frozenset({"also", "instead", "then", "again", "even", "later", "further"})


def _second_statement(text: str, f: Frame) -> int | None:
    """The offset of the comma or dash that sets off a sourceless speaking participle
    ("…, adding that", "…, instead proposing that"), or None where ``f`` is none."""
    if f.source or not f.cue or f.cue_class not in _SPEAKING:
        return None
    s, e = f.cue[0]
    if not text[s:e].endswith("ing"):
        return None
    before = text[:s].rstrip()
    words = before.split()
    if words and words[-1].lower() in _ADVERBS_BEFORE:
        before = before[: len(before) - len(words[-1])].rstrip()
    before = before.rstrip("”\"’'")
    if not before.endswith((",", "—", "–")):
        return None
    return len(before) - 1


def _detach_second_statements(text: str, frames: list[Frame]) -> None:
    """'Cruz said X, adding Y': the parser often hangs the participle inside X, where it
    would be a sourceless attribution nested in Cruz's; it is Cruz's second statement (the
    seeds' "spoke out against a coup, instead proposing …"). It takes the source of the
    smallest attribution whose content holds it and that has one, and that content ends
    before the comma."""
    for f in frames:
        comma = _second_statement(text, f)
        if comma is None:
            continue
        holders = [g for g in frames if g is not f and g.source and g.cue and g.cue[0][0] < comma
                   and any(_inside(f.cue[0], c) for c in g.content)]
        if not holders:
            continue
        g = min(holders, key=lambda h: sum(e - s for s, e in h.content))
        kept = [c if c[1] <= comma else _trim(text, (c[0], comma)) for c in g.content if c[0] < comma]
        kept = [c for c in kept if c]
        if not kept:
            continue
        g.content = kept
        f.source = list(g.source)


def _cut_parent_frame(text: str, child: Frame, parent: Frame) -> None:
    """A nested content ends where its parent's own frame begins ('…, the Post reported')."""
    frame = [*parent.cue, *parent.source]
    if not frame or not child.cue:
        return
    start = min(s for s, _ in frame)
    if start <= child.cue[0][0]:
        return
    kept = []
    for s, e in child.content:
        if s >= start:
            continue
        if e > start:
            cut = _trim(text, (s, start))
            if cut:
                kept.append(cut)
        else:
            kept.append((s, e))
    if kept:
        child.content = kept


def caption_or_dropped(doc: Document, cue: Sequence[Span], content: Sequence[Span]) -> bool | None:
    """Where an attribution lies: None in an ad, label, promo or credit line (none is kept
    there), else whether it is in a caption (kept, flagged ``in_caption``)."""
    boiler = in_boilerplate(doc, cue[0] if cue else content[0])
    if boiler is None:
        return False
    return True if boiler.kind == "caption" else None


def rule_frames(doc: Document) -> tuple[list[Frame], list[bool], list[int | None]]:
    """The rules' frames of a parsed document, each with whether it lies in a caption and
    the index of the frame it is nested in; spans as the rules drew them."""
    if doc.parsed is None:
        raise StageError("E401: attribution needs the nlp stage's parse (run nlp.parse first)")
    # ads, labels, promos and credit lines carry no attributions; captions do (flagged)
    frames, in_caption = [], []
    for f in find_frames(doc.parsed, text=doc.text):
        caption = caption_or_dropped(doc, f.cue, f.content)
        if caption is not None:
            frames.append(f)
            in_caption.append(caption)
    _detach_according_to(doc.text, frames)
    _detach_second_statements(doc.text, frames)
    parents = _parents(frames)
    for f, p in zip(frames, parents, strict=True):
        if p is not None:
            _cut_parent_frame(doc.text, f, frames[p])
    return frames, in_caption, parents


def _learned_boundaries(doc: Document, frames: list[Frame], parents: list[int | None],
                        model: BoundaryModel) -> None:
    """Move the ends of every frame's content and cue where the boundary model puts them.

    Each frame is read as the rules drew it, as in training; the guards see the other
    frames as they stand. A move never changes the nesting: a parent's content keeps its
    children's cues and sources, and no span takes in another frame's cue or source."""
    table = TokenTable(doc.parsed, doc.text)
    nested: dict[int, list[tuple[int, int]]] = {}
    for f, p in zip(frames, parents, strict=True):
        if p is not None:
            nested.setdefault(p, []).extend([*f.cue, *f.source])
    for n, f in enumerate(frames):
        kind = frame_kind(doc.text, f)
        cue_start = f.cue[0][0] if f.cue else None
        elsewhere = [sp for m, g in enumerate(frames) if m != n for sp in (*g.cue, *g.source)]
        content = adjust_spans(table, model, "content", f.content, [*f.source, *f.cue], kind, cue_start,
                               keep_inside=nested.get(n, ()), keep_out=elsewhere, governor=f.cue)
        cue = adjust_spans(table, model, "cue", f.cue, [*f.source, *f.content], kind, cue_start,
                           keep_out=elsewhere)
        f.content = content
        if not any(spans_overlap(c, content) for c in cue) and _cue_convention_kept(doc.text, f.cue, cue):
            f.cue = cue


# the seeds' cue convention where PolNeAR's annotators are split: a time ("said Tuesday",
# "reported earlier this month") and a "to" before the verb ("met to discuss") stay out;
# a colon after it is the rules' decision (it joins the cue outside a quotation)
def _cue_convention_kept(text: str, old: list[tuple[int, int]], new: list[tuple[int, int]]) -> bool:
    if not old or not new:
        return True
    before = text[new[0][0] : old[0][0]].lower().split() if new[0][0] < old[0][0] else []
    after = text[old[-1][1] : new[-1][1]].lower().split() if new[-1][1] > old[-1][1] else []
    if "to" in before or ":" in text[old[-1][1] : new[-1][1]]:
        return False
    return not any(w.strip(".,:;") in TIME_WORDS for w in before + after)


def extract_attributions(doc: Document, *, boundaries: BoundaryModel | None | bool = True) -> Document:
    """Find every attribution in a parsed document (needs the nlp stage first).

    ``boundaries``: the model that moves span ends to PolNeAR's conventions (True: the
    shipped one; False or None: the spans as the rules drew them)."""
    frames, in_caption, parents = rule_frames(doc)
    model = load_boundary_model() if boundaries is True else boundaries or None
    if model is not None and frames:
        _learned_boundaries(doc, frames, parents, model)
    ids = [f"a{n + 1}" for n in range(len(frames))]
    attrs = []
    for n, f in enumerate(frames):
        extra: dict[str, object] = {
            "_cue_class": f.cue_class,
            "_lemma": f.lemma,
            "_certainty_hint": f.certainty_hint,
        }
        if f.negated:
            extra["negated"] = True
        if in_caption[n]:
            extra["in_caption"] = True
        attrs.append(
            Attribution(
                id=ids[n],
                source=tuple(f.source),
                cue=tuple(f.cue),
                content=tuple(f.content),
                kind=frame_kind(doc.text, f),
                parent=ids[parents[n]] if parents[n] is not None else None,
                extra=extra,
            )
        )
    return doc.with_(attributions=tuple(attrs))
