"""Attributions as a terminal table (rich), one table per document.

Article text is untrusted: rich reads ``[bold]``-style markup in plain strings, so every
article-derived value goes into the table as a ``rich.text.Text`` (never parsed as markup).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from io import StringIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .model import Attribution, Document, Entity, spans_text

__all__ = [
    "CHAIN_SEP",
    "attribution_chain",
    "attribution_rows",
    "literal_cell",
    "render_table",
    "speaker_name",
    "table_text",
    "wide_console",
]

CHAIN_SEP = " › "
NO_SPEAKER = "—"
CONTENT_LIMIT = 120
COLUMNS = ("id", "speaker", "type", "kind", "certainty", "chain", "content", "flags")

_SPACE = re.compile(r"\s+")
# C0, DEL and C1 controls: an ESC from an article would reach the terminal untouched
# (rich keeps it), letting text recolour or retitle the user's terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # and bidi overrides


def _entities(doc: Document) -> dict[str, Entity]:
    """Entity lookup by id (the record keeps them as a tuple)."""
    return {ent.id: ent for ent in doc.entities}


def _one_line(text: str) -> str:
    """Collapse newlines and runs of spaces so a cell stays one logical line."""
    return _SPACE.sub(" ", text).strip()


def _shorten(text: str, limit: int | None) -> str:
    """Cut long content at a word boundary near ``limit`` and mark the cut with '…'."""
    if limit is None or len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def speaker_name(
    doc: Document, attr: Attribution, *, entities: dict[str, Entity] | None = None
) -> str:
    """Who speaks: the resolved entity's name, else the source text, else '—'."""
    ents = _entities(doc) if entities is None else entities
    ent = ents.get(attr.speaker) if attr.speaker else None
    if ent is not None and ent.name:
        return ent.name
    source = _one_line(spans_text(doc.text, attr.source))
    return source or NO_SPEAKER


def attribution_chain(doc: Document, attr: Attribution) -> list[Attribution]:
    """The attributions this one is reported through, outermost first, ending with ``attr``.

    Follows ``parent`` ids; stops at an unknown id or a cycle, since model output may be
    inconsistent and a report must still render.
    """
    by_id = {a.id: a for a in doc.attributions}
    chain = [attr]
    seen = {attr.id}
    parent = attr.parent
    while parent is not None and parent in by_id and parent not in seen:
        seen.add(parent)
        chain.append(by_id[parent])
        parent = by_id[parent].parent
    chain.reverse()
    return chain


def _join(names: Iterable[str]) -> str:
    """Join a relay path the way the report and the table both show it."""
    return CHAIN_SEP.join(names)


def _flags(attr: Attribution) -> list[str]:
    """Short markers for optional record keys worth seeing at a glance."""
    flags = []
    if attr.extra.get("in_headline"):
        flags.append("headline")
    if attr.extra.get("in_caption"):
        flags.append("caption")
    if attr.extra.get("negated"):
        flags.append("negated")
    confidence = attr.extra.get("confidence")
    if confidence and confidence != "high":
        flags.append(f"confidence {confidence}")
    return flags


def attribution_rows(
    doc: Document, *, content_limit: int | None = CONTENT_LIMIT
) -> list[dict[str, str]]:
    """One plain-string row per attribution, shared by the terminal table and the HTML report.

    ``chain`` names the speakers from the outermost relay down to this attribution
    (empty for an attribution with no parent); ``chain_ids`` gives the same path as ids.
    """
    ents = _entities(doc)
    rows = []
    for attr in doc.attributions:
        ent = ents.get(attr.speaker) if attr.speaker else None
        chain = attribution_chain(doc, attr)
        nested = len(chain) > 1
        content = _one_line(spans_text(doc.text, attr.content))
        rows.append(
            {
                "id": attr.id,
                "speaker": speaker_name(doc, attr, entities=ents),
                "type": ent.type if ent is not None else "",
                "kind": attr.kind,
                "certainty": attr.certainty,
                "chain": _join(speaker_name(doc, a, entities=ents) for a in chain)
                if nested
                else "",
                "chain_ids": _join(a.id for a in chain) if nested else "",
                "content": _shorten(content, content_limit),
                "flags": ", ".join(_flags(attr)),
            }
        )
    return rows


def literal_cell(value: str) -> Text:
    """Untrusted text as a literal cell: no markup parsing, no terminal control codes."""
    return Text(_CONTROL.sub("", value))


def _title(doc: Document) -> Text:
    """Table title from untrusted values, kept literal."""
    title = doc.meta.get("title")
    return literal_cell(f"{doc.doc_id} — {_one_line(str(title))}" if title else doc.doc_id)


def _table(doc: Document) -> Table:
    """Build one document's table; every cell is a Text so markup in articles stays literal."""
    table = Table(title=_title(doc), show_lines=False, expand=False)
    for name in COLUMNS:
        table.add_column(name, overflow="fold")
    for row in attribution_rows(doc):
        table.add_row(*(literal_cell(row[name]) for name in COLUMNS))
    if not doc.attributions:
        table.caption = "no attributions"
    return table


def render_table(docs: Iterable[Document], *, console: Console | None = None) -> None:
    """Print one table per document to ``console`` (a new stdout Console when None)."""
    out = console if console is not None else Console()
    for doc in docs:
        out.print(_table(doc))


def wide_console() -> Console:
    """A console for tables, wide even when the output is a pipe or a CI log (rich would
    default to 80 columns there)."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def table_text(docs: Iterable[Document], width: int = 160) -> str:
    """The tables as plain text (no colour codes), for tests, logs and piping."""
    buffer = StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, force_terminal=False, emoji=False
    )
    render_table(docs, console=console)
    return buffer.getvalue()
