"""One self-contained HTML page showing documents with their attributions highlighted.

The page has inline CSS and a small inline script and loads nothing from outside, so it
can be mailed or opened offline. Article text and meta are untrusted: every value goes
through ``html.escape(quote=True)``, and a Content-Security-Policy that allows only the
page's own (hashed) style and script keeps an escaping slip from running anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .display import attribution_rows
from .files import write_text_atomic
from .model import Document, Span

__all__ = ["render_html", "write_html"]

ROLES = ("cnt", "src", "cue")  # content first: source and cue nest inside other content
ROLE_NAMES = {"src": "source", "cue": "cue", "cnt": "content"}
META_KEYS = ("title", "outlet", "published", "genre")
REPORT_CONTENT_LIMIT = 300
_ID = re.compile(r"(\D*)(\d+)")

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:70rem;
padding:1rem 2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-bottom:.2rem;word-break:break-all}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
section.doc{border-top:3px solid #ccc;margin-top:2rem;padding-top:.5rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}
dl.meta dt{color:#666}dl.meta dd{margin:0}
.article{white-space:pre-wrap;border:1px solid #ddd;border-radius:6px;padding:1rem;
background:#fcfcfc;line-height:1.7}
mark{background:none;color:inherit;padding:0;border-radius:2px}
mark.cnt{background:#fff1b8;border-bottom:2px solid #d9a400}
mark.src{background:#cfe2ff}
mark.cue{background:#ffcfd2;font-weight:600}
.bp{color:#888;text-decoration:line-through}
.bp.credit{font-style:italic}
.bp-start::before{content:"[" attr(data-bp) "] ";font-size:.75em;color:#777;
text-decoration:none;display:inline-block;font-style:normal}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:.4rem 0;font-size:.9em}
.legend span{padding:0 .3rem}
.legend .sw-src{background:#cfe2ff}.legend .sw-cue{background:#ffcfd2;font-weight:600}
.legend .sw-cnt{background:#fff1b8;border-bottom:2px solid #d9a400}
.legend .sw-bp{color:#888;text-decoration:line-through}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #e4e4e4;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
tr[data-attr],li[data-attr]{cursor:pointer}
tr[data-attr]:hover,li[data-attr]:hover{background:#f5f9ff}
tr.sel,li.sel{background:#e6f0ff}
.article.has-sel mark:not(.sel){opacity:.35}
.article mark.sel{outline:2px solid #3a6fd8}
.ids{color:#888;font-size:.85em}
.muted{color:#888}
"""

# Click an attribution row or chain to highlight its spans; click again to clear.
_JS = """
document.addEventListener("click", function (ev) {
  var row = ev.target.closest("[data-attr]");
  if (!row || row.closest(".article")) return;
  var sec = row.closest("section.doc");
  var id = row.getAttribute("data-attr");
  var on = !row.classList.contains("sel");
  sec.querySelectorAll(".sel").forEach(function (el) { el.classList.remove("sel"); });
  var art = sec.querySelector(".article");
  art.classList.toggle("has-sel", on);
  if (!on) return;
  row.classList.add("sel");
  art.querySelectorAll("mark[data-attr]").forEach(function (el) {
    if (el.getAttribute("data-attr").split(" ").indexOf(id) >= 0) el.classList.add("sel");
  });
});
"""


def _e(value: Any) -> str:
    """Escape any value for text or a quoted attribute (the one escaping rule of the page)."""
    return html.escape(str(value), quote=True)


