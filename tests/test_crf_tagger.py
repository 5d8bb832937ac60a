"""The CRF role tagger (--attribution crf): its rule tags, its features, training, the mode."""

from __future__ import annotations

import json
from pathlib import Path

import pycrfsuite
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcetrace.attribution.crf_tagger import crf_tags, load_tagger, rule_tags, token_features
from sourcetrace.model import Attribution, Document
from sourcetrace.train.roles import TAGS, token_tags


def _spans(draw: st.DrawFn, n: int) -> tuple[tuple[int, int], ...]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        s = draw(st.integers(0, n - 1))
        out.append((s, draw(st.integers(s + 1, n))))
    return tuple(out)


@st.composite
def _offsets_and_attributions(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[Attribution]]:
    widths = draw(st.lists(st.integers(1, 6), min_size=1, max_size=30))
    offsets, pos = [], 0
    for w in widths:
        offsets.append((pos, pos + w))
        pos += w + 1
    attrs = [Attribution(f"a{i}", _spans(draw, pos), _spans(draw, pos), _spans(draw, pos))
             for i in range(draw(st.integers(0, 4)))]
    return offsets, attrs


def _plain_token_tags(offsets: list[tuple[int, int]], attrs: list[Attribution]) -> list[str]:
    """The definition, token by token: each token takes the first role (cue, source,
    content) of any span it overlaps, spans in sorted order; a new span starts with B-."""
    owner: list[tuple[str, tuple[int, int]] | None] = [None] * len(offsets)
    for role, suffix in (("cue", "CUE"), ("source", "SRC"), ("content", "CNT")):
        for s, e in sorted({span for a in attrs for span in getattr(a, role)}):
            for i, (ts, te) in enumerate(offsets):
                if ts < e and s < te and owner[i] is None:
                    owner[i] = (suffix, (s, e))
    return ["O" if o is None else ("I-" if i and owner[i - 1] == o else "B-") + o[0] for i, o in enumerate(owner)]


@settings(max_examples=200, deadline=None)
@given(_offsets_and_attributions())
def test_token_tags_by_bisection_match_their_definition(case: tuple[list[tuple[int, int]], list[Attribution]]) -> None:
    # the gold tags the CRF trains on and the rules' tags it reads (rule_tags) come from
    # token_tags, which finds each span's tokens by bisection
    offsets, attrs = case
    assert token_tags(offsets, attrs) == _plain_token_tags(offsets, attrs)
    assert rule_tags(offsets, attrs) == _plain_token_tags(offsets, attrs)  # all outermost here


def test_rule_tags_leave_out_nested_attributions() -> None:
    offsets = [(0, 1), (2, 6), (7, 8), (9, 13), (14, 15)]  # "A said B said C"
    outer = Attribution("a1", ((0, 1),), ((2, 6),), ((7, 15),))
    inner = Attribution("a2", ((7, 8),), ((9, 13),), ((14, 15),), parent="a1")
    assert rule_tags(offsets, [outer, inner]) == ["B-SRC", "B-CUE", "B-CNT", "I-CNT", "I-CNT"]


def _parsed(text: str) -> Document:
    from sourcetrace.attribution import extract_attributions
    from sourcetrace.boilerplate import mark_boilerplate
    from sourcetrace.nlp import parse

    return extract_attributions(parse(mark_boilerplate(Document("t", text))))


def test_features_carry_the_rules_reading_the_parse_and_quotes() -> None:
    doc = _parsed("“We will rebuild the bridge,” the mayor said on Monday.")
    sdoc = doc.parsed
    offsets = [(t.idx, t.idx + len(t.text)) for t in sdoc]
    tags = rule_tags(offsets, doc.attributions)
    feats = token_features(sdoc, tags)
    assert len(feats) == len(sdoc)
    said = next(i for i, t in enumerate(sdoc) if t.text == "said")
    assert "r=B-CUE" in feats[said] and "c=speech_strong" in feats[said]
    bridge = next(i for i, t in enumerate(sdoc) if t.text == "bridge")
    assert "q=1" in feats[bridge] and "q=0" in feats[said]
    # a word inside the quoted clause sees the cue verb above it in the tree
    assert any(f.startswith("a=speech_strong|") for f in feats[bridge])


def test_features_mark_the_cue_words_the_rules_read_and_declined() -> None:
    # "said a prayer" is no saying: the rules read the verb and found no frame, and the CRF
    # sees that (a cue word the parse hid from the rules carries no such mark)
    doc = _parsed("The skipper said a prayer and cast off. The harbour master said the tide was late.")
    sdoc = doc.parsed
    feats = token_features(sdoc, rule_tags([(t.idx, t.idx + len(t.text)) for t in sdoc], doc.attributions))
    said = [i for i, t in enumerate(sdoc) if t.text == "said"]
    assert "dec=verb|speech_strong" in feats[said[0]]
    assert not any(f.startswith("dec=") for f in feats[said[1]])
    prayer = next(i for i, t in enumerate(sdoc) if t.text == "prayer")
    assert "adec=speech_strong" in feats[prayer]
    tide = next(i for i, t in enumerate(sdoc) if t.text == "tide")
    assert not any(f.startswith("adec=") for f in feats[tide])


