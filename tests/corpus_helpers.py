"""Hand-built Documents for the corpus tests (no model loaded).

Spans are found by searching for their exact strings, so a test reads as the article
and its attributions in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sourcetrace.model import Attribution, Boilerplate, Document, Entity
from sourcetrace.resolve import entity_type

__all__ = ["A", "fake_analyze", "make_doc"]


@dataclass(frozen=True)
class A:
    """One attribution: the source phrase, cue, content, speaker name/type, parent index."""

    source: str
    cue: str
    content: str
    speaker: str | None = None
    type: str = "person"
    parent: int | None = None  # 1-based index of the parent in the list
    kind: str = "indirect"


def _find(text: str, part: str, after: int = 0) -> tuple[int, int]:
    k = text.find(part, after)
    if k < 0:
        k = text.find(part)
    if k < 0:
        raise ValueError(f"{part!r} not in text")
    return (k, k + len(part))


def make_doc(doc_id: str, text: str, attrs: list[A], *, meta: dict[str, Any] | None = None,
             credit: str | None = None, aliases: dict[str, list[str]] | None = None) -> Document:
    ents: dict[str, dict[str, Any]] = {}
    out = []
    for i, a in enumerate(attrs, start=1):
        src = (_find(text, a.source),) if a.source else ()
        speaker = None
        if a.speaker:
            ent = ents.setdefault(a.speaker, {"id": f"e{len(ents) + 1}", "type": a.type, "mentions": []})
            if src and src[0] not in ent["mentions"]:
                ent["mentions"].append(src[0])
            speaker = ent["id"]
        out.append(Attribution(
            id=f"a{i}", source=src, cue=(_find(text, a.cue),) if a.cue else (),
            content=(_find(text, a.content),), kind=a.kind,
            parent=f"a{a.parent}" if a.parent else None, speaker=speaker,
        ))
    entities = tuple(
        Entity(e["id"], name, e["type"], tuple(e["mentions"]),
               {"aliases": (aliases or {}).get(name, [])} if aliases and name in aliases else {})
        for name, e in ents.items()
    )
    boiler = (Boilerplate(_find(text, credit), "credit"),) if credit else ()
    return Document(doc_id, text, meta or {}, boilerplate=boiler, attributions=tuple(out), entities=entities)


_SAID = re.compile(r"(?P<src>[A-Z<][\w’'.<>&-]*(?: [A-Z<&][\w’'.<>&-]*)*) (?P<cue>said|reported) (?:that )?(?P<cnt>[^.]+)\.")


def fake_analyze(doc: Document) -> Document:
    """A stand-in for the pipeline: "Name said that …." sentences become attributions."""
    mentions: dict[str, list[tuple[int, int]]] = {}
    raw = []
    for i, m in enumerate(_SAID.finditer(doc.text), start=1):
        name = re.sub(r"^The ", "", m["src"])
        mentions.setdefault(name, []).append(m.span("src"))
        raw.append((i, m, name))
    ids = {name: f"e{n}" for n, name in enumerate(mentions, start=1)}
    attrs = tuple(
        Attribution(f"a{i}", (m.span("src"),), (m.span("cue"),), (m.span("cnt"),), speaker=ids[name])
        for i, m, name in raw
    )
    ents = tuple(Entity(ids[name], name, entity_type(name), tuple(spans)) for name, spans in mentions.items())
    return doc.with_(attributions=attrs, entities=ents)
