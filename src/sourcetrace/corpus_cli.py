"""`sourcetrace corpus …`: store many articles and query what links them (thin over store/link).

Exit codes as for the rest of the CLI: 0 when every input was stored, 1 when any failed
(each failure one line on stderr naming the file; the others are stored all the same),
2 for usage errors.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import click

from .errors import SourcetraceError, printable
from .stops import StopSignals, interrupted, stopped_as_interrupted

__all__ = ["corpus"]

_DB_OPTION = click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=Path("sourcetrace.duckdb"),
    show_default=True, help="The corpus store (a DuckDB file).",
)
_FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
)
TABLE_ROWS = 50
"""Rows a table shows unless ``--limit`` says otherwise."""
_LIMIT_OPTION = click.option("--limit", type=click.IntRange(min=0), default=None, help=f"At most this many rows (table: {TABLE_ROWS}).")


def _open(db: Path, *, must_exist: bool = True) -> Any:
    from .store import Store

    if must_exist and not db.exists():
        raise click.ClickException(f"no store at {db}; run `sourcetrace corpus add PATH… --db {db}` first")
    try:
        return Store(db)
    except SourcetraceError as e:
        raise click.ClickException(str(e)) from e


def _query(db: Path, fmt: str, limit: int | None, title: str, fetch: Any, columns: list[Any]) -> None:
    """Open the store, run one query and print it; a table shows TABLE_ROWS rows unless
    told, and says on stderr when there were more."""
    store = _open(db)
    try:
        cut = False
        if fmt == "table" and limit is None:
            rows = list(fetch(store, TABLE_ROWS + 1))  # one more says whether the table is cut
            cut = len(rows) > TABLE_ROWS
            records = iter(rows[:TABLE_ROWS])
        else:
            records = fetch(store, limit)
        _emit(records, fmt, title=title, columns=columns)
        if cut:
            click.echo(f"(the first {TABLE_ROWS} {title}; --limit N shows more, --format json or csv all)", err=True)
    except SourcetraceError as e:
        raise click.ClickException(str(e)) from e
    finally:
        store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def corpus() -> None:
    """Store many articles; link the same claims and sources across them."""
    import importlib.util

    missing = [m for m in ("duckdb", "datasketch", "pyarrow") if importlib.util.find_spec(m) is None]
    if missing:  # the corpus layer is an extra: say how to get it instead of a traceback
        raise click.ClickException(
            f"the corpus commands need {', '.join(missing)}: pip install 'sourcetrace[corpus]'"
        )


@corpus.command()
@click.argument("paths", nargs=-1, required=True)
@_DB_OPTION
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes for the analysis.")
@click.option("--analyzed", is_flag=True,
              help="The inputs are sourcetrace/1 records (from `sourcetrace analyze`): store them as they are.")
def add(paths: tuple[str, ...], db: Path, jobs: int, analyzed: bool) -> None:
    """Analyse articles and add them to the store (idempotent; rerun to resume)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .ingest import read_inputs
    from .store import as_is, read_records

    err = Console(stderr=True)
    items = read_records(paths) if analyzed else read_inputs(paths)
    counts = {"added": 0, "skipped": 0, "failed": 0}
    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    )

    def on_event(event: str, name: str, detail: str) -> None:
        counts[event] += 1
        if event == "failed":
            line = f"error: {printable(name)}: {printable(detail)}"
            if err.is_terminal:  # above the live progress bar
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                click.echo(line, err=True)
        progress.update(task, advance=1, detail=f"{counts['added']} added, {counts['skipped']} skipped, "
                                                 f"{counts['failed']} failed")

    store = _open(db, must_exist=False)
    # a stop (Ctrl-C, a SIGTERM) unwinds where it stands: the documents already analysed
    # are committed first, and a rerun resumes after them. Its handler is held until the
    # store is closed and the line written.
    with StopSignals() as stop:
        try:
            try:
                with progress:
                    task = progress.add_task("adding", total=None, detail="")
                    summary = store.add_documents(items, analyze=as_is if analyzed else None, jobs=jobs,
                                                  on_event=on_event)
            finally:
                store.close()
        except SourcetraceError as e:
            raise click.ClickException(str(e)) from e
        except (BrokenProcessPool, OSError) as e:  # the system's (a worker killed outright, no fork), not an input's
            click.echo(f"error: the analysis stopped: {e}; {db}: what was committed is kept, rerun to resume",
                       err=True)
            raise SystemExit(1) from None
        except (KeyboardInterrupt, Exception) as e:
            if not interrupted(e):  # a stop, or one landing inside a DuckDB query, which turns it into its own error
                raise
            signum = int(stop.signum or signal.SIGINT)
            click.echo(f"error: {db}: stopped by signal {signum}; what was committed is kept, rerun to resume",
                       err=True)
            raise SystemExit(128 + signum) from None
    if summary.mixed_modes:
        click.echo(f"warning: {db} holds documents analysed in more than one attribution mode "
                   f"({', '.join(summary.mixed_modes)}); a new store keeps their claims comparable", err=True)
    renamed = f", {summary.renamed} renamed (doc_id taken)" if summary.renamed else ""
    click.echo(
        f"{db}: {summary.added} added, {summary.skipped} already stored, {len(summary.failed)} failed{renamed}",
        err=True,
    )
    if summary.failed:
        sys.exit(1)
    if not (summary.added or summary.skipped):  # as `analyze` says of a run that read nothing
        from .ingest import READ_HINT

        found = ("records (.jsonl, .json; a folder's *.gold.json files are passed over)" if analyzed
                 else f"articles ({READ_HINT})")
        click.echo(f"error: no {found} found in {' '.join(printable(p) for p in paths)}", err=True)
        sys.exit(1)


