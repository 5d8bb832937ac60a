"""The corpus store: analysed articles in one embedded DuckDB file (default ``sourcetrace.duckdb``).

Why DuckDB: one file, no server, SQL over a corpus far larger than memory, and Parquet
export for free. The store is the only state of a corpus run, so adding is built to be
interrupted:

- a document is keyed by the SHA-256 of its text, and one whose hash is already stored is
  skipped *before* it is analysed, so adding the same article twice stores it once and a
  restarted run only pays for what it had not finished;
- analysed documents are committed in small transactions (a few documents, or every two
  seconds), so a run killed half-way keeps every committed document whole and never a
  part of one; a Python exception (Ctrl-C included) first commits what is already analysed
  and handed back (the pipeline analyses up to 16 documents at once, so at most those are
  redone after a restart);
- documents stream through: nothing holds the corpus in memory, and DuckDB's own buffers
  are capped (``memory_limit``, 512 MB by default; beyond it DuckDB spills to disk).

Each document is also flattened into ``attributions``, ``entities`` and ``boilerplate``
rows, and sketched (MinHash) once, so the corpus stage (:mod:`sourcetrace.link`) works on
small tables. Link results are cached in ``link_*`` tables and recomputed when documents
were added since.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .errors import InputError, SourcetraceError
from .link import sketch
from .model import Document, content_hash, spans_text
from .records import read_records

__all__ = [
    "DEFAULT_DB",
    "PRE_ANALYSED",
    "AddSummary",
    "Store",
    "StoreError",
    "as_is",
    "content_hash",
    "read_records",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

DEFAULT_DB = "sourcetrace.duckdb"
SCHEMA_VERSION = "1"

EventCallback = Callable[[str, str, str], None]
"""Called as ``(event, name, detail)`` with event ``added``, ``skipped`` or ``failed``."""
Analyze = Callable[[Document], Document]


class StoreError(SourcetraceError):
    """The store file cannot be opened or written (locked by another run, not a store…)."""


def _vetted(doc: Document, out: Document | SourcetraceError) -> Document | _Failure:
    """The analysis of ``doc`` if it is one, its spans are in range and its text is
    unchanged; else the failure to report."""
    where = doc.where
    if not isinstance(out, Document):
        return _Failure(where, str(out), content_hash(doc.text))
    try:
        out.check_spans()
    except SourcetraceError as e:
        return _Failure(where, str(e), content_hash(doc.text))
    if out.text != doc.text:
        return _Failure(where, "E603: the analysis changed the text", content_hash(doc.text))
    return out


def as_is(doc: Document) -> Document:
    """An `analyze` that keeps a record's own analysis (for already analysed records)."""
    return doc


PRE_ANALYSED = "pre-analysed"
"""The attribution mode recorded for records stored ``as_is``: a record does not say
which mode made it, so a store that also holds documents it analysed itself warns."""


@dataclass
class AddSummary:
    """What one `add_documents` call did."""

    added: int = 0
    skipped: int = 0  # same text already stored (or twice in this run)
    renamed: int = 0  # doc_id held by another text: stored as ``<doc_id>~<hash8>``
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file or doc_id, reason)
    # the attribution modes of the store's documents where they differ from this run's
    # (``pipeline.DEFAULT_MODE``): their claims then come from different readings
    mixed_modes: tuple[str, ...] = ()


_DDL = """
CREATE TABLE IF NOT EXISTS store_info (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    seq BIGINT NOT NULL,
    doc_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL UNIQUE,
    text VARCHAR NOT NULL,
    meta JSON,
    record JSON NOT NULL,
    title VARCHAR,
    outlet VARCHAR,
    published VARCHAR,
    signature BLOB,
    added_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS attributions (
    doc_id VARCHAR NOT NULL,
    attr_id VARCHAR NOT NULL,
    position INTEGER,
    parent VARCHAR,
    speaker VARCHAR,
    kind VARCHAR,
    certainty VARCHAR,
    source_text VARCHAR,
    cue_text VARCHAR,
    content_text VARCHAR,
    content_norm VARCHAR,
    ckey BIGINT,
    source JSON,
    cue JSON,
    content JSON
);
CREATE TABLE IF NOT EXISTS entities (
    doc_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    name VARCHAR,
    type VARCHAR,
    aliases VARCHAR[],
    mentions JSON,
    n_mentions INTEGER,
    n_attributions INTEGER
);
CREATE TABLE IF NOT EXISTS boilerplate (
    doc_id VARCHAR NOT NULL,
    kind VARCHAR,
    span_start INTEGER,
    span_end INTEGER,
    text VARCHAR
);
CREATE TABLE IF NOT EXISTS contents (
    ckey BIGINT PRIMARY KEY,
    norm VARCHAR,
    n_terms INTEGER,
    names VARCHAR[],
    numbers VARCHAR[],
    negated BOOLEAN
);
CREATE TABLE IF NOT EXISTS content_bands (ckey BIGINT, band TINYINT, h BIGINT);
"""

