"""One error tree for the whole package; messages carry a code and say what to do."""

from __future__ import annotations

import unicodedata

__all__ = ["ConfigError", "InputError", "OffsetError", "SourcetraceError", "StageError", "printable"]


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unsafe(c: str) -> bool:
    """A control character, a line or paragraph separator, a lone surrogate (an undecodable
    file name's byte) or a bidi control; not the no-break spaces and soft hyphens of news."""
    return c in _BIDI or unicodedata.category(c) in {"Cc", "Cs", "Zl", "Zp"}


def printable(text: str) -> str:
    """Control characters escaped, for a message that must stay one line: a newline in a
    file name or a document id can't start a forged line, an ESC can't reach the terminal."""
    return "".join(ascii(c)[1:-1] if _unsafe(c) else c for c in text)


class SourcetraceError(Exception):
    """Base of every error sourcetrace raises on purpose."""


class InputError(SourcetraceError):
    """An input file cannot be read as an article (empty, binary, undecodable, too large…)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OffsetError(SourcetraceError):
    """A span does not point into the document text, or a stage tried to rewrite it."""


class ConfigError(SourcetraceError):
    """A setting, a model or a lexicon is missing or malformed."""


class StageError(SourcetraceError):
    """A pipeline stage failed or returned something other than a Document."""
