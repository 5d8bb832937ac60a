from __future__ import annotations

import pytest

from sourcetrace.errors import StageError
from sourcetrace.model import Document
from sourcetrace.pipeline import per_document
from sourcetrace.runner import Failure, LocalRunner
from sourcetrace.runner import local as local_runner


def test_runner_failure_is_returned_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def analyze(doc: Document, *, mode: str = "rules") -> Document:
        if doc.doc_id == "bad":
            raise StageError("E502: boom")
        return doc

    monkeypatch.setattr(local_runner, "analyze_many", per_document(analyze))
    out = list(LocalRunner().run([Document("a", "x"), Document("bad", "y"), Document("c", "z")]))
    assert [type(o).__name__ for o in out] == ["Document", "Failure", "Document"]
    assert isinstance(out[1], Failure) and str(out[1]) == "bad: E502: boom"


def test_runner_process_pool_gives_same_records_as_in_process() -> None:
    docs = [Document(f"d{n}", f"“We are ready,” coach Mia Tan said on day {n}.") for n in range(3)]
    one = [d.to_dict() for d in LocalRunner(jobs=1).run(docs)]  # type: ignore[union-attr]
    two = [d.to_dict() for d in LocalRunner(jobs=2).run(docs)]  # type: ignore[union-attr]
    assert one == two
    assert all(r["attributions"] for r in one)
