"""The document record that flows through every stage (schema `sourcetrace/1`, CONTRACT.md).

Records are frozen: a stage returns a new Document (``dataclasses.replace``) with its keys
added, and never rewrites ``text``. Spans are ``[start, end)`` code-point offsets into it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .errors import OffsetError

__all__ = [
    "SCHEMA",
    "Attribution",
    "Boilerplate",
    "Document",
    "Entity",
    "Span",
    "content_hash",
    "is_valid_unicode",
    "spans_overlap",
    "spans_text",
]

SCHEMA = "sourcetrace/1"


def content_hash(text: str) -> str:
    """The identity of a document: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_valid_unicode(value: Any) -> bool:
    """Whether every string in a JSON value encodes as UTF-8: JSON may escape a lone UTF-16
    surrogate ("\\ud800"), which no output can write."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


Span = tuple[int, int]
Kind = Literal["direct", "mixed", "indirect", "according_to", "implicit"]
Certainty = Literal["asserted", "reported", "alleged", "unconfirmed", "denied", "hedged"]
EntityType = Literal[
    "person", "group", "government", "military", "intelligence", "outlet", "social-post",
    "document", "anonymous", "organization", "place", "other",
]
ENTITY_TYPES: tuple[str, ...] = EntityType.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
CERTAINTIES: tuple[str, ...] = Certainty.__args__  # type: ignore[attr-defined]


def spans_overlap(a: Iterable[Span], b: Iterable[Span]) -> bool:
    """Whether any span of ``a`` shares a character with any span of ``b`` (the CONTRACT's
    overlap, used to match attributions)."""
    b = list(b)
    return any(x[0] < y[1] and y[0] < x[1] for x in a for y in b)


def strip_span(text: str, span: Span) -> Span:
    """``span`` without white space at either end (empty, ``(e, e)``-like, if it was all
    white space): no role or mention starts or ends with a space."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e)


def spans_text(text: str, spans: tuple[Span, ...] | list[Span]) -> str:
    """The text a role covers, pieces joined by ' … ' (for display only)."""
    return " … ".join(text[s:e] for s, e in spans)


@dataclass(frozen=True, slots=True)
class Boilerplate:
    span: Span
    kind: str  # advertisement, section-label, caption, promo, opinion-label, credit, …
    credit_span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"span": list(self.span), "kind": self.kind}
        if self.credit_span is not None:
            out["credit_span"] = list(self.credit_span)
        return out


@dataclass(frozen=True, slots=True)
class Attribution:
    id: str
    source: tuple[Span, ...]
    cue: tuple[Span, ...]
    content: tuple[Span, ...]
    kind: str = "indirect"
    parent: str | None = None
    speaker: str | None = None
    certainty: str = "asserted"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "source": [list(s) for s in self.source],
            "cue": [list(s) for s in self.cue],
            "content": [list(s) for s in self.content],
            "kind": self.kind,
            "parent": self.parent,
            "speaker": self.speaker,
            "certainty": self.certainty,
        }
        for key, value in self.extra.items():
            if not key.startswith("_"):  # "_" keys are stage-internal notes, not output
                out.setdefault(key, value)
        return out


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: str
    mentions: tuple[Span, ...]
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "mentions": [list(s) for s in self.mentions],
        }
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