def _table(title: str, columns: list[str], rows: Iterable[list[str]]) -> None:
    from rich.table import Table

    from .display import literal_cell, wide_console

    console = wide_console()
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(literal_cell(cell) for cell in row))  # article text and ids are untrusted
    console.print(table)


def _emit(records: Iterator[dict[str, Any]], fmt: str, *, title: str,
          columns: list[tuple[str, Any]]) -> None:
    """Print records as a table, a JSON array (streamed) or CSV (lists joined by ' | ')."""
    if fmt == "json":
        out = sys.stdout
        out.write("[")
        for i, record in enumerate(records):
            out.write(("\n" if i == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
        return
    names = [name for name, _ in columns]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(names)
        sys.stdout.write(buf.getvalue())
        for record in records:
            buf = io.StringIO()
            csv.writer(buf).writerow([_cell(get(record), sep=" | ") for _, get in columns])
            sys.stdout.write(buf.getvalue())
        return
    _table(title, names, ([_cell(get(r), sep=", ") for _, get in columns] for r in records))


def _cell(value: Any, *, sep: str) -> str:
    if isinstance(value, list):
        return sep.join("" if v is None else str(v) for v in value)
    return "" if value is None else str(value)


def _chains(record: dict[str, Any]) -> list[str]:
    return [" > ".join("?" if x is None else str(x) for x in chain) for chain in record["chains"]]


@corpus.command()
@_DB_OPTION
@_FORMAT_OPTION
@_LIMIT_OPTION
@click.option("--min-docs", type=int, default=1, show_default=True, help="Only claims carried by this many documents.")
def claims(db: Path, fmt: str, limit: int | None, min_docs: int) -> None:
    """Claims: one proposition across documents, its original and independent sources."""
    _query(db, fmt, limit, "claims", lambda store, limit: store.claims(min_docs=min_docs, limit=limit), [
        ("claim_id", lambda r: r["claim_id"]),
        ("proposition", lambda r: r["proposition"]),
        ("documents", lambda r: len({m["doc_id"] for m in r["members"]})),
        ("independent_sources", lambda r: r["independent_sources"]),
        ("original_sources", lambda r: r["original_sources"]),
        ("chains", _chains),
        ("echoes", lambda r: r["echoes"]),
    ])


@corpus.command()
@_DB_OPTION
@_FORMAT_OPTION
@_LIMIT_OPTION
def sources(db: Path, fmt: str, limit: int | None) -> None:
    """Sources: people, outlets, agencies merged across documents."""
    _query(db, fmt, limit, "sources", lambda store, limit: store.sources(limit=limit), [
        ("name", lambda r: r["name"]),
        ("type", lambda r: r["type"]),
        ("aliases", lambda r: r["aliases"]),
        ("documents", lambda r: r["documents"] if fmt == "csv" else len(r["documents"])),
        ("attributions", lambda r: r["attributions"]),
    ])


@corpus.command()
@_DB_OPTION
@_FORMAT_OPTION
@_LIMIT_OPTION
def citations(db: Path, fmt: str, limit: int | None) -> None:
    """Citations: which document or outlet relays which outlet or source."""
    _query(db, fmt, limit, "citations", lambda store, limit: store.citations(limit=limit), [
        ("from", lambda r: r["from"]),
        ("to", lambda r: r["to"]),
        ("to_type", lambda r: r["to_type"]),
        ("basis", lambda r: r["basis"]),
        ("evidence", lambda r: [f"{e['doc_id']}:{e['attribution'] or 'credit'}" for e in r["evidence"]]),
    ])


@corpus.command()
@_DB_OPTION
@click.option("--parquet", "directory", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for one .parquet file per table.")
def export(db: Path, directory: Path) -> None:
    """Export the store (documents, attributions, entities, links) as Parquet."""
    store = _open(db)
    try:
        with stopped_as_interrupted(directory):
            written = store.export_parquet(directory)
    except (SourcetraceError, OSError) as e:
        raise click.ClickException(str(e)) from e
    finally:
        store.close()
    click.echo(f"wrote {len(written)} Parquet files to {directory}", err=True)


@corpus.command()
@_DB_OPTION
@click.option("--graphml", type=click.Path(dir_okay=False, path_type=Path), help="Write GraphML here.")
@click.option("--gexf", type=click.Path(dir_okay=False, path_type=Path), help="Write GEXF (Gephi) here.")
def graph(db: Path, graphml: Path | None, gexf: Path | None) -> None:
    """Write the citation graph for Gephi and other graph tools."""
    if graphml is None and gexf is None:
        raise click.UsageError("give --graphml FILE or --gexf FILE (or both)")
    from .link.graph import write_gexf, write_graphml

    store = _open(db)
    try:
        with stopped_as_interrupted(None):
            citation_graph = store.citation_graph()
            if graphml is not None:
                write_graphml(citation_graph, graphml)
            if gexf is not None:
                write_gexf(citation_graph, gexf)
    except (SourcetraceError, OSError) as e:
        raise click.ClickException(str(e)) from e
    finally:
        store.close()
    click.echo(f"graph: {len(citation_graph.nodes)} nodes, {len(citation_graph.edges)} edges", err=True)


@corpus.command()
@_DB_OPTION
@click.option("-o", "--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the report.")
def report(db: Path, html_out: Path) -> None:
    """Write a self-contained HTML report: citation graph, claims, sources."""
    from .corpus_report import write_corpus_html

    store = _open(db)
    try:
        with stopped_as_interrupted(html_out):
            write_corpus_html(store, html_out)
    except (SourcetraceError, OSError) as e:
        raise click.ClickException(str(e)) from e
    finally:
        store.close()
    click.echo(f"wrote {html_out}", err=True)


@corpus.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the numbers and misses as JSON.")
def eval_(gold_dir: Path, db: Path, as_json: bool) -> None:
    """Compare the store with a corpus gold record (GOLD_DIR/corpus.gold.json and its
    per-document gold records): shared entities, explicit citation edges, claim counts."""
    from dataclasses import asdict

    from .corpus_eval import score_corpus
    from .evaluate import load_records

    gold_file = gold_dir / "corpus.gold.json"
    try:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        gold_docs = load_records(gold_dir)
    except (OSError, ValueError, SourcetraceError) as e:
        raise click.ClickException(f"{gold_file}: cannot read the corpus gold ({e})") from e
    store = _open(db)
    try:
        pred = [d for d in (store.get_document(g.doc_id) for g in gold_docs) if d is not None]
        score = score_corpus(gold, gold_docs, pred, store)
    except (SourcetraceError, KeyError) as e:
        raise click.ClickException(f"{gold_file}: {e}") from e
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(asdict(score), indent=1, ensure_ascii=False))
        return
    for line in [*score.lines(), *("  " + m for m in score.misses)]:
        click.echo(printable(line))  # misses quote names and propositions from the articles
