"""How a run stops on Ctrl-C or a SIGTERM (a scheduler, systemd, `timeout`): it unwinds
where it stands, as from Ctrl-C, so that a half-written output's temporary file goes
and the documents already analysed are committed; a SIGTERM left to its default action
killed the process where it stood. The commands say the stop in one line and exit
128 + the signal."""

from __future__ import annotations

import signal
import threading
from types import TracebackType

__all__ = ["Stopped", "StopSignals"]

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(KeyboardInterrupt):
    """A stop signal, raised where the run stands so that it unwinds as from a Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class StopSignals:
    """Within it, SIGTERM and SIGINT raise :class:`Stopped`; ``signum`` keeps the first one.

    ``signum`` is there for code that sees the stop under another name: DuckDB turns the
    exception raised inside one of its queries into its own. Once a stop has begun, a
    second signal is let pass: raised while a process pool shut down (it waits a few
    seconds for the chunks its workers hold), it broke the shutdown half-way and the
    process hung at exit. Off the main thread (where no handler can be set) it does
    nothing."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def _stop(self, signum: int, frame: object) -> None:
        for sig in _SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
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
