"""The `sourcetrace` command line: a thin click layer over the library.

Exit codes: 0 when every input was processed, 1 when any input failed (each failure is
one line on stderr naming the file), 2 for usage errors (click's own).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import BinaryIO

import click

from .errors import InputError, SourcetraceError, printable
from .files import write_atomic, write_text_atomic
from .model import SCHEMA, Document, content_hash
from .stops import stopped_as_interrupted, untouched

__all__ = ["cli"]

# pipeline.ATTRIBUTION_MODES and DEFAULT_MODE, written out: importing the pipeline would
# load spaCy for --help (a test checks they agree)
_MODES = ("rules", "crf", "transformer", "transformer-large")
_DEFAULT_MODE = "crf"


def _fail(msg: str) -> None:
    """One line on stderr; a reason quoting binary input is cut short."""
    msg = printable(msg)
    click.echo(f"error: {msg if len(msg) <= 400 else msg[:399] + '…'}", err=True)


class _EchoHandler(logging.Handler):
    """The library's warnings (an encoding it had to guess) as one line each on stderr; the
    library itself only logs (NullHandler), as a library should."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {printable(record.getMessage())}", err=True)


def _show_library_warnings() -> None:
    logger = logging.getLogger("sourcetrace")
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        logger.addHandler(_EchoHandler(logging.WARNING))


def _shown(name: str) -> str:
    return repr(printable(name))


class _Run:
    """Counts failures across a command so the exit code can say something failed."""

    def __init__(self) -> None:
        self.failed = 0
        self.ids: set[str] = set()

    def inputs(self, paths: Iterable[str]) -> Iterator[Document]:
        from .ingest import read_inputs

        for doc in self.kept(read_inputs(paths)):
            yield self._unique(doc)

    def kept(self, items: Iterable[Document | InputError]) -> Iterator[Document]:
        """The documents of ``items``; each InputError is counted and gets its one line."""
        for item in items:
            if isinstance(item, InputError):
                self.failed += 1
                _fail(f"{item.path}: {item.reason}")
            else:
                yield item

    def _unique(self, doc: Document) -> Document:
        """A doc_id already given in this run (good.txt and sub/good.txt, the ids 12 and "12")
        gets the corpus store's suffix, ``~`` and the text's hash, so that no record
        overwrites or shadows another."""
        if doc.doc_id not in self.ids:
            self.ids.add(doc.doc_id)
            return doc
        base = f"{doc.doc_id}~{content_hash(doc.text)[:8]}"
        new, n = base, 2
        while new in self.ids:
            new, n = f"{base}-{n}", n + 1
        self.ids.add(new)
        click.echo(f"note: doc_id {_shown(doc.doc_id)} is taken in this run; written as {_shown(new)}", err=True)
        return dataclasses.replace(doc, doc_id=new)  # before any stage: not a rewrite

    def analyzed(self, docs: Iterable[Document], *, jobs: int, mode: str = _DEFAULT_MODE) -> Iterator[Document]:
        from .runner import Failure, LocalRunner

        try:
            # closed here, not when the collector finds it: a pool's stop waits for its
            # workers, and must while the stop handler still holds further signals
            with contextlib.closing(LocalRunner(jobs=jobs, mode=mode).run(docs)) as outs:
                for out in outs:
                    if isinstance(out, Failure):
                        self.failed += 1
                        _fail(str(out))
                    else:
                        yield out
        except (BrokenProcessPool, OSError) as e:
            # the system's, not an input's (a worker killed outright, a pool that cannot
            # fork): not the output's either
            _fail(f"the analysis stopped: {e}")
            sys.exit(1)


def _is_record_file(path: Path) -> bool:
    if path.suffix not in {".json", ".jsonl"} or not path.is_file():
        return False
    with open(path, encoding="utf-8", errors="replace") as fh:
        head = fh.read(200)
    return f'"schema": "{SCHEMA}"' in head or '"schema":"' + SCHEMA in head


