"""Find quotations (curly, straight, two apostrophes, and nested single quotes) and
paragraphs in a text.

Quotes are found on characters, not tokens: a quote that runs over several sentences or
paragraphs, or that the parser splits badly, is still one region. A quotation left open at
the end of a paragraph continues in the next one (the news convention), so such a region
is marked ``closed=False`` and ends at the paragraph end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["ALL_MARKS", "CLOSING", "DOUBLE_CLOSE", "DOUBLE_MARKS", "DOUBLE_OPEN", "OPENING", "Quote", "TextLayout", "layout"]

# The quotation marks, named once for every attribution module. Typographic marks open
# (“ ‘ « „) or close (” ’ »; German closes „ with “, which ``layout`` pairs), the straight
# " does both, and ’ is mostly an apostrophe (``layout`` tells which). PolNeAR's NYT text writes a double mark as two
# apostrophes; the modules that read it say so where they test for it.
DOUBLE_OPEN = "“«„"
DOUBLE_CLOSE = "”»"
DOUBLE_MARKS = "“”\"«»„"
OPENING = "“\"‘«„"  # what may open a quotation
CLOSING = "”\"’»"  # what may close one
ALL_MARKS = "“”\"‘’«»„"
_PARA = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True, slots=True)
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or the paragraph end when unclosed)
    closed: bool
    level: int  # 0 for double quotes, 1 for single quotes inside them (or alone)
    para: int

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


@dataclass(frozen=True)
class TextLayout:
    text: str
    para_starts: list[int]
    para_ends: list[int]
    quotes: list[Quote]

    def para_of(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    def quotes_in_para(self, para: int) -> list[Quote]:
        return [q for q in self.quotes if q.para == para]

    def innermost_quote(self, pos: int) -> Quote | None:
        inside = [q for q in self.quotes if q.contains(pos)]
        return max(inside, key=lambda q: q.level) if inside else None


def _is_apostrophe(text: str, i: int) -> bool:
    """’ between letters (Russia’s, wasn’t) or after s before a space (friends’ car)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prv = text[i - 1] if i > 0 else " "
    return nxt.isalpha() and prv.isalnum()


def _paragraphs(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    pos = 0
    for m in _PARA.finditer(text):
        if m.start() > pos:
            starts.append(pos)
            ends.append(m.start())
        pos = m.end()
    if pos < len(text) or not starts:
        starts.append(pos)
        ends.append(len(text))
    return starts, ends


_MARK = re.compile("['" + re.escape(ALL_MARKS) + "]")


def _scan_para(text: str, start: int, end: int, para: int) -> list[Quote]:
    quotes: list[Quote] = []
    d_open = -1  # offset of an open double quote
    s_open = -1  # offset of an open single quote
    straight_open = -1
    skip_to = start
    # only the marks and apostrophes: every other character leaves the state as it is
    for m in _MARK.finditer(text, start, end):
        i = m.start()
        if i < skip_to:
            continue
        ch = text[i]
        if text.startswith("''", i, end):
            # two apostrophes for a double quote mark (''like this,'' in some newspapers' text)
            if straight_open < 0:
                straight_open = i
            else:
                quotes.append(Quote(straight_open, i + 2, True, 0, para))
                straight_open = -1
            skip_to = i + 2
            continue
        if ch in DOUBLE_OPEN and d_open < 0:
            d_open = i
        elif d_open >= 0 and (ch in DOUBLE_CLOSE or (ch == '"' and straight_open < 0)
                              or (ch == "“" and text[d_open] == "„")):
            # a curly quotation closes with its own mark (German „so“ with “), or with a
            # straight one in scraped text that mixes them (“like this,")
            if s_open >= 0:
                s_open = -1  # an unbalanced inner quote ends with its outer one
            quotes.append(Quote(d_open, i + 1, True, 0, para))
            d_open = -1
        elif ch in DOUBLE_CLOSE and straight_open >= 0:
            # and the other way round: "opened straight, closed curly,”
            quotes.append(Quote(straight_open, i + 1, True, 0, para))
            straight_open = -1
        elif ch == '"':
            if straight_open < 0:
                straight_open = i
            else:
                quotes.append(Quote(straight_open, i + 1, True, 0, para))
                straight_open = -1
        elif ch == "‘":
            s_open = i
        elif ch == "’" and s_open >= 0 and not _is_apostrophe(text, i):
            quotes.append(Quote(s_open, i + 1, True, 1, para))
            s_open = -1
    for opened in (d_open, straight_open):
        if opened >= 0:
            quotes.append(Quote(opened, end, False, 0, para))
    return sorted(quotes, key=lambda q: (q.start, q.level))


@lru_cache(maxsize=32)
def layout(text: str) -> TextLayout:
    """The paragraphs and quotations of ``text`` (read-only: it is shared). Cached: the
    rules, the CRF's features and the learned grouping all read it, for a batch of
    documents at a time (the cache holds the batch's own text objects)."""
    starts, ends = _paragraphs(text)
    quotes: list[Quote] = []
    for n, (s, e) in enumerate(zip(starts, ends, strict=True)):
        quotes += _scan_para(text, s, e, n)
    return TextLayout(text, starts, ends, quotes)
