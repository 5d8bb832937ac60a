"""Putting the rules' attributions and a learned labeller's together.

Two ways, one per attribution mode:

- ``add_missing`` (``--attribution crf``): the rules' attributions as they are, plus the
  learned ones where the rules found nothing (neither cue nor content overlaps);
- ``learned_first`` (``--attribution transformer``): the learned labeller decides which
  outermost attributions there are and where their spans lie (it learned PolNeAR's span
  conventions); the rules add what only they can: attributions nested inside a content
  (a quoted statement's own "said"), and attributions the labeller missed outright. A
  rules attribution that the labeller also found lends it its id, kind and certainty
  notes, so its nested children stay attached to it.

Both renumber the result ``a1, a2, …`` in text order and keep parent links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import Attribution, spans_overlap

__all__ = ["add_missing", "learned_first"]


def _renumber(attrs: list[Attribution]) -> tuple[Attribution, ...]:
    ordered = sorted(attrs, key=lambda a: ((a.cue or a.content or ((0, 0),))[0], a.id))
    new_id = {a.id: f"a{n}" for n, a in enumerate(ordered, start=1)}
    return tuple(replace(a, id=new_id[a.id], parent=new_id.get(a.parent) if a.parent else None, extra=dict(a.extra))
                 for a in ordered)


def add_missing(rules: Sequence[Attribution], learned: Sequence[Attribution]) -> tuple[Attribution, ...]:
    """The rules' attributions plus learned ones that overlap none of them."""
    extra = [
        replace(a, id=f"l{n}", extra={**a.extra, "learned": True})
        for n, a in enumerate(learned)
        if not any(spans_overlap(a.cue, r.cue) or spans_overlap(a.content, r.content) for r in rules)
    ]
    return _renumber([*rules, *extra])


def _speakerless_quote(a: Attribution, rules: Sequence[Attribution], text: str) -> bool:
    return (not a.source and bool(a.cue) and not any(ch.isalnum() for s, e in a.cue for ch in text[s:e])
            and any(r.source and not r.parent and spans_overlap(r.content, a.content) for r in rules))


def learned_first(rules: Sequence[Attribution], learned: Sequence[Attribution], text: str | None = None,
                  ) -> tuple[Attribution, ...]:
    """Learned outermost attributions, the rules' nested ones and the rules' misses.

    A rules attribution whose cue lies in a learned attribution's content is nested there
    (even when the rules had it outermost: they missed the outer frame); one that overlaps
    the labeller's spans otherwise is a competing reading and is dropped. With the
    document's ``text``, one exception: a quotation the labeller found without a speaker
    (its "cue" only the quote mark) yields to the rules' reading of it with a speaker, as
    in a list of quotes each signed "― Name"."""
    by_id = {r.id: r for r in rules}
    if text is not None:
        learned = [a for a in learned if not _speakerless_quote(a, rules, text)]

    def top(r: Attribution) -> Attribution:
        seen = {r.id}
        while r.parent and r.parent in by_id and r.parent not in seen:
            seen.add(r.parent)
            r = by_id[r.parent]
        return r

    out: list[Attribution] = []
    rules_top = [r for r in rules if not r.parent]
    claimed: set[str] = set()  # rules attributions the labeller found too (they keep their id)
    for n, a in enumerate(learned):
        match = next((r for r in rules_top if r.id not in claimed
                      and spans_overlap(a.cue, r.cue) and spans_overlap(a.content, r.content)), None)
        if match is not None:
            claimed.add(match.id)
            out.append(Attribution(id=match.id, source=a.source or match.source, cue=a.cue, content=a.content,
                                   kind=match.kind, certainty=match.certainty,
                                   extra={**match.extra, "learned": True}))
        else:
            out.append(replace(a, id=f"l{n}", extra={**a.extra, "learned": True}))
    learned_spans = [s for a in out for s in (*a.cue, *a.content, *a.source)]
    containers = list(out)
    fallback: dict[str, str] = {}  # rules id -> the learned attribution whose content holds its cue
    for r in rules:
        if r.id in claimed:
            continue
        if top(r).id in claimed:
            out.append(r)  # nested under an attribution both found: its chain stands
            continue
        holder = next((a for a in containers if spans_overlap(r.cue, a.content)), None)
        if holder is not None:
            # a statement inside a learned attribution's content: nested under it unless
            # its own rules parent survives
            fallback[r.id] = holder.id
            out.append(r)
        elif not spans_overlap((*r.cue, *r.content), learned_spans):
            out.append(r)  # the labeller missed it outright
        # else: the labeller reads these words another way; its reading wins
    kept = {a.id for a in out}
    # a parent that did not survive: the nearest surviving ancestor, else the learned
    # attribution holding the cue, else none
    fixed = []
    for a in out:
        parent = a.parent
        seen: set[str] = set()
        while parent and parent not in kept and parent in by_id and parent not in seen:
            seen.add(parent)
            parent = by_id[parent].parent
        if parent not in kept:
            parent = fallback.get(a.id)
        fixed.append(replace(a, parent=parent) if parent != a.parent else a)
    return _renumber(fixed)
