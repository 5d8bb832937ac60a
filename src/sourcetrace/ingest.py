"""Turn files, directories and stdin into Documents, once and for all.

This is the only place where bytes become ``text``: decoding and HTML extraction happen
here, and every later offset points into what this module returns (CONTRACT.md). Bad
input is *yielded* as an :class:`InputError` rather than raised, so one unreadable file
in a corpus run is reported in one line and the others still go through.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from .errors import InputError, printable
from .model import Document, is_valid_unicode

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KNOWN_SUFFIXES",
    "READ_HINT",
    "document_from_html",
    "document_from_text",
    "read_inputs",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Larger single articles are refused: no news article is 20 MB of text, a dump is."""

KNOWN_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".jsonl", ".warc", ".warc.gz")
"""Suffixes picked up when a directory is walked (``.json`` files are outputs, not inputs)."""
READ_HINT = f"read: {' '.join(KNOWN_SUFFIXES)}, or - for stdin"
"""What a run that found no article says it looks for."""

_HTML_SUFFIXES = (".html", ".htm")
_WARC_SUFFIXES = (".warc", ".warc.gz")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# A decoded text with more than this share of control characters is binary data that
# some legacy code page happened to accept (tabs, newlines and form feeds excepted).
# News text has none at all; uniformly random bytes decode to about 12% controls.
_MAX_CONTROL_SHARE = 0.02
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def read_inputs(
    paths: Iterable[str | Path],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | InputError]:
    """Yield one Document per article found in ``paths``, or an InputError per bad input.

    ``-`` reads ``stdin`` (``sys.stdin`` when not given). Directories are walked
    recursively in sorted order, keeping files with a known suffix and skipping hidden
    files and ``*.gold.json``. A file with an unknown suffix that is named explicitly is
    read as text. ``max_bytes`` bounds one article: a whole .txt/.html file, or one line
    of a .jsonl, or one record of a WARC.
    """
    for path in paths:
        if str(path) == "-":
            yield from _read_stdin(stdin, max_bytes=max_bytes)
            continue
        p = Path(path)
        if p.is_dir():
            for child in _walk(p):
                yield from _read_file(child, max_bytes=max_bytes)
        else:
            yield from _read_file(p, max_bytes=max_bytes)


def document_from_text(data: bytes, *, doc_id: str, source: str) -> Document | InputError:
    """Decode a plain-text article; ``text`` is exactly the decoded bytes minus a BOM."""
    text = _decode(data, source=source)
    if isinstance(text, InputError):
        return text
    if not text.strip():
        return InputError(source, "empty input")
    return Document(doc_id=doc_id, text=text, meta={}, origin=source)


_CHARSET_DECLARED = re.compile(rb"charset\s*=", re.IGNORECASE)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def document_from_html(
    data: bytes | str, *, doc_id: str, source: str, url: str | None = None
) -> Document | InputError:
    """Extract the article text and title/date/site name from one HTML page (trafilatura)."""
    if isinstance(data, bytes):
        if not data.strip():
            return InputError(source, "empty input")
        if _looks_binary(data):
            return InputError(source, "binary file, not text")
        if not _CHARSET_DECLARED.search(data[:4096]) and not _is_utf8(data):
            # no <meta charset> to go by: decode it as a text file is (trafilatura's own
            # guess read Latin-1 "très" as cp1250 "trčs"), and say that it was a guess
            decoded = _decode(data, source=source)
            if not isinstance(decoded, InputError):
                data = decoded
            # else (UTF-8 with a stray byte): trafilatura's own decoding, which replaces it
    elif not data.strip():
        return InputError(source, "empty input")
    import trafilatura  # slow to import; only HTML and WARC input needs it

    try:
        result = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
        )
    except Exception as e:  # noqa: BLE001 - a parser crash on one page must not stop a run
        logger.debug("trafilatura failed on %s", source, exc_info=True)
        return InputError(source, f"no article text found in HTML ({type(e).__name__})")
    if result is None:
        return InputError(source, "no article text found in HTML")
    fields: dict[str, Any] = result if isinstance(result, dict) else result.as_dict()
    text = fields.get("text") or ""
    if not any(ch.isalnum() for ch in text):  # stray markup such as "<<< >>>" is no article
        return InputError(source, "no article text found in HTML")
    meta: dict[str, Any] = {}
    for key, name in (("title", "title"), ("date", "published"), ("sitename", "outlet")):
        if fields.get(key):
            meta[name] = fields[key]
    if url or fields.get("url"):
        meta["url"] = url or fields["url"]
    return Document(doc_id=doc_id, text=text, meta=meta, origin=source)


