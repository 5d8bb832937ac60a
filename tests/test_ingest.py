"""Tests for ingest.py: every input kind, and every kind of bad input as a yielded error."""

from __future__ import annotations

import io
import json
import random
import zlib
from pathlib import Path

import pytest

import sourcetrace.ingest as ingest
from sourcetrace.errors import InputError
from sourcetrace.ingest import read_inputs
from sourcetrace.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

ARTICLE_HTML = (FIXTURES / "article.html").read_bytes()


def _one(path: str | Path, **kwargs: object) -> Document | InputError:
    out = list(read_inputs([path], **kwargs))  # type: ignore[arg-type]
    assert len(out) == 1, out
    return out[0]


def _doc(item: Document | InputError) -> Document:
    assert isinstance(item, Document), item
    return item


def _err(item: Document | InputError) -> InputError:
    assert isinstance(item, InputError), item
    return item


def _html_page(title: str, body: str) -> bytes:
    paragraphs = "".join(
        f"<p>{body} Paragraph {i} adds a little more to read.</p>" for i in range(4)
    )
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def _write_warc(path: Path, pages: list[tuple[str, str, bytes]], *, gz: bool) -> bytes:
    """A WARC with a warcinfo record, then one response per (url, content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    info = writer.create_warcinfo_record(path.name, {"software": "sourcetrace tests"})
    writer.write_record(info)
    for url, ctype, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools the payload to a temp file for the digest
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def test_ingest_all_lists_public_names() -> None:
    for name in ingest.__all__:
        assert hasattr(ingest, name), name
        assert not name.startswith("_")
    assert "read_inputs" in ingest.__all__


# -- plain text -----------------------------------------------------------------------


def test_ingest_txt_text_is_exactly_the_file() -> None:
    doc = _doc(_one(FIXTURES / "plain.txt"))
    assert doc.doc_id == "plain"
    assert doc.text == (FIXTURES / "plain.txt").read_text(encoding="utf-8")


def test_ingest_txt_keeps_crlf_and_strips_only_a_leading_bom(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfFirst line\r\n\r\n  Second line, the clerk said.  \r\n")
    doc = _doc(_one(path))
    assert doc.text == "First line\r\n\r\n  Second line, the clerk said.  \r\n"


def test_ingest_unknown_extension_named_explicitly_is_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Minutes\n\nThe chair said the meeting would end early.\n", encoding="utf-8")
    doc = _doc(_one(path))
    assert doc.doc_id == "notes"
    assert doc.text.startswith("# Minutes")


def test_ingest_latin1_text_is_detected(tmp_path: Path) -> None:
    text = (
        "Le président du conseil régional a déclaré mercredi que les élèves des écoles "
        "primaires recevront un goûter gratuit à la rentrée. « Nous avons été très "
        "attentifs aux familles », a-t-il ajouté devant la presse réunie à Besançon.\n"
    )
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    doc = _doc(_one(path))
    assert doc.text == text


def test_ingest_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    text = "Officials said the road would reopen on Friday.\n"
    path = tmp_path / "wide.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert _doc(_one(path)).text == text


# -- HTML -----------------------------------------------------------------------------


def test_ingest_html_extracts_text_and_meta() -> None:
    doc = _doc(_one(FIXTURES / "article.html"))
    assert doc.doc_id == "article"
    assert "stay open until nine in the evening" in doc.text
    assert "Priya Natarajan" in doc.text
    assert "Copyright" not in doc.text  # the footer is not article text
    assert doc.meta["title"] == "Library opens late on Thursdays"
    assert doc.meta["outlet"] == "The Riverside Courier"
    assert doc.meta["published"] == "2023-04-12"


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><head><title>x</title></head><body><div><<< >>> </div></body>",
        b"<html><body><script>var said = 1;</script><style>p {}</style></body></html>",
        b"<html><body><div class=\"a",
        b"</p></div></body></html>",
    ],
)
def test_ingest_html_without_article_text_is_an_error(tmp_path: Path, markup: bytes) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(markup)
    err = _err(_one(path))
    assert err.reason == "no article text found in HTML"
    assert err.path == str(path)


# -- JSON Lines -----------------------------------------------------------------------


def test_ingest_jsonl_one_document_per_line() -> None:
    docs = [_doc(x) for x in read_inputs([FIXTURES / "batch.jsonl"])]
    assert [d.doc_id for d in docs] == ["first", "second"]
    assert docs[0].text == "The mayor said the bridge would reopen in May.\n\nEngineers agreed."
    assert docs[0].meta == {"outlet": "Example Gazette"}
    assert docs[1].meta == {}


def test_ingest_jsonl_bad_lines_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "The minister said the talks went well."}),
        '{"id": "broken", "text": ',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "notext"}),
        json.dumps({"id": "ok2", "text": "A spokesman declined to comment.", "meta": {"a": 1}}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_inputs([path]))
    assert [x.doc_id for x in out if isinstance(x, Document)] == ["ok1", "ok2"]
    errors = [x for x in out if isinstance(x, InputError)]
    assert [e.path for e in errors] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert errors[0].reason.startswith("malformed JSON line")
    assert "\n" not in str(errors[0])


# -- WARC -----------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_ingest_warc_html_responses_only(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _write_warc(
        path,
        [
            (
                "https://news.example/a",
                "text/html; charset=utf-8",
                _html_page("Bridge vote", "Council members said the bridge vote was close."),
            ),
            ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
            ("https://news.example/b", "text/html", ARTICLE_HTML),
        ],
        gz=gz,
    )
    docs = [_doc(x) for x in read_inputs([path])]
    assert [d.doc_id for d in docs] == ["crawl#1", "crawl#2"]
    assert [d.meta["url"] for d in docs] == ["https://news.example/a", "https://news.example/b"]
    assert "bridge vote was close" in docs[0].text
    assert docs[1].meta["outlet"] == "The Riverside Courier"


@pytest.mark.parametrize("gz", [False, True])
def test_ingest_warc_truncated_yields_records_then_error(tmp_path: Path, gz: bool) -> None:
    whole = tmp_path / "whole.warc"
    pages = [
        (
            f"https://news.example/{i}",
            "text/html",
            _html_page(f"Story {i}", "The agency said the count rose."),
        )
        for i in range(3)
    ]
    data = _write_warc(whole, pages, gz=gz)
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(data[: len(data) - 300])  # inside the last record
    out = list(read_inputs([cut]))
    assert [x.doc_id for x in out[:-1] if isinstance(x, Document)] == ["cut#1", "cut#2"]
    err = _err(out[-1])
    assert err.path == str(cut)
    assert "truncated or corrupt WARC" in err.reason


def test_ingest_warc_gzip_cut_between_members_is_an_error(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    data = _write_warc(whole, [("https://news.example/a", "text/html", ARTICLE_HTML)], gz=True)
    # Keep the first member (warcinfo) and the header of the next: those few bytes
    # decompress to nothing, so only the gzip trailer check can tell.
    decomp = zlib.decompressobj(wbits=31)
    decomp.decompress(data)
    first_len = len(data) - len(decomp.unused_data)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: first_len + 12])
    err = _err(list(read_inputs([cut]))[-1])
    assert "truncated or corrupt WARC" in err.reason


def test_ingest_warc_that_is_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is not a web archive\n", encoding="utf-8")
    err = _err(_one(path))
    assert "corrupt WARC" in err.reason


def test_ingest_warc_response_with_no_target_uri_is_named_in_words(tmp_path: Path) -> None:
    """warcio itself fails on it with "'NoneType' object has no attribute 'startswith'"."""
    path = tmp_path / "odd.warc"
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>The mayor said so.</p>"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n"
                     % (len(body), body))
    err = _err(_one(path))
    assert err.path == str(path)
    assert "truncated or corrupt WARC after 0 HTML records" in err.reason
    assert "WARC header may be missing" in err.reason and "NoneType" not in err.reason


# -- directories and stdin ------------------------------------------------------------


def test_ingest_directory_is_walked_recursively_in_order() -> None:
    out = list(read_inputs([FIXTURES]))
    # article.html, batch.jsonl (2 lines), nested/deeper/note.txt, plain.txt; the hidden
    # file, the .gold.json and the .csv are skipped.
    assert [_doc(x).doc_id for x in out] == ["article", "first", "second", "note", "plain"]


def test_ingest_stdin_binary_stream() -> None:
    stream = io.BytesIO("Caf\u00e9 owners said rents doubled.\n".encode())
    doc = _doc(_one("-", stdin=stream))
    assert doc.doc_id == "stdin"
    assert doc.text == "Caf\u00e9 owners said rents doubled.\n"


def test_ingest_stdin_text_stream_uses_its_buffer() -> None:
    raw = io.BytesIO(b"\xef\xbb\xbfThe union said the strike was over.\n")
    stream = io.TextIOWrapper(raw, encoding="ascii")  # the locale must not matter
    doc = _doc(_one("-", stdin=stream))
    assert doc.text == "The union said the strike was over.\n"


def test_ingest_stdin_plain_string_stream() -> None:
    doc = _doc(_one("-", stdin=io.StringIO("Police said nobody was hurt.")))
    assert doc.text == "Police said nobody was hurt."


def test_ingest_stdin_html_is_extracted() -> None:
    doc = _doc(_one("-", stdin=io.BytesIO(ARTICLE_HTML)))
    assert doc.doc_id == "stdin"
    assert doc.meta["title"] == "Library opens late on Thursdays"


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n", b"\xef\xbb\xbf\n"])
def test_ingest_empty_input(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert _err(_one(path)).reason == "empty input"


def test_ingest_empty_html_and_jsonl(tmp_path: Path) -> None:
    for name in ("empty.html", "empty.jsonl"):
        (tmp_path / name).write_bytes(b"\n \n")
        assert _err(_one(tmp_path / name)).reason == "empty input"


def test_ingest_binary_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert _err(_one(path)).reason.startswith("binary file, not text")


def test_ingest_binary_without_nul_bytes(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4096)))
    assert _err(_one(path)).reason.startswith("binary file, not text")


def test_ingest_binary_html(tmp_path: Path) -> None:
    path = tmp_path / "image.html"
    path.write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" * 10)
    assert _err(_one(path)).reason == "binary file, not text"


def test_ingest_undecodable_after_bom(tmp_path: Path) -> None:
    path = tmp_path / "bad16.txt"
    path.write_bytes(b"\xff\xfe" + "Fine so far".encode("utf-16-le") + b"\x00\xd8")
    assert _err(_one(path)).reason.startswith("cannot decode text")


def test_ingest_huge_file_default_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: the size is checked before anything is read
        fh.truncate(21 * 1024 * 1024)
    assert _err(_one(path)).reason == "file too large (21.0 MB > 20 MB)"


def test_ingest_huge_file_configurable_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("The mayor said so. " * 100, encoding="utf-8")
    assert _err(_one(path, max_bytes=1000)).reason.startswith("file too large")
    assert isinstance(_one(path, max_bytes=10_000), Document)
    stdin_err = _err(_one("-", stdin=io.BytesIO(path.read_bytes()), max_bytes=1000))
    assert stdin_err.path == "-"


def test_ingest_missing_file_does_not_stop_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    out = list(read_inputs([missing, FIXTURES / "plain.txt"]))
    err = _err(out[0])
    assert err.path == str(missing)
    assert err.reason == "no such file or directory"
    assert _doc(out[1]).doc_id == "plain"


def test_ingest_errors_are_one_line_and_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    err = _err(_one(bad))
    assert str(err) == f"{bad}: binary file, not text"
    assert "\n" not in str(err)


def test_ingest_short_latin1_text_reads_as_windows_1252(tmp_path: Path) -> None:
    # charset-normalizer ties cp1250 and cp1252 on short French text; cp1250 would make "très" "trčs"
    text = "\"Le café est très bon et la réunion a été un succès,\" said Renée Dupont.\n"
    for name in ("short.txt", "short.html"):
        path = tmp_path / name
        body = text if name.endswith(".txt") else f"<html><body><article><p>{text}</p></article></body></html>"
        path.write_bytes(body.encode("latin-1"))
        assert "très" in _doc(_one(path)).text and "succès" in _doc(_one(path)).text


def test_ingest_file_name_that_is_not_utf8_gives_a_text_id(tmp_path: Path) -> None:
    import os

    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.txt"))
    path.write_text("The mayor said the cafe would reopen.\n", encoding="utf-8")
    doc = _doc(_one(path))
    assert doc.doc_id == "caf\\xe9"
    doc.to_json().encode("utf-8")  # no lone surrogate left to fail on


def test_ingest_utf16_without_bom_is_decoded_and_binary_is_not(tmp_path: Path) -> None:
    text = "Officials said the road would reopen on Friday.\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert _doc(_one(path)).text == text
    blob = tmp_path / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 8)
    assert isinstance(_one(blob), InputError)


def test_ingest_jsonl_line_with_a_lone_surrogate_is_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": "a", "text": "Lone \\ud800 here, she said."}\n{"id": "b", "text": "Fine, he said."}\n',
                    encoding="utf-8")
    first, second = list(read_inputs([str(path)]))
    assert isinstance(first, InputError) and first.path.endswith("odd.jsonl:1") and "Unicode" in first.reason
    assert _doc(second).doc_id == "b"


def test_ingest_html_without_charset_and_one_stray_byte_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "stray.html"
    body = "<html><body><article><p>“The pier is safe,” said the mayor of Caf\xe9 Town, on Monday.</p></article></body></html>"
    path.write_bytes(body.encode("utf-8").replace("\xe9".encode(), b"\xe9"))
    assert "pier is safe" in _doc(_one(path)).text


def test_ingest_jsonl_meta_with_a_lone_surrogate_is_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "meta.jsonl"
    path.write_text('{"id": "a", "text": "Fine, he said.", "meta": {"title": "T \\ud800"}}\n', encoding="utf-8")
    (item,) = list(read_inputs([str(path)]))
    assert isinstance(item, InputError) and "Unicode" in item.reason


def test_ingest_warc_record_short_of_its_blank_line_warns_in_one_line(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    html = b"<html><body><article><p>The mayor said the pier would reopen in May after repairs.</p></article></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/a\r\n"
              b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % (len(http) - 10)
              + http + b"\r\n\r\n")
    path = tmp_path / "short{x}.warc"
    path.write_bytes(record)
    list(read_inputs([str(path)]))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"warning: {path}: a WARC record at offset")