_DOC_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()), ("doc_id", pa.string()), ("content_hash", pa.string()),
        ("text", pa.string()), ("meta", pa.string()), ("record", pa.string()),
        ("title", pa.string()), ("outlet", pa.string()), ("published", pa.string()),
        ("signature", pa.binary()), ("added_at", pa.timestamp("us")),
    ]
)
_ATTR_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("attr_id", pa.string()), ("position", pa.int32()),
        ("parent", pa.string()), ("speaker", pa.string()), ("kind", pa.string()),
        ("certainty", pa.string()), ("source_text", pa.string()), ("cue_text", pa.string()),
        ("content_text", pa.string()), ("content_norm", pa.string()), ("ckey", pa.int64()),
        ("source", pa.string()), ("cue", pa.string()), ("content", pa.string()),
    ]
)
_ENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("entity_id", pa.string()), ("name", pa.string()),
        ("type", pa.string()), ("aliases", pa.list_(pa.string())), ("mentions", pa.string()),
        ("n_mentions", pa.int32()), ("n_attributions", pa.int32()),
    ]
)
_BOILER_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("kind", pa.string()), ("span_start", pa.int32()),
        ("span_end", pa.int32()), ("text", pa.string()),
    ]
)
_CONTENT_SCHEMA = pa.schema(
    [
        ("ckey", pa.int64()), ("norm", pa.string()), ("n_terms", pa.int32()),
        ("names", pa.list_(pa.string())), ("numbers", pa.list_(pa.string())),
        ("negated", pa.bool_()),
    ]
)
_BAND_SCHEMA = pa.schema([("ckey", pa.int64()), ("band", pa.int8()), ("h", pa.int64())])

_BASE_TABLES = ("documents", "attributions", "entities", "boilerplate")


