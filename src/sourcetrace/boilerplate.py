"""Mark (never cut) the lines of an article that are not its reporting.

Ads, section labels, photo captions, promos, opinion labels and wire credits are found
line by line with the patterns in ``lexicons/boilerplate.json``, so they can be tuned
without touching code. Marking instead of cutting keeps every offset into ``text`` valid
(CONTRACT.md); later stages use :func:`in_boilerplate` to tell a caption's "said" from
the body's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import ConfigError
from .model import Boilerplate, Document, Span

__all__ = ["BOILERPLATE_KINDS", "in_boilerplate", "mark_boilerplate"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

BOILERPLATE_KINDS: tuple[str, ...] = (
    "advertisement",
    "section-label",
    "caption",
    "promo",
    "opinion-label",
    "credit",
)

# Kinds whose line patterns are tried in this order; the first match wins. Ads come first
# because "Sponsored" or "Advertisement" must never be read as a section label.
_LINE_KINDS = ("advertisement", "opinion-label", "credit", "promo")

# Edge whitespace of a line, as str.strip() sees it (includes NBSP and \r); used with
# pattern.match(text, pos, endpos), which anchors at pos (a `^` would not match there).
_STRIP_RE = re.compile(r"\s*(.*?)\s*\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class _LinePatterns:
    pattern: re.Pattern[str]
    max_chars: int


@dataclass(frozen=True, slots=True)
class _Rules:
    lines: dict[str, _LinePatterns]
    caption: re.Pattern[str]
    caption_max_chars: int
    credit_only: re.Pattern[str]
    label_word: re.Pattern[str]
    label_max_words: int
    label_max_chars: int
    label_known: frozenset[str]
    headline_min_words: int
    headline_max_chars: int


def _flags(name: str) -> int:
    out = 0
    for flag in filter(None, name.split("|")):
        try:
            out |= int(getattr(re, flag.strip()))
        except AttributeError as e:
            raise ConfigError(f"E302: unknown regex flag {flag!r} in boilerplate.json") from e
    return out


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """Load and compile the lexicon once per process."""
    try:
        lexicon = resources.files("sourcetrace").joinpath("lexicons/boilerplate.json")
        data: dict[str, Any] = json.loads(lexicon.read_text("utf-8"))
        lines = {
            kind: _LinePatterns(
                re.compile(
                    _alternation(data[kind]["patterns"]), _flags(data[kind].get("flags", ""))
                ),
                int(data[kind]["max_chars"]),
            )
            for kind in _LINE_KINDS
        }
        cap = data["caption"]
        credits = _alternation(cap["credits"])
        caption = re.compile(rf"{cap['before_credit']}(?P<credit>{credits})$")
        credit_only = re.compile(rf"(?P<credit>{_alternation(cap['credit_only'])})")
        sec = data["section-label"]
        return _Rules(
            lines=lines,
            caption=caption,
            caption_max_chars=int(cap["max_chars"]),
            credit_only=credit_only,
            label_word=re.compile(sec["word"]),
            label_max_words=int(sec["max_words"]),
            label_max_chars=int(sec["max_chars"]),
            label_known=frozenset(k.casefold() for k in sec["known"]),
            headline_min_words=int(sec["headline_min_words"]),
            headline_max_chars=int(sec["headline_max_chars"]),
        )
    except (KeyError, TypeError, ValueError, re.error, OSError) as e:
        raise ConfigError(f"E300: lexicons/boilerplate.json is malformed: {e}") from e


def _lines(text: str) -> Iterator[Span]:
    """Yield each line's span without edge whitespace, skipping blank lines.

    Lines are split on "\\n" only: str.splitlines also splits on \\x0b, \\x1c, U+2028…,
    which would disagree with what a reader sees as a line.
    """
    start = 0
    n = len(text)
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        m = _STRIP_RE.match(text, start, end)
        if m is not None and m.end(1) > m.start(1):
            yield (m.start(1), m.end(1))
        start = end + 1


def _line_kind(line: str, rules: _Rules) -> str | None:
    for kind in _LINE_KINDS:
        pats = rules.lines[kind]
        if len(line) <= pats.max_chars and pats.pattern.fullmatch(line):
            return kind
    return None


def _caption_credit(line: str, rules: _Rules) -> tuple[int, int] | None:
    """The credit's offsets within ``line`` when the line is a photo caption."""
    if len(line) > rules.caption_max_chars:
        return None
    m = rules.caption.search(line)
    if m is not None:
        return m.span("credit")
    m = rules.credit_only.fullmatch(line)
    if m is not None:
        credit = line.rstrip(".")
        return (0, len(credit))
    return None


def _is_label(line: str, rules: _Rules) -> bool:
    """A short Title-case line such as "US News" or "World"."""
    if len(line) > rules.label_max_chars:
        return False
    words = line.split()
    if not 1 <= len(words) <= rules.label_max_words:
        return False
    if not words[0][:1].isupper():
        return False
    if line[-1] in ".!?:;,\"”’'" and line.casefold() not in rules.label_known:
        return False
    return all(rules.label_word.fullmatch(w) for w in words)


def _looks_like_headline(line: str, rules: _Rules) -> bool:
    """A headline is one line with no sentence-final stop (body text ends with one)."""
    return (
        len(line) <= rules.headline_max_chars
        and len(line.split()) >= rules.headline_min_words
        and line[-1] not in ".!?:;\"”’"
    )


def mark_boilerplate(doc: Document) -> Document:
    """Return ``doc`` with ``boilerplate`` set to the non-reporting lines of its text.

    Only whole lines are marked: a caption or promo is a paragraph of its own in every
    extractor output we have seen, and a line is the unit a reader skips.
    """
    rules = _rules()
    text = doc.text
    spans = list(_lines(text))
    found: list[Boilerplate] = []
    top_seen = False  # whether a non-ad line has been passed (the label must be at the top)
    for i, (start, end) in enumerate(spans):
        line = text[start:end]
        kind = _line_kind(line, rules)
        if kind is not None:
            found.append(Boilerplate(span=(start, end), kind=kind))
            continue
        if not top_seen:
            top_seen = True
            if _is_label(line, rules) and i + 1 < len(spans):
                known = line.casefold() in rules.label_known
                n_start, n_end = spans[i + 1]
                nxt = text[n_start:n_end]
                if _line_kind(nxt, rules) is None and (
                    known or _looks_like_headline(nxt, rules)
                ):
                    found.append(Boilerplate(span=(start, end), kind="section-label"))
                    continue
        credit = _caption_credit(line, rules)
        if credit is not None:
            found.append(
                Boilerplate(
                    span=(start, end),
                    kind="caption",
                    credit_span=(start + credit[0], start + credit[1]),
                )
            )
    logger.debug("%s: %d boilerplate lines", doc.doc_id, len(found))
    return doc.with_(boilerplate=tuple(found))


def in_boilerplate(doc: Document, span: Span) -> Boilerplate | None:
    """The boilerplate entry that ``span`` overlaps most, or None.

    An empty span counts as inside an entry when its position lies within it, so a
    zero-width cue at a caption's start is still flagged.
    """
    start, end = span
    best: Boilerplate | None = None
    best_overlap = 0
    for b in doc.boilerplate:
        b_start, b_end = b.span
        if start == end:
            if b_start <= start < b_end:
                return b
            continue
        overlap = min(end, b_end) - max(start, b_start)
        if overlap > best_overlap:
            best, best_overlap = b, overlap
    return best
