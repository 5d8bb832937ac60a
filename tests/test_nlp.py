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


def test_paragraph_breaks_end_sentences_at_lines_and_never_inside_parentheses(nlp) -> None:  # type: ignore[no-untyped-def]
    from sourcetrace.nlp import paragraph_breaks

    sdoc = paragraph_breaks(nlp.make_doc("Sen. Ann Lee (D-Ore. and others) said no\nPhoto credit here (x) then"))
    starts = {t.text for t in sdoc if t.is_sent_start}
    # a line break starts a sentence; nothing inside a parenthesis, nor a lowercase word after one, does
    assert "Photo" in starts
    inside = [t for t in sdoc if t.text in {"and", "others", ")", "said", "then"}]
    assert all(t.is_sent_start is False for t in inside)
    assert len(paragraph_breaks(nlp.make_doc(""))) == 0 and len(paragraph_breaks(nlp.make_doc("One"))) == 1
    # and the whole parse keeps them
    parsed = nlp("He spoke (at length. Really) then left\nNext line")
    assert [s.text.split()[0] for s in parsed.sents] == ["He", "Next"]