def _meta_str(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    return None if value is None else str(value)


class _Batch:
    """Rows of analysed documents waiting for one transaction."""

    def __init__(self) -> None:
        self.docs: list[dict[str, Any]] = []
        self.attrs: list[dict[str, Any]] = []
        self.ents: list[dict[str, Any]] = []
        self.boiler: list[dict[str, Any]] = []
        self.contents: dict[int, dict[str, Any]] = {}
        self.bands: list[dict[str, Any]] = []
        self.hashes: set[str] = set()
        self.ids: set[str] = set()

    def __len__(self) -> int:
        return len(self.docs)

    def mark(self) -> tuple[int, ...]:
        """Where the rows stand, for :meth:`rollback`."""
        return (len(self.docs), len(self.attrs), len(self.ents), len(self.boiler),
                len(self.contents), len(self.bands))

    def rollback(self, mark: tuple[int, ...], digest: str, doc_id: str) -> None:
        """Drop what was added since ``mark``: the rows of a document whose flattening was
        cut short (a Ctrl-C or SIGTERM lands anywhere), so the commit on the way out
        stores whole documents only."""
        n_docs, n_attrs, n_ents, n_boiler, n_contents, n_bands = mark
        del self.docs[n_docs:], self.attrs[n_attrs:], self.ents[n_ents:], self.boiler[n_boiler:]
        del self.bands[n_bands:]
        for ckey in list(self.contents)[n_contents:]:  # in insertion order
            del self.contents[ckey]
        self.hashes.discard(digest)
        self.ids.discard(doc_id)


def _flatten(doc: Document, *, seq: int, digest: str, batch: _Batch) -> None:
    """Add one document's rows to ``batch`` (sketches included)."""
    text = doc.text
    record = doc.to_dict()
    meta = record["meta"]
    # near-duplicate sketch over the article without its marked boilerplate (ads, captions)
    pieces, pos = [], 0
    for b in sorted(doc.boilerplate, key=lambda b: b.span):
        if b.span[0] > pos:
            pieces.append(text[pos : b.span[0]])
        pos = max(pos, b.span[1])
    pieces.append(text[pos:])
    words = sketch.normalise_words(" ".join(pieces))
    sig = sketch.signature(sketch.text_shingles(words), sketch.TEXT_PERM)
    batch.docs.append(
        {
            "seq": seq, "doc_id": doc.doc_id, "content_hash": digest, "text": text,
            "meta": json.dumps(meta, ensure_ascii=False, default=str),
            "record": json.dumps(record, ensure_ascii=False, default=str),
            "title": _meta_str(meta, "title"), "outlet": _meta_str(meta, "outlet"),
            "published": _meta_str(meta, "published"), "signature": sig.astype("<u4").tobytes(),
            "added_at": None,
        }
    )
    spoken: dict[str, int] = {}
    for pos_, attr in enumerate(doc.attributions):
        if attr.speaker:
            spoken[attr.speaker] = spoken.get(attr.speaker, 0) + 1
        content_text = " ".join(text[s:e] for s, e in attr.content)
        words = sketch.normalise_words(content_text)
        norm = " ".join(words)
        terms = sketch.content_terms(words)
        ckey: int | None = None
        if len(terms) >= sketch.MIN_CONTENT_TERMS:
            ckey = sketch.content_key(norm)
            if ckey not in batch.contents:
                batch.contents[ckey] = {
                    "ckey": ckey, "norm": norm, "n_terms": len(terms),
                    "names": sorted(sketch.names_in(content_text)),
                    "numbers": sorted(sketch.numbers_in(words)),
                    "negated": sketch.negated(words),
                }
                sig_c = sketch.signature(sketch.content_shingles(terms), sketch.CONTENT_PERM)
                for band, h in enumerate(sketch.band_hashes(sig_c)):
                    batch.bands.append({"ckey": ckey, "band": band, "h": h})
        batch.attrs.append(
            {
                "doc_id": doc.doc_id, "attr_id": attr.id, "position": pos_,
                "parent": attr.parent, "speaker": attr.speaker, "kind": attr.kind,
                "certainty": attr.certainty,
                "source_text": spans_text(text, attr.source), "cue_text": spans_text(text, attr.cue),
                "content_text": spans_text(text, attr.content), "content_norm": norm, "ckey": ckey,
                "source": json.dumps([list(s) for s in attr.source]),
                "cue": json.dumps([list(s) for s in attr.cue]),
                "content": json.dumps([list(s) for s in attr.content]),
            }
        )
    for ent in doc.entities:
        aliases = ent.extra.get("aliases") or []
        batch.ents.append(
            {
                "doc_id": doc.doc_id, "entity_id": ent.id, "name": ent.name, "type": ent.type,
                "aliases": [str(a) for a in aliases] if isinstance(aliases, list) else [],
                "mentions": json.dumps([list(m) for m in ent.mentions]),
                "n_mentions": len(ent.mentions), "n_attributions": spoken.get(ent.id, 0),
            }
        )
    for b in doc.boilerplate:
        batch.boiler.append(
            {"doc_id": doc.doc_id, "kind": b.kind, "span_start": b.span[0], "span_end": b.span[1],
             "text": text[b.span[0] : b.span[1]]}
        )
        if b.credit_span is not None:  # a caption's photo credit names an agency the article used
            s, e = b.credit_span
            batch.boiler.append(
                {"doc_id": doc.doc_id, "kind": "photo-credit", "span_start": s, "span_end": e, "text": text[s:e]}
            )
    batch.hashes.add(digest)
    batch.ids.add(doc.doc_id)


class Store:
    """One DuckDB corpus file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, memory_limit: str = "512MB") -> None:
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path, config={"memory_limit": memory_limit})
        except duckdb.Error as e:
            if "not a valid duckdb database" in str(e).lower():
                raise StoreError(f"E602: {self.path} is not a sourcetrace store ({e})") from e
            hint = "; is another run using it?" if "lock" in str(e).lower() else ""
            raise StoreError(f"E601: cannot open store {self.path} ({e}){hint}") from e
        try:
            self._seq = self._open_tables()
        except BaseException:
            self.con.close()
            raise
        # hashes being analysed or waiting for a commit (what is known of them: bounded by
        # how far the analysis reads ahead, not by the length of the run)
        self._inflight: dict[str, _InFlight] = {}
        self._commits = 0  # commits by this Store
        self._mode: str | None = None  # the attribution mode this run analyses with
        self._modes: tuple[str, ...] = ()  # the store's modes, as its last commit recorded them
        self._taken_ids: set[str] = set()  # doc_ids of those already held by another text

    def _open_tables(self) -> int:
        """Create the tables of a new store, or check that an existing file is one (another
        DuckDB file is left as it was: no table is added to it); return its last seq."""
        self.con.begin()  # DuckDB's DDL is transactional: a refused file gets nothing
        try:
            tables = {row[0] for row in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "UNION ALL SELECT view_name FROM duckdb_views() "
                "WHERE database_name = current_database() AND NOT internal").fetchall()}
            if tables and ("store_info" not in tables or self._one(
                    "SELECT value FROM store_info WHERE key = 'schema'") is None):
                raise StoreError(f"E602: {self.path} is not a sourcetrace store (a DuckDB file with other tables)")
            self.con.execute(_DDL)
            self.con.execute(
                "INSERT OR IGNORE INTO store_info VALUES ('schema', ?), ('generation', '0'), ('linked', '-1'), "
                "('sketch', ?)",
                [SCHEMA_VERSION, sketch.SKETCH_VERSION],
            )
            row = self._one("SELECT value FROM store_info WHERE key = 'sketch'")
            seq = self._one("SELECT coalesce(max(seq), 0) FROM documents")
        except BaseException as e:
            self.con.rollback()
            if isinstance(e, duckdb.Error):  # tables of the same names and other shapes
                raise StoreError(f"E602: {self.path} is not a sourcetrace store ({e})") from e
            raise
        self.con.commit()
        if row is not None and row[0] != sketch.SKETCH_VERSION:
            raise StoreError(
                f"E605: {self.path} holds sketches of version {row[0]}, this sourcetrace makes "
                f"version {sketch.SKETCH_VERSION}; add the articles to a new store"
            )
        return int(seq[0])  # type: ignore[index]

    def _one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, with the result consumed (DuckDB refuses other work
        on a connection while a result is left half-read)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- adding --------------------------------------------------------------------------

    def _lookup(self, digest: str, doc_id: str) -> tuple[bool, bool]:
        """(text already stored, doc_id already used) in one query: a point query costs
        about half a millisecond, a tenth of what storing a pre-analysed record does."""
        row = self._one(
            "SELECT coalesce(bool_or(content_hash = ?), false), coalesce(bool_or(doc_id = ?), false) "
            "FROM documents WHERE content_hash = ? OR doc_id = ?",
            [digest, doc_id, digest, doc_id],
        )
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    def add_documents(
        self,
        items: Iterable[Document | InputError],
        *,
        analyze: Analyze | None = None,
        jobs: int = 1,
        batch_size: int = 32,
        commit_seconds: float = 2.0,
        on_event: EventCallback | None = None,
    ) -> AddSummary:
        """Analyse and store documents that are not stored yet; return what happened.

        ``items`` may hold InputErrors (as :func:`sourcetrace.ingest.read_inputs` yields
        them): each is counted as failed and reported through ``on_event``, and the run
        goes on. ``analyze`` defaults to the per-document pipeline (in a process pool
        when ``jobs`` > 1); pass :func:`as_is` to store records that are already analysed.
        A document the analysis rejects (a SourcetraceError) is failed; any other
        exception stops the run after committing the documents already analysed.
        """
        from .pipeline import DEFAULT_MODE

        summary = AddSummary()
        # records stored as they are (``as_is``) do not say which mode made them
        self._mode = DEFAULT_MODE if analyze is None else PRE_ANALYSED if analyze is as_is else None
        self._modes = ()
        emit = on_event or (lambda event, name, detail: None)
        batch = _Batch()
        last_commit = time.monotonic()

        def fresh() -> Iterator[Document]:
            for item in items:
                if isinstance(item, InputError):
                    summary.failed.append((item.path, item.reason))
                    emit("failed", item.path, item.reason)
                    continue
                digest = content_hash(item.text)
                stored, id_taken = self._lookup(digest, item.doc_id)
                if stored:
                    summary.skipped += 1
                    emit("skipped", item.doc_id, "already stored")
                    continue
                if digest in self._inflight:  # counted when the first one is stored or fails
                    self._inflight[digest].twins.append((item.doc_id, item.where))
                    continue
                self._inflight[digest] = _InFlight(self._commits)
                if id_taken:
                    self._taken_ids.add(item.doc_id)
                yield item

        db_failed = False
        try:
            # closed here, not when the collector finds it: a pool's stop waits for its
            # workers, and must while the command's stop handler holds further signals
            with contextlib.closing(self._analysed(fresh(), analyze=analyze, jobs=jobs)) as analysed:
                for out in analysed:
                    if isinstance(out, _Failure):
                        twins = self._inflight.pop(out.digest, _InFlight(0)).twins
                        # a later copy's line says which copy it repeats: the reason alone
                        # names the first copy's doc_id, read on b.txt's line as b's own
                        for where, reason in [(out.where, out.reason),
                                              *((w, f"same text as {out.where}: {out.reason}") for _, w in twins)]:
                            summary.failed.append((where, reason))
                            emit("failed", where, reason)
                        continue
                    self._stage(out, batch, summary)
                    if len(batch) >= batch_size or time.monotonic() - last_commit >= commit_seconds:
                        db_failed = True
                        self._commit(batch, summary, emit)
                        batch = _Batch()  # before db_failed falls: a signal between the two re-committed the batch
                        db_failed = False
                        last_commit = time.monotonic()
        finally:
            # Whatever stopped the run, documents already analysed are kept: the
            # restarted run then skips them by hash.
            if len(batch) and not db_failed:
                self._commit(batch, summary, emit)
            self._inflight.clear()
            self._taken_ids.clear()
            mode, self._mode = self._mode, None
        if mode is not None and summary.added and len(self._modes) > 1:
            summary.mixed_modes = self._modes
        return summary

    def _record_mode(self, mode: str) -> None:
        """Note ``mode`` among the attribution modes of the store's documents, in the
        transaction of the commit that stores documents analysed with it (before them:
        documents stored before the modes were recorded count as "unrecorded"). An
        interrupted run's documents are then recorded as the rest are."""
        row = self._one("SELECT value FROM store_info WHERE key = 'attribution'")
        if row is not None:
            seen = row[0].split(",")
        elif self._one("SELECT 1 FROM documents LIMIT 1") is not None:
            seen = ["unrecorded"]
        else:
            seen = []
        if mode not in seen:
            seen.append(mode)
            self.con.execute("INSERT OR REPLACE INTO store_info VALUES ('attribution', ?)", [",".join(seen)])
        self._modes = tuple(seen)

    def _analysed(self, docs: Iterable[Document], *, analyze: Analyze | None,
                  jobs: int) -> Iterator[Document | _Failure]:
        if analyze is None and jobs > 1:
            from .runner import Failure, LocalRunner

            # the runner reads only a few chunks ahead and answers in order, one output per
            # document: the inputs in flight wait here to be matched with theirs
            sent: deque[Document] = deque()

            def tracked() -> Iterator[Document]:
                for doc in docs:
                    sent.append(doc)
                    yield doc

            with contextlib.closing(LocalRunner(jobs=jobs).run(tracked())) as outs:
                for out in outs:
                    doc = sent.popleft()
                    yield _vetted(doc, SourcetraceError(out.reason) if isinstance(out, Failure) else out)
            return
        if analyze is not None:  # one by one: each result is stored as soon as it exists
            for doc in docs:
                try:
                    out: Document | SourcetraceError = analyze(doc)
                except SourcetraceError as e:
                    out = e
                yield _vetted(doc, out)
            return
        from . import pipeline
        from .runner.local import doc_chunks

        # the pipeline's parse is batched; analyze_many is looked up per call, so a test can replace it
        for chunk in doc_chunks(docs):
            for doc, out in zip(chunk, pipeline.analyze_many(chunk), strict=True):
                yield _vetted(doc, out)

    def _stage(self, doc: Document, batch: _Batch, summary: AddSummary) -> None:
        digest = content_hash(doc.text)
        doc_id = doc.doc_id
        flight = self._inflight.get(digest)
        # a commit since the lookup (which runs ahead of the analysis) may have stored
        # another text of this run under the same doc_id: asked again
        committed_since = flight is not None and flight.commits < self._commits
        if (doc_id in batch.ids or doc_id in self._taken_ids
                or (committed_since and self._one("SELECT 1 FROM documents WHERE doc_id = ?", [doc_id]))):
            doc_id = f"{doc_id}~{digest[:8]}"
            summary.renamed += 1
            log.info("doc_id %s is taken by another text; storing as %s", doc.doc_id, doc_id)
            doc = dataclasses.replace(doc, doc_id=doc_id)
        self._seq += 1
        mark = batch.mark()
        try:
            _flatten(doc, seq=self._seq, digest=digest, batch=batch)
        except BaseException:
            batch.rollback(mark, digest, doc_id)
            raise

    def _commit(self, batch: _Batch, summary: AddSummary, emit: EventCallback) -> None:
        now = _now()
        for row in batch.docs:
            row["added_at"] = now
        tables = {
            "documents": pa.Table.from_pylist(batch.docs, schema=_DOC_SCHEMA),
            "attributions": pa.Table.from_pylist(batch.attrs, schema=_ATTR_SCHEMA),
            "entities": pa.Table.from_pylist(batch.ents, schema=_ENT_SCHEMA),
            "boilerplate": pa.Table.from_pylist(batch.boiler, schema=_BOILER_SCHEMA),
        }
        new_contents = pa.Table.from_pylist(list(batch.contents.values()), schema=_CONTENT_SCHEMA)
        new_bands = pa.Table.from_pylist(batch.bands, schema=_BAND_SCHEMA)
        con = self.con
        con.begin()
        try:
            if self._mode is not None and self._mode not in self._modes:  # once a run
                self._record_mode(self._mode)
            for name, table in tables.items():
                con.register("_new", table)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _new")
                con.unregister("_new")
            con.register("_new_bands", new_bands)
            con.register("_new_contents", new_contents)
            # bands only for contents first seen now (the same quote in many articles once)
            con.execute(
                "INSERT INTO content_bands SELECT * FROM _new_bands "
                "WHERE ckey NOT IN (SELECT ckey FROM contents)"
            )
            con.execute("INSERT OR IGNORE INTO contents BY NAME SELECT * FROM _new_contents")
            con.unregister("_new_bands")
            con.unregister("_new_contents")
            con.execute(
                "UPDATE store_info SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                "WHERE key = 'generation'"
            )
            con.commit()
        except BaseException:
            # a signal that lands in COMMIT itself raises after the transaction ended: the
            # rollback's "no transaction is active" must not hide that first error
            with contextlib.suppress(duckdb.TransactionException):
                con.rollback()
            raise
        self._commits += 1
        for row in batch.docs:
            summary.added += 1
            emit("added", row["doc_id"], "")
            for doc_id, _ in self._inflight.pop(row["content_hash"], _InFlight(0)).twins:
                summary.skipped += 1
                emit("skipped", doc_id, f"same text as {row['doc_id']}")
        log.debug("committed %d documents", len(batch))

    # -- reading ---------------------------------------------------------------------

    def count(self, table: str = "documents") -> int:
        if table not in {*_BASE_TABLES, "contents"}:
            raise StoreError(f"E604: no table {table!r}")
        return int(self._one(f"SELECT count(*) FROM {table}")[0])  # type: ignore[index]

    def iter_documents(self, *, batch: int = 256) -> Iterator[Document]:
        """Every stored document as a Document, in insertion order, streamed."""
        cur = self.con.cursor()
        try:
            cur.execute("SELECT record FROM documents ORDER BY seq")
            while rows := cur.fetchmany(batch):
                for (record,) in rows:
                    yield Document.from_dict(json.loads(record))
        finally:
            cur.close()

    def get_document(self, doc_id: str) -> Document | None:
        row = self._one("SELECT record FROM documents WHERE doc_id = ?", [doc_id])
        return None if row is None else Document.from_dict(json.loads(row[0]))

    def stats(self) -> dict[str, int]:
        out = {t: self.count(t) for t in _BASE_TABLES}
        out["generation"] = self._generation()
        return out

    # -- link results ---------------------------------------------------------------

    def _generation(self) -> int:
        row = self._one("SELECT value FROM store_info WHERE key = 'generation'")
        return int(row[0]) if row else 0

    def ensure_linked(self, *, force: bool = False) -> None:
        """(Re)compute the corpus links if documents were added since the last time."""
        from .link import LINK_VERSION, link_corpus

        row = self._one("SELECT value FROM store_info WHERE key = 'linked'")
        stamp = f"{self._generation()}@{LINK_VERSION}"
        if not force and row is not None and row[0] == stamp:
            return

        started = time.monotonic()
        # Not one transaction: the stages read earlier stages' tables through cursors of
        # their own (streaming while writing). An interrupted link leaves `linked` stale,
        # so the next call starts over.
        self.con.execute("UPDATE store_info SET value = '-1' WHERE key = 'linked'")
        link_corpus(self.con)
        self.con.execute("UPDATE store_info SET value = ? WHERE key = 'linked'", [stamp])
        log.info("linked %d documents in %.1f s", self.count(), time.monotonic() - started)

    def claims(self, *, min_docs: int = 1, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """`corpus claims` records (CONTRACT.md), most widely carried first."""
        from .link.claims import iter_claims

        self.ensure_linked()
        return iter_claims(self.con.cursor(), min_docs=min_docs, limit=limit)

    def citations(self, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """`corpus citations` edges (CONTRACT.md)."""
        from .link.citations import iter_citations

        self.ensure_linked()
        return iter_citations(self.con.cursor(), limit=limit)

    def sources(self, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """`corpus sources` entities merged across documents (CONTRACT.md)."""
        from .link.entities import iter_sources

        self.ensure_linked()
        return iter_sources(self.con.cursor(), limit=limit)

    def near_duplicates(self) -> Iterator[list[str]]:
        """Groups of near-duplicate (syndicated) documents, the representative first."""
        from .link.independence import iter_duplicate_groups

        self.ensure_linked()
        return iter_duplicate_groups(self.con.cursor())

    def citation_graph(self) -> Any:
        """The citation graph (:class:`sourcetrace.link.graph.CitationGraph`)."""
        from .link.graph import load_graph

        self.ensure_linked()
        return load_graph(self.con)

    def summary(self) -> dict[str, int]:
        """Counts for a report header: documents, attributions, claims, copies…"""
        self.ensure_linked()
        row = self._one(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM attributions), "
            "(SELECT count(*) FROM link_claims), (SELECT count(*) FROM link_claims WHERE n_docs > 1), "
            "(SELECT count(*) FROM link_sources), (SELECT count(*) FROM link_citations), "
            "(SELECT count(*) FROM link_doc_clusters WHERE doc_id <> cluster)"
        )
        keys = ("documents", "attributions", "claims", "shared_claims", "sources", "citations", "copies")
        return dict(zip(keys, (int(v) for v in (row or (0,) * len(keys))), strict=True))

    # -- export ----------------------------------------------------------------------

    def export_parquet(self, directory: str | Path) -> list[Path]:
        """One Parquet file per table (documents, attributions, entities, links…)."""
        self.ensure_linked()
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        names = [r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY table_name"
        ).fetchall()]
        written = []
        for name in names:
            if name in {"store_info", "content_bands"}:
                continue
            path = out / f"{name}.parquet"
            literal = str(path).replace("'", "''")
            self.con.execute(f"COPY {name} TO '{literal}' (FORMAT PARQUET)")
            written.append(path)
        return written


@dataclass
class _InFlight:
    """A text of this run between its lookup and its commit."""

    commits: int  # the Store's commits when it was looked up
    twins: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, where) of later copies


@dataclass
class _Failure:
    where: str  # the file (file:line) it was read from, else its doc_id
    reason: str
    digest: str


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now()
