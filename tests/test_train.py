"""The training-data converter, on tiny CoNLL-U snippets written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.vocab import Vocab

from sourcetrace.train.convert import (
    _class_spans,
    _iob_spans,
    read_conllu,
    read_iob2,
    silver_docs,
    treebank_docs,
)

TREEBANK = """# sent_id = s1
# text = Anna can't come.
1	Anna	Anna	PROPN	NNP	_	4	nsubj	_	_
2-3	can't	_	_	_	_	_	_	_	_
2	ca	can	AUX	MD	_	4	aux	_	_
3	n't	not	PART	RB	_	4	advmod	_	_
4	come	come	VERB	VB	_	0	root	_	SpaceAfter=No
5	.	.	PUNCT	.	_	4	punct	_	_

"""

SILVER = """# sent_id = doc1#1
1	The	the	_	DT	_	2	det	_	TokenRange=0:3
2	mayor	mayor	_	NN	_	3	nsubjpass	_	TokenRange=4:9
3	was	be	_	VBD	_	4	auxpass	_	TokenRange=10:13
4	quoted	quote	_	VBN	_	0	root	_	TokenRange=14:20
5	by	by	_	IN	_	7	case	_	TokenRange=21:23
6	Harbour	Harbour	_	NNP	_	7	compound	_	TokenRange=24:31|NER=ORGANIZATION
7	Gazette	Gazette	_	NNP	_	4	nmod:agent	_	TokenRange=32:39|NER=ORGANIZATION|SpaceAfter=No
8	.	.	_	.	_	4	punct	_	TokenRange=39:40

"""


def test_train_read_conllu_folds_multiword_tokens(tmp_path: Path) -> None:
    path = tmp_path / "t.conllu"
    path.write_text(TREEBANK, encoding="utf-8")
    (sent,) = list(read_conllu(path))
    assert sent.words == ["Anna", "ca", "n't", "come", "."]
    assert sent.spaces == [True, False, True, False, True]
    assert sent.heads == [3, 3, 3, -1, 3]
    doc = next(treebank_docs(Vocab(), [sent], None))
    assert doc.text == "Anna can't come. "
    assert [t.dep_ for t in doc] == ["nsubj", "aux", "advmod", "ROOT", "punct"]


def test_train_multiword_token_does_not_glue_the_next_sentence(tmp_path: Path) -> None:
    second = "# sent_id = s2\n1\tHe\the\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\t_\n\n"
    path = tmp_path / "t.conllu"
    path.write_text(TREEBANK + second, encoding="utf-8")
    doc = next(treebank_docs(Vocab(), read_conllu(path), None))
    assert doc.text == "Anna can't come. He left "


def test_train_silver_labels_become_ud2(tmp_path: Path) -> None:
    path = tmp_path / "s.conllu"
    path.write_text(SILVER, encoding="utf-8")
    (doc,) = list(silver_docs(Vocab(), read_conllu(path)))
    assert [t.dep_ for t in doc] == ["det", "nsubj:pass", "aux:pass", "ROOT", "case", "compound", "obl:agent", "punct"]
    assert [(e.text, e.label_) for e in doc.ents] == [("Harbour Gazette", "ORG")]


def test_train_entity_spans() -> None:
    assert _iob_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC")]
    assert _class_spans(["PERSON", "PERSON", "O", "MISC", "LOCATION"]) == [(0, 2, "PER"), (4, 5, "LOC")]


def test_train_iob2_maps_prerelease_tags_to_o(tmp_path: Path) -> None:
    path = tmp_path / "n.iob2"
    path.write_text("# sent_id = s1\n1\tAnna\tB-PER\t-\t-\n2\tsaw\tB-O\t-\t-\n3\tJazz\tB-OTH\t-\t-\n\n", encoding="utf-8")
    assert read_iob2(path) == {"s1": ["B-PER", "O", "O"]}


@pytest.mark.slow
def test_train_command_runs_end_to_end(tmp_path: Path) -> None:
    """`sourcetrace train` on the real data for a few updates (about a minute; `make test-all`)."""
    from click.testing import CliRunner

    from sourcetrace.cli import cli

    from .conftest import SHARED, need_shared

    need_shared(SHARED / "data" / "ud-english-ewt")
    result = CliRunner().invoke(cli, ["train", "--shared", str(SHARED), "--workdir", str(tmp_path),
                                      "--max-steps", "10", "--no-install"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "model-best" / "config.cfg").exists()
    assert '"aligned"' in result.output
