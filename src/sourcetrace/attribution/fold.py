"""Folding a speaker's own belief into the statement that carries it (after certainty).

"Half of the voters said they want a change" and "Cruz said he thinks the deal is dead"
hold one claim each, from one source: the nested "they want" / "he thinks" restates who
holds the content of the statement around it. Kept as a second attribution, it counts
the same source twice for one proposition (in the corpus's independent-source counts as
in PolNeAR, which never annotates it). So an attribution nested in another is folded
into its parent when both have the same resolved speaker and its cue is a verb of belief,
wish or intention (the lexicon's ``belief`` class: think, want, believe, plan, support …).
A hedged belief ("thinks", "expects") passes its hedge on to the parent: "Cruz said he
thinks …" is Cruz's hedged claim.

Chains of different speakers (an outlet citing an agency citing an official), a speaker's
own quoted words ("'I wrote: …,' she added") and agentless ones ("is believed") are not
folded: each says something the parent does not.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Attribution, Document
from .lexicon import Lexicon, load_lexicon

__all__ = ["fold_own_beliefs"]

# parent certainties a folded hedge replaces (alleged, unconfirmed and denied outrank it)
_WEAKER = ("asserted", "reported")


def _is_belief(doc: Document, a: Attribution, lex: Lexicon) -> bool:
    """Whether the cue is a verb of belief: the rules' note, or else the cue's words (an
    attribution a learned tagger added has no note)."""
    if a.extra.get("_cue_class"):
        return a.extra["_cue_class"] == "belief"
    return any(lex.verb_class.get(lex.lemma(word.strip(".,;:!?\"'“”‘’")) or "") == "belief"
               for s, e in a.cue for word in doc.text[s:e].split())


_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "who"})


def _by_pronoun(doc: Document, a: Attribution) -> bool:
    """Whether the source is a pronoun ("he thinks", "they want"): a speaker restating their
    own belief says so; a named source ("a certain part of the elite considers") is
    someone the statement reports, even where resolution merged the two."""
    return len(a.source) == 1 and doc.text[a.source[0][0]:a.source[0][1]].strip().lower() in _PRONOUNS


def fold_own_beliefs(doc: Document) -> Document:
    """Drop nested belief attributions of their parent's own speaker; renumber the rest in
    the same order, their parent links kept (a folded one's children go to its parent)."""
    by_id = {a.id: a for a in doc.attributions}
    lex = load_lexicon()
    folded: dict[str, str] = {}  # folded id -> its parent
    for a in doc.attributions:
        parent = by_id.get(a.parent) if a.parent else None
        if (parent is not None and a.speaker is not None and a.speaker == parent.speaker and _by_pronoun(doc, a)
                and _is_belief(doc, a, lex)):
            folded[a.id] = parent.id
    if not folded:
        return doc

    def surviving(pid: str | None) -> str | None:
        seen = set()
        while pid in folded and pid not in seen:
            seen.add(pid)
            pid = folded[pid]
        return pid

    # a folded hedge hedges the attribution it is folded into, however deep
    hedged = {surviving(fid) for fid in folded if by_id[fid].certainty == "hedged"}
    kept = [a for a in doc.attributions if a.id not in folded]
    new_id = {a.id: f"a{n}" for n, a in enumerate(kept, start=1)}
    out = []
    for a in kept:
        certainty = "hedged" if a.id in hedged and a.certainty in _WEAKER else a.certainty
        pid = surviving(a.parent)
        out.append(replace(a, id=new_id[a.id], parent=new_id[pid] if pid else None, certainty=certainty,
                           extra=dict(a.extra)))
    return doc.with_(attributions=tuple(out))
