"""The DuckDB corpus store: idempotent, resumable, streaming (no model loaded)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import sourcetrace.store as store_mod
from sourcetrace.errors import InputError, StageError
from sourcetrace.model import Document
from sourcetrace.store import PRE_ANALYSED, Store, as_is, content_hash, read_records

from .corpus_helpers import fake_analyze

REPO_ROOT = Path(__file__).resolve().parents[1]


def _docs(n: int, prefix: str = "d") -> list[Document]:
    return [
        Document(f"{prefix}{i}", f"Official Number{i} said that the depot {i} will reopen on day {i}.\n")
        for i in range(n)
    ]


class _Counting:
    """fake_analyze that counts its calls and can crash after some."""

    def __init__(self, crash_after: int | None = None, exc: BaseException | None = None) -> None:
        self.calls = 0
        self.crash_after = crash_after
        self.exc = exc or RuntimeError("simulated crash")

    def __call__(self, doc: Document) -> Document:
        if self.crash_after is not None and self.calls >= self.crash_after:
            raise self.exc
        self.calls += 1
        return fake_analyze(doc)


def _check_whole(store: Store) -> None:
    """No duplicates, and each stored document's rows match its record exactly."""
    con = store.con
    assert con.execute("SELECT count(*) = count(DISTINCT content_hash) FROM documents").fetchall()[0][0]
    assert con.execute(
        "SELECT count(*) FROM (SELECT doc_id, attr_id FROM attributions GROUP BY 1, 2 HAVING count(*) > 1)"
    ).fetchall()[0][0] == 0
    for doc in store.iter_documents():
        n = con.execute("SELECT count(*) FROM attributions WHERE doc_id = ?", [doc.doc_id]).fetchall()[0][0]
        assert n == len(doc.attributions)


def test_store_same_article_twice_stored_once(tmp_path: Path) -> None:
    doc = _docs(1)[0]
    twin = Document("copy-of-d0", doc.text)
    analyze = _Counting()
    with Store(tmp_path / "c.duckdb") as store:
        summary = store.add_documents([doc, twin], analyze=analyze)
        assert (summary.added, summary.skipped) == (1, 1)
        again = store.add_documents([doc], analyze=analyze)
        assert (again.added, again.skipped) == (0, 1)
        assert store.count() == 1
        assert analyze.calls == 1  # skipped before analysis, not after
        _check_whole(store)