def _csp_hash(source: str) -> str:
    """CSP source expression allowing exactly this inline block."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@dataclass(frozen=True, slots=True)
class _Mark:
    """One span to paint: an attribution role, a boilerplate region, or a photo credit."""

    start: int
    end: int
    role: str  # "src" | "cue" | "cnt" | "bp" | "credit"
    label: str  # attribution id, or boilerplate kind


def _clamp(span: Span, n: int) -> tuple[int, int] | None:
    """Keep spans inside the text; drop empty or reversed ones (bad input must not crash)."""
    start, end = max(0, min(span[0], n)), max(0, min(span[1], n))
    return (start, end) if start < end else None


def _marks(doc: Document) -> list[_Mark]:
    """Every span of the document that the article view paints."""
    n = len(doc.text)
    raw: list[tuple[Span, str, str]] = []
    for attr in doc.attributions:
        for role, spans in (("src", attr.source), ("cue", attr.cue), ("cnt", attr.content)):
            raw += [(span, role, attr.id) for span in spans]
    for bp in doc.boilerplate:
        raw.append((bp.span, "bp", bp.kind))
        if bp.credit_span is not None:
            raw.append((bp.credit_span, "credit", bp.kind))
    marks = []
    for span, role, label in raw:
        clamped = _clamp(span, n)
        if clamped is not None:
            marks.append(_Mark(clamped[0], clamped[1], role, label))
    return marks


def _pieces(text: str, marks: Sequence[_Mark]) -> list[tuple[int, int, list[_Mark]]]:
    """Split the text at every span boundary; each piece lists every mark covering it.

    Flat pieces, not nested elements, because spans overlap freely (a nested
    attribution's source and cue lie inside its parent's content) and flat pieces are
    always well-formed HTML whatever the overlap.
    """
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starts: dict[int, list[_Mark]] = {}
    for mark in marks:
        starts.setdefault(mark.start, []).append(mark)
    active: list[_Mark] = []
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        active = [m for m in active if m.end > start] + starts.get(start, [])
        pieces.append((start, end, list(active)))
    return pieces


def _piece_html(text: str, start: int, covering: Sequence[_Mark]) -> str:
    """One piece of article text, wrapped with the classes of every span covering it."""
    if not covering:
        return _e(text)
    ids = {
        role: sorted({m.label for m in covering if m.role == role}, key=_id_key) for role in ROLES
    }
    kinds = sorted({m.label for m in covering if m.role == "bp"})
    classes = [role for role in ROLES if ids[role]]
    attrs: dict[str, str] = {}
    if kinds:
        classes.append("bp")
        attrs["data-bp"] = " ".join(kinds)
        if any(m.role == "bp" and m.start == start for m in covering):
            classes.append("bp-start")
    if any(m.role == "credit" for m in covering):
        classes.append("credit")
    every = sorted({i for role in ROLES for i in ids[role]}, key=_id_key)
    if every:
        attrs["data-attr"] = " ".join(every)
        for role in ROLES:
            if ids[role]:
                attrs[f"data-{role}"] = " ".join(ids[role])
    attrs["title"] = _tooltip(ids, kinds)
    tag = "mark" if every else "span"
    rendered = "".join(f' {k}="{_e(v)}"' for k, v in attrs.items() if v)
    return f'<{tag} class="{_e(" ".join(classes))}"{rendered}>{_e(text)}</{tag}>'


def _id_key(attr_id: str) -> tuple[str, int]:
    """Sort 'a2' before 'a10' (ids are usually letters then a number)."""
    match = _ID.fullmatch(attr_id)
    return (match[1], int(match[2])) if match else (attr_id, -1)


def _tooltip(ids: dict[str, list[str]], kinds: Sequence[str]) -> str:
    """Hover text naming each role the piece plays, e.g. 'source of a4; content of a3'."""
    parts = [
        f"{ROLE_NAMES[role]} of {', '.join(ids[role])}"
        for role in ("src", "cue", "cnt")
        if ids[role]
    ]
    parts += [f"boilerplate: {kind}" for kind in kinds]
    return "; ".join(parts)


def _article_html(doc: Document) -> str:
    """The full text, every character exactly once, with spans highlighted."""
    body = "".join(
        _piece_html(doc.text[start:end], start, covering)
        for start, end, covering in _pieces(doc.text, _marks(doc))
    )
    return f'<div class="article">{body}</div>'


def _legend_html() -> str:
    """What the colours mean."""
    return (
        '<div class="legend"><span class="sw-src">source</span>'
        '<span class="sw-cue">cue</span><span class="sw-cnt">content</span>'
        '<span class="sw-bp">boilerplate</span>'
        '<span class="muted">click a row to show its spans</span></div>'
    )


def _meta_html(doc: Document) -> str:
    """The meta fields a reader needs to place the article."""
    items = [
        f"<dt>{_e(key)}</dt><dd>{_e(doc.meta[key])}</dd>"
        for key in META_KEYS
        if doc.meta.get(key) not in (None, "")
    ]
    return f'<dl class="meta">{"".join(items)}</dl>' if items else ""


def _table_html(headers: Sequence[str], rows: Iterable[str]) -> str:
    """A table from pre-rendered row HTML."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _small(main: str, extra: str, sep: str = " ") -> str:
    """A value with a greyed second value after it (type after speaker, ids after chain)."""
    return _e(main) + (f'{sep}<span class="ids">{_e(extra)}</span>' if extra else "")


