from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcetrace.errors import StageError
from sourcetrace.model import Document
from sourcetrace.pipeline import per_document
from sourcetrace.runner import Failure, LocalRunner
from sourcetrace.runner import local as local_runner


def test_runner_failure_is_returned_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def analyze(doc: Document, *, mode: str = "crf") -> Document:
        if doc.doc_id == "bad":
            raise StageError("E502: boom")
        return doc

    monkeypatch.setattr(local_runner.pipeline, "analyze_many", per_document(analyze))
    out = list(LocalRunner().run([Document("a", "x"), Document("bad", "y"), Document("c", "z")]))
    assert [type(o).__name__ for o in out] == ["Document", "Failure", "Document"]
    assert isinstance(out[1], Failure) and str(out[1]) == "bad: E502: boom"


def test_runner_failure_names_where_the_document_was_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def analyze(doc: Document, *, mode: str = "crf") -> Document:
        raise StageError("E502: boom")

    monkeypatch.setattr(local_runner.pipeline, "analyze_many", per_document(analyze))
    docs = [Document("a", "x", origin="feed.jsonl:7"), Document("b", "y", origin="-"), Document("c", "z")]
    assert [str(f) for f in LocalRunner().run(docs)] == ["feed.jsonl:7: E502: boom", "-: E502: boom", "c: E502: boom"]


def test_runner_pool_reads_only_a_few_chunks_ahead() -> None:
    from sourcetrace.runner.local import AHEAD, POOL_CHUNK

    pulled = 0

    def docs() -> Iterator[Document]:
        nonlocal pulled
        for n in range(120):
            pulled += 1
            yield Document(f"d{n}", f"Coach Tan said the team {n} was ready.")

    out = LocalRunner(jobs=2).run(docs())
    first = next(out)
    assert first.doc_id == "d0"
    assert pulled <= 2 * AHEAD * POOL_CHUNK < 120  # the pool's map would have read all 120
    assert [d.doc_id for d in out] == [f"d{n}" for n in range(1, 120)]


def test_runner_process_pool_gives_same_records_as_in_process() -> None:
    docs = [Document(f"d{n}", f"“We are ready,” coach Mia Tan said on day {n}.") for n in range(3)]
    one = [d.to_dict() for d in LocalRunner(jobs=1).run(docs)]  # type: ignore[union-attr]
    two = [d.to_dict() for d in LocalRunner(jobs=2).run(docs)]  # type: ignore[union-attr]
    assert one == two
    assert all(r["attributions"] for r in one)


def test_runner_keeps_the_order_across_chunks_and_workers() -> None:
    from sourcetrace.runner.local import CHUNK, POOL_CHUNK

    docs = [Document(f"d{n}", f"Coach Mia Tan{n} said that the team {n} was ready.") for n in range(CHUNK + 3)]
    one = list(LocalRunner(jobs=1).run(docs))
    two = list(LocalRunner(jobs=2).run(docs))
    assert len(docs) > CHUNK > POOL_CHUNK  # several chunks either way
    assert [d.doc_id for d in one] == [d.doc_id for d in two] == [d.doc_id for d in docs]
    assert [d.to_dict() for d in one] == [d.to_dict() for d in two]  # type: ignore[union-attr]


def test_chunks_close_at_their_size_or_their_weight() -> None:
    from sourcetrace.runner.local import chunks

    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunks([], 2)) == []
    sizes = [1, 1, 10, 1, 1, 1]
    assert list(chunks(sizes, 4, weight=lambda n: n, limit=5)) == [[1, 1, 10], [1, 1, 1]]
    assert list(chunks([10, 1], 4, weight=lambda n: n, limit=5)) == [[10], [1]]
    assert list(chunks([10, 1], 4, weight=lambda n: n)) == [[10, 1]]  # no limit: size alone


def test_runner_refuses_an_unknown_mode_before_any_document() -> None:
    with pytest.raises(StageError, match="E504"):
        LocalRunner(mode="guess")