# -- files and directories ------------------------------------------------------------


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return path.suffix.lower()


def _stem(path: Path) -> str:
    """The file's name without its suffix, the document's id. A name that is not UTF-8
    ("caf\\xe9.txt" in Latin-1) keeps its odd bytes as escapes: an id must be text."""
    suffix = _suffix(path)
    stem = path.stem
    if suffix and path.name.lower().endswith(suffix):
        stem = path.name[: -len(suffix)] or path.name
    return os.fsencode(stem).decode("utf-8", "backslashreplace")


def _walk(root: Path) -> Iterator[Path]:
    """Known-suffix files under ``root``, sorted, hidden files and folders skipped."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or name.lower().endswith(".gold.json"):
                continue
            path = Path(dirpath) / name
            if _suffix(path) in KNOWN_SUFFIXES:
                found.append(path)
    return iter(sorted(found))


def _read_file(path: Path, *, max_bytes: int) -> Iterator[Document | InputError]:
    source = str(path)
    if not path.exists():
        yield InputError(source, "no such file or directory")
        return
    if not path.is_file():
        yield InputError(source, "not a regular file")
        return
    suffix = _suffix(path)
    try:
        if suffix == ".jsonl":
            yield from _read_jsonl(path, max_bytes=max_bytes)
            return
        if suffix in _WARC_SUFFIXES:
            yield from _read_warc(path, max_bytes=max_bytes)
            return
        size = path.stat().st_size
        if size > max_bytes:
            yield InputError(source, _too_large(size, max_bytes))
            return
        data = path.read_bytes()
    except OSError as e:
        yield InputError(source, f"cannot read file ({e.strerror or type(e).__name__})")
        return
    if suffix in _HTML_SUFFIXES:
        yield document_from_html(data, doc_id=_stem(path), source=source)
    else:
        yield document_from_text(data, doc_id=_stem(path), source=source)


def _read_stdin(
    stdin: TextIO | BinaryIO | None, *, max_bytes: int
) -> Iterator[Document | InputError]:
    stream: Any = sys.stdin if stdin is None else stdin
    # Prefer the byte stream under a text wrapper, so decoding follows the same rules as
    # for files instead of the terminal's locale.
    raw_stream = getattr(stream, "buffer", stream)
    try:
        chunk = raw_stream.read(max_bytes + 1)
    except (OSError, ValueError) as e:
        yield InputError("-", f"cannot read stdin ({e})")
        return
    data = chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else bytes(chunk)
    if len(data) > max_bytes:
        yield InputError("-", _too_large(len(data), max_bytes, at_least=True))
        return
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        yield document_from_html(data, doc_id="stdin", source="-")
    else:
        yield document_from_text(data, doc_id="stdin", source="-")


def _too_large(size: int, max_bytes: int, *, at_least: bool = False) -> str:
    mb = 1024 * 1024
    more = "over " if at_least else ""
    return f"file too large ({more}{size / mb:.1f} MB > {max_bytes / mb:g} MB)"


# -- decoding --------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary, unless a UTF-16/32 byte-order mark says otherwise."""
    if any(data.startswith(bom) for bom, enc in _BOMS if enc != "utf-8"):
        return False
    return b"\x00" in data


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text in UTF-16 saved without its byte-order mark (Latin script: a NUL in every other
    byte, on the same side), with the encoding it was read in; else None."""
    sample = data[: 4096 - 4096 % 2] if len(data) >= 4096 else data[: len(data) - len(data) % 2]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    encoding = "utf-16-le" if odd > 0.9 and even < 0.05 else "utf-16-be" if even > 0.9 and odd < 0.05 else None
    if encoding is None:
        return None
    try:
        return data[: len(data) - len(data) % 2].decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    controls += sum(1 for ch in text if 0x7F <= ord(ch) < 0xA0)
    return controls / len(text)


def _decode(data: bytes, *, source: str) -> str | InputError:
    """UTF-8 first (the common case, and never a guess); else a BOM; else charset-normalizer."""
    if not data.strip():
        return InputError(source, "empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return InputError(source, f"cannot decode text (invalid {encoding} after BOM)")
            return _check_text(text, source=source)
    if _looks_binary(data):
        wide = _utf16_without_bom(data)
        if wide is None:
            return InputError(source, "binary file, not text")
        logger.warning("%s: no byte-order mark, decoded as %s (every other byte is NUL)", source, wide[1])
        return _check_text(wide[0], source=source)
    try:
        return _check_text(data.decode("utf-8"), source=source)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return InputError(source, "binary file, not text (no text encoding fits)")
    # a tie is broken for Windows-1252, the commonest 8-bit encoding of Western news (and
    # what browsers take Latin-1 for): "très" read as cp1250 would be "trčs"
    western = next((m for m in matches if m.encoding == "cp1252"
                    and (m.chaos, m.coherence) == (best.chaos, best.coherence)), None)
    best = western or best
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return InputError(source, f"cannot decode text (guessed {best.encoding})")
    logger.warning("%s: not UTF-8, decoded as %s (a guess: convert it to UTF-8 if letters look wrong)",
                   source, best.encoding)
    return _check_text(text, source=source)


def _check_text(text: str, *, source: str) -> str | InputError:
    if _control_share(text) > _MAX_CONTROL_SHARE:
        return InputError(source, "binary file, not text")
    return text


# -- JSON Lines --------------------------------------------------------------------------


def _read_jsonl(path: Path, *, max_bytes: int) -> Iterator[Document | InputError]:
    """One article per line: ``{"id": …, "text": …, "meta": {…}}``; a bad line is skipped."""
    source = str(path)
    seen_any = False
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            where = f"{source}:{lineno}"
            if len(raw) > max_bytes:
                seen_any = True
                yield InputError(where, _too_large(len(raw), max_bytes))
                continue
            if not raw.strip():
                continue
            seen_any = True
            yield _jsonl_record(raw, where=where)
    if not seen_any:
        yield InputError(source, "empty input")


def _jsonl_record(raw: bytes, *, where: str) -> Document | InputError:
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        reason = e.msg if isinstance(e, json.JSONDecodeError) else "not UTF-8"
        return InputError(where, f"malformed JSON line ({reason})")
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id", record.get("doc_id"))
    text = record.get("text")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        return InputError(where, 'missing "id" (a non-empty string)')
    if not isinstance(text, str):
        return InputError(where, 'missing "text" (a string)')
    if not text.strip():
        return InputError(where, "empty input")
    # the bytes were UTF-8, so a lone surrogate can only come from a \u escape: only then
    # is the whole record encoded again to look for one
    if b"\\u" in raw and not is_valid_unicode(record):
        return InputError(where, "not valid Unicode (a lone surrogate such as \\ud800 in its JSON)")
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        return InputError(where, '"meta" must be a JSON object')
    return Document(doc_id=str(doc_id), text=text, meta=dict(meta), origin=where)


# -- WARC ------------------------------------------------------------------------------


def _read_warc(path: Path, *, max_bytes: int) -> Iterator[Document | InputError]:
    """HTML responses of a web archive, each extracted like an .html file.

    ``doc_id`` is ``<stem>#<n>``, n counting HTML responses from 1 in archive order, so
    it is stable and readable. A truncated or corrupt archive yields the records read
    so far, then one InputError naming the file.
    """
    from warcio.archiveiterator import ArchiveIterator

    source = str(path)
    stem = _stem(path)
    count = 0
    with path.open("rb") as fh:
        archive = ArchiveIterator(fh)
        # warcio writes its own three-line warning for a record whose Content-Length runs
        # short of the blank line; one line naming the file instead (the record is still read)
        archive.INC_RECORD = ("warning: " + printable(source).replace("{", "{{").replace("}", "}}")
                              + ": a WARC record at offset {0} is not followed by a blank line"
                              " (its Content-Length may be wrong)\n")
        records = iter(archive)
        while True:
            payload, url = b"", None
            try:
                record = next(records)
                if not str(record.format).startswith("warc"):
                    # warcio also reads old ARC files, and takes any text line for an
                    # ARC header; neither is what a .warc name promises.
                    raise ValueError(f"not a WARC record (read as {record.format})")
                wanted = record.rec_type == "response" and _is_html(record)
                if wanted:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    payload = record.content_stream().read(max_bytes + 1)
                missing = _missing_bytes(record)
            except StopIteration:
                break
            except Exception as e:  # noqa: BLE001 - warcio, gzip and zlib each raise their own
                # kind on a cut-off archive (ArchiveLoadFailed, EOFError, zlib.error, …).
                logger.debug("%s: warcio stopped", source, exc_info=True)
                yield InputError(source, _corrupt(count, _warc_failure(e)))
                return
            if missing:
                # warcio ends quietly when a gzip member or the file is cut short; the
                # record's own Content-Length is what tells.
                yield InputError(source, _corrupt(count, f"last record {missing} bytes short"))
                return
            if not wanted:
                continue
            count += 1
            where = f"{source}#{count}"
            if len(payload) > max_bytes:
                yield InputError(where, _too_large(len(payload), max_bytes, at_least=True))
                continue
            yield document_from_html(payload, doc_id=f"{stem}#{count}", source=where, url=url)
    if _suffix(path) == ".warc.gz" and not _gzip_complete(path):
        yield InputError(source, _corrupt(count, "gzip stream cut short"))
        return
    if count == 0:
        yield InputError(source, "no HTML response records in WARC")


def _warc_failure(e: Exception) -> str:
    """What stopped warcio, in words. Its own errors (ArchiveLoadFailed), gzip's and zlib's
    say it; an error of Python's own from inside warcio ("'NoneType' object has no
    attribute 'startswith'", for a response record with no WARC-Target-URI) says nothing
    to a reader of the archive."""
    if isinstance(e, (AttributeError, TypeError, KeyError, IndexError)):
        return "a record whose headers warcio could not read: a required WARC header may be missing"
    return f"{type(e).__name__}: {e}"


def _corrupt(count: int, why: str) -> str:
    return f"truncated or corrupt WARC after {count} HTML records ({why})"


def _gzip_complete(path: Path) -> bool:
    """Whether every gzip member of ``path`` ends properly.

    A cut inside a member's deflate data may decompress to nothing at all, and warcio
    then ends as if the archive were complete; only the gzip trailer tells.
    """
    decomp = zlib.decompressobj(wbits=31)
    started = False
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                while chunk:
                    started = True
                    decomp.decompress(chunk)
                    if not decomp.eof:
                        break
                    chunk = decomp.unused_data
                    decomp = zlib.decompressobj(wbits=31)
                    started = False
    except (OSError, zlib.error):
        return False
    return not started


def _missing_bytes(record: Any) -> int:
    """Drain the record and return how many bytes its Content-Length promised but lacked."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    return int(getattr(raw, "limit", 0) or 0)


def _is_html(record: Any) -> bool:
    http = record.http_headers
    ctype = http.get_header("Content-Type", "") if http is not None else ""
    if not ctype:
        ctype = record.rec_headers.get_header("Content-Type", "") or ""
    ctype = ctype.lower()
    return "html" in ctype or "xhtml" in ctype

