"""The stop handler shared by the commands (stops.py), on its own."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from sourcetrace.stops import Stopped, StopSignals, interrupted


def test_stops_two_different_signals_at_once_stop_once_and_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT then SIGTERM while the run is in C code (a parse, a DuckDB call): the first
    handler set SIG_IGN for both while the second was already on its way, and Python
    reported it with a traceback ("Signal 15 ignored due to race condition")."""
    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda args: reported.append(args.exc_value))
    me = os.getpid()
    with pytest.raises(Stopped) as stopped, StopSignals() as stop:
        threading.Timer(0.05, os.kill, (me, signal.SIGINT)).start()
        threading.Timer(0.1, os.kill, (me, signal.SIGTERM)).start()
        sum(range(60_000_000))  # C code for about a second: no Python handler runs until it returns
        raise AssertionError("no stop")
    assert stopped.value.signum == signal.SIGINT == stop.signum
    assert reported == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stops_duckdb_s_word_for_a_stop_is_a_stop_and_nothing_else() -> None:
    assert interrupted(KeyboardInterrupt()) and interrupted(Stopped(15))
    assert interrupted(RuntimeError("Query interrupted"))
    assert not interrupted(RuntimeError("Query interrupted by a bug of ours, not a signal"))
    assert not interrupted(ValueError("Query interrupted"))
