"""`sourcetrace corpus …` through click's CliRunner; the analysis is a fast stand-in."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import sourcetrace.pipeline
from sourcetrace.corpus_cli import corpus
from sourcetrace.model import Document

from .corpus_helpers import fake_analyze

ARTICLES = {
    "ledger.txt": "Mayor Jane Doe said that the old river bridge will close for repairs in May.\n",
    "star.txt": "The Daily Ledger reported that the old river bridge will close for repairs in May.\n",
    "roe.txt": "Bob Roe said that the old river bridge would be closed for repairs in May.\n",
    "odd.txt": "The <Script> & Co said that prices & fees will rise in the spring.\n",
}


@pytest.fixture(autouse=True)
def _fast_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _run(*args: str) -> object:
    return CliRunner().invoke(corpus, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path, articles: Path) -> Path:
    path = tmp_path / "c.duckdb"
    result = _run("add", str(articles), "--db", str(path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return path


def test_corpus_cli_add_is_idempotent(tmp_path: Path, articles: Path) -> None:
    path = tmp_path / "c.duckdb"
    first = _run("add", str(articles), "--db", str(path))
    assert first.exit_code == 0  # type: ignore[attr-defined]
    assert "4 added, 0 already stored, 0 failed" in first.stderr  # type: ignore[attr-defined]
    second = _run("add", str(articles), str(articles / "star.txt"), "--db", str(path))
    assert second.exit_code == 0  # type: ignore[attr-defined]
    assert "0 added, 5 already stored" in second.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_warns_when_the_store_mixes_attribution_modes(tmp_path: Path, articles: Path) -> None:
    import duckdb

    path = tmp_path / "c.duckdb"
    first = _run("add", str(articles), "--db", str(path))
    assert "warning:" not in first.stderr  # type: ignore[attr-defined]
    with duckdb.connect(str(path)) as con:  # as if an earlier version had analysed them another way
        con.execute("UPDATE store_info SET value = 'rules' WHERE key = 'attribution'")
    late = tmp_path / "late.txt"
    late.write_text("Officials said that the ferry will run again in June.\n", encoding="utf-8")
    second = _run("add", str(late), "--db", str(path))
    assert second.exit_code == 0  # type: ignore[attr-defined]
    assert f"more than one attribution mode (rules, {sourcetrace.pipeline.DEFAULT_MODE})" in second.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_bad_inputs_reported_rest_stored(tmp_path: Path, articles: Path) -> None:
    (articles / "empty.txt").write_text("", encoding="utf-8")
    (articles / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 20)
    path = tmp_path / "c.duckdb"
    result = _run("add", str(articles), str(tmp_path / "missing.txt"), "--db", str(path))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]  # type: ignore[attr-defined]
    assert len(errors) == 3
    assert any("empty.txt" in e for e in errors) and any("binary.txt" in e for e in errors)
    assert any("missing.txt" in e for e in errors)
    assert "4 added" in result.stderr  # type: ignore[attr-defined]
    # the store is whole: a rerun finds everything good already there
    again = _run("add", str(articles), "--db", str(path))
    assert "0 added, 4 already stored, 2 failed" in again.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_failed_analysis_is_one_line(tmp_path: Path, articles: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.errors import StageError

    def flaky(doc: Document) -> Document:
        if doc.doc_id == "roe":
            raise StageError("E502: stage attribution.rules.v1 failed on roe: boom")
        return fake_analyze(doc)

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(flaky))
    result = _run("add", str(articles), "--db", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    # named by the file it came from, as a bad input is
    assert f"error: {articles / 'roe.txt'}: E502" in result.stderr  # type: ignore[attr-defined]
    assert "3 added" in result.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_analyzed_records(tmp_path: Path) -> None:
    records = tmp_path / "recs.jsonl"
    docs = [fake_analyze(Document(f"r{i}", text)) for i, text in enumerate(ARTICLES.values())]
    records.write_text("".join(d.to_json() + "\n" for d in docs) + "oops\n", encoding="utf-8")
    result = _run("add", "--analyzed", str(records), "--db", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"error: {records}:5" in result.stderr  # type: ignore[attr-defined]
    assert "4 added" in result.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_analyzed_record_of_a_wrong_field_type_costs_only_itself(tmp_path: Path) -> None:
    """A record whose kind was a number crashed the store's commit: the good records of
    its batch were lost, and every rerun crashed at the same place."""
    records = tmp_path / "recs.jsonl"
    docs = [fake_analyze(Document(f"r{i}", text)).to_dict() for i, text in enumerate(ARTICLES.values())]
    docs[1]["attributions"][0]["kind"] = 5
    docs[2]["attributions"][0]["speaker"] = ["e1"]
    records.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    result = _run("add", "--analyzed", str(records), "--db", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"error: {records}:2: bad record (kind is an int, not a string)" in result.stderr  # type: ignore[attr-defined]
    assert f"error: {records}:3: bad record (speaker is a list, not a string)" in result.stderr  # type: ignore[attr-defined]
    assert "2 added" in result.stderr  # type: ignore[attr-defined]


def test_corpus_cli_claims_json_shape(db: Path) -> None:
    result = _run("claims", "--db", str(db), "--format", "json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    claims = json.loads(result.stdout)  # type: ignore[attr-defined]
    bridge = next(c for c in claims if "bridge" in c["proposition"])
    assert set(bridge) >= {"claim_id", "proposition", "members", "chains", "original_sources",
                           "independent_sources", "echoes"}
    assert set(bridge) - {"original_source_identified"} == {
        "claim_id", "proposition", "members", "chains", "original_sources", "independent_sources", "echoes"}
    assert {m["doc_id"] for m in bridge["members"]} == {"ledger", "star", "roe"}
    assert all(set(m) == {"doc_id", "attribution"} for m in bridge["members"])
    # the Ledger is relayed (no Ledger article is in this corpus, so it stays an origin)
    assert bridge["independent_sources"] == 3
    assert sorted(bridge["original_sources"]) == ["Bob Roe", "Daily Ledger", "Jane Doe"]
    only_shared = json.loads(_run("claims", "--db", str(db), "--format", "json", "--min-docs", "2").stdout)  # type: ignore[attr-defined]
    assert [c["claim_id"] for c in only_shared] == [bridge["claim_id"]]


def test_corpus_cli_citations_and_sources_json_shape(db: Path) -> None:
    edges = json.loads(_run("citations", "--db", str(db), "--format", "json").stdout)  # type: ignore[attr-defined]
    assert all(set(e) == {"from", "to", "to_type", "basis", "evidence"} for e in edges)
    assert {"from": "star", "to": "Daily Ledger", "to_type": "outlet", "basis": "explicit",
            "evidence": [{"doc_id": "star", "attribution": "a1"}]} in edges
    sources = json.loads(_run("sources", "--db", str(db), "--format", "json").stdout)  # type: ignore[attr-defined]
    assert all(set(s) == {"name", "type", "aliases", "documents", "attributions"} for s in sources)
    assert any(s["name"] == "Bob Roe" and s["documents"] == ["roe"] for s in sources)


def test_corpus_cli_csv_and_table(db: Path) -> None:
    out = _run("citations", "--db", str(db), "--format", "csv").stdout  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and set(rows[0]) == {"from", "to", "to_type", "basis", "evidence"}
    table = _run("claims", "--db", str(db))
    assert table.exit_code == 0 and "bridge" in table.stdout  # type: ignore[attr-defined]
    assert "Bob Roe" in _run("sources", "--db", str(db)).stdout  # type: ignore[attr-defined]


def test_corpus_cli_export_parquet(db: Path, tmp_path: Path) -> None:
    result = _run("export", "--db", str(db), "--parquet", str(tmp_path / "pq"))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert pq.read_table(tmp_path / "pq" / "documents.parquet").num_rows == 4
    assert pq.read_table(tmp_path / "pq" / "link_claims.parquet").num_rows >= 1


def test_corpus_cli_graph_graphml_and_gexf_escape_names(db: Path, tmp_path: Path) -> None:
    result = _run("graph", "--db", str(db), "--graphml", str(tmp_path / "g.graphml"),
                  "--gexf", str(tmp_path / "g.gexf"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    graphml = ET.parse(tmp_path / "g.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = [d.text for d in graphml.iterfind(".//g:node/g:data[@key='label']", ns)]
    assert "<Script> & Co" in labels and "Daily Ledger" in labels
    assert len(graphml.findall(".//g:edge", ns)) >= 4
    gexf = ET.parse(tmp_path / "g.gexf").getroot()
    gx = {"x": "http://gexf.net/1.3"}
    assert "<Script> & Co" in [n.get("label") for n in gexf.iterfind(".//x:node", gx)]
    raw = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert "&lt;Script&gt; &amp; Co" in raw


def test_corpus_cli_graph_needs_a_format(db: Path) -> None:
    result = CliRunner().invoke(corpus, ["graph", "--db", str(db)])
    assert result.exit_code == 2


def test_corpus_cli_report_html_self_contained_and_escaped(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.html"
    result = _run("report", "--db", str(db), "--html", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "<path" in page and "<circle" in page
    assert "<Script>" not in page and "&lt;Script&gt; &amp; Co" in page
    stripped = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in stripped and "https://" not in stripped and "<script" not in stripped.lower()


def test_corpus_cli_report_takes_o(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.html"
    result = _run("report", "--db", str(db), "-o", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "<svg" in out.read_text(encoding="utf-8")


def test_corpus_cli_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(corpus, ["claims", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no store at" in result.output
    assert not (tmp_path / "none.duckdb").exists()


def test_corpus_cli_every_command_has_help() -> None:
    for name, command in corpus.commands.items():
        assert command.help, name
        result = CliRunner().invoke(corpus, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


def test_corpus_cli_is_registered_in_the_main_cli(db: Path) -> None:
    from sourcetrace.cli import cli

    result = CliRunner().invoke(cli, ["corpus", "sources", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)


def _gold_record(doc_id: str, text: str, source: str, cue: str, content: str, name: str, typ: str) -> dict:
    def span(part: str) -> list[int]:
        k = text.index(part)
        return [k, k + len(part)]

    return {"schema": "sourcetrace/1", "doc_id": doc_id, "text": text, "meta": {}, "boilerplate": [],
            "attributions": [{"id": "a1", "source": [span(source)], "cue": [span(cue)], "content": [span(content)],
                              "kind": "indirect", "parent": None, "speaker": "e1", "certainty": "asserted"}],
            "entities": [{"id": "e1", "name": name, "type": typ, "mentions": [span(source)]}]}


def test_corpus_cli_eval_against_a_corpus_gold(tmp_path: Path, db: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    claim = "the old river bridge will close for repairs in May"
    records = {
        "ledger": _gold_record("ledger", ARTICLES["ledger.txt"], "Mayor Jane Doe", "said", claim, "Jane Doe", "person"),
        "star": _gold_record("star", ARTICLES["star.txt"], "The Daily Ledger", "reported", claim, "Daily Ledger",
                             "outlet"),
    }
    for doc_id, record in records.items():
        (gold / f"{doc_id}.gold.json").write_text(json.dumps(record), encoding="utf-8")
    corpus_gold = {
        "schema": "sourcetrace/1", "record": "corpus", "documents": ["ledger", "star"],
        "nodes": [{"id": "n:doe", "name": "Jane Doe", "type": "person", "refs": {"ledger": "e1"}},
                  {"id": "n:ledger", "name": "Daily Ledger", "type": "outlet", "refs": {"star": "e1"}}],
        "entities_across": [],
        "citations": [
            {"id": "c1", "from": "doc:ledger", "to": "n:doe", "basis": "explicit", "evidence": []},
            {"id": "c2", "from": "doc:star", "to": "n:ledger", "basis": "explicit", "evidence": []},
            {"id": "c3", "from": "n:ledger", "to": "n:doe", "basis": "explicit", "evidence": []},
        ],
        "claims": [{"id": "k1", "proposition": claim,
                    "attributions": [{"doc": "ledger", "attributions": ["a1"]}, {"doc": "star", "attributions": ["a1"]}]}],
        # Jane Doe, the Daily Ledger (its relay of Doe is not said) and Bob Roe (roe.txt, in the store too)
        "independence": [{"claim": "k1", "independent_original_sources": 3}],
    }
    (gold / "corpus.gold.json").write_text(json.dumps(corpus_gold), encoding="utf-8")

    result = _run("eval", str(gold), "--db", str(db), "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    score = json.loads(result.output)  # type: ignore[attr-defined]
    # the Ledger -> Doe relay is not said in either text, so that edge is missed
    assert (score["edges_gold"], score["edges_found"]) == (3, 2)
    assert any("c3" in m for m in score["misses"])
    assert (score["claims_gold"], score["claims_carried"], score["claims_same_count"]) == (1, 1, 1), score

    # the table form prints the misses, which quote the gold and the articles: escaped
    corpus_gold["nodes"][0]["name"] = "Jane\x1b]0;x\x07 Doe"
    (gold / "corpus.gold.json").write_text(json.dumps(corpus_gold), encoding="utf-8")
    table = _run("eval", str(gold), "--db", str(db)).output  # type: ignore[attr-defined]
    assert "c3 not found" in table and "\x1b" not in table and "\x07" not in table

    (gold / "corpus.gold.json").write_text("{not json", encoding="utf-8")
    bad = CliRunner().invoke(corpus, ["eval", str(gold), "--db", str(db)])
    assert bad.exit_code == 1 and "cannot read the corpus gold" in bad.output


def test_corpus_cli_tables_show_article_text_literally(tmp_path: Path) -> None:
    # article text and ids are untrusted: rich markup stays text, terminal codes are dropped
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "[red]x[-].txt").write_text(
        "Mayor Jane Doe said that the fee [/] will [link=https://evil.example]rise\x1b[2J in May.\n", encoding="utf-8")
    path = tmp_path / "c.duckdb"
    assert _run("add", str(folder), "--db", str(path)).exit_code == 0  # type: ignore[attr-defined]
    for command in ("claims", "citations", "sources"):
        result = _run(command, "--db", str(path))
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert "\x1b" not in result.stdout  # type: ignore[attr-defined]
    claims = _run("claims", "--db", str(path)).stdout  # type: ignore[attr-defined]
    assert "[/]" in claims and "[link=https://evil" in claims and "[red]x[-]" in claims


def test_corpus_cli_negative_limit_is_a_usage_error(db: Path) -> None:
    result = CliRunner().invoke(corpus, ["sources", "--db", str(db), "--limit", "-1"])
    assert result.exit_code == 2 and "-1" in result.output


def test_corpus_cli_add_stopped_by_sigterm_keeps_what_was_analysed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    import duckdb

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        (folder / f"a{n:02d}.txt").write_text(f"Mayor Jane Doe said that pier {n} will close.\n", encoding="utf-8")
    seen: list[str] = []

    def analyze_then_stop(doc: Document) -> Document:
        seen.append(doc.doc_id)
        if len(seen) == 20:  # in the second chunk: the first one is analysed, not yet committed
            os.kill(os.getpid(), signal.SIGTERM)
        return fake_analyze(doc)

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(analyze_then_stop))
    path = tmp_path / "c.duckdb"
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(path)])
    assert result.exit_code == 128 + signal.SIGTERM
    assert "stopped by signal 15; what was committed is kept" in result.output
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back
    with duckdb.connect(str(path), read_only=True) as con:
        stored = con.execute("select count(*) from documents").fetchone()[0]  # type: ignore[index]
    assert 16 <= stored < 40
    rerun = _run("add", str(folder), "--db", str(path))
    assert f"{40 - stored} added, {stored} already stored" in rerun.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_sigterm_inside_a_duckdb_query_is_a_stop_not_a_crash(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB runs a signal's handler during a query and raises its own InterruptException
    in place of the stop handler's exception: that too exits as stopped, with no traceback."""
    import os
    import signal

    import duckdb

    from sourcetrace.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Mayor Jane Doe said that pier {n} will close.\n", encoding="utf-8")

    def commit_interrupted(self: Store, *args: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except KeyboardInterrupt:  # the stop handler raises Stopped
            raise duckdb.InterruptException("INTERRUPT Error: Query interrupted") from None

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    monkeypatch.setattr(Store, "_commit", commit_interrupted)
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 128 + signal.SIGTERM, result.output
    assert "stopped by signal" in result.output and "Traceback" not in result.output
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("signum", [15, 2])
def test_corpus_cli_add_a_signal_inside_a_real_duckdb_query_is_a_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     signum: int) -> None:
    """DuckDB 2.0 turns a signal that lands during a query (its handler's SystemExit, or
    Ctrl-C's KeyboardInterrupt) into a plain RuntimeError('Query interrupted'), not the
    InterruptException of earlier versions: that was a traceback and exit 1."""
    import os
    import signal
    import threading

    from sourcetrace.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Mayor Jane Doe said that pier {n} will close.\n", encoding="utf-8")

    def commit_in_a_long_query(self: Store, *args: object) -> None:
        threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
        # seconds long: DuckDB may see the signal only when the query ends (as under
        # pytest's faulthandler), and raises then
        self.con.execute("SELECT sum(range) FROM range(3000000000)").fetchall()

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    monkeypatch.setattr(Store, "_commit", commit_in_a_long_query)
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 128 + signum, result.output
    assert f"stopped by signal {signum}; what was committed is kept" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("inside_duckdb", [False, True])
