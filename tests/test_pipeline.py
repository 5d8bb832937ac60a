from __future__ import annotations

from collections.abc import Callable

import pytest

from sourcetrace.errors import StageError
from sourcetrace.model import Document
from sourcetrace.pipeline import STAGES, Stage, _check_order, _run


def test_pipeline_rejects_stage_placed_too_early() -> None:
    late = [s for s in STAGES if s.name.startswith("attribution")]
    with pytest.raises(StageError, match="E501"):
        _check_order(late)


def test_pipeline_rejects_stage_that_rewrites_text() -> None:
    bad = Stage("bad.v1", lambda d: Document(doc_id=d.doc_id, text=d.text.upper()), (), ())
    with pytest.raises(StageError, match="E503"):
        _run(Document(doc_id="d", text="abc"), [bad])


def test_pipeline_stage_crash_names_stage_and_document() -> None:
    def boom(doc: Document) -> Document:
        raise ValueError("kaputt")

    with pytest.raises(StageError, match=r"boom\.v1 failed on d1: kaputt"):
        _run(Document(doc_id="d1", text="abc"), [Stage("boom.v1", boom, (), ())])


def test_pipeline_full_run_keeps_text_and_spans(analyze_text) -> None:  # type: ignore[no-untyped-def]
    text = "Advertisement\n\n“It is over,” the coach said on Sunday.\n\nThe club reportedly fired him."
    doc = analyze_text(text)
    assert doc.text == text and doc.parsed is None
    doc.check_spans()
    assert doc.boilerplate and doc.boilerplate[0].kind == "advertisement"
    assert {a.certainty for a in doc.attributions} >= {"reported"}
    ids = {e.id for e in doc.entities}
    assert all(a.speaker is None or a.speaker in ids for a in doc.attributions)


def test_pipeline_modes_add_their_stage_after_the_rules() -> None:
    from sourcetrace.pipeline import ATTRIBUTION_MODES, DEFAULT_MODE, stages_for

    assert [s.name for s in stages_for("rules")] == [s.name for s in STAGES]
    assert DEFAULT_MODE == "crf" and stages_for() == stages_for("crf")
    for mode in ATTRIBUTION_MODES[1:]:
        names = [s.name for s in stages_for(mode)]
        assert len(names) == len(STAGES) + 1
        assert names.index("attribution.rules.v1") + 1 == next(i for i, n in enumerate(names) if n not in
                                                                 {s.name for s in STAGES})
    with pytest.raises(StageError, match="E504"):
        stages_for("magic")


def test_pipeline_crf_additions_only_where_rules_found_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.attribution import crf_tagger
    from sourcetrace.model import Attribution
    from sourcetrace.pipeline import _add_crf

    text = "A said B. C said D."
    rules = Attribution("a1", ((0, 1),), ((2, 6),), ((7, 8),))
    dup = Attribution("l1", ((0, 1),), ((2, 6),), ((7, 8),))
    new = Attribution("l2", ((10, 11),), ((12, 16),), ((17, 18),))
    monkeypatch.setattr(crf_tagger, "extract_attributions_crf", lambda doc: doc.with_(attributions=(dup, new)))
    out = _add_crf(Document("d", text, attributions=(rules,)))
    assert [(a.id, a.cue) for a in out.attributions] == [("a1", ((2, 6),)), ("a2", ((12, 16),))]
    assert out.attributions[1].extra.get("learned") is True