def _load_records(path: Path, run: _Run) -> list[Document]:
    """The records of a file or folder (gold records too); a bad line or record gets its
    one line (``file:3``) and the rest are kept, as a bad input to ``analyze`` is."""
    from .records import read_records

    return list(run.kept(read_records([path], gold=True)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sourcetrace")
def cli() -> None:
    """sourcetrace: who says so, on whose authority, how sure, in news articles."""
    _show_library_warnings()


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file, or a directory (one JSON per document).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table", "html"]), default="jsonl", show_default=True)
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--attribution", "mode", type=click.Choice(_MODES),
              default=_DEFAULT_MODE, show_default=True,
              help="crf: the rules, plus a CRF role tagger's finds where they found nothing (it reads "
                   "the parse and the rules' reading; trained on PolNeAR); rules: the rules alone "
                   "(about 1.15 times crf's speed); "
                   "transformer: the MiniLM role labeller first "
                   "(slower, more accurate on PolNeAR; needs pip install 'sourcetrace[transformer]'); "
                   "transformer-large: the same over all-mpnet-base-v2 (slower still, more accurate; "
                   "also needs 'sourcetrace fetch-encoder' once).")
def analyze(paths: tuple[str, ...], output: Path | None, fmt: str, jobs: int, mode: str) -> None:
    """Analyze articles (.txt .html .jsonl .warc, directories, - for stdin)."""
    run = _Run()
    with stopped_as_interrupted(output):  # from the start: the model's load takes a second
        _check_mode_ready(mode)
        try:
            with contextlib.closing(run.analyzed(run.inputs(paths), jobs=jobs, mode=mode)) as analyzed:
                written = _emit(analyzed, output, fmt)
        except OSError as e:
            if output is None and e.errno == errno.EPIPE:
                raise  # a reader that closed the pipe early ("| head"): click exits 1 quietly
            _fail(f"{output or 'stdout'}: cannot write output ({e.strerror})")
            sys.exit(1)
    if not written and not run.failed:
        from .ingest import READ_HINT

        _fail(f"no articles found ({READ_HINT})")
        sys.exit(1)
    if not written and output is not None:
        click.echo(f"nothing analyzed: {untouched(output)}", err=True)
        sys.exit(1)
    if run.failed:
        click.echo(f"{run.failed} input(s) failed, {written} analyzed", err=True)
        sys.exit(1)


def _check_mode_ready(mode: str) -> None:
    """The attribution mode's model is there and loads: say so before any input is read."""
    if mode == "crf":
        from .attribution.crf_tagger import load_tagger

        try:
            load_tagger()
        except (FileNotFoundError, ValueError) as e:  # missing, or not a CRF model
            raise click.ClickException(f"{e}; train it with 'sourcetrace train --component crf' "
                                       "or set SOURCETRACE_CRF_MODEL") from e
    from .pipeline import TRANSFORMER_MODES

    if mode in TRANSFORMER_MODES:
        from .attribution.transformer import TransformerMissing, encoder_dir, load_mode_head

        try:
            head = load_mode_head(mode)
            encoder_dir(head.encoder_name)  # fetched or installed?
        except TransformerMissing as e:
            raise click.ClickException(str(e)) from e


class _NothingWritten(Exception):
    """No record came: the output file is left as it was."""


def _emit(docs: Iterable[Document], output: Path | None, fmt: str) -> int:
    """Write the records; return how many. JSON Lines (the default) and a folder of JSON
    files are written as the records come, so a run over a large WARC holds one chunk of
    documents at a time; a table, an HTML report and one JSON array need them all. Nothing
    is written where no record comes."""
    if fmt in ("table", "html"):
        docs = list(docs)
        if not docs:
            return 0
        if fmt == "table":
            from .display import render_table, table_text, wide_console

            if output is None:
                render_table(docs, console=wide_console())
            else:  # the same table as plain text (no colour codes), 160 columns wide
                write_text_atomic(output, table_text(docs))
        else:
            from .report import render_html, write_html

            if output is None:
                click.echo(render_html(docs))
            else:
                write_html(docs, output)
        return len(docs)
    if output is not None and (output.is_dir() or (output.suffix == "" and not output.exists())):
        return _emit_folder(docs, output)
    if fmt == "jsonl":
        if output is None:
            written = 0
            for doc in docs:
                click.echo(doc.to_json())
                written += 1
            return written
        return _emit_jsonl_file(docs, output)
    docs = list(docs)
    if docs:
        payload = docs[0].to_dict() if len(docs) == 1 else [d.to_dict() for d in docs]
        data = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
        if output is None:
            click.echo(data, nl=False)
        else:
            write_text_atomic(output, data)
    return len(docs)


def _emit_folder(docs: Iterable[Document], output: Path) -> int:
    taken: set[str] = set()
    for doc in docs:
        name = _file_name(doc.doc_id, taken)
        try:
            write_text_atomic(output / name, doc.to_json(indent=1) + "\n")
        except OSError as e:
            raise OSError(e.errno, f"{e.strerror}, writing {name}") from e
    return len(taken)


def _emit_jsonl_file(docs: Iterable[Document], output: Path) -> int:
    """The records into a temporary file renamed over ``output`` at the end (a run stopped
    half way, or one where every input failed, leaves ``output`` as it was)."""
    written = 0

    def write(fh: BinaryIO) -> None:
        nonlocal written
        for doc in docs:
            fh.write((doc.to_json() + "\n").encode("utf-8"))
            written += 1
        if not written:
            raise _NothingWritten

    try:
        write_atomic(output, write)
    except _NothingWritten:
        return 0
    return written


def _file_name(doc_id: str, taken: set[str]) -> str:
    """A file name for a record: no path separators, control characters or leading dot,
    at most about 150 characters (then the id's hash), and none used twice in one folder."""
    import re

    stem = re.sub(r"[/\\\x00-\x1f\x7f]", "_", doc_id).lstrip(".") or "_"
    digest = content_hash(doc_id)[:8]
    if len(stem.encode("utf-8", "surrogatepass")) > 150:
        stem = stem.encode("utf-8", "surrogatepass")[:140].decode("utf-8", "ignore") + "~" + digest
    name, n = f"{stem}.json", 1
    while name.lower() in taken:  # "a/b" and "a_b"; "Good" and "good" on a case-blind disk
        name, n = f"{stem}~{digest}{'' if n == 1 else f'-{n}'}.json", n + 1
    taken.add(name.lower())
    return name


@cli.command()
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def show(file: Path) -> None:
    """Show the who-said-what table of analysed records (JSON or JSON Lines)."""
    from .display import render_table, wide_console

    run = _Run()
    docs = _load_records(file, run)
    if not docs and not run.failed:
        _fail(f"{file}: no sourcetrace records in it")
        sys.exit(1)
    if docs:
        render_table(docs, console=wide_console())
    if run.failed:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--html", "html_out", type=click.Path(path_type=Path), required=True, help="Where to write the report.")
@click.option("--jobs", type=int, default=1, show_default=True)
def report(paths: tuple[str, ...], html_out: Path, jobs: int) -> None:
    """Write a self-contained HTML report of articles or of analysed records."""
    run = _Run()
    with stopped_as_interrupted(html_out):  # the whole run: reading, analysing, writing
        from .report import write_html

        records = [Path(p) for p in paths if _is_record_file(Path(p))]
        articles = [p for p in paths if Path(p) not in records]
        docs: list[Document] = []
        for path in records:
            docs += _load_records(path, run)
        if articles:
            _check_mode_ready(_DEFAULT_MODE)
            with contextlib.closing(run.analyzed(run.inputs(articles), jobs=jobs)) as analyzed:
                docs += list(analyzed)
        if not docs and not run.failed:
            _fail("no articles or records found")
            sys.exit(1)
        if not docs and run.failed:
            click.echo(f"nothing to report: {untouched(html_out)}", err=True)
            sys.exit(1)
        try:
            write_html(docs, html_out)
        except OSError as e:
            _fail(f"{html_out}: cannot write the report ({e.strerror})")
            sys.exit(1)
    click.echo(f"wrote {html_out} ({len(docs)} document(s))", err=True)
    if run.failed:
        sys.exit(1)


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.argument("pred", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_cmd(gold: Path, pred: Path, as_json: bool) -> None:
    """Score predicted records against gold records (CONTRACT.md "Scoring")."""
    from .evaluate import format_table, load_records, score_documents

    try:  # all or nothing: a score over the records that happened to read would mislead
        result = score_documents(load_records(gold), load_records(pred))
    except SourcetraceError as e:
        raise click.ClickException(str(e)) from e
    for err in result.errors:
        _fail(err)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        click.echo(format_table(result))
    if result.errors:
        sys.exit(1)


@cli.command()
@click.option("--shared", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("../shared"),
              show_default=True, help="The shared data folder (data/ud-english-ewt, …).")
@click.option("--workdir", type=click.Path(path_type=Path), default=Path("build/train"), show_default=True)
@click.option("--max-epochs", type=int, default=12, show_default=True)
@click.option("--max-steps", type=int, default=0, show_default=True, help="Stop after this many updates (0: no limit).")
@click.option("--silver-fraction", type=float, default=0.5, show_default=True,
              help="Share of the PolNeAR CoreNLP silver sentences used for tags and NER.")
@click.option("--install/--no-install", default=True, show_default=True,
              help="Copy the best model into the package (src/sourcetrace/models/).")
@click.option("--component", type=click.Choice(["model", "boundaries", "crf", "minilm", "mpnet"]), default="model",
              show_default=True,
              help="model: the English spaCy model (about an hour on one core); boundaries: where the rules' "
                   "content and cue spans start and end (about 5 min on one core); crf: the CRF role tagger "
                   "(about 5 min on one core); minilm: the transformer labeller's three heads "
                   "(needs the transformer extra; ~1 hour on two cores); mpnet: the large labeller's heads "
                   "(also needs 'sourcetrace fetch-encoder'; the encoder reads PolNeAR in about 2 hours on "
                   "two cores, then each head trains).")
def train(shared: Path, workdir: Path, max_epochs: int, max_steps: int, silver_fraction: float, install: bool,
          component: str) -> None:
    """Rebuild a bundled model from ../shared/data."""
    from .train import train_boundary_model, train_crf_tagger, train_model, train_transformer_heads

    try:
        if component == "model":
            scores = train_model(shared, workdir, max_epochs=max_epochs, max_steps=max_steps,
                                 silver_fraction=silver_fraction, install=install)
        elif component == "boundaries":
            scores = train_boundary_model(shared, workdir, install=install)
        elif component == "crf":
            scores = train_crf_tagger(shared, workdir, install=install)
        else:
            scores = train_transformer_heads(shared, workdir, install=install, component=component)
    except SourcetraceError as e:
        raise click.ClickException(str(e)) from e
    click.echo(json.dumps(scores, indent=1))


@cli.command("fetch-encoder")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put it (default $SOURCETRACE_MPNET, else ~/.cache/sourcetrace/all-mpnet-base-v2).")
def fetch_encoder(dest: Path | None) -> None:
    """Download the all-mpnet-base-v2 encoder for --attribution transformer-large (once, ~420 MB)."""
    from .attribution.mpnet_fetch import default_dest, fetch_mpnet

    try:
        where = fetch_mpnet(dest)
    except SourcetraceError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"all-mpnet-base-v2 encoder ready at {where}", err=True)
    if where.resolve() != default_dest().resolve():
        click.echo(f"the labeller looks in {default_dest()}: set SOURCETRACE_MPNET={where}", err=True)


from .corpus_cli import corpus  # noqa: E402

cli.add_command(corpus)


if __name__ == "__main__":  # pragma: no cover
    cli()
