"""Quality gate: the pipeline's PolNeAR dev scores must not fall below pinned floors.

Run with `pytest tests/eval_gate.py` (it is part of `make test`). A floor may be raised
when the pipeline improves; lowering one needs SOURCETRACE_LOWER_FLOORS=1 and a reason in
the commit message. The floors sit a little under the measured scores (see the closing
note of the issue that set them), so that noise does not fail the build.
"""

from __future__ import annotations

import os

import pytest

from sourcetrace.evaluate import load_records, score_documents
from sourcetrace.model import Document
from sourcetrace.pipeline import analyze

from .conftest import POLNEAR_DEV, need_shared

FLOORS = {  # measured 2026-12-02 (fourth session that day): 0.711, 0.681, 0.859, content exact 0.527, 0.656, 0.697
    "attribution": 0.695,
    "attribution_strict": 0.665,
    "content_token": 0.840,
    "content_exact": 0.510,
    "cue_exact": 0.640,
    "source_exact": 0.680,
}


def test_eval_gate_polnear_dev() -> None:
    need_shared(POLNEAR_DEV)
    gold = load_records(POLNEAR_DEV)
    pred = [analyze(Document(doc_id=g.doc_id, text=g.text)) for g in gold]
    result = score_documents(gold, pred)
    assert not result.errors
    below = {m: round(result.metrics[m]["f1"], 3) for m, f in FLOORS.items() if result.metrics[m]["f1"] < f}
    if below and not os.environ.get("SOURCETRACE_LOWER_FLOORS"):
        pytest.fail(f"below the pinned floors {FLOORS}: {below}")