def test_corpus_cli_add_ctrl_c_is_a_stop_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     inside_duckdb: bool) -> None:
    """Ctrl-C during `corpus add` exits 130 with the stop line, as a SIGTERM does; inside a
    DuckDB query it arrives as DuckDB's InterruptException, which was a traceback."""
    import signal

    import duckdb

    from sourcetrace.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Mayor Jane Doe said that pier {n} will close.\n", encoding="utf-8")

    def commit_interrupted(self: Store, *args: object) -> None:
        raise duckdb.InterruptException("INTERRUPT Error: Query interrupted") if inside_duckdb else KeyboardInterrupt

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    monkeypatch.setattr(Store, "_commit", commit_interrupted)
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 128 + signal.SIGINT, result.output
    assert "stopped by signal 2; what was committed is kept" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_corpus_cli_add_other_errors_after_a_sigterm_are_not_called_a_stop(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an interrupt reads as the stop: a real error is not hidden behind one."""
    import os
    import signal

    from sourcetrace.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Mayor Jane Doe said that the pier will close.\n", encoding="utf-8")

    def commit_fails(self: Store, *args: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except KeyboardInterrupt:
            raise ValueError("a real bug") from None

    monkeypatch.setattr(sourcetrace.pipeline, "analyze_many", sourcetrace.pipeline.per_document(fake_analyze))
    monkeypatch.setattr(Store, "_commit", commit_fails)
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(tmp_path / "c.duckdb")])
    assert isinstance(result.exception, ValueError)
    assert "stopped by signal" not in result.output


@pytest.mark.parametrize("error", ["worker died", "cannot fork"])
def test_corpus_cli_add_a_pool_that_breaks_is_one_line_and_keeps_what_was_analysed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: str) -> None:
    """A worker killed outright (the OOM killer) or a pool that cannot fork ended
    `corpus add --jobs 2` with a traceback; `analyze` says it in one line."""
    from concurrent.futures.process import BrokenProcessPool

    import duckdb

    from sourcetrace.runner import LocalRunner
    from sourcetrace.runner import local as local_runner

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"a{n}.txt").write_text(f"Mayor Jane Doe said that pier {n} will close.\n", encoding="utf-8")

    def breaks_after_two(self: LocalRunner, docs: Iterator[Document]) -> Iterator[Document]:
        for n, doc in enumerate(docs):
            if n == 2:
                raise BrokenProcessPool(local_runner.WORKER_DIED) \
                    if error == "worker died" else BlockingIOError(11, "Resource temporarily unavailable")
            yield fake_analyze(doc)

    monkeypatch.setattr(LocalRunner, "run", breaks_after_two)
    path = tmp_path / "c.duckdb"
    result = CliRunner().invoke(corpus, ["add", str(folder), "--db", str(path), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    reason = ("a worker process died (killed, or out of memory)" if error == "worker died"
              else "[Errno 11] Resource temporarily unavailable")
    assert result.output == (f"error: the analysis stopped: {reason}; "
                             f"{path}: what was committed is kept, rerun to resume\n")
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone() == (2,)


def test_corpus_cli_report_ctrl_c_is_a_stop_with_one_line(db: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`corpus report`, `export` and `graph` had no stop handler: Ctrl-C gave click's
    "Aborted!" and exit 1, and a SIGTERM killed them where they stood."""
    import sourcetrace.corpus_report

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sourcetrace.corpus_report, "write_corpus_html", interrupted)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(corpus, ["report", "--db", str(db), "-o", str(out)])
    assert result.exit_code == 130, result.output
    assert result.output == f"error: stopped by signal 2; {out} not written\n"


