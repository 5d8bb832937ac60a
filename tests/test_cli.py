"""The command line, through click's CliRunner (the model runs for real)."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcetrace.cli import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_every_command_has_help(runner: CliRunner) -> None:
    for name, cmd in cli.commands.items():
        assert cmd.help, f"{name} has no help text"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_cli_analyze_examples_writes_contract_records(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    result = runner.invoke(cli, ["analyze", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(list(EXAMPLES.glob("*.txt")))
    for rec in records:
        assert rec["schema"] == "sourcetrace/1"
        assert rec["text"] == (EXAMPLES / f"{rec['doc_id']}.txt").read_text(encoding="utf-8")
        assert rec["attributions"], rec["doc_id"]


def test_cli_bad_inputs_fail_one_line_each_and_rest_is_written(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("“We won,” the captain said.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["analyze", str(good), str(empty), str(binary), "-o", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("empty.txt" in e for e in errors) and any("blob.txt" in e for e in errors)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["good"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_a_failed_analysis_names_the_file_and_line(runner: CliRunner, tmp_path: Path, jobs: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"id": "fine", "text": "“We won,” the captain said."},
        {"id": "junk", "text": "=" * 10 + ".,;:!?" * 500},  # read, then refused by the nlp stage (E505)
        {"id": "also", "text": "The mayor said the pier would reopen."},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["analyze", str(feed), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {feed}:2: E505"), errors
    assert [json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["fine", "also"]


def test_cli_eval_reports_table_and_text_mismatch(runner: CliRunner, tmp_path: Path) -> None:
    rec = {"schema": "sourcetrace/1", "doc_id": "x", "text": "A said B.", "meta": {}, "boilerplate": [],
           "attributions": [{"id": "a1", "source": [[0, 1]], "cue": [[2, 6]], "content": [[7, 8]],
                             "kind": "indirect", "parent": None, "speaker": None, "certainty": "asserted"}],
           "entities": []}
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.gold.json").write_text(json.dumps(rec), encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    ok = runner.invoke(cli, ["eval", str(gold), str(pred)])
    assert ok.exit_code == 0
    assert ok.output.strip().splitlines()[-1] == "content_token_f1=1.000 attribution_f1=1.000"
    pred.write_text(json.dumps({**rec, "text": "A said C."}) + "\n", encoding="utf-8")
    bad = runner.invoke(cli, ["eval", str(gold), str(pred), "--json"])
    assert bad.exit_code == 1
    assert "differs" in bad.stderr
    assert json.loads(bad.stdout)["metrics"]["attribution"]["f1"] == 0.0


def test_cli_show_and_report_escape_article_text(runner: CliRunner, tmp_path: Path) -> None:
    art = tmp_path / "evil.txt"
    art.write_text("“<script>alert(1)</script> [red]x[/red],” the hacker said.", encoding="utf-8")
    out = tmp_path / "evil.jsonl"
    assert runner.invoke(cli, ["analyze", str(art), "-o", str(out)]).exit_code == 0
    shown = runner.invoke(cli, ["show", str(out)])
    assert shown.exit_code == 0 and "[red]x[/red]" in shown.output
    html = tmp_path / "r.html"
    rep = runner.invoke(cli, ["report", str(out), "--html", str(html)])
    assert rep.exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_cli_report_takes_o_as_analyze_does(runner: CliRunner, tmp_path: Path) -> None:
    art = tmp_path / "pier.txt"
    art.write_text("The mayor said the pier is safe.", encoding="utf-8")
    html = tmp_path / "r.html"
    rep = runner.invoke(cli, ["report", str(art), "-o", str(html)])
    assert rep.exit_code == 0, rep.output
    assert "the pier is safe" in html.read_text(encoding="utf-8")


def test_cli_show_and_report_keep_the_good_records_of_a_file_with_a_bad_line(
        runner: CliRunner, tmp_path: Path) -> None:
    """One bad line made `show` and `report` refuse the whole file."""
    art = tmp_path / "pier.txt"
    art.write_text("The mayor said the pier is safe.", encoding="utf-8")
    out = tmp_path / "recs.jsonl"
    assert runner.invoke(cli, ["analyze", str(art), "-o", str(out)]).exit_code == 0
    good = out.read_text(encoding="utf-8")
    out.write_text(good + "{not json\n" + good.replace('"text": "The', '"text": "X'), encoding="utf-8")
    shown = runner.invoke(cli, ["show", str(out)])
    assert shown.exit_code == 1
    assert "the pier is safe" in shown.stdout
    errors = [line for line in shown.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert errors[0] == f"error: {out}:2: malformed JSON line (Expecting property name enclosed in double quotes)"
    assert errors[1].startswith(f"error: {out}:3: bad record (")
    html = tmp_path / "r.html"
    rep = runner.invoke(cli, ["report", str(out), "-o", str(html)])
    assert rep.exit_code == 1 and f"{out}:2: malformed JSON line" in rep.stderr
    assert "the pier is safe" in html.read_text(encoding="utf-8")


def test_cli_show_reads_json_lines_in_a_json_file(runner: CliRunner, tmp_path: Path) -> None:
    """`analyze -o out.json` writes JSON Lines (the default format) under that name."""
    art = tmp_path / "pier.txt"
    art.write_text("The mayor said the pier is safe.", encoding="utf-8")
    out = tmp_path / "out.json"
    assert runner.invoke(cli, ["analyze", str(art), str(art), "-o", str(out)]).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    shown = runner.invoke(cli, ["show", str(out)])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.count("the pier is safe") == 2


def test_cli_show_reads_json_lines_in_a_json_file_whose_first_record_holds_a_line_separator(
        runner: CliRunner, tmp_path: Path) -> None:
    """Records are written with U+2028 as it is (not escaped), and a check of the file's first
    line split it there, as str.splitlines does: the whole file was refused."""
    art = tmp_path / "bridge.txt"
    art.write_text("Officials said the bridge would close.\u2028\"It is unsafe,\" Mayor Jane Smith said.",
                   encoding="utf-8")
    other = tmp_path / "tax.txt"
    other.write_text("The minister said taxes would rise next year.", encoding="utf-8")
    out = tmp_path / "out.json"
    assert runner.invoke(cli, ["analyze", str(art), str(other), "-o", str(out)]).exit_code == 0
    assert "\u2028" in out.read_text(encoding="utf-8").split("\n")[0]
    shown = runner.invoke(cli, ["show", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "taxes would rise" in shown.stdout


def test_cli_show_of_a_folder_of_gold_records(runner: CliRunner, tmp_path: Path) -> None:
    rec = {"schema": "sourcetrace/1", "doc_id": "g", "text": "Jo said it rained.", "attributions": [
        {"id": "a1", "source": [[0, 2]], "cue": [[3, 7]], "content": [[8, 17]]}]}
    (tmp_path / "g.gold.json").write_text(json.dumps(rec), encoding="utf-8")
    (tmp_path / "corpus.gold.json").write_text(json.dumps({"claims": []}), encoding="utf-8")  # no record
    shown = runner.invoke(cli, ["show", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "it rained" in shown.stdout


def test_cli_show_of_a_folder_names_a_record_whose_text_is_no_string(runner: CliRunner, tmp_path: Path) -> None:
    """A folder is read as gold (its corpus-level record passed over), and a record whose
    text was not a string was passed over with it, as no record at all: silently."""
    good = {"schema": "sourcetrace/1", "doc_id": "g", "text": "Jo said it rained.", "attributions": [
        {"id": "a1", "source": [[0, 2]], "cue": [[3, 7]], "content": [[8, 17]]}]}
    (tmp_path / "g.gold.json").write_text(json.dumps(good), encoding="utf-8")
    (tmp_path / "h.gold.json").write_text(json.dumps(good | {"doc_id": "h", "text": 12345}), encoding="utf-8")
    shown = runner.invoke(cli, ["show", str(tmp_path)])
    assert shown.exit_code == 1
    assert "it rained" in shown.stdout
    assert f"error: {tmp_path / 'h.gold.json'}: bad record (text is not a string)" in shown.stderr


def test_cli_show_of_a_file_with_no_records_says_so(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "none.jsonl"
    empty.write_text("\n", encoding="utf-8")
    shown = runner.invoke(cli, ["show", str(empty)])
    assert shown.exit_code == 1 and "no sourcetrace records" in shown.stderr


def test_cli_corpus_without_extra_names_the_extra(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    result = runner.invoke(cli, ["corpus", "claims"])
    assert result.exit_code == 1
    assert "pip install 'sourcetrace[corpus]'" in result.output


def test_cli_a_doc_id_taken_in_the_run_is_renamed_not_overwritten(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "good.txt").write_text("The mayor said the pier is safe.", encoding="utf-8")
    (tmp_path / "in" / "sub" / "good.txt").write_text("The mayor said the pier is closed.", encoding="utf-8")
    (tmp_path / "in" / "ids.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": 12, "text": "Jo Lee said it rained."}, {"id": "12", "text": "Jo Lee said it snowed."},
        {"id": "a\x00/../b", "text": "Jo Lee said it hailed."}, {"id": "x" * 300, "text": "Jo Lee said it cleared."},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["analyze", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("note: doc_id") for line in result.stderr.splitlines()) == 2
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 6 and all(len(name) < 160 and "\x00" not in name for name in written)
    ids = {json.loads(p.read_text(encoding="utf-8"))["doc_id"] for p in out.iterdir()}
    assert len(ids) == 6 and {"good", "12"} <= ids


def test_cli_a_run_where_every_input_fails_leaves_the_output_alone(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("earlier results\n", encoding="utf-8")
    html = tmp_path / "keep.html"
    html.write_text("<p>earlier report</p>\n", encoding="utf-8")
    missing = str(tmp_path / "nope.txt")
    assert runner.invoke(cli, ["analyze", missing, "-o", str(out)]).exit_code == 1
    assert runner.invoke(cli, ["report", missing, "--html", str(html)]).exit_code == 1
    assert out.read_text(encoding="utf-8") == "earlier results\n"
    assert html.read_text(encoding="utf-8") == "<p>earlier report</p>\n"


def test_cli_report_that_cannot_be_written_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The mayor said the pier is safe.", encoding="utf-8")
    result = runner.invoke(cli, ["report", str(good), "--html", str(good / "x.html")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {good / 'x.html'}: cannot write the report (")


def test_cli_a_newline_in_a_file_name_cannot_forge_an_error_line(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "bad\nerror: forged.txt").write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(tmp_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "bad\\nerror: forged.txt: empty input" in errors[0]


def test_cli_latin1_input_is_named_in_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("The café owner said the menu was très bon.".encode("latin-1"))
    result = runner.invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 0
    assert f"warning: {path}: not UTF-8, decoded as cp1252" in result.stderr


def test_cli_a_folder_without_articles_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("The mayor said so.", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(tmp_path)])
    assert result.exit_code == 1 and "error: no articles found" in result.stderr


def test_cli_jsonl_records_are_written_as_they_come(capsys: pytest.CaptureFixture[str]) -> None:
    """`analyze` over a large WARC holds a chunk of documents, not all of them: each
    JSON Lines record is out before the next one is asked for."""
    from sourcetrace.cli import _emit
    from sourcetrace.model import Document

    out_before_b: list[str] = []

    def docs():  # type: ignore[no-untyped-def]
        yield Document("a", "x")
        out_before_b.append(capsys.readouterr().out)
        yield Document("b", "y")

    assert _emit(docs(), None, "jsonl") == 2
    assert [json.loads(line)["doc_id"] for line in out_before_b[0].splitlines()] == ["a"]


def test_cli_a_run_stopped_half_way_leaves_the_old_jsonl_file(tmp_path: Path) -> None:
    from sourcetrace.cli import _emit
    from sourcetrace.model import Document

    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")

    def docs():  # type: ignore[no-untyped-def]
        yield Document("a", "x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _emit(docs(), out, "jsonl")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left
    assert _emit(iter([Document("a", "x"), Document("b", "y")]), out, "jsonl") == 2
    assert [json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]


def test_cli_html_to_a_path_without_suffix_is_one_report_not_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(cli, ["analyze", str(next(EXAMPLES.glob("*.txt"))), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "<html" in out.read_text(encoding="utf-8").lower()


def test_analyze_into_a_pipe_closed_early_exits_quietly(tmp_path: Path) -> None:
    """`sourcetrace analyze … | head`: the reader leaving is no error of ours. Like `show`
    (click's own handling) the run stops with exit 1 and writes nothing on stderr; it
    printed 'error: stdout: cannot write output (Broken pipe)'."""
    import subprocess
    import sys

    for i in range(40):
        (tmp_path / f"a{i}.txt").write_text(f'"We will strike on day {i}," the union said.\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "sourcetrace.cli", "analyze", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(20)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1
    assert first.startswith(b"{")
    assert err == ""


def test_cli_table_with_an_output_goes_into_that_file(runner: CliRunner, tmp_path: Path) -> None:
    """`--format table -o FILE` printed the table on stdout and wrote no file."""
    out = tmp_path / "table.txt"
    result = runner.invoke(cli, ["analyze", str(EXAMPLES), "--format", "table", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "┃ speaker" not in result.output
    table = out.read_text(encoding="utf-8")
    assert "┃ speaker" in table and "Tomasz Brenner" in table
    assert "\x1b" not in table  # plain text, no colour codes


def test_analyze_stopped_by_sigterm_leaves_the_old_output_and_no_temporary_file(tmp_path: Path) -> None:
    """A SIGTERM to `analyze -o out.jsonl` killed it where it stood, leaving the hidden
    temporary file it streams the records into; it now unwinds as a Ctrl-C does."""
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        (folder / f"a{i:03d}.txt").write_text(f'"We will strike on day {i}," the union said on Monday.\n' * 20)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sourcetrace.cli", "analyze", str(folder), "-o", str(out)],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.jsonl.*.tmp")), "the run never began writing"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines()[-1] == f"error: stopped by signal 15; {out} left as it was"
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl"]


def test_cli_an_error_of_the_analysis_is_not_called_an_output_error(runner: CliRunner, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError of the analysis itself (a pool that cannot fork) read 'out.jsonl: cannot
    write output'; and a run where nothing was written took back no folder it made."""
    from sourcetrace.runner import LocalRunner

    def cannot_fork(self: LocalRunner, docs: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(LocalRunner, "run", cannot_fork)
    out = tmp_path / "new" / "sub" / "out.jsonl"
    result = runner.invoke(cli, ["analyze", str(next(EXAMPLES.glob("*.txt"))), "-o", str(out)])
    assert result.exit_code == 1
    assert "error: the analysis stopped: [Errno 11] Resource temporarily unavailable" in result.output
    assert "cannot write output" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_ctrl_c_stops_analyze_with_one_line(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.runner import LocalRunner

    def interrupted(self: LocalRunner, docs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(LocalRunner, "run", interrupted)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(next(EXAMPLES.glob("*.txt"))), "-o", str(out)])
    assert result.exit_code == 130
    assert result.output == f"error: stopped by signal 2; {out} left as it was\n"
    assert out.read_text(encoding="utf-8") == "old\n"


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
        return [int(p) for p in fh.read().split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_analyze_a_worker_killed_outright_ends_the_run_with_one_line(tmp_path: Path) -> None:
    """A pool worker killed outright (the OOM killer, kill -9) hung `analyze --jobs 2` for
    ever: the pool stopped the other workers with a SIGTERM, and they had taken the CLI's
    handler for it with the fork, so each raised where it stood and never left."""
    import os
    import signal
    import subprocess
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(120):
        (folder / f"a{i:03d}.txt").write_text(f'"We will strike on day {i}," the union said on Monday.\n' * 100)  # big records: a full pipe
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "sourcetrace.cli", "analyze", str(folder), "--jobs", "2",
                             "-o", str(out)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the other worker is half-way through a chunk when the pool stops it
        workers = _children(proc.pid)
        assert workers, "no worker started"
        os.kill(workers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=40)
    finally:
        proc.kill()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "error: the analysis stopped: a worker process died (killed, or out of memory)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks its pool")
@pytest.mark.parametrize(("command", "signum", "how"), [
    ("analyze", 15, "twice"), ("analyze", 2, "twice"), ("corpus", 15, "twice"),
    ("analyze", 15, "to the group"), ("corpus", 15, "to the group"), ("analyze", 2, "to the group"),
])
def test_a_stop_of_a_pool_run_does_not_hang_it(tmp_path: Path, command: str, signum: int, how: str) -> None:
    """`analyze` and `corpus add --jobs 2` hung at exit, after their stop line:
    - twice: a second SIGTERM or Ctrl-C while the run waited for its workers' chunks broke
      the pool's shutdown half-way (a stop now ends the workers, and no longer waits);
    - to the group (systemd's stop, Ctrl-C in a terminal): the workers died with the run,
      Python 3.11's pool failed the futures the stop had cancelled, its thread died, and
      the exit waited for ever on a pipe no one read (big chunks fill it)."""
    import os
    import subprocess
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    lines = 100 if how == "twice" else 900  # a stop waits for the chunks at work: short ones
    for i in range(60 if how == "twice" else 40):
        (folder / f"a{i:03d}.txt").write_text(f'"We will strike on day {i}," the union said on Monday.\n' * lines)
    out = tmp_path / ("out.jsonl" if command == "analyze" else "c.duckdb")
    args = ["analyze", str(folder), "-o", str(out)] if command == "analyze" else \
        ["corpus", "add", str(folder), "--db", str(out)]
    proc = subprocess.Popen([sys.executable, "-m", "sourcetrace.cli", *args, "--jobs", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3.0)  # at work, the pool's queues full
        if how == "twice":
            os.kill(proc.pid, signum)
            time.sleep(0.3)
            os.kill(proc.pid, signum)
        else:
            os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
    # a second signal that comes once the stop line is written (the workers are ended at
    # once, so the stop is quick) ends the exiting process by that signal: for a shell the
    # same status, 128 + N
    assert proc.returncode == 128 + signum or (how == "twice" and proc.returncode == -signum), err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    if command == "analyze":
        assert last == f"error: stopped by signal {signum}; {out} not written"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    else:
        assert last == f"error: {out}: stopped by signal {signum}; what was committed is kept, rerun to resume"

@pytest.mark.parametrize("where", ["reading records", "writing the report"])
def test_report_ctrl_c_anywhere_is_a_stop_with_one_line(runner: CliRunner, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Only the analysis of `report` was under the stop handler: Ctrl-C while it read
    records or wrote the HTML gave click's "Aborted!" and exit 1 (a SIGTERM there killed
    it, leaving the report's temporary file)."""
    import sourcetrace.records
    import sourcetrace.report

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sourcetrace.records if where == "reading records" else sourcetrace.report,
                        "read_records" if where == "reading records" else "write_html", interrupted)
    records = tmp_path / "recs.jsonl"
    assert runner.invoke(cli, ["analyze", str(next(EXAMPLES.glob("*.txt"))), "-o", str(records)]).exit_code == 0
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", str(records), "-o", str(out)])
    assert result.exit_code == 130, result.output
    assert result.output == f"error: stopped by signal 2; {out} not written\n"
    out.write_text("old", encoding="utf-8")
    result = runner.invoke(cli, ["report", str(records), "-o", str(out)])
    assert result.output == f"error: stopped by signal 2; {out} left as it was\n"
    assert out.read_text(encoding="utf-8") == "old"


def test_analyze_ctrl_c_while_the_model_loads_is_a_stop_with_one_line(runner: CliRunner, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The first second of `analyze` (imports, the CRF's load) was outside the stop
    handler: Ctrl-C there gave "Aborted!" and exit 1."""
    import sourcetrace.attribution.crf_tagger

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sourcetrace.attribution.crf_tagger, "load_tagger", interrupted)
    result = runner.invoke(cli, ["analyze", str(next(EXAMPLES.glob("*.txt")))])
    assert result.exit_code == 130, result.output
    assert result.output == "error: stopped by signal 2\n"
