"""Stage 6: how sure the text is of each attribution (CONTRACT `certainty`).

Precedence, strongest first: alleged ("allegedly", "claimed", "labeled") > unconfirmed
("which have not been confirmed", a negated "confirm") > denied (a plain "deny") >
hedged (belief and expectation cues, "is not excluded", a non-denial) > reported (report
cues, "according to", "reportedly") > asserted.
"""

from __future__ import annotations

import re

from .attribution.lexicon import Lexicon, load_lexicon
from .model import Attribution, Document

__all__ = ["assess_certainty", "certainty_of"]

_HEDGE_CUES = {"believe", "think", "expect", "suspect", "assume", "guess", "doubt", "estimate", "feel", "exclude"}
_DENY_CUES = {"deny", "refute", "dismiss"}
_REPORT_CUES = {"report", "reportedly", "according to"}
_CONFIRM_CUES = {"confirm", "verify"}
# evidential passives inside the content hedge the whole report: "…, is believed to hold …"
_CONTENT_HEDGES = re.compile(r"\b(?:is|are|was|were) (?:widely )?(?:believed|thought|rumou?red)\b|\bnot (?:be )?excluded\b", re.I)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def certainty_of(doc: Document, attr: Attribution, *, lexicon: Lexicon | None = None) -> str:
    lex = lexicon or load_lexicon()
    text = doc.text
    lemma = str(attr.extra.get("_lemma", ""))
    cls = str(attr.extra.get("_cue_class", ""))
    hint = attr.extra.get("_certainty_hint")
    negated = bool(attr.extra.get("negated"))
    content = " ".join(text[s:e] for s, e in attr.content)
    # the frame of the source: what the text says about it between the source and content
    after_source = ""
    if attr.source:
        end = attr.source[-1][1]
        after_source = text[end : end + 60].split("\n")[0]
    if cls == "allege" or hint == "alleged" or _words(content) & lex.allegation_words:
        return "alleged"
    if (negated and lemma in _CONFIRM_CUES) or any(p in after_source.lower() for p in lex.unconfirmed_phrases):
        return "unconfirmed"
    if lemma in _DENY_CUES and not negated:
        return "denied"
    if hint == "hedged" or (lemma in _HEDGE_CUES) or (negated and lemma in _DENY_CUES):
        return "hedged"
    if _CONTENT_HEDGES.search(content):
        return "hedged"
    if hint == "reported" or lemma in _REPORT_CUES or cls == "report":
        return "reported"
    return "asserted"


def assess_certainty(doc: Document) -> Document:
    """Set `certainty` on every attribution of the document."""
    attrs = tuple(
        Attribution(
            id=a.id, source=a.source, cue=a.cue, content=a.content, kind=a.kind, parent=a.parent,
            speaker=a.speaker, certainty=certainty_of(doc, a), extra=a.extra,
        )
        for a in doc.attributions
    )
    return doc.with_(attributions=attrs)