def test_store_same_text_twice_in_a_run_shares_the_first_ones_outcome(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A second document with a text already in this run waits on the first one: counted
    as stored when it is, and as failed (under its own name) when the first one fails
    (the default pipeline reads a chunk ahead of the analysis: it was counted as already
    stored, and nothing said it was not)."""
    import sourcetrace.pipeline

    good, bad = _docs(2)
    events: list[tuple[str, str]] = []

    def analyze(doc: Document) -> Document:
        if doc.text == bad.text:
            raise StageError("E505: simulated failure")
        return fake_analyze(doc)

    twins = [Document("twin-of-d0", good.text, origin="a.jsonl:2"), Document("twin-of-d1", bad.text, origin="a.jsonl:4")]
    with Store(tmp_path / "c.duckdb") as store:
        monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(analyze))
        summary = store.add_documents([good, twins[0], bad, twins[1]],
                                      on_event=lambda event, name, detail: events.append((event, name)))
        assert (summary.added, summary.skipped) == (1, 1)
        assert [where for where, _ in summary.failed] == ["d1", "a.jsonl:4"]
        assert all("E505" in reason for _, reason in summary.failed)
        assert summary.failed[1][1] == "same text as d1: E505: simulated failure"
        assert sorted(events) == [("added", "d0"), ("failed", "a.jsonl:4"), ("failed", "d1"), ("skipped", "twin-of-d0")]
        assert store.count() == 1


def test_store_crash_then_resume_loses_nothing_duplicates_nothing(tmp_path: Path) -> None:
    docs = _docs(10)
    path = tmp_path / "c.duckdb"
    crashing = _Counting(crash_after=4)
    with Store(path) as store, pytest.raises(RuntimeError, match="simulated crash"):
        store.add_documents(docs, analyze=crashing, batch_size=3)
    with Store(path) as store:
        # the 4 analysed documents survive: 3 in a committed batch, 1 committed on the way out
        assert store.count() == 4
        resumed = _Counting()
        summary = store.add_documents(docs, analyze=resumed, batch_size=3)
        assert (summary.added, summary.skipped, resumed.calls) == (6, 4, 6)
        assert store.count() == 10
        assert {d.doc_id for d in store.iter_documents()} == {d.doc_id for d in docs}
        _check_whole(store)


def test_store_ctrl_c_keeps_analysed_documents(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            store.add_documents(_docs(5), analyze=_Counting(crash_after=2, exc=KeyboardInterrupt()))
        assert store.count() == 2


def test_store_ctrl_c_inside_a_document_stores_none_of_its_rows(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal may land while a document's rows are being built: the commit on the way
    out stored its document row and some of its attributions (a review saw 10 of 34 and no
    entities), and the rerun skipped it as stored, so it stayed half there."""
    docs = [fake_analyze(d) for d in _docs(4)]
    assert all(len(d.attributions) == 1 for d in docs)
    real = store_mod.sketch.content_terms
    calls = 0

    def interrupted(words: list[str]) -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 3:  # inside the third document, its document row already staged
            raise KeyboardInterrupt
        return real(words)

    monkeypatch.setattr(store_mod.sketch, "content_terms", interrupted)
    path = tmp_path / "c.duckdb"
    with Store(path) as store, pytest.raises(KeyboardInterrupt):
        store.add_documents(docs, analyze=as_is)
    monkeypatch.setattr(store_mod.sketch, "content_terms", real)
    with Store(path) as store:
        assert store.count() == 2
        _check_whole(store)
        summary = store.add_documents(docs, analyze=as_is)
        assert (summary.added, summary.skipped) == (2, 2)
        _check_whole(store)


def test_store_hard_kill_then_resume(tmp_path: Path) -> None:
    """A process killed outright (SIGKILL) keeps whole committed documents only."""
    path = tmp_path / "k.duckdb"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from sourcetrace.model import Document
        from sourcetrace.store import Store
        from tests.corpus_helpers import fake_analyze
        calls = 0
        def analyze(doc):
            global calls
            calls += 1
            if calls == 8:
                os.kill(os.getpid(), signal.SIGKILL)
            return fake_analyze(doc)
        docs = [Document(f"d{{i}}", f"Official Number{{i}} said that the depot {{i}} will reopen on day {{i}}.\\n")
                for i in range(12)]
        Store({str(path)!r}).add_documents(docs, analyze=analyze, batch_size=3)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode != 0, proc.stderr.decode()
    with Store(path) as store:
        kept = store.count()
        assert kept == 6  # two committed batches of 3; the half-filled batch is lost whole
        _check_whole(store)
        summary = store.add_documents(_docs(12), analyze=fake_analyze, batch_size=3)
        assert (summary.added, summary.skipped) == (12 - kept, kept)
        assert store.count() == 12
        _check_whole(store)


def test_store_failed_document_reported_and_run_goes_on(tmp_path: Path) -> None:
    docs = _docs(4)

    def picky(doc: Document) -> Document:
        if doc.doc_id == "d1":
            raise StageError("E502: stage x failed on d1: boom")
        return fake_analyze(doc)

    events: list[tuple[str, str]] = []
    items: list[Document | InputError] = [*docs[:2], InputError("bad.txt", "empty input"), *docs[2:]]
    with Store(tmp_path / "c.duckdb") as store:
        summary = store.add_documents(items, analyze=picky, on_event=lambda e, n, d: events.append((e, n)))
        assert summary.added == 3
        assert sorted(name for name, _ in summary.failed) == ["bad.txt", "d1"]
        assert ("failed", "bad.txt") in events and ("failed", "d1") in events
        # a failed document is not marked as stored: fixing it and rerunning adds it
        assert store.add_documents(docs, analyze=fake_analyze).added == 1


def test_store_process_pool_stores_what_one_process_does_and_names_failures_by_file(tmp_path: Path) -> None:
    # the real pipeline in two worker processes against the same in this one
    docs = [*_docs(5), Document("junk", "=" * 10 + ".,;:!?" * 500, origin="feed.jsonl:3")]  # E505
    stored = {}
    for jobs in (1, 2):
        with Store(tmp_path / f"c{jobs}.duckdb") as store:
            summary = store.add_documents(docs, jobs=jobs)
            assert summary.added == 5
            assert [(where, reason[:4]) for where, reason in summary.failed] == [("feed.jsonl:3", "E505")]
            stored[jobs] = sorted((d.to_dict() for d in store.iter_documents()), key=lambda r: r["doc_id"])
    assert stored[1] == stored[2] and len(stored[1]) == 5


def test_store_doc_id_repeated_across_a_commit_is_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the pipeline's chunks are looked up ahead of their analysis: the second "dup" is
    # looked up before the first is committed, and staged after
    import sourcetrace.pipeline

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    docs = [Document("dup", "Mayor Ann Lee said that the pier opens.\n"), *_docs(4),
            Document("dup", "Chief Bo Park said that the road closes.\n")]
    with Store(tmp_path / "c.duckdb") as store:
        summary = store.add_documents(docs, commit_seconds=0, batch_size=1)
        assert (summary.added, summary.renamed) == (6, 1)
        assert sorted(d.doc_id for d in store.iter_documents())[:2] == ["d0", "d1"]
        assert store.get_document("dup") is not None and store.count() == 6


def test_store_doc_id_taken_by_other_text_is_renamed(tmp_path: Path) -> None:
    a = Document("same", "First text about the harbour. Mayor Ann Lee said that it opens.\n")
    b = Document("same", "Second text about the airport. Mayor Ann Lee said that it closes.\n")
    with Store(tmp_path / "c.duckdb") as store:
        summary = store.add_documents([a, b], analyze=fake_analyze)
        assert (summary.added, summary.renamed) == (2, 1)
        ids = sorted(d.doc_id for d in store.iter_documents())
        assert ids == ["same", f"same~{content_hash(b.text)[:8]}"]


def test_store_record_round_trip_keeps_text_and_spans(tmp_path: Path) -> None:
    doc = fake_analyze(Document("r", "Ünïcode 👍 first.\nThe Harbour Board said that fees rise by 5%.\n", {"outlet": "Gazette"}))
    with Store(tmp_path / "c.duckdb") as store:
        store.add_documents([doc], analyze=as_is)
        back = store.get_document("r")
    assert back is not None and back.to_dict() == doc.to_dict()
    attr = back.attributions[0]
    assert back.text[attr.content[0][0] : attr.content[0][1]] == "fees rise by 5%"


def test_store_default_analysis_is_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sourcetrace.pipeline

    seen: list[str] = []

    def fake(doc: Document) -> Document:
        seen.append(doc.doc_id)
        return fake_analyze(doc)

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake))
    with Store(tmp_path / "c.duckdb") as store:
        store.add_documents(_docs(2))
    assert seen == ["d0", "d1"]


