"""Reading `sourcetrace/1` records back (from `sourcetrace analyze`), one bad line at a time.

Why its own module: `show`, `report` and `corpus add --analyzed` all read records, and only
the last needs the corpus extra (DuckDB). A bad file, line or record is yielded as an
InputError naming it (``file:line``, ``file#n``), so one bad line costs only itself.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError, OffsetError
from .model import Document

__all__ = ["NOT_A_RECORD", "read_records"]


def read_records(paths: Iterable[str | Path], *, gold: bool = False) -> Iterator[Document | InputError]:
    """Stream `sourcetrace/1` records from .jsonl/.json files or directories of them.

    Like :func:`sourcetrace.ingest.read_inputs`, a bad file or line is yielded as an
    InputError naming it, and the others still come through. A directory's ``*.gold.json``
    files are skipped unless ``gold`` (``show`` reads them; the corpus store must not);
    with ``gold``, a directory's JSON objects that are no record at all (a corpus-level gold
    file) are passed over, as ``evaluate.load_records`` does.
    """
    for path in paths:
        p = Path(path)
        if p.is_dir():
            # hidden files and folders are passed over (.ipynb_checkpoints holds copies)
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in {".json", ".jsonl"}
                           and (gold or not f.name.endswith(".gold.json"))
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            for f in files:
                # with gold, a corpus-level gold file is no record: passed over
                yield from (x for x in _records_in(f)
                            if not (gold and isinstance(x, InputError) and x.reason == NOT_A_RECORD))
        elif p.is_file():
            yield from _records_in(p)
        else:
            yield InputError(str(p), "no such file or directory")


def _records_in(path: Path) -> Iterator[Document | InputError]:
    try:
        if path.suffix == ".jsonl":
            yield from _lines_in(path)
            return
        raw = path.read_text(encoding="utf-8")
        if not raw.strip():  # no records, as in an empty .jsonl
            return
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError) as e:
        yield InputError(str(path), f"cannot read records ({e})")
        return
    except json.JSONDecodeError as e:
        # one value, then more: JSON Lines (`analyze -o out.json`), unless its first line
        # is no JSON value of its own (pretty-printed values one after another)
        # lines as _lines_in reads them: at "\n" only (str.splitlines also breaks at U+2028,
        # which a record's text may hold unescaped)
        first = next((line for line in io.StringIO(raw) if line.strip()), "")
        if e.msg == "Extra data" and _is_json(first):
            yield from _lines_in(path)
        else:
            yield InputError(str(path), f"malformed JSON ({e.msg}: line {e.lineno} column {e.colno})")
        return
    for n, item in enumerate(data if isinstance(data, list) else [data], start=1):
        yield _record(item, where=f"{path}#{n}" if isinstance(data, list) else str(path))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _lines_in(path: Path) -> Iterator[Document | InputError]:
    try:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    yield _record(line, where=f"{path}:{lineno}")
    except (OSError, UnicodeDecodeError) as e:
        yield InputError(str(path), f"cannot read records ({e})")


NOT_A_RECORD = "not a sourcetrace record (needs doc_id and text)"
"""A JSON value without ``doc_id`` and ``text``: in a gold folder, a corpus-level record."""


def _record(raw: str | Any, *, where: str) -> Document | InputError:
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as e:
        return InputError(where, f"malformed JSON line ({e.msg})")
    if not isinstance(data, dict) or "text" not in data or "doc_id" not in data:
        return InputError(where, NOT_A_RECORD)
    # a record whose fields are wrong is one, and is said to be bad: read with gold, a
    # folder passes over what is no record at all, and it would have passed over this
    if not isinstance(data["text"], str):
        return InputError(where, "bad record (text is not a string)")
    if data["doc_id"] in (None, ""):
        return InputError(where, "bad record (doc_id is empty)")
    try:
        doc = Document.from_record(data)
    except (OffsetError, KeyError, TypeError, ValueError) as e:
        return InputError(where, f"bad record ({e})")
    return doc
