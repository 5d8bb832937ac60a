"""The CRF role head of the transformer labeller: its loss, its decoding, its ensembles
(need the transformer extra's torch; skipped without it)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from sourcetrace.attribution.transformer import (  # noqa: E402
    TransformerMissing,
    _ensemble,
    allowed_transitions,
    build_head,
    decode,
    head_transitions,
)
from sourcetrace.train.roles import TAGS  # noqa: E402
from sourcetrace.train.transformer_roles import _valid_bio, crf_nll  # noqa: E402

K = len(TAGS)


def _path_score(scores, tags, trans, start) -> float:  # type: ignore[no-untyped-def]
    total = float(start[tags[0]] + scores[0, tags[0]])
    for i in range(1, len(tags)):
        total += float(trans[tags[i - 1], tags[i]] + scores[i, tags[i]])
    return total


def test_crf_loss_is_the_negative_log_likelihood_over_all_valid_sequences() -> None:
    gen = torch.Generator().manual_seed(0)
    scores = torch.randn(1, 3, K, generator=gen)
    trans, start = torch.randn(K, K, generator=gen), torch.randn(K, generator=gen)
    anywhere, _ = allowed_transitions()
    valid = [
        seq for seq in itertools.product(range(K), repeat=3)
        if not TAGS[seq[0]].startswith("I-") and all(anywhere[a, b] for a, b in itertools.pairwise(seq))
    ]
    gold = (TAGS.index("B-SRC"), TAGS.index("I-SRC"), TAGS.index("B-CUE"))
    log_z = math.log(sum(math.exp(_path_score(scores[0], s, trans, start)) for s in valid))
    expected = (log_z - _path_score(scores[0], gold, trans, start)) / 3
    got = float(crf_nll(scores, torch.tensor([gold]), trans, start))
    assert got == pytest.approx(expected, rel=1e-4)
    # padding adds nothing: the same sequence padded with one -100 piece scores the same
    padded = torch.cat([scores, torch.randn(1, 1, K, generator=gen)], dim=1)
    assert float(crf_nll(padded, torch.tensor([[*gold, -100]]), trans, start)) == pytest.approx(expected, rel=1e-4)


def test_decode_adds_the_transitions_of_a_crf_head() -> None:
    text = "Ann said no way"
    offsets = [(0, 3), (4, 8), (9, 11), (12, 15)]
    scores = torch.full((4, K), -5.0)
    for i, tag, value in [(0, "B-SRC", 3.0), (1, "B-CUE", 3.0), (2, "B-CNT", 3.0), (3, "O", 1.0), (3, "I-CNT", 0.5)]:
        scores[i, TAGS.index(tag)] = value
    plain = decode(text, offsets, scores)
    assert plain[-1] == ("CNT", (9, 11))
    # a learned liking for a content going on carries the span over its last word
    trans = torch.zeros(K, K).double().numpy()
    trans[TAGS.index("B-CNT"), TAGS.index("I-CNT")] = 2.0
    with_crf = decode(text, offsets, scores, (trans, torch.zeros(K).double().numpy()))
    assert with_crf[-1] == ("CNT", (9, 15))


def test_valid_bio_starts_every_span_with_its_b_tag() -> None:
    o, b_cnt, i_cnt, i_src = (TAGS.index(t) for t in ("O", "B-CNT", "I-CNT", "I-SRC"))
    y = torch.tensor([i_cnt, i_cnt, o, i_src, b_cnt, i_cnt, i_cnt])
    # chunks of 5: piece 5 opens a chunk inside a content
    assert _valid_bio(y, 5).tolist() == [b_cnt, i_cnt, o, TAGS.index("B-SRC"), b_cnt, b_cnt, i_cnt]


def test_crf_heads_average_their_transitions_and_never_mix_with_plain_heads() -> None:
    a, b = build_head(12, hidden=4, proj=8, crf=True), build_head(12, hidden=4, proj=8, crf=True)
    with torch.no_grad():
        a.trans.fill_(1.0)
        b.trans.fill_(3.0)
    ens = _ensemble([(a.eval(), 12), (b.eval(), 12)])
    trans, start = head_transitions(ens)
    assert trans.shape == (K, K) and float(trans.mean()) == pytest.approx(2.0)
    x = torch.randn(1, 5, 12)
    assert torch.allclose(ens(x), (a(x) + b(x)) / 2)
    assert head_transitions(build_head(12, hidden=4, proj=8)) is None
    with pytest.raises(TransformerMissing):
        _ensemble([(a, 12), (build_head(12, hidden=4, proj=8), 12)])


def test_a_build_folder_keeps_the_features_it_was_made_with(tmp_path: Path) -> None:
    from sourcetrace.train.transformer_roles import _stamp

    minilm = {"encoder": "all-MiniLM-L6-v2", "layers": [-1, -2, -3], "parse": True}
    mpnet = {"encoder": "all-mpnet-base-v2", "layers": [-1, -4, -7], "parse": True}
    assert _stamp(tmp_path / "b", minilm) == minilm
    assert _stamp(tmp_path / "b", minilm) == minilm  # the same features: the cache is reused
    with pytest.raises(ValueError, match="caches other features"):
        _stamp(tmp_path / "b", mpnet)
    legacy = tmp_path / "old"
    legacy.mkdir()
    (legacy / "train.pt").write_bytes(b"")
    with pytest.raises(ValueError, match="without features.json"):
        _stamp(legacy, mpnet)


def test_the_encoder_loads_once_however_its_arguments_are_spelled() -> None:
    from sourcetrace.attribution.transformer import MINILM, TUNED_FROM, TransformerMissing, load_encoder

    try:
        first = load_encoder(name=MINILM)
    except TransformerMissing as e:  # the encoder package of the extra is absent
        pytest.skip(str(e))
    assert load_encoder(None, TUNED_FROM, MINILM)[1] is first[1]
    assert load_encoder()[1] is first[1]
    assert load_encoder(None, 0, MINILM)[1] is first[1]  # tuned_from means nothing untuned