def test_training_learns_the_gold_tags(tmp_path: Path) -> None:
    from sourcetrace.train.crf_roles import train_crf

    texts = [
        "The minister said the harbour would close. Fishermen backed the decision.",
        "Local farmers backed the new tax. The council said it would vote in May.",
        "Teachers backed the strike. The union said talks had failed.",
    ]
    gold_dir = tmp_path / "shared" / "data" / "polnear" / "train"
    gold_dir.mkdir(parents=True)
    for n, text in enumerate(texts):
        attrs = []
        for m, sent in enumerate(text.split(". ")):
            start = text.index(sent)
            verb = " said " if " said " in sent else " backed "
            v = start + sent.index(verb) + 1
            end = start + len(sent.rstrip("."))
            attrs.append(Attribution(f"a{m}", ((start, v - 1),), ((v, v + len(verb) - 2),), ((v + len(verb) - 1, end),)))
        record = Document(f"d{n}", text, attributions=tuple(attrs)).to_dict()
        (gold_dir / f"d{n}.gold.json").write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "crf" / "model.crfsuite"
    meta = train_crf(gold_dir, out, params={"max_iterations": 60}, log=lambda _m: None)
    assert out.is_file() and json.loads((out.parent / "model.meta.json").read_text())["articles"] == 3
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out))
    assert meta["tokens"] > 30
    # "backed" is no cue in the lexicon, so the rules never tag it: the CRF learned it
    doc = _parsed("Nurses backed the plan.")
    tags = list(crf_tags(tagger, doc.parsed, doc.attributions))
    assert tags[1] == "B-CUE" and set(tags) <= set(TAGS)

    # the same through `sourcetrace train --component crf`, without touching the package
    from click.testing import CliRunner

    from sourcetrace.cli import cli

    work = tmp_path / "work"
    result = CliRunner().invoke(cli, ["train", "--shared", str(tmp_path / "shared"), "--workdir", str(work),
                                      "--component", "crf", "--no-install"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articles"] == 3 and (work / "crf" / "model.crfsuite").is_file()


def test_crf_mode_keeps_the_rules_and_adds_what_they_missed() -> None:
    from sourcetrace.pipeline import analyze, stages_for

    names = [s.name for s in stages_for("crf")]
    assert names.index("attribution.crf.v1") == names.index("attribution.rules.v1") + 1
    load_tagger()  # the bundled model is there
    text = ("The Journal reported that Interfax said the talks had failed. "
            "“We are not leaving,” the union leader Maria Lopez said on Friday. "
            "Most of the delegates would vote for the new charter.")
    rules = analyze(Document("d", text), mode="rules")
    doc = analyze(Document("d", text), mode="crf")
    doc.check_spans()
    roles = lambda d: {(a.source, a.cue, a.content, a.kind) for a in d.attributions}  # noqa: E731
    assert roles(rules) <= roles(doc)  # the rules' reading stands, nesting included
    by_id = {a.id: a for a in doc.attributions}
    assert any(text[slice(*a.cue[0])] == "said" and text[slice(*by_id[a.parent].cue[0])] == "reported"
               for a in doc.attributions if a.parent)
    # a cue the lexicon lacks, learned from PolNeAR ("would vote for")
    added = [a for a in doc.attributions if a.extra.get("learned")]
    assert [text[slice(*a.cue[0])] for a in added] == ["would vote for"]
    assert all(a.certainty for a in doc.attributions) and added[0].speaker is not None


def test_crf_mode_adds_only_attributions_with_a_source() -> None:
    from sourcetrace.attribution.crf_tagger import extract_attributions_crf
    from sourcetrace.pipeline import analyze

    # the CRF reads "known as" as a cue with no one saying it: half a frame, not added
    text = "The pier, long known as the “old mole”, will close."
    raw = extract_attributions_crf(_parsed(text)).attributions
    assert any(a.cue and not a.source for a in raw)
    doc = analyze(Document("d", text), mode="crf")
    assert all(a.source for a in doc.attributions if a.extra.get("learned"))
    assert not any(a.cue == raw_a.cue for a in doc.attributions for raw_a in raw if not raw_a.source)


def test_cli_offers_every_pipeline_mode_and_its_default() -> None:
    # the CLI lists them itself (importing the pipeline would load spaCy for --help)
    from sourcetrace.cli import analyze as analyze_cmd
    from sourcetrace.pipeline import ATTRIBUTION_MODES, DEFAULT_MODE

    option = next(p for p in analyze_cmd.params if p.name == "mode")
    assert tuple(option.type.choices) == ATTRIBUTION_MODES and option.default == DEFAULT_MODE
