"""How a run stops on Ctrl-C or a SIGTERM (a scheduler, systemd, `timeout`): it unwinds
where it stands, as from Ctrl-C, so that a half-written output's temporary file goes
and the documents already analysed are committed; a SIGTERM left to its default action
killed the process where it stood. The commands say the stop in one line and exit
128 + the signal."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import click

from .errors import printable

__all__ = ["StopSignals", "Stopped", "interrupted", "stopped_as_interrupted", "untouched"]

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(KeyboardInterrupt):
    """A stop signal, raised where the run stands so that it unwinds as from a Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _ignore(signum: int, frame: object) -> None:
    """A second stop signal while the first one unwinds the run."""


class StopSignals:
    """Within it, SIGTERM and SIGINT raise :class:`Stopped`; ``signum`` keeps the first one.

    ``signum`` is there for code that sees the stop under another name: DuckDB turns the
    exception raised inside one of its queries into its own. Once a stop has begun, a
    second signal is ignored, until the block is left: raised while a process pool shut
    down, it broke the shutdown half-way and the process hung at exit. It is ignored by a
    handler that does nothing, not SIG_IGN: a signal already on its way as SIG_IGN is set
    is reported by Python with a traceback ("Signal 15 ignored due to race condition").
    Off the main thread (where no handler can be set) it does nothing."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def _stop(self, signum: int, frame: object) -> None:
        for sig in _SIGNALS:
            signal.signal(sig, _ignore)
        self.signum = signum
        raise Stopped(signum)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._stop) for sig in _SIGNALS}
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._previous = {}


@contextlib.contextmanager
def stopped_as_interrupted(output: Path | None) -> Iterator[None]:
    """A command that writes ``output`` stops on a SIGTERM or Ctrl-C where it stands: a
    half-written output's temporary file goes and the earlier output stays. Either ends
    with one line and exit 128 + the signal."""
    with StopSignals() as stop:  # left after the line is written: a further signal is still ignored
        try:
            yield
        except (KeyboardInterrupt, Exception) as e:
            if not interrupted(e):  # DuckDB raises its own error for a stop inside a query
                raise
            signum = stop.signum or int(signal.SIGINT)  # none: Ctrl-C before the handler was set
            click.echo(printable(f"error: stopped by signal {signum}{_kept(output)}"), err=True)
            sys.exit(128 + signum)


def _kept(output: Path | None) -> str:
    if output is None:
        return ""
    if output.is_dir():  # one file per document, or per table: those written before the stop stay
        return f"; {output} holds what was written before the stop"
    return f"; {untouched(output)}"


def untouched(output: Path) -> str:
    """What a run that wrote nothing did to ``output``: nothing (its earlier content, if any, stays)."""
    return f"{output} left as it was" if output.exists() else f"{output} not written"


def interrupted(e: BaseException) -> bool:
    """Whether ``e`` is a stop: Ctrl-C or :class:`Stopped`, or DuckDB's word for one that
    landed during a query (it raises its own error in its place: InterruptException
    before DuckDB 2.0, RuntimeError('Query interrupted') since)."""
    if isinstance(e, KeyboardInterrupt):
        return True
    duckdb = sys.modules.get("duckdb")  # an extra: a run that never imported it has no such error
    if duckdb is not None and isinstance(e, duckdb.InterruptException):
        return True
    return type(e) is RuntimeError and str(e).strip().lower() == "query interrupted"