def _cells(row: dict[str, str]) -> list[str]:
    """The escaped cells of one attribution row."""
    return [
        _e(row["id"]),
        _small(row["speaker"], row["type"]),
        _e(row["kind"]),
        _e(row["certainty"]),
        _small(row["chain"], row["chain_ids"], "<br>"),
        _e(row["content"]),
        _e(row["flags"]),
    ]


def _attributions_html(rows: Sequence[dict[str, str]]) -> str:
    """The attribution table; each row carries its id so the script can highlight it."""
    if not rows:
        return '<p class="muted">No attributions.</p>'
    body = [
        f'<tr data-attr="{_e(row["id"])}">{"".join(f"<td>{c}</td>" for c in _cells(row))}</tr>'
        for row in rows
    ]
    headers = ("id", "speaker", "kind", "certainty", "chain", "content", "flags")
    return _table_html(headers, body)


def _chains_html(rows: Sequence[dict[str, str]]) -> str:
    """Every nested attribution as 'outer › … › speaker: content'."""
    items = [
        f'<li data-attr="{_e(row["id"])}"><strong>{_e(row["chain"])}</strong>: '
        f'{_e(row["content"])} <span class="ids">{_e(row["chain_ids"])}</span></li>'
        for row in rows
        if row["chain"]
    ]
    if not items:
        return '<p class="muted">No nested attributions.</p>'
    return f'<ul class="chains">{"".join(items)}</ul>'


def _entities_html(doc: Document) -> str:
    """Entities with how often each is mentioned."""
    if not doc.entities:
        return '<p class="muted">No entities.</p>'
    body = [
        f"<tr><td>{_e(ent.name)}</td><td>{_e(ent.type)}</td>"
        f"<td>{len(ent.mentions)}</td><td class=\"ids\">{_e(ent.id)}</td></tr>"
        for ent in doc.entities
    ]
    return _table_html(("name", "type", "mentions", "id"), body)


def _doc_html(doc: Document, index: int) -> str:
    """One document's section: header, legend, article, tables."""
    rows = attribution_rows(doc, content_limit=REPORT_CONTENT_LIMIT)
    return (
        f'<section class="doc" id="doc-{index}"><header><h2>{_e(doc.doc_id)}</h2>'
        f"{_meta_html(doc)}</header>"
        f"<h3>Article</h3>{_legend_html()}{_article_html(doc)}"
        f"<h3>Attributions ({len(rows)})</h3>{_attributions_html(rows)}"
        f"<h3>Nested chains</h3>{_chains_html(rows)}"
        f"<h3>Entities ({len(doc.entities)})</h3>{_entities_html(doc)}</section>"
    )


def _toc_html(docs: Sequence[Document]) -> str:
    """Links to each document when there is more than one."""
    if len(docs) < 2:
        return ""
    items = []
    for i, doc in enumerate(docs, 1):
        title = doc.meta.get("title")
        suffix = f" — {_e(title)}" if title else ""
        items.append(f'<li><a href="#doc-{i}">{_e(doc.doc_id)}</a>{suffix}</li>')
    return f'<nav><ol>{"".join(items)}</ol></nav>'


def render_html(docs: Sequence[Document], *, title: str = "sourcetrace report") -> str:
    """The whole report as one self-contained HTML page."""
    csp = (
        f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; "
        "base-uri 'none'; form-action 'none'"
    )
    sections = "".join(_doc_html(doc, i) for i, doc in enumerate(docs, 1))
    if not docs:
        sections = '<p class="muted">No documents.</p>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n"
        f"<body><h1>{_e(title)}</h1>{_toc_html(docs)}{sections}"
        f"<script>{_JS}</script></body></html>\n"
    )


def write_html(docs: Sequence[Document], path: Path, **kw: Any) -> None:
    """Render and write the report atomically, so a reader never sees half a page."""
    write_text_atomic(path, render_html(docs, **kw))