_KILLED_PARENT = """
import multiprocessing, os, sys, time
import sourcetrace.pipeline as pipeline
from sourcetrace.model import Document
from sourcetrace.runner import LocalRunner

def stuck(docs, mode=None):
    # one write: under PYTHONUNBUFFERED print makes two, which interleaved with the other
    # worker's ("123456", then an empty line)
    os.write(1, f"{os.getpid()}\\n".encode())
    time.sleep(120)

pipeline.analyze_many = stuck  # module level: a spawned or fork-server worker imports this file too

if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    for _ in LocalRunner(jobs=2).run(Document(f"d{i}", "x") for i in range(40)):
        pass
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return not any(line.startswith("State:") and "Z" in line for line in fh)  # a zombie is gone
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and forks its pool")
@pytest.mark.parametrize("start", ["fork", "forkserver", "spawn"])
def test_runner_workers_leave_when_their_parent_is_killed(start: str, tmp_path: Path) -> None:
    """A parent killed outright (SIGKILL; `sourcetrace analyze` takes a SIGTERM the same
    way) left its workers waiting for work for ever, each holding a model. Under a fork
    server (Python 3.14's start method on Linux) a worker's parent is the server, which
    outlives the run: they stayed even after the first fix, which watched that parent."""
    script = tmp_path / "killed_parent.py"
    script.write_text(_KILLED_PARENT)
    proc = subprocess.Popen([sys.executable, str(script), start], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(proc.stdout.readline()) for _ in range(2)]  # type: ignore[union-attr]
        assert all(_alive(pid) for pid in workers)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 10 * local_runner.PARENT_POLL
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_runner_a_worker_dying_after_a_stop_raises_nothing_in_the_pool_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGTERM to the whole process group (systemd stops a service so) stops the run and
    kills the workers: Python 3.11's pool then marked the futures the stop had cancelled
    as failed, and its thread died with InvalidStateError: a traceback on a clean stop,
    and at exit a hang on a pipe no one read."""
    import contextlib
    import multiprocessing
    import os
    import signal
    import threading

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the slow stand-in analysis reaches the workers through a fork")

    def slow_after_the_first(docs: list[Document], *, mode: str = "crf") -> list[Document]:
        time.sleep(0.1 if docs[0].doc_id == "d0" else 5.0)  # the workers are busy when stopped
        return docs

    monkeypatch.setattr(local_runner.pipeline, "analyze_many", slow_after_the_first)
    raised: list[type[BaseException]] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_type))
    run = LocalRunner(jobs=2).run(Document(f"d{n}", f"Coach Tan said day {n} was fine.") for n in range(60))
    next(run)
    me = os.getpid()
    with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as fh:
        workers = [int(p) for p in fh.read().split() if _alive(int(p))]  # not an earlier test's zombie
    assert len(workers) == 2

    def kill() -> None:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):  # the stop may have ended it first
                os.kill(pid, signal.SIGKILL)

    killer = threading.Timer(0.05, kill)
    killer.start()
    run.close()  # the stop: cancels what has not started, ends the workers
    killer.join()
    assert raised == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("n_docs", [1, 40])