def test_corpus_cli_export_sigterm_inside_duckdb_s_copy_is_a_stop(db: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal
    import threading

    from sourcetrace.store import Store

    def long_copy(self: Store, directory: Path) -> list[Path]:
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
        self.con.execute("SELECT sum(range) FROM range(3000000000)").fetchall()  # DuckDB's own RuntimeError
        return []

    monkeypatch.setattr(Store, "export_parquet", long_copy)
    result = CliRunner().invoke(corpus, ["export", "--db", str(db), "--parquet", str(tmp_path / "pq")])
    assert result.exit_code == 143, result.output
    assert result.output == f"error: stopped by signal 15; {tmp_path / 'pq'} not written\n"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_corpus_cli_table_says_when_it_shows_only_the_first_rows(tmp_path: Path) -> None:
    from sourcetrace.corpus_cli import TABLE_ROWS

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(TABLE_ROWS + 2):
        (folder / f"a{i}.txt").write_text(f"Mayor Jane Doe said that pier {i} will close in week {i}.\n", encoding="utf-8")
    path = tmp_path / "c.duckdb"
    assert _run("add", str(folder), "--db", str(path)).exit_code == 0  # type: ignore[attr-defined]
    assert len(json.loads(_run("claims", "--db", str(path), "--format", "json").stdout)) == TABLE_ROWS + 2  # type: ignore[attr-defined]
    cut = _run("claims", "--db", str(path))
    assert cut.stdout.count("Pier ") == TABLE_ROWS  # type: ignore[attr-defined]
    assert f"the first {TABLE_ROWS} claims" in cut.stderr  # type: ignore[attr-defined]
    for asked in (["--limit", str(TABLE_ROWS + 2)], ["--limit", "3"]):  # rows asked for: no note
        assert "the first" not in _run("claims", "--db", str(path), *asked).stderr  # type: ignore[attr-defined]
    sources = _run("sources", "--db", str(path))  # one speaker: nothing cut
    assert "the first" not in sources.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("analyzed", [False, True])
def test_corpus_cli_add_that_reads_nothing_says_so_and_fails(tmp_path: Path, analyzed: bool) -> None:
    """It printed "0 added, 0 already stored, 0 failed" and exited 0, where `analyze` fails."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not an article\n", encoding="utf-8")
    result = _run("add", *(["--analyzed"] if analyzed else []), str(empty), "--db", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"error: no {'records' if analyzed else 'articles'} " in result.stderr  # type: ignore[attr-defined]
    assert str(empty) in result.stderr  # type: ignore[attr-defined]


def test_corpus_cli_add_of_stored_articles_only_is_no_failure(db: Path, articles: Path) -> None:
    again = _run("add", str(articles), "--db", str(db))
    assert again.exit_code == 0 and "0 added, 4 already stored" in again.stderr  # type: ignore[attr-defined]
