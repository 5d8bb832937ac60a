from __future__ import annotations

import pytest

from sourcetrace.certainty import certainty_of
from sourcetrace.model import Attribution, Document


def _attr(text: str, *, source: str = "", content: str, lemma: str, cls: str = "speech",
          negated: bool = False, hint: str | None = None) -> tuple[Document, Attribution]:
    doc = Document(doc_id="d", text=text)
    src = ((text.index(source), text.index(source) + len(source)),) if source else ()
    c = text.index(content)
    extra = {"_lemma": lemma, "_cue_class": cls, "_certainty_hint": hint}
    if negated:
        extra["negated"] = True
    return doc, Attribution("a1", src, ((0, 1),), ((c, c + len(content)),), extra=extra)


@pytest.mark.parametrize(
    ("text", "kw", "expected"),
    [
        ("X said the port is open.", {"source": "X", "content": "the port is open", "lemma": "say"}, "asserted"),
        ("X reported the port is open.", {"source": "X", "content": "the port is open", "lemma": "report", "cls": "report"}, "reported"),
        ("X said the port allegedly closed.", {"source": "X", "content": "the port allegedly closed", "lemma": "say"}, "alleged"),
        ("X claimed the port closed.", {"source": "X", "content": "the port closed", "lemma": "claim", "cls": "allege"}, "alleged"),
        ("Accounts, which have not been confirmed by Y, say it closed.",
         {"source": "Accounts", "content": "it closed", "lemma": "say"}, "unconfirmed"),
        ("Y never confirmed it.", {"source": "Y", "content": "it", "lemma": "confirm", "negated": True}, "unconfirmed"),
        ("Y denied the report.", {"source": "Y", "content": "the report", "lemma": "deny"}, "denied"),
        ("Y did not deny the talks.", {"source": "Y", "content": "the talks", "lemma": "deny", "negated": True}, "hedged"),
        ("Y believes the port closed.", {"source": "Y", "content": "the port closed", "lemma": "believe", "cls": "belief"}, "hedged"),
        ("The battle is expected to start.", {"content": "The battle", "lemma": "expect", "cls": "agentless", "hint": "hedged"}, "hedged"),
    ],
)
def test_certainty_levels(text: str, kw: dict, expected: str) -> None:  # type: ignore[type-arg]
    doc, attr = _attr(text, **kw)
    assert certainty_of(doc, attr) == expected