def test_pipeline_crf_additions_skip_boilerplate_and_flag_captions(monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.attribution import crf_tagger
    from sourcetrace.model import Attribution, Boilerplate
    from sourcetrace.pipeline import _add_crf

    text = "A said B.\nAds say buy now.\nPhoto: C says D."
    promo, caption = (10, 26), (27, 43)
    found = (Attribution("l1", ((10, 13),), ((14, 17),), ((18, 26),)),   # inside the promo
             Attribution("l2", ((34, 35),), ((36, 40),), ((41, 42),)))   # inside the caption
    monkeypatch.setattr(crf_tagger, "extract_attributions_crf", lambda doc: doc.with_(attributions=found))
    doc = Document("d", text, boilerplate=(Boilerplate(promo, "promo"), Boilerplate(caption, "caption")))
    out = _add_crf(doc)
    assert [text[slice(*a.cue[0])] for a in out.attributions] == ["says"]
    assert out.attributions[0].extra.get("in_caption") is True


def _read_by_rules(text: str) -> tuple[Document, Callable[[str], tuple[tuple[int, int], ...]]]:
    """``text`` parsed and read by the rules (what ``_add_crf`` gets), and a function giving
    the character span of a phrase in it."""
    from sourcetrace.attribution import extract_attributions
    from sourcetrace.boilerplate import mark_boilerplate
    from sourcetrace.nlp import parse

    def at(phrase: str) -> tuple[tuple[int, int], ...]:
        return ((text.index(phrase), text.index(phrase) + len(phrase)),)

    return extract_attributions(parse(mark_boilerplate(Document("d", text)))), at


def test_pipeline_crf_additions_skip_cues_the_rules_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    # "said a prayer": the rules read "said" and found no frame in its sense; the tagger
    # knows the word only, so what it finds on that word is dropped, and the rest kept
    from sourcetrace.attribution import crf_tagger
    from sourcetrace.model import Attribution
    from sourcetrace.pipeline import _add_crf

    text = "He said a prayer and left. Critics cheered the plan loudly."
    doc, at = _read_by_rules(text)
    assert not doc.attributions

    found = (Attribution("l1", at("He"), at("said"), at("a prayer")),
             Attribution("l2", at("Critics"), at("cheered"), at("the plan")))
    monkeypatch.setattr(crf_tagger, "extract_attributions_crf", lambda d: d.with_(attributions=found))
    out = _add_crf(doc)
    assert [text[slice(*a.cue[0])] for a in out.attributions] == ["cheered"]


def test_pipeline_crf_additions_on_declined_cues_stay_when_they_say_a_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    # a declined cue word with a clause, a quotation or a person after it is a saying in
    # any sense ("ruled that …"); a thing after it is not ("the police")
    from sourcetrace.attribution import crf_tagger
    from sourcetrace.attribution.rules import DECLINED
    from sourcetrace.model import Attribution
    from sourcetrace.pipeline import _add_crf

    text = "The judge ruled that the law was void. He called the police. Most voters preferred Hillary Clinton."
    doc, at = _read_by_rules(text)
    declined = {doc.parsed[i].text for i in doc.parsed.user_data[DECLINED]}
    assert {"ruled", "called", "preferred"} <= declined

    found = (Attribution("l1", at("The judge"), at("ruled"), at("that the law was void")),
             Attribution("l2", at("He"), at("called"), at("the police")),
             Attribution("l3", at("Most voters"), at("preferred"), at("Hillary Clinton")))
    monkeypatch.setattr(crf_tagger, "extract_attributions_crf", lambda d: d.with_(attributions=found))
    out = _add_crf(doc)
    added = {text[slice(*a.cue[0])] for a in out.attributions if a.extra.get("learned")}
    assert added == {"ruled", "preferred"}


def test_analyze_many_parses_in_one_batch_and_matches_analyze(monkeypatch: pytest.MonkeyPatch) -> None:
    import sourcetrace.nlp
    from sourcetrace.pipeline import analyze, analyze_many

    texts = ["“We are ready,” coach Mia Tan said on Sunday.",
             "The Daily Ledger reported that the bridge will close, according to officials.",
             "",
             "Advertisement\n\nPrices rose, the minister allegedly told aides, which has not been confirmed."]
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
    calls: list[int] = []
    real_pipe = sourcetrace.nlp.load_model().pipe

    def counted(texts, **kw):  # type: ignore[no-untyped-def]
        texts = list(texts)
        calls.append(len(texts))
        return real_pipe(texts, **kw)

    monkeypatch.setattr(sourcetrace.nlp.load_model(), "pipe", counted)
    many = analyze_many(docs)
    assert calls == [len(docs)]  # one batched parse for all of them
    assert [d.to_dict() for d in many] == [analyze(d).to_dict() for d in docs]  # type: ignore[union-attr]
    assert all(d.parsed is None for d in many)  # type: ignore[union-attr]
    assert many[0].attributions and many[1].attributions  # type: ignore[union-attr]


def test_analyze_many_pins_a_failure_on_its_document_when_the_batch_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import sourcetrace.pipeline as pipeline

    def one(doc: Document) -> Document:
        if doc.doc_id == "bad":
            raise ValueError("kaputt")
        return doc.with_(meta={"seen": "yes"})

    def batch(docs: list[Document]) -> list[Document]:
        return [one(d) for d in docs]  # fails for the whole batch

    monkeypatch.setattr(pipeline, "STAGES", (Stage("step.v1", one, (), (), batch=batch),))
    out = pipeline.analyze_many([Document("a", "x"), Document("bad", "y"), Document("c", "z")])
    assert [type(o).__name__ for o in out] == ["Document", "StageError", "Document"]
    assert "step.v1 failed on bad: kaputt" in str(out[1])
    assert out[2].meta == {"seen": "yes"}  # type: ignore[union-attr]


def test_analyze_many_refuses_a_long_punctuation_run_and_goes_on() -> None:
    # spaCy's tokenizer would take the square of the run's length; such a text is no article
    from sourcetrace.pipeline import analyze_many

    docs = [Document("junk", "=" * 10 + ".,;:!?" * 500),
            Document("broken", ("=" * 999 + "a") * 3),  # broken by letters
            Document("spaced", ("=" * 700 + " ") * 4),  # broken by spaces
            Document("ok", "“We won,” the captain said.\n" + "=" * 300 + "\nSee https://example.org/"
                     + "a/b-c?d=e&" * 30)]
    junk, broken, spaced, ok = analyze_many(docs)
    assert all(isinstance(e, StageError) and "E505" in str(e) for e in (junk, broken, spaced))
    assert isinstance(ok, Document) and ok.attributions  # a separator line and a long URL pass


def test_analyze_many_forgets_the_new_words_of_its_documents() -> None:
    """A long run must not keep every word it ever met in spaCy's vocabulary (spaCy's
    memory zone around the batch): the analysis comes back, the new strings do not stay."""
    from sourcetrace.nlp import load_model
    from sourcetrace.pipeline import analyze_many

    strings = load_model().vocab.strings
    before = len(strings)
    text = "“Zorblatt quenified the vexmoor,” Plimbus Drattlewick said on Tuesday."
    (out,) = analyze_many([Document("made-up", text)])
    assert isinstance(out, Document) and out.attributions
    assert out.attributions[0].source and text[slice(*out.attributions[0].source[0])] == "Plimbus Drattlewick"
    assert "quenified" not in strings and "Drattlewick" not in strings
    assert len(strings) == before


def test_pipeline_writes_only_the_contract_values_of_kind_certainty_and_type() -> None:
    """Records read back keep any string there (another system's, an older store's); what
    the pipeline itself writes stays on the CONTRACT's lists."""
    from pathlib import Path

    from sourcetrace.model import CERTAINTIES, ENTITY_TYPES, KINDS
    from sourcetrace.pipeline import analyze_many

    examples = sorted((Path(__file__).parents[1] / "examples").glob("*.txt"))
    assert examples
    docs = analyze_many([Document(p.stem, p.read_text(encoding="utf-8")) for p in examples])
    attrs = [a for d in docs for a in d.attributions]  # type: ignore[union-attr]
    ents = [e for d in docs for e in d.entities]  # type: ignore[union-attr]
    assert len(attrs) > 10 and len(ents) > 5
    assert {a.kind for a in attrs} <= set(KINDS)
    assert {a.certainty for a in attrs} <= set(CERTAINTIES)
    assert {e.type for e in ents} <= set(ENTITY_TYPES)
    assert len({a.kind for a in attrs}) >= 3 and len({e.type for e in ents}) >= 3