@dataclass(frozen=True, slots=True)
class Document:
    """One article and everything the stages found in it."""

    doc_id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    boilerplate: tuple[Boilerplate, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    entities: tuple[Entity, ...] = ()
    # The spaCy Doc of the nlp stage; never serialised.
    parsed: Any = field(default=None, compare=False, repr=False)
    # Where ingest read it ("a.txt", "feed.jsonl:12", "crawl.warc.gz#3"), so that a failed
    # analysis names the file and line as a bad input does; never serialised.
    origin: str = field(default="", compare=False, repr=False)

    @property
    def where(self) -> str:
        """How an error line names it, as a bad input's line does: where it was read from
        ("-" for stdin), else (a document made in code) its doc_id."""
        return self.origin or self.doc_id

    def with_(self, **changes: Any) -> Document:
        """A copy with some keys added or replaced (``text`` and ``doc_id`` are fixed)."""
        if "text" in changes or "doc_id" in changes:
            raise OffsetError("E201: a stage may not rewrite `text` or `doc_id`")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "doc_id": self.doc_id,
            "text": self.text,
            "meta": dict(self.meta),
            "boilerplate": [b.to_dict() for b in self.boilerplate],
            "attributions": [a.to_dict() for a in self.attributions],
            "entities": [e.to_dict() for e in self.entities],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Read a CONTRACT record back (unknown optional keys go to ``extra``). The fields
        the code reads as strings are checked to be strings, here where outside data
        enters (a TypeError naming the field). Their values are not: a kind or a certainty
        off the CONTRACT's lists is shown and stored as it is, and `eval`, which scores
        spans only, can score another system's records."""

        def not_a_string(value: Any, field: str) -> TypeError:
            name = type(value).__name__
            return TypeError(f"{field} is {'an' if name[0] in 'aeiou' else 'a'} {name}, not a string")

        text = data["text"]
        if not isinstance(text, str):
            raise not_a_string(text, "text")

        def span(value: Any) -> Span:
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise ValueError(f"a span is [start, end], not {value!r}")
            return (int(value[0]), int(value[1]))

        def spans(value: Any) -> tuple[Span, ...]:
            return tuple(span(v) for v in (value or []))

        def string(value: Any, field: str) -> str | None:
            if value is None or isinstance(value, str):
                return value
            raise not_a_string(value, field)

        attrs = []
        for a in data.get("attributions", []):
            known = {"id", "source", "cue", "content", "kind", "parent", "speaker", "certainty"}
            attrs.append(
                Attribution(
                    id=str(a["id"]),
                    source=spans(a.get("source")),
                    cue=spans(a.get("cue")),
                    content=spans(a.get("content")),
                    kind=string(a.get("kind"), "kind") or "indirect",  # type: ignore[arg-type]
                    parent=string(a.get("parent"), "parent"),
                    speaker=string(a.get("speaker"), "speaker"),
                    certainty=string(a.get("certainty"), "certainty") or "asserted",  # type: ignore[arg-type]
                    extra={k: v for k, v in a.items() if k not in known},
                )
            )
        ents = []
        for e in data.get("entities", []):
            known = {"id", "name", "type", "mentions"}
            ents.append(
                Entity(
                    id=str(e["id"]),
                    name=string(e.get("name"), "an entity's name") or "",
                    type=string(e.get("type"), "an entity's type") or "other",  # type: ignore[arg-type]
                    mentions=spans(e.get("mentions")),
                    extra={k: v for k, v in e.items() if k not in known},
                )
            )
        boiler = []
        for b in data.get("boilerplate", []):
            credit = b.get("credit_span")
            boiler.append(
                Boilerplate(
                    span=span(b["span"]),
                    kind=string(b.get("kind"), "a boilerplate kind") or "other",
                    credit_span=span(credit) if credit else None,
                )
            )
        return cls(
            doc_id=str(data["doc_id"]),
            text=text,
            meta=dict(data.get("meta") or {}),
            boilerplate=tuple(boiler),
            attributions=tuple(attrs),
            entities=tuple(ents),
        )

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Document:
        """A record read from outside (a file a user gives): ``from_dict``, then checked that
        all of it is valid Unicode and every span lies inside the text. Raises KeyError,
        TypeError, ValueError or OffsetError, for the reader to report with its file."""
        if not is_valid_unicode(data):
            raise ValueError("not valid Unicode (a lone surrogate such as \\ud800)")
        doc = cls.from_dict(data)
        doc.check_spans()
        return doc

    def check_spans(self) -> None:
        """Raise OffsetError if any span lies outside ``text`` or is reversed."""
        n = len(self.text)
        every: list[Span] = []
        for b in self.boilerplate:
            every.append(b.span)
            if b.credit_span:
                every.append(b.credit_span)
        for a in self.attributions:
            every += [*a.source, *a.cue, *a.content]
        for e in self.entities:
            every += list(e.mentions)
        for s, e in every:
            if not 0 <= s <= e <= n:
                raise OffsetError(f"E202: span [{s}, {e}) outside text of length {n} in {self.doc_id}")