def test_store_records_its_attribution_mode_and_says_when_modes_mix(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import sourcetrace.pipeline

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    mode = sourcetrace.pipeline.DEFAULT_MODE

    def recorded(store: Store) -> str:
        return store.con.execute("SELECT value FROM store_info WHERE key = 'attribution'").fetchall()[0][0]

    with Store(tmp_path / "one.duckdb") as store:
        assert store.add_documents(_docs(2)).mixed_modes == ()
        assert recorded(store) == mode
        store.con.execute("UPDATE store_info SET value = 'rules-v0' WHERE key = 'attribution'")
        assert store.add_documents(_docs(2)).mixed_modes == ()  # nothing new analysed: nothing mixed
        assert store.add_documents(_docs(3, "e")).mixed_modes == ("rules-v0", mode)
        assert recorded(store) == f"rules-v0,{mode}"
    # documents stored before the mode was recorded
    with Store(tmp_path / "two.duckdb") as store:
        store.add_documents(_docs(1))
        store.con.execute("DELETE FROM store_info WHERE key = 'attribution'")
        assert store.add_documents(_docs(2, "e")).mixed_modes == ("unrecorded", mode)
    # records analysed elsewhere (`corpus add --analyzed`) do not say their mode, either way round
    with Store(tmp_path / "three.duckdb") as store:
        assert store.add_documents([fake_analyze(d) for d in _docs(1)], analyze=as_is).mixed_modes == ()
        assert recorded(store) == PRE_ANALYSED
        assert store.add_documents(_docs(2, "e")).mixed_modes == (PRE_ANALYSED, mode)
    with Store(tmp_path / "four.duckdb") as store:
        store.add_documents(_docs(1))
        assert store.add_documents([fake_analyze(d) for d in _docs(2, "e")[1:]], analyze=as_is).mixed_modes == (
            mode, PRE_ANALYSED)


def test_store_interrupted_run_records_its_mode_with_its_documents(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The mode goes into store_info in the transaction that stores its first documents:
    a run stopped before its end leaves no store of "unrecorded" documents behind (its
    resumption warned of mixed modes)."""
    import sourcetrace.pipeline
    from sourcetrace.runner.local import CHUNK

    mode = sourcetrace.pipeline.DEFAULT_MODE
    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many",
                        sourcetrace.pipeline.per_document(_Counting(crash_after=CHUNK + 1, exc=KeyboardInterrupt())))
    docs = _docs(CHUNK + 4)
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            store.add_documents(docs)
        assert store.count() == CHUNK
        assert store.con.execute("SELECT value FROM store_info WHERE key = 'attribution'").fetchall() == [(mode,)]
        monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
        summary = store.add_documents(docs)
        assert (summary.added, summary.mixed_modes) == (4, ())


def test_store_export_parquet(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb") as store:
        store.add_documents(_docs(3), analyze=fake_analyze)
        written = store.export_parquet(tmp_path / "pq")
    names = {p.name for p in written}
    assert {"documents.parquet", "attributions.parquet", "entities.parquet", "link_claims.parquet"} <= names
    table = pq.read_table(tmp_path / "pq" / "documents.parquet")
    assert table.num_rows == 3
    record = json.loads(table.column("record")[0].as_py())
    assert record["schema"] == "sourcetrace/1"


def test_store_read_records_streams_and_reports_bad_lines(tmp_path: Path) -> None:
    good = fake_analyze(Document("g", "Mayor Ann Lee said that the pool opens.\n"))
    path = tmp_path / "recs.jsonl"
    path.write_text(good.to_json() + "\n{not json\n" + json.dumps({"doc_id": "x"}) + "\n", encoding="utf-8")
    items = list(read_records([path, tmp_path / "missing.jsonl"]))
    assert isinstance(items[0], Document) and items[0].to_dict() == good.to_dict()
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.path for e in errors] == [f"{path}:2", f"{path}:3", str(tmp_path / "missing.jsonl")]


def test_store_stats_and_generation(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb") as store:
        assert store.stats()["documents"] == 0
        store.add_documents(_docs(2), analyze=fake_analyze)
        stats = store.stats()
        assert stats["documents"] == 2 and stats["attributions"] == 2 and stats["generation"] >= 1


def test_store_all_is_public() -> None:
    for name in store_mod.__all__:
        assert hasattr(store_mod, name)


def test_store_refuses_sketches_of_another_version(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store(path) as store:
        store.con.execute("UPDATE store_info SET value = '0' WHERE key = 'sketch'")
    with pytest.raises(store_mod.StoreError, match="E605"):
        Store(path)


def test_store_refuses_a_file_that_is_not_a_store_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    """Another DuckDB file got the store's tables added, then failed with a raw DuckDB
    error; a file that is not DuckDB at all was "cannot open" (E601)."""
    import duckdb

    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE documents (x INTEGER)")
    with pytest.raises(store_mod.StoreError, match=r"E602: .*other\.duckdb is not a sourcetrace store"):
        Store(other)
    with duckdb.connect(str(other)) as con:  # not left open, and nothing added
        assert [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()] == ["documents"]
    shaped = tmp_path / "shaped.duckdb"  # a store_info of another shape
    with duckdb.connect(str(shaped)) as con:
        con.execute("CREATE TABLE store_info (a INTEGER)")
    with pytest.raises(store_mod.StoreError, match="E602"):
        Store(shaped)
    views = tmp_path / "views.duckdb"  # views only: taken for a new store, and tables added
    with duckdb.connect(str(views)) as con:
        con.execute("CREATE VIEW v AS SELECT 1 AS one")
    with pytest.raises(store_mod.StoreError, match="E602"):
        Store(views)
    half = tmp_path / "half.duckdb"  # the store's info, a documents table of another shape
    with duckdb.connect(str(half)) as con:
        con.execute("CREATE TABLE store_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO store_info VALUES ('schema', '1')")
        con.execute("CREATE TABLE documents (x INTEGER)")
    with pytest.raises(store_mod.StoreError, match="E602"):
        Store(half)
    for path, before in ((views, ["v"]), (half, ["documents", "store_info"])):
        with duckdb.connect(str(path)) as con:  # the refusal added nothing
            assert sorted(r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() UNION ALL "
                "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()) == before
    text = tmp_path / "notes.duckdb"
    text.write_text("just some notes\n" * 500, encoding="utf-8")
    with pytest.raises(store_mod.StoreError, match="E602"):
        Store(text)
    assert text.read_text(encoding="utf-8") == "just some notes\n" * 500
    with Store(tmp_path / "new.duckdb") as store:  # a new file and an empty one are stores
        assert store.count() == 0
    with Store(tmp_path / "new.duckdb") as store:
        assert store.count() == 0


def test_store_default_pipeline_interrupted_redoes_at_most_one_chunk(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline analyses a chunk of documents at once; a Ctrl-C inside a chunk keeps
    every chunk handed back before it, and the restart redoes only the lost one."""
    import sourcetrace.pipeline
    from sourcetrace.runner.local import CHUNK

    crashing = _Counting(crash_after=CHUNK + 3, exc=KeyboardInterrupt())
    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(crashing))
    docs = _docs(2 * CHUNK + 4)
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            store.add_documents(docs)
        assert store.count() == CHUNK
        resumed = _Counting()
        monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(resumed))
        summary = store.add_documents(docs)
        assert (summary.added, summary.skipped, resumed.calls) == (CHUNK + 4, CHUNK, CHUNK + 4)
        _check_whole(store)


