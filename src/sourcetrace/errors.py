"""One error tree for the whole package; messages carry a code and say what to do."""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "OffsetError", "SourcetraceError", "StageError", "printable"]


def printable(text: str) -> str:
    """Control characters escaped, for a message that must stay one line: a newline in a
    file name or a document id can't start a forged line, an ESC can't reach the terminal."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


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
