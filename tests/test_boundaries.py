"""The span-boundary model: its candidates and features, its guards, training, the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcetrace.attribution import extract_attributions, rule_frames
from sourcetrace.attribution.boundaries import (
    FEATURE_VERSION,
    BoundaryModel,
    TokenTable,
    _marks,
    adjust_spans,
    candidates,
    load_boundary_model,
    places,
)
from sourcetrace.boilerplate import mark_boilerplate
from sourcetrace.errors import ConfigError
from sourcetrace.model import Attribution, Document
from sourcetrace.nlp import parse


def _parsed(text: str) -> Document:
    return parse(mark_boilerplate(Document("t", text)))


def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def test_candidates_are_every_token_boundary_of_the_sentence_around_the_span() -> None:
    text = "The mayor said the old bridge was safe, before the vote. Nobody asked her."
    doc = _parsed(text)
    table = TokenTable(doc.parsed, text)
    span = _at(text, "the old bridge was safe")
    ends = candidates(table, "end", span, "indirect", set(), _at(text, "said")[0])
    # from the span's first word to the sentence's full stop; never into the next sentence
    assert [text[span[0]:pos].split()[-1] for pos, _ in ends][:3] == ["the", "old", "bridge"]
    assert ends[-1][0] == _at(text, ".")[1]
    assert [pos for pos, f in ends if "r=0" in f] == [span[1]]
    # the boundary after "safe" cuts no arc of the clause; after "old" it cuts the noun phrase
    by_end = {text[span[0]:pos]: set(f) for pos, f in ends}
    assert "N.w=," in by_end["the old bridge was safe"] and "fin=False" in by_end["the old bridge was safe"]
    assert "x=0" not in by_end["the old"]
    assert "fin=True" in by_end["the old bridge was safe, before the vote"]
    said = _at(text, "said")
    starts = candidates(table, "start", span, "indirect", table.tokens_of([said]), said[0])
    assert starts[0][0] == 0 and [pos for pos, f in starts if "r=0" in f] == [span[0]]
    # right after the cue, which is another role of the attribution
    assert {"P.t=VBD", "P_role=True", "ac=True", "F.w=the"} <= set(dict(starts)[span[0]])


def test_fast_score_is_the_sum_of_the_features_weights() -> None:
    import random

    from sourcetrace.attribution.boundaries import SIDES, features, places

    text = ("“We will reopen the harbour on Monday,” port director Anna Berg said, before the vote. The council "
            "said on Tuesday that the bridge was safe, according to the Harbour Gazette.\n\nBerg told reporters "
            "the ferry would run; “nobody,” she added, “will be left behind.”")
    doc = _parsed(text)
    table = TokenTable(doc.parsed, text)
    frames, _, _ = rule_frames(doc)
    assert len(frames) >= 3
    rng = random.Random(7)
    cases = []
    for f in frames:
        for role in ("content", "cue"):
            spans = getattr(f, role)
            others = table.tokens_of([*f.source, *(f.cue if role == "content" else f.content)])
            for side in SIDES:
                for p in places(table, side, (spans[0][0], spans[-1][1]), others, f.cue[0][0], 4):
                    cases.append((f"{role}.{side}", side, "mixed" if rng.random() < 0.5 else "direct", p))
    # every feature the places have gets a weight; the fast path must add up the same
    weights: dict[str, dict[str, float]] = {}
    for key, side, kind, p in cases:
        for name in features(table, side, kind, p):
            weights.setdefault(key, {}).setdefault(name, round(rng.uniform(-2, 2), 3))
    model = BoundaryModel(weights)
    for key, side, kind, p in cases:
        want = sum(weights[key][name] for name in features(table, side, kind, p))
        assert model.scorer(key).score(table, kind, p) == pytest.approx(want, abs=1e-9), (key, p)
    assert len(cases) > 100


def test_the_best_position_wins_and_the_current_one_wins_a_tie() -> None:
    text = "The mayor said the old bridge was safe, before the vote."
    table = TokenTable(_parsed(text).parsed, text)
    span = _at(text, "the old bridge was safe")
    cands = places(table, "end", span, set(), None)
    model = BoundaryModel({"content.end": {"L.t=NN": 1.0, "N.w=,": 2.0}})
    # "safe" has the comma after it (2.0); "bridge" and "vote" are nouns (1.0)
    assert model.best(table, "content.end", "indirect", cands, span[1]) == span[1]
    model = BoundaryModel({"content.end": {"L.t=NN": 1.0}})
    # a tie between "bridge" and "vote": the first one scored wins, unless the current one ties
    assert model.best(table, "content.end", "indirect", cands, span[1]) == _at(text, "bridge")[1]
    assert model.best(table, "content.end", "indirect", cands, _at(text, "vote")[1]) == _at(text, "vote")[1]
    assert BoundaryModel({}).best(table, "cue.end", "indirect", cands, 5) == 5  # no table: the span stays


def test_adjusted_spans_never_cross_another_role_or_lose_a_nested_cue() -> None:
    text = "The mayor said the old bridge was safe, before the vote. Nobody asked her."
    doc = _parsed(text)
    table = TokenTable(doc.parsed, text)
    span = _at(text, "the old bridge was safe")
    to_sentence_end = BoundaryModel({"content.end": {"fin=True": 5.0}, "content.start": {"ini=True": 5.0}})
    said = _at(text, "said")
    # the start would move over the source and the cue: refused, the span stays as it was
    assert adjust_spans(table, to_sentence_end, "content", [span], [_at(text, "The mayor"), said],
                        "indirect", said[0]) == [span]
    ends_only = BoundaryModel({"content.end": {"fin=True": 5.0}})
    longer = (span[0], _at(text, "the vote")[1])
    assert adjust_spans(table, ends_only, "content", [span], [said], "indirect", said[0]) == [longer]
    # a nested cue inside the content must stay inside it
    back_to_safe = BoundaryModel({"content.end": {"N.w=,": 5.0}})  # end before the comma
    assert adjust_spans(table, back_to_safe, "content", [longer], [said], "indirect", said[0],
                        keep_inside=[_at(text, "the vote")]) == [longer]
    assert adjust_spans(table, back_to_safe, "content", [longer], [said], "indirect", said[0]) == [span]


def test_shipped_model_loads_and_a_foreign_one_is_refused(tmp_path: Path) -> None:
    model = load_boundary_model()
    assert {"content.start", "content.end", "cue.start", "cue.end"} <= set(model.weights)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"feature_version": FEATURE_VERSION - 1, "weights": {}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="E531"):
        load_boundary_model(old)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="E530"):
        load_boundary_model(broken)


def test_pipeline_moves_only_span_ends_and_keeps_every_attribution() -> None:
    text = ("“We will reopen the harbour on Monday,” port director Anna Berg said. The council said that "
            "the bridge was safe, according to the Harbour Gazette. Berg told reporters the ferry would run.")
    doc = _parsed(text)
    drawn = extract_attributions(doc, boundaries=False).attributions
    moved = extract_attributions(doc).attributions
    assert [(a.id, a.parent, a.source) for a in drawn] == [(a.id, a.parent, a.source) for a in moved]
    for a, b in zip(drawn, moved, strict=True):
        for role in ("cue", "content"):
            old, new = getattr(a, role), getattr(b, role)
            assert len(old) == len(new) and old[1:-1] == new[1:-1]
            # a moved span still shares text with the one the rules drew
            assert any(s < e2 and s2 < e for s, e in old for s2, e2 in new)


def test_training_learns_where_a_content_stops(tmp_path: Path) -> None:
    from sourcetrace.train.boundaries import examples, train_boundaries

    # my convention here: a "because" clause is the writer's, not the speaker's
    texts = [
        "The mayor said the bridge was safe because engineers checked it.",
        "Officials said the port would close because storms were coming.",
        "The union said the strike would go on because talks had failed.",
        "Teachers said the school was full because families had moved there.",
        "The minister said taxes would rise because the budget was short.",
        "Farmers said prices were low because the harvest was large.",
    ]
    gold = []
    for n, text in enumerate(texts):
        cue = _at(text, "said")
        content = (cue[1] + 1, text.index(" because"))
        gold.append(Document(f"d{n}", text, attributions=(Attribution("a1", ((0, cue[0] - 1),), (cue,), (content,)),)))
    # the rules draw the content to the full stop; the example marks the gold end
    first = _parsed(texts[0])
    frames, _, _ = rule_frames(first)
    assert texts[0][frames[0].content[0][0]:frames[0].content[-1][1]].endswith("checked it")
    groups = dict(examples(first, gold[0].attributions))
    assert sum(is_gold for _, is_gold in groups["content.end"]) == 1
    out = tmp_path / "weights.json"
    meta = train_boundaries(gold, out, log=lambda _m: None)
    assert meta["articles"] == 6 and meta["spans"]["content.end"] == 6
    model = load_boundary_model(out)
    text = "The driver said the road was closed because snow had fallen."
    doc = extract_attributions(_parsed(text), boundaries=model)
    (attr,) = doc.attributions
    assert [text[s:e] for s, e in attr.content] == ["the road was closed"]

    # the same through `sourcetrace train --component boundaries`, without touching the package
    from click.testing import CliRunner

    from sourcetrace.cli import cli

    gold_dir = tmp_path / "shared" / "data" / "polnear" / "train"
    gold_dir.mkdir(parents=True)
    for d in gold:
        (gold_dir / f"{d.doc_id}.gold.json").write_text(json.dumps(d.to_dict()), encoding="utf-8")
    work = tmp_path / "work"
    result = CliRunner().invoke(cli, ["train", "--shared", str(tmp_path / "shared"), "--workdir", str(work),
                                      "--component", "boundaries", "--no-install"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"] == 6 and (work / "boundaries" / "weights.json").is_file()


def test_moves_never_change_the_nesting_or_cross_another_attribution() -> None:
    def read(text: str, model: BoundaryModel) -> list[tuple[str | None, str, str, str]]:
        doc = _parsed(text)
        assert extract_attributions(doc, boundaries=False).attributions  # the rules found them
        attrs = extract_attributions(doc, boundaries=model).attributions
        return [(a.parent, *(" | ".join(text[s:e] for s, e in getattr(a, r)) for r in ("source", "cue", "content")))
                for a in attrs]

    # a parent's content keeps its child's source: the start may not skip "Berg"
    text = "The Gazette reported that Berg said the ferry had stopped running."
    got = read(text, BoundaryModel({"content.start": {"F.t=VBD": 50.0, "F_role=True": -100.0}}))
    assert ("Berg" in got[0][3]) and got[1][0] is not None
    # a nested content may not run on over the outer report's source
    text = "Berg said the ferry had stopped, the Harbour Gazette reported."
    got = read(text, BoundaryModel({"content.end": {"N.d=ROOT": 50.0, "fin=True": 50.0}}))
    assert all("Gazette" not in content for parent, _, _, content in got if parent is not None)
    # a cue may not grow over another attribution
    text = "“It is over,” Berg said as Lund told reporters that it was not."
    got = read(text, BoundaryModel({"cue.end": {"fin=True": 50.0}}))
    assert [cue for _, _, cue, _ in got] == ["said", "told"]


def _content_after_said(text: str, content: str) -> tuple[TokenTable, tuple[int, int], tuple[int, int]]:
    """The token table of ``text``, where "said" is, and where ``content`` is."""
    return TokenTable(_parsed(text).parsed, text), _at(text, "said"), _at(text, content)


def test_half_of_a_two_apostrophe_quotation_is_refused() -> None:
    text = "Berg said the plan was ''a dead end for the town'' and left."
    table, said, span = _content_after_said(text, "the plan was")
    into_the_quote = BoundaryModel({"content.end": {"r=+1": 50.0}})  # one token on: the opening ''
    assert adjust_spans(table, into_the_quote, "content", [span], [said], "indirect", said[0]) == [span]
    whole = BoundaryModel({"content.end": {"N.w=and": 50.0}})  # to the closing '': the quotation whole
    assert adjust_spans(table, whole, "content", [span], [said], "indirect", said[0]) == [
        (span[0], _at(text, "town''")[1])]


def test_the_closing_mark_of_a_single_quotation_is_not_taken_alone() -> None:
    # the seeds' "… Russia's demand ‘to surrender Mariupol,’ …": a content inside the single
    # quotation may not take its closing mark without the opening one; an apostrophe
    # ("Kyiv’s") is no quotation mark
    text = "Ann said Kyiv’s answer to the ‘demand to surrender the port,’ was no, and left."
    table, said, span = _content_after_said(text, "to surrender the port")
    onto_the_mark = BoundaryModel({"content.end": {"N.w=was": 50.0}})  # past ",’" to "was"
    assert adjust_spans(table, onto_the_mark, "content", [span], [said], "indirect", said[0]) == [span]
    assert _marks(text, [(0, len(text))]) == 2  # ‘ and ’ of the quotation, not Kyiv’s apostrophe


def test_a_model_file_of_another_shape_is_a_clean_error(tmp_path: Path) -> None:
    for n, raw in enumerate([{"feature_version": FEATURE_VERSION}, {"feature_version": FEATURE_VERSION, "weights": []},
                             {"feature_version": FEATURE_VERSION, "weights": {"cue.end": {"b": "heavy"}}}]):
        path = tmp_path / f"m{n}.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        with pytest.raises(ConfigError, match="E530"):
            load_boundary_model(path)