def test_store_a_signal_inside_commit_is_not_hidden_by_the_rollback(tmp_path: Path) -> None:
    """A signal that lands in DuckDB's COMMIT itself raises after the transaction has
    ended: the rollback then failed with "no transaction is active", and that error, not
    the interrupt, reached the CLI (a traceback in place of the stop line)."""

    class CommitThenInterrupted:
        def __init__(self, con: object) -> None:
            self._con = con

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

        def commit(self) -> None:
            self._con.commit()  # type: ignore[attr-defined]
            raise RuntimeError("Query interrupted")

    store = Store(tmp_path / "c.duckdb")
    real = store.con
    store.con = CommitThenInterrupted(real)
    with pytest.raises(RuntimeError, match="Query interrupted"):
        store.add_documents(_docs(2), analyze=fake_analyze)
    store.con = real
    assert real.execute("SELECT count(*) FROM documents").fetchone() == (2,)  # the commit had landed
    store.close()


def test_store_a_signal_just_after_a_commit_does_not_commit_the_batch_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C that landed just after a commit, before the next batch was begun, made the
    run's final commit store the same batch again: a duplicate-key traceback."""
    made = 0

    class InterruptedSecondBatch(store_mod._Batch):
        def __init__(self) -> None:
            nonlocal made
            made += 1
            if made == 2:  # the batch begun after the first commit
                raise KeyboardInterrupt
            super().__init__()

    monkeypatch.setattr(store_mod, "_Batch", InterruptedSecondBatch)
    store = Store(tmp_path / "c.duckdb")
    with pytest.raises(KeyboardInterrupt):
        store.add_documents(_docs(5), analyze=fake_analyze, batch_size=2)
    assert store.con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    _check_whole(store)
    store.close()
