"""Tests for the scorer: every rule of CONTRACT.md "Scoring" on hand-built Documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sourcetrace.evaluate as evaluate
from sourcetrace.errors import InputError
from sourcetrace.evaluate import METRICS, format_table, load_records, score_documents
from sourcetrace.model import Attribution, Document

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"

TEXT = "Alice said the plan failed. Bob said it worked ."


def attr(
    i: int,
    source: list[tuple[int, int]],
    cue: list[tuple[int, int]],
    content: list[tuple[int, int]],
) -> Attribution:
    return Attribution(id=f"a{i}", source=tuple(source), cue=tuple(cue), content=tuple(content))


def span(text: str, piece: str, start: int = 0) -> tuple[int, int]:
    """The offsets of ``piece`` (found by search, never typed by hand)."""
    pos = text.index(piece, start)
    return (pos, pos + len(piece))


def doc(*attrs: Attribution, text: str = TEXT, doc_id: str = "d1") -> Document:
    return Document(doc_id=doc_id, text=text, attributions=tuple(attrs))


def gold_doc() -> Document:
    return doc(
        attr(1, [span(TEXT, "Alice")], [span(TEXT, "said")], [span(TEXT, "the plan failed")]),
        attr(2, [span(TEXT, "Bob")], [span(TEXT, "said", 20)], [span(TEXT, "it worked")]),
    )


def counts(result: evaluate.EvalResult, name: str) -> tuple[float, float, float]:
    m = result.metrics[name]
    return (m["tp"], m["fp"], m["fn"])


def test_evaluate_all_lists_public_api() -> None:
    for name in evaluate.__all__:
        assert hasattr(evaluate, name)
    assert {"score_documents", "load_records", "format_table", "EvalResult"} <= set(
        evaluate.__all__
    )


def test_evaluate_gold_against_itself_is_perfect() -> None:
    result = score_documents([gold_doc()], [gold_doc()])
    assert list(result.metrics) == list(METRICS)
    for name, m in result.metrics.items():
        assert (m["p"], m["r"], m["f1"]) == (1.0, 1.0, 1.0), name
        assert m["fp"] == m["fn"] == 0, name
    assert result.errors == []
    assert result.documents == 1


def test_evaluate_exact_ignores_edge_and_gap_whitespace() -> None:
    text = "Alice  said  the plan failed ."
    a, b = span(text, "the plan"), span(text, "failed")
    gold = doc(attr(1, [span(text, "Alice")], [span(text, "said")], [a, b]), text=text)
    # Trailing/leading spaces around the source and cue, and one span over the gap.
    src = span(text, "Alice  ")
    cue = span(text, " said ")
    pred = doc(attr(1, [src], [cue], [(a[0], b[1])]), text=text)
    result = score_documents([gold], [pred])
    for role in ("source", "cue", "content"):
        assert counts(result, f"{role}_exact") == (1, 0, 0), role


def test_evaluate_exact_needs_same_characters() -> None:
    pred = doc(
        attr(1, [span(TEXT, "Alic")], [span(TEXT, "said")], [span(TEXT, "the plan failed.")]),
        attr(2, [span(TEXT, "Bob")], [span(TEXT, "said", 20)], [span(TEXT, "it worked")]),
    )
    result = score_documents([gold_doc()], [pred])
    assert counts(result, "source_exact") == (1, 1, 1)
    assert counts(result, "content_exact") == (1, 1, 1)
    assert counts(result, "source_partial") == (2, 0, 0)


def test_evaluate_whitespace_only_value_is_not_a_value() -> None:
    blank = span(TEXT, " ")
    pred = doc(attr(1, [blank], [span(TEXT, "said")], [span(TEXT, "the plan failed")]))
    gold = doc(attr(1, [], [span(TEXT, "said")], [span(TEXT, "the plan failed")]))
    result = score_documents([gold], [pred])
    assert counts(result, "source_exact") == (0, 0, 0)
    assert counts(result, "source_partial") == (0, 0, 0)
    # A whitespace-only source is an empty source, so it agrees with the empty gold one.
    assert counts(result, "attribution_strict") == (1, 0, 0)


def test_evaluate_shared_source_counts_once() -> None:
    text = "The minister said X and added Y ."
    src = span(text, "The minister")
    gold = doc(
        attr(1, [src], [span(text, "said")], [span(text, "X")]),
        attr(2, [src], [span(text, "added")], [span(text, "Y")]),
        text=text,
    )
    # One prediction with the same source, padded with a space: still the same value.
    pred = doc(attr(1, [(src[0], src[1] + 1)], [span(text, "said")], [span(text, "X")]), text=text)
    result = score_documents([gold], [pred])
    assert counts(result, "source_exact") == (1, 0, 0)
    assert counts(result, "source_partial") == (1, 0, 0)
    assert counts(result, "content_exact") == (1, 0, 1)
    assert counts(result, "attribution") == (1, 0, 1)


def test_evaluate_partial_is_greedy_one_to_one_largest_overlap_first() -> None:
    text = "abcdefghijklmnopqrst said it"
    cue, content = span(text, "said"), span(text, "it")
    g1, g2 = (0, 10), (10, 20)
    gold = doc(attr(1, [g1], [cue], [content]), attr(2, [g2], [cue], [content]), text=text)
    # p1 shares 8 chars with g1 and 10 with g2; p2 shares 4 with g1 only.
    # Largest first: (g2, p1) = 10, then (g1, p2) = 4, so both gold values are found.
    # Taking gold in order instead would give g1 -> p1 and leave g2 unmatched.
    p1, p2 = (2, 20), (0, 4)
    pred = doc(attr(1, [p1], [cue], [content]), attr(2, [p2], [cue], [content]), text=text)
    result = score_documents([gold], [pred])
    assert counts(result, "source_partial") == (2, 0, 0)
    assert counts(result, "source_exact") == (0, 2, 2)

    # One predicted value covering both gold values still matches only one of them.
    one = doc(attr(1, [(0, 20)], [cue], [content]), text=text)
    assert counts(score_documents([gold], [one]), "source_partial") == (1, 0, 1)


def test_evaluate_token_counts_by_hand() -> None:
    text = "Bob said the U.S. tax-plan fails."
    # Tokens: Bob said the U . S . tax - plan fails .  (12)
    gold = doc(
        attr(1, [span(text, "Bob")], [span(text, "said")], [span(text, "the U.S. tax-plan fails")]),
        text=text,
    )
    # Touches S . tax - plan (5, all gold) and, through "id", said (not gold content).
    content = [span(text, "id"), span(text, "S. tax-pl")]
    pred = doc(attr(1, [span(text, "Bob")], [span(text, "said")], content), text=text)
    result = score_documents([gold], [pred])
    m = result.metrics["content_token"]
    # Gold touches the U . S . tax - plan fails (9 tokens).
    assert (m["tp"], m["fp"], m["fn"]) == (5, 1, 4)
    assert m["p"] == pytest.approx(5 / 6)
    assert m["r"] == pytest.approx(5 / 9)
    assert m["f1"] == pytest.approx(2 * 5 / (6 + 9))
    assert counts(result, "cue_token") == (1, 0, 0)


def test_evaluate_token_union_over_attributions() -> None:
    text = "Ann said A B C and added it ."
    # Two gold contents that share the token B (tokens are compared by position).
    gold = doc(
        attr(1, [], [span(text, "said")], [span(text, "A B")]),
        attr(2, [], [span(text, "added")], [span(text, "B C")]),
        text=text,
    )
    # One prediction covering "A B": B counts once, only C is missing.
    pred = doc(attr(1, [], [span(text, "said")], [span(text, "A B")]), text=text)
    assert counts(score_documents([gold], [pred]), "content_token") == (2, 0, 1)
    # One character of "Ann" touches the whole token Ann, which is not gold content.
    first_char = doc(attr(1, [], [span(text, "said")], [(0, 1)]), text=text)
    assert counts(score_documents([gold], [first_char]), "content_token") == (0, 1, 3)


def test_evaluate_text_mismatch_is_reported_and_scored_empty() -> None:
    pred = doc(*gold_doc().attributions, text=TEXT + " extra")
    result = score_documents([gold_doc()], [pred])
    assert len(result.errors) == 1
    assert result.errors[0].startswith("d1: predicted text differs from gold text")
    assert "scored as empty" in result.errors[0]
    for name, m in result.metrics.items():
        assert m["tp"] == 0 and m["fp"] == 0 and m["fn"] > 0, name
        assert (m["p"], m["r"], m["f1"]) == (0.0, 0.0, 0.0), name


def test_evaluate_out_of_bounds_span_is_clipped_and_reported() -> None:
    a = gold_doc().attributions[1]
    end = len(TEXT)
    past_end = attr(2, list(a.source), list(a.cue), [(span(TEXT, "it worked")[0], end + 50)])
    result = score_documents([gold_doc()], [doc(gold_doc().attributions[0], past_end)])
    assert result.errors == ["d1: predicted span outside the text; clipped to the text"]
    assert counts(result, "attribution") == (2, 0, 0)
    # "it worked ." covers one token more than the gold "it worked".
    assert counts(result, "content_token") == (5, 1, 0)


def test_evaluate_missing_document_scores_empty_and_extra_is_ignored() -> None:
    other = doc(*gold_doc().attributions, doc_id="d2")
    stray = doc(*gold_doc().attributions, doc_id="not-in-gold")
    result = score_documents([gold_doc(), other], [gold_doc(), stray])
    assert result.documents == 2
    assert result.ignored_predictions == 1
    assert counts(result, "attribution") == (2, 0, 2)
    assert counts(result, "content_exact") == (2, 0, 2)
    assert result.metrics["attribution"]["p"] == 1.0
    assert result.metrics["attribution"]["r"] == 0.5
    assert any(e.startswith("d2: no prediction") for e in result.errors)


def test_evaluate_strict_needs_overlapping_sources() -> None:
    pred = doc(
        attr(1, [span(TEXT, "plan")], [span(TEXT, "said")], [span(TEXT, "the plan failed")]),
        attr(2, [span(TEXT, "Bob")], [span(TEXT, "said", 20)], [span(TEXT, "worked")]),
    )
    result = score_documents([gold_doc()], [pred])
    assert counts(result, "attribution") == (2, 0, 0)
    # "plan" lies in the content, not in the gold source "Alice".
    assert counts(result, "attribution_strict") == (1, 1, 1)


def test_evaluate_attribution_needs_cue_and_content_overlap() -> None:
    wrong_cue = doc(
        attr(1, [span(TEXT, "Alice")], [span(TEXT, "plan")], [span(TEXT, "the plan failed")])
    )
    wrong_content = doc(
        attr(1, [span(TEXT, "Alice")], [span(TEXT, "said")], [span(TEXT, "it worked")])
    )
    gold = doc(gold_doc().attributions[0])
    assert counts(score_documents([gold], [wrong_cue]), "attribution") == (0, 1, 1)
    assert counts(score_documents([gold], [wrong_content]), "attribution") == (0, 1, 1)


def test_evaluate_attribution_is_one_to_one() -> None:
    gold = doc(gold_doc().attributions[0])
    a = gold_doc().attributions[0]
    shorter = attr(2, list(a.source), list(a.cue), [span(TEXT, "plan")])
    result = score_documents([gold], [doc(shorter, a)])
    assert counts(result, "attribution") == (1, 1, 0)


def test_evaluate_role_empty_on_both_sides_agrees() -> None:
    text = "It was said that taxes rise. Taxes will rise."
    content = span(text, "that taxes rise")
    implicit = span(text, "Taxes will rise")
    gold = doc(
        attr(1, [], [span(text, "was said")], [content]),  # agentless
        attr(2, [], [], [implicit]),  # implicit: no cue, no source
        text=text,
    )
    result = score_documents([gold], [gold])
    assert counts(result, "attribution") == (2, 0, 0)
    assert counts(result, "attribution_strict") == (2, 0, 0)
    # Empty values are not values: nothing to count for exact/partial/token.
    assert counts(result, "source_exact") == (0, 0, 0)
    assert result.metrics["source_exact"]["f1"] == 0.0

    # An invented source or cue breaks the agreement.
    with_source = doc(attr(1, [span(text, "It")], [span(text, "was said")], [content]), text=text)
    r = score_documents([doc(gold.attributions[0], text=text)], [with_source])
    assert counts(r, "attribution") == (1, 0, 0)
    assert counts(r, "attribution_strict") == (0, 1, 1)
    with_cue = doc(attr(2, [], [span(text, "will")], [implicit]), text=text)
    r = score_documents([doc(gold.attributions[1], text=text)], [with_cue])
    assert counts(r, "attribution") == (0, 1, 1)


def test_evaluate_format_table_last_line_and_json() -> None:
    result = score_documents([gold_doc()], [doc(gold_doc().attributions[0])])
    table = format_table(result)
    last = table.splitlines()[-1]
    assert last == "content_token_f1=0.750 attribution_f1=0.667"
    for name in METRICS:
        assert any(line.startswith(name + " ") for line in table.splitlines())
    data = json.loads(json.dumps(result.to_json()))
    assert data["documents"] == 1
    assert data["metrics"]["attribution"]["tp"] == 1
    assert data["errors"] == []


def test_evaluate_format_table_escapes_doc_ids_in_error_lines() -> None:
    """A doc_id comes from the records: its terminal codes were printed as they were."""
    evil = "evil\x1b]0;PWNED\x07\nerror: forged"
    result = score_documents([doc(doc_id=evil)], [])
    table = format_table(result)
    assert "\x1b" not in table and "\x07" not in table
    assert [line for line in table.splitlines() if line.startswith("error:")] == [
        "error: evil\\x1b]0;PWNED\\x07\\nerror: forged: no prediction for this gold document; scored as empty"]


def test_evaluate_load_records_directory_file_and_lines(tmp_path: Path) -> None:
    one, two = gold_doc(), doc(doc_id="d2")
    (tmp_path / "a.gold.json").write_text(one.to_json(), encoding="utf-8")
    (tmp_path / "corpus.gold.json").write_text('{"schema": "x", "nodes": []}', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(two.to_json() + "\n\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a record", encoding="utf-8")
    docs = load_records(tmp_path)
    assert [d.doc_id for d in docs] == ["d1", "d2"]
    assert docs[0] == one

    array = tmp_path / "all.json"
    array.write_text(json.dumps([one.to_dict(), two.to_dict()]), encoding="utf-8")
    assert [d.doc_id for d in load_records(array)] == ["d1", "d2"]
    assert [d.doc_id for d in load_records(str(tmp_path / "b.jsonl"))] == ["d2"]


def test_evaluate_load_records_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "x", "text": ""}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: E113: malformed JSON line"):
        load_records(bad)
    with pytest.raises(InputError, match="no such file"):
        load_records(tmp_path / "missing.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no sourcetrace records"):
        load_records(empty)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError):
        load_records(binary)


def test_evaluate_load_records_reads_subfolders_and_refuses_a_bad_record_in_a_folder(tmp_path: Path) -> None:
    """It read only the folder's own files; and, built on ``read_records``, a record whose
    text is no string must still be an error, not passed over as a corpus-level record."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.gold.json").write_text(gold_doc().to_json(), encoding="utf-8")
    (tmp_path / "corpus.gold.json").write_text('{"schema": "x", "nodes": []}', encoding="utf-8")
    assert [d.doc_id for d in load_records(tmp_path)] == ["d1"]
    bad = doc(doc_id="d2").to_dict() | {"text": 12345}
    (tmp_path / "b.gold.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InputError, match=r"b\.gold\.json: E114: bad record \(text is not a string\)"):
        load_records(tmp_path)


def test_evaluate_load_records_passes_over_hidden_folders_and_empty_files(tmp_path: Path) -> None:
    """A review of the change that built it on ``read_records``: a notebook's checkpoint
    copy (.ipynb_checkpoints/) was read as a duplicate gold record, and an empty .json
    file failed the whole evaluation, where both were passed over before."""
    (tmp_path / "a.gold.json").write_text(gold_doc().to_json(), encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.gold.json").write_text(gold_doc().to_json(), encoding="utf-8")
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "blank.json").write_text("  \n", encoding="utf-8")
    assert [d.doc_id for d in load_records(tmp_path)] == ["d1"]


def test_evaluate_load_records_names_where_pretty_printed_values_run_on(tmp_path: Path) -> None:
    """Two indented JSON values one after the other were read as JSON Lines, and the error
    pointed at the lone "{" of line 1."""
    both = tmp_path / "both.json"
    both.write_text(json.dumps(gold_doc().to_dict(), indent=1) + "\n" + json.dumps(doc(doc_id="d2").to_dict(), indent=1),
                    encoding="utf-8")
    second = both.read_text(encoding="utf-8").splitlines().index("{", 1) + 1
    with pytest.raises(InputError, match=rf"both\.json: E113: malformed JSON \(Extra data: line {second} column 1\)"):
        load_records(both)


def test_evaluate_seed_gold_against_itself() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not found: {SEEDS} is absent in this checkout")
    gold = load_records(SEEDS)
    assert len(gold) >= 2
    result = score_documents(gold, gold)
    assert result.errors == []
    for name in METRICS:
        if result.metrics[name]["tp"]:
            assert result.metrics[name]["f1"] == 1.0, name
    assert format_table(result).splitlines()[-1] == "content_token_f1=1.000 attribution_f1=1.000"


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("text", 12345, "not a string"),
    ("boilerplate", [{"span": [0], "kind": "ad"}], "a span is"),
    ("attributions", [{"id": "a1", "cue": [[5, 9999]]}], "outside text"),
    ("attributions", [{"id": "a1", "content": [[10, 3]]}], "outside text"),
    ("entities", ["e1"], "bad record"),
    ("attributions", [{"id": "a1", "speaker": ["e1"]}], "speaker is a list, not a string"),
    ("attributions", [{"id": "a1", "parent": 3}], "parent is an int, not a string"),
    ("attributions", [{"id": "a1", "kind": 5}], "kind is an int"),
    ("entities", [{"id": "e1", "name": {"x": 1}}], "an entity's name is a dict"),
    ("entities", [{"id": "e1", "name": "Roe", "type": 4}], "an entity's type is an int"),
    ("boilerplate", [{"span": [0, 4], "kind": 7}], "a boilerplate kind is an int"),
])
def test_load_records_malformed_record_is_one_input_error(tmp_path: Path, field: str, value: object,
                                                          reason: str) -> None:
    record = {"doc_id": "d1", "text": "Jane Roe said the pier will close."} | {field: value}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"E114.*{reason}"):
        load_records(path)


def test_load_records_keeps_values_off_the_contract_lists(tmp_path: Path) -> None:
    """eval scores spans only: another system's "uncertain" or "Direct" is no reason to
    refuse its records (an older store holds such values too)."""
    record = {"doc_id": "d1", "text": "Jane Roe said the pier will close.",
              "attributions": [{"id": "a1", "source": [[0, 8]], "cue": [[9, 13]], "content": [[14, 33]],
                                "kind": "Direct", "certainty": "uncertain"}],
              "entities": [{"id": "e1", "name": "Jane Roe", "type": "company", "mentions": [[0, 8]]}]}
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [doc] = load_records(path)
    assert (doc.attributions[0].kind, doc.attributions[0].certainty, doc.entities[0].type) == (
        "Direct", "uncertain", "company")
    assert score_documents([doc], [doc]).metrics["attribution"]["f1"] == 1.0


def test_load_records_lone_surrogate_is_one_input_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"doc_id": "d1", "text": "Jane \\ud800 Roe said so."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="E114.*Unicode"):
        load_records(path)
