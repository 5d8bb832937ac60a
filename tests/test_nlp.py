"""The parse stage's own components (nlp.py)."""

from __future__ import annotations

from spacy.tokens import Doc

from sourcetrace.nlp import PTB_TO_UPOS, upos_from_tags


def test_the_parse_sets_universal_pos_from_each_penn_tag(nlp) -> None:  # type: ignore[no-untyped-def]
    sdoc = nlp("The senator said on Monday that 3 of her aides had quit, according to Reuters.")
    assert "upos_from_tags" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    assert [t.pos_ for t in sdoc] == [PTB_TO_UPOS[t.tag_] for t in sdoc]
    assert {"PROPN", "VERB", "NUM", "PUNCT"} <= {t.pos_ for t in sdoc}


def test_a_tag_outside_the_table_keeps_its_pos_and_an_empty_doc_passes(nlp) -> None:  # type: ignore[no-untyped-def]
    sdoc = Doc(nlp.vocab, words=["Zelensky", "spoke", "xyzzy"], tags=["NNP", "VBD", "NOTATAG"],
               pos=["X", "X", "INTJ"])
    assert [t.pos_ for t in upos_from_tags(sdoc)] == ["PROPN", "VERB", "INTJ"]
    assert len(upos_from_tags(Doc(nlp.vocab, words=[]))) == 0
