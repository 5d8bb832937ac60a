from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcetrace.errors import OffsetError
from sourcetrace.model import Attribution, Boilerplate, Document, Entity


@st.composite
def documents(draw):  # type: ignore[no-untyped-def]
    text = draw(st.text(min_size=1, max_size=200))
    n = len(text)

    def span():  # type: ignore[no-untyped-def]
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, n))
        return (a, b)

    attrs = tuple(
        Attribution(id=f"a{i}", source=(span(),), cue=(span(),), content=(span(), span()),
                    kind="direct", parent=None, speaker="e1", certainty="reported", extra={"negated": True})
        for i in range(draw(st.integers(0, 3)))
    )
    ents = (Entity("e1", "Name", "person", (span(),)),)
    return Document(doc_id="d", text=text, boilerplate=(Boilerplate(span(), "advertisement"),),
                    attributions=attrs, entities=ents)


@given(documents())
def test_model_json_roundtrip_keeps_text_and_spans(doc: Document) -> None:
    back = Document.from_dict(json.loads(doc.to_json()))
    assert back.text == doc.text
    assert back.to_dict() == doc.to_dict()
    for a, b in zip(doc.attributions, back.attributions, strict=True):
        for role in ("source", "cue", "content"):
            assert [doc.text[s:e] for s, e in getattr(a, role)] == [back.text[s:e] for s, e in getattr(b, role)]


def test_model_stage_cannot_rewrite_text() -> None:
    doc = Document(doc_id="d", text="abc")
    with pytest.raises(OffsetError):
        doc.with_(text="xyz")


def test_model_check_spans_rejects_out_of_range() -> None:
    doc = Document(doc_id="d", text="abc", boilerplate=(Boilerplate((1, 9), "advertisement"),))
    with pytest.raises(OffsetError):
        doc.check_spans()


def test_model_private_extra_keys_are_not_serialised() -> None:
    attr = Attribution("a1", (), ((0, 1),), ((2, 3),), extra={"_cue_class": "x", "negated": True})
    out = attr.to_dict()
    assert "_cue_class" not in out and out["negated"] is True
    assert list(out)[:8] == ["id", "source", "cue", "content", "kind", "parent", "speaker", "certainty"]


def test_each_error_code_is_raised_by_one_module() -> None:
    """A code names one condition: E301 was both "no spaCy model" and a bad regex flag in
    the boilerplate lexicon, E530–E531 and E601 were each two unrelated failures."""
    import re
    from collections import defaultdict

    import sourcetrace.model

    src = Path(sourcetrace.model.__file__).parent
    modules: dict[str, set[str]] = defaultdict(set)
    for path in src.rglob("*.py"):
        for code in re.findall(r"\bE(\d{3}): ", path.read_text(encoding="utf-8")):
            modules[code].add(str(path.relative_to(src)))
    assert len(modules) > 20  # the pattern still finds them
    assert {code: sorted(where) for code, where in modules.items() if len(where) > 1} == {}


def test_printable_escapes_what_could_forge_a_line_or_reach_the_terminal_only() -> None:
    from sourcetrace.errors import printable

    assert printable("a\nerror: b\x1b[2J\u2028c\x85") == "a\\nerror: b\\x1b[2J\\u2028c\\x85"
    assert printable("evil\u202egnp.txt \udcff") == "evil\\u202egnp.txt \\udcff"
    # news text keeps its no-break spaces, soft hyphens and joiners (they were escaped)
    assert printable("Putin\xa0said co\xadop \u200d\u2009x") == "Putin\xa0said co\xadop \u200d\u2009x"
