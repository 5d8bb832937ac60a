"""Role tags for the learned labellers: conversion to BIO tags, decoding, grouping."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from sourcetrace.attribution.learned import group_roles, sentence_starts, to_attributions
from sourcetrace.model import Attribution
from sourcetrace.train.roles import tags_to_spans, token_tags

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _find(text: str, part: str, start: int = 0) -> tuple[int, int]:
    s = text.index(part, start)
    return (s, s + len(part))


def _offsets(nlp: spacy.language.Language, text: str) -> list[tuple[int, int]]:
    return [(t.idx, t.idx + len(t.text)) for t in nlp.make_doc(text)]


TEXT = "“We will win,” Smith said, “and soon.” Jones told reporters that taxes rose."


def _gold() -> tuple[Attribution, ...]:
    t = TEXT
    return (
        Attribution("a1", (_find(t, "Smith"),), (_find(t, "said"),),
                    (_find(t, "“We will win,”"), _find(t, "“and soon.”"))),
        Attribution("a2", (_find(t, "Jones"),), (_find(t, "told"),),
                    (_find(t, "that taxes rose"),)),
    )


def test_token_tags_bio_and_new_span_starts() -> None:
    nlp = spacy.blank("en")
    offsets = _offsets(nlp, TEXT)
    words = [TEXT[s:e] for s, e in offsets]
    tags = dict(zip(words, token_tags(offsets, _gold()), strict=False))
    assert tags["Smith"] == "B-SRC" and tags["said"] == "B-CUE" and tags["told"] == "B-CUE"
    assert tags["We"] == "I-CNT" and tags["reporters"] == "O" and tags["rose"] == "I-CNT"
    seq = token_tags(offsets, _gold())
    # the second quoted piece starts its own span; the comma after "said" is outside
    assert seq[words.index("said") + 1] == "O"
    assert seq[words.index("and") - 1] == "B-CNT"


def test_decode_round_trip() -> None:
    nlp = spacy.blank("en")
    offsets = _offsets(nlp, TEXT)
    spans = tags_to_spans(offsets, token_tags(offsets, _gold()))
    got = {(r, TEXT[s:e]) for r, (s, e) in spans}
    assert ("CNT", "“We will win,”") in got and ("CNT", "“and soon.”") in got
    assert ("CUE", "told") in got and ("SRC", "Jones") in got
    # an I- after another role starts a new span
    assert tags_to_spans([(0, 1), (2, 3)], ["B-CUE", "I-SRC"]) == [("CUE", (0, 1)), ("SRC", (2, 3))]


def test_grouping_rebuilds_the_attributions() -> None:
    nlp = spacy.blank("en")
    offsets = _offsets(nlp, TEXT)
    frames = group_roles(TEXT, tags_to_spans(offsets, token_tags(offsets, _gold())))
    attrs = to_attributions(TEXT, frames)
    assert [(a.source, a.cue, a.content) for a in attrs] == [
        (g.source, g.cue, g.content) for g in _gold()
    ]
    assert attrs[0].kind == "direct" and attrs[1].kind == "indirect"


def test_grouping_drops_cues_without_content_and_follows_quotes() -> None:
    text = "He said: “First part.\n\n“Second part.” Nothing else here."
    roles = [
        ("SRC", _find(text, "He")), ("CUE", _find(text, "said")),
        ("CNT", _find(text, "“First part.")), ("CNT", _find(text, "“Second part.”")),
        ("CUE", _find(text, "else")),
    ]
    frames = group_roles(text, roles)
    assert len(frames) == 1 and len(frames[0].content) == 2


def test_sentence_starts_split_paragraphs_but_not_abbreviations() -> None:
    text = "Mr. Smith spoke. Then “Yes.” She left.\n\nNew one."
    starts = sentence_starts(text)
    assert text.index("Then") in starts and text.index("Smith") not in starts
    assert text.index("She") in starts and text.index("New") in starts


def test_polnear_oracle_grouping_is_near_perfect() -> None:
    """Gold tags decoded and grouped score close to 1 on a few dev articles."""
    dev = SHARED / "data" / "polnear" / "dev"
    if not dev.is_dir():
        pytest.skip(f"../shared not found: {dev}")
    from sourcetrace.evaluate import load_records, score_documents

    gold = sorted(dev.glob("*.gold.json"))[:8]
    docs = [d for p in gold for d in load_records(p)]
    nlp = spacy.blank("en")
    pred = []
    for g in docs:
        offsets = _offsets(nlp, g.text)
        roles = tags_to_spans(offsets, token_tags(offsets, g.attributions))
        pred.append(g.with_(attributions=to_attributions(g.text, group_roles(g.text, roles))))
    assert score_documents(docs, pred).metrics["attribution"]["f1"] > 0.95
