"""Writing outputs so that a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_atomic", "write_text_atomic"]


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Have ``write`` fill a temporary file beside `path`, flush it to disk, then rename it
    over `path`.

    A crash or a full disk leaves the old file (or none), never a truncated one.
    """
    path = Path(path)
    made = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except BaseException:
        _remove_empty(made)
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        _remove_empty(made)
        raise


def _remove_empty(folders: list[Path]) -> None:
    """Take back the folders a failed write made (deepest first), if they are still empty:
    a run where every input failed leaves no trace."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def write_text_atomic(path: str | Path, data: str) -> None:
    """`data` as UTF-8, written with ``write_atomic``."""
    write_atomic(path, lambda fh: fh.write(data.encode("utf-8")))
