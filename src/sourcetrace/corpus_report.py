"""A self-contained HTML report of a corpus store: citation graph, claims, sources.

Like the per-document report, the page loads nothing from outside (inline CSS, the graph
as inline SVG, no script) and escapes every value taken from the corpus: article text,
names and doc_ids are untrusted. A Content-Security-Policy forbids scripts and remote
loads in case an escaping slip ever lets markup through.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .files import write_text_atomic
from .link.graph import BASIS_COLOURS, TYPE_COLOURS, render_svg
from .store import Store

__all__ = ["render_corpus_html", "write_corpus_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:90rem;
padding:1rem 2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-top:2px solid #ddd;padding-top:.6rem}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.graph{overflow:auto;border:1px solid #e5e5e5;max-height:80vh}
.counts span{display:inline-block;margin-right:1.4rem}.counts b{font-size:1.15rem}
.chain{color:#555;font-size:12px;display:block}.muted{color:#777}
.key span{display:inline-block;margin-right:1rem}.dot{display:inline-block;width:.7rem;height:.7rem;
border-radius:50%;margin-right:.25rem;vertical-align:middle}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _short(items: list[Any], n: int = 6) -> str:
    shown = ", ".join(_e(x) for x in items[:n])
    return shown + (f" <span class=muted>… +{len(items) - n}</span>" if len(items) > n else "")


def _chain(chain: list[str | None]) -> str:
    return " → ".join(_e(x) if x is not None else "<i>unidentified</i>" for x in chain)


def render_corpus_html(store: Store, *, max_claims: int = 200, max_sources: int = 150,
                       max_nodes: int = 120, title: str = "sourcetrace corpus report") -> str:
    """The report as one HTML string."""
    counts = store.summary()
    graph = store.citation_graph()
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        "<p class=counts>"
        + "".join(f"<span><b>{counts[k]}</b> {_e(label)}</span>" for k, label in (
            ("documents", "documents"), ("copies", "near-duplicate copies"),
            ("attributions", "attributions"), ("claims", "claims"),
            ("shared_claims", "claims in 2+ documents"), ("sources", "sources"),
            ("citations", "citation edges")))
        + "</p>",
        "<h2>Citation graph</h2>",
        f"<p class=muted>Who relays whom: documents on the left, what they cite to the right "
        f"(the {min(max_nodes, len(graph.nodes))} best connected of {len(graph.nodes)} nodes; "
        f"hover for names).</p>",
        "<p class=key>"
        + "".join(f"<span><i class=dot style=\"background:{c}\"></i>{_e(t)}</span>" for t, c in TYPE_COLOURS.items())
        + "".join(f"<span style=\"color:{c}\">━ {_e(b)}</span>" for b, c in BASIS_COLOURS.items())
        + "</p>",
        f"<div class=graph>{render_svg(graph, max_nodes=max_nodes)}</div>",
        "<h2>Claims</h2>",
        f"<p class=muted>Most widely carried first (at most {max_claims}). Independent sources count "
        "distinct original sources: relays and syndicated copies count once.</p>",
        "<table><thead><tr><th>proposition</th><th>docs</th><th>independent</th>"
        "<th>original sources</th><th>echoes</th></tr></thead><tbody>",
    ]
    for claim in store.claims(limit=max_claims):
        docs = {m["doc_id"] for m in claim["members"]}
        chains = "".join(f"<span class=chain>{_chain(c)}</span>" for c in claim["chains"][:8])
        origins = claim["original_sources"] or ["(unidentified)"]
        parts.append(
            f"<tr><td>{_e(claim['proposition'])}{chains}</td><td class=n>{len(docs)}</td>"
            f"<td class=n>{claim['independent_sources']}</td><td>{_short(origins)}</td>"
            f"<td>{_short(claim['echoes'])}</td></tr>"
        )
    parts += [
        "</tbody></table>",
        "<h2>Sources</h2>",
        f"<p class=muted>People, outlets and agencies merged across documents (at most {max_sources}).</p>",
        "<table><thead><tr><th>name</th><th>type</th><th>aliases</th><th>documents</th>"
        "<th>attributions</th></tr></thead><tbody>",
    ]
    for src in store.sources(limit=max_sources):
        parts.append(
            f"<tr><td>{_e(src['name'])}</td><td>{_e(src['type'])}</td><td>{_short(src['aliases'])}</td>"
            f"<td class=n>{len(src['documents'])}</td><td class=n>{src['attributions']}</td></tr>"
        )
    parts.append("</tbody></table>")
    groups = list(store.near_duplicates())
    if groups:
        parts += ["<h2>Near-duplicate documents</h2><p class=muted>Each line is one text published more "
                  "than once; the first is the earliest.</p><ul>"]
        parts += [f"<li>{_short(g, 12)}</li>" for g in groups[:200]]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_corpus_html(store: Store, path: str | Path, **options: Any) -> None:
    """Write the report atomically (never a half-written page)."""
    write_text_atomic(path, render_corpus_html(store, **options))