def test_runner_a_stop_ends_the_workers_at_once(n_docs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop (SIGTERM to the main process alone; `docker stop` sends one) waited for the
    chunks the workers held: 217 s for two texts of 1 MB. With one chunk (n_docs 1) none is
    pending while it is collected, and the stop waited even after pending ones were cancelled."""
    import multiprocessing
    import os
    import signal
    import threading

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the slow stand-in analysis reaches the workers through a fork")

    def slow(docs: list[Document], *, mode: str = "crf") -> list[Document]:
        time.sleep(60)
        return docs

    class Stop(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stop

    monkeypatch.setattr(local_runner.pipeline, "analyze_many", slow)
    me = os.getpid()
    previous = signal.signal(signal.SIGUSR1, stop)
    workers: list[int] = []

    def send() -> None:
        with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as fh:
            workers.extend(int(p) for p in fh.read().split() if _alive(int(p)))
        os.kill(me, signal.SIGUSR1)

    timer = threading.Timer(1.0, send)
    started = time.monotonic()
    try:
        timer.start()
        with pytest.raises(Stop):
            for _ in LocalRunner(jobs=2).run(Document(f"d{n}", "Tan said so.") for n in range(n_docs)):
                pass
    finally:
        timer.join()
        signal.signal(signal.SIGUSR1, previous)
    assert time.monotonic() - started < 30  # the chunks would take 60 s
    assert workers and not any(_alive(pid) for pid in workers)


_HALF_SENT = """
import concurrent.futures.process as pool_internals
import os, signal, struct, sys, threading, time
from sourcetrace import pipeline
from sourcetrace.model import Document
from sourcetrace.runner import LocalRunner

def half_sent(result_queue, *args, **kwargs):
    # a worker ended half-way through sending its result back: a length, part of the body
    os.write(result_queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"half")
    time.sleep(120)

pool_internals._sendback_result = half_sent  # reaches the workers through the fork
pipeline.analyze_many = lambda docs, mode=None: docs

class Stop(Exception):
    pass

def stop(signum, frame):
    raise Stop

signal.signal(signal.SIGUSR1, stop)
threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGUSR1)).start()
try:
    for _ in LocalRunner(jobs=2).run(Document(f"d{i}", "x") for i in range(8)):
        pass
except Stop:
    print("stopped", flush=True)
"""


def _run_forked(tmp_path: Path, source: str, *, timeout: int) -> str:
    """Run ``source`` as a script and give its output; it must end well within ``timeout``
    (a hang is the failure). Its stand-ins for the pool's internals or the analysis reach
    the workers through a fork only."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the script's stand-ins reach the workers through a fork")
    script = tmp_path / "forked.py"
    script.write_text(source)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done.stdout


_KILLED_HALF_SENT = _HALF_SENT.replace(
    "    time.sleep(120)", "    os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer").replace(
    "threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGUSR1)).start()", "").replace(
    "except Stop:", "except pool_internals.BrokenProcessPool as e:\n    print(e, flush=True)\nexcept Stop:")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks its pool")
def test_runner_a_worker_killed_while_it_sends_its_result_does_not_hang_the_run(tmp_path: Path) -> None:
    """The pool's thread waited for the rest of the message for ever, and never saw the
    worker die: the run hung, where a worker killed at any other moment ends it."""
    assert _run_forked(tmp_path, _KILLED_HALF_SENT, timeout=50) == local_runner.WORKER_DIED + "\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks its pool")
def test_runner_a_stop_does_not_hang_on_a_result_half_sent(tmp_path: Path) -> None:
    """A stop ends the workers: one ended while it sent a result back left half a message
    in the pool's result pipe, and the pool's thread waited for the rest for ever (this
    process holds the pipe's writing end too), so the stop hung."""
    assert _run_forked(tmp_path, _HALF_SENT, timeout=60) == "stopped\n"


_TIMED_OUT = """
import errno
from sourcetrace import pipeline
from sourcetrace.model import Document
from sourcetrace.runner import LocalRunner

def timed_out(docs, mode=None):
    raise OSError(errno.ETIMEDOUT, "Connection timed out")  # a TimeoutError

pipeline.analyze_many = timed_out  # reaches the workers through the fork
try:
    for _ in LocalRunner(jobs=2).run(Document(f"d{i}", "x") for i in range(8)):
        pass
except TimeoutError as e:
    print("raised", e, flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks its pool")
def test_runner_a_chunk_that_raises_a_timeout_error_is_not_waited_on_for_ever(tmp_path: Path) -> None:
    """The runner's look for a dead worker waited with ``result(timeout=)``, and took the
    chunk's own TimeoutError for the end of its wait: the run spun on it for ever."""
    assert _run_forked(tmp_path, _TIMED_OUT, timeout=60) == "raised [Errno 110] Connection timed out\n"
